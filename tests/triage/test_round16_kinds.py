"""Blind round 16's urgent misses and raised reviews, by kind (docs/triage.md, "Round 16's
misses, by kind"). Every sentence here was written for this file; none is a round's message.
The kinds are the rules' to read, so the rules are asserted alone (`assess_by_rules`), as in
test_round15_kinds.py.
"""

from __future__ import annotations

import pytest

from tests.triage.kinds import cases, check


# ---------------------------------------------------------------- means acquired, a date chosen
# Means bought, kept or saved and a date or a day chosen, in one sentence: preparation, in
# English, Spanish and every read language. Not a prescription picked up with a date set for
# something named (an appointment, a wedding).
@pytest.mark.parametrize("text, expected", cases(
    ("urgent", [
        "I already bought the pills and picked a date.",
        "Got the rope last week and I've set a date.",
        "Bought two boxes of sleeping pills, and I chose the day.",
        "I bought the pills and set a date for the end.",
        "Ya compré las pastillas y elegí la fecha.",
        "Tengo las pastillas guardadas y ya me puse una fecha.",
        "Я уже купила снотворное и выбрала день.",
        "Он купил веревку и назначил себе дату.",
        "Comprei os comprimidos e já escolhi o dia.",
        "J'ai acheté les médicaments et j'ai choisi la date.",
        "Kupiłam tabletki i wybrałam datę.",
        "Я купила таблетки і вже вибрала день.",
    ]),
    ("not urgent", [
        "I picked up my prescription pills and set a date for my first TMS session.",
        "We bought a new car and picked a date for the wedding.",
        "Compré las pastillas y fijamos la fecha para la consulta.",
        "Купила таблетки от давления и назначила дату приема у врача.",
    ]),
))
def test_means_acquired_and_a_date_chosen(text: str, expected: str) -> None:
    check(text, expected)


# ---------------------------------------------------------------- shorthand denials
# A screen's negative result with a time word after it, both kinds denied together ("no passive
# or active SI"), and a teen's self-harm dated by "as teen" or a denial over adulthood. One kind
# denied leaves the other open; a result that is not a denial stays urgent.
@pytest.mark.parametrize("text, expected", cases(
    ("review", [
        "Referral: 44M, MDD, failed sertraline. SI screen negative today. Requesting Spravato.",
        "Pt seen in clinic. Suicide screen neg currently. Interested in TMS.",
        "Pt denies active or passive SI, no HI. Referred for med management.",
        "My discharge papers say 'no active or passive SI' - does that mean they thought I was "
        "at risk?",
        "Pt 27F, GAD. Hx of cutting as teen, none in adulthood. Wants therapy.",
        "History of self-harm as adolescent, nothing since adulthood. Denies SI.",
    ]),
    ("urgent", [
        "SI screen: positive today. Requesting urgent eval.",
        "SI screen neg today but pt endorses passive SI this week.",
        "No active SI. Passive SI present.",
        "No active, passive SI present.",
        "Hx of self-harm as teen, cutting again this month.",
        "Pt reports SI, screen negative for HI.",
    ]),
))
def test_shorthand_denials_and_dates(text: str, expected: str) -> None:
    check(text, expected)


# ---------------------------------------------------------------- a service named by the term
# The term as the modifier of a service, a line or a workplace the writer works or volunteers
# for is not ideation; a service named with the writer's explicit denial is at most review.
# Calling a line, or the writer's own wish, stays urgent.
@pytest.mark.parametrize("text, expected", cases(
    ("review", [
        "I volunteer at a suicide prevention hotline on weekends and I'm burned out. Looking for "
        "a therapist.",
        "Trabajo en una línea de prevención del suicidio y necesito terapia por el desgaste.",
        "My job is at a suicide crisis center and the stories stay with me. I'm not suicidal, I "
        "just can't sleep.",
    ]),
    ("urgent", [
        "I called a suicide hotline last night because I couldn't stop crying.",
        "I texted the suicide crisis line yesterday. I'm not suicidal now, but I was scared.",
        "I work at a suicide hotline and honestly I've been thinking about killing myself too.",
        "I work on a suicide crisis line and I'm suicidal myself lately.",
        "I can't work anymore, all I think about is suicide, hotline numbers don't help.",
        "I work nights and I keep thinking about the suicide hotline number.",
    ]),
))
def test_a_service_named_by_the_term(text: str, expected: str) -> None:
    check(text, expected)


# ---------------------------------------------------------------- read languages' context
# A Tagalog denial across its verb of thinking, and a question about how the clinic handles
# risk from someone in a role, in Portuguese, French, Russian and Ukrainian (each file's
# `informational_*`). The writer's own experience keeps it urgent.
@pytest.mark.parametrize("text, expected", cases(
    ("review", [
        "Hindi ko po iniisip na magpakamatay, gusto ko lang po ng therapy.",
        "Hindi po ako nag-iisip na saktan ang sarili ko, stress lang po sa trabaho.",
        "Sou psicóloga e gostaria de saber qual é o protocolo quando um paciente tem pensamentos "
        "suicidas durante o tratamento.",
        "Je suis infirmière, quel est votre protocole quand un patient a des idées suicidaires "
        "pendant la séance ?",
        "Я медсестра, какой у вас протокол, если у пациента суицидальные мысли?",
        "Я психолог, який у вас протокол, якщо у пацієнта суїцидальні думки?",
    ]),
    ("urgent", [
        "Naiisip ko pong saktan ang sarili ko gabi-gabi.",
        "Sou enfermeira e tenho tido pensamentos suicidas, qual é o protocolo de vocês?",
        "Sou estudante e quero morrer, qual é o procedimento para marcar consulta?",
    ]),
))
def test_read_languages_denials_and_questions(text: str, expected: str) -> None:
    check(text, expected)


# ---------------------------------------------------------------- a season, a year
# The detector has no date for a message: a year before `years_old_before` (crisis_context.toml)
# is more than three months before any message read now, and dates a match; this year, or a
# season ("last summer", which in September may be weeks ago), is in doubt and stays urgent.
@pytest.mark.parametrize("text, expected", cases(
    ("review", [
        "My wife went through a bad time in 2021 when she said she wanted to die; she's been "
        "well for two years and wants TMS now.",
        "Back in the summer of 2019 I thought about ending it, I'm doing fine now.",
        "Tuve un intento en 2020, desde entonces estoy estable con medicación.",
    ]),
    ("urgent", [
        "I tried to kill myself in 2026 and I'm still shaky.",
        "She overdosed in 2026, she's home now.",
        "had a rough stretch last summer, kept thinking about ending it, better now i think",
        "Last fall I wanted to die every day. Can I get an appointment?",
    ]),
))
def test_a_year_dates_only_when_clearly_past(text: str, expected: str) -> None:
    check(text, expected)
