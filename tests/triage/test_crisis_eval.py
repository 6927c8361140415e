"""Graded figures on the labelled crisis set (see evaluation.py for how the set was frozen)."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.triage.evaluation import crisis_figures, load

LEVELS = {"urgent", "review", "none"}


def test_labelled_set_shape() -> None:
    rows = load("crisis_messages.jsonl")
    assert len(rows) >= 240
    assert len({r["id"] for r in rows}) == len(rows)
    assert all(r["label"] in LEVELS and r["text"] for r in rows)
    counts = Counter(r["label"] for r in rows)
    assert counts["none"] / len(rows) >= 0.3
    assert counts["review"] / len(rows) >= 0.2
    assert counts["urgent"] / len(rows) >= 0.25
    assert sum(r["frozen"] for r in rows) == len(rows) // 3
    cats = {r["category"] for r in rows}
    for needed in (
        "passive_ideation",
        "active_ideation",
        "plan",
        "method",
        "preparation",
        "self_harm",
        "attempt",
        "not_safe",
        "burden",
        "hopelessness",
        "slang",
        "misspelling",
        "third_party",
        "negated",
        "historical",
        "informational",
        "other_language",
        "idiom",
        "spanish",
    ):
        assert needed in cats, needed


@pytest.mark.parametrize("frozen_only", [False, True], ids=["all", "frozen"])
def test_urgent_recall_is_total(frozen_only: bool) -> None:
    fig = crisis_figures(frozen_only)
    print(fig.line("frozen" if frozen_only else "all"))
    assert fig.urgent_hit == fig.urgent, f"urgent messages missed: {fig.misses}"


@pytest.mark.parametrize("frozen_only", [False, True], ids=["all", "frozen"])
def test_no_flagged_message_comes_out_none(frozen_only: bool) -> None:
    fig = crisis_figures(frozen_only)
    assert fig.flagged_to_none == 0, f"review/urgent messages marked none: {fig.flagged_none_ids}"


@pytest.mark.parametrize("frozen_only", [False, True], ids=["all", "frozen"])
def test_none_messages_rarely_flagged(frozen_only: bool) -> None:
    fig = crisis_figures(frozen_only)
    assert fig.none_flag_rate <= 0.10, f"none messages flagged: {fig.false_flag_ids}"
