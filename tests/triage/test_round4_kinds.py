"""The kinds of message blind round 4 found missing (docs/triage.md), in wordings written for
this test: none of them is a probe's sentence, and the detector before these fixes read every
urgent one below as `review` or `none`, and every `none` one as flagged."""

from __future__ import annotations

import pytest

from tests.triage.evaluation import assess_by_rules
from zoelife.triage import assess, learned


@pytest.mark.parametrize("text", [
    # a first-person future without oneself
    "honestly i can't picture myself still around next spring",
    "ya no me veo viva para diciembre",
    # a conditional ending: the last option, then an ending
    "this is my last resort. if it fails, I'm done with everything",
    "es mi ultimo recurso, si no sirve hasta aqui llego",
    # a date or a decision set for ending everything
    "after the holidays I'm done with it all",
    # not caring whether one lives
    "I've stopped caring whether I wake up or not",
    "ya no me importa lo que me pase",
    # notes and letters for family, or written and destroyed; papers in order
    "escribí una carta para mi esposa y otra para mi hija",
    "I wrote a note on sunday, then burned it in the sink",
    "dejé una nota para mis hijos y todo en orden",
    # medicines kept or hidden in secret, someone else's
    "my boyfriend's xanax is in my drawer, I've been secretly holding onto it",
    "my husband's leftover percocet, I kept it quietly in my purse",
    # an injury said not to be an accident
    "got 4 stitches in my forearm, said it was an accident with a knife but it wasnt",
    # ligatures and strangulation games, third party
    "my daughter has been tying a cord around her neck in her room",
    "my son told me about the choking game and that he tries it alone",
    "mi hijo se amarra el cinturon al cuello",
    # drinking so as not to think about it: a purpose, not a denial
    "I've been drinking so I don't have to think about dying",
    # a recent attempt inside an eligibility question
    "Is TMS okay if I tried to kill myself last month? asking for eligibility",
    # a container of pills swallowed, Spanish and English
    "mi hermano se tomo un bote de pastillas anoche",
    "se tomó una caja de pastillas ayer",
    # a car run in a closed garage
    "my sister ran the car in the garage with the door shut last night",
    # one's death as others' gain
    "he keeps saying at least we'd get the life insurance money",
    # one's own funeral imagined (not news of another's death)
    "I keep picturing my funeral and who would show up",
    # more of a medicine than meant
    "took double my dose of seroquel yesterday to knock myself out",
    "me tome varias pastillas de mas anoche",
    # going away forever
    "me quiero ir para siempre",
    # a decision and a date for everything ending; a conditional with the treatment named
    "ya decidi que despues de navidad se acaba todo",
    "if TMS fails i'm out for good",
    "I'm giving this one more month and then I'm checking out",
    # an injury owned after calling it something else
    "told the ER nurse I fell, really I did it to myself",
])
def test_round4_kinds_are_urgent(text: str) -> None:
    assert assess(text).crisis == "urgent", text


@pytest.mark.parametrize("text", [
    "my son slams doors and punches his pillow when we take his phone, normal?",
    "Ugh, I could kill my sister for booking this without asking, but ok, therapy it is",
    "Every panic attack I'm sure I'm dying, my heart races. Can I try medication?",
    "my job applications are going to be the death of me, need a therapist",
])
def test_round4_everyday_wordings_stay_none(text: str) -> None:
    assert assess(text).crisis == "none", text


# Guards on the reach of the new rules (they were `none` before the rules existed too): a
# note for work, an accident that was one, a car that runs fine, an insurer's count.
@pytest.mark.parametrize("text", [
    "The insurer says I haven't tried enough antidepressants yet for TMS.",
    "my car is running fine now, so I can make the Tuesday slot",
    "can I get a work note? I wrote a note to my boss already",
    "my kid got stitches after falling off his bike, it was an accident",
    "I've already decided I'm done with SSRIs, I want TMS",
    "I don't care what happens with the insurance, just book me",
    "I took an extra vitamin D pill, is that ok with TMS?",
    "I struggle with alcohol, need therapy",
    "if TMS fails I will try ketamine",
    "one more month of waiting and I'm done with this insurance",
    "I keep my pills in a pill organizer just in case I forget",
    "I have leftover Zoloft from my old prescription, should I bring it?",
    "can you send the letters to my wife? she handles my paperwork",
    "I wrote a note to my son's teacher about his ADHD",
    "my daughter wrote letters to her grandparents for christmas",
    "I don't see myself here in five years, I want to change careers",
    "me tomo el clonazepam todas las noches",
    "if it fails we will appeal, that's it for now",
    "i keep it running in the garage in winter to warm up",
])
def test_the_new_rules_leave_everyday_wordings_alone(text: str) -> None:
    assert assess_by_rules(text).crisis == "none", text
    # The learned net may still raise one (near misses of the rules resemble what they catch;
    # its cost is in docs/triage.md): then all the evidence is the net's.
    assert {e.category for e in assess(text).crisis_evidence} <= {
        learned.REVIEW_CATEGORY, learned.URGENT_CATEGORY}, text


@pytest.mark.parametrize("text", [
    "need help now",
    "Is it true Spravato can cause suicidal thoughts as a side effect?",
    "¿El TMS puede provocar pensamientos suicidas? Yo no los tengo.",
    "mixing my xanax with alcohol every night now",
    "Mi hermana no es suicida, pero no quiere salir de la cama. ¿Hacen terapia?",
])
def test_round4_review_wordings_are_review(text: str) -> None:
    assert assess(text).crisis == "review", text


# A second set of fresh wordings of the same kinds, written after the first fixes; measured once
# before the fixes they prompted (8 of 20 urgent, 9 of 10 everyday ones `none`; the code before
# round 4: 5 of 20). Those the code before round 4 already read as urgent are left out here.
@pytest.mark.parametrize("text", [
    "new meds are the last thing I'm trying. if they flop, that's it, I'm finished with everything",
    "already picked the day, after my sister's wedding, then i'm done with it all",
    "I put my will and my passwords in an envelope for my wife",
    "I've been pocketing a few of my grandma's sleeping pills each week, nobody knows",
    "my 14yo has been doing the blackout challenge in his room",
    "si la terapia no funciona, ya no le veo caso a seguir",
    "mi novio se tomo todo el blister de clonazepam",
    "stopped caring whether I see tomorrow",
    "do you treat people who attempted recently? I did, 3 weeks ago",
    "hay dias que me imagino mi propio funeral",
    "I sit in my car in the garage with it running and think about not opening the door",
    "this is my final attempt at treatment, after that I won't be around",
    "been looking at how much of my lithium would be too much",
    "I don't expect to make it to spring honestly",
    "I lost my will to live",
])
def test_second_fresh_set_is_urgent(text: str) -> None:
    assert assess(text).crisis == "urgent", text


def test_an_injury_owned_in_spanish_is_read_by_a_person() -> None:
    assert assess("me hice esto yo misma, no fue el gato").crisis == "review"


@pytest.mark.parametrize("text", [
    "I cut my finger cooking, not a big deal, can I still do ketamine?",
])
def test_second_fresh_set_everyday_wordings_stay_none(text: str) -> None:
    assert assess(text).crisis == "none", text
