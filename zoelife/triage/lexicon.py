"""simplemma's word lists, read in place from their compressed streams (its `low_memory`
backend) instead of unpacked into a dict of bytes per language.

Unpacked, a list costs a process 20 MB (English) to 157 MB (Russian) — Spanish, read for every
message, 97 MB — and each process of an import (the importer and its worker) unpacked its own
copy of every language its messages brought up. Read in place, a list is its compressed
stream's decoded bytes and a sparse index, about 12 MB for English and Spanish together. The
same lists give the same answers (the golden assessments are unchanged); a look-up costs more
(a bisect and up to 32 records decoded), which the triage's per-word caches pay once per
distinct word.

The triage modules call these as `simplemma.is_known` / `simplemma.lemmatize`.
"""

from __future__ import annotations

from simplemma import Lemmatizer
from simplemma.strategies import DefaultStrategy, DictionaryLookupStrategy
from simplemma.strategies.dictionaries import StreamDictionaryFactory
from simplemma.utils import normalize_token, validate_lang_input

# simplemma's shared low-memory factory keeps the indexes of 8 languages; the triage reads more
# (every read language, and whatever language a message seems to be in), and a language dropped
# from that cache was decoded again on its next word: arbitrary text in many languages took
# minutes. One factory with room for every language simplemma ships.
_LISTS = StreamDictionaryFactory(cache_max_size=64)
_LOOKUP = DictionaryLookupStrategy(_LISTS)
_LEMMATIZER = Lemmatizer(lemmatization_strategy=DefaultStrategy(dictionary_factory=_LISTS))


def is_known(token: str, lang: str | tuple[str, ...]) -> bool:
    token = normalize_token(token)
    return any(_LOOKUP.get_lemma(token, code) is not None for code in validate_lang_input(lang))


def lemmatize(token: str, lang: str | tuple[str, ...]) -> str:
    return _LEMMATIZER.lemmatize(token, lang)
