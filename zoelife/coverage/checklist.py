"""A payer's prior-authorization criteria, as data, and the checklist they make of the evidence
staff confirmed: what is met, what is missing. Pure functions, no database.

Criteria (one JSON object per payer and treatment, edited by the admin):

- `trials_needed`: adequate medication trials needed (0: none);
- `classes`: drug classes a trial must belong to to count (empty: any class);
- `distinct_classes`: how many different classes those trials must span (0: no rule);
- `min_weeks`: weeks a trial must have lasted to be adequate;
- `min_dose_mg`: `{drug: mg}`, the least daily dose that is adequate; a drug not listed counts
  when staff marked its dose adequate;
- `psychotherapy`: a psychotherapy trial is needed;
- `score`: `{"instrument": "phq9", "min": 15}` a recent score at or above `min`;
- reminder thresholds: `records_days` (records still missing), `decision_days` (payer decision
  overdue), `expiring_days` (authorization ends soon), `units_left` (sessions nearly used up).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DEFAULT_THRESHOLDS = {"records_days": 7, "decision_days": 7, "expiring_days": 14,
                      "units_left": 6}
# The keys a payer's criteria may hold (anything else is ignored by `Criteria.from_data`).
CRITERIA_KEYS = ("trials_needed", "classes", "distinct_classes", "min_weeks", "min_dose_mg",
                 "psychotherapy", "score", *DEFAULT_THRESHOLDS)
INSTRUMENTS = {"phq9": "PHQ-9", "hamd": "HAM-D", "madrs": "MADRS", "gad7": "GAD-7"}


class CriteriaError(ValueError):
    """Criteria the admin entered that cannot be used; the message says which field and why."""


@dataclass(frozen=True)
class Criteria:
    trials_needed: int = 0
    classes: tuple[str, ...] = ()
    distinct_classes: int = 0
    min_weeks: int = 0
    min_dose_mg: dict[str, float] = field(default_factory=dict)
    psychotherapy: bool = False
    score_instrument: str | None = None
    score_min: int | None = None
    records_days: int = DEFAULT_THRESHOLDS["records_days"]
    decision_days: int = DEFAULT_THRESHOLDS["decision_days"]
    expiring_days: int = DEFAULT_THRESHOLDS["expiring_days"]
    units_left: int = DEFAULT_THRESHOLDS["units_left"]

    @classmethod
    def from_data(cls, data: dict[str, Any] | None) -> Criteria:
        """Read stored criteria; raises `CriteriaError` naming the first bad field."""
        data = dict(data or {})

        def count(name: str, default: int, most: int = 365) -> int:
            value = data.get(name, default)
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= most:
                raise CriteriaError(f"{name} must be a whole number from 0 to {most}.")
            return value

        classes = data.get("classes") or []
        if not isinstance(classes, list) or not all(isinstance(c, str) and c.strip()
                                                    for c in classes):
            raise CriteriaError("classes must be a list of class names.")
        doses = data.get("min_dose_mg") or {}
        if not isinstance(doses, dict) or not all(
                isinstance(k, str) and isinstance(v, int | float) and not isinstance(v, bool)
                and v > 0 for k, v in doses.items()):
            raise CriteriaError("min_dose_mg must map drug names to a dose above 0 mg.")
        score = data.get("score") or None
        instrument = score_min = None
        if score is not None:
            if (not isinstance(score, dict) or score.get("instrument") not in INSTRUMENTS
                    or isinstance(score.get("min"), bool)
                    or not isinstance(score.get("min"), int)):
                raise CriteriaError("score must name an instrument ("
                                    + ", ".join(INSTRUMENTS) + ") and a whole-number min.")
            instrument, score_min = score["instrument"], score["min"]
        psychotherapy = data.get("psychotherapy", False)
        if not isinstance(psychotherapy, bool):
            raise CriteriaError("psychotherapy must be true or false.")
        return cls(
            trials_needed=count("trials_needed", 0, 10),
            classes=tuple(c.strip().lower() for c in classes),
            distinct_classes=count("distinct_classes", 0, 10),
            min_weeks=count("min_weeks", 0, 104),
            min_dose_mg={k.strip().lower(): float(v) for k, v in doses.items()},
            psychotherapy=psychotherapy,
            score_instrument=instrument,
            score_min=score_min,
            records_days=count("records_days", DEFAULT_THRESHOLDS["records_days"]),
            decision_days=count("decision_days", DEFAULT_THRESHOLDS["decision_days"]),
            expiring_days=count("expiring_days", DEFAULT_THRESHOLDS["expiring_days"]),
            units_left=count("units_left", DEFAULT_THRESHOLDS["units_left"], 1000),
        )


@dataclass(frozen=True)
class Trial:
    """One medication trial staff confirmed (from the records, the call, or the `trials`
    extractor's suggestion)."""

    drug: str
    drug_class: str = ""
    dose_mg: float | None = None
    weeks: int | None = None
    dose_adequate: bool | None = None  # staff's judgement, for drugs the criteria do not list
    response: str = ""

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Trial:
        return cls(drug=str(data.get("drug", "")).strip().lower(),
                   drug_class=str(data.get("drug_class") or "").strip().lower(),
                   dose_mg=data.get("dose_mg"), weeks=data.get("weeks"),
                   dose_adequate=data.get("dose_adequate"),
                   response=str(data.get("response") or ""))


@dataclass(frozen=True)
class Evidence:
    trials: tuple[Trial, ...] = ()
    psychotherapy: bool = False
    scores: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_data(cls, data: dict[str, Any] | None) -> Evidence:
        data = data or {}
        return cls(trials=tuple(Trial.from_data(t) for t in data.get("trials") or []),
                   psychotherapy=bool(data.get("psychotherapy")),
                   scores={str(k): int(v) for k, v in (data.get("scores") or {}).items()
                           if isinstance(v, int | float) and not isinstance(v, bool)})


@dataclass(frozen=True)
class Item:
    key: str
    met: bool
    text: str  # what the payer asks, in the front desk's words
    missing: str  # what is still missing ("" when met): the records request lists these


def adequate(trial: Trial, criteria: Criteria) -> bool:
    """Long enough, at an adequate dose and of a class that counts."""
    if criteria.classes and trial.drug_class not in criteria.classes:
        return False
    if criteria.min_weeks and (trial.weeks is None or trial.weeks < criteria.min_weeks):
        return False
    least = criteria.min_dose_mg.get(trial.drug)
    if least is not None:
        return trial.dose_mg is not None and trial.dose_mg >= least
    return trial.dose_adequate is True or (not criteria.min_dose_mg
                                           and trial.dose_adequate is not False)


def evaluate(criteria: Criteria, evidence: Evidence) -> list[Item]:
    """The checklist: one item per rule the payer has, in a fixed order."""
    items: list[Item] = []
    good = [t for t in evidence.trials if adequate(t, criteria)]
    if criteria.trials_needed:
        what = (f"{criteria.trials_needed} adequate medication trial"
                f"{'s' if criteria.trials_needed != 1 else ''}")
        rules = []
        if criteria.min_weeks:
            rules.append(f"at least {criteria.min_weeks} weeks each")
        if criteria.classes:
            rules.append("of " + ", ".join(c.upper() for c in criteria.classes))
        if rules:
            what += " (" + "; ".join(rules) + ")"
        short = criteria.trials_needed - len(good)
        items.append(Item("trials", short <= 0, what,
                          "" if short <= 0 else
                          f"records of {short} more adequate medication trial"
                          f"{'s' if short != 1 else ''}: drug, dose, dates"))
    if criteria.distinct_classes:
        classes = {t.drug_class for t in good if t.drug_class}
        short = criteria.distinct_classes - len(classes)
        items.append(Item("classes", short <= 0,
                          f"trials from {criteria.distinct_classes} different drug classes",
                          "" if short <= 0 else
                          f"a trial from {short} more drug class{'es' if short != 1 else ''}"))
    if criteria.psychotherapy:
        items.append(Item("psychotherapy", evidence.psychotherapy, "a psychotherapy trial",
                          "" if evidence.psychotherapy else
                          "psychotherapy notes: dates and kind of therapy"))
    if criteria.score_instrument:
        name = INSTRUMENTS[criteria.score_instrument]
        got = evidence.scores.get(criteria.score_instrument)
        met = got is not None and got >= (criteria.score_min or 0)
        items.append(Item("score", met, f"a {name} score of at least {criteria.score_min}",
                          "" if met else f"a recent {name} score"))
    return items


def missing(items: list[Item]) -> list[str]:
    return [i.missing for i in items if not i.met]
