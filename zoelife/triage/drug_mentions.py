"""Where a message names a psychiatric drug: by a name from `data/drugs.toml` (US generic
names, brands, Spanish names), by a clinician's abbreviation ("SERT 200", "nortrip 100"),
or by a word close to a name that is not an ordinary English, Spanish, Portuguese or French word
(rapidfuzz, simplemma), or by ordinary words that sound like a name where a medicine is talked
of ("Sarah quell", jellyfish's Metaphone), each with its clause and sentence. The names and how one word is read as one are in `drug_names`. Used by `trials`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from itertools import pairwise

from zoelife.triage.drug_names import (
    FUZZY_MIN_LENGTH,
    HEARD_AT,
    HEARD_ORDINARY_AT,
    VOWEL_BLIND_DOSE_AT,
    VOWEL_BLIND_PLAIN_AT,
    Drug,
    abbreviations,
    abbreviations_in_a_list,
    by_any_prefix,
    by_prefix,
    close_name,
    drug_names,
    heard_name,
    is_ordinary_word,
    name_pattern,
    short_drug_names,
    single_word_names,
    vowel_blind,
)

from ._text import Folded

# A release form heard apart after a name: "a fixer x r two twenty five", "well butrin x l".
_RELEASE = r"(?:(?:x ?r|x ?l|e ?r|s ?r|c ?r)\W{1,3})?"

# A dose right after words heard as a name ("Able if I, two milligrams") says they are one.
_DOSE_NEXT = re.compile(r"^\W{0,3}" + _RELEASE + r"(?:\d+(?:\.\d+)?|[a-z]+(?: [a-z]+)?) ?(?:mg|mgs|milligrams?|"
                        r"miligramos?)\b")


# A name heard by a voicemail transcript as ordinary words ("Sarah quell", "a bill if I", "Effects
# or", "lamb ick tall") is read by how it sounds: the words joined have the same Metaphone code
# as a name (jellyfish), or one sound off, not the first, in a code of five or more, and stay
# this close as written. Codes are compared with a first vowel as any vowel ("a fixer" and
# "Effexor") and a voiced consonant as its voiceless pair ("bus bar" and "Buspar"), as a
# transcriber mishears them. Only where a medicine is being talked of: a dose follows, a word
# for taking comes just before ("been on Sarah quell", "tried the lamb ick tall"), or the words
# stand in a list right after another drug ("Wellbutrin, Effects or, the, uh, Symbol Ta").
SOUNDS_PLAIN_AT = 60
# A code the same as a name's once sounds are paired may be further off as written, though not
# vowel-blind ("a fixer": 46 to "effexor" as written, 92 vowel-blind).
SOUNDS_SAME_BLIND_AT = 85
# One sound for another ("lamb it tall" LMPTL, Lamictal LMKTL; "clo na se pan") only right before
# a dose and this close as written: "trial for" is no Trilafon, "loratadine 10 mg" no Latuda.
SOUNDS_SWAPPED_PLAIN_AT = 75
SOUNDS_MIN_CODE = 4

_FILLERS = r"(?:(?:the|a|an|some|el|la|uh|um|er|ah|like|lets see|i think|and|or|y|o)\W+){0,3}"

_TAKING_BEFORE = re.compile(
    # "on" only as a person is on a medicine ("I'm on", "put me on", "been on"): "detection on
    # very tiny content" and "parsed on the event loop" are no Verotina nor Aventyl.
    r"\b(?:(?:im|i am|was|were|been|is|are|be|being|me|him|her|them|us|still|currently|now|back|also|both|"
    r"stayed|stay|kept|keep|went|go|going|get|got|started|put|placed|tried|switched)\W+on|tried|try|trying|taking|take|takes|took|had|did|started|prescribed|gave (?:me|him|her)|"
    r"added|tomo|tome|toma|tomaba|tomado|probe|probo|probado|con|"
    # "me agregaron la que tia pina", "me recetaron el", "le dieron la".
    r"(?:me|le|les|nos) (?:agregaron|agrego|anadieron|recetaron|receto|dieron|dio|pusieron|puso|cambiaron a|"
    r"cambio a|subieron))\W+" + _FILLERS + r"$")

_LIST_AFTER_DRUG = re.compile(r"^\W*" + _FILLERS + r"$")

# A history told in order, shortly after a drug: "lex a pro twenty and before that pax ill".
_SEQUENCE_BEFORE = re.compile(r"\b(?:(?:before|after) (?:that|this|it)|(?:antes|despues) de (?:eso|ese|esa))\W+"
                              + _FILLERS + r"$")

_NUMBER_NEXT = re.compile(r"^\W{0,3}" + _RELEASE + r"(?:\d|(?:one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|"
                          r"forty|fifty|sixty|seventy|eighty|ninety|hundred|point|half|uno|dos|tres|cuatro|"
                          r"cinco|seis|siete|ocho|nueve|diez|veinte|treinta|cuarenta|cincuenta|sesenta|cien)\b)")

# A telephone number is no dose: "fax eval to 555-201-8890" is no Auvelity.
_PHONE = r"(?![-.]\d{3}[-.]\d{4}\b|-\d{4}\b)"

# "Sera quell 300 at bedtime": a dose's number without its unit.
_BARE_DOSE_NEXT = re.compile(r"^ (?!(?:19|20)\d\d\b)(?:\d+(?:\.\d+)?|\.\d+)" + _PHONE + r"(?! ?(?:years?|yrs?|days?|weeks?|months?|hours?|times|am|pm|"
                             r"anos?|dias?|meses|horas|%|/))\b")

_NUMBER_WORDS = frozenset(
    "one two three four five six seven eight nine ten twenty thirty forty fifty hundred "
    "uno dos tres cuatro cinco seis siete ocho nueve diez cien".split())

# A dose said in words right after the name, no unit: "bus bar fifteen twice a day", "sir o
# quell one fifty", "so loft a hundred and fifty"; not a time ("twenty minutes", "two weeks").
_DOSE_WORD = (r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|"
              r"sixty|seventy|eighty|ninety|hundred|veinte|treinta|cuarenta|cincuenta|sesenta|setenta|ochenta|"
              r"noventa|cien|ciento|doscientos|trescientos)")
_WORDS_DOSE_NEXT = re.compile(
    r"^\W{0,3}" + _RELEASE + r"(?:a |one )?" + _DOSE_WORD + r"(?:[ -](?:and |y )?" + _DOSE_WORD + r"){0,3}\b"
    r"(?! ?(?:years?|days?|weeks?|months?|hours?|minutes?|times|anos?|dias?|semanas?|meses|horas|minutos|veces|"
    r"o'?clock|am|pm)\b)")

# A dose with its number right after the name: "pristine, fifty milligrams", "clo na se pan,
# medio miligramo", "lamb it tall 200".
_NUMBER_DOSE_NEXT = re.compile(
    r"^\W{0,3}" + _RELEASE + r"(?:(?!(?:19|20)\d\d\b)\d+(?:\.\d+)?" + _PHONE + r"(?! ?(?:years?|yrs?|days?|weeks?|months?|hours?|times|am|pm|anos?|"
    r"dias?|meses|horas|%|/))\b|(?:a |one )?(?:one|two|three|four|five|six|seven|eight|nine|ten|fifteen|twenty|"
    r"thirty|forty|fifty|sixty|hundred|medio|half|uno|dos|tres|cuatro|cinco|diez|veinte|treinta|cuarenta|"
    r"cincuenta|cien|ciento)(?:[ -][a-z]+)? ?(?:mg|mgs|milligrams?|miligramos?)\b)")

_TWO_DIGITS_NEXT = re.compile(r"^\W{0,3}" + _RELEASE + r"(?!(?:19|20)\d\d\b)\d{2,4}(?:\.\d+)?\b" + _PHONE + r"(?! ?(?:years?|yrs?|"
                              r"days?|weeks?|months?|hours?|times|am|pm|anos?|dias?|meses|horas|%|/))")

# Words that never begin a name heard: a possessive ("flexible on my days off" is no Mydayis;
# "on my Zoloft" names the drug after it) and "on", which says a drug follows ("on a bill if I").
_POSSESSIVES = frozenset("on my your his her our their mi tu su mis tus sus".split())

_VOICED = str.maketrans("BDGVZ", "PTKFS")


def sound_code(word: str) -> str:
    """Metaphone code with a first vowel as "A" and voiced consonants as voiceless."""
    import jellyfish

    code = jellyfish.metaphone(word)
    if code[:1] in ("E", "I", "O", "U"):
        code = "A" + code[1:]
    return code.translate(_VOICED)


@cache
def _name_codes() -> dict[str, str]:
    return {n: sound_code(n) for n in single_word_names()}


@cache
def sounds_like_name(joined: str, dose_next: bool = False) -> str | None:
    """The name whose Metaphone code `joined` (words run together) has, or None; with
    `dose_next`, one sound swapped for another too."""
    from jellyfish import levenshtein_distance
    from rapidfuzz import fuzz

    code = sound_code(joined)
    if len(code) < SOUNDS_MIN_CODE:
        return None
    # Exact codes first, then one sound off, only after the first and in a code of five or more
    # ("Effects or" for Effexor, not "her counter" for Reconter); among those, the closest as
    # written ("lamb it tall" is Lamictal, not Limbitrol; "clo na se pan" clonazepam).
    found = []
    for name, other in _name_codes().items():
        off = 0 if other == code else levenshtein_distance(code, other)
        swapped = len(code) == len(other)
        # A name's code of four only before a dose ("cell eczema twenty" is Celexa; "panadería de
        # 5 de la mañana" is no Pondera: a bare number there is the hour).
        if off == 0 or (off == 1 and len(code) >= 5 and (len(other) >= 5 or dose_next) and code[0] == other[0]
                        and (dose_next or not swapped)):
            found.append((off, -fuzz.ratio(joined, name), name, swapped))
    for off, minus_plain, name, swapped in sorted(found):
        if off == 1 and swapped and -minus_plain < SOUNDS_SWAPPED_PLAIN_AT:
            continue
        if -minus_plain >= SOUNDS_PLAIN_AT or (
                off == 0 and fuzz.ratio(vowel_blind(joined), vowel_blind(name)) >= SOUNDS_SAME_BLIND_AT):
            return name
    return None


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


# "I took well butrin for six months and lex a pro before that": words joined to a sentence
# that already named a drug.
_AND_AFTER = re.compile(r"\b(?:and|then|y|e|luego|despues)\W+" + _FILLERS + r"$")


def _medicine_talked_of(folded: str, start: int, end: int, found: list[tuple[int, int, Drug]],
                        sentence_start: int = 0) -> bool:
    """A dose or a bare number follows the words, a word for taking comes just before them, they
    stand in a list right after another drug, or follow "and" in a sentence that named one."""
    return bool(_DOSE_NEXT.match(folded[end:]) or _TAKING_BEFORE.search(folded[max(0, start - 40):start])
                or _BARE_DOSE_NEXT.match(folded[end:])
                or any(_LIST_AFTER_DRUG.match(folded[e:start]) for s, e, _ in found if e <= start)
                or (_AND_AFTER.search(folded[max(0, start - 30):start])
                    and any(sentence_start <= s and e <= start for s, e, _ in found))
                or (any(e <= start < e + 120 for s, e, _ in found)
                    and bool(_SEQUENCE_BEFORE.search(folded[max(0, start - 40):start]))))


# Words that only join others (articles, pronouns, conjunctions, prepositions in English and
# Spanish): a run of nothing else is no name heard, whatever it sounds like ("pero se me").
_FUNCTION_WORDS = frozenset(
    "a an the and or but if so to of in on at by for with from as is it i me my you he she we they "
    "his her our this that then than be was were am are do did not no "
    "pero y o e u si se me te le lo la las los el un una unos unas de del al en con por para que "
    "como mas ya ni mi tu su nos es".split())


def _abbreviation(f: Folded, run: list[re.Match[str]]) -> bool:
    """A word of the run written in capitals ("GERD on omeprazole"): an abbreviation, not a
    syllable a transcriber heard."""
    return any(len(w.group(0)) > 1 and f.text[slice(*f.span(w.start(), w.end()))].isupper() for w in run)


def _told_in_order(folded: str, start: int, end: int, word: str, found: list[tuple[int, int, Drug]]) -> bool:
    """A lone ordinary word heard for a name in a history told in order, shortly after a drug,
    with a number after it: "effects or ... and before that pristine fifty" (since round 9)."""
    return (len(word) >= 6 and bool(_WORDS_DOSE_NEXT.match(folded[end:]) or _TWO_DIGITS_NEXT.match(folded[end:]))
            and any(e <= start < e + 120 for _, e, _ in found)
            and bool(_SEQUENCE_BEFORE.search(folded[max(0, start - 40):start])))


def _sounded_names(f: Folded, words: list[re.Match[str]], taken: list[bool],
                   found: list[tuple[int, int, Drug]]) -> None:
    """Names heard as ordinary words, read by sound, where a medicine is talked of."""
    folded = f.folded
    for i in range(len(words)):
        for n in (4, 3, 2, 1):
            run = words[i:i + n]
            start, end = (run[0].start(), run[-1].end()) if len(run) == n else (0, 0)
            dose_next = bool(_DOSE_NEXT.match(folded[end:]))
            # What lets a sound be swapped: a dose in mg, in words, or a bare number of two digits
            # or more ("lamb it tall 200"; "de 5 de la mañana" is an hour).
            number_next = bool(_WORDS_DOSE_NEXT.match(folded[end:]) or _TWO_DIGITS_NEXT.match(folded[end:]))
            # A lone ordinary word only right before its dose in mg ("something called pristine,
            # fifty milligrams" is Pristiq; "started at fifty milligrams" is no Strattera).
            if (len(run) < n or any(taken[start:end]) or any(s < end and start < e for s, e, _ in found)
                    or any(folded[a.end():b.start()] != " " for a, b in pairwise(run))
                    or any(w.group(0) in _NUMBER_WORDS for w in run)
                    or (n == 1 and is_ordinary_word(run[0].group(0))
                        and not (_NUMBER_DOSE_NEXT.match(folded[end:]) and len(run[0].group(0)) >= 6)
                        and not _told_in_order(folded, start, end, run[0].group(0), found))
                    or run[0].group(0) in _POSSESSIVES or _abbreviation(f, run)
                    or all(w.group(0) in _FUNCTION_WORDS for w in run)):
                continue
            # A one-letter first word ("a bill if I") only before a dose or, after a word for
            # taking, a number ("I'm on a bill if I five"): "e se aceitam" is not escetamina.
            taking_before = bool(_TAKING_BEFORE.search(folded[max(0, start - 40):start]))
            if len(run[0].group(0)) == 1 and not dose_next and not (
                    taking_before and _NUMBER_NEXT.match(folded[end:])):
                continue
            if not (dose_next or taking_before or _BARE_DOSE_NEXT.match(folded[end:])
                    or _WORDS_DOSE_NEXT.match(folded[end:])
                    or any(_LIST_AFTER_DRUG.match(folded[e:start]) for s, e, _ in found if e <= start)
                    or (any(e <= start < e + 120 for s, e, _ in found)
                        and bool(_SEQUENCE_BEFORE.search(folded[max(0, start - 40):start])))):
                continue
            name = sounds_like_name("".join(w.group(0) for w in run), dose_next or number_next)
            if name:
                found.append((start, end, drug_names()[name]))
                taken[start:end] = [True] * (end - start)
                break


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


def _sentence_of(sentences: list[tuple[int, int]], at: int) -> tuple[int, int]:
    return next(((s, e) for s, e in sentences if s <= at < e), (0, at + 1))


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
                m.group(2) or _MEDICINE_TALK.search(folded, *_sentence_of(sentences, m.start()))):
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
    # A name a voicemail transcript heard as several words: "Lexi pro", "Clono pin", "Trin Telex".
    # One-letter words too: "Lex a pro", "Lith o bid", "Able if I"; never the first of a run.
    # Whole words only: "psiquiatra dice" holds no "tra dice".
    words = list(re.finditer(r"(?<![a-z])[a-z]{1,7}(?![a-z])", folded))
    for i in range(len(words)):
        for n in (3, 2):
            run = words[i:i + n]
            if (len(run) < n or len(run[0].group(0)) < 2 or any(any(taken[w.start():w.end()]) for w in run)
                    or any(folded[a.end():b.start()] != " " for a, b in pairwise(run))
                    or run[0].group(0) in _POSSESSIVES or _abbreviation(f, run)):
                continue
            # Ordinary words only ("to fail", "my dad is") must come closer still.
            ordinary = all(is_ordinary_word(w.group(0)) for w in run)
            # Ordinary words are compared vowel-blind only when a dose follows them: "my plan"
            # is not Marplan, "Able if I, two milligrams" is Abilify.
            dose_next = bool(_DOSE_NEXT.match(folded[run[-1].end():]))
            # Ordinary words only, where no medicine is talked of (nor a number follows: "Pax
            # ill, forty"), stay words: "de lunes a viernes" is no Lunesta.
            if ordinary and not (_medicine_talked_of(folded, run[0].start(), run[-1].end(), found,
                                                     _sentence_of(sentences, run[0].start())[0])
                                 or _NUMBER_NEXT.match(folded[run[-1].end():])):
                continue
            plain_at = VOWEL_BLIND_DOSE_AT if dose_next else None if ordinary else VOWEL_BLIND_PLAIN_AT
            name = heard_name("".join(w.group(0) for w in run), HEARD_ORDINARY_AT if ordinary else HEARD_AT,
                              plain_at)
            if name:
                start, end = run[0].start(), run[-1].end()
                found.append((start, end, drug_names()[name]))
                taken[start:end] = [True] * (end - start)
                break
    _sounded_names(f, list(re.finditer(r"(?<![\w'-])[a-z]+(?![\w'-])", folded)), taken, found)
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
