from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from zoelife.triage import TREATMENTS, assess, assess_all

PHRASES = st.sampled_from(
    [
        "I want to die",
        "no suicidal thoughts",
        "SI/HI",
        "quiero morir",
        "TMS",
        "kms",
        "Straße",
        "e\u0301",
        "ﬁ",
        "İ",
        "’",
        "'",
        "\n",
        "2015",
        "3 weeks ago",
        "?",
        "+SI",
        "ketamine therapy",
    ]
)


def _check(text: str) -> None:
    a = assess(text)
    assert a.crisis in {"urgent", "review", "none"}
    assert a.treatments <= set(TREATMENTS)
    assert a.language in {"en", "es", "other", "unknown"}
    for sp in a.crisis_evidence:
        assert 0 <= sp.start <= sp.end <= len(text)
        assert sp.level in {"urgent", "review"}
    if any(sp.level == "urgent" for sp in a.crisis_evidence):
        assert a.crisis == "urgent"
    assert assess(text) == a  # deterministic


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_crashes_on_arbitrary_text(text: str) -> None:
    _check(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(PHRASES, st.text(max_size=8)), max_size=12).map(" ".join))
def test_never_crashes_on_phrase_soup(text: str) -> None:
    _check(text)


MESSAGES = st.one_of(st.none(), st.just(""), st.just("  \n"), PHRASES,
                     st.lists(st.one_of(PHRASES, st.text(max_size=8)), max_size=8).map(" ".join))
FORM_LABELS = st.lists(st.sampled_from(["Spravato", "TMS Therapy", "Not sure", "", "ketamine"]),
                       max_size=2)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(MESSAGES, FORM_LABELS), max_size=12))
def test_assessing_many_at_once_gives_each_message_its_own_result(pairs) -> None:
    # The import assesses a whole chunk stage by stage: empty messages among them, and the
    # order of the messages, must not move any result onto another message.
    together = assess_all(pairs)
    assert together == [assess(text, labels) for text, labels in pairs]
    assert assess_all(pairs[::-1]) == together[::-1]


# Speed itself is measured by bench/triage_speed.py (make bench), not asserted here: a host's
# load moves any absolute figure. What a test can hold is the shape of the cost: a message ten
# times longer costs about ten times more, never a hundred (a pattern that backtracks over the
# whole text would), measured in the same run so that the machine's load cancels out.
GROWTH_LIMIT = 30  # linear growth is 10x; quadratic would be 100x


def _cpu(text: str) -> float:
    best = float("inf")
    for _ in range(3):
        t0 = time.process_time()
        assess(text)
        best = min(best, time.process_time() - t0)
    return max(best, 1e-4)


def _grows_linearly(unit: str, small: int) -> tuple[float, str]:
    short, long = unit * small, unit * (small * 10)
    assess(short)
    ratio = _cpu(long) / _cpu(short)
    return ratio, f"{len(long):,} characters cost {ratio:.1f}x {len(short):,}"


def test_huge_text_costs_in_proportion_to_its_length() -> None:
    chunk = "I'm dying to try TMS, deadlines are killing me. Días difíciles, ¿sabes? "
    assert assess(chunk * 1400).crisis == "none"  # about 100 KB
    ratio, why = _grows_linearly(chunk, 140)
    assert ratio < GROWTH_LIMIT, why


def test_huge_text_with_many_matches_costs_in_proportion() -> None:
    assert assess("I want to die. " * 7000).crisis == "urgent"
    ratio, why = _grows_linearly("I want to die. ", 700)
    assert ratio < GROWTH_LIMIT, why
