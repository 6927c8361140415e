"""Stop 23's kinds (docs/triage.md, "Stop 23: the pronoun and its verb, dates by clause, and
four kinds the rules missed"). Every sentence here was written for this file, none is a
round's message; each kind has positives and near neighbours, read by the rules alone
(`assess_by_rules`: the learned net switched off) unless said otherwise."""

from __future__ import annotations

import pytest

from tests.triage.evaluation import assess_by_rules
from zoelife.triage.spanish_verbs import verb_forms

# ------------------------------------------------------------ 1. the pronoun and its verb
_LEADS = frozenset("volver tratar intentar empezar acabar querer ir seguir poder haber".split())


@pytest.mark.parametrize(("folded", "original", "expected"), [
    ("volvi", "volví", {"volver#1s"}),
    ("volvio", "volvió", {"volver#3s"}),
    ("volvio", "volvio", {"volver#3s"}),  # typed without its accent
    ("volvia", "volvía", {"volver#1s", "volver#3s"}),  # either: doubt keeps both
    ("intento", "intentó", {"intentar#3s"}),
    ("intento", "intento", {"intentar#1s", "intentar#3s"}),
    ("acaba", "acaba", {"acabar#3s"}),
    ("quiero", "quiero", {"querer#1s"}),
    ("quiso", "quiso", {"querer#3s"}),
    ("va", "va", {"ir#3s"}),
    ("he", "he", {"haber#1s"}),
    ("ha", "ha", {"haber#3s"}),
    ("vuelto", "vuelto", {"volver#pp"}),
    ("empiezo", "empiezo", {"empezar#1s"}),
])
def test_a_leading_verb_knows_its_person(folded: str, original: str, expected: set) -> None:
    assert set(verb_forms(folded, original, _LEADS)) == expected


@pytest.mark.parametrize("text", [
    "Mi hermano me volvió a pegar anoche y tengo miedo de volver a la casa.",
    "Mi ex me intentó lastimar cuando fui por mis cosas.",
    "Mi padrastro me empezó a golpear cuando cumplí doce años.",
    "Mi pareja me ha vuelto a pegar, necesito ayuda para mi ansiedad.",
    "Ella me acaba de lastimar con sus palabras, no sé qué hacer.",
    "Mi esposo me quiere matar, me lo dijo ayer.",
    "Mi esposo quiere matarme, ya no sé qué hacer.",
    "Mi ex intentó lastimarme anoche.",
    "Mi mamá me va a matar cuando vea mis calificaciones, jaja.",
])
def test_someone_else_hurting_the_writer_is_not_self_harm(text: str) -> None:
    a = assess_by_rules(text)
    assert a.crisis != "urgent", text
    assert not any(e.category in ("self_harm", "attempt", "active_ideation")
                   for e in a.crisis_evidence), text


@pytest.mark.parametrize("text", [
    "Me volví a cortar anoche.",
    "Me quiero matar.",
    "Se volvió a cortar mi hija la semana pasada.",
    "Mi hijo se quiere matar, lo dijo en la cena.",
    "Me he vuelto a lastimar los brazos.",
    "Te vas a cortar otra vez si no hablas con alguien.",
    "Nos volvimos a cortar mi amiga y yo en el baño de la escuela.",
    "Mi hermana se empezó a quemar con cigarros este mes.",
    "Me intenté matar hace dos semanas.",
    "Me volvía a cortar cada noche este mes.",
    "Quiero matarme.",
    "Mi hija quiere matarse.",
    "Ella trató de cortarse las venas ayer.",
])
def test_the_pronoun_of_the_verbs_own_person_stays_urgent(text: str) -> None:
    assert assess_by_rules(text).crisis == "urgent", text


@pytest.mark.parametrize("text", [
    "Mi padrastro me volvió a pegar y ya no quiero vivir.",
    "Mi ex me intentó lastimar otra vez y pienso en quitarme la vida.",
])
def test_abuse_with_suicidal_content_stays_urgent(text: str) -> None:
    assert assess_by_rules(text).crisis == "urgent", text
