"""Fixtures of the conversation tests (tests/conversations/fixtures.py, shared with the Twilio
attack tests)."""

from tests.conversations.fixtures import client, twilio  # noqa: F401 - fixtures by name
