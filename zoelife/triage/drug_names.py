"""The drug names of `data/drugs.toml` (US generic names, brands, Spanish, Portuguese and
European names, clinicians' abbreviations) and how a word is read as one: exactly, by its
first letters, or close to a name as written or vowel-blind (rapidfuzz) unless it is an
ordinary English, Spanish, Portuguese or French word (simplemma). Used by `drug_mentions`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ._text import load_toml

# A word at least this close (rapidfuzz ratio, 0-100) to a drug name is that drug.
FUZZY_AT = 82

FUZZY_MIN_LENGTH = 5


@dataclass(frozen=True)
class Drug:
    generic: str
    drug_class: str
    only_for_mind: bool = False  # a trial only when taken for a psychiatric reason
    # A trial only when its own words say it is for a psychiatric reason ("hydroxyzine 25 prn
    # for anxiety"), not for itching nor with no reason.
    indication_said: bool = False


def _drug(generic: str, entry: dict) -> Drug:
    return Drug(generic, entry["class"], entry.get("only_for_mind", False),
                entry.get("indication_said", False))


@cache
def drug_list() -> dict[str, dict]:
    return load_toml("drugs.toml")


@cache
def drug_names() -> dict[str, Drug]:
    table: dict[str, Drug] = {}
    for generic, entry in drug_list().items():
        drug = _drug(generic, entry)
        for name in (generic, *entry.get("names", ()), *combination_spellings(generic)):
            table[name] = drug
    return table


def combination_spellings(generic: str) -> tuple[str, ...]:
    """A combination's generics as people join them: "olanzapine/samidorphan",
    "samidorphan-olanzapine", "olanzapine / samidorphan"."""
    parts = generic.split("-")
    if len(parts) != 2:
        return ()
    return tuple(sep.join(order) for order in (parts, parts[::-1]) for sep in ("/", " / ", "-", " + "))


@cache
def short_drug_names() -> dict[str, Drug]:
    table: dict[str, Drug] = {}
    for generic, entry in drug_list().items():
        for name in (*entry.get("short", ()), *entry.get("abbrev", ())):
            table[name] = _drug(generic, entry)
    return table


@cache
def abbreviations_in_a_list() -> dict[str, Drug]:
    """`abbrev_in_list`: shorthand also used for other things ("MTZ", metronidazole too), read as
    the drug only in capitals before a dose, with another of the literature's abbreviations in
    capitals in the same message ("ESC 20 ...; DLX 90 ...; MTZ 30")."""
    return {name: _drug(generic, entry) for generic, entry in drug_list().items()
            for name in entry.get("abbrev_in_list", ())}


@cache
def abbreviations() -> dict[str, Drug]:
    """The literature's abbreviations ("LTG", "VPA"), read as the drug when written in capitals."""
    return {name: _drug(generic, entry) for generic, entry in drug_list().items()
            for name in entry.get("abbrev", ())}


@cache
def name_pattern() -> re.Pattern[str]:
    # A name may run into its dose ("celexa20mg"), never into another word.
    names = sorted(drug_names(), key=len, reverse=True)
    short = sorted(short_drug_names(), key=len, reverse=True)
    return re.compile(
        r"(?<![\w-])(?:(?P<name>" + "|".join(re.escape(n) for n in names) + r")(?![a-z-])"
        r"|(?P<short>" + "|".join(re.escape(n) for n in short) + r")(?= ?\d| (?:" + _BEFORE_DOSE + r") ?\d))")


# Words a referral puts between a shorthand and its dose: "Li augmentation 600 mg", "Li carb 900".
_BEFORE_DOSE = r"augmentation|augment|aug|carbonate|carb|er|xr|sr"


@cache
def single_word_names() -> tuple[str, ...]:
    return tuple(n for n in drug_names() if " " not in n and len(n) >= FUZZY_MIN_LENGTH)


@cache
def by_prefix(word: str) -> Drug | None:
    """The one drug whose generic name (English or Spanish) begins with `word` ("sert",
    "dulox", "nortrip"), or None when none or several do."""
    table = drug_list()
    found = {generic for generic, entry in table.items()
             for name in (generic, *entry.get("names", ()))
             if name.startswith(word) and looks_generic(name, generic)}
    if len(found) != 1:
        return None
    (generic,) = found
    return _drug(generic, table[generic])


@cache
def by_any_prefix(word: str) -> Drug | None:
    """Texting shorthand before a dose ("zolo 100", "wellb 300"): the one drug any of whose
    names, brands too, begins with `word`, or None when none or several do."""
    table = drug_list()
    found = {generic for generic, entry in table.items()
             for name in (generic, *entry.get("names", ())) if name.startswith(word)}
    if len(found) != 1:
        return None
    (generic,) = found
    return _drug(generic, table[generic])


def looks_generic(name: str, generic: str) -> bool:
    """A name that is the generic itself or its Spanish form, not a brand: abbreviations
    shorten generic names ("DULOX"), and a brand's first letters ("DOB...") are other words."""
    return name == generic or name[:4] == generic[:4]


_ACCENTED = {"a": "á", "e": "é", "i": "í", "o": "ó", "u": "ú", "n": "ñ"}


@cache
def is_ordinary_word(word: str) -> bool:
    from . import lexicon as simplemma  # read in place (lexicon.py)

    # Portuguese too: a voicemail in Portuguese ("quero", "ligar") is not a misspelt name; and
    # French, which the clinic also receives: "pris de la" is not the brand Prisdal.
    langs = ("en", "es", "pt", "fr")
    if simplemma.is_known(word, lang=langs):
        return True
    # A word typed without its one accent ("tambien", "despues", "nino") is still that word:
    # "tambien" is no Ambien.
    return any(simplemma.is_known(word[:i] + _ACCENTED[c] + word[i + 1:], lang=langs)
               for i, c in enumerate(word) if c in _ACCENTED)


# Vowels are what people and transcripts most often get wrong ("Paxel", "xanex", "Able if I"):
# a word not close enough as written may still be a name when its vowel-blind form is this
# close to the name's and its plain form at least VOWEL_BLIND_PLAIN_AT ("desiree" is not
# Desyrel), or VOWEL_BLIND_DOSE_AT for words a dose follows.
VOWEL_BLIND_AT = 90
VOWEL_BLIND_PLAIN_AT = 75
VOWEL_BLIND_DOSE_AT = 70

_VOWEL_RUN = re.compile(r"[aeiouy]+")


# Letters that sound alike, as a transcript or a listener may write them: "lamotri-jean" is
# lamotrigine (a soft g is a j, a final e is silent), "sitalopram" citalopram, "fenelzine"
# phenelzine, Spanish "guelbutrin" Wellbutrin.
# Spanish writes the sound w as "gu" or "hu" before a vowel ("guelbutrin", "huelbutrin").
_SOUNDS = ((re.compile(r"^[gh]u(?=[aeio])"), "w"), (re.compile(r"ph"), "f"), (re.compile(r"g(?=[eiy])"), "j"), (re.compile(r"c(?=[eiy])"), "s"),
           (re.compile(r"ck|c"), "k"), (re.compile(r"(?<=[^aeiouy])e$"), ""))

# A word whose sound-alike form is exactly a name's needs this much plainly.
SOUNDS_SAME_PLAIN_AT = 70


def vowel_blind(word: str) -> str:
    """`word` as it sounds, every run of vowels as one "a": "paxel" and "paxil" are both
    "paxal", "lamotrijean" and "lamotrigine" both "lamatrajan"."""
    for pattern, letter in _SOUNDS:
        word = pattern.sub(letter, word)
    return _VOWEL_RUN.sub("a", word)


@cache
def _vowel_blind_names() -> dict[str, str]:
    return {n: vowel_blind(n) for n in single_word_names()}


def _closest(word: str, cutoff: float, plain_at: float | None = VOWEL_BLIND_PLAIN_AT) -> str | None:
    """The name closest to `word` as written, else vowel-blind (unless `plain_at` is None)."""
    from rapidfuzz import fuzz, process

    found = process.extractOne(word, single_word_names(), scorer=fuzz.ratio, score_cutoff=cutoff)
    if found:
        return found[0]
    if plain_at is None:
        return None
    blind = process.extractOne(vowel_blind(word), _vowel_blind_names(), scorer=fuzz.ratio,
                               score_cutoff=max(cutoff, VOWEL_BLIND_AT))
    # (blind form, score, name)
    if blind and fuzz.ratio(word, blind[2]) >= (min(plain_at, SOUNDS_SAME_PLAIN_AT) if blind[1] == 100
                                               else plain_at):
        return blind[2]
    return None


@cache
def close_name(word: str) -> str | None:
    if len(word) < FUZZY_MIN_LENGTH or word.isdigit() or is_ordinary_word(word):
        return None
    return _closest(word, FUZZY_AT)


# A name heard as words must be closer still: ordinary words joined seldom come near a name.
HEARD_AT = 84
HEARD_ORDINARY_AT = 87


@cache
def heard_name(joined: str, cutoff: float = HEARD_AT,
               plain_at: float | None = VOWEL_BLIND_PLAIN_AT) -> str | None:
    if len(joined) < 6 or is_ordinary_word(joined):
        return None
    return _closest(joined, cutoff, plain_at)
