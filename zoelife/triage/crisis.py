"""Crisis-level detection: phrase lists (data/crisis.toml) plus context rules
(data/crisis_context.toml) that may lower a match from urgent to review.

Policy (docs/vocabulary.md, docs/triage.md): a missed ``urgent`` is the worst bug, so every rule that lowers a level
applies only when it clearly applies; anything ambiguous stays urgent.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property

from . import meaning
from ._text import Coverage, Folded, PhraseGroups, RareStarts, load_toml
from .denials_and_dates import (
    BASE_CONTEXT,
    HIST_RECENT,
    historical,
    language_context,
    negated,
    sentence_around,
)
from .informational import (
    AUDIENCE,
    BEREAVEMENT,
    FIRST_PERSON,
    INFO_ALLOWED,
    INFO_TERMS,
    INFO_VETO,
    OWN_NOW,
    PROFESSIONAL,
    WRITER,
    asked_by_a_professional,
    asked_in_language,
    informational,
    is_third_party,
    mentioned,
    procedure,
    topic_of_a_publication,
    workplace,
)
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
# Each tried only where one of the characters it can begin with stands ("S", "+", "N").
_CS_ALWAYS_AT = RareStarts(_CS_ALWAYS)
_CS_MIXED_AT = RareStarts(_CS_MIXED)

_NEGATABLE = frozenset(_CTX["negation"]["categories"])
_LOST_BY_WRITER = re.compile(r"\b(?:i|ive|we|weve) (?:\w+ ){0,2}?lost (?:\w+ ){1,6}?(?:to|by) suicide"
                             r"|\b(?:perdi|perdimos) a (?:\w+ ){1,6}?(?:por|al|en un) suicidio")
# The `other` phrases that name a stay in a psychiatric unit: denied, they say nothing happened.
_HOSPITAL_STAY = re.compile(r"hospital|admission|inpatient|\bunit\b|\bward\b|\bhold\b|5150|baker")


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
    if _CS_CANDIDATE.search(text):
        cs = list(_CS_ALWAYS_AT.finditer(text))
        if language != "es":
            mixed = list(_CS_MIXED_AT.finditer(text))
            if mixed and not _mostly_caps(text):  # (only asked when it matters)
                cs += mixed
        for m in cs:
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
    ctx = language_context(main) if main in LANGUAGES else BASE_CONTEXT

    raw.sort(key=lambda r: (r[0], -r[1], -CRISIS_RANK[r[3]]))
    whole = _WholeMessage(f, ctx)  # what the whole message says, read when first asked
    spans: list[EvidenceSpan] = []
    seen: set[tuple[int, int]] = set()
    for fs, fe, category, level, negatable in raw:
        if (fs, fe) in seen:
            continue
        seen.add((fs, fe))
        s, e = sentence_around(f, fs, fe)
        out_cat, out_level = category, level
        if category == "other" and _HOSPITAL_STAY.search(f, fs, fe) and negated(f, fs, fe, s, ctx):
            # "No psychiatric hospitalizations": a stay denied is no sign at all (round 13).
            continue
        if level == "urgent":
            if negatable and category in _NEGATABLE and negated(f, fs, fe, s, ctx):
                out_cat, out_level = "negated", "review"
            elif historical(f, fs, fe, s, e, category, ctx):
                out_cat, out_level = "historical", "review"
            elif category in INFO_TERMS and (
                    mentioned(f, fs, fe, s)
                    # (the writer's role said in the sentence is not the writer's state: "ich
                    # bin Journalistin und recherchiere uber ...", round 15)
                    or (whole.inquiry and not OWN_NOW.search(PROFESSIONAL.sub(" ", f[s:e])))
                    or (whole.professional and not HIST_RECENT.search(f, s, e)
                        and not WRITER.search(
                            INFO_ALLOWED.sub(" ", PROFESSIONAL_ASKER.sub(" ", f[s:e]))))
                    or (whole.role and asked_by_a_professional(f, fs, fe, s, e))
                    or (not whole.veto and procedure(f, fs, fe, s, e))
                    or (not whole.veto and topic_of_a_publication(f, fs, fe, s, e))
                    or workplace(f, fs, fe, s, e)
                    or (ctx.info_process is not None and whole.role_in_language
                        and asked_in_language(f, fs, fe, s, e, ctx))
                    or informational(f, fs, fe, s, e, whole.veto)):
                out_cat, out_level = "informational", "review"
            elif whole.losses.overlaps(fs, fe) and (
                    whole.lost_by_writer.overlaps(fs, fe)
                    or not FIRST_PERSON.search(f, max(s, fs - 40), fs)):
                out_cat, out_level = "bereavement", "review"
            elif is_third_party(f, fs, fe, s, e):
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



class _WholeMessage:
    """What the whole (folded) message says that the context checks read: each found on first
    use (most messages never ask), then kept for the message's other matches."""

    def __init__(self, f: str, ctx) -> None:
        self._f = f
        self._ctx = ctx

    @cached_property
    def veto(self) -> bool:
        return bool(INFO_VETO.search(self._f))

    @cached_property
    def inquiry(self) -> bool:
        return bool(AUDIENCE.search(self._f))

    @cached_property
    def professional(self) -> bool:
        """A professional asking how the clinic works: a term in a sentence without the writer
        in it."""
        return professional_inquiry(self._f)

    @cached_property
    def role(self) -> bool:
        """... or someone introducing themself in a role and asking how the clinic assesses
        risk."""
        return bool(PROFESSIONAL.search(self._f)) and not self.veto

    @cached_property
    def role_in_language(self) -> bool:
        """... the same, in the words of a read language's `informational_role`."""
        return bool(self._ctx.info_role is not None and self._ctx.info_role.search(self._f)
                    and not self.veto)

    @cached_property
    def losses(self) -> Coverage:
        f = self._f
        losses = [(m.start(), m.end()) for m in BEREAVEMENT.finditer(f)]
        if self._ctx.bereavement is not None:
            losses += [(m.start(), m.end()) for m in self._ctx.bereavement.finditer(f)]
        return Coverage(losses)

    @cached_property
    def lost_by_writer(self) -> Coverage:
        """"I lost three friends to suicide": the writer is the one who lost them, not at risk."""
        return Coverage(m.span() for m in _LOST_BY_WRITER.finditer(self._f))


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
