"""What one word of a message is: the lexical fields (data/fields.toml, and the fields of
each read language in data/languages/) that its surface form, its lemma or, for an unknown word
of five letters or more, a near miss of a field word (rapidfuzz: "sucidal", "overdoes") names.
``field_tagging`` tags a message's words with them; ``meaning`` fires the rules.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from . import lexicon as simplemma  # its word lists read in place (lexicon.py)
from ._text import (
    _APOSTROPHES,
    _FOLD,
    TOKEN_BY_CHARACTER,
    compile_phrases,
    compile_unbounded,
    load_toml,
)
from .languages import LANGUAGES
from .spanish_verbs import HABER, verb_forms

_CFG = load_toml("fields.toml")
FIELDS: dict[str, tuple[tuple[str, ...], ...]] = {}
for _name, _entries in _CFG["field"].items():
    FIELDS[_name] = tuple(tuple(e.split()) for e in _entries)


def _agreement_entries(spec: dict) -> tuple[tuple[str, ...], ...]:
    """fields.toml's ``[agreement]``: a pronoun, then a leading verb of the pronoun's own person
    ("me volver#1s a", "se volver#3s a"), or a perfect ("me haber#1s volver#pp a")."""
    out = []
    for pronoun, persons in spec["pronouns"].items():
        for lead in spec["lead"]:
            verb, *rest = lead.split()
            for person in persons:
                out.append((pronoun, f"{verb}#{person}", *rest))
                out.append((pronoun, f"haber#{person}", f"{verb}#pp", *rest))
    return tuple(out)


_AGREEMENT = _CFG.get("agreement")
#: The verbs whose person a word's forms carry ("volver#1s"): spanish_verbs.py.
AGREEING_VERBS: frozenset[str] = frozenset()
if _AGREEMENT:
    FIELDS[_AGREEMENT["field"]] = _agreement_entries(_AGREEMENT)
    AGREEING_VERBS = frozenset({"haber", *(lead.split()[0] for lead in _AGREEMENT["lead"])})
_LEAD_REST = {lead.split()[0]: tuple(lead.split()[1:]) for lead in (_AGREEMENT or {}).get("lead", ())}
# An infinitive or gerund with the writer's (or the one addressed's) pronoun attached.
_ENCLITIC_PERSON = re.compile(r"(?:ar|er|ir|ando|iendo)(me|te|nos)$")
# The pronouns that name the writer or the one addressed; "se" is left alone.
_PERSONAL = {p: frozenset(ps) for p, ps in (_AGREEMENT or {}).get("pronouns", {}).items()
             if p != "se"}


_THIRD = frozenset({"3s", "3p"})
_SUBJECTS = frozenset((_AGREEMENT or {}).get("subjects", ()))
_BETWEEN = frozenset((_AGREEMENT or {}).get("between", ()))


def _named_subject(words: list[str], pronoun: int) -> bool:
    """Someone else named right before the pronoun, as the subject of a form that could be the
    writer's or theirs: "mi hermano me volvía a pegar", "ella ya me quería lastimar"."""
    k = pronoun - 1
    while k >= 0 and words[k] in _BETWEEN:
        k -= 1
    return k >= 0 and words[k] in _SUBJECTS


def done_by_another(words: list[str], forms: list[tuple[str, ...]]) -> list[tuple[int, int]]:
    """Token ranges (first, last) of a leading verb of another person after "me", "te" or
    "nos", with the word that follows it: "mi hermano me [volvió a pegar]", "mi ex me
    [intentó lastimar]", "me [ha vuelto a pegar]"; or before an act with the pronoun attached
    ("mi esposo [quiere matarme]"). The act is someone else's, done to the writer
    (or to "you"): field_tagging takes those words out of every layer, as it does an idiom's. A
    form that could be the pronoun's own person ("volvía": I or he) is left alone, unless
    someone else is named right before the pronoun ("mi hermano me volvía a pegar")."""
    out = []
    n = len(words)
    for i in range(n - 2):
        own = _PERSONAL.get(words[i])
        if own is None:
            continue
        j = i + 1
        marks = [f.split("#") for f in forms[j] if "#" in f]
        if not marks:
            continue
        if any(verb == "haber" for verb, _ in marks):  # a perfect: "me ha vuelto a pegar"
            got = {p for verb, p in marks if verb == "haber"}
            k = j + 1
            leads = [f.split("#")[0] for f in forms[k] if f.endswith("#pp")]
        else:
            got = {p for verb, p in marks if p != "pp"}
            k = j
            leads = [verb for verb, p in marks if p != "pp"]
        if not got or not leads or leads[0] not in _LEAD_REST:
            continue
        if got & own and not (got & _THIRD and _named_subject(words, i)):
            continue  # "me volví", or "me volvía" with no one else named as its subject
        rest = _LEAD_REST[leads[0]]
        last = k + len(rest) + 1
        if last < n and tuple(words[k + 1:k + 1 + len(rest)]) == rest:
            out.append((j, last))
    for k in range(n - 1):  # the pronoun after the act: "mi esposo [quiere matarme]"
        if k > 0 and words[k - 1] in _PERSONAL:
            continue  # read above
        marks = [f.split("#") for f in forms[k] if "#" in f]
        got = {p for verb, p in marks if p != "pp" and verb != "haber"}
        leads = [verb for verb, p in marks if p != "pp" and verb != "haber"]
        if not got or not leads or leads[0] not in _LEAD_REST:
            continue
        rest = _LEAD_REST[leads[0]]
        last = k + len(rest) + 1
        if last >= n or tuple(words[k + 1:k + 1 + len(rest)]) != rest:
            continue
        clitic = _ENCLITIC_PERSON.search(words[last])
        if clitic and not got & _PERSONAL[clitic.group(1)]:
            out.append((k, last))
    return out
NET = frozenset(_CFG["net"])

GAP = "..."
MAX_GAP = 4


def _tables(fields: dict[str, tuple[tuple[str, ...], ...]]):
    """entry word -> [(field, entry words)] by first word; single-word fields by word; phrases
    by first word; and the words of five letters or more, for near-miss matching."""
    by_first: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for name, entries in fields.items():
        for e in entries:
            by_first.setdefault(e[0], []).append((name, e))
    single: dict[str, frozenset[str]] = {}
    multi: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for first, items in by_first.items():
        one = frozenset(fld for fld, ws in items if len(ws) == 1)
        if one:
            single[first] = one
        many = [(fld, ws) for fld, ws in items if len(ws) > 1]
        if many:
            multi[first] = many
    fuzzy = sorted({e[0] for es in fields.values() for e in es if len(e) == 1 and len(e[0]) >= 5})
    return by_first, single, multi, fuzzy


_BY_FIRST, _SINGLE, _MULTI, _FUZZY_VOCAB = _tables(FIELDS)


@lru_cache(maxsize=65536)
def _singles(forms: tuple[str, ...]) -> frozenset[str]:
    out: frozenset[str] = frozenset()
    for form in forms:
        one = _SINGLE.get(form)
        if one:
            out = out | one
    return out


def fold_word(word: str) -> str:
    return word.translate(_FOLD)


_LEMMA_LANGS = {"en": ("en",), "es": ("es",)}


# A Spanish infinitive or gerund with its pronoun attached: simplemma gives the bare verb.
_ENCLITIC = re.compile(r"(?:ando|iendo|yendo|ar|er|ir)(me|se|te)$")


# simplemma reads a Spanish participle of an -ar verb as an adjective ("cortado", "quemada"):
# "me he cortado los brazos" was not an act. Such a form also reads as its infinitive when that
# infinitive is an act's verb. Not the third person ("me mata", "me quema"): done to the writer.
_AR_FORM = re.compile(r"(?:ado|ada|ados|adas)$")
_ACT_INFINITIVES = frozenset(e[0] for name in ("act", "harm_verb") for e in FIELDS[name]
                             if len(e) == 1 and e[0].endswith("ar"))


@lru_cache(maxsize=65536)
def _forms(folded_word: str, original: str, language: str = "") -> tuple[str, ...]:
    """The surface form and its lemmas (folded) in the message's language, or in English and
    Spanish both when it is mixed or unknown ("dice" is "die" only in English), and a
    near-miss of a field word for an unknown word."""
    forms = {folded_word}
    for lang in ("en", "es"):
        if language in _LEMMA_LANGS and lang != language and simplemma.is_known(original, language):
            continue  # a word of the message's own language: its other-language lemma is noise
        forms.add(fold_word(simplemma.lemmatize(original, lang=lang).lower()))
        if original != folded_word:
            forms.add(fold_word(simplemma.lemmatize(folded_word, lang=lang).lower()))
    if folded_word.isalpha() and (language != "en" or folded_word in HABER
                                  or not simplemma.is_known(original, "en")):
        # "volví": "volver#1s" (spanish_verbs.py); in an English message, Spanish words only,
        # and "he", "ha" (English words too) for a Spanish perfect: "me he vuelto a cortar"
        forms.update(verb_forms(folded_word, original, AGREEING_VERBS))
    if folded_word.isdigit() and 5 <= int(folded_word) <= 500:
        forms.add("#many")  # a count: "took 10 of my ..." (fields.toml, count_of)
        if 12 <= int(folded_word) <= 39:
            forms.add("#young")  # an age: "at 24 I wrote a will" (fields.toml, young_age)
    if language != "en":
        ending = _AR_FORM.search(folded_word)
        if ending and folded_word[:ending.start()] + "ar" in _ACT_INFINITIVES:
            forms.add(folded_word[:ending.start()] + "ar")
    if (len(folded_word) >= 4 and folded_word.endswith("s") and folded_word[:-1] in _SINGLE
            and not simplemma.is_known(folded_word, lang="en")
            and not simplemma.is_known(folded_word, lang="es")):
        forms.add(folded_word[:-1])  # a plural no dictionary knows: "oxys", "percs"
    clitic = _ENCLITIC.search(folded_word)
    if clitic:  # "cortandome" is "cortar" done to oneself: also the form "cortarme"
        forms.update(f + clitic.group(1) for f in tuple(forms) if f.endswith(("ar", "er", "ir")))
    if (
        len(folded_word) >= 5
        and not any(f in _BY_FIRST for f in forms)
        and not simplemma.is_known(folded_word, lang="en")
        and not simplemma.is_known(original, lang="es")
    ):
        cutoff = 2 if len(folded_word) >= 8 else 1
        near = process.extractOne(folded_word, _FUZZY_VOCAB, scorer=Levenshtein.distance,
                                  score_cutoff=cutoff)
        if near is not None:
            forms.add(near[0])
    return tuple(forms)


@lru_cache(maxsize=65536)
def _unknown(word: str) -> bool:
    """A word of five letters or more that neither the English nor the Spanish word list knows."""
    return (len(word) >= 5 and word.isalpha() and not simplemma.is_known(word, lang="en")
            and not simplemma.is_known(word, lang="es"))


class Word(NamedTuple):
    """What a word is, worked out once per distinct word (and message language)."""

    forms: tuple[str, ...]  # surface form, lemmas, near-miss (``_forms``)
    singles: frozenset[str]  # fields its forms name as single words
    unknown: bool  # a word of five letters or more no list knows (and no field names)
    multi: tuple[tuple[str, tuple[str, ...]], ...]  # phrases its forms begin, in forms order
    # The same phrases by their second word (GAP for a gap): (position in ``multi``, field,
    # words), so a tagger only follows those the next word can continue.
    by_second: dict[str, tuple[tuple[int, str, tuple[str, ...]], ...]] = {}


def phrases_by_second(multi: tuple[tuple[str, tuple[str, ...]], ...],
                      ) -> dict[str, tuple[tuple[int, str, tuple[str, ...]], ...]]:
    out: dict[str, list[tuple[int, str, tuple[str, ...]]]] = {}
    for k, (field, words) in enumerate(multi):
        out.setdefault(words[1], []).append((k, field, words))
    return {second: tuple(items) for second, items in out.items()}


def describe_word(folded_word: str, original: str, language: str) -> Word:
    fs = _forms(folded_word, original, language)
    singles = _singles(fs)
    multi = tuple(item for form in fs for item in _MULTI.get(form, ()))
    return Word(fs, singles, not singles and _unknown(folded_word), multi,
                phrases_by_second(multi) if multi else {})


describe_word_cached = lru_cache(maxsize=65536)(describe_word)
# word -> Word, per message language, for plain ASCII messages (bounded below).
WORDS_BY_LANGUAGE: dict[str, dict[str, Word]] = {}


# ------------------------------------------------------------------ other read languages
class _Reader(NamedTuple):
    """One language of data/languages/: its fields' tables and the words its rules read."""

    code: str
    lemmatise: bool
    by_first: dict
    single: dict
    multi: dict
    fuzzy: list
    vocabulary: frozenset[str]  # every word of its fields (a language without a lemmatiser)
    rules: tuple[tuple[dict, tuple[frozenset[str], ...]], ...]
    elision: dict[str, str]
    any_script: bool
    by_character: bool
    idioms: re.Pattern[str] | None
    others: frozenset[str]
    death_news: frozenset[str]


def _entry_words(entry: str, by_character: bool) -> tuple[str, ...]:
    """An entry's words: split at spaces, and in a language written without spaces each Han
    character or Hangul syllable a word ("想死" -> "想", "死"; "从 ... 跳" keeps its gap)."""
    words = entry.split()
    if not by_character:
        return tuple(words)
    return tuple(part for w in words
                 for part in ([w] if w == GAP else re.findall(TOKEN_BY_CHARACTER, w)))


def _reader(code: str) -> _Reader:
    lang = LANGUAGES[code]
    fields = {name: tuple(_entry_words(e, lang.by_character) for e in entries)
              for name, entries in lang.fields.items()}
    by_first, single, multi, fuzzy = _tables(fields)
    vocabulary = frozenset(w for es in fields.values() for e in es for w in e if w != GAP)
    rules = tuple((rule, tuple(frozenset(g) for g in rule["needs"])) for rule in lang.rules)
    ctx = lang.context
    return _Reader(code, lang.lemmatise, by_first, single, multi, fuzzy, vocabulary, rules,
                   lang.elision, lang.any_script, lang.by_character,
                   ((compile_unbounded if lang.by_character else compile_phrases)(list(lang.idioms))
                    if lang.idioms else None),
                   frozenset(ctx.get("others", ())), frozenset(ctx.get("death_news", ())))


READERS = {code: _reader(code) for code in LANGUAGES}


@lru_cache(maxsize=65536)
def _known_in(word: str, code: str) -> bool:
    """A word of that language: its dictionary knows it, or (without one) a field holds it."""
    r = READERS[code]
    if r.lemmatise:
        return simplemma.is_known(word, lang=code)
    return word in r.vocabulary


@lru_cache(maxsize=65536)
def _known_en_es(word: str) -> bool:
    return simplemma.is_known(word, lang="en") or simplemma.is_known(word, lang="es")


@lru_cache(maxsize=65536)
def _forms_in(folded_word: str, original: str, code: str) -> tuple[str, ...]:
    """The surface form, its lemma in that language, and a near miss of one of its field words
    for a word no read language knows."""
    r = READERS[code]
    forms = {folded_word}
    if r.lemmatise:
        forms.add(fold_word(simplemma.lemmatize(original, lang=code).lower()))
        if original != folded_word:
            forms.add(fold_word(simplemma.lemmatize(folded_word, lang=code).lower()))
    if (len(folded_word) >= 5 and not any(f in r.by_first for f in forms)
            and not _known_in(original, code) and not _known_en_es(original)):
        cutoff = 2 if len(folded_word) >= 8 else 1
        near = process.extractOne(folded_word, r.fuzzy, scorer=Levenshtein.distance,
                                  score_cutoff=cutoff)
        if near is not None:
            forms.add(near[0])
    return tuple(forms)


@lru_cache(maxsize=65536)
def word_read(folded_word: str, original: str, language: str, reads: tuple[str, ...],
               main: str) -> tuple[Word, bool]:
    """What a word is when other languages are read too, and whether their fields gave it any.

    The message's own language decides a word two read languages both know, as between English
    and Spanish ("no" is a denial in Spanish, "in the" in Portuguese); a word only one of them
    knows is read in that one; a word none knows (a misspelling, a brand) is read in all."""
    base = describe_word_cached(folded_word, original, language)
    knows = tuple(c for c in reads if _known_in(original, c) or _known_in(folded_word, c))
    if main in knows:
        use, use_base = (main,), False
    elif _known_en_es(original) or _known_en_es(folded_word):
        use, use_base = (), True
    elif knows:
        use, use_base = knows, False
    else:
        use, use_base = reads, True
    if use_base and not use:
        return base, False
    forms = set(base.forms) if use_base else {folded_word}
    singles = base.singles if use_base else frozenset()
    multi = list(base.multi) if use_base else []
    own = False
    for code in use:
        r = READERS[code]
        fs = _forms_in(folded_word, original, code)
        forms.update(fs)
        for form in fs:
            one = r.single.get(form)
            if one:
                singles = singles | one
                own = True
            many = r.multi.get(form)
            if many:
                multi.extend(many)
                own = True
    unknown = base.unknown and use_base and not knows and not own
    multi_ = tuple(multi)
    return Word(tuple(forms), singles, unknown, multi_,
                phrases_by_second(multi_) if multi_ else {}), own


def split_elision(original: str, reads: tuple[str, ...]) -> tuple[str, str] | None:
    """("m", "me") for "m'ouvrir" in a read language that elides ("m'" is "me")."""
    for k, ch in enumerate(original):
        if ch in _APOSTROPHES:
            short = original[:k]
            for code in reads:
                whole = READERS[code].elision.get(fold_word(short))
                if whole:
                    return short, whole
            return None
    return None
