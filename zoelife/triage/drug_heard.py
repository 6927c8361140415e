"""Drug names a voicemail transcript heard as ordinary words: "Lexi pro", "Able if I" (close as
written or vowel-blind, `drug_names`), "Sarah quell", "lamb it tall" (by how they sound,
jellyfish's Metaphone); read only where a medicine is talked of (a dose follows, a word for
taking comes before, a list of drugs). Used by `drug_mentions`."""

from __future__ import annotations

import re
from functools import cache
from itertools import pairwise

from zoelife.triage.drug_names import (
    HEARD_AT,
    HEARD_ORDINARY_AT,
    VOWEL_BLIND_DOSE_AT,
    VOWEL_BLIND_PLAIN_AT,
    Drug,
    drug_names,
    heard_name,
    is_ordinary_word,
    single_word_names,
    vowel_blind,
)

from ._text import Folded

# A release form heard apart after a name: "a fixer x r two twenty five", "well butrin x l",
# or said as a kind of it: "well beaten, the XL one, one fifty".
_RELEASE = r"(?:(?:the\W+)?(?:x ?r|x ?l|e ?r|s ?r|c ?r)(?:\W+one(?=\W+(?:a |one )?[a-z0-9]))?\W{1,3})?"

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
# A name's last sound left unheard ("Ramiro" RMR for Remeron RMRN) only for one word that is no
# ordinary word, standing in a list of drugs: right after one, and the list going on or ending
# after it ("Wellbutrin and Ramiro and none of them worked"); never "Zoloft and Ramiro said".
SOUNDS_CLIPPED_MIN_CODE = 3
# ... and a word of five letters or more: "hydroxyzine prn and" is no Parnate.
SOUNDS_CLIPPED_MIN_LETTERS = 5
_LIST_GOES_ON = re.compile(r"^\s*(?:[,;.)/]|(?:and|or|y|o|e|plus|none|neither|ninguno|nada)\b|$)")

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
# A negation said of the drug just named ("the lexapro isnt doing anything", "wasnt helping"): the
# response, never syllables of a name, whatever the words joined sound like ("isnt doing" and
# Asendin once "-ing" is read as "-ine").
_NEGATIONS = frozenset("not no isnt wasnt doesnt didnt dont hasnt havent hadnt aint cant wont "
                       "wouldnt couldnt arent werent never nunca".split())

_VOICED = str.maketrans("BDGVZ", "PTKFS")


def sound_code(word: str) -> str:
    """Metaphone code with a first vowel as "A", voiced consonants as voiceless, "th" within as "t"
    and a last "-ing" as "-in(e)" ("zapping" for "-zapine", "trailing" for "-traline")."""
    import jellyfish

    code = jellyfish.metaphone(word)
    if code[:1] in ("E", "I", "O", "U"):
        code = "A" + code[1:]
    if word.endswith("ing") and code.endswith("NK"):
        code = code[:-1]
    # "th" (Metaphone "0") after the first sound as a transcript hears "t" ("mirtha" for "mirta");
    # first, it is "the", "that" ("the earliest" is no name).
    return (code[:1] + code[1:].replace("0", "T")).translate(_VOICED)


@cache
def _name_codes() -> dict[str, str]:
    return {n: sound_code(n) for n in single_word_names()}


@cache
def sounds_like_name(joined: str, dose_next: bool = False, in_list: bool = False) -> str | None:
    """The name whose Metaphone code `joined` (words run together) has, or None; with
    `dose_next`, one sound swapped for another too; with `in_list`, a name's last sound left
    unheard too."""
    from jellyfish import levenshtein_distance
    from rapidfuzz import fuzz

    code = sound_code(joined)
    if in_list and len(code) >= SOUNDS_CLIPPED_MIN_CODE:
        clipped = sorted((-fuzz.ratio(joined, name), name) for name, other in _name_codes().items()
                         if len(other) == len(code) + 1 and other.startswith(code))
        if clipped and -clipped[0][0] >= SOUNDS_PLAIN_AT:
            return clipped[0][1]
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


# Words that open a clause ("no la ha tomado porque tiene miedo"): never the first syllable of
# a name heard, though a word for taking comes before them ("que" may be: "la que tia pina").
_CLAUSE_OPENERS = frozenset("because porque aunque although cuando mientras pues".split())


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
                    or run[0].group(0) in _POSSESSIVES or run[0].group(0) in _CLAUSE_OPENERS
                    or _abbreviation(f, run)
                    or any(w.group(0) in _NEGATIONS for w in run)
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
            in_list = (n == 1 and len(run[0].group(0)) >= SOUNDS_CLIPPED_MIN_LETTERS
                       and not is_ordinary_word(run[0].group(0)) and bool(_LIST_GOES_ON.match(folded[end:]))
                       and any(_LIST_AFTER_DRUG.match(folded[e:start]) for s, e, _ in found if e <= start))
            name = sounds_like_name("".join(w.group(0) for w in run), dose_next or number_next, in_list)
            if name:
                found.append((start, end, drug_names()[name]))
                taken[start:end] = [True] * (end - start)
                break


def sentence_of(sentences: list[tuple[int, int]], at: int) -> tuple[int, int]:
    return next(((s, e) for s, e in sentences if s <= at < e), (0, at + 1))


def heard_as_words(f: Folded, taken: list[bool], found: list[tuple[int, int, Drug]],
                   sentences: list[tuple[int, int]]) -> None:
    """Names heard as two or three words, close to a name as written or vowel-blind, then names
    heard as ordinary words, read by sound; each added to `found` and marked in `taken`."""
    folded = f.folded
    # A name a voicemail transcript heard as several words: "Lexi pro", "Clono pin", "Trin Telex".
    # One-letter words too: "Lex a pro", "Lith o bid", "Able if I"; never the first of a run.
    # Whole words only: "psiquiatra dice" holds no "tra dice".
    words = list(re.finditer(r"(?<![a-z])[a-z]{1,7}(?![a-z])", folded))
    for i in range(len(words)):
        for n in (3, 2):
            run = words[i:i + n]
            if (len(run) < n or len(run[0].group(0)) < 2 or any(any(taken[w.start():w.end()]) for w in run)
                    or any(folded[a.end():b.start()] != " " for a, b in pairwise(run))
                    or run[0].group(0) in _POSSESSIVES or run[0].group(0) in _CLAUSE_OPENERS
                    or _abbreviation(f, run)):
                continue
            # Ordinary words only ("to fail", "my dad is") must come closer still.
            ordinary = all(is_ordinary_word(w.group(0)) for w in run)
            # Ordinary words are compared vowel-blind only when a dose follows them: "my plan"
            # is not Marplan, "Able if I, two milligrams" is Abilify.
            dose_next = bool(_DOSE_NEXT.match(folded[run[-1].end():]))
            # Ordinary words only, where no medicine is talked of (nor a number follows: "Pax
            # ill, forty"), stay words: "de lunes a viernes" is no Lunesta.
            if ordinary and not (_medicine_talked_of(folded, run[0].start(), run[-1].end(), found,
                                                     sentence_of(sentences, run[0].start())[0])
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
