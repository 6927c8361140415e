from __future__ import annotations

import pytest

from zoelife.triage.eligibility import (
    CHECKLISTS,
    KINDS,
    LIKELY_ELIGIBLE,
    LIKELY_NOT_ELIGIBLE,
    NEEDS_REVIEW,
    SCREEN_DISCLAIMER,
    SPRAVATO_REMS_STEPS,
    ScreenResult,
    screen,
)

SPRAVATO_OK = {
    "age": 40,
    "failed_antidepressants": 3,
    "depression_with_suicidal_thoughts": False,
    "ride_and_two_hours": True,
    "aneurysm_or_brain_bleed": False,
}
TMS_OK = {
    "age": 30,
    "metal_in_head": False,
    "seizure_history": False,
    "failed_medication_trials": 2,
}
KETAMINE_OK = {
    "age": 35,
    "uncontrolled_blood_pressure": False,
    "heart_disease": False,
    "pregnant": False,
    "psychosis_or_mania_history": False,
    "active_substance_use": False,
}
OK = {"spravato": SPRAVATO_OK, "tms": TMS_OK, "ketamine": KETAMINE_OK}


def with_(base: dict, **kw: object) -> dict:
    return {**base, **kw}


def test_checklists_are_well_formed() -> None:
    assert set(CHECKLISTS) == {"spravato", "tms", "ketamine"}
    for name, cl in CHECKLISTS.items():
        assert cl.treatment == name
        keys = [q.key for q in cl.questions]
        assert len(keys) == len(set(keys))
        for q in cl.questions:
            assert q.kind in KINDS and q.text.endswith(("?", "."))


@pytest.mark.parametrize("treatment", ["spravato", "tms", "ketamine"])
def test_all_good_answers_are_likely_eligible(treatment: str) -> None:
    r = screen(treatment, OK[treatment])
    assert r == ScreenResult(treatment, LIKELY_ELIGIBLE, ())


@pytest.mark.parametrize("treatment", ["spravato", "tms", "ketamine"])
def test_every_question_accepts_unknown(treatment: str) -> None:
    for q in CHECKLISTS[treatment].questions:
        for unknown in ("unknown", None, "", "not sure", object()):
            r = screen(treatment, with_(OK[treatment], **{q.key: unknown}))
            assert r.result == NEEDS_REVIEW, (q.key, unknown)
            assert any(q.text in reason for reason in r.reasons)
        r = screen(treatment, {k: v for k, v in OK[treatment].items() if k != q.key})
        assert r.result == NEEDS_REVIEW, q.key


def test_empty_answers_need_review() -> None:
    for t in CHECKLISTS:
        assert screen(t, {}).result == NEEDS_REVIEW


# --- Spravato
def test_spravato_minor_not_eligible() -> None:
    r = screen("spravato", with_(SPRAVATO_OK, age=17))
    assert r.result == LIKELY_NOT_ELIGIBLE
    assert any("18" in x for x in r.reasons)


def test_spravato_indication_either_branch() -> None:
    assert (
        screen("spravato", with_(SPRAVATO_OK, failed_antidepressants=2)).result == LIKELY_ELIGIBLE
    )
    r = screen(
        "spravato",
        with_(SPRAVATO_OK, failed_antidepressants=1, depression_with_suicidal_thoughts=True),
    )
    assert r.result == LIKELY_ELIGIBLE
    r = screen(
        "spravato",
        with_(SPRAVATO_OK, failed_antidepressants=1, depression_with_suicidal_thoughts=False),
    )
    assert r.result == LIKELY_NOT_ELIGIBLE
    r = screen(
        "spravato",
        with_(SPRAVATO_OK, failed_antidepressants=1, depression_with_suicidal_thoughts="unknown"),
    )
    assert r.result == NEEDS_REVIEW
    r = screen(
        "spravato",
        with_(
            SPRAVATO_OK, failed_antidepressants="unknown", depression_with_suicidal_thoughts=True
        ),
    )
    assert r.result == NEEDS_REVIEW  # any unknown answer: at least review


def test_spravato_needs_ride_and_two_hours() -> None:
    r = screen("spravato", with_(SPRAVATO_OK, ride_and_two_hours="no"))
    assert r.result == LIKELY_NOT_ELIGIBLE


def test_spravato_vascular_history() -> None:
    r = screen("spravato", with_(SPRAVATO_OK, aneurysm_or_brain_bleed="yes"))
    assert r.result == LIKELY_NOT_ELIGIBLE


def test_rems_steps_and_disclaimer() -> None:
    text = " ".join(SPRAVATO_REMS_STEPS).lower()
    for words in ("rems", "2 hours", "driving", "ride home", "restful sleep"):
        assert words in text
    assert "Not a clinical decision" in SCREEN_DISCLAIMER
    assert "clinician decides" in SCREEN_DISCLAIMER


# --- TMS
def test_tms_metal_not_eligible() -> None:
    assert screen("tms", with_(TMS_OK, metal_in_head=True)).result == LIKELY_NOT_ELIGIBLE


def test_tms_seizure_review() -> None:
    assert screen("tms", with_(TMS_OK, seizure_history=True)).result == NEEDS_REVIEW


@pytest.mark.parametrize(
    ("age", "result"),
    [
        (14, LIKELY_NOT_ELIGIBLE),
        (15, NEEDS_REVIEW),
        (17, NEEDS_REVIEW),
        (18, LIKELY_ELIGIBLE),
        ("16", NEEDS_REVIEW),
        (-3, NEEDS_REVIEW),
        ("sixteen", NEEDS_REVIEW),
    ],
)
def test_tms_age(age: object, result: str) -> None:
    assert screen("tms", with_(TMS_OK, age=age)).result == result


def test_tms_failed_trials() -> None:
    assert screen("tms", with_(TMS_OK, failed_medication_trials=0)).result == NEEDS_REVIEW
    assert screen("tms", with_(TMS_OK, failed_medication_trials=4)).result == LIKELY_ELIGIBLE


# --- Ketamine
@pytest.mark.parametrize(
    ("key", "result"),
    [
        ("uncontrolled_blood_pressure", LIKELY_NOT_ELIGIBLE),
        ("heart_disease", LIKELY_NOT_ELIGIBLE),
        ("pregnant", LIKELY_NOT_ELIGIBLE),
        ("psychosis_or_mania_history", NEEDS_REVIEW),
        ("active_substance_use", NEEDS_REVIEW),
    ],
)
def test_ketamine_rules(key: str, result: str) -> None:
    r = screen("ketamine", with_(KETAMINE_OK, **{key: True}))
    assert r.result == result
    assert r.reasons


def test_worst_outcome_wins_and_reasons_accumulate() -> None:
    r = screen(
        "ketamine",
        with_(KETAMINE_OK, pregnant=True, active_substance_use=True, heart_disease="unknown"),
    )
    assert r.result == LIKELY_NOT_ELIGIBLE
    assert len(r.reasons) == 3


@pytest.mark.parametrize("treatment", ["therapy", "medication_management", "other", "x"])
def test_treatment_without_checklist_needs_review(treatment: str) -> None:
    r = screen(treatment, {"age": 40})
    assert r.result == NEEDS_REVIEW
    assert r.reasons
