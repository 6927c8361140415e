"""Blind round 13's kinds, each fixed by a field, a rule or a context rule (docs/triage.md,
"Round 13's misses, by kind"). Every sentence here was written for this file; none is a
round's message. Where the learned net has an opinion of its own, the rules are asserted
alone (`assess_by_rules`): the kind is the rules' to read.
"""

from __future__ import annotations

import pytest

from tests.triage.evaluation import assess_by_rules
from zoelife.triage import assess


# ---------------------------------------------------------------- self-harm by blows, in Spanish
@pytest.mark.parametrize("text", [
    "Me he estado dando golpes en los brazos con una correa cuando me desespero.",
    "Me doy golpes en la cabeza cuando me enojo conmigo misma.",
    "Me golpeo los muslos hasta que se ponen morados.",
    "Sigo dándome golpes cuando tengo ataques de pánico.",
    "Mi hija se está dando de golpes en la cabeza, ¿la pueden ver hoy?",
    # English, already read: the kind in both languages.
    "I've been hitting my thighs with a belt when the panic gets bad.",
])
def test_blows_given_to_oneself_are_urgent(text: str) -> None:
    assert assess_by_rules(text).crisis == "urgent", text


@pytest.mark.parametrize("text", [
    "Me di un golpe en la rodilla con la mesa del comedor.",  # a knock
    "Le di golpes al saco de boxeo en el gimnasio, qué buen ejercicio.",
    "Golpeo la masa del pan con las manos para que quede suave.",
    "El pediatra le dio golpecitos en la rodilla con el martillo.",
])
def test_blows_that_are_not_self_harm_are_not_urgent(text: str) -> None:
    assert assess_by_rules(text).crisis != "urgent", text


# ---------------------------------------------------------------- idioms: killed by laughter
@pytest.mark.parametrize("text", [
    "Me mató de risa el meme que me mandaste, ¿tienen citas los sábados?",
    "Mi sobrino me mata de risa con sus chistes. Quiero información de terapia.",
    "Nos estábamos matando de risa en la sala de espera, jaja.",
    "Ese comediante me va a matar de risa, pero bueno, ¿aceptan Cigna?",
    "Me maté de risa con la película anoche. ¿Puedo cambiar mi cita?",
    "That stand-up special killed me with laughter, anyway can I move my appointment?",
])
def test_killed_by_laughter_is_none(text: str) -> None:
    assert assess_by_rules(text).crisis == "none", text


@pytest.mark.parametrize("text", [
    "Me quiero matar, ya no aguanto.",
    "Me maté... casi, me cortaron la soga a tiempo.",
    "Me mató de tristeza lo de mi abuela y ya no quiero vivir.",
    "Esta risa es lo único que me queda, a veces pienso en matarme.",
])
def test_killing_oneself_beside_the_idiom_stays_urgent(text: str) -> None:
    assert assess(text).crisis == "urgent", text


# ---------------------------------------------------------------- idioms: at the end of one's rope
@pytest.mark.parametrize("text", [
    "I'm at the end of my rope with my insurance company, they denied the claim twice.",
    "Honestly at the end of my rope with the prior auth process. Who can help?",
    "Ya no puedo más con el seguro, me negaron la autorización otra vez.",
    "No aguanto más con el papeleo de la aseguradora, ¿ustedes lo pueden mandar?",
])
def test_exasperation_with_a_thing_is_none_by_the_rules(text: str) -> None:
    assert assess_by_rules(text).crisis == "none", text


@pytest.mark.parametrize("text", [
    "I'm at the end of my rope.",  # alone: a person reads it
    "I'm at the end of my rope with life.",
    "Ya no puedo más con esta vida.",
    "Ya no puedo más.",
])
def test_the_rope_alone_or_with_life_is_still_flagged(text: str) -> None:
    assert assess_by_rules(text).crisis != "none", text


def test_a_rope_bought_is_still_urgent() -> None:
    assert assess("I bought a rope and tied it in the garage.").crisis == "urgent"


# ---------------------------------------------------------------- a psychiatric stay denied
@pytest.mark.parametrize("text", [
    "Referral: 29F, panic disorder, on sertraline 100. No psychiatric hospitalizations.",
    "Pt has never had a psychiatric hospitalization. Requesting med management.",
    "No prior psych hospitalizations; referred for TMS evaluation.",
])
def test_a_denied_psychiatric_stay_is_no_sign(text: str) -> None:
    assert assess_by_rules(text).crisis == "none", text


@pytest.mark.parametrize(("text", "level"), [
    ("Two psychiatric hospitalizations, the last in March. Referred for Spravato.", "review"),
    ("He had a psychiatric hospitalization last month.", "review"),
    ("No psychiatric hospitalizations, but she took a bottle of pills last week.", "urgent"),
    ("No psychiatric hospitalizations. Denies SI.", "review"),  # the SI denial is still read
])
def test_a_stay_had_or_a_risk_beside_the_denial_is_still_read(text: str, level: str) -> None:
    assert assess(text).crisis == level, text


# ---------------------------------------------------------------- information, not risk
@pytest.mark.parametrize("text", [
    # A term as the topic of something read or written.
    "I read an article about TMS and suicidal thoughts. How long does the effect last?",
    "Leí su artículo sobre la ketamina y la ideación suicida. ¿Cuánto dura el efecto?",
    "I'm working on a project for my psychology class about ketamine and suicidal ideation, "
    "how do you screen patients?",
    "Estoy preparando una presentación para la clase sobre el suicidio en adolescentes. "
    "¿Qué protocolo siguen?",
    # How the clinic handles someone, asked without a question mark.
    "calling to ask how you handle someone who says they're thinking about suicide, I'm a "
    "youth pastor",
    "I want to know how you handle a patient who says they are suicidal during a session",
    "quería saber qué hacen si alguien dice que está pensando en suicidarse, soy maestra",
    # A denial given on a form.
    "en el formulario me preguntaron si tenía pensamientos suicidas y marqué que no, ¿importa?",
    "the screening asked about thoughts of suicide and I put no, is that enough for my intake",
    # Others lost to suicide, told with a personal denial.
    "We lost two of our coworkers to suicide this decade. I'm not having those thoughts myself.",
    "Perdí a dos compañeros de la escuela por suicidio. Yo no tengo esas ideas.",
    # Old self-harm asked about for eligibility: "can I still" asks, it does not date.
    "I self harmed in high school, can I still do spravato?",
    "Me corté cuando estaba en la prepa, ¿todavía puedo recibir esketamina?",
])
def test_information_denials_losses_and_old_history_are_review(text: str) -> None:
    assert assess_by_rules(text).crisis == "review", text


@pytest.mark.parametrize("text", [
    "I read an article about TMS and suicidal thoughts and now I'm having them every night.",
    "I saw a video about suicide and I keep thinking about it.",
    "I want to know how to help a student who is suicidal right now, she is in my office",
    "me preguntaron si tenía pensamientos suicidas y puse que sí",
    "I lost my brother to suicide and I want to kill myself too.",
    "I self harmed in high school and still do, can I get help?",
    "Me corté cuando estaba en la prepa y todavía lo hago, ¿puedo recibir esketamina?",
    "I nearly died by suicide last month.",
])
def test_near_misses_of_the_review_kinds_stay_urgent(text: str) -> None:
    assert assess(text).crisis == "urgent", text


# ---------------------------------------------------------------- treatments by kind
@pytest.mark.parametrize(("text", "wanted"), [
    # Services not offered, named by their shape: evaluations and tests of attention or memory.
    ("Do you do ADHD evals for adults? I'm 34.", {"other"}),
    ("my daughter wants to be evaluated for a d d, can you do that", {"other"}),
    ("Neurology asked for cognitive testing too, plus a TMS consult.", {"other", "tms"}),
    ("¿Hacen evaluaciones neuropsicológicas para adultos mayores?", {"other"}),
    # Therapy had, and how it went: not asked for again.
    ("Therapy helped me a lot after the divorce; now I'd like to try Spravato.", {"spravato"}),
    ("Mi hijo ha estado bien con terapia, ahora queremos un psiquiatra para sus medicinas.",
     {"medication_management"}),
    # A new medicine avoided: not asked for.
    ("I'd like to avoid starting a new medication, so TMS please.", {"tms"}),
    ("Prefiero evitar empezar otro medicamento, me interesa la EMT.", {"tms"}),
    # Treatment dated to a past month, and referral shorthand for history.
    ("Question about my statement for the ketamine infusion back in March.", set()),
    ("Pt 60F, hx ECT in 2019, referred for TMS.", {"tms"}),
    # Spanish follow-up of medicines is medication management.
    ("Solicito seguimiento farmacológico y valoración para EMT.", {"medication_management", "tms"}),
    # A voicemail's esketamine, heard as two words.
    ("calling about the es ketamine spray for my husband", {"spravato"}),
    ("hi it's about the ask ketamine nasal spray, does medicare cover it", {"spravato"}),
])
def test_round13_treatment_kinds(text: str, wanted: set[str]) -> None:
    assert set(assess(text).treatments) == wanted, assess(text).treatments


@pytest.mark.parametrize(("text", "wanted"), [
    ("I want therapy, I've been looking for a therapist for months.", {"therapy"}),
    ("quiero terapia, necesito una psicóloga que hable español", {"therapy"}),
    ("Therapy helped a bit but I want to go back to it, and try TMS.", {"therapy", "tms"}),
    ("La terapia me ayudó mucho, quiero volver a terapia.", {"therapy"}),
    ("I want IV ketamine, not the nasal spray.", {"ketamine"}),
    ("IV ketamine or Spravato, whichever is covered.", {"ketamine", "spravato"}),
    ("I'm not trying to avoid medication, I want a med evaluation.", {"medication_management"}),
    ("Is ADHD something your psychiatrists treat with medication?", {"medication_management"}),
])
def test_round13_treatment_near_misses(text: str, wanted: set[str]) -> None:
    assert set(assess(text).treatments) == wanted, assess(text).treatments
