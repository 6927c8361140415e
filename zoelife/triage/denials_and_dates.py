"""Context rules that read when and whether: a denial before or after the words ("never
attempted", "no SI"), and a date that puts them outside the time limit ("in 2015", "two years
ago", "free of it for a year"), or a next sentence that points back and dates them ("Mine was a
long time ago."). Words of data/crisis_context.toml and of each read language's context.

Policy (docs/triage.md): a rule that lowers a level applies only when it clearly applies.
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

from . import lexicon as simplemma  # its word lists read in place (lexicon.py)
from ._text import (
    SENTENCE_BREAK,
    TOKEN_BY_CHARACTER,
    compile_phrases,
    compile_unbounded,
    load_toml,
)
from .languages import LANGUAGES

_CTX = load_toml("crisis_context.toml")

_NEG_CUES = frozenset(_CTX["negation"]["cues"])
_NEG_FILLER = frozenset(_CTX["negation"]["filler"])
_NEG_AFTER = re.compile(_CTX["negation"]["after"])
# "so I don't have to think about killing myself": a purpose, not a denial.
_NOT_DENIAL = re.compile(f'(?:{_CTX["negation"]["purpose"]})$')
# A screen's answer given before the words it denies: "marked 0 on the question about ...".
_NEG_BEFORE = re.compile(_CTX["negation"]["before"])
# Asked about it, then a bare no (round 15): "they asked about self harm and no, no, nothing".
_ASKED_BEFORE = re.compile(_CTX["negation"]["asked_before"])
_ASKED_DENIED = re.compile(_CTX["negation"]["asked_denied"])
# A form's question named by its words, its answer corrected to a denial (round 15).
_FORM_ITEM = re.compile(_CTX["negation"]["form_item"])
_ANSWER_DENIED = re.compile(_CTX["negation"]["answer_denied"])
_TOKEN = re.compile(r"[a-z0-9]+|[,/:+]")

_HIST_OLD = compile_phrases(_CTX["history"]["old"])
HIST_RECENT = compile_phrases(_CTX["history"]["recent"])
_NUM_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "few": 3,
    "a few": 3,
    "couple": 2,
    "a couple": 2,
    "a couple of": 2,
    "couple of": 2,
    "several": 4,
    "un": 1,
    "una": 1,
    "uno": 1,
    "dos": 2,
    "tres": 3,
    "cuatro": 4,
    "cinco": 5,
    "seis": 6,
    "siete": 7,
    "ocho": 8,
    "nueve": 9,
    "diez": 10,
    "once": 11,
    "doce": 12,
    "quince": 15,
    "veinte": 20,
    "treinta": 30,
    "unos": 3,
    "unas": 3,
    "pocos": 2,
    "pocas": 2,
    "varios": 4,
    "varias": 4,
}
_NUM = r"(\d+|a couple of|couple of|a couple|couple|a few|few|several|an|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_AGO = re.compile(
    rf"(?<!\w){_NUM}[\s\-]+(?:(?:more|other)\s+)?(day|week|month|year|yr|mo)s?\s+(?:and a half\s+)?"
    r"(?:ago|back|before)\b"
)
_NUM_ES = r"(\d+|un|una|uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce|quince|veinte|treinta|unos|unas|pocos|pocas|varios|varias)"
_HACE = re.compile(
    rf"\bhace\s+(?:(?:mas\s+de|casi|como|unos|unas|alrededor\s+de|aproximadamente)\s+)?"
    rf"{_NUM_ES}\s+(dia|semana|mes|ano)(?:e?s)?\b")
_DENIED_FOR = tuple(
    re.compile(p.replace("NUM", "(" + _NUM[1:-1] + "|" + _NUM_ES[1:-1] + ")")
               .replace("UNIT", r"(day|week|month|year|yr|mo|dia|semana|mes|ano)(?:e?s)?"))
    for p in _CTX["history"]["denied_for"])
# "2015", and a range "2015-16" or "2015–2016" (not a date such as "2015-06-12").
_YEAR = re.compile(r"(?<![\d/\-.])(19[5-9]\d|20[0-9]\d)(?:\s?[-–]\s?(?:19|20)?\d\d)?(?![\d/\-])")
# A year dates a match only when it ended more than three months before any message read now:
# the detector has no date for a message, so "in 2026", said in December 2026, may be last week
# (round 16; crisis_context.toml `years_old_before`). In doubt, such a year says nothing.
_YEARS_OLD_BEFORE = int(_CTX["history"]["years_old_before"])


def _last_year_of(span: str) -> int:
    """The last year a year or a range names: "2015" 2015, "2015-16" 2016, "2019–2026" 2026."""
    first, *rest = re.split(r"\s?[-–]\s?", span)
    start = int(first)
    if not rest:
        return start
    end = rest[0]
    return int(end) if len(end) == 4 else start // 100 * 100 + int(end)


_SINCE = re.compile(r"(?:since|desde|from)\s*$")
_SINCE_NOT = re.compile(_CTX["history"]["since_denial_not"])
_RECENT_KEEPS = re.compile(_CTX["history"]["recent_denial_keeps"])
_RECENT_WELL = re.compile(_CTX["history"]["recent_well"])
_RECENT_TREATMENT = re.compile(_CTX["history"]["recent_treatment"])
_RECENT_MOOD = re.compile(_CTX["history"]["recent_mood"])
_RECENT_MOOD_NOT = re.compile(_CTX["history"]["recent_mood_not"])
_RECENT_POINT = re.compile(_CTX["history"]["recent_point"])
_POINT_BREAK = re.compile(_CTX["history"]["point_clause_break"])
_POINTS_BACK = re.compile(_CTX["history"]["points_back"])
_POINT_FILLER = re.compile(_CTX["history"]["point_filler"])
_PRESENT_WISH = re.compile(_CTX["history"]["present_wish"])
_POINTER = re.compile(_CTX["history"]["pointer"])
_POINTER_NOT = re.compile(_CTX["history"]["pointer_not"])
_POINTER_BACK = re.compile(_CTX["history"]["pointer_back"])
# A sentence in the present ("I am suicidal now, like then") is not dated by the one before.
_NOW = re.compile(r"\b(?:now|ahora|i am|im|i feel|i keep|i want|estoy|siento|quiero)\b")
_POINTER_CATEGORIES = frozenset(_CTX["history"]["pointer_categories"])
_CESSATION = re.compile(_CTX["negation"]["cessation"])
_CLAUSE_BREAK = re.compile(r"[,()/]|\s(?:but|pero|although|aunque)\s")
_UNIT_MONTHS = {
    "day": 1 / 30,
    "dia": 1 / 30,
    "week": 0.25,
    "semana": 0.25,
    "month": 1.0,
    "mo": 1.0,
    "mes": 1.0,
    "year": 12.0,
    "yr": 12.0,
    "ano": 12.0,
}
# Thoughts count for a month, behaviour for three (docs/vocabulary.md).
_BEHAVIOUR = frozenset({"self_harm", "attempt", "plan", "method", "preparation"})


class Context(NamedTuple):
    """The words the context rules read, for one message language."""

    neg_cues: frozenset[str]
    neg_filler: frozenset[str]
    hist_old: re.Pattern[str]
    hist_recent: re.Pattern[str]
    # (regex whose groups 1 and 2 are a number and a unit, number words, unit -> months)
    ago: tuple[tuple[re.Pattern[str], dict[str, float], dict[str, float]], ...]
    # Elided words glued to the next one once apostrophes are folded ("n'ai" -> "nai"):
    # (elided form, the whole word).
    elision: tuple[tuple[str, str], ...] = ()
    # Another person's completed suicide told by someone who lost them, in the language.
    bereavement: re.Pattern[str] | None = None
    token: re.Pattern[str] = _TOKEN  # words in another script too (Russian)
    neg_after: re.Pattern[str] | None = None  # a denial right after the words, in the language
    # The informational context in the language (round 16; `[context]` `informational_*`):
    # someone introducing themself in a role, a question about how the clinic handles risk, and
    # the writer's own experience, which keeps the match urgent.
    info_role: re.Pattern[str] | None = None
    info_process: re.Pattern[str] | None = None
    info_own: re.Pattern[str] | None = None


BASE_CONTEXT = Context(_NEG_CUES, _NEG_FILLER, _HIST_OLD, HIST_RECENT,
                 ((_AGO, _NUM_WORDS, _UNIT_MONTHS), (_HACE, _NUM_WORDS, _UNIT_MONTHS)))


def language_context(code: str) -> Context:
    """English and Spanish context words, with the language's own: its denials replace the
    English and Spanish ones that are words of the language too ("no" is "in the" in
    Portuguese); its dates and recent words are added."""
    ctx = LANGUAGES[code].context
    lemmatise = LANGUAGES[code].lemmatise

    def theirs(word: str) -> bool:
        return lemmatise and simplemma.is_known(word, lang=code)

    cues = frozenset(ctx.get("negation", ())) | {c for c in _NEG_CUES if not theirs(c)}
    filler = frozenset(ctx.get("filler", ())) | _NEG_FILLER
    numbers = {k: float(v) for k, v in ctx.get("numbers", {}).items()}
    units = {k: float(v) for k, v in ctx.get("units", {}).items()}
    num = "(" + "|".join([r"\d+", *sorted(numbers, key=len, reverse=True)]) + ")"
    by_character = LANGUAGES[code].by_character
    # Written without spaces (Chinese): "十年前" is number, unit and "ago" with nothing between,
    # inside a run of letters; its phrases are matched without word boundaries.
    unit = "(" + "|".join(sorted(units, key=len, reverse=True)) + (")" if by_character else r")\b")
    ago = tuple((re.compile(("" if by_character else r"(?<!\w)")
                            + p.replace(" ", r"\s*" if by_character else r"\s+")
                            .replace("NUM", num).replace("UNIT", unit)), numbers, units)
                for p in ctx.get("ago", ()) if units)

    def phrases(base: list[str], own: list[str]) -> re.Pattern[str]:
        if not by_character or not own:
            return compile_phrases(base + own)
        return re.compile(compile_phrases(base).pattern + "|" + compile_unbounded(own).pattern)

    if by_character:
        token = re.compile(TOKEN_BY_CHARACTER.pattern + "|[,/:+]")
    else:
        token = re.compile(r"[^\W_]+|[,/:+]") if LANGUAGES[code].any_script else _TOKEN
    return Context(cues, filler,
                    phrases(_CTX["history"]["old"], list(ctx.get("history_old", ()))),
                    phrases(_CTX["history"]["recent"], list(ctx.get("history_recent", ()))),
                    BASE_CONTEXT.ago + ago, tuple(LANGUAGES[code].elision.items()),
                    ((compile_unbounded if by_character else compile_phrases)(
                        list(ctx["bereavement"])) if ctx.get("bereavement") else None),
                    token,
                    re.compile(ctx["negation_after"]) if ctx.get("negation_after") else None,
                    *(compile_phrases(list(ctx[key])) if ctx.get(key) else None
                      for key in ("informational_role", "informational_process",
                                  "informational_own")))


# Worked out on first use: the language's dictionary loads then (about half a second).
language_context = cache(language_context)

#: Longest text looked at around a match, in characters.
WINDOW = 200


def sentence_around(f: str, start: int, end: int) -> tuple[int, int]:
    lo = max(0, start - WINDOW)
    s = lo
    for m in SENTENCE_BREAK.finditer(f, lo, start):
        s = m.end()
    m = SENTENCE_BREAK.search(f, end, min(len(f), end + WINDOW))
    e = m.start() if m else min(len(f), end + WINDOW)
    return s, e


def _answer_denied(f: str, end: int) -> bool:
    """The rest of the sentence holding a form item's words, or the next sentence, corrects the
    answer to a denial ("I meant to answer 'not at all'")."""
    _, e = sentence_around(f, end, end)
    if e < len(f):
        e = sentence_around(f, e + 1, e + 1)[1]
    return bool(_ANSWER_DENIED.search(f, end, e))


def negated(f: str, start: int, end: int, sent_start: int, ctx: Context = BASE_CONTEXT) -> bool:
    if _NEG_AFTER.match(f, end, min(len(f), end + 60)):
        return True
    if ctx.neg_after is not None and ctx.neg_after.match(f, end, min(len(f), end + 60)):
        return True
    if (_ASKED_DENIED.match(f, end, min(len(f), end + 60))
            and _ASKED_BEFORE.search(f, max(sent_start, start - 60), start)):
        return True
    if _FORM_ITEM.search(f, max(sent_start, start - 60), start) and _answer_denied(f, end):
        return True
    if _CESSATION.match(f, start):
        return False
    if _NOT_DENIAL.search(f, max(sent_start, start - 60), start):
        return False
    if _NEG_BEFORE.search(f, max(sent_start, start - 100), start):
        return True
    tokens = ctx.token.findall(f, max(sent_start, start - 80), start)
    for tok in reversed(tokens[-10:]):
        if tok in ctx.neg_cues:
            return True
        if tok in ctx.neg_filler or tok in ",/:":
            continue
        if ctx.elision:  # "nai" is "ne ai", "didees" is "de idees"
            glued = _unglue(tok, ctx)
            if glued is not None:
                if glued:
                    return True
                continue
        return False
    return False


def _unglue(tok: str, ctx: Context) -> bool | None:
    """For a token that is an elided word glued to a filler or denial word: whether it denies
    (True) or is filler (False); None for any other token ("nous" is not "n'ous")."""
    for short, whole in ctx.elision:
        rest = tok[len(short):]
        if tok.startswith(short) and rest and (rest in ctx.neg_filler or rest in ctx.neg_cues):
            return whole in ctx.neg_cues or rest in ctx.neg_cues
    return None


def _months(num: str, unit: str, numbers: dict = _NUM_WORDS, units: dict = _UNIT_MONTHS,
            ) -> float:
    if not num:  # "none in the past year": one unit
        return units[unit]
    n = float(num) if num.isdigit() else float(numbers.get(num, 3))
    return n * units[unit]


def _dates_old(f: str, start: int, end: int, s: int, e: int, limit: float,
               ctx: Context = BASE_CONTEXT) -> bool | None:
    """What the sentence ``f[s:e]`` says of when the match at ``start:end`` happened: True when it
    dates it outside ``limit`` months, False when it says recent, None when it says nothing."""
    for m in ctx.hist_recent.finditer(f, s, e):
        # A recent word inside the match counts too: "cutting again" after "attempt in 2012".
        if (not _dates_a_denial(f, m.start(), m.end(), s, e, start, end, ctx)
                and not _ends_a_stretch(f, m.start(), s, start, end)
                and not _dates_its_own_event(f, m.start(), m.end(), s, e, start, end, limit, ctx)):
            return False
    old = False
    for m in ctx.hist_old.finditer(f, s, e):
        if m.end() <= start or m.start() >= end:
            old = True
            break
    for rx, numbers, units in ctx.ago:
        for m in rx.finditer(f, s, e):
            if _months(m.group(1), m.group(2), numbers, units) <= limit:
                return False
            old = True
    for rx in _DENIED_FOR:
        for m in rx.finditer(f, s, e):
            if (m.end() <= start or m.start() >= end) and _months(m.group(1), m.group(2)) > limit:
                old = True
    if not old:
        for m in _YEAR.finditer(f, s, e):
            if _last_year_of(m.group(0)) >= _YEARS_OLD_BEFORE:
                continue  # this year or a later one: not clearly past the limits
            if not _SINCE.search(f, max(s, m.start() - 8), m.start()):
                old = True
                break
            cs, _ = _clause(f, m.start(), s, e)
            if (set(ctx.token.findall(f, max(cs, m.start() - 60), m.start())) & ctx.neg_cues
                    and not _SINCE_NOT.search(f, cs, m.start())):
                return True  # "havent had those thoughts since 2019"
    if old and _wish_of_its_own(f, start, end, s, e, limit, ctx):
        return None
    return True if old else None


def _point_clause(f: str, at: int, s: int, e: int) -> tuple[int, int]:
    cs = s
    for m in _POINT_BREAK.finditer(f, s, at):
        if m.end() <= at:
            cs = m.end()
    m = _POINT_BREAK.search(f, at, e)
    return cs, (m.start() if m else e)


def _old_dates(f: str, s: int, e: int, start: int, end: int, limit: float,
               ctx: Context) -> list[tuple[int, int]]:
    """The spans of the sentence ``f[s:e]`` that date something outside ``limit`` months (old
    words, "N years ago", a year not after "since"), the match's own words aside."""
    out = [(m.start(), m.end()) for m in ctx.hist_old.finditer(f, s, e)
           if m.end() <= start or m.start() >= end]
    for rx, numbers, units in ctx.ago:
        out += [(m.start(), m.end()) for m in rx.finditer(f, s, e)
                if _months(m.group(1), m.group(2), numbers, units) > limit]
    out += [(m.start(), m.end()) for m in _YEAR.finditer(f, s, e)
            if not _SINCE.search(f, max(s, m.start() - 8), m.start())]
    return out


def _dates_its_own_event(f: str, rs: int, re_: int, s: int, e: int, start: int, end: int,
                         limit: float, ctx: Context = BASE_CONTEXT) -> bool:
    """A point in time ("an hour ago", "yesterday", "hoy") in a clause of its own, with a verb
    of its own and nothing pointing back at the act, dates that clause's event, when an old date
    sits in the match's own clause: "I tried to kill myself in 2015 and I called you an hour
    ago". In doubt (the clause points back: "and again yesterday", "and I did today"; no old
    date beside the act) it dates the act (stop 23)."""
    if not _RECENT_POINT.fullmatch(f, rs, re_):
        return False
    ms, me = _point_clause(f, start, s, e)
    if ms <= rs < me or ms < re_ <= me:
        return False
    cs, ce = _point_clause(f, rs, s, e)
    clause = f[cs:rs] + " " + f[re_:ce]  # the clause without its time words ("this morning")
    if _POINTS_BACK.search(clause) or _RECENT_KEEPS.search(clause):
        return False
    rest = _POINT_FILLER.sub(" ", clause)
    if not re.search(r"[a-z]{3,}", rest):  # "..., and yesterday": no event of its own
        return False
    return any(ms <= a < me or ms < b <= me for a, b in _old_dates(f, s, e, start, end, limit, ctx))


def _wish_of_its_own(f: str, start: int, end: int, s: int, e: int, limit: float,
                     ctx: Context = BASE_CONTEXT) -> bool:
    """A wish in the present tense ("I want", "quiero") in the match's clause, while every old
    date of the sentence sits in another clause: "my husband passed away last year and I want
    to die" is a wish now (stop 23)."""
    ms, me = _point_clause(f, start, s, e)
    if not _PRESENT_WISH.search(f, ms, max(me, end)):
        return False
    return not any(ms <= a < me or ms < b <= me or (a <= start and b >= end)
                   for a, b in _old_dates(f, s, e, start, end, limit, ctx))


_AS_OF = re.compile(r"\b(?:as of|up to|hasta)\s*$")


def _ends_a_stretch(f: str, at: int, s: int, start: int, end: int) -> bool:
    """"Self-harm free for 3 years as of last week": the recent word at ``at`` ends a stretch
    without the match (which heads the stretch); it does not date the act."""
    a = _AS_OF.search(f, max(s, at - 12), at)
    return bool(a) and any(start < m.start() <= end + 1 and m.end() >= a.start() - 1
                           for rx in _DENIED_FOR for m in rx.finditer(f, s, a.start()))


def _clause(f: str, at: int, s: int, e: int) -> tuple[int, int]:
    cs = s
    for m in _CLAUSE_BREAK.finditer(f, s, at):
        cs = m.end()
    m = _CLAUSE_BREAK.search(f, at, e)
    return cs, (m.start() if m else e)


def _dates_a_denial(f: str, rs: int, re_: int, s: int, e: int, start: int, end: int,
                    ctx: Context = BASE_CONTEXT) -> bool:
    """A recent word in a clause of its own that denies ("C-SSRS neg today"), says the person is
    well ("currently stable"), speaks of a treatment ("an IOP that wrapped up last month") or
    says a mood came back ("just depressed again") dates that, not the match."""
    cs, ce = _clause(f, rs, s, e)
    if cs <= start < ce:
        return False
    if _RECENT_KEEPS.search(f, cs, ce):
        # "just depressed again": the mood came back, not the match (round 14)
        return bool(_RECENT_MOOD.search(f, cs, ce)) and not _RECENT_MOOD_NOT.search(f, cs, ce)
    return bool(set(ctx.token.findall(f, cs, ce)) & ctx.neg_cues or _RECENT_WELL.search(f, cs, ce)
                or _RECENT_TREATMENT.search(f, cs, ce))


def historical(f: str, start: int, end: int, s: int, e: int, category: str,
                ctx: Context = BASE_CONTEXT) -> bool:
    """True when the sentence dates the match outside the time limit and nothing says recent, or
    when the next sentences point back at it and date it ("Mine was a long time ago.")."""
    limit = 3.0 if category in _BEHAVIOUR else 1.0
    dated = _dates_old(f, start, end, s, e, limit, ctx)
    if dated is not None or category not in _POINTER_CATEGORIES:
        return bool(dated)
    if (s > 0 and _POINTER_BACK.search(f, s, e) and not _POINTER_NOT.search(f, s, e)
            and not _NOW.search(f, s, e)):
        ps, pe = sentence_around(f, s - 1, s - 1)  # "ECT back in 2010? I was inpatient then."
        if ps < s - 1 and _dates_old(f, pe, pe, ps, pe, limit, ctx):
            return True
    looked = 0
    while looked < 2:
        ns, ne = sentence_around(f, e + 1, e + 1)
        if ns >= len(f) or ns <= e:
            return False
        if not f[ns:ne].strip():  # between "?" and "¿": no sentence
            e = ne
            continue
        looked += 1
        if _POINTER.match(f, ns):
            return not _POINTER_NOT.search(f, ns, ne) and bool(_dates_old(f, ns, ns, ns, ne, limit,
                                                                          ctx))
        if ctx.hist_recent.search(f, ns, ne):  # "It still happens." between the two
            return False
        s, e = ns, ne
    return False
