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
    # a form that could be either, with someone else named as its subject
    "Mi hermano me volvía a pegar cada vez que tomaba.",
    "Mi ex ya me quería lastimar desde antes.",
    "Cuando era niña mi padrastro me intentaba ahorcar.",
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
    "A veces me quería matar.",
    "Mi hija me dijo que se volvía a cortar.",
    "Nadie me quería lastimar, yo solita me cortaba.",
])
def test_the_pronoun_of_the_verbs_own_person_stays_urgent(text: str) -> None:
    assert assess_by_rules(text).crisis == "urgent", text


@pytest.mark.parametrize("text", [
    "Mi padrastro me volvió a pegar y ya no quiero vivir.",
    "Mi ex me intentó lastimar otra vez y pienso en quitarme la vida.",
])
def test_abuse_with_suicidal_content_stays_urgent(text: str) -> None:
    assert assess_by_rules(text).crisis == "urgent", text


# ------------------------------------------------------------ 2. a time dates its own clause
@pytest.mark.parametrize("text", [
    "I tried to kill myself in 2015 and I called your office an hour ago about TMS.",
    "I overdosed when I was 19, and I left a voicemail yesterday asking about Spravato.",
    "My suicide attempt was back in 2012 but I emailed you this morning about ketamine.",
    "I cut myself in high school, and today I finally booked an appointment with my doctor.",
    "Intenté suicidarme en 2016 y les llamé hace una hora para pedir una cita.",
    "Me corté en la adolescencia y ayer llené el formulario de su página.",
])
def test_a_recent_time_of_another_event_leaves_an_old_act_old(text: str) -> None:
    assert assess_by_rules(text).crisis == "review", text


@pytest.mark.parametrize("text", [
    "I tried to kill myself in 2015 and again yesterday.",
    "I attempted in 2015 and today I feel the same way.",
    "I overdosed years ago and I took a bunch of pills an hour ago.",
    "I tried to kill myself in 2015, I called an hour ago because it is happening again.",
    "Intenté suicidarme en 2016 y ayer lo volví a intentar.",
    "I tried to kill myself an hour ago, I called you in 2015 about it.",
    "I cut myself yesterday and the first time was in 2010.",
    "Me corté en 2019 y hoy también.",
])
def test_a_recent_time_that_may_be_the_acts_keeps_it_urgent(text: str) -> None:
    assert assess_by_rules(text).crisis == "urgent", text


# ------------------------------------------------------------ 3. a present wish is now
@pytest.mark.parametrize("text", [
    "Mi mamá murió hace tres meses y quiero irme con ella.",
    "Mi esposo falleció el año pasado y ahora solo quiero morirme.",
    "My husband passed away last year and I want to die.",
    "My dad died two years ago and I just want to join him now.",
    "My son died in 2019 and I wish I could go to sleep and not wake up.",
    "Perdí a mi hijo hace dos años y deseo estar muerta.",
])
def test_a_present_wish_is_current_whatever_another_clauses_date(text: str) -> None:
    assert assess_by_rules(text).crisis == "urgent", text


@pytest.mark.parametrize(("text", "level"), [
    ("My husband passed away last year and I wanted to die back then.", "review"),
    ("Mi mamá murió hace tres meses y en ese momento quería morirme.", "review"),
    ("In 2015 I wanted to die.", "review"),
    ("My husband passed away last year and I want to start therapy.", "none"),
    ("My mom died last year and I want to be with my kids now.", "none"),
])
def test_a_past_wish_or_another_want_is_not(text: str, level: str) -> None:
    assert assess_by_rules(text).crisis == level, text


# ------------------------------------------------------------ 4. kinds the rules alone missed
@pytest.mark.parametrize("text", [
    # a lethal amount asked or known, often after a work introduction
    "I'm a nurse. I know how much morphine would stop my breathing and I think about it a lot.",
    "I work as a pharmacist. Lately I keep working out what amount of insulin would be enough "
    "for me.",
    "Soy enfermera. Sé exactamente cuánta insulina haría falta para no despertar y lo pienso "
    "todos los días.",
    "Trabajo en una farmacia. Ya calculé cuántas pastillas de las que vendo serían suficientes "
    "para mí.",
    "i've already looked up how many of my percs it would take.",
    # counting or putting by one's supply
    "I've counted what I have and it's more than enough.",
    "My doctor keeps refilling my Xanax. I have 60 of them saved in a drawer.",
    "He contado las pastillas que tengo y son suficientes.",
    "Tengo 50 guardadas en el cajón.",
    # envy of the dying or the dead
    "I envy the hospice patients I care for.",
    "I'm jealous of people who get to die.",
    "I work in palliative care and lately I find myself envying my patients, honestly wishing "
    "it was me who gets to rest.",
    "Sometimes I'm jealous of the residents at the nursing home who are dying, they get to be "
    "done.",
    "Envidio a los que se mueren.",
    "Me da envidia la gente que se muere, ya no tiene que sufrir.",
    "Ojalá fuera yo la que se está muriendo y no mi tía.",
    # a question, then the writer's own
    "¿El TMS sirve para las ideas suicidas? Pregunto porque yo las tengo.",
    "does spravato help with suicidal thoughts fast? asking bc i've had them nearly every day "
    "since new year.",
    "¿La ketamina ayuda con los pensamientos suicidas? Yo también los tengo desde hace semanas.",
    # a will written young
    "I'm 22 and I just finished writing my will.",
    "Tengo 23 años y ya hice mi testamento.",
    "At 25 I've already made a will, just in case.",
])
def test_kinds_the_rules_alone_missed_are_urgent(text: str) -> None:
    assert assess_by_rules(text).crisis == "urgent", text


@pytest.mark.parametrize(("text", "level"), [
    ("How much would a course of Spravato cost with my insurance?", "none"),
    ("How many sessions of TMS would be enough for me to feel better?", "none"),
    ("What dose of sertraline would be best for my anxiety?", "none"),
    ("¿Cuántas sesiones de TMS serían suficientes?", "none"),
    ("I counted what I have in savings and it's enough for the copay.", "none"),
    ("Conté lo que tengo en ahorros y alcanza para el copago.", "none"),
    ("I have 20 of them left on my punch card.", "none"),
    ("I envy people who can sleep eight hours.", "none"),
    ("My grandma is in hospice and I'm envious of how calm she is.", "none"),
    ("Le tengo envidia a mi hermana porque tiene un buen trabajo.", "none"),
    ("I wish it was me who got the job instead of him.", "none"),
    ("Ojalá fuera yo la que viaja a España este verano.", "none"),
    ("I was hospitalized against my will at 19.", "none"),
    ("I'm 28 and my mom asked me to help her write her will.", "none"),
    ("Tengo 30 años y quiero saber si mi seguro cubre TMS.", "none"),
    ("Is it normal to feel tired after TMS? I do.", "none"),
    ("Is esketamine approved for suicidal ideation? I do not have any, just curious.", "review"),
    ("¿La ketamina puede provocar pensamientos suicidas? Yo no los tengo, pero me da miedo.",
     "review"),
    ("¿El TMS sirve para las ideas suicidas? Los tengo que anotar para mi tesis.", "review"),
])
def test_their_harmless_neighbours_stay(text: str, level: str) -> None:
    assert assess_by_rules(text).crisis == level, text


# ------------------------------------------------------------ found on the way
@pytest.mark.parametrize("text", [
    # the Spanish pronoun and its verb inside an English message
    "Thanks for the info about TMS. Anoche me volví a quemar con un cigarro en la pierna.",
    "Quick question about Spravato, also mi hija se quiere matar, please call.",
    "Thanks for the info about TMS. Me he vuelto a cortar.",
    # others better off with one's insurance money, whatever another clause's date
    "My kids would be better off with my life insurance.",
    "Honestly they'd all be better off with the insurance payout.",
    "Mi familia estaría mejor con el dinero del seguro.",
    "I had an attempt fifteen years ago, my kids would be better off with my life insurance now.",
])
def test_found_on_the_way(text: str) -> None:
    assert assess_by_rules(text).crisis == "urgent", text


def test_a_policy_bought_is_not_a_payout() -> None:
    text = "We'd be better off with a life insurance policy, what do you think?"
    assert assess_by_rules(text).crisis != "urgent"
