"""Front-desk eligibility pre-screen for Spravato, TMS and ketamine.

A triage aid for the front desk, NEVER a medical decision: it only sorts a request into
"likely eligible", "needs clinician review" or "likely not eligible" so staff know whom to
involve.  A clinician decides eligibility.  Pure: no database, no I/O.

The checklists are data (``CHECKLISTS``): each question has a key, plain staff wording, a kind
("yes_no" or "number"; every question also accepts "unknown") and its rules.  A rule says which
answer leads to which outcome and why.  A *group* of questions is met when ANY of its members
is met (Spravato: two failed antidepressants OR depression with suicidal thoughts).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

SCREEN_DISCLAIMER = (
    "Front-desk pre-screen to help triage. Not a clinical decision: a clinician decides "
    "eligibility."
)

SPRAVATO_REMS_STEPS: tuple[str, ...] = (
    "Before the first dose, the patient is enrolled in the Spravato REMS program.",
    "After each dose, the patient stays at the clinic for about 2 hours of monitoring.",
    "No driving or operating machinery until the next day, after a restful sleep.",
    "The patient must arrange a ride home after each treatment.",
)

LIKELY_ELIGIBLE = "likely eligible"
NEEDS_REVIEW = "needs clinician review"
LIKELY_NOT_ELIGIBLE = "likely not eligible"
RESULTS = (LIKELY_ELIGIBLE, NEEDS_REVIEW, LIKELY_NOT_ELIGIBLE)
_RANK = {LIKELY_ELIGIBLE: 0, NEEDS_REVIEW: 1, LIKELY_NOT_ELIGIBLE: 2}

UNKNOWN = "unknown"
KINDS = ("yes_no", "number")

# A condition on an answer: ("eq", True), ("lt", 18), ("ge", 2), ("between", 15, 17).
Condition = tuple


@dataclass(frozen=True)
class Rule:
    when: Condition
    outcome: str  # NEEDS_REVIEW or LIKELY_NOT_ELIGIBLE
    reason: str


@dataclass(frozen=True)
class Question:
    key: str
    text: str  # plain staff wording
    kind: str  # "yes_no" | "number"; "unknown" is always accepted
    rules: tuple[Rule, ...] = ()
    group: str | None = None  # member of a Group
    meets: Condition | None = None  # what satisfies the group


@dataclass(frozen=True)
class Group:
    name: str
    outcome: str  # when no member is met and all are answered
    reason: str


@dataclass(frozen=True)
class Checklist:
    treatment: str
    title: str
    questions: tuple[Question, ...]
    groups: tuple[Group, ...] = ()

    def question(self, key: str) -> Question:
        for q in self.questions:
            if q.key == key:
                return q
        raise KeyError(key)


@dataclass(frozen=True)
class ScreenResult:
    treatment: str
    result: str  # one of RESULTS
    reasons: tuple[str, ...]


CHECKLISTS: dict[str, Checklist] = {
    "spravato": Checklist(
        treatment="spravato",
        title="Spravato (esketamine nasal spray)",
        questions=(
            Question(
                "age",
                "How old is the person?",
                "number",
                (Rule(("lt", 18), LIKELY_NOT_ELIGIBLE, "Spravato is for adults (18 and over)."),),
            ),
            Question(
                "failed_antidepressants",
                "How many antidepressants have they tried that did not help enough?",
                "number",
                group="indication",
                meets=("ge", 2),
            ),
            Question(
                "depression_with_suicidal_thoughts",
                "Is the depression coming with suicidal thoughts?",
                "yes_no",
                group="indication",
                meets=("eq", True),
            ),
            Question(
                "ride_and_two_hours",
                "Can they arrange a ride home and stay at the clinic about 2 hours after each dose?",
                "yes_no",
                (
                    Rule(
                        ("eq", False),
                        LIKELY_NOT_ELIGIBLE,
                        "A ride home and about 2 hours of monitoring after each dose are required.",
                    ),
                ),
            ),
            Question(
                "aneurysm_or_brain_bleed",
                "Have they ever had an aneurysm, a blood-vessel malformation or bleeding in the brain?",
                "yes_no",
                (
                    Rule(
                        ("eq", True),
                        LIKELY_NOT_ELIGIBLE,
                        "History of aneurysm, vascular malformation or brain bleed.",
                    ),
                ),
            ),
        ),
        groups=(
            Group(
                "indication",
                LIKELY_NOT_ELIGIBLE,
                "Spravato is for depression not helped by at least two antidepressants, or "
                "depression with suicidal thoughts.",
            ),
        ),
    ),
    "tms": Checklist(
        treatment="tms",
        title="TMS (NeuroStar)",
        questions=(
            Question(
                "age",
                "How old is the person?",
                "number",
                (
                    Rule(("lt", 15), LIKELY_NOT_ELIGIBLE, "TMS here is for ages 15 and over."),
                    Rule(
                        ("between", 15, 17),
                        NEEDS_REVIEW,
                        "Adolescent (15 to 17): a clinician reviews TMS for teenagers.",
                    ),
                ),
            ),
            Question(
                "metal_in_head",
                "Do they have metal or an implanted device in or near the head that cannot be "
                "removed (aneurysm clips, cochlear implant, brain stimulator, shrapnel)? "
                "Dental fillings and braces do not count.",
                "yes_no",
                (
                    Rule(
                        ("eq", True),
                        LIKELY_NOT_ELIGIBLE,
                        "Non-removable metal or implanted device in or near the head.",
                    ),
                ),
            ),
            Question(
                "seizure_history",
                "Have they ever had a seizure or been told they have epilepsy?",
                "yes_no",
                (Rule(("eq", True), NEEDS_REVIEW, "Seizure history: a clinician must review."),),
            ),
            Question(
                "failed_medication_trials",
                "How many depression medications have they tried that did not help enough?",
                "number",
                (
                    Rule(
                        ("lt", 1),
                        NEEDS_REVIEW,
                        "No failed medication trial yet: insurers usually require some; a "
                        "clinician reviews.",
                    ),
                ),
            ),
        ),
    ),
    "ketamine": Checklist(
        treatment="ketamine",
        title="Ketamine-assisted therapy",
        questions=(
            Question(
                "age",
                "How old is the person?",
                "number",
                (Rule(("lt", 18), NEEDS_REVIEW, "Under 18: a clinician reviews."),),
            ),
            Question(
                "uncontrolled_blood_pressure",
                "Do they have high blood pressure that is not under control?",
                "yes_no",
                (Rule(("eq", True), LIKELY_NOT_ELIGIBLE, "Uncontrolled high blood pressure."),),
            ),
            Question(
                "heart_disease",
                "Do they have serious heart disease (heart failure, recent heart attack, "
                "unstable chest pain)?",
                "yes_no",
                (Rule(("eq", True), LIKELY_NOT_ELIGIBLE, "Serious heart disease."),),
            ),
            Question(
                "pregnant",
                "Are they pregnant or trying to become pregnant?",
                "yes_no",
                (Rule(("eq", True), LIKELY_NOT_ELIGIBLE, "Pregnancy."),),
            ),
            Question(
                "psychosis_or_mania_history",
                "Have they ever had psychosis (hearing voices, losing touch with reality) or mania?",
                "yes_no",
                (
                    Rule(
                        ("eq", True),
                        NEEDS_REVIEW,
                        "History of psychosis or mania: a clinician must review.",
                    ),
                ),
            ),
            Question(
                "active_substance_use",
                "Are they currently using alcohol or drugs heavily, or in early recovery?",
                "yes_no",
                (
                    Rule(
                        ("eq", True), NEEDS_REVIEW, "Active substance use: a clinician must review."
                    ),
                ),
            ),
        ),
    ),
}

_YES = {"yes", "y", "true", "1", "si", "sí", "t"}
_NO = {"no", "n", "false", "0", "f"}


def normalise_answer(kind: str, value: object) -> object:
    """``True``/``False`` for yes_no, a number for number, or ``UNKNOWN``."""
    if value is None:
        return UNKNOWN
    if kind == "yes_no":
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            v = value.strip().casefold()
            if v in _YES:
                return True
            if v in _NO:
                return False
        return UNKNOWN
    if kind == "number":
        if isinstance(value, bool):
            return UNKNOWN
        if isinstance(value, int | float):
            return value if value >= 0 and value == value else UNKNOWN  # NaN -> unknown
        if isinstance(value, str):
            v = value.strip()
            try:
                n = float(v)
            except ValueError:
                return UNKNOWN
            return n if n >= 0 and n == n and n != float("inf") else UNKNOWN
        return UNKNOWN
    raise ValueError(f"unknown question kind {kind!r}")


def _holds(cond: Condition, value: object) -> bool:
    op = cond[0]
    if op == "eq":
        return value == cond[1]
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    if op == "lt":
        return value < cond[1]
    if op == "ge":
        return value >= cond[1]
    if op == "between":
        return cond[1] <= value <= cond[2]
    raise ValueError(f"unknown condition {cond!r}")


def screen(treatment: str, answers: Mapping[str, object]) -> ScreenResult:
    """Pre-screen one treatment from the answers collected by the front desk."""
    checklist = CHECKLISTS.get(treatment)
    if checklist is None:
        # Therapy, medication management, "other": nothing for the front desk to pre-screen.
        return ScreenResult(
            treatment, NEEDS_REVIEW, (f"No front-desk pre-screen for {treatment!r}.",)
        )
    answers = answers or {}
    result = LIKELY_ELIGIBLE
    reasons: list[str] = []

    def flag(outcome: str, reason: str) -> None:
        nonlocal result
        if _RANK[outcome] > _RANK[result]:
            result = outcome
        if reason not in reasons:
            reasons.append(reason)

    group_met: dict[str, bool] = {g.name: False for g in checklist.groups}
    group_unknown: dict[str, list[str]] = {g.name: [] for g in checklist.groups}
    for q in checklist.questions:
        value = normalise_answer(q.kind, answers.get(q.key))
        if value == UNKNOWN:
            # Every unknown answer needs a clinician, even when another answer already meets
            # its group.
            flag(NEEDS_REVIEW, f"Not answered: {q.text}")
            if q.group:
                group_unknown[q.group].append(q.text)
            continue
        for rule in q.rules:
            if _holds(rule.when, value):
                flag(rule.outcome, rule.reason)
        if q.group and q.meets is not None and _holds(q.meets, value):
            group_met[q.group] = True
    for g in checklist.groups:
        if group_met[g.name]:
            continue
        if not group_unknown[g.name]:
            flag(g.outcome, g.reason)
    return ScreenResult(treatment, result, tuple(reasons))
