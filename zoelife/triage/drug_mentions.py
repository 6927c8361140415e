"""Where a message names a psychiatric drug: by a name from `data/drugs.toml` (US generic
names, brands, Spanish names), by a clinician's abbreviation ("SERT 200", "nortrip 100"),
or by a word close to a name that is not an ordinary English or Spanish word (rapidfuzz,
simplemma), each with its clause and sentence. Used by `trials`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ._text import Folded, load_toml

# A word at least this close (rapidfuzz ratio, 0-100) to a drug name is that drug.
FUZZY_AT = 82

FUZZY_MIN_LENGTH = 5


@dataclass(frozen=True)
class Drug:
    generic: str
    drug_class: str


@cache
def drug_list() -> dict[str, dict]:
    return load_toml("drugs.toml")


@cache
def drug_names() -> dict[str, Drug]:
    table: dict[str, Drug] = {}
    for generic, entry in drug_list().items():
        drug = Drug(generic, entry["class"])
        for name in (generic, *entry.get("names", ())):
            table[name] = drug
    return table


@cache
def short_drug_names() -> dict[str, Drug]:
    table: dict[str, Drug] = {}
    for generic, entry in drug_list().items():
        for name in entry.get("short", ()):
            table[name] = Drug(generic, entry["class"])
    return table


@cache
def name_pattern() -> re.Pattern[str]:
    # A name may run into its dose ("celexa20mg"), never into another word.
    names = sorted(drug_names(), key=len, reverse=True)
    short = sorted(short_drug_names(), key=len, reverse=True)
    return re.compile(
        r"(?<![\w-])(?:(?P<name>" + "|".join(re.escape(n) for n in names) + r")(?![a-z-])"
        r"|(?P<short>" + "|".join(re.escape(n) for n in short) + r")(?= ?\d))")


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
    return Drug(generic, table[generic]["class"])


def looks_generic(name: str, generic: str) -> bool:
    """A name that is the generic itself or its Spanish form, not a brand: abbreviations
    shorten generic names ("DULOX"), and a brand's first letters ("DOB...") are other words."""
    return name == generic or name[:4] == generic[:4]


@cache
def is_ordinary_word(word: str) -> bool:
    import simplemma

    return simplemma.is_known(word, lang=("en", "es"))


@cache
def close_name(word: str) -> str | None:
    from rapidfuzz import fuzz, process

    if len(word) < FUZZY_MIN_LENGTH or word.isdigit() or is_ordinary_word(word):
        return None
    found = process.extractOne(word, single_word_names(), scorer=fuzz.ratio,
                               score_cutoff=FUZZY_AT)
    return found[0] if found else None


SENTENCE_END = re.compile(r"[.;!?\n]+(?=\s|$)|\n")

CLAUSE_END = re.compile(r"[.;!?\n]+(?=\s|$)|\n|\s(?:but|pero|however|although|aunque|sin embargo)\s")


def clause_bounds(folded: str, ends: re.Pattern[str] = CLAUSE_END) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for m in ends.finditer(folded):
        bounds.append((start, m.end()))
        start = m.end()
    bounds.append((start, len(folded)))
    return [(s, e) for s, e in bounds if e > s]


@dataclass
class Mention:
    drug: Drug
    start: int  # offsets in the folded text
    end: int
    clause: tuple[int, int]
    sentence: tuple[int, int]


def find_mentions(f: Folded) -> list[Mention]:
    folded = f.folded
    clauses = clause_bounds(folded)
    sentences = clause_bounds(folded, SENTENCE_END)
    found: list[tuple[int, int, Drug]] = []
    taken = [False] * len(folded)
    for m in name_pattern().finditer(folded):
        drug = drug_names()[m.group("name")] if m.group("name") else short_drug_names()[m.group("short")]
        found.append((m.start(), m.end(), drug))
        taken[m.start():m.end()] = [True] * (m.end() - m.start())
    for m in re.finditer(r"(?<![\w-])([a-z]{3,8})(?![a-z-])(?=( ?(?:xr|xl|er|sr|carb )?\d)?)", folded):
        # Clinicians' abbreviations: a generic's first letters in capitals ("SERT 200 x12wk",
        # "Failed: ESC, DULOX") or before a dose ("nortrip 100", "mirt 45").
        if any(taken[m.start():m.end()]):
            continue
        written = f.text[slice(*f.span(m.start(), m.end()))]
        if written.isupper() or (m.group(2) and len(m.group(1)) >= 4
                                 and not is_ordinary_word(m.group(1))):
            drug = by_prefix(m.group(1))
            if drug:
                found.append((m.start(), m.end(), drug))
                taken[m.start():m.end()] = [True] * (m.end() - m.start())
    for m in re.finditer(rf"[a-z][a-z-]{{{FUZZY_MIN_LENGTH - 1},}}", folded):
        if any(taken[m.start():m.end()]):
            continue
        name = close_name(m.group(0))
        # "Señor" folds to "senor": the word as written must not be an ordinary word either.
        if name and not is_ordinary_word(f.text[slice(*f.span(m.start(), m.end()))].lower()):
            found.append((m.start(), m.end(), drug_names()[name]))
    found.sort(key=lambda f: f[0])
    out = []
    for start, end, drug in found:
        clause = next(((s, e) for s, e in clauses if s <= start < e), (0, len(folded)))
        sentence = next(((s, e) for s, e in sentences if s <= start < e), (0, len(folded)))
        out.append(Mention(drug, start, end, clause, sentence))
    return out
