"""Arrival toasts: a request named by its number, channel and crisis level only, urgent first."""

from __future__ import annotations

import pytest

from tests.intake.helpers import make_request
from zoelife.db.engine import read_session
from zoelife.intake.arrivals import Arrival, arrivals_after


@pytest.mark.parametrize("channel,level,words", [
    ("web_form", "urgent", "New web request #412, urgent"),
    ("phone", "none", "New phone request #412"),
    ("walk_in", "review", "New walk-in request #412, review"),
    ("other", "none", "New request #412"),
])
def test_describe(channel, level, words):
    assert Arrival(412, channel, level).describe() == words


def test_arrivals_after_the_last_seen_urgent_first_then_newest(engine):
    seen = make_request(engine)
    calm = [make_request(engine) for _ in range(3)]
    urgent = make_request(engine, message="I want to kill myself", first_name="Ursula")
    newest = make_request(engine, channel="phone")
    with read_session(engine) as s:
        shown, total = arrivals_after(s, seen)
        assert [a.id for a in shown] == [urgent, newest, calm[-1]] and total == 5
        assert shown[0].crisis_level == "urgent" and shown[1].channel == "phone"
        assert arrivals_after(s, newest) == ([], 0)
