"""Blind round 16's English/Spanish harmless messages flagged, fixed by kind (data/idioms.toml,
"Round 16's harmless kinds"; fields.toml, the implement laid on the body); docs/triage.md,
"Round 16's false flags, by kind". Every sentence here was written for this file; none is a
round's message. Asserted by the rules alone (`assess_by_rules`), and the harmless ones with the
learned net too: never `urgent`.
"""

from __future__ import annotations

import pytest

from tests.triage.kinds import cases, check
from zoelife.triage import assess

FUNERAL_NONE = [
    "Need to move Thursday's TMS, I'm flying to a funeral in Ohio, my grandfather passed Sunday.",
    "I'll be at the memorial service all afternoon, can we do the med check Friday instead?",
    "Going to my uncle's funeral this weekend so I'll miss the Saturday session, sorry.",
    "We are driving out of state for a funeral on Monday; my mother-in-law died. Please reschedule.",
    "Voy a estar en un funeral en Texas el martes, falleció mi primo. ¿Podemos cambiar la cita?",
    "Mañana tengo que ir al velorio de una vecina, no llego a la sesión de Spravato.",
]
FUNERAL_URGENT = [
    "I'll be at a funeral soon enough, mine. I already know how I'd do it.",
    "Everyone will be at my funeral by Christmas, I'm going to end it.",
    "Pronto van a estar en mi funeral, ya decidí quitarme la vida.",
]
WORK_NONE = [
    "I'm an ER nurse, we treat overdoses, gunshot wounds and strokes every shift; I want TMS for my own depression.",
    "As a paramedic I respond to ODs and cardiac arrests on every call some weeks. Do you take Anthem?",
    "I work trauma in the ICU and see deaths and codes every single shift, the burnout is real. Therapy?",
    "Soy enfermera de urgencias y atiendo sobredosis y paros cada turno; busco terapia para el estrés.",
    "Funeral director here: death is part of my job, but the insomnia is not. Med management please.",
    "I'm an oncology nurse so dying is part of my day to day and I'm at peace with that. I need a counselor for my anxiety.",
    "La muerte es parte de mi trabajo como capellán del hospital; quiero terapia por el agotamiento.",
]
WORK_URGENT = [
    "I'm an ER nurse, I see overdoses every shift and I keep thinking about taking one myself.",
    "I'm a paramedic and I carry the drugs; some nights I want to use them on myself and die.",
    "Death is part of my everyday thoughts now, I want to die.",
    "Soy enfermera y veo sobredosis cada turno, y ya guardé pastillas para matarme.",
]
IMPLEMENT_NONE = [
    "I'm a sushi chef, I work with knives all day and my fingers go numb on the new medication.",
    "Butcher here: a knife in my hand eight hours a day, and my wrist aches since the lithium.",
    "Welder here, lighter and torch in use all shift and my arms tremble on lithium now.",
    "Trabajo en una carnicería con cuchillos todo el día y me tiemblan las manos con el litio.",
]
IMPLEMENT_URGENT = [
    "I held the lighter on my forearm until it blistered last night.",
    "last week I took a razor to my thigh again",
    "pressed a knife against my wrist this morning",
    "Anoche me pasé la navaja por el brazo otra vez.",
    "my thigh with the lighter again yesterday, I can't stop",
    "Cuando me da la ansiedad me pego la cabeza contra la puerta, anoche otra vez.",
    "my head against the mirror, over and over, last night",
]
IDIOM_NONE = [
    "work killed my whole evening, can we move the call to tomorrow morning?",
    "the flight delay killed our entire Saturday lol, I'll need to reschedule the med check",
    "that meeting totally killed the vibe, anyway, do you have Tuesday openings for TMS?",
    "El tráfico me mató toda la tarde, ¿puedo pasar la cita al jueves?",
    "How long does the entire treatment take, start to finish? And can I work after?",
    "I took the whole day off for the Spravato visit, does it really take two hours?",
    "Is it okay to drive after Spravato, and how long does the whole visit take?",
    "¿Cuánto dura toda la sesión de ketamina y puedo tomar un taxi después?",
    "Mi hija no puede llevarme los martes, ¿tienen citas los jueves?",
    "No tengo carro y mi hermano trabaja, nadie puede llevarme a la clínica por la mañana.",
]
IDIOM_URGENT = [
    "I want to kill myself this weekend, I mean it.",
    "I'm going to take the whole bottle of my pills tonight.",
    "How many of my pills would it take to die? I have the whole bottle.",
    "I'm going to take my whole treatment at once",
    "I took the whole day's worth of my meds at once last night",
    "I took the whole day's pills at once",
    "Le pido a Dios que venga a llevarme, ya no quiero vivir.",
    "Ojalá la muerte viniera a llevarme esta noche.",
]


@pytest.mark.parametrize("text, expected", cases(
    ("none", FUNERAL_NONE), ("urgent", FUNERAL_URGENT),
))
def test_another_persons_funeral_is_no_plan(text: str, expected: str) -> None:
    check(text, expected)


@pytest.mark.parametrize("text, expected", cases(
    ("none", WORK_NONE), ("urgent", WORK_URGENT),
))
def test_what_a_clinician_sees_at_work(text: str, expected: str) -> None:
    check(text, expected)


@pytest.mark.parametrize("text, expected", cases(
    ("none", IMPLEMENT_NONE), ("urgent", IMPLEMENT_URGENT),
))
def test_an_implement_beside_the_body_is_no_self_harm(text: str, expected: str) -> None:
    check(text, expected)


@pytest.mark.parametrize("text, expected", cases(
    ("none", IDIOM_NONE), ("urgent", IDIOM_URGENT),
))
def test_a_killed_weekend_a_whole_session_a_ride(text: str, expected: str) -> None:
    check(text, expected)


# The net alone still reads one of them as urgent (urgent 0.92, flagged 0.62: "Going to ...
# this weekend" is how plans are worded); left, documented in docs/triage.md.
_NET_LEFT = "Going to my uncle's funeral this weekend so I'll miss the Saturday session, sorry."


@pytest.mark.parametrize("text", [
    pytest.param(t, marks=pytest.mark.xfail(strict=True, reason="the net alone: urgent 0.92"))
    if t == _NET_LEFT else t
    for t in FUNERAL_NONE + WORK_NONE + IMPLEMENT_NONE + IDIOM_NONE])
def test_never_urgent_with_the_net(text: str) -> None:
    assert assess(text).crisis != "urgent", text
