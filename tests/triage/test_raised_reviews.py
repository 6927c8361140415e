"""The kinds of `review` message blind round 10 (and rounds 8 and 9 before it) raised to
`urgent` (docs/triage.md, "Round 10's raised reviews, by kind"), in wordings written for this
test, none of them a probe's sentence: a provider's or a form's denial, a professional or an
organisation asking how the clinic handles risk, a history dated by a stretch of time. Each
kind has near misses beside it that must stay `urgent`: the rules only lower a level where they
clearly apply.

The rules are asked without the learned net (`assess_by_rules`) for the `review` wordings, so
that the net cannot hide a rule that stopped applying; the near misses are asked of `assess`,
what the clinic sees, and of the rules alone as well."""

from __future__ import annotations

import pytest

from tests.triage.evaluation import assess_by_rules
from zoelife.triage import assess

# ---------------------------------------------------------------- 1. a denial
DENIALS = [
    "Referral for med management: 52M, MDD, PTSD. Denies SI. No hx SA or SIB.",
    "Intake: C-SSRS negative, no lifetime SI or behavior, requesting TMS consult.",
    "Postpartum, EPDS 13, item 10 (thoughts of harming herself) scored 0. Please see for meds.",
    "Self-harm screening item: negative. Wants to discuss ketamine.",
    "Pt is 60F, SI denied, wants Spravato.",
    "I saw online that Spravato is for depression with suicidal ideation. I don't have those "
    "thoughts, never have, so can I still get it?",
    "No pienso en hacerme daño, solo necesito ayuda con la ansiedad.",
    "Mi mamá no piensa en hacerse daño pero no quiere salir de la casa.",
    "When I asked my son straight out whether he was thinking of killing himself, he said "
    "definitely not, and I believe him.",
]

DENIAL_NEAR_MISSES = [
    "Denies SI but endorses NSSI last week, cutting her thighs.",
    "EPDS item 10 (thoughts of harming herself) scored 2.",
    "Self-harm screening item: positive.",
    "I asked him if he was thinking of killing himself and he said not yet.",
    "I read Spravato is for depression with suicidal thoughts, and I have those every night.",
    "No pienso en otra cosa que en matarme.",
]


@pytest.mark.parametrize("text", DENIALS)
def test_a_denial_is_review(text: str) -> None:
    assert assess_by_rules(text).crisis == "review", text


# ---------------------------------------------------------------- 2. a professional asking
PROFESSIONALS = [
    "I'm a hospice social worker. What is your protocol when a patient discloses suicidal "
    "thoughts partway through TMS - do you stop the course?",
    "Soy enfermera escolar. ¿Cuál es su protocolo si un estudiante reporta ideación suicida "
    "durante el tratamiento con ketamina?",
    "I'm a grad student studying suicide risk screening in TMS clinics. Could your team fill "
    "out a short survey?",
    "Our claims team needs documentation of the suicide risk assessment for this "
    "authorization, please fax it.",
    "My employer's leave form asks for a 'self-harm risk evaluation' from the treating clinic. "
    "Who fills that out?",
    "The new-patient questionnaire asks about suicide on every visit, is that required?",
    "I'm a youth pastor. Our church keeps getting questions about suicide prevention; do you "
    "have brochures on Spravato and TMS we could hand out?",
    "Estoy escribiendo una novela sobre el suicidio de un personaje que hace TMS, ¿podría "
    "hablar con alguien de la clínica?",
]

PROFESSIONAL_NEAR_MISSES = [
    "I'm a therapist. My client told me this morning she has a plan to kill herself with her "
    "husband's gun; I'm referring her for Spravato.",
    "I'm a nurse and I'm suicidal. What's your process for new patients?",
    "I'm a school counselor. A student, 15, told me this morning she wants to kill herself. "
    "What is your protocol for an urgent referral?",
    "My last suicide risk assessment came back high and my doctor wants me seen this week.",
    "I need a suicide risk assessment, I keep thinking about ending it.",
    "The questionnaire asks about suicide and honestly yes, I think about it daily.",
    "I'm a nursing student, what's your protocol? Self-harm again last night, sorry.",
]


@pytest.mark.parametrize("text", PROFESSIONALS)
def test_a_professional_asking_how_risk_is_handled_is_review(text: str) -> None:
    assert assess_by_rules(text).crisis == "review", text


# ---------------------------------------------------------------- 3. a history dated by a stretch
REMOTE = [
    "I overdosed about eight months ago, then did a PHP that ended last week. No thoughts like "
    "that in the past five months.",
    "We'd like to refer Ms. R, hx suicide attempt back in twenty twelve, currently euthymic.",
    "Historial de autolesiones en la infancia, niega ideación actual, solicita TMS.",
    "Paciente con intento de suicidio en dos mil quince, actualmente estable, para manejo de "
    "medicamentos.",
    "He had passive SI years ago but none in the past year per his PCP.",
    "¿Qué pasa si digo en la consulta que pensé en el suicidio? ¿Me internan? Fue hace años.",
    "my sister attempted about a year and a half ago, shes doing good now",
    "NSSI free for 4 years as of yesterday!! looking for a new prescriber",
]

REMOTE_NEAR_MISSES = [
    "I overdosed six months ago and again last week.",
    "Attempt back in twenty twelve, and I'm cutting again now.",
    "I attempted about a month and a half ago.",
    "Suicide attempt in 2015, currently stable, but I have been thinking about it every day.",
    "He had passive SI years ago, and again in the past week.",
    "I had passive SI, none in the past week.",
    "I have been cutting, free for 3 years as of last week? no, I relapsed.",
    "intento de suicidio hace dos mil pesos de deuda, me tomé las pastillas ayer",
]


@pytest.mark.parametrize("text", REMOTE)
def test_a_history_dated_by_a_stretch_is_review(text: str) -> None:
    assert assess_by_rules(text).crisis == "review", text


@pytest.mark.parametrize("text", DENIAL_NEAR_MISSES + PROFESSIONAL_NEAR_MISSES
                         + REMOTE_NEAR_MISSES)
def test_near_misses_stay_urgent(text: str) -> None:
    assert assess_by_rules(text).crisis == "urgent", text
    assert assess(text).crisis == "urgent", text


def test_a_short_word_of_the_message_language_is_not_an_abbreviation() -> None:
    # Polish "od" ("from") is not OD: review, as every message in another language is (Polish is
    # read by its fields now: nothing of risk in it).
    polish = "Dzień dobry, od miesiąca szukam psychiatry dla mojej mamy. Czy macie wolne terminy?"
    a = assess(polish)
    assert a.language == "other" and a.crisis == "review"
    assert [e.category for e in a.crisis_evidence] == ["other_language"]


# ---------------------------------------------------------------- treatments of the same kinds
@pytest.mark.parametrize(("text", "wanted", "history"), [
    # professionals and organisations asking how the clinic works want no treatment
    ("I'm a hospice social worker. What is your protocol when a patient discloses suicidal "
     "thoughts partway through TMS?", set(), set()),
    ("Our employee assistance program wants a partner clinic for Spravato referrals. Who "
     "handles contracts?", set(), set()),
    # ... but one referring a person does, and a professional may ask for herself
    ("I'm a therapist referring a client for TMS.", {"tms"}, set()),
    ("I'm a nurse, and I'd like a Spravato consult for myself.", {"spravato"}, set()),
    ("I'm a college student, what's your process for new patients? I'd like therapy.",
     {"therapy"}, set()),
    # a clinic's own sentence about its protocol is not an organisation asking
    ("Our team follows a careful protocol for every TMS session.", {"tms"}, set()),
    # a treatment named with "therapy" is that treatment
    ("Do you offer psilocybin therapy?", {"other"}, set()),
    ("Me interesa la terapia asistida con ketamina.", {"ketamine"}, set()),
    ("Interested in ketamine-assisted therapy.", {"ketamine"}, set()),
    # finished and done with: history, unless asked for again
    ("Terminé mis sesiones de TMS en octubre, ahora quiero seguir con terapia.",
     {"therapy"}, {"tms"}),
    ("Did TMS last year and want to do it again.", {"tms"}, set()),  # wanted, so not history
    # both under one roof; a med check; a prior authorization is not a prior course
    ("I'd like meds and therapy under one roof.", {"medication_management", "therapy"}, set()),
    ("Can I move my med check to Friday?", {"medication_management"}, set()),
    ("My insurer denied the prior auth for TMS, can you appeal?", {"tms"}, set()),
])
def test_treatments_of_the_round_10_kinds(text: str, wanted: set[str], history: set[str]) -> None:
    a = assess(text)
    assert set(a.treatments) == wanted, text
    assert set(a.treatment_history) == history, text
