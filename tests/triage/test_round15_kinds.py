"""Blind round 15's kinds, each fixed by a context rule or a field (docs/triage.md, "Round 15's
misses, by kind"). Every sentence here was written for this file; none is a round's message.
The kinds are the rules' to read, so the rules are asserted alone (`assess_by_rules`): the
learned net has its own view of some of these sentences.
"""

from __future__ import annotations

import pytest

from tests.triage.evaluation import assess_by_rules
from tests.triage.kinds import cases, check


# ---------------------------------------------------------------- a workshop, a talk, a training
# The term is the topic of a workshop or a talk someone organises: informational. Not when the
# writer says their own state in the same sentence.
@pytest.mark.parametrize("text, expected", cases(
    ("review", [
        "Somos un grupo de madres y queremos hacer una charla sobre prevención del suicidio en "
        "la escuela. ¿Alguien de ustedes podría venir?",
        "Our youth group is planning a workshop on suicide prevention for parents next spring. "
        "Do your clinicians ever speak at events like that?",
    ]),
    ("urgent", [
        "I went to a workshop on suicide prevention and I realised I have been planning to kill "
        "myself for weeks.",
        "Fui a una charla sobre el suicidio y desde entonces quiero matarme.",
    ]),
))
def test_the_term_as_the_topic_of_a_workshop(text: str, expected: str) -> None:
    check(text, expected)


# ---------------------------------------------------------------- a professional asks to explain
# Someone in a role asks for an explanation of the terms or materials for a training:
# informational. Not when the sentence says the writer's own state.
@pytest.mark.parametrize("text, expected", cases(
    ("review", [
        "I'm a youth pastor. Could someone explain the warning signs of suicidal thinking so our "
        "volunteers know what to look for?",
        "I'm a middle school teacher preparing a staff training. Do you have materials on "
        "self-harm in adolescents you could share?",
    ]),
    ("urgent", [
        "I'm a nursing student. Can you explain why I keep wanting to kill myself?",
        "I'm a teacher and I've been having suicidal thoughts, can you explain what happens at "
        "an intake?",
    ]),
))
def test_a_professional_asking_for_an_explanation(text: str, expected: str) -> None:
    check(text, expected)


# ---------------------------------------------------------------- a student's research
# A student of psychology, social work or medicine researching a treatment and the term, in
# English, Spanish and German (a journalist): informational. A student who writes of her own
# thoughts stays urgent.
@pytest.mark.parametrize("text, expected", cases(
    ("review", [
        "Soy estudiante de enfermería y estoy realizando una tesis sobre ketamina y pensamientos "
        "suicidas en adultos mayores. ¿Podría hablar con alguno de sus médicos?",
        "I'm a social work student researching how rural clinics use esketamine for suicidal "
        "depression. Would a clinician have ten minutes for my questions?",
        "Hallo, ich bin Journalistin und recherchiere über TMS und Suizidgedanken bei "
        "Jugendlichen. Hätten Sie Zeit für ein Gespräch?",
    ]),
    ("urgent", [
        "Soy estudiante de psicología y estoy haciendo una investigación, pero la verdad tengo "
        "ideación suicida desde hace semanas.",
        "I'm a psychology student researching ketamine because I've been suicidal myself since "
        "March and nothing else has worked.",
    ]),
))
def test_a_students_or_journalists_research(text: str, expected: str) -> None:
    check(text, expected)


# ---------------------------------------------------------------- a drug's warning, a label
# A warning about the term, a label that says it, or whether a drug can cause it: the term is
# named as a possible effect, not a state. A result or the writer's own experience keeps it.
@pytest.mark.parametrize("text, expected", cases(
    ("review", [
        "My doctor mentioned Effexor has a warning about suicide risk in people under 25. Does "
        "ketamine carry anything like that?",
        "the leaflet in the box, the one that says suicidal thoughts in bold, is that something "
        "you would check on?",
        "A customer asked me whether sertraline can cause suicidal thoughts, could a prescriber "
        "call her back to talk it through?",
    ]),
    ("urgent", [
        "I wanted to know whether Zoloft can cause suicidal thoughts because I've been having "
        "them every day since I started it.",
        "The pamphlet warned about suicidal thoughts and now I have them all the time.",
    ]),
))
def test_a_drugs_warning_about_the_term(text: str, expected: str) -> None:
    check(text, expected)


# ---------------------------------------------------------------- denials on forms and calls
# The intake's question objected to ("do I have to answer..."), a questionnaire's answer
# confirmed no, asked about it then a bare no, a form's item corrected to "not at all". A denial
# followed by "but lately..." or a correction to a positive answer stays urgent.
@pytest.mark.parametrize("text, expected", cases(
    ("review", [
        "do i have to answer the self-harm question on the new patient form? it feels intrusive",
        "Sobre el formulario: marqué que no a lo de hacerme daño, así está bien.",
        "I answered no to the question about hurting myself, just confirming that is right.",
        "the nurse asked about self harm and no, nothing like that, I'm just exhausted",
        "On the intake survey there's an item on thoughts that you'd be better off dead. I meant "
        "to put 'not at all' but the page froze. Can you reset it?",
    ]),
    ("urgent", [
        "They asked about self harm and no, I lied, I've been cutting every night.",
        "On the intake survey there's an item on thoughts that you'd be better off dead. I meant "
        "to put 'nearly every day' but the page froze.",
        "I'm not suicidal, but lately I keep thinking about driving off the bridge.",
        "Puse que no a lo de hacerme daño pero la verdad me corté ayer.",
    ]),
))
def test_denials_on_forms_and_calls(text: str, expected: str) -> None:
    check(text, expected)


# ---------------------------------------------------------------- treatments by kind
def _treatments(text: str) -> set[str]:
    return set(assess_by_rules(text).treatments)


@pytest.mark.parametrize("text, expected", [
    # an animal the person already has is no letter asked for
    ("Is it ok if my emotional support cat comes along to my TMS sessions?", {"tms"}),
    ("I need a letter for my emotional support dog, my landlord is asking.", {"other"}),
    ("Do you write emotional support animal letters?", {"other"}),
    # a peer support specialist asking how to refer people asks nothing for herself
    ("I'm a peer support specialist at a recovery center. How do clients get referred to your "
     "Spravato program, and what are the criteria?", set()),
    # a professional who asks care for herself ("if I do ... with you") wants it
    ("I'm an NP and my hospital needs documentation for any treatment I do. If I start TMS with "
     "you, can you send a letter?", {"tms"}),
])
def test_treatment_kinds_of_round_15(text: str, expected: set[str]) -> None:
    assert _treatments(text) == expected, text
