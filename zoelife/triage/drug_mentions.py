"""Where a message names a psychiatric drug: by a name from `data/drugs.toml` (US generic
names, brands, Spanish names), by a clinician's abbreviation ("SERT 200", "nortrip 100"),
or by a word close to a name that is not an ordinary English, Spanish, Portuguese or French word
(rapidfuzz, simplemma), each with its clause and sentence; names a voicemail transcript heard
as several words ("Lexi pro", "Sarah quell") are read by `drug_heard`. The names and how one
word is read as one are in `drug_names`. Used by `trials`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from zoelife.triage.drug_heard import heard_as_words, sentence_of
from zoelife.triage.drug_names import (
    FUZZY_MIN_LENGTH,
    Drug,
    abbreviations,
    abbreviations_in_a_list,
    by_any_prefix,
    by_prefix,
    close_name,
    drug_names,
    is_ordinary_word,
    name_pattern,
    short_drug_names,
)

from ._text import Folded

# Chinese writes "。" and full-width "？！；" (folded to "?!;") with no space after.
SENTENCE_END = re.compile(r"[.;!?\n]+(?=\s|$)|\n|。|(?<=[\u3400-\u9fff])[;!?]")

CLAUSE_END = re.compile(r"[.;!?\n]+(?=\s|$)|\n|。|(?<=[\u3400-\u9fff])[;!?]|\s(?:but|pero|however|although|aunque|sin embargo)\s")


def clause_bounds(folded: str, ends: re.Pattern[str] = CLAUSE_END) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for m in ends.finditer(folded):
        bounds.append((start, m.end()))
        start = m.end()
    bounds.append((start, len(folded)))
    return [(s, e) for s, e in bounds if e > s]


# An abbreviation in capitals with no dose after it is a drug only in a sentence about
# medicines ("Failed: ESC, DULOX", "s/p FLX"); "the SRT subtitle file" is none.
_MEDICINE_TALK = re.compile(
    r"\b(?:mg|meds?|medications?|medicines?|trials?|tried|failed|fail|s/p|hx|history|current(?:ly)?|taking|takes|"
    r"took|rx|augment\w*|d/c|dc|dose|doses|started|stopped|adt|stims?|nr|partial|response|responded|"
    r"tratamientos?|ensayos?|tomo|tome|probe|previos?|fallo|fallaron|sin respuesta)\b|\d")


# Words that name a payer next: a word only close to a drug's name there is the payer's.
_PAYER_BEFORE = re.compile(r"\b(?:insurance|insurer|insured|plan|prior auth\w*|pa|coverage|covered|member|payer|"
                           r"seguro|aseguradora|plano|convenio)(?: (?:is|with|through|by|from|es|con|de|do|da)){0,2}"
                           r"\W{0,3}$")


_SPLIT_PREFIX = re.compile(r"(?<![a-z])(?P<before>(?:the|a|an|uh|um|on|of|my|some|and|or|took|tried|take|taking|"
                           r"getting|got) )?(?P<prefix>[a-z]{2,4}) $")


@dataclass
class Mention:
    drug: Drug
    start: int  # offsets in the folded text
    end: int
    clause: tuple[int, int]
    sentence: tuple[int, int]


@cache
def other_script_names() -> dict[str, Drug]:
    """Names in Russian and Chinese script (data/drug_scripts.toml) and their drugs."""
    from ._text import load_toml
    from .drug_names import _drug, drug_list

    table = drug_list()
    return {name: _drug(generic, table[generic])
            for names in load_toml("drug_scripts.toml").values() for name, generic in names.items()}


@cache
def other_script_pattern() -> re.Pattern[str]:
    """Russian names with up to three letters of case ending, whole words; Chinese names
    wherever they stand (no spaces between words); the longest first."""
    names = sorted(other_script_names(), key=len, reverse=True)
    cyrillic = [re.escape(n) for n in names if re.search("[а-яё]", n)]
    han = [re.escape(n) for n in names if not re.search("[а-яё]", n)]
    return re.compile(r"(?<![а-яё])(?P<name>" + "|".join(cyrillic) + r")(?=[а-яё]{0,3}(?![а-яё]))"
                      r"|(?P<han>" + "|".join(han) + r")")


def _another_abbreviation(f: Folded, word: str) -> bool:
    """Another drug's shorthand in capitals in the message (an abbreviation, "DLX", or a
    generic's first letters, "ESC")."""
    return any(w.lower() != word and (w.lower() in abbreviations() or by_prefix(w.lower()))
               for w in re.findall(r"\b[A-Z]{3,5}\b", f.text))


def _ordinary_here(word: str, f: Folded) -> bool:
    """An ordinary word of the message's language. Shorthand before a dose ("trazo 100") in
    a message written in English is read though it is a Spanish word: only an English word
    is ordinary there."""
    if not is_ordinary_word(word):
        return False
    from . import lexicon as simplemma  # read in place (lexicon.py)
    from .language import detect_language

    return simplemma.is_known(word, lang=("en",)) or detect_language(f.text) != "en"


def find_mentions(f: Folded) -> list[Mention]:
    folded = f.folded
    clauses = clause_bounds(folded)
    sentences = clause_bounds(folded, SENTENCE_END)
    found: list[tuple[int, int, Drug]] = []
    taken = [False] * len(folded)
    for m in name_pattern().finditer(folded):
        drug = drug_names()[m.group("name")] if m.group("name") else short_drug_names()[m.group("short")]
        start = m.start()
        # A name's first syllable heard apart: "the es ketamine" is esketamine, "des
        # venlafaxine" desvenlafaxine; never a word of its own there ("lo que tomo es citalopram").
        split = _SPLIT_PREFIX.search(folded, max(0, start - 30), start)
        if split and m.group("name") and split.group("prefix") + m.group("name") in drug_names() and (
                split.group("before") or not is_ordinary_word(split.group("prefix"))):
            drug, start = drug_names()[split.group("prefix") + m.group("name")], split.start("prefix")
        found.append((start, m.end(), drug))
        taken[start:m.end()] = [True] * (m.end() - start)
    # Names in other scripts (Russian, Chinese), from data/drug_scripts.toml.
    if not folded.isascii():
        for m in other_script_pattern().finditer(folded):
            if not any(taken[m.start():m.end()]):
                found.append((m.start(), m.end(), other_script_names()[m.group("name") or m.group("han")]))
                taken[m.start():m.end()] = [True] * (m.end() - m.start())
    for m in re.finditer(r"(?<![\w-])([a-z]{3,8})(?![a-z-])(?=( ?(?:xr|xl|er|sr|carb )?\d)?)", folded):
        # Clinicians' abbreviations: a generic's first letters in capitals ("SERT 200 x12wk",
        # "Failed: ESC, DULOX") or before a dose ("nortrip 100", "mirt 45").
        if any(taken[m.start():m.end()]):
            continue
        written = f.text[slice(*f.span(m.start(), m.end()))]
        if written.isupper() and m.group(1) in abbreviations() and (
                m.group(2) or _MEDICINE_TALK.search(folded, *sentence_of(sentences, m.start()))):
            drug = abbreviations()[m.group(1)]
            found.append((m.start(), m.end(), drug))
            taken[m.start():m.end()] = [True] * (m.end() - m.start())
            continue
        if (written.isupper() and m.group(2) and m.group(1) in abbreviations_in_a_list()
                and _another_abbreviation(f, m.group(1))):
            found.append((m.start(), m.end(), abbreviations_in_a_list()[m.group(1)]))
            taken[m.start():m.end()] = [True] * (m.end() - m.start())
            continue
        if written.isupper() or (m.group(2) and len(m.group(1)) >= 4
                                 and not _ordinary_here(m.group(1), f)):
            drug = by_prefix(m.group(1))
            if drug is None and m.group(2) and not written.isupper():
                drug = by_any_prefix(m.group(1))
            if drug:
                found.append((m.start(), m.end(), drug))
                taken[m.start():m.end()] = [True] * (m.end() - m.start())
    for m in re.finditer(rf"[a-z][a-z-]{{{FUZZY_MIN_LENGTH - 1},}}", folded):
        if any(taken[m.start():m.end()]):
            continue
        # A hyphen inside a word is a transcript's break between syllables ("lamotri-jean").
        name = close_name(m.group(0).replace("-", ""))
        # "Señor" folds to "senor": the word as written must not be an ordinary word either.
        # Nor a payer's name: "the prior auth with Elevance" is no Elvanse.
        if (name and not is_ordinary_word(f.text[slice(*f.span(m.start(), m.end()))].lower())
                and not _PAYER_BEFORE.search(folded[max(0, m.start() - 40):m.start()])):
            found.append((m.start(), m.end(), drug_names()[name]))
    heard_as_words(f, taken, found, sentences)
    # A word read alone as a name, inside words heard together as another ("serta" of "serta
    # line"): the longer reading is the name said.
    found = [(s, e, d) for s, e, d in found
             if not any(s2 <= s and e <= e2 and e2 - s2 > e - s for s2, e2, _ in found)]
    found.sort(key=lambda f: f[0])
    out = []
    for start, end, drug in found:
        clause = next(((s, e) for s, e in clauses if s <= start < e), (0, len(folded)))
        sentence = next(((s, e) for s, e in sentences if s <= start < e), (0, len(folded)))
        out.append(Mention(drug, start, end, clause, sentence))
    return out
