"""The shared setup of the files of a blind round's kinds (test_round14_kinds.py,
test_round15_kinds.py, test_round15_more.py): sentences grouped by the level they should get,
each a test case, checked on the rules alone (`assess_by_rules`)."""

from __future__ import annotations

import pytest

from tests.triage.evaluation import assess_by_rules


def check(text: str, expected: str) -> None:
    """`expected` is a level, or "flagged" (not `none`), or "not urgent"."""
    got = assess_by_rules(text).crisis
    if expected == "flagged":
        assert got != "none", text
    elif expected == "not urgent":
        assert got != "urgent", text
    else:
        assert got == expected, text


def cases(*groups: tuple[str, list[str]]) -> list:
    """`("urgent", [sentences]), ("none", [...])`: one case per sentence, named by both."""
    return [pytest.param(text, expected, id=f"{expected}: {text[:48]}")
            for expected, texts in groups for text in texts]
