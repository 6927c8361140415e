"""Figures for the labelled message sets in zoelife/triage/data/examples (shared by the tests and conftest).

The sets were written before the detector, then a random third of each was frozen with
``random.Random(20261126).sample(range(n), n // 3)`` (the ``frozen`` field).  Frozen messages are
never edited to make a test pass; docs/triage.md reports all and frozen figures separately.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from zoelife.triage import assess
from zoelife.triage.learned import EXAMPLES as DATA
from zoelife.triage.learned import TRIAL_ROUNDS  # noqa: F401 - declared there, scored here


@cache
def golden_record(a) -> dict:
    """Every field of an assessment, in a stable form: what `bench/triage_speed.py` digests and
    writes to tests/triage/golden/assessments.jsonl, and what the golden test compares."""
    return {
        "crisis": a.crisis,
        "evidence": [[e.start, e.end, e.category, e.level] for e in a.crisis_evidence],
        "treatments": sorted(a.treatments),
        "treatment_history": sorted(a.treatment_history),
        "other_services": list(a.other_services),
        "language": a.language,
        "language_code": a.language_code,
    }


def assess_by_rules(text: str):
    """`assess` with the learned net switched off (thresholds no probability reaches): what
    the fields, rules, context and safety net alone make of `text`."""
    from zoelife.triage import learned

    saved = learned.REVIEW_AT, learned.URGENT_AT
    learned.REVIEW_AT = learned.URGENT_AT = 2.0
    try:
        return assess(text)
    finally:
        learned.REVIEW_AT, learned.URGENT_AT = saved


def load(name: str) -> tuple[dict, ...]:
    with (DATA / name).open(encoding="utf-8") as fh:
        return tuple(json.loads(line) for line in fh if line.strip())


@dataclass(frozen=True)
class CrisisFigures:
    n: int
    urgent: int
    urgent_hit: int
    none: int
    none_flagged: int
    flagged: int
    flagged_to_none: int
    exact: int
    misses: tuple[str, ...]  # ids of urgent messages not marked urgent
    flagged_none_ids: tuple[str, ...]  # ids of review/urgent messages marked none
    false_flag_ids: tuple[str, ...]  # ids of none messages marked review/urgent

    @property
    def urgent_recall(self) -> float:
        return self.urgent_hit / self.urgent if self.urgent else 1.0

    @property
    def none_flag_rate(self) -> float:
        return self.none_flagged / self.none if self.none else 0.0

    def line(self, label: str) -> str:
        return (
            f"{label:<7} n={self.n:<4} urgent recall {self.urgent_hit}/{self.urgent} "
            f"({self.urgent_recall:.1%})  review/urgent->none {self.flagged_to_none}  "
            f"none flagged {self.none_flagged}/{self.none} ({self.none_flag_rate:.1%})  "
            f"exact level {self.exact}/{self.n} ({self.exact / self.n:.1%})"
        )


def crisis_figures(frozen_only: bool = False) -> CrisisFigures:
    rows = [r for r in load("crisis_messages.jsonl") if r["frozen"] or not frozen_only]
    urgent = urgent_hit = none = none_flagged = flagged = to_none = exact = 0
    misses: list[str] = []
    to_none_ids: list[str] = []
    false_ids: list[str] = []
    for r in rows:
        got = assess(r["text"]).crisis
        exact += got == r["label"]
        if r["label"] == "urgent":
            urgent += 1
            if got == "urgent":
                urgent_hit += 1
            else:
                misses.append(r["id"])
        if r["label"] == "none":
            none += 1
            if got != "none":
                none_flagged += 1
                false_ids.append(r["id"])
        else:
            flagged += 1
            if got == "none":
                to_none += 1
                to_none_ids.append(r["id"])
    return CrisisFigures(
        len(rows),
        urgent,
        urgent_hit,
        none,
        none_flagged,
        flagged,
        to_none,
        exact,
        tuple(misses),
        tuple(to_none_ids),
        tuple(false_ids),
    )


@dataclass(frozen=True)
class TreatmentFigures:
    n: int
    exact: int
    wrong_ids: tuple[str, ...]

    @property
    def accuracy(self) -> float:
        return self.exact / self.n if self.n else 1.0

    def line(self, label: str) -> str:
        return f"{label:<7} n={self.n:<4} exact-set accuracy {self.exact}/{self.n} ({self.accuracy:.1%})"


def treatment_figures(frozen_only: bool = False) -> TreatmentFigures:
    rows = [r for r in load("treatment_messages.jsonl") if r["frozen"] or not frozen_only]
    wrong = [r["id"] for r in rows if sorted(assess(r["text"]).treatments) != r["expected"]]
    return TreatmentFigures(len(rows), len(rows) - len(wrong), tuple(wrong))


#: Blind probe rounds (zoelife/triage/data/examples/blind_round*.jsonl), written by people who never saw the
#: detector. Each was measured once before any fix it prompted; docs/triage.md records those
#: figures. Fields: id, text, crisis, category, treatments, treatment_history, other_services,
#: language, channel.
BLIND_ROUNDS = ("blind_round1.jsonl", "blind_round2.jsonl", "blind_round3.jsonl",
                "blind_round4.jsonl", "blind_round5.jsonl", "blind_round6.jsonl",
                "blind_round7.jsonl", "blind_round8.jsonl", "blind_round9.jsonl",
                "blind_round10.jsonl", "blind_round11.jsonl", "blind_round12.jsonl",
                "blind_round13.jsonl", "blind_round14.jsonl", "blind_round15.jsonl",
                "blind_round16.jsonl")

#: Blind rounds scored and held at their floors but not yet learned by the net (kept with the
#: tests, outside data/examples/, so neither the net nor the golden file reads them): round 17,
#: measured on this stop's design before any fix it prompted (docs/triage.md, "Round 17").
BLIND_ROUNDS_HELD_OUT = (str(Path(__file__).parent / "data" / "blind_round17.jsonl"),)


@dataclass(frozen=True)
class BlindFigures:
    n: int
    urgent: int
    urgent_hit: int
    flagged: int
    to_none_ids: tuple[str, ...]  # labelled urgent/review, assessed none: the safety property
    none: int
    none_flagged: int
    review: int
    raised_ids: tuple[str, ...]  # labelled review, assessed urgent
    treatment_exact: int
    other_language: int  # labelled in another language
    other_language_read: int  # ... and at least review
    # Labelled review only because the detector did not read their language (their writers'
    # rule, DESIGN.md's for unread languages), assessed urgent now that it reads it: by content
    # they are urgent, so they are counted apart from the raised reviews.
    read_now_ids: tuple[str, ...] = ()

    def line(self, label: str) -> str:
        return (
            f"{label:<7} n={self.n:<4} urgent {self.urgent_hit}/{self.urgent} "
            f"({self.urgent_hit / self.urgent:.1%})  review/urgent->none "
            f"{len(self.to_none_ids)}/{self.flagged}  none flagged {self.none_flagged}/{self.none} "
            f"({self.none_flagged / self.none:.1%})  review raised {len(self.raised_ids)}/"
            f"{self.review} ({len(self.raised_ids) / self.review:.1%})  treatments exact "
            f"{self.treatment_exact}/{self.n} ({self.treatment_exact / self.n:.1%})"
            + (f"  (+{len(self.read_now_ids)} labelled review for an unread language, read "
               "now: urgent)" if self.read_now_ids else "")
        )


#: Messages in another language labelled `review` whose writer's category does not say "unread
#: language" but whose content is, by DESIGN.md's crisis rules, urgent: written when nobody read
#: their language, so `review` was the writer's rule for it, not a reading of what they say.
#: Each is listed with that reason; tests/triage/test_blind_rounds.py checks that every id is a
#: `review` row in another language whose category names its language. Only the category and
#: the rule are read here, never the message's words; an id is added only when its category
#: names current risk by DESIGN.md (a denial, a dated history, a question, a harmless message
#: are `review` or `none` by content and never belong here).
LABELLED_REVIEW_FOR_AN_UNREAD_LANGUAGE: dict[str, str] = {
    "r7-002": "Tagalog, unread when round 7 was written; category 'passive wish not to wake': "
              "a passive wish now is urgent",
    "r7-045": "Polish, unread when round 7 was written; category 'spouse reports burden "
              "statements and giving things away': another person reported in that state, "
              "with preparation, is urgent",
    "r7-154": "Portuguese, unread when round 7 was written; category 'parent reports son's "
              "suicidal statement': another person reported in that state is urgent",
}


def labelled_for_an_unread_language(row: dict) -> bool:
    """The writer gave `review` by the rule for languages nobody reads, not by content: said by
    the category (rounds 1-5, 11) or listed in LABELLED_REVIEW_FOR_AN_UNREAD_LANGUAGE."""
    if row["language"] in ("en", "es"):
        return False
    category = row.get("category", "").lower().replace("-", "_")
    return (category in ("non_en_es", "other_language") or "unread language" in category
            or row["id"] in LABELLED_REVIEW_FOR_AN_UNREAD_LANGUAGE)


@cache
def blind_figures(name: str) -> BlindFigures:
    rows = load(name)
    urgent = hit = flagged = none = none_flagged = review = exact = other = other_read = 0
    to_none: list[str] = []
    raised: list[str] = []
    read_now: list[str] = []
    for r in rows:
        a = assess(r["text"])
        label, got = r["crisis"], a.crisis
        if label == "urgent":
            urgent += 1
            hit += got == "urgent"
        if label == "review":
            review += 1
            if got == "urgent":
                (read_now if labelled_for_an_unread_language(r) else raised).append(r["id"])
        if label == "none":
            none += 1
            none_flagged += got != "none"
        else:
            flagged += 1
            if got == "none":
                to_none.append(r["id"])
        if r["language"] not in ("en", "es"):
            other += 1
            other_read += got != "none"
        exact += sorted(a.treatments) == sorted(r["treatments"])
    return BlindFigures(len(rows), urgent, hit, flagged, tuple(to_none), none, none_flagged,
                        review, tuple(raised), exact, other, other_read, tuple(read_now))


def summary_lines() -> list[str]:
    return [
        "crisis level (zoelife/triage/data/examples/crisis_messages.jsonl):",
        "  " + crisis_figures().line("all"),
        "  " + crisis_figures(frozen_only=True).line("frozen"),
        "treatment interest (zoelife/triage/data/examples/treatment_messages.jsonl):",
        "  " + treatment_figures().line("all"),
        "  " + treatment_figures(frozen_only=True).line("frozen"),
        "blind probe rounds (zoelife/triage/data/examples/blind_round*.jsonl; before-fix figures in "
        "docs/triage.md):",
        *(f"  {blind_figures(name).line(f'round{i}')}" for i, name in enumerate(BLIND_ROUNDS, 1)),
        "  held out of the net's training (tests/triage/data; docs/triage.md, round 17):",
        *(f"  {blind_figures(path).line(Path(path).stem.removeprefix('blind_'))}"
          for path in BLIND_ROUNDS_HELD_OUT),
        "medication trials (zoelife/triage/data/examples/trials_round*.jsonl; before-fix figures "
        "in docs/coverage.md):",
        *(f"  {trial_figures(name).line(name.removesuffix('.jsonl'))}" for name in TRIAL_ROUNDS),
        "  held out of the net's training (tests/triage/data; docs/coverage.md, rounds 10-12):",
        *(f"  {trial_figures(str(path)).line(path.stem)}" for path in TRIAL_ROUNDS_HELD_OUT),
        "psychotherapy (tests/triage/data/psychotherapy_set.jsonl, written with the extractor, "
        "not blind; docs/coverage.md):",
        "  " + psychotherapy_figures().line(),
    ]


@dataclass(frozen=True)
class PsychotherapyFigures:
    n: int
    detected: int  # messages where "had psychotherapy or not" is right
    had: int  # messages labelled as having had psychotherapy and found
    kinds: int  # ... with exactly the labelled kinds
    weeks: int
    since: int

    def line(self) -> str:
        return (f"n={self.n}  had or not right {self.detected}/{self.n} "
                f"({self.detected / self.n:.1%})  of {self.had} found: kinds {self.kinds}, "
                f"weeks {self.weeks}, since {self.since}")


def psychotherapy_figures() -> PsychotherapyFigures:
    from zoelife.triage.psychotherapy import psychotherapy_in

    # Kept with the tests, not in zoelife/triage/data/examples: written with the extractor, it
    # is a regression set, not a labelled set the golden file or the learned net read.
    path = Path(__file__).parent / "data" / "psychotherapy_set.jsonl"
    with path.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    detected = had = kinds = weeks = since = 0
    for r in rows:
        got = psychotherapy_in(r["text"])
        detected += (got is not None) == r["psychotherapy"]
        if got is not None and r["psychotherapy"]:
            had += 1
            kinds += sorted(got.kinds) == sorted(r["kinds"])
            weeks += got.weeks == r["weeks"]
            since += got.since_year == r["since_year"]
    return PsychotherapyFigures(len(rows), detected, had, kinds, weeks, since)


#: Trial rounds scored like the others but kept out of the net's training: round 10's blind
#: crisis levels (trials_round10_crisis.jsonl beside it) would make the net raise two more
#: ordinary hurries to urgent (docs/coverage.md, "Round 10"), so it waits there until the net can
#: learn it without that. Rounds 11 and 12 have no crisis levels yet (a person reads each message for one
#: before the net may learn it).
TRIAL_ROUNDS_HELD_OUT = (Path(__file__).parent / "data" / "trials_round10.jsonl",
                         Path(__file__).parent / "data" / "trials_round11.jsonl",
                         Path(__file__).parent / "data" / "trials_round12.jsonl")


#: Medication-trial rounds (zoelife/triage/data/examples/trials_round*.jsonl), written by
#: helpers who never saw the extractor; before-fix figures in docs/coverage.md. Fields: id,
#: text, language, trials (drug, dose_mg, weeks, response), kind.
#: TRIAL_ROUNDS is declared once, in zoelife.triage.learned (imported above): a trial round
#: also trains the net's urgent model with the crisis level a person gave each message
#: (data/trial_rounds_crisis.jsonl).


@dataclass(frozen=True)
class TrialFigures:
    n: int
    exact_sets: int  # messages whose set of drugs is exactly the labelled one
    every_field: int  # ... and every trial's dose, weeks and response too
    found: int  # labelled trials whose drug was found
    dose: int
    weeks: int
    response: int

    def line(self, label: str) -> str:
        return (f"{label:<14} n={self.n:<4} exact drug sets {self.exact_sets}/{self.n} "
                f"({self.exact_sets / self.n:.1%})  every field {self.every_field}/{self.n}  "
                f"of trials found: dose {self.dose}/{self.found}, weeks {self.weeks}/{self.found}, "
                f"response {self.response}/{self.found}")


@cache
def trial_figures(name: str) -> TrialFigures:
    from zoelife.triage.trials import extract_trials

    exact = every = found = dose = weeks = response = 0
    rows = load(name)
    for row in rows:
        got = {t.drug: t.as_json() for t in extract_trials(row["text"])}
        # Round 4's writer gave weeks as days / 7 to two decimals ("3 months": 13.04); the
        # extractor gives whole weeks, so a label is compared rounded (rounds 1-3 are whole).
        wanted = {t["drug"]: {**t, "weeks": None if t["weeks"] is None else round(t["weeks"])}
                  for t in row["trials"]}
        same = set(got) == set(wanted)
        exact += same
        every += same and all(got[d] == t for d, t in wanted.items())
        for drug, t in wanted.items():
            if drug in got:
                found += 1
                dose += got[drug]["dose_mg"] == t["dose_mg"]
                weeks += got[drug]["weeks"] == t["weeks"]
                response += got[drug]["response"] == t["response"]
    return TrialFigures(len(rows), exact, every, found, dose, weeks, response)
