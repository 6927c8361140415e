"""Blind round 15's last kinds: English/Spanish harmless messages flagged, taken out by idioms
(data/idioms.toml), and urgent messages the rules alone missed, read by crisis.toml patterns and
a recent word (crisis_context.toml); docs/triage.md, "Round 15's false flags and rules-alone
misses". Every sentence here was written for this file; none is a round's message. Asserted by
the rules alone (`assess_by_rules`): the learned net has its own view of some of these sentences.
"""

from __future__ import annotations

import pytest

from tests.triage.kinds import cases, check


# ---------------------------------------------------------------- jumping ship
# Leaving a job, an insurer or a provider, in any tense. Jumping off a ship stays urgent.
@pytest.mark.parametrize("text, expected", cases(
    ("none", [
        "We jumped ship to a new insurer in January, do you take Cigna?",
        "half my team is jumping ship this month so work is chaos, need a med check",
        "been thinking about jumping ship from my prescriber, she never calls back. openings?",
        "If my therapist leaves the practice I might jump ship too. Are you taking new clients?",
    ]),
    ("urgent", [
        "some nights I want to jump off a ship into the ocean and not come up",
    ]),
))
def test_jumping_ship(text: str, expected: str) -> None:
    check(text, expected)


# ---------------------------------------------------------------- a game character dying
# A character or avatar dying, a kill streak: the game. The writer's own wish to die stays urgent.
@pytest.mark.parametrize("text, expected", cases(
    ("none", [
        "my avatar keeps getting killed in the raid and I lose my temper, do you do anger management?",
        "My son's character died again in Minecraft and he threw the controller. Do you see kids for ADHD?",
        "my guy keeps dying at the same boss and I rage every night, do you do adult ADHD evals?",
        "lost my killstreak and screamed at my roommate lmao, need someone for impulsivity",
    ]),
    ("urgent", [
        "I wish I could just die like in the game and not come back",
    ]),
))
def test_a_game_character_dying(text: str, expected: str) -> None:
    check(text, expected)


# ---------------------------------------------------------------- pest control
# Killing insects, rodents or a colony. Pest poison bought to drink stays urgent.
@pytest.mark.parametrize("text, expected", cases(
    ("none", [
        "this is the exterminator, we'll be there Monday to kill the roaches in the basement units",
        "The landlord finally killed off the mice so I can do telehealth from home again.",
        "we're killing the ants around the clinic entrance Friday, please use the side door",
    ]),
    ("urgent", [
        "I bought termite poison to drink tonight",
        "I keep the rat poison by my bed in case I decide to swallow it",
    ]),
))
def test_pest_control(text: str, expected: str) -> None:
    check(text, expected)


# ---------------------------------------------------------------- Spanish "de muerte"
# After a noun, "de muerte" is an intensifier. A wish to die stays urgent.
@pytest.mark.parametrize("text, expected", cases(
    ("none", [
        "Hace un frío de muerte, ¿puedo hacer la consulta por video?",
        "Había un tráfico de muerte en la autopista, perdón por llegar tarde.",
        "tengo un sueño de muerte después del turno, ¿me cambian la cita?",
    ]),
    ("urgent", [
        "tengo ganas de morirme y ya no aguanto",
        "pienso en la muerte todo el día y quiero matarme",
    ]),
))
def test_spanish_de_muerte(text: str, expected: str) -> None:
    check(text, expected)


# ---------------------------------------------------------------- deaths seen at work
# A paramedic, an EMT or a nurse who sees death at work. Her own means on herself stays urgent.
@pytest.mark.parametrize("text, expected", cases(
    ("none", [
        "As an EMT I see people die every shift, I need help with sleep after nights.",
        "I'm an ICU nurse, I deal with death at work all the time, looking for a therapist for stress.",
    ]),
    ("urgent", [
        "I'm a paramedic and I see death every shift, and lately I want to use the morphine I "
        "carry to kill myself.",
    ]),
))
def test_deaths_seen_at_work(text: str, expected: str) -> None:
    check(text, expected)


# ---------------------------------------------------------------- not really safe (rules alone)
# A softened "not safe" with where or when, texting forms too. Not "not safe to drive".
@pytest.mark.parametrize("text, expected", cases(
    ("urgent", [
        "also im not really safe at home tonight tbh",
        "not very safe here rn, can someone call me back",
        "honestly not totally safe by myself anymore",
    ]),
    ("none", [
        "not safe to drive in this snow, can I move to telehealth?",
        "the roads are not really safe to drive today, can we reschedule",
    ]),
))
def test_not_really_safe(text: str, expected: str) -> None:
    check(text, expected)


# ---------------------------------------------------------------- a goodbye posted (rules alone)
# A friend's goodbye posted on social media, recent by minutes or hours even when the message
# dates something else. Not a goodbye said to people or a place.
@pytest.mark.parametrize("text, expected", cases(
    ("urgent", [
        "my cousin posted what looked like a goodbye on facebook two hours ago and won't pick up",
        "mi hermana publicó una despedida en instagram hace una hora y no contesta, fue paciente "
        "suya el año pasado",
    ]),
    ("not urgent", [
        "said goodbye to my coworkers on my last day, now I need a new therapist in network",
        "she posted a goodbye to her old apartment on insta, can we move her intake to Friday",
    ]),
))
def test_a_goodbye_posted(text: str, expected: str) -> None:
    check(text, expected)


# ---------------------------------------------------------------- a car let into a structure
# How easy it would be to let the car go into a bridge, a pillar, traffic (rules alone). Not a
# tired driver's other lane, nor how easy it would be to drive somewhere.
@pytest.mark.parametrize("text, expected", cases(
    ("urgent", [
        "on my commute I keep thinking how easy it would be to let the car drift into the median",
        "lately on the way home I think about how easy it would be to steer into a bridge pillar",
    ]),
    ("none", [
        "it is scary how easy it would be to drift into the other lane when I am this tired, so "
        "I stopped driving at night",
        "I was thinking how easy it would be to drive to your clinic after work",
    ]),
))
def test_a_car_let_into_a_structure(text: str, expected: str) -> None:
    check(text, expected)


# ---------------------------------------------------------------- afraid of doing something (es)
# Afraid of doing something to oneself, not safe with oneself, the Spanish way (rules alone).
# Not making oneself something to eat, nor something new in one's hair.
@pytest.mark.parametrize("text, expected", cases(
    ("urgent", [
        "tengo miedo de hacerme algo cuando estoy sola de noche",
        "mi empleado dice que no se siente seguro consigo mismo y tiene miedo de hacerse algo",
    ]),
    ("none", [
        "tengo miedo de hacerme algo de comer y que me caiga mal con la medicina",
        "me da miedo hacerme algo nuevo en el pelo antes de la boda",
    ]),
))
def test_afraid_of_doing_something_to_oneself_spanish(text: str, expected: str) -> None:
    check(text, expected)
