"""Treatment interests from free text and from a form's own treatment field.

Phrase lists: data/treatments.toml.  Output values are the docs/vocabulary.md vocabulary
(``spravato``, ``tms``, ``ketamine``, ``medication_management``, ``therapy``); "other" is never
inferred.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from ._text import SENTENCE_BREAK, Folded, PhraseGroups, compile_phrases, load_toml

TREATMENTS = ("spravato", "tms", "ketamine", "medication_management", "therapy")

_CFG = load_toml("treatments.toml")
_RX: dict[str, re.Pattern[str]] = {
    name: compile_phrases(spec["patterns"]) for name, spec in _CFG["treatment"].items()
}
# Every treatment phrase at once, overlapping matches included (the words of "nasal spray
# ketamine"), tried at a word start only against the phrases that can begin there.
_ALL = PhraseGroups({name: spec["patterns"] for name, spec in _CFG["treatment"].items()})
_THERAPY = _CFG["treatment"]["therapy"]
_NOT_AFTER = re.compile(_THERAPY["not_after"])
_NOT_BEFORE = re.compile(_THERAPY["not_before"])
_OWNED = re.compile(_CFG["treatment"]["therapy"].get("past_or_owned", r"(?!)"))
_NEG = re.compile(_CFG["negation"]["before"])
_NEG_AFTER = re.compile(_CFG["negation"]["after"])
_LISTED_AFTER_NAME = re.compile(
    r"\b(?:spravato|es ?ketamin\w*|ketamin\w*|tms|ect|infusions?|meds|medications?|therapy|"
    r"terapia|medicamentos?)\s*(?:,|\bor|\bnor|\bni|\bo)\s+(?:(?:a|an|the|any|la|el|los)\s+)?$")
_LABEL_RX: dict[str, re.Pattern[str]] = {
    name: compile_phrases(pats) for name, pats in _CFG.get("labels", {}).items()
}
_KETAMINE_BEFORE = re.compile(r"(?<![\w])ketamin\w*[\s\-]+(?:\w+[\s\-]+)?$")
_KETAMINE_AFTER = re.compile(r"[\s\-]+(?:of\s+)?ketamin")
_SPRAVATO_WORD = re.compile(r"(?<![\w])(?:spravato|es ?ketamin\w*)")
_COMPARE_BEFORE = re.compile(
    # "like ketamine" compares; "I'd like ketamine" asks
    r"(?<!\bid )(?<!\bwed )(?<!\bwould )(?<!\btheyd )(?<!\byoud )\b(?:like|different from|different than|similar to|related to|derived from|form of|version of|cousin of)\s+(?:\w+\s+){0,1}$"
)
_SPRAY = re.compile(r"spray")


def _clause_bounds(f: str, start: int, end: int) -> tuple[int, int]:
    lo = max(0, start - 120)
    s = lo
    for m in SENTENCE_BREAK.finditer(f, lo, start):
        s = m.end()
    m = SENTENCE_BREAK.search(f, end, min(len(f), end + 120))
    return s, (m.start() if m else min(len(f), end + 120))


def _accept(name: str, f: str, m: re.Match[str], s: int, e: int) -> bool:
    """Whether the match asks for the treatment; ``s, e``: its ``_clause_bounds``."""
    start, end = m.start(), m.end()
    before = f[max(s, start - 60) : start]
    if _NEG.search(before) or _NEG_AFTER.match(f[end:min(e, end + 40)]):
        return False
    # A refusal reaches across a list of names: "not interested in Spravato or ketamine".
    listed = _LISTED_AFTER_NAME.search(before)
    if listed and _NEG.search(before[: listed.start()]):
        return False
    if name == "therapy":
        if _NOT_AFTER.search(before) or _NOT_BEFORE.match(f, end, min(len(f), end + 40)):
            return False
        if _OWNED.search(before):
            return False
    if name == "spravato" and _SPRAY.search(m.group(0)):
        # "IV or nasal spray ketamine" / "ketamine nasal spray" is ketamine, unless
        # Spravato/esketamine is also named in the sentence.
        if (
            _KETAMINE_BEFORE.search(before) or _KETAMINE_AFTER.match(f, end, min(len(f), end + 20))
        ) and not _SPRAVATO_WORD.search(f, s, e):
            return False
    if name == "ketamine" and _COMPARE_BEFORE.search(before):
        return False
    return True


def treatments_in(folded: Folded) -> set[str]:
    """Treatments the text asks for (a treatment only had before is not among them)."""
    return set(read_treatments(folded).interest)


@dataclass(frozen=True)
class TreatmentReading:
    interest: frozenset[str]  # asked for now; "other" when a service not offered is asked for
    history: frozenset[str]  # had before and named as past ("did TMS last fall, nothing")
    other_services: tuple[str, ...]  # services not offered that the person asks for


_HIST = _CFG["history"]
_PAST_BEFORE = re.compile(_HIST["past_before"])
_PAST_AFTER = re.compile(_HIST["past_after"])
_AGAIN = re.compile(_HIST["again"])
_OTHER_RX = {name: compile_phrases(pats) for name, pats in _CFG["other_services"].items()
             if isinstance(pats, list)}
# Whether any service not offered is named at all: most messages name none, and one pass
# then replaces a pass per service.
_ANY_OTHER = PhraseGroups({f"s{i}": pats for i, pats in enumerate(
    pats for pats in _CFG["other_services"].values() if isinstance(pats, list))})


def _services_named(f: str) -> set[str]:
    """The services not offered (``_OTHER_RX``) with a match somewhere in ``f``: one pass of
    ``_ANY_OTHER`` finds every position where any of them matches, and only there is each
    service tried (17 scans of a 2,000-character message cost 0.7 ms)."""
    found: set[str] = set()
    for m in _ANY_OTHER.matches(f):
        at = m.start()
        for name, rx in _OTHER_RX.items():
            if name not in found and rx.match(f, at):
                found.add(name)
    return found


_COMPARE = re.compile(_CFG["other_services"]["compare"])
_AUDIENCE = compile_phrases(_CFG["audience"]["patterns"])
_PRO = _CFG["professional"]
PROFESSIONAL_ASKER = re.compile(_PRO["asker"])
_PRO_PROCEDURE = re.compile(_PRO["procedure"])
_PRO_FOR_PERSON = re.compile(_PRO["for_person"])


def professional_inquiry(f: str) -> bool:
    """A professional or an organisation asks how the clinic works, for no one in particular
    (folded text): "I'm a school nurse... can I refer directly?", "Our EAP is looking for a
    partner clinic". Not when a person it is about is named, nor care for the writer."""
    return bool(PROFESSIONAL_ASKER.search(f) and _PRO_PROCEDURE.search(f)
                and not _PRO_FOR_PERSON.search(f))
# Scripts without spaces between words: a name is found inside a run of characters.
_UNSPACED = {name: re.compile("|".join(f"(?:{p})" for p in pats))
             for name, pats in _CFG.get("unspaced", {}).items()}

_NOT_FOR_CARE = compile_phrases(_CFG["not_for_care"]["patterns"])
_PRO_MORE_ASKER = re.compile(_CFG["professional_more"]["asker"])
_PRO_MORE_PROCEDURE = re.compile(_CFG["professional_more"]["procedure"])


def _not_for_care(f: str) -> bool:
    """A message about treatments that asks none for a person: a job, a sale, a class, a
    story, an insurer's paperwork, or a professional asking how the clinic works (the
    `[professional]` rule with more ways to say who asks and what)."""
    if _NOT_FOR_CARE.search(f):
        return True
    return bool((PROFESSIONAL_ASKER.search(f) or _PRO_MORE_ASKER.search(f))
                and (_PRO_PROCEDURE.search(f) or _PRO_MORE_PROCEDURE.search(f))
                and not _PRO_FOR_PERSON.search(f))


_CARRY_ON = re.compile(_HIST["carry_on"])
_PAST_HEADING = re.compile(_HIST["past_heading"])
_WISH_DENIED = re.compile(r"\b(?:not|dont|do not|never|no longer|without)\s+$")
_WISH_TO_STOP = re.compile(r"\s+(?:to\s+)?(?:stop|quit|come off|get off|taper off)\b")
_REPLACE = _CFG["replacement"]
_REPLACEMENT = {
    name: re.compile(_REPLACE["owner"] + _REPLACE[name] + r"\b" + _REPLACE["leaving"])
    for name in ("therapy", "medication_management")
}
_CURRENT_BEFORE = re.compile(_CFG["current_care"]["before"])
_CURRENT_AFTER = re.compile(_CFG["current_care"]["after"])
_MEDICATION_CONTEXT = re.compile(_CFG["medication_context"]["before"])
_PRESCRIBER_BEFORE = re.compile(_CFG["medication_context"]["prescriber_before"])
_PRESCRIBING = re.compile(r"prescri|recet")
_WEAK_MM = re.compile(_CFG["medication_context"]["weak"])
_INSTEAD = re.compile(_REPLACE["instead"])
_PROCEDURES = frozenset({"spravato", "tms", "ketamine"})
_COUNT_BEFORE = re.compile(_CFG["medication_context"]["count"])
_PAST_LIST = re.compile(_HIST["past_list"])
_SERVICE = _CFG["service_request"]
_SERVICE_REQUEST = re.compile(_SERVICE["ask"] + _SERVICE["service"])
_OURS = re.compile(_SERVICE["ours"])
_SOMEONE_ELSE = re.compile(r"\b(?:a|my|her|his|our) (?:friend|coworker|colleague|sister|brother|cousin|neighbou?r|aunt|uncle|mom|dad|mother|father)\s+$")
_YOUR_CLINICIAN = re.compile(r"\b(?:your|any of your|one of your)\s+$")
_STOPPED_BEFORE = re.compile(_HIST["stopped_before"])
_ORG = _CFG["organisation"]
_NOT_A_NAME = frozenset(_ORG["not_a_name"])
_AFTER_NAME = re.compile(_ORG["after_name"], re.IGNORECASE)
_PREVIOUS_WORD = re.compile(r"([A-Z][\w&'’-]*)[ \t]+$")


def _names_an_organisation(folded: Folded, start: int, end: int) -> bool:
    """Whether the service word at folded ``[start, end)`` ends an organisation's name, as
    written: capitalised right after another capitalised word ("Harbor Counseling",
    "Westside Psychiatry Associates"), or followed by "Associates", "Center", "Group"..."""
    a, b = folded.span(start, end)
    text = folded.text
    if not text[a:a + 1].isupper():
        return False
    if _AFTER_NAME.match(text[b:b + 40]):
        return True
    prev = _PREVIOUS_WORD.search(text, max(0, a - 40), a)
    return bool(prev and prev.group(1).lower().strip("'’") not in _NOT_A_NAME)


def _current_care(f: str, start: int, end: int, s: int, e: int) -> bool:
    """Therapy the person already has elsewhere, named beside what they ask for."""
    return bool(_CURRENT_BEFORE.search(f[max(s, start - 40):start])
                or _CURRENT_AFTER.match(f[end:min(e, end + 60)]))


# A name spelled letter by letter, as voicemail transcripts write acronyms: "t m s", "T.M.S.".
_SPELLED = re.compile(r"(?<![\w.])[a-z](?:(?:\. ?|[ .])[a-z]){2,}(?![\w])")


def _join_spelled(m: re.Match[str]) -> str:
    word = m.group(0).replace(" ", "").replace(".", "")
    return word + " " * (len(m.group(0)) - len(word))  # same length: offsets stay


def _nearest(mentions: list[tuple[int, int, str]], s: int, e: int, a: int, b: int) -> str | None:
    """The treatment named nearest the words ``[a, b)`` inside ``[s, e)``."""
    best: str | None = None
    gap = 10**9
    for ms, me, name in mentions:
        if ms < s or me > e:
            continue
        d = a - me if me <= a else ms - b if ms >= b else 0
        if d < gap:
            best, gap = name, d
    return best


def _asks_again(f: str, s: int, e: int, name: str,
                mentions: list[tuple[int, int, str]]) -> bool:
    """Whether the sentence ``f[s:e]`` asks again for ``name``, had before: a wish ("want",
    "now", "again") whose nearest treatment is that one ("I've done TMS twice and I'd like to
    try Spravato now" asks for Spravato only; "terminé mis sesiones de ketamina..., ahora solo
    quiero seguir con terapia" for therapy), not denied ("not wanting to be alive") and not a
    wish to stop."""
    for m in _AGAIN.finditer(f, s, e):
        if _WISH_DENIED.search(f, max(s, m.start() - 12), m.start()):
            continue
        if _WISH_TO_STOP.match(f, m.end(), min(e, m.end() + 20)):
            continue
        if _nearest(mentions, s, e, m.start(), m.end()) == name:
            return True
    return False


def _carried_on(f: str, name: str, mentions: list[tuple[int, int, str]]) -> bool:
    """Whether a later sentence asks to carry on ``name``, the treatment named last before it
    and not followed in its own sentence by another one."""
    first = min((ms for ms, _me, n in mentions if n == name), default=None)
    if first is None:
        return False
    for m in _CARRY_ON.finditer(f, first):
        if _WISH_DENIED.search(f, max(0, m.start() - 12), m.start()):
            continue
        before = [(ms, n) for ms, me, n in mentions if me <= m.start()]
        if not before or max(before)[1] != name:
            continue
        s, e = _clause_bounds(f, m.start(), m.end())
        after = [n for ms, _me, n in mentions if m.end() <= ms < e]
        if all(n == name for n in after):
            return True
    return False


def read_treatments(folded: Folded) -> TreatmentReading:
    f = folded.folded
    if _SPELLED.search(f):
        f = _SPELLED.sub(_join_spelled, f)
    interest: set[str] = set()
    history: set[str] = set()
    others: list[str] = []
    taken: list[tuple[int, int]] = []
    # (professional_inquiry(f) is not asked: whenever it holds, _not_for_care(f) holds too)
    if _AUDIENCE.search(f) or _not_for_care(f):
        return TreatmentReading(frozenset(), frozenset(), ())
    named = _services_named(f)
    for name, rx in _OTHER_RX.items():
        if name not in named:
            continue  # no match anywhere: its scan of the whole message finds nothing
        for m in rx.finditer(f):
            s, _e = _clause_bounds(f, m.start(), m.end())
            before = f[max(s, m.start() - 60) : m.start()]
            if (_NEG.search(before) or _PAST_BEFORE.search(before)
                    or _NEG_AFTER.match(f[m.end():min(_e, m.end() + 40)])
                    or _PAST_AFTER.match(f[m.end():min(_e, m.end() + 60)])
                    or _PAST_LIST.search(f[max(0, m.start() - 100):m.start()])):
                continue
            if _COMPARE.search(f[max(s, m.start() - 30) : m.start()]):
                continue
            taken.append((m.start(), m.end()))
            if name not in others:
                others.append(name)
    for m in _SERVICE_REQUEST.finditer(f):
        service = m.group(1).strip()
        if _OURS.search(service) or any(a < m.end(1) and m.start(1) < b for a, b in taken):
            continue
        taken.append((m.start(1), m.end(1)))
        if service not in others:
            others.append(service)
    matches = [m for m in _ALL.matches(f)  # overlapping: "nasal spray ketamine"
               if not (taken and any(a <= m.start() < b for a, b in taken))]
    # "es ketamine", "ask ketamine" (a voicemail's esketamine): the ketamine inside a Spravato
    # name is Spravato's.
    spravato = [(m.start(), m.end()) for m in matches if m.lastgroup == "spravato"]
    if spravato:
        matches = [m for m in matches if m.lastgroup != "ketamine" or not any(
            a <= m.start() and m.end() <= b and (a, b) != m.span() for a, b in spravato)]
    mentions = [(m.start(), m.end(), m.lastgroup or "") for m in matches]
    strong_mm = False  # medication management asked by more than where care goes
    for m in matches:
        name = m.lastgroup or ""
        if name in interest:
            continue
        s, e = _clause_bounds(f, m.start(), m.end())
        if not _accept(name, f, m, s, e):
            continue
        if name in ("therapy", "medication_management") and _names_an_organisation(
                folded, m.start(), m.end()):
            continue
        before = f[max(s, m.start() - 60) : m.start()]
        if name == "therapy" and (
                _current_care(f, m.start(), m.end(), s, e)
                # "can one of your therapists do that?" after a service not offered: who would
                # give it, not talk therapy
                # "two different therapists": people seen before, counted
                or (m.group(0).endswith("s") and _COUNT_BEFORE.search(before))
                or (others and _YOUR_CLINICIAN.search(before))):
            continue
        if name == "medication_management" and (
                _MEDICATION_CONTEXT.search(before) or _COUNT_BEFORE.search(before)
                or (_PRESCRIBING.match(m.group(0)) and _PRESCRIBER_BEFORE.search(before))):
            continue
        after = f[m.end() : min(e, m.end() + 60)]
        line_start = f.rfind("\n", 0, m.start()) + 1
        past = _PAST_BEFORE.search(before)
        if past and _SOMEONE_ELSE.search(before, 0, past.start()):
            past = None  # "a friend did TMS": not the writer's history
        if (past or _PAST_AFTER.match(after) or _STOPPED_BEFORE.search(before)
                or _PAST_LIST.search(f[max(0, m.start() - 100):m.start()])
                or _PAST_HEADING.match(f, max(0, line_start - 1))):
            history.add(name)
            if _asks_again(f, s, e, name, mentions) or _carried_on(f, name, mentions):
                interest.add(name)
        else:
            interest.add(name)
        if name == "medication_management" and name in interest:
            strong_mm = strong_mm or not _WEAK_MM.match(m.group(0))
    if "medication_management" in interest and not strong_mm and interest & _PROCEDURES:
        interest.discard("medication_management")
    if not interest & _PROCEDURES:  # "do you do Spravato? my psychiatrist moved" asks Spravato
        for name, rx in _REPLACEMENT.items():
            m = rx.search(f) if name not in interest else None
            if m and _INSTEAD.search(f, m.end(), m.end() + 150):
                interest.add(name)
    if not f.isascii():
        interest.update(name for name, rx in _UNSPACED.items() if rx.search(f))
    if others:
        interest.add("other")
    return TreatmentReading(frozenset(interest), frozenset(history - interest), tuple(others))


def treatments_from_labels(values: Iterable[object] | None) -> frozenset[str]:
    """Map raw form values ("Spravato (esketamine)", "TMS Therapy", "Not sure") to treatments."""
    found: set[str] = set()
    if values is None:
        return frozenset()
    if isinstance(values, str):
        values = [values]
    for v in values:
        if v is None:
            continue
        text = str(v)
        if text.strip():
            found |= _treatments_of_label(text)
    return frozenset(found)


@lru_cache(maxsize=4096)
def _treatments_of_label(text: str) -> frozenset[str]:
    # A form's treatment field has a handful of distinct values ("Spravato, TMS"): an import
    # of many rows maps each of them once.
    folded = Folded(text)
    found = treatments_in(folded)
    for name, rx in _LABEL_RX.items():
        if rx.search(folded.folded):
            found.add(name)
    return frozenset(found)
