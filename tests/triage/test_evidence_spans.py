from __future__ import annotations

import pytest

from zoelife.triage import CRISIS_RANK, EvidenceSpan, assess, max_level


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Hi. Some nights I wish I were dead, honestly.", "wish I were dead"),
        ("I DON'T want to live anymore", "DON'T want to live"),
        ("I don’t want to live anymore", "don’t want to live"),
        ("Días malos. Quiero morir.", "Quiero morir"),
        ("Ça va mal 😞😞 — I want to die", "want to die"),
        ("Straße Straße I want to kill myself", "kill myself"),
        ("ﬁne ﬁne ﬁne I want to die", "want to die"),
        ("e\u0301e\u0301 quiero morir", "quiero morir"),
        ("Pt w/ TRD, +SI passive", "+SI"),
        ("İstanbul ǅ ﬀ trip, then I started cutting myself", "started cutting myself"),
    ],
)
def test_span_points_at_words(text: str, words: str) -> None:
    spans = [sp for sp in assess(text).crisis_evidence if sp.level == "urgent"]
    assert spans, text
    assert words in [text[sp.start : sp.end] for sp in spans], [
        text[sp.start : sp.end] for sp in spans
    ]


def test_spans_are_frozen_dataclasses_in_range() -> None:
    text = "No suicidal thoughts. But I've been cutting myself since last week."
    a = assess(text)
    assert a.crisis == "urgent"
    for sp in a.crisis_evidence:
        assert isinstance(sp, EvidenceSpan)
        assert 0 <= sp.start < sp.end <= len(text)
        assert sp.level in {"urgent", "review"}
    levels = {text[sp.start : sp.end]: sp.level for sp in a.crisis_evidence}
    assert levels["suicidal"] == "review"
    assert levels["been cutting myself"] == "urgent"


def test_max_level() -> None:
    assert max_level("none", "review") == "review"
    assert max_level("urgent", "review") == "urgent"
    assert max_level("none", "none") == "none"
    assert CRISIS_RANK == {"urgent": 2, "review": 1, "none": 0}
