"""Which language a message is in: py3langid's model (shipped inside the package, no download),
checked against simplemma's English and Spanish word lists.

``detect_language`` returns "en", "es", "other" (a language the crisis detector does not read:
such a message is at least ``review``) or "unknown" (too little text to tell: "hi", "call me",
"TMS?"). ``language_guess`` also names the language it seems to be ("pt", "vi", ...), which the
request page shows.

Why two libraries: langid's character n-grams name the language of a sentence well but are
unsure on a few words and on clinical shorthand ("Pt w/ TRD, +SI passive"); simplemma's
dictionaries say what share of the words are English or Spanish words. A message is read as
English or Spanish when langid says so confidently, or when most of its words are English or
Spanish words; it is "other" only when neither holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np

from . import lexicon as simplemma  # its word lists read in place (lexicon.py)
from ._text import Folded
from .languages import LANGUAGES

#: Below this many letters a message is "unknown" (unless in a non-Latin script).
MIN_LETTERS = 12
#: langid's normalised probability above which its answer is taken as it stands.
CONFIDENT = 0.80
#: Share of words simplemma knows as English or Spanish for a message to be read as such.
KNOWN_SHARE = 0.60
#: Share of English words above which a message is English without asking langid.
PLAIN_ENGLISH = 0.85
#: langid's probability for another language that makes a message "other" when fewer than
#: KNOWN_SHARE of its words are English or Spanish.
OTHER_CONFIDENT = 0.50
#: Below this share of English or Spanish words a message is "other" whatever langid says.
LOW_SHARE = 0.30
#: langid's probability from which a language declared in data/languages/ is read too (its
#: fields apply besides English and Spanish): the message's own language, or one mixed in.
ALSO_READ = 0.20
_MAX_CHARS = 4000

_LETTER = re.compile(r"[^\W\d_]")
_LETTERS = re.compile(r"[^\W\d_]+")  # runs of them: counted by what is left without them
# Letters outside the Latin blocks (Latin-1, Latin Extended A/B, Latin Extended Additional).
_NON_LATIN = re.compile(r"[^\W\d_A-Za-z\u00C0-\u024F\u1E00-\u1EFF]")
_WORD = re.compile(r"[^\W\d_]{2,}")

NAMES = {
    "en": "English", "es": "Spanish", "fr": "French", "pt": "Portuguese", "it": "Italian",
    "de": "German", "vi": "Vietnamese", "zh": "Chinese", "ko": "Korean", "ja": "Japanese",
    "ar": "Arabic", "ru": "Russian", "uk": "Ukrainian", "pl": "Polish", "ht": "Haitian Creole",
    "tl": "Tagalog", "hi": "Hindi", "fa": "Persian", "ur": "Urdu", "bn": "Bengali",
    "pa": "Punjabi", "so": "Somali", "am": "Amharic", "he": "Hebrew", "el": "Greek",
    "tr": "Turkish", "nl": "Dutch", "ro": "Romanian", "hy": "Armenian", "km": "Khmer",
    "th": "Thai", "lo": "Lao", "my": "Burmese", "ne": "Nepali", "sw": "Swahili",
}


@dataclass(frozen=True)
class LanguageGuess:
    language: str  # "en" | "es" | "other" | "unknown"
    code: str  # what it seems to be: an ISO 639 code from langid, or "unknown"
    mixed: bool  # English and Spanish both present (read in both anyway)
    # Languages of data/languages/ whose fields are read too (English and Spanish always are):
    # the message's own language, or one mixed into an English or Spanish message.
    reads: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return NAMES.get(self.code, self.code)

    @property
    def main(self) -> str:
        """The language that decides a word two read languages both know: English, Spanish, a
        declared language, or "" (another language, or unknown)."""
        if self.language in ("en", "es"):
            return self.language
        return self.code if self.code in self.reads else ""


_UNKNOWN = LanguageGuess("unknown", "unknown", False)


#: Bytes that decide the state of py3langid's automaton: after any input, the state is the one
#: reached from the start by the last ``_DEPTH`` bytes alone (the deepest state is 6 bytes from
#: the start; tests/triage/test_long_message_speed.py checks the model still says so).
_DEPTH = 6


@cache
def _identifier():
    # Loaded on first use (about half a second), not at import.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    class Identifier(LanguageIdentifier):
        """py3langid's identifier, with its byte automaton walked by numpy.

        py3langid counts the features of every state its automaton passes through, one byte at
        a time in Python (~0.8 ms of the ~1.7 ms it takes for 2,000 characters). Here the state
        after each byte is worked out for every byte at once, from the ``_DEPTH`` bytes before
        it, and then checked against the automaton's own step from the state before (so it is
        the same sequence of states, or py3langid's own walk is used); the counts are handed to
        py3langid's scoring in the order its walk finds them, so the scores are the same
        floating-point numbers."""

        __slots__ = ("_moves", "_rows", "_outputs")

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._moves = np.asarray(self.tk_nextmove)  # the same memory, not a copy
            self._rows = np.asarray(self._rowbase, dtype=np.intp)
            self._outputs = np.asarray(self.tk_output, dtype=np.intp)

        def _raw_score(self, text):
            visits = _visits(self, text)
            if visits is None:  # not bytes, or a walk the shortcut does not reproduce
                return super()._raw_score(text)
            # py3langid's _sparse_score on the arrays its dict would give (same dtypes, order).
            features, counts = visits
            return np.log1p(counts) @ self.nb_ptc[features] + self.nb_pc

    return Identifier.from_model_file(MODEL_FILE, norm_probs=True)


def _states(identifier, data: bytes):
    """The automaton's state after each byte of ``data``, or None when the shortcut (each
    state from the ``_DEPTH`` bytes before it) does not give the automaton's own walk."""
    moves, rows = identifier._moves, identifier._rows
    codes = np.frombuffer(data, dtype=np.uint8).astype(np.intp)
    n = len(codes)
    states = np.zeros(n, dtype=np.intp)
    for back in range(min(_DEPTH, n) - 1, -1, -1):  # byte i - back moves state i
        states[back:] = moves[rows[states[back:]] + codes[:n - back]]
    # The automaton's own step from each state to the next, all at once.
    if states[0] != moves[rows[0] + codes[0]] or not np.array_equal(
            moves[rows[states[:-1]] + codes[1:]], states[1:]):
        return None
    return states


def _visits(identifier, data) -> tuple[np.ndarray, np.ndarray] | None:
    """py3langid's ``visit_counts`` as two arrays: the features, in the order first met, and
    their counts (float32, as py3langid scores them); None when there is none or the shortcut
    does not apply (py3langid's own walk then decides)."""
    if not isinstance(data, bytes) or not data:
        return None
    states = _states(identifier, data)
    if states is None:
        return None
    features = identifier._outputs[states]
    features = features[features >= 0]
    if not len(features):
        return None
    found, first, counts = np.unique(features, return_index=True, return_counts=True)
    order = np.argsort(first, kind="stable")
    return found[order].astype(np.intp), counts[order].astype(np.float32)


def load_identifier() -> None:
    """Load the model now: a process about to fork workers (the importer) shares its pages
    with them instead of each worker loading its own copy (~75 MB) on its first message."""
    _identifier()


def detect_language(text: str | None, folded: Folded | None = None) -> str:
    return language_guess(text).language


def language_guess(text: str | None) -> LanguageGuess:
    if not text or not text.strip():
        return _UNKNOWN
    return _guess(text[:_MAX_CHARS])


# Not cached: a cache keyed by the message would hold patients' words in process memory
# beyond their request (DESIGN.md: patient data never in caches). It saved about 0.13 ms of CPU
# (of about 3.7 ms for the whole assessment) only when the very same text came again, and
# `assess_all` already assesses a text repeated within a batch once.
def _guess(sample: str) -> LanguageGuess:
    letters = len(sample) - len(_LETTERS.sub("", sample))  # len(_LETTER.findall(sample))
    non_latin = len(_NON_LATIN.findall(sample)) if not sample.isascii() else 0
    if letters == 0:
        return _UNKNOWN
    shares = None
    if letters >= MIN_LETTERS and not non_latin:
        shares = en_share, es_share, mixed = _shares(sample)
        if en_share >= PLAIN_ENGLISH and en_share - es_share >= 0.2:
            # Plainly English (most messages): no need to ask the model (half the time).
            return LanguageGuess("en", "en", mixed)
    ranked = _ranked(sample)
    top, p = ranked[0]
    probs = dict(ranked[:20])
    reads = tuple(code for code, q in ranked[:5] if q >= ALSO_READ and code in LANGUAGES)
    if non_latin and non_latin * 2 > letters:
        return LanguageGuess("other", top if top not in ("en", "es") else "unknown", False,
                             reads)
    if letters < MIN_LETTERS:
        # Too short to tell ("Quero morrer."): read in every declared language too, a word in
        # the language that knows it (English and Spanish first).
        return LanguageGuess("unknown", "unknown", False, tuple(LANGUAGES))
    en_share, es_share, mixed = shares if shares is not None else _shares(sample)
    if (top in LANGUAGES and p >= CONFIDENT
            and _share_in(sample, top) > max(en_share, es_share)):
        # Plainly a declared language whose words Spanish mostly shares too ("Não me vejo
        # vivo até o Natal"): read as that language, not as Spanish.
        return LanguageGuess("other", top, mixed, reads)
    if top in ("en", "es") and p >= CONFIDENT:
        return LanguageGuess(top, top, mixed, reads)
    known = max(en_share, es_share)
    best = "en" if (en_share, probs.get("en", 0)) >= (es_share, probs.get("es", 0)) else "es"
    if top not in ("en", "es") and p >= OTHER_CONFIDENT and known < KNOWN_SHARE:
        return LanguageGuess("other", top, mixed, reads)
    if known >= LOW_SHARE or top in ("en", "es"):
        return LanguageGuess(best, best, mixed, reads)
    return LanguageGuess("other", top if top not in ("en", "es") else "unknown", mixed, reads)


def _ranked(sample: str) -> list[tuple[str, float]]:
    """langid's ranking, with the varieties a declared language's file names counted as it
    (Galician as Portuguese)."""
    ranked = _identifier().rank(sample)
    if not _VARIANT_OF:
        return ranked
    merged: dict[str, float] = {}
    for code, q in ranked:
        code = _VARIANT_OF.get(code, code)
        merged[code] = merged.get(code, 0.0) + q
    return sorted(merged.items(), key=lambda item: -item[1])


_VARIANT_OF = {v: code for code, lang in LANGUAGES.items() for v in lang.variants}


def _shares(sample: str) -> tuple[float, float, bool]:
    """Share of words that simplemma knows as English, as Spanish; whether both are present."""
    words = _WORD.findall(sample)[:400]
    if not words:
        return 0.0, 0.0, False
    en = es = only_en = only_es = 0
    for w in words:
        kind = _KIND.get(w)
        if kind is None:
            kind = _kind(w)
        if kind:
            if kind & 1:
                en += 1
                if kind == 1:
                    only_en += 1
            if kind & 2:
                es += 1
                if kind == 2:
                    only_es += 1
    mixed = only_en >= 3 and only_es >= 3
    return en / len(words), es / len(words), mixed


def _share_in(sample: str, code: str) -> float:
    """Share of words simplemma knows in that language (only asked of a declared language
    langid is sure of)."""
    if not LANGUAGES[code].lemmatise:
        return 0.0
    words = _WORD.findall(sample)[:400]
    return sum(_known(w.lower(), code) for w in words) / len(words) if words else 0.0


# word as written -> 1 English, 2 Spanish, 3 both, 0 neither (simplemma, lower-cased).
_KIND: dict[str, int] = {}


def _kind(word: str) -> int:
    lower = word.lower()
    kind = _known(lower, "en") | (_known(lower, "es") << 1)
    if len(_KIND) > 200_000:  # an import of odd words: bounded memory
        _KIND.clear()
    _KIND[word] = kind
    return kind


@lru_cache(maxsize=65536)
def _known(word: str, lang: str) -> bool:
    return simplemma.is_known(word, lang=lang)


def short_words_of(words: str, code: str) -> bool:
    """Whether ``words`` are only short words (three letters at most) of the language ``code``
    (simplemma's list for it): an abbreviation that is also a word there ("od", Polish for
    "from", is not an overdose in a Polish message)."""
    found = [w.lower() for w in _WORD.findall(words)]
    try:
        return bool(found) and all(len(w) <= 3 and _known(w, code) for w in found)
    except ValueError:  # a language simplemma has no list for
        return False


def reads_as_english_or_spanish(words: str) -> bool:
    """Whether every word of ``words`` is an English or Spanish word (simplemma's lists): in a
    message in another language, only such evidence is read as English or Spanish."""
    found = [w.lower() for w in _WORD.findall(words)]
    return bool(found) and all(_known(w, "en") or _known(w, "es") for w in found)
