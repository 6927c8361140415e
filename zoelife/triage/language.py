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


@cache
def _identifier():
    # Loaded on first use (about half a second), not at import.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


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
    letters = len(_LETTER.findall(sample))
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
