"""A clinician, student or researcher asking how the clinic assesses or monitors suicide risk is
`review` (informational), not `urgent`, only while nobody's own current risk is stated.

Sentences written for this test (none from a blind round)."""

from __future__ import annotations

import pytest

from zoelife.triage import assess


@pytest.mark.parametrize("text", [
    "I'm a nurse, how do you screen for SI during Spravato monitoring?",
    "Hi, I'm a 2nd year nursing student. What is your protocol when a patient reports suicidal "
    "ideation during a TMS session?",
    "This is Maria, I'm the counselor at Lincoln Middle School. How does your team assess "
    "suicide risk in teens before starting ketamine?",
    "I'm a pharmacist writing up a handout; I'm curious how you monitor suicidality after each "
    "esketamine dose.",
    "Soy enfermera, ¿cómo evalúan el riesgo suicida durante el monitoreo de Spravato?",
])
def test_a_professional_asking_about_the_clinics_process_is_review(text: str) -> None:
    a = assess(text)
    assert a.crisis == "review", a.crisis_evidence
    assert "informational" in {e.category for e in a.crisis_evidence}


@pytest.mark.parametrize("text", [
    # first-person experience in the question
    "I'm a nurse and I've been having suicidal thoughts, how do you screen for SI?",
    # the match itself is first person
    "I'm a student and I want to kill myself, what is your protocol?",
    # own thoughts in the next sentence
    "I'm a teacher. How do you handle suicidal thoughts? I keep thinking about suicide.",
    # someone at risk now
    "I'm a school counselor and need to know how you assess a student who is suicidal right now, "
    "she is with me.",
    # no role, and the person says they have them
    "How do you screen for suicidal thoughts? I have been having them lately.",
])
def test_stated_current_risk_stays_urgent(text: str) -> None:
    assert assess(text).crisis == "urgent"
