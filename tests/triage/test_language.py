"""The language guess counts stop words as the plain loop over the words does."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from zoelife.triage import language
from zoelife.triage.language import detect_language

_WORDS = sorted(language._EN | language._ES | language._OTHER_WORDS) + ["tms", "ok", "¿"]


def _reference(text: str) -> str:
    """detect_language as first written: one pass counting every list for every word."""
    from zoelife.triage._text import Folded

    if not text or not text.strip():
        return "unknown"
    sample = text[: language._MAX_CHARS]
    if not sample.isascii():
        non_latin = len(language._NON_LATIN.findall(sample))
        latin = len(language._LATIN.findall(sample))
        if non_latin and non_latin > latin:
            return "other"
    words = language._WORD.findall(Folded(text).folded[: language._MAX_CHARS])
    words = words[: language._MAX_WORDS]
    if not words:
        return "unknown"
    en = es = 0
    other = dict.fromkeys(language._OTHER, 0)
    for w in words:
        en += w in language._EN
        es += w in language._ES
        for name in language._OTHER_OF.get(w, ()):
            other[name] += 1
    best_other = max(other.values()) if other else 0
    if best_other >= 2 and best_other > max(en, es):
        return "other"
    if en == 0 and es == 0:
        return "unknown"
    return "es" if es > en else "en"


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=12).map(" ".join))
def test_stop_word_soup_is_guessed_as_the_reference_guesses(text: str) -> None:
    assert detect_language(text) == _reference(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_any_text_is_guessed_as_the_reference_guesses(text: str) -> None:
    assert detect_language(text) == _reference(text)


def test_other_languages_are_still_told_apart() -> None:
    assert detect_language("I want help with my depression please") == "en"
    assert detect_language("quiero ayuda con mi depresión por favor") == "es"
    assert detect_language("je voudrais un rendez-vous pour moi et ma fille") == "other"
