from __future__ import annotations

import pytest

from tests.triage.evaluation import load, treatment_figures
from zoelife.triage import TREATMENTS, assess, treatments_from_labels


def test_labelled_set_shape() -> None:
    rows = load("treatment_messages.jsonl")
    assert len(rows) >= 120
    assert all(set(r["expected"]) <= set(TREATMENTS) for r in rows)
    assert sum(r["frozen"] for r in rows) == len(rows) // 3


@pytest.mark.parametrize("frozen_only", [False, True], ids=["all", "frozen"])
def test_exact_set_accuracy(frozen_only: bool) -> None:
    fig = treatment_figures(frozen_only)
    print(fig.line("frozen" if frozen_only else "all"))
    assert fig.accuracy >= 0.95, f"wrong sets: {fig.wrong_ids}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("TMS therapy", {"tms"}),
        ("ketamine-assisted therapy", {"ketamine"}),
        ("ketamine therapy", {"ketamine"}),
        ("infusion therapy", {"ketamine"}),
        ("magnet therapy", {"tms"}),
        ("TMS and therapy", {"tms", "therapy"}),
        ("Esketamine", {"spravato"}),
        ("IV or nasal spray ketamine", {"ketamine"}),
        ("the nasal spray", {"spravato"}),
        ("not interested in TMS", set()),
        ("CBT or DBT", {"therapy"}),
        ("need my meds refilled", {"medication_management"}),
        ("terapia con ketamina", {"ketamine"}),
        ("estimulación magnética", {"tms"}),
        ("espray nasal", {"spravato"}),
        ("consejería y medicamentos", {"therapy", "medication_management"}),
        ("spravado", {"spravato"}),
        ("nuerostar", {"tms"}),
        ("katamine", {"ketamine"}),
        ("", set()),
    ],
)
def test_phrases(text: str, expected: set[str]) -> None:
    assert assess(text).treatments == frozenset(expected)


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        (["Spravato (esketamine)"], {"spravato"}),
        (["TMS Therapy"], {"tms"}),
        (["Ketamine-assisted therapy"], {"ketamine"}),
        (["Medication management"], {"medication_management"}),
        (["Therapy/Counseling"], {"therapy"}),
        (["Not sure"], set()),
        (["Other"], set()),
        (["TMS Therapy", "Therapy/Counseling"], {"tms", "therapy"}),
        (["General psychiatry"], {"medication_management"}),
        ("TMS Therapy", {"tms"}),
        ([None, "", "  "], set()),
        ((), set()),
    ],
)
def test_labels(labels: object, expected: set[str]) -> None:
    assert treatments_from_labels(labels) == frozenset(expected)


def test_form_treatments_union_with_text() -> None:
    a = assess("I also need my meds refilled", ["TMS Therapy"])
    assert a.treatments == {"tms", "medication_management"}
    assert assess(None, ["Spravato (esketamine)"]).treatments == {"spravato"}
    assert assess("", ["Spravato (esketamine)"]).crisis == "none"


# Kinds blind round 4 found (new wordings, not its sentences): names in scripts written without
# spaces, plural therapists, "do you have a therapist" asked (not owned), plain med-management
# words, Spanish history ("llevo seis medicamentos"), the magnets in Spanish, school clearance.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ケタミンの点滴について教えてください", {"ketamine"}),
        ("母のためにスプラバートの予約をしたいです", {"spravato"}),
        ("케타민 치료 가능한가요?", {"ketamine"}),
        ("想找心理治疗师，周末可以吗", {"therapy"}),
        ("do you have any therapists who speak Tagalog?", {"therapy"}),
        ("Does your office have a therapist open on Saturdays?", {"therapy"}),
        ("I need someone to take over my lithium when I move", {"medication_management"}),
        ("can I book a med appointment for next week", {"medication_management"}),
        ("maybe something to help with sleep, I'm exhausted", {"medication_management"}),
        ("quiero probar el tratamiento con imanes", {"tms"}),
        ("llevo cuatro medicamentos y nada. ¿Qué es el spravato?", {"spravato"}),
        ("do you write clearance letters for kids going back to class?", {"other"}),
    ],
)
def test_round4_treatment_kinds(text: str, expected: set[str]) -> None:
    assert assess(text).treatments == frozenset(expected), text
