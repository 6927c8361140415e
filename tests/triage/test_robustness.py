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


def test_typical_message_is_fast() -> None:
    text = (
        "Hi, my name is Sam and I've been struggling with depression for about six years. I've "
        "tried sertraline, escitalopram, bupropion and venlafaxine and nothing has really helped. "
        "My psychiatrist suggested I look into TMS or Spravato. I'm not suicidal but I am really "
        "tired all the time and can't focus at work. I have Blue Cross insurance. Could someone "
        "call me back after 3pm? Also wondering if you do medication management. Thanks!"
    )
    assess(text)
    n = 300
    t0 = time.process_time()
    for _ in range(n):
        assess(text)
    per = (time.process_time() - t0) / n
    assert per < 0.005, f"{per * 1000:.2f} ms per message"


def test_huge_text_is_fast() -> None:
    chunk = "I'm dying to try TMS, deadlines are killing me. Días difíciles, ¿sabes? "
    text = (chunk * (100_000 // len(chunk) + 1))[:100_000]
    assess(text)
    t0 = time.process_time()
    a = assess(text)
    took = time.process_time() - t0
    assert a.crisis == "none"
    assert took < 0.25, f"{took * 1000:.0f} ms for 100 KB"


def test_huge_text_with_many_matches() -> None:
    text = "I want to die. " * 7000
    t0 = time.process_time()
    a = assess(text)
    took = time.process_time() - t0
    assert a.crisis == "urgent"
    assert took < 1.0, f"{took * 1000:.0f} ms"
