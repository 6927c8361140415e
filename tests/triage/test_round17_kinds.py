"""Round 17's misses, by kind (docs/triage.md, "Round 17's misses, by kind").

Every sentence here is new, written for the kind, never a round 17 message; each is checked by
the rules alone (`assess_by_rules`) and with the learned net (`assess`), and the harmless near
neighbours must not move.
"""

from __future__ import annotations

import pytest

from tests.triage.evaluation import assess_by_rules
from zoelife.triage import assess

BOTH = (assess_by_rules, assess)

URGENT = [
    # counting a supply that is not one's dose (means)
    "Most nights I count my mother's leftover hydrocodone in the bathroom.",
    "I keep counting the spare Xanax from my old prescription, over and over.",
    "Counted my dad's old morphine pills again tonight, just to know how many there are.",
    "Anoche volví a contar las pastillas que le sobraron a mi mamá, solo para saber cuántas hay.",
    # drowning with weights, joke words or not (a method: in doubt, urgent)
    "lmao might just walk into the lake with stones in my pockets if this doesn't work",
    "If the ketamine fails I'll take a swim in the river with a pocketful of rocks in my jacket haha",
    "jaja si no funciona me meto al mar con piedras en los bolsillos",
    # the next of others' suicides
    "Two friends from my squad killed themselves since spring and honestly I'll be next.",
    "Four of the guys I deployed with went the same way and I think I'm the next on the list.",
    "Ya van dos compañeros que se quitaron la vida y siento que soy el siguiente.",
    # a stretch of cutting going on now
    "My son is going through a phase of cutting and won't talk to us.",
    "She is in 9th grade and is going through a period of cutting.",
    # goodbyes said "just in case" (round 17's urgent misses)
    "I already told my sister goodbye, just in case.",
    "Ya me despedí de mi mamá por si las dudas, no creo que me quede mucho.",
    # a high place gone to night after night, and stayed at (a rehearsal)
    "Most nights I take the elevator to the top of the parking garage and just stand at the edge.",
    "Cada noche manejo hasta el puente y me quedo ahí sentado un rato.",
    # a death passed off as an accident, near a height or a means
    "My brother keeps standing on the bridge railing and told me a fall would look like an accident.",
    "Mi papá dijo que con sus pastillas nadie sabría, que parecería un accidente.",
]

REVIEW = [
    # another person's cutting, years ago: review, never none
    "My son went through a phase of cutting in 7th grade; he's in college now.",
    "Our daughter had a period of cutting when she was in sixth grade and the worry is back.",
    "Mi hija tuvo una etapa de cortes hace cinco años y ahora quiere terapia.",
]

HARMLESS = [
    "I counted the days until my first TMS session, and my mom helped."
    "The pharmacist counted my pills twice before handing them over.",
    "We swim in the lake every summer and the kids collect rocks on the shore.",
    "My rock collection fills the pockets of every coat I own lol",
    "Three people on my team quit this year and I'm probably next.",
    "Everyone in my family got the flu and I'm next, I can feel it.",
    "She went through a period of picky eating in 3rd grade.",
    "My son is in 8th grade and wants to try therapy for anxiety.",
    "Every evening we drive to the lake and sit there watching the ducks.",
    "The dent in my car doesn't look like an accident, the insurance adjuster said.",
]


@pytest.mark.parametrize("how", BOTH, ids=lambda f: f.__name__)
@pytest.mark.parametrize("text", URGENT)
def test_round17_kinds_are_urgent(text: str, how) -> None:
    assert how(text).crisis == "urgent", text


@pytest.mark.parametrize("how", BOTH, ids=lambda f: f.__name__)
@pytest.mark.parametrize("text", REVIEW)
def test_old_cutting_of_another_is_review_never_none(text: str, how) -> None:
    assert how(text).crisis == "review", text


@pytest.mark.parametrize("text", HARMLESS)
def test_harmless_neighbours_do_not_move(text: str) -> None:
    assert assess_by_rules(text).crisis == "none", text
    assert assess(text).crisis == "none", text


def test_a_joke_word_never_lowers_a_method() -> None:
    plain = "I'll walk into the reservoir with rocks in my coat pockets."
    for tail in ("", " lol", " haha", " jk", " 😂"):
        assert assess_by_rules(plain + tail).crisis == "urgent", tail
