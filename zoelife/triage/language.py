"""A deliberately simple language guess: stop-word counts on the folded text.

Returns "en", "es", "other" (a language the crisis detector does not read) or "unknown"
(too little text to tell: "hi", "call me", "TMS?").  Word lists: data/language.toml.
"""

from __future__ import annotations

import re

from ._text import Folded, load_toml

_CFG = load_toml("language.toml")
_EN = frozenset(_CFG["en"])
_ES = frozenset(_CFG["es"])
_OTHER = {name: frozenset(words) for name, words in _CFG["other"].items()}
_OTHER_OF: dict[str, tuple[str, ...]] = {}  # word -> the other languages that use it
for _name, _words in _OTHER.items():
    for _w in _words:
        _OTHER_OF[_w] = (*_OTHER_OF.get(_w, ()), _name)
_OTHER_WORDS = frozenset(_OTHER_OF)
_WORD = re.compile(r"[^\W\d_]+")
# Letters outside the Latin blocks (Latin-1, Latin Extended A/B, Latin Extended Additional).
_NON_LATIN = re.compile(r"[^\W\d_A-Za-z\u00C0-\u024F\u1E00-\u1EFF]")
_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F\u1E00-\u1EFF]")

#: How many words of a long text are looked at (enough to decide, bounded time).
_MAX_WORDS = 4000
_MAX_CHARS = 40000


def detect_language(text: str | None, folded: Folded | None = None) -> str:
    if not text or not text.strip():
        return "unknown"
    sample = text[:_MAX_CHARS]
    if not sample.isascii():  # ASCII letters are all Latin: nothing to count
        non_latin = len(_NON_LATIN.findall(sample))
        latin = len(_LATIN.findall(sample))
        if non_latin and non_latin > latin:
            return "other"
    ftext = (folded.folded if folded is not None else Folded(text).folded)[:_MAX_CHARS]
    words = _WORD.findall(ftext)[:_MAX_WORDS]
    if not words:
        return "unknown"
    en, es, other = stop_word_counts(words)
    best_other = max(other.values()) if other else 0
    if best_other >= 2 and best_other > max(en, es):
        return "other"
    if en == 0 and es == 0:
        return "unknown"
    if es > en:
        return "es"
    return "en"


def stop_word_counts(words: list[str]) -> tuple[int, int, dict[str, int]]:
    """How many of `words` are English, Spanish and each other language's stop words."""
    en = sum(map(_EN.__contains__, words))
    es = sum(map(_ES.__contains__, words))
    other = dict.fromkeys(_OTHER, 0)
    if not _OTHER_WORDS.isdisjoint(words):  # most messages hold none
        for w in words:
            for name in _OTHER_OF.get(w, ()):
                other[name] += 1
    return en, es, other
