"""The language guess counts stop words as the plain loop over the words does."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from zoelife.triage import language
from zoelife.triage.language import detect_language, stop_word_counts

_WORDS = sorted(language._EN | language._ES | language._OTHER_WORDS) + ["tms", "ok", "zzz"]


def _counted_one_by_one(words: list[str]) -> tuple[int, int, dict[str, int]]:
    en = es = 0
    other = dict.fromkeys(language._OTHER, 0)
    for w in words:
        en += w in language._EN
        es += w in language._ES
        for name, vocabulary in language._OTHER.items():
            other[name] += w in vocabulary
    return en, es, other


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=14))
def test_stop_words_are_counted_as_one_by_one(words: list[str]) -> None:
    assert stop_word_counts(words) == _counted_one_by_one(words)


def test_languages_are_told_apart() -> None:
    assert detect_language("I want help with my depression please") == "en"
    assert detect_language("quiero ayuda con mi depresión por favor") == "es"
    assert detect_language("je voudrais un rendez-vous pour moi et ma fille") == "other"
    assert detect_language("TMS?") == "unknown"
