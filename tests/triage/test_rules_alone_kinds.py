"""Kinds of urgent message the rules alone missed in blind rounds 8-11 (in English or Spanish),
fixed by fields, grammar and word forms (fields.toml "rules-alone kinds"; field_words.py).

Every sentence here was written for this test (none is a round's message), and is assessed with
the learned net switched off, so that the fields and the grammar must read it. Each kind has
near misses that must stay below `urgent` (most of them `none`).
"""

from __future__ import annotations

import pytest

from tests.triage.evaluation import assess_by_rules

URGENT = {
    "not trusting oneself now": [
        "Please call back soon, I don't trust myself tonight.",
        "Can't make the intake. I can't trust myself alone this weekend.",
        "honestly i dont trust myself rn with all the pills in the cabinet",
        "im not ok to be alone tonight, do you have an on-call doctor?",
    ],
    "a count of pills swallowed": [
        "i just took like 15 of my klonopin, is that a problem for the appointment tomorrow",
        "My daughter swallowed 30 of her sertraline an hour ago and won't tell me why.",
        "Anoche me tomé 20 pastillas para dormir.",
        "He popped 12 pills after the argument and went to sleep.",
    ],
    "a Spanish participle or progressive of an act": [
        "Me he cortado las piernas toda la semana.",
        "Mi hija se ha quemado el brazo con el encendedor a propósito.",
        "Mi novio se está haciendo daño otra vez y no quiere ayuda.",
        "Me estoy cortando otra vez, no sé cómo parar.",
    ],
    "a height looked up or stood at": [
        "I keep googling which overpasses downtown have no fencing.",
        "Been researching which bridges in the city still don't have nets.",
        "I stood at the edge of the top floor of the parking deck for an hour yesterday.",
        "Anoche estuve en el puente pensando en brincarme.",
    ],
}

NOT_URGENT = {
    "not trusting oneself now": [
        "I don't trust myself with money, can therapy help with spending?",
        "I don't trust myself to drive tonight in the snow, can we switch to video?",
        "I don't trust my memory, can you email me the appointment time?",
    ],
    "a count of pills swallowed": [
        "I took 20 mg of lexapro this morning, is that too low?",
        "I take 10 pills a day for my heart and diabetes, will ketamine interact?",
        "I took 10 of my students to the museum last week.",
        "Tomé 10 días de antibiótico el mes pasado.",
    ],
    "a Spanish participle or progressive of an act": [
        "Mi esposo me ha pegado y tengo miedo.",  # done to the writer: not self-harm
        "Mi jefe me está haciendo la vida imposible.",
        "Hola, el tráfico me mata, ¿tienen citas por video?",
        "Compré pan cortado para los niños.",
    ],
    "a height looked up or stood at": [
        "I looked up which bridges have bike lanes for my commute.",
        "We're putting a new fence around the balcony, can I still come Tuesday?",
        "Is the top floor of your building accessible by elevator?",
    ],
}


@pytest.mark.parametrize(("kind", "text"), [(k, t) for k, ts in URGENT.items() for t in ts])
def test_the_rules_alone_read_the_kind_as_urgent(kind: str, text: str) -> None:
    a = assess_by_rules(text)
    assert a.crisis == "urgent", (kind, text, a.crisis_evidence)


@pytest.mark.parametrize(("kind", "text"), [(k, t) for k, ts in NOT_URGENT.items() for t in ts])
def test_near_misses_stay_below_urgent(kind: str, text: str) -> None:
    a = assess_by_rules(text)
    assert a.crisis != "urgent", (kind, text, a.crisis_evidence)
