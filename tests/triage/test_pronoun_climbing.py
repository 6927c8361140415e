"""Spanish self-harm said with the pronoun before a leading verb ("me volví a cortar", "me traté
de cortar", "se quiere lastimar"): the rules read it as the plain "me corté" (docs/triage.md,
"The pronoun before a leading verb"). Found by a helper measuring the learned net: only the net
kept "me volví a cortar ayer" urgent. Every sentence here was written for this file."""

from __future__ import annotations

import pytest

from tests.triage.evaluation import assess_by_rules


@pytest.mark.parametrize("text", [
    "Anoche me volví a cortar, no sé qué hacer.",
    "Me traté de cortar el fin de semana pasado.",
    "Mi hija se volvió a cortar los brazos.",
    "Cuando me da la ansiedad me vuelvo a quemar con el encendedor.",
    "Me he vuelto a lastimar aunque le prometí a mi mamá que no.",
    "Me empecé a cortar otra vez en noviembre.",
    "Me acabo de cortar y tengo miedo.",
    "A veces me quiero cortar para dejar de sentir esto.",
    "Mi novio dice que se va a ahorcar si lo dejo.",
    "Se intentó lastimar en la escuela, nos llamó la maestra.",
])
def test_the_pronoun_before_a_leading_verb_is_self_harm(text: str) -> None:
    assert assess_by_rules(text).crisis == "urgent", text


@pytest.mark.parametrize("text", [
    "Mañana me voy a cortar el pelo antes de la cita.",
    "Se volvió a cortar la luz en mi colonia, por eso no contesté.",
    "Se volvió a cortar la llamada, ¿me pueden marcar de nuevo?",
    "Me acabo de cortar las uñas.",
    "Me volví a cortar el flequillo yo sola.",
    "Voy al gimnasio porque me quiero quemar grasa.",
])
def test_cutting_or_burning_a_thing_is_not(text: str) -> None:
    assert assess_by_rules(text).crisis == "none", text
