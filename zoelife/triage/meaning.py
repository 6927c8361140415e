"""Meaning, not phrases: lexical fields combined by a small clause grammar (data/fields.toml),
and the safety net under it.

Every word of a message is tagged with the fields it belongs to (who, acts, means, body parts,
death, desire, preparation, ...). A word belongs to a field when its surface form, its English
lemma or its Spanish lemma (simplemma) is listed there, or, for an unknown word of five letters
or more, when it is one edit from a listed word (rapidfuzz: "sucidal", "overdoes").
A rule fires when one sentence holds a word of each of its groups close together ("want" +
"disappear", "burn" + "arm", "google" + "least painful"), whatever the exact wording.

The safety net: a word of a ``net`` field (death, overdose, lethal means, farewell, ...) that no
rule or phrase explains still makes the message ``review``; only an idiom listed in
data/idioms.toml ("dying to try", "killing it at work") takes it out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import simplemma
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from ._text import _APOSTROPHES, _FOLD, SENTENCE_BREAK, Coverage, Folded, compile_phrases, load_toml
from .languages import LANGUAGES

_CFG = load_toml("fields.toml")
FIELDS: dict[str, tuple[tuple[str, ...], ...]] = {}
for _name, _entries in _CFG["field"].items():
    FIELDS[_name] = tuple(tuple(e.split()) for e in _entries)
NET = frozenset(_CFG["net"])
RULES: tuple[dict, ...] = tuple(_CFG["rule"])
_RULE_NEEDS = tuple((rule, tuple(frozenset(group) for group in rule["needs"])) for rule in RULES)


@lru_cache(maxsize=8192)
def _possible_rules(present: frozenset[str]) -> tuple[dict, ...]:
    """The rules, in order, with a hit in each of their groups: the others cannot fire.
    Messages share few distinct sets of fields, so this is worked out once for each."""
    return tuple(rule for rule, needs in _RULE_NEEDS
                 if not any(present.isdisjoint(group) for group in needs))
IDIOMS = compile_phrases(load_toml("idioms.toml")["patterns"])

_GAP = "..."
_MAX_GAP = 4


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


_TERMS = frozenset({"suicide", "suicidal", "suicidio", "suicida", "suicidarme", "selfharm",
                    "nssi", "autolesion"})
# Death words that, after another person, are news of a death (grief), not a wish.
_GRIEF_DEATH = frozenset({"die", "died", "dying", "dead", "death", "morir", "murio", "muerte",
                          "muere", "murieron",
                          "muerto", "muerta", "funeral", "pass"})
_OTHERS = frozenset(
    "he she his her him they their mom mother dad father husband wife son daughter brother "
    "sister friend grandmother grandfather grandma grandpa aunt uncle cousin boyfriend "
    "girlfriend partner teacher coworker patient client who whose dog cat pet mama papa "
    "madre padre esposo esposa hijo hija hermano hermana amigo amiga abuela abuelo tia tio "
    "abuelita abuelito perro perrito perrita gato gatito mascota".split())
_TOKEN = re.compile(r"[a-z0-9]+")
# Words of a language written in another script (Russian): any run of letters and digits.
_TOKEN_ANY = re.compile(r"[^\W_]+")
_OWN = frozenset({"my", "mi", "own", "propio", "propia"})


class Hit(NamedTuple):  # a tuple: made for every tagged word, ten times cheaper to build
    field: str
    first: int  # token index of the first word
    last: int  # token index of the last word


@dataclass(frozen=True)
class Finding:
    start: int  # folded offsets
    end: int
    category: str
    negatable: bool
    read_in: str = ""  # a language of data/languages/ whose words it was read in


def _fold(word: str) -> str:
    return word.translate(_FOLD)


_LEMMA_LANGS = {"en": ("en",), "es": ("es",)}


# A Spanish infinitive or gerund with its pronoun attached: simplemma gives the bare verb.
_ENCLITIC = re.compile(r"(?:ando|iendo|yendo|ar|er|ir)(me|se|te)$")


@lru_cache(maxsize=65536)
def _forms(folded_word: str, original: str, language: str = "") -> tuple[str, ...]:
    """The surface form and its lemmas (folded) in the message's language, or in English and
    Spanish both when it is mixed or unknown ("dice" is "die" only in English), and a
    near-miss of a field word for an unknown word."""
    forms = {folded_word}
    for lang in ("en", "es"):
        if language in _LEMMA_LANGS and lang != language and simplemma.is_known(original, language):
            continue  # a word of the message's own language: its other-language lemma is noise
        forms.add(_fold(simplemma.lemmatize(original, lang=lang).lower()))
        if original != folded_word:
            forms.add(_fold(simplemma.lemmatize(folded_word, lang=lang).lower()))
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


def _matches_at(tokens: list[tuple[str, ...]], i: int, words: tuple[str, ...]) -> int | None:
    """Index of the last token of ``words`` matched from token ``i``, or None."""
    j = i
    k = 0
    while k < len(words):
        w = words[k]
        if w == _GAP:
            nxt = words[k + 1]
            for skip in range(0, _MAX_GAP + 1):
                if j + skip < len(tokens) and nxt in tokens[j + skip]:
                    j += skip
                    break
            else:
                return None
            k += 1
            continue
        if j >= len(tokens) or w not in tokens[j]:
            return None
        j += 1
        k += 1
    return j - 1


class _Word(NamedTuple):
    """What a word is, worked out once per distinct word (and message language)."""

    forms: tuple[str, ...]  # surface form, lemmas, near-miss (``_forms``)
    singles: frozenset[str]  # fields its forms name as single words
    unknown: bool  # a word of five letters or more no list knows (and no field names)
    multi: tuple[tuple[str, tuple[str, ...]], ...]  # phrases its forms begin, in forms order


def _word(folded_word: str, original: str, language: str) -> _Word:
    fs = _forms(folded_word, original, language)
    singles = _singles(fs)
    return _Word(fs, singles, not singles and _unknown(folded_word),
                 tuple(item for form in fs for item in _MULTI.get(form, ())))


_words = lru_cache(maxsize=65536)(_word)
# word -> _Word, per message language, for plain ASCII messages (bounded below).
_WORDS_BY_LANGUAGE: dict[str, dict[str, _Word]] = {}


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
    idioms: re.Pattern[str] | None
    others: frozenset[str]
    death_news: frozenset[str]


def _reader(code: str) -> _Reader:
    lang = LANGUAGES[code]
    fields = {name: tuple(tuple(e.split()) for e in entries) for name, entries in lang.fields.items()}
    by_first, single, multi, fuzzy = _tables(fields)
    vocabulary = frozenset(w for es in fields.values() for e in es for w in e if w != _GAP)
    rules = tuple((rule, tuple(frozenset(g) for g in rule["needs"])) for rule in lang.rules)
    ctx = lang.context
    return _Reader(code, lang.lemmatise, by_first, single, multi, fuzzy, vocabulary, rules,
                   lang.elision, lang.any_script,
                   compile_phrases(list(lang.idioms)) if lang.idioms else None,
                   frozenset(ctx.get("others", ())), frozenset(ctx.get("death_news", ())))


_READERS = {code: _reader(code) for code in LANGUAGES}


@lru_cache(maxsize=65536)
def _known_in(word: str, code: str) -> bool:
    """A word of that language: its dictionary knows it, or (without one) a field holds it."""
    r = _READERS[code]
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
    r = _READERS[code]
    forms = {folded_word}
    if r.lemmatise:
        forms.add(_fold(simplemma.lemmatize(original, lang=code).lower()))
        if original != folded_word:
            forms.add(_fold(simplemma.lemmatize(folded_word, lang=code).lower()))
    if (len(folded_word) >= 5 and not any(f in r.by_first for f in forms)
            and not _known_in(original, code) and not _known_en_es(original)):
        cutoff = 2 if len(folded_word) >= 8 else 1
        near = process.extractOne(folded_word, r.fuzzy, scorer=Levenshtein.distance,
                                  score_cutoff=cutoff)
        if near is not None:
            forms.add(near[0])
    return tuple(forms)


@lru_cache(maxsize=65536)
def _word_read(folded_word: str, original: str, language: str, reads: tuple[str, ...],
               main: str) -> tuple[_Word, bool]:
    """What a word is when other languages are read too, and whether their fields gave it any.

    The message's own language decides a word two read languages both know, as between English
    and Spanish ("no" is a denial in Spanish, "in the" in Portuguese); a word only one of them
    knows is read in that one; a word none knows (a misspelling, a brand) is read in all."""
    base = _words(folded_word, original, language)
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
        r = _READERS[code]
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
    return _Word(tuple(forms), singles, unknown, tuple(multi)), own


def _split_elision(original: str, reads: tuple[str, ...]) -> tuple[str, str] | None:
    """("m", "me") for "m'ouvrir" in a read language that elides ("m'" is "me")."""
    for k, ch in enumerate(original):
        if ch in _APOSTROPHES:
            short = original[:k]
            for code in reads:
                whole = _READERS[code].elision.get(_fold(short))
                if whole:
                    return short, whole
            return None
    return None


def _grief_words(reads: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
    death, others = _GRIEF_DEATH, _OTHERS
    for code in reads:
        death = death | _READERS[code].death_news
        others = others | _READERS[code].others
    return death, others


def tag(folded: Folded, language: str = "", reads: tuple[str, ...] = (), main: str = "",
        ) -> tuple[list[tuple[int, int]], list[Hit], Coverage | None, list[bool] | None]:
    """Token offsets (folded), every field hit in the message, the idioms' spans, and which
    tokens a language of ``reads`` gave fields to (None when only English and Spanish read)."""
    f = folded.folded
    text = folded.text
    spans: list[tuple[int, int]] = []
    infos: list[_Word] = []
    own: list[bool] | None = None
    plain = folded.folded is not None and text.isascii() and "'" not in text and "`" not in text
    if reads:
        own = []
        key = (language, reads, main)
        token = _TOKEN_ANY if any(_READERS[c].any_script for c in reads) else _TOKEN
        for m in token.finditer(f):
            s, e = m.span()
            os_, oe = folded.span(s, e)
            original = text[os_:oe].lower()
            split = _split_elision(original, reads) if not plain else None
            if split is not None:  # "m'ouvrir": "me" and "ouvrir", two words
                short, whole = split
                cut = s + len(_fold(short))
                got = _word_read(whole, whole, *key)
                spans.append((s, cut))
                infos.append(got[0])
                own.append(got[1])
                s, original = cut, original[len(short) + 1:]
                if s >= e:
                    continue
            got = _word_read(f[s:e], original, *key)
            spans.append((s, e))
            infos.append(got[0])
            own.append(got[1])
    elif plain:  # the original word is the folded one (lower-cased): one dict look-up a word
        cache = _WORDS_BY_LANGUAGE.setdefault(language, {})
        get = cache.get
        for m in _TOKEN.finditer(f):
            spans.append(m.span())
            word = m.group()
            got = get(word)
            if got is None:
                if len(cache) > 200_000:  # an import of odd words: bounded memory
                    cache.clear()
                got = cache[word] = _word(word, word, language)
            infos.append(got)
    else:
        for m in _TOKEN.finditer(f):
            s, e = m.span()
            spans.append((s, e))
            os_, oe = folded.span(s, e)
            infos.append(_words(m.group(), text[os_:oe].lower(), language))
    blocked = None
    idiom = [(m.start(), m.end()) for m in IDIOMS.finditer(f)]
    for code in reads:
        rx = _READERS[code].idioms
        if rx is not None:
            idiom = sorted(idiom + [(m.start(), m.end()) for m in rx.finditer(f)])
    if idiom:  # both lists are in text order: one sweep
        blocked = []
        k = 0
        for s, _ in spans:
            while k < len(idiom) and idiom[k][1] <= s:
                k += 1
            blocked.append(k < len(idiom) and idiom[k][0] <= s)
    forms = [w.forms for w in infos]
    hits: list[Hit] = []
    append = hits.append
    for i, (_fs, singles, unknown, multi) in enumerate(infos):
        if blocked is not None and blocked[i]:
            continue
        for field in singles:
            append(Hit(field, i, i))
        if unknown:
            append(Hit("unknown_word", i, i))  # a brand or drug name the lists lack
        if not multi:
            continue
        seen: set[tuple[str, int]] = set()
        nxt = forms[i + 1] if i + 1 < len(forms) else ()
        for field, words in multi:
            if words[1] != _GAP and words[1] not in nxt:
                continue  # most phrases stop at their second word ("i" + "want")
            last = _matches_at(forms, i, words)
            if last is None or (field, last) in seen:
                continue
            if blocked is not None and any(blocked[i:last + 1]):
                continue
            seen.add((field, last))
            # A phrase with a gap ("put ... aside") claims its first word only, so the
            # words in the gap ("my pills") stay free for other fields.
            append(Hit(field, i, i if _GAP in words else last))
    return spans, hits, (Coverage(idiom) if idiom else None), own


def _sentences(f: str, spans: list[tuple[int, int]]) -> list[int]:
    """Sentence number of each token."""
    breaks = [m.start() for m in SENTENCE_BREAK.finditer(f)]
    out = []
    b = 0
    for s, _ in spans:
        while b < len(breaks) and breaks[b] < s:
            b += 1
        out.append(b)
    return out


def _grief(hit: Hit, words: list[str], sent: list[int], death: frozenset[str] = _GRIEF_DEATH,
           others: frozenset[str] = _OTHERS) -> bool:
    """A death word right after another person ("my dad died", "her death"): news, not a wish."""
    if words[hit.first] not in death and not words[hit.first].startswith(("die", "pass")):
        return False
    if hit.first > 0 and words[hit.first - 1] in _OWN:  # "imagining my funeral": one's own
        return False
    lo, hi = max(0, hit.first - 4), min(len(words), hit.last + 4)  # "se me murio mi perrito"
    return any((words[k] in others or words[k][:-1] in others) and sent[k] == sent[hit.first]
               for k in range(lo, hi) if k != hit.first)


def find(folded: Folded, language: str = "", reads: tuple[str, ...] = (), main: str = "",
         ) -> tuple[list[Finding], list[Finding], Coverage | None]:
    """(rule findings, unexplained net words, idiom spans) with folded offsets. ``reads``: the
    languages of data/languages/ read too; ``main``: the message's own language."""
    spans, hits, idioms, own = tag(folded, language, reads, main)
    if not hits:
        return [], [], idioms
    f = folded.folded
    words = [f[s:e] for s, e in spans]
    sent = _sentences(f, spans)
    if reads:
        death, others = _grief_words(reads)
        grief = {h for h in hits if h.field == "death" and _grief(h, words, sent, death, others)}
    else:
        grief = {h for h in hits if h.field == "death" and _grief(h, words, sent)}
    usable = [h for h in hits if h not in grief]
    by_field: dict[str, list[Hit]] = {}
    for h in usable:
        by_field.setdefault(h.field, []).append(h)
    found: list[Finding] = []
    rules = _possible_rules(frozenset(by_field))
    if reads:
        present = frozenset(by_field)
        rules = rules + tuple(rule for code in reads for rule, needs in _READERS[code].rules
                              if not any(present.isdisjoint(group) for group in needs))
    for rule in rules:
        combo = _fire(rule, by_field, sent)
        if combo is None:
            continue
        first = min(h.first for h in combo)
        last = max(h.last for h in combo)
        category = rule["category"]
        if any(words[k] in _TERMS for h in combo for k in range(h.first, h.last + 1)):
            category = "active_ideation"  # a term: the informational rule may apply
        read_in = ""
        if own is not None and any(own[k] for h in combo for k in range(h.first, h.last + 1)):
            read_in = main or reads[0]
        if rule.get("message"):
            for h in combo:  # far apart: one span per part
                found.append(Finding(spans[h.first][0], spans[h.last][1], category,
                                     rule.get("negatable", True), read_in))
        else:
            found.append(Finding(spans[first][0], spans[last][1], category,
                                 rule.get("negatable", True), read_in))
    net = [
        Finding(spans[h.first][0], spans[h.last][1], "unexplained", False)
        for h in usable
        if h.field in NET
    ]
    return found, net, idioms


def _fire(rule: dict, by_field: dict[str, list[Hit]], sent: list[int]) -> tuple[Hit, ...] | None:
    whole = rule.get("message", False)
    groups: list[dict[int, list[Hit]]] = []
    for group in rule["needs"]:
        by_sent: dict[int, list[Hit]] = {}
        for fld in group:
            for h in by_field.get(fld, ()):
                by_sent.setdefault(0 if whole else sent[h.first], []).append(h)
        if not by_sent:
            return None
        groups.append(by_sent)
    window = rule.get("window", 10)
    ordered = rule.get("ordered", False) or rule["needs"][0] == ["negation"]
    distinct = rule.get("distinct", False)
    for key, anchors in groups[0].items():
        if any(key not in g for g in groups[1:]):
            continue
        for anchor in anchors:
            combo = [anchor]
            for group in groups[1:]:
                best = None
                for h in group[key]:
                    if any(_overlap(h, c) for c in combo):
                        continue
                    if distinct and any(h.field == c.field and h.first == c.first for c in combo):
                        continue
                    if not whole:
                        lo = min(h.first, *(c.first for c in combo))
                        if max(h.last, *(c.last for c in combo)) - lo > window:
                            continue
                        if ordered and h.first < combo[-1].last:
                            continue
                    if best is None or abs(h.first - anchor.first) < abs(best.first - anchor.first):
                        best = h
                if best is None:
                    break
                combo.append(best)
            else:
                if rule["needs"][0] == ["negation"] and combo[1].first - anchor.last > 4:
                    continue
                return tuple(combo)
    return None


def _overlap(a: Hit, b: Hit) -> bool:
    return a.first <= b.last and b.first <= a.last
