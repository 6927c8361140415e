"""Fixtures shared by the conversation tests and the Twilio attack tests: the mock Twilio with
the server's environment pointing at it, and an in-process client of the app's Twilio routes on
a fresh SQLite database (`app_db`). Import them by name where they are used."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.conversations.mock_twilio import MockTwilio
from zoelife.conversations import twilio_api, webhooks


@pytest.fixture
def twilio(monkeypatch):
    for name in (twilio_api.PUBLIC_URL_ENV, twilio_api.FORWARD_TO_ENV):
        monkeypatch.delenv(name, raising=False)
    with MockTwilio() as mock:
        for name, value in mock.env().items():
            monkeypatch.setenv(name, value)
        yield mock


@pytest.fixture
def client(app_db, twilio):
    return TestClient(Starlette(routes=webhooks.routes()), base_url="http://testserver")
