"""Kinds of urgent message the rules missed in blind rounds 10 and 11, fixed by fields and grammar.

Every sentence here was written for this test (none is a round's message), and is assessed with
the learned net switched off, so that it is the fields and the grammar that must read it: the net
has read the frozen rounds and would hide a rule that does not work. Each kind has near-misses
that must stay below `urgent`.
"""

from __future__ import annotations

import pytest

from tests.triage.evaluation import assess_by_rules

URGENT = {
    "decided to go": [
        "ya lo decidí, me voy de este mundo antes de que acabe el año",
        "I've made up my mind that I'm leaving this world",
        "Mi papá dejó de ir a diálisis y nos dijo que así se quiere ir.",
        "Renal clinic note: she has refused her last two dialysis runs, says this is how I choose to go.",
        "I've stopped taking my insulin. Honestly this is my way out.",
    ],
    "vehicle": [
        "Can the intake be on a Thursday? Also, lately when I drive home I think about letting the car veer into traffic. Thank you.",
        "i keep having thoughts of crashing my car on the way to work",
        "Sometimes on the highway I picture steering into a truck.",
        "pienso mucho en chocar el carro para que parezca un accidente",
    ],
    "disguised goodbye": [
        "My sister says she's done, and she gave her cat to the neighbor downstairs yesterday.",
        "I've been giving my records and clothes away to friends, I tell them I'm moving. I'm not moving.",
        "my friend will take my dog from next week and i've finished letters for my kids. can i get an appointment before that?",
        "I put my son's name on the deed this week; he'll be fine without me.",
        "cancel my appt, I'm not going to be around anymore. thanks for trying",
        "wrote a goodbye post last week and deleted it",
    ],
    "near-attempt and means known": [
        "Questions: 1) parking? 2) three weeks ago I stood on the edge of the hospital roof for an hour before I went back in. 3) do you take Aetna?",
        "I'm a pharmacist. I know the doses and I have access to everything at the pharmacy.",
        "Soy enfermera, sé las dosis y tengo acceso a todo en el hospital.",
    ],
    "spanish and third parties": [
        "Referencia: paciente de 40 años, intento de suicidio por ahorcamiento hace 5 semanas, solicito evaluación.",
        "Referral: 52M, suicide attempt by overdose five weeks ago, requesting med management.",
        "Mi papá dice que ya no quiere seguir.",
        "Mi abuela le pide a Dios todas las noches que se la lleve.",
        "dejó mensaje: mi hermano ya arregló todos sus papeles del testamento y dice que pronto no vamos a tener que preocuparnos por él",
    ],
    "deadline": [
        "if nothing changes by my birthday I'm done",
        "if i'm still like this after the holidays i'm checking out for good",
        "If the ketamine doesn't help, I have a date picked. Mid-March.",
        "if i have to do another winter like this i won't make it to spring break, and i mean that literally",
        "si sigo así para marzo, me voy de este mundo",
    ],
}

NOT_URGENT = {
    "decided to go": [
        "He missed dialysis last week because of the snow and is choosing to go to a closer center.",
        "Hospice asked us to schedule a family meeting; mom chose to stop chemo and go home.",
        "ya decidí que me voy de la ciudad en enero, ¿tienen telemedicina?",
        "I decided to dye my hair blue before starting TMS, is that okay?",
        "Can dialysis days be worked around? He goes Monday, Wednesday and Friday mornings.",
    ],
    "vehicle": [
        "I'm anxious driving since I crashed my car last year; can TMS help with that?",
        "My commute is awful, traffic on 93 is bad and I can only make it by 5.",
        "We dream of driving off the road map this summer, a long trip before I start therapy.",
    ],
    "disguised goodbye": [
        "We're moving to Ohio, so my sister will take my cat and I'm giving my books away.",
        "I gave my old couch to a neighbor and donated my clothes to Goodwill; can I book therapy?",
        "I'm not going to be around next week, can we reschedule?",
        "We rehomed our dog because of my son's allergy, and he's done with school for the summer.",
    ],
    "near-attempt and means known": [
        "We stood at the edge of the Grand Canyon on vacation and it was gorgeous.",
        "I'm a nurse with access to the Pyxis, looking for ADHD med management.",
        "As a pharmacist I know the doses of most antidepressants; what do you prescribe for anxiety?",
    ],
    "spanish and third parties": [
        "Referral: 52M, suicide attempt in 2015, stable since, requesting med management.",
        "Mi hijo ya no quiere seguir con la sertralina, ¿pueden cambiarle el medicamento?",
        "Mi mamá dice que ya no quiere seguir en esa escuela.",
        "Le pido a Dios que me dé fuerzas para seguir con la terapia.",
        "ya arreglé los papeles del seguro del carro, ¿aceptan Medicaid?",
    ],
    "deadline": [
        "If nothing changes by my birthday I'm switching therapists.",
        "We picked a date for my wedding; if it doesn't work with the TMS schedule, can we move sessions?",
        "If I'm still like this in a month can we try a different med?",
        "I won't make it to the 3pm appointment, literally stuck in traffic, can we move it?",
    ],
}


@pytest.mark.parametrize("text", [t for texts in URGENT.values() for t in texts])
def test_each_kind_is_urgent_by_the_rules_alone(text: str) -> None:
    assert assess_by_rules(text).crisis == "urgent"


@pytest.mark.parametrize("text", [t for texts in NOT_URGENT.values() for t in texts])
def test_near_misses_stay_below_urgent(text: str) -> None:
    assert assess_by_rules(text).crisis != "urgent"


# A screen named in letters is read by a person at least (`review`), as the screen named whole is.
@pytest.mark.parametrize("text", [
    "My therapist did the C S S R S with me last week.",
    "they gave me the c.s.s.r.s. and i said yes to question 2",
    "hi um calling back about the C S S R S they did in the ER",
])
def test_a_screen_spelled_letter_by_letter_is_read(text: str) -> None:
    assert assess_by_rules(text).crisis in ("review", "urgent")
