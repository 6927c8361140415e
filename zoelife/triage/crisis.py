"""Crisis-level detection: phrase lists (data/crisis.toml) plus context rules
(data/crisis_context.toml) that may lower a match from urgent to review.

Policy (docs/vocabulary.md, docs/triage.md): a missed ``urgent`` is the worst bug, so every rule that lowers a level
applies only when it clearly applies; anything ambiguous stays urgent.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

import simplemma

from . import meaning
from ._text import SENTENCE_BREAK, Coverage, Folded, PhraseGroups, compile_phrases, load_toml
from .language import reads_as_english_or_spanish, short_words_of
from .languages import LANGUAGES
from .treatments import PROFESSIONAL_ASKER, professional_inquiry

CRISIS_LEVELS = ("urgent", "review", "none")
CRISIS_RANK = {"urgent": 2, "review": 1, "none": 0}


def max_level(a: str, b: str) -> str:
    """The more serious of two crisis levels."""
    return a if CRISIS_RANK[a] >= CRISIS_RANK[b] else b


@dataclass(frozen=True)
class EvidenceSpan:
    start: int  # char offsets into the text passed to assess
    end: int
    category: str
    level: str  # "urgent" | "review": what this span alone contributes


# ---------------------------------------------------------------- load the data once
_PHR = load_toml("crisis.toml")
_CTX = load_toml("crisis_context.toml")
_MACROS: dict[str, str] = _PHR.get("macros", {})


_LEVEL_OF = {c["name"]: c["level"] for c in _PHR["category"]}
# All categories at once; group names are the category names.
_ALL = PhraseGroups({c["name"]: c["patterns"] for c in _PHR["category"]}, _MACROS)
_CS = _PHR["case_sensitive"]
_CS_ALWAYS = re.compile("|".join(f"(?:{p})" for p in _CS["always"]))
_CS_MIXED = re.compile("|".join(f"(?:{p})" for p in _CS["mixed_case_only"]))
# Cheap pre-check so long texts without any candidate skip the look-behind patterns.
_CS_CANDIDATE = re.compile(r"S[/I.]|\+|NSSI")

_NEG_CUES = frozenset(_CTX["negation"]["cues"])
_NEG_FILLER = frozenset(_CTX["negation"]["filler"])
_NEG_AFTER = re.compile(_CTX["negation"]["after"])
# "so I don't have to think about killing myself": a purpose, not a denial.
_NOT_DENIAL = re.compile(f'(?:{_CTX["negation"]["purpose"]})$')
_NEGATABLE = frozenset(_CTX["negation"]["categories"])
_TOKEN = re.compile(r"[a-z0-9]+|[,/:+]")

_HIST_OLD = compile_phrases(_CTX["history"]["old"])
_HIST_RECENT = compile_phrases(_CTX["history"]["recent"])
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
_SINCE = re.compile(r"(?:since|desde|from)\s*$")
_SINCE_NOT = re.compile(_CTX["history"]["since_denial_not"])
_RECENT_KEEPS = re.compile(_CTX["history"]["recent_denial_keeps"])
_RECENT_WELL = re.compile(_CTX["history"]["recent_well"])
_RECENT_TREATMENT = re.compile(_CTX["history"]["recent_treatment"])
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


class _Context(NamedTuple):
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


_BASE = _Context(_NEG_CUES, _NEG_FILLER, _HIST_OLD, _HIST_RECENT,
                 ((_AGO, _NUM_WORDS, _UNIT_MONTHS), (_HACE, _NUM_WORDS, _UNIT_MONTHS)))


def _language_context(code: str) -> _Context:
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
    unit = "(" + "|".join(sorted(units, key=len, reverse=True)) + r")\b"
    ago = tuple((re.compile(r"(?<!\w)" + p.replace(" ", r"\s+").replace("NUM", num)
                            .replace("UNIT", unit)), numbers, units)
                for p in ctx.get("ago", ()) if units)
    return _Context(cues, filler,
                    compile_phrases(_CTX["history"]["old"] + list(ctx.get("history_old", ()))),
                    compile_phrases(_CTX["history"]["recent"]
                                    + list(ctx.get("history_recent", ()))),
                    _BASE.ago + ago, tuple(LANGUAGES[code].elision.items()),
                    compile_phrases(list(ctx["bereavement"])) if ctx.get("bereavement") else None,
                    re.compile(r"[^\W_]+|[,/:+]") if LANGUAGES[code].any_script else _TOKEN,
                    re.compile(ctx["negation_after"]) if ctx.get("negation_after") else None)


# Worked out on first use: the language's dictionary loads then (about half a second).
_language_context = cache(_language_context)

_INFO = _CTX["informational"]
_INFO_CUES = re.compile(_INFO["cues"])
_MENTION_BEFORE = re.compile(_INFO["mention_before"])
_MENTION_AFTER = re.compile(_INFO["mention_after"])
_MENTION_NAMED = re.compile(_INFO["mention_named"])
_INFO_PERSONAL = re.compile(_INFO["personal"])
_INFO_ALLOWED = re.compile(_INFO["allowed"])
_INFO_VETO = re.compile(_INFO["veto"])
_INFO_TERMS = frozenset(_INFO["term_categories"])
_PROFESSIONAL = re.compile(_INFO["professional"])
_PROCESS = re.compile(_INFO["process"])
_OWN_RISK = re.compile(_INFO["own_risk"])
_PROCEDURE_AFTER = re.compile(_INFO["procedure_after"])
_PROCEDURE_BEFORE = re.compile(_INFO["procedure_before"])
_PROCEDURE_VETO = re.compile(_INFO["procedure_veto"])
_TREATMENT_WORDS = re.compile(
    r"\b(?:spravato|es ?ketamine|ketamine|tms|neurostar|therapy|treatment|medication|infusion|nasal spray|esketamina|ketamina)\b"
)
_THIRD = re.compile(_CTX["third_party"]["markers"])
_BEREAVEMENT = compile_phrases(_CTX["bereavement"]["patterns"])
# Asking about treatments for work or study (a journalist, a thesis): terms are informational.
_AUDIENCE = compile_phrases(load_toml("treatments.toml")["audience"]["patterns"])

#: Longest text looked at around a match, in characters.
_WINDOW = 200


# ---------------------------------------------------------------- context helpers
def _sentence(f: str, start: int, end: int) -> tuple[int, int]:
    lo = max(0, start - _WINDOW)
    s = lo
    for m in SENTENCE_BREAK.finditer(f, lo, start):
        s = m.end()
    m = SENTENCE_BREAK.search(f, end, min(len(f), end + _WINDOW))
    e = m.start() if m else min(len(f), end + _WINDOW)
    return s, e


def _negated(f: str, start: int, end: int, sent_start: int, ctx: _Context = _BASE) -> bool:
    if _NEG_AFTER.match(f, end, min(len(f), end + 60)):
        return True
    if ctx.neg_after is not None and ctx.neg_after.match(f, end, min(len(f), end + 60)):
        return True
    if _CESSATION.match(f, start):
        return False
    if _NOT_DENIAL.search(f, max(sent_start, start - 60), start):
        return False
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


def _unglue(tok: str, ctx: _Context) -> bool | None:
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
               ctx: _Context = _BASE) -> bool | None:
    """What the sentence ``f[s:e]`` says of when the match at ``start:end`` happened: True when it
    dates it outside ``limit`` months, False when it says recent, None when it says nothing."""
    for m in ctx.hist_recent.finditer(f, s, e):
        # A recent word inside the match counts too: "cutting again" after "attempt in 2012".
        if not _dates_a_denial(f, m.start(), m.end(), s, e, start, end, ctx) and not _ends_a_stretch(
                f, m.start(), s, start, end):
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
            if not _SINCE.search(f, max(s, m.start() - 8), m.start()):
                return True
            cs, _ = _clause(f, m.start(), s, e)
            if (set(ctx.token.findall(f, max(cs, m.start() - 60), m.start())) & ctx.neg_cues
                    and not _SINCE_NOT.search(f, cs, m.start())):
                return True  # "havent had those thoughts since 2019"
    return True if old else None


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
                    ctx: _Context = _BASE) -> bool:
    """A recent word in a clause of its own that denies ("C-SSRS neg today"), says the person is
    well ("currently stable") or speaks of a treatment ("an IOP that wrapped up last month")
    dates that, not the match."""
    cs, ce = _clause(f, rs, s, e)
    if cs <= start < ce or _RECENT_KEEPS.search(f, cs, ce):
        return False
    return bool(set(ctx.token.findall(f, cs, ce)) & ctx.neg_cues or _RECENT_WELL.search(f, cs, ce)
                or _RECENT_TREATMENT.search(f, cs, ce))


def _historical(f: str, start: int, end: int, s: int, e: int, category: str,
                ctx: _Context = _BASE) -> bool:
    """True when the sentence dates the match outside the time limit and nothing says recent, or
    when the next sentences point back at it and date it ("Mine was a long time ago.")."""
    limit = 3.0 if category in _BEHAVIOUR else 1.0
    dated = _dates_old(f, start, end, s, e, limit, ctx)
    if dated is not None or category not in _POINTER_CATEGORIES:
        return bool(dated)
    if (s > 0 and _POINTER_BACK.search(f, s, e) and not _POINTER_NOT.search(f, s, e)
            and not _NOW.search(f, s, e)):
        ps, pe = _sentence(f, s - 1, s - 1)  # "ECT back in 2010? I was inpatient then."
        if ps < s - 1 and _dates_old(f, pe, pe, ps, pe, limit, ctx):
            return True
    looked = 0
    while looked < 2:
        ns, ne = _sentence(f, e + 1, e + 1)
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


# A question about what happens to someone in general: "what is your protocol if a patient
# reports suicidal thoughts?", "¿atienden a personas con pensamientos suicidas?".
_HYPOTHETICAL = re.compile(
    r"\b(?:if|when|whether|someone|somebody|anyone|a patient|patients|people|persons|teens|"
    r"si alguien|alguien|personas|pacientes|un paciente|si un|que hacen|does|do you|do u|do yall|"
    r"can you|could you|is there|are there|ask about)\b")
_OWN_NOW = re.compile(
    r"\b(?:i|im|ive|i am|my) (?:have|having|has|feel|feeling|get|getting|been|am)\b(?! (?:a|my|no) )"
    # "would I have to go somewhere else": an obligation, not something one has
    r"(?! to (?:go|wait|pay|call|be|do|get|see|find|fill|say|tell)\b)"
    r"|\btengo\b|\bsiento\b")


# A question goes on after a dash or a colon: "what's your protocol if a patient endorses
# suicidal ideation - do you pause treatment?"
_QUESTION_GOES_ON = re.compile(r"\s[-–—]\s|:")
_QUESTION_END = re.compile(r"[.!?\n]")


def _asks(f: str, end: int, e: int) -> bool:
    """Whether the sentence holding a match that ends at ``end`` (sentence end ``e``) is a
    question, reading on across dashes and colons to its end mark."""
    if "?" in f[end : min(len(f), e + 1)]:
        return True
    if not _QUESTION_GOES_ON.match(f, e):
        return False
    m = _QUESTION_END.search(f, e + 1, min(len(f), e + _WINDOW))
    return bool(m) and m.group(0) == "?"


def _procedure(f: str, start: int, end: int, s: int, e: int) -> bool:
    """The term names a procedure or a form's question, and the sentence reports nothing: "suicide
    risk screening", "the questionnaire asks about suicide"."""
    if not (_PROCEDURE_AFTER.match(f, end) or _PROCEDURE_BEFORE.search(f, max(s, start - 80), start)):
        return False
    if _QUESTION_GOES_ON.match(f, e):  # "Self-harm screening item: positive."
        e = _sentence(f, e + 1, e + 1)[1]
    return not (_PROCEDURE_VETO.search(f, s, e) or _OWN_NOW.search(f, s, e))


def _informational(f: str, start: int, end: int, s: int, e: int, veto: bool) -> bool:
    if veto:
        return False
    sent = f[s:e]
    if (_asks(f, end, e) and _HYPOTHETICAL.search(sent)
            and not _OWN_NOW.search(sent)):
        return True
    if not _INFO_CUES.search(sent):
        return False
    if not (
        "?" in f[end : min(len(f), e + 1)]
        or _TREATMENT_WORDS.search(sent)
        or "patients" in sent
        or "people" in sent
        or "adults" in sent
    ):
        return False
    return not _INFO_PERSONAL.search(_INFO_ALLOWED.sub(" ", sent))


def _asked_by_a_professional(f: str, start: int, end: int, s: int, e: int) -> bool:
    """A term in a question about how the clinic assesses or handles risk, from someone who
    introduced themself in a role, about nobody's risk now ("I'm a nurse, how do you screen for
    SI during Spravato monitoring?")."""
    return bool(_PROCESS.search(f, s, e)) and not (
        _FIRST.search(f, start, end) or _OWN_NOW.search(f, s, e) or _OWN_RISK.search(f, s, e)
        or _HIST_RECENT.search(f, s, e))


def _mentioned(f: str, start: int, end: int, s: int) -> bool:
    """The term is named, not used: "what 'unaliving' means", "the word suicidal"."""
    before = f[max(s, start - 40):start]
    return bool(_MENTION_NAMED.search(before) or (
        _MENTION_BEFORE.search(before) and _MENTION_AFTER.match(f, end)))


def _mostly_caps(text: str) -> bool:
    letters = list(filter(str.isalpha, text[:2000]))  # in C: a long message costs 0.15 ms else
    if len(letters) < 8:
        return False
    upper = sum(map(str.isupper, letters))
    return upper / len(letters) > 0.6


# ---------------------------------------------------------------- main entry
def find_crisis_spans(folded: Folded, language: str, reads: tuple[str, ...] = (), main: str = "",
                      foreign: str = "") -> list[EvidenceSpan]:
    """Every crisis match in the text, with its context-adjusted level.

    Three layers: the phrase lists (crisis.toml), the clause grammar over lexical fields
    (fields.toml, ``meaning``), and the safety net: a word of the death, self-harm, means or
    farewell fields that neither explains is ``review``, never ``none`` (idioms excepted).
    ``reads``: languages of data/languages/ read too; ``main``: the message's own language
    (its denials and dates are read); ``foreign``: the code of the message's language when it
    is another language, not mixed with English or Spanish: urgent evidence must then come
    from the fields of a language read, or be made of English or Spanish words that are not
    short words of that language, else it is ``review`` ("Od pol roku", "od tamtej pory")."""
    f = folded.folded
    # folded start, end, category, base level, may a denial lower it
    raw: list[tuple[int, int, str, str, bool]] = []
    # Overlapping matches too ("started cutting" and "cutting myself").
    for m in _ALL.matches(f):
        name = m.lastgroup or ""
        raw.append((m.start(), m.end(), name, _LEVEL_OF[name], True))
    text = folded.text
    cs = []
    if _CS_CANDIDATE.search(text):
        cs.append(_CS_ALWAYS)
        if language != "es" and not _mostly_caps(text):
            cs.append(_CS_MIXED)
    for rx in cs:
        for m in rx.finditer(text):
            fs, fe = folded.to_folded(m.start()), folded.to_folded(m.end())
            if fe > fs:
                raw.append((fs, fe, _CS["category"], _CS["level"], True))
    found, net, idioms = meaning.find(folded, language, reads, main)
    if idioms:  # an idiom ("quiero matar dos pajaros") is never evidence, whichever layer
        raw = [r for r in raw if not idioms.overlaps(r[0], r[1])]
    phrases = Coverage((r[0], r[1]) for r in raw if r[3] == "urgent")
    for fd in found:
        # Where a phrase matched, its category and extent are the more precise evidence.
        if not phrases.overlaps(fd.start, fd.end):
            raw.append((fd.start, fd.end, fd.category, "urgent", fd.negatable))
    if not raw and not net:
        return []
    ctx = _language_context(main) if main in LANGUAGES else _BASE

    raw.sort(key=lambda r: (r[0], -r[1], -CRISIS_RANK[r[3]]))
    veto = bool(_INFO_VETO.search(f))
    inquiry = bool(_AUDIENCE.search(f))
    # A professional asking how the clinic works: a term in a sentence without the writer in it.
    professional = professional_inquiry(f)
    # ... or someone introducing themself in a role and asking how the clinic assesses risk.
    role = bool(_PROFESSIONAL.search(f)) and not veto
    losses = [(m.start(), m.end()) for m in _BEREAVEMENT.finditer(f)]
    if ctx.bereavement is not None:
        losses += [(m.start(), m.end()) for m in ctx.bereavement.finditer(f)]
    losses = Coverage(losses)
    spans: list[EvidenceSpan] = []
    seen: set[tuple[int, int]] = set()
    for fs, fe, category, level, negatable in raw:
        if (fs, fe) in seen:
            continue
        seen.add((fs, fe))
        s, e = _sentence(f, fs, fe)
        out_cat, out_level = category, level
        if level == "urgent":
            if negatable and category in _NEGATABLE and _negated(f, fs, fe, s, ctx):
                out_cat, out_level = "negated", "review"
            elif _historical(f, fs, fe, s, e, category, ctx):
                out_cat, out_level = "historical", "review"
            elif category in _INFO_TERMS and (
                    _mentioned(f, fs, fe, s)
                    or (inquiry and not _OWN_NOW.search(f, s, e))
                    or (professional and not _HIST_RECENT.search(f, s, e) and not _WRITER.search(
                        _INFO_ALLOWED.sub(" ", PROFESSIONAL_ASKER.sub(" ", f[s:e]))))
                    or (role and _asked_by_a_professional(f, fs, fe, s, e))
                    or (not veto and _procedure(f, fs, fe, s, e))
                    or _informational(f, fs, fe, s, e, veto)):
                out_cat, out_level = "informational", "review"
            elif losses.overlaps(fs, fe) and not _FIRST.search(f, max(s, fs - 40), fs):
                out_cat, out_level = "bereavement", "review"
            elif _is_third_party(f, fs, fe, s, e):
                out_cat = "third_party"
        ostart, oend = folded.span(fs, fe)
        spans.append(EvidenceSpan(ostart, oend, out_cat, out_level))
    spans = _drop_contained(_inherit_context(spans))
    explained = Coverage((sp.start, sp.end) for sp in spans)
    for fd in net:
        ostart, oend = folded.span(fd.start, fd.end)
        if not explained.overlaps(ostart, oend):
            spans.append(EvidenceSpan(ostart, oend, "unexplained", "review"))
    spans.sort(key=lambda sp: (sp.start, -sp.end))
    if foreign:
        read = Coverage(folded.span(fd.start, fd.end) for fd in found if fd.read_in)
        text = folded.text
        spans = [
            sp if sp.level != "urgent" or read.overlaps(sp.start, sp.end)
            or (reads_as_english_or_spanish(text[sp.start:sp.end])
                and not short_words_of(text[sp.start:sp.end], foreign))
            else EvidenceSpan(sp.start, sp.end, sp.category, "review")
            for sp in spans
        ]
    return spans


_FIRST = re.compile(r"\b(?:i|im|ive|id|me|myself|my self)\b")
# The writer in a sentence, in either language (a professional asking generally is not in it).
_WRITER = re.compile(r"\b(?:i|im|ive|id|me|my|mine|myself|yo|mi|mis|tengo|estoy|siento)\b")
_REFLEXIVE_3 = re.compile(r"\b(?:himself|herself|themselves|themself|him self|her self)\b")


def _is_third_party(f: str, fs: int, fe: int, s: int, e: int) -> bool:
    if _REFLEXIVE_3.search(f, fs, fe):
        return True
    return bool(_THIRD.search(f, s, e)) and not _FIRST.search(f, s, e)


_DOWNGRADES = frozenset({"negated", "historical", "informational"})


def _inherit_context(spans: list[EvidenceSpan]) -> list[EvidenceSpan]:
    """A match inside a longer match that was denied, dated or informational shares its fate.

    "never attempted suicide": "suicide" alone reads as a mention, but it is part of the
    negated "attempted suicide".
    """
    downs = sorted((sp for sp in spans if sp.category in _DOWNGRADES), key=lambda d: d.start)
    if not downs:
        return spans
    starts = [d.start for d in downs]
    out = []
    for sp in spans:
        if sp.level == "urgent":
            i = bisect_right(starts, sp.start)
            for d in downs[max(0, i - 4) : i]:  # the few downgraded spans starting at or before
                if sp.end <= d.end and (d.start, d.end) != (sp.start, sp.end):
                    sp = EvidenceSpan(sp.start, sp.end, d.category, d.level)
                    break
        out.append(sp)
    return out


def _drop_contained(spans: list[EvidenceSpan]) -> list[EvidenceSpan]:
    """Drop a span lying inside an earlier-starting span of the same or higher level."""
    spans = sorted(spans, key=lambda sp: (sp.start, -sp.end, -CRISIS_RANK[sp.level]))
    max_end = {2: -1, 1: -1}
    out: list[EvidenceSpan] = []
    last: dict[int, int] = {}  # rank -> index in out of the last span kept at that rank
    for sp in spans:
        r = CRISIS_RANK[sp.level]
        covering = max(end for rank, end in max_end.items() if rank >= r)
        if covering >= sp.end:
            continue
        i = last.get(r)
        if i is not None and sp.start < out[i].end:
            # Overlapping matches at one level ("been cutting" + "cutting myself"): one span.
            prev = out[i]
            out[i] = EvidenceSpan(prev.start, sp.end, prev.category, prev.level)
        else:
            last[r] = len(out)
            out.append(sp)
        max_end[r] = max(max_end[r], sp.end)
    return out


def crisis_level(spans: list[EvidenceSpan] | tuple[EvidenceSpan, ...]) -> str:
    level = "none"
    for sp in spans:
        level = max_level(level, sp.level)
    return level
