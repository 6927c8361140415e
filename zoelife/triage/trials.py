"""Medication trials from the person's own words: what a prior authorization asks for.

A payer approving TMS or Spravato wants the antidepressant trials behind the request: which
drugs, at what dose, for how long, and how they went. People write that history in their first
message ("tried Zoloft 100 mg for 3 months, then Lexapro, Wellbutrin didn't help"; a referral's
"failed sertraline 200 x 12 wks"). This module suggests those trials with the words they came
from; staff confirm each one before it counts for anything.

How it reads (docs/triage.md, "Medication trials"):

* **Drugs** come from `data/drugs.toml` (US generic names, brands, Spanish and Portuguese
  names, the literature's abbreviations). A word close to a name, as written or vowel-blind, is
  read as that drug (rapidfuzz), unless it is an ordinary English, Spanish, Portuguese or
  French word (simplemma's dictionaries), so "zolft" is sertraline and "ability" is not aripiprazole;
  ordinary words a voicemail transcript made of a name ("Sarah quell") are read by how they
  sound (Metaphone) where a medicine is talked of.
  Gabapentin, pregabalin, clonidine and pramipexole count only when taken for a psychiatric
  reason.
* **Numbers written in words** ("fifty milligrams", "tres meses") become digits first
  (text2num), then a dose is a number with mg beside the drug, a duration a number of days,
  weeks, months or years.
* **Only the person's own trials.** A drug asked about, planned, refused or someone else's is
  not a trial (a plan or refusal is about the drug its words lead to or follow, not the whole
  sentence), nor is a name taken back ("I wrote Paxil but I meant Prozac"); ketamine and esketamine count only when the words say they were received (they
  are what many people ask the clinic for, "calling about ketamine").

Pure and deterministic: no database, no network, no logging of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zoelife.triage.drug_mentions import SENTENCE_END, Mention, clause_bounds, find_mentions
from zoelife.triage.taken_back import disowned
from zoelife.triage.trial_doses import dose_said
from zoelife.triage.trial_durations import EACH_FOR, duration_said, started_ago, weeks_of
from zoelife.triage.trial_numbers import in_digits
from zoelife.triage.trial_owner import is_own_trial
from zoelife.triage.trial_patient import who_is_patient
from zoelife.triage.trial_reasons import FOR_BODY, FOR_MIND, indication_said
from zoelife.triage.trial_responses import ALL_OF_THEM, ONLY_ONE, response_said

from ._text import Folded

RESPONSES = ("no_response", "partial", "side_effects", "worked")


@dataclass(frozen=True)
class Trial:
    drug: str  # lower-case US generic name; a combination as its generics joined by "-"
    drug_class: str
    dose_mg: float | None
    weeks: int | None
    response: str | None  # one of RESPONSES
    spans: tuple[tuple[int, int], ...]  # where the drug is named in the original text

    @property
    def response_words(self) -> str:
        """The response as staff read it: "no response", "side effects", or ""."""
        return (self.response or "").replace("_", " ")

    def as_json(self) -> dict:
        dose = self.dose_mg
        if dose is not None and dose == int(dose):
            dose = int(dose)
        return {"drug": self.drug, "dose_mg": dose, "weeks": self.weeks,
                "response": self.response}


_CURRENT = re.compile(r"\b(?:currently|now|still|actualmente|ahora|todavia|sigo)\b")


# An augmentation named with the drug it was added to, its length and response said after
# that: "Abilify 2mg added to Cymbalta, 4 weeks: no change", "Wellbutrin 150 agregado al
# Lexapro, 4 semanas, nada", "abilify 5 with the cymbalta (4 wks, nothing)".
_ADDED_TO = re.compile(r"[\s\d.,]*(?:mg|mgs)?\s*(?:was |were )?(?:added to|agregad[oa] al?|anadid[oa] al?|"
                       r"with|con|on top of|plus|alongside)\s*(?:(?:the|my|el|la|mi|her|his)\s+)?")


def _scope(folded: str, mentions: list[Mention], i: int) -> str:
    """What is said of mention i: from it to the next drug named, within its sentence, and the
    next sentence too when that one names no drug ("I was on Lexapro for a year. It never did
    much.")."""
    m = mentions[i]
    following = mentions[i + 1].start if i + 1 < len(mentions) else len(folded)
    end = min(following, m.sentence[1])
    if following > m.sentence[1]:
        after_sentence = clause_bounds(folded[m.sentence[1]:], SENTENCE_END)
        if after_sentence:
            next_end = m.sentence[1] + after_sentence[0][1]
            if next_end <= following:
                end = next_end
    return folded[m.end:end]


def _said_of_all(folded: str, mentions: list[Mention], i: int, in_clause: list[Mention],
                 clause_text: str) -> str | None:
    """A response said once for a list: "tried Zoloft, Prozac and Lexapro, none of them
    helped", "...fluoxetine, paroxetine and desvenlafaxine, none with a meaningful response",
    "Meds tried: Lexapro, Zoloft. None of them worked."."""
    m, last = mentions[i], in_clause[-1]
    end = m.clause[1]
    if end >= m.sentence[1]:  # the next sentence too, when it names no drug
        end = max(end, last.end + len(_scope(folded, mentions, mentions.index(last))))
    cue = ALL_OF_THEM.search(folded, m.end, end)
    if cue is None:
        if not ALL_OF_THEM.search(clause_text[:in_clause[0].start - m.clause[0]]):
            return None
        return response_said(folded[last.end:end])
    stop = next((o.start for o in mentions if o.start >= cue.end()), end)
    return response_said(folded[cue.start():min(stop, end) if stop > cue.start() else end])


def extract_trials(text: str | None) -> list[Trial]:
    """The psychiatric medication trials `text` describes, in the order first named."""
    if not text or not isinstance(text, str) or not text.strip():
        return []
    f = Folded(text)
    folded = f.folded
    mentions = find_mentions(f)
    if not mentions:
        return []
    patient = who_is_patient(folded, mentions[0].start, tuple(m.start for m in mentions))
    merged: dict[str, dict] = {}
    taken_back = disowned(folded, mentions)
    said = {m.drug.generic for i, m in enumerate(mentions)
            if m.drug.indication_said and indication_said(_scope(folded, mentions, i)[:m.sentence[1] - m.end])}
    unsaid = {m.drug.generic for m in mentions if m.drug.indication_said} - said
    for i, m in enumerate(mentions):
        if m.drug.generic in taken_back or not is_own_trial(folded, m, patient, mentions):
            continue
        scope = _scope(folded, mentions, i)
        in_clause = [o for o in mentions if o.clause == m.clause]
        previous_end = mentions[i - 1].end if i and mentions[i - 1].clause == m.clause else m.clause[0]
        before = folded[previous_end:m.start]
        if m.drug.only_for_mind:
            reason = before + " " + scope[:m.sentence[1] - m.end]
            mind, body = FOR_MIND.search(reason), FOR_BODY.search(reason, len(before))
            if not mind or (body and body.start() < mind.start()):
                continue
        # Its reason said at any of its mentions counts for all ("Tomo hidroxicina 25 para la
        # ansiedad ... La hidroxicina me calma un poco": how it went is said at the second).
        if m.drug.generic in unsaid:
            continue
        dose = dose_said(scope[:80], before[-40:])
        # A duration belongs to the drug when it follows it ("sertraline for 3 months") or,
        # with one drug in the clause, anywhere in the clause ("3 months of sertraline").
        alone = len(in_clause) == 1
        duration = duration_said(in_digits(scope if not alone else
                                     folded[m.clause[0]:m.start] + " . " + scope)) \
            or started_ago(in_digits(scope if not alone else folded[m.clause[0]:m.end] + scope))
        response = response_said(scope)
        if i + 1 < len(mentions) and any(o.drug == mentions[i + 1].drug for o in mentions[:i]) \
                and _ADDED_TO.fullmatch(folded[m.end:mentions[i + 1].start]):
            added_to = _scope(folded, mentions, i + 1)
            duration = duration or duration_said(in_digits(added_to))
            response = response or response_said(added_to)
        clause_text = folded[m.clause[0]:m.clause[1]]
        if response is None and len(in_clause) > 1:
            response = _said_of_all(folded, mentions, i, in_clause, clause_text)
        if response is None and not _CURRENT.search(before):
            # "failed sertraline 200, escitalopram 20": a cue before a list covers the list,
            # up to a drug taken now ("..., currently on bupropion").
            response = response_said(folded[m.clause[0]:in_clause[0].start])
        entry = merged.setdefault(m.drug.generic, {"drug": m.drug, "dose": None, "weeks": None,
                                                   "response": None, "spans": []})
        entry["spans"].append(f.span(m.start, m.end))
        if dose is not None:
            entry["dose"] = max(dose, entry["dose"] or 0)
        if duration and entry["weeks"] is None:
            entry["weeks"] = weeks_of(duration)
        if response and entry["response"] is None:
            entry["response"] = response
    for cue in EACH_FOR.finditer(folded):
        said = duration_said(in_digits(folded[cue.end():cue.end() + 30]))
        if said is None or said.start() > 0:
            continue
        for m in mentions:
            entry = merged.get(m.drug.generic)
            if entry and entry["weeks"] is None and m.sentence[0] <= cue.start() < m.sentence[1] \
                    and m.end <= cue.start():
                entry["weeks"] = weeks_of(said)
    only = ONLY_ONE.search(folded)
    named_before = [m for m in mentions if only and m.end <= only.start()]
    if named_before and named_before[-1].sentence[0] <= only.start() < named_before[-1].sentence[1]:
        for m in named_before[:-1]:
            entry = merged.get(m.drug.generic)
            if entry and entry["response"] is None and m.drug != named_before[-1].drug:
                entry["response"] = "no_response"
    return [Trial(e["drug"].generic, e["drug"].drug_class, e["dose"], e["weeks"], e["response"],
                  tuple(e["spans"])) for e in merged.values()]
