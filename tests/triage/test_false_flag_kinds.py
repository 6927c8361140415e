"""False flags by kind (docs/triage.md, "None flagged, by kind"): ordinary English and Spanish
messages that a death, kill, cut, overdose, take or screen word made `review` or `urgent`.

Every sentence here was written for this test, none copied from a labelled set or a blind
round. Each kind is an idiom by form (any tense, in both languages) or a field change, with
near misses both ways: the true crisis wording beside the idiom stays urgent (with the net and
with the rules alone), and the ordinary wording is `none` with the rules alone too, so the net
is not what keeps it down.
"""

from __future__ import annotations

import pytest

from tests.triage.evaluation import assess_by_rules
from zoelife.triage import assess

ORDINARY = [
    # Phrasal verbs in every form: cutting back, taking over someone's prescriptions.
    "My GP says I should start cutting back on energy drinks before TMS, is that right?",
    "He cuts back on his coffee before every session, does that matter?",
    "I'm cutting down on sugar and sleeping better, but I'd still like a med check.",
    "Could one of your doctors take over my prescriptions so everything is in one place?",
    "Dr. Ruiz is retiring; can someone take over her meds management and everything else?",
    # A death word that says how one sleeps, laughs or is worn out, or a numb limb.
    "Since the new dose I sleep like the dead, twelve hours a night. Normal?",
    "Estaba muerta de la risa con el video que mandaron, ¿tienen citas en mayo?",
    "Mi hermano está muerto de la curiosidad por la ketamina, ¿cuánto cuesta?",
    "I'm so dead lol, I slept through my alarm and missed the consult. New time?",
    "Double shifts all week have me half dead, any Saturday slots for med management?",
    "After leg day my legs are completely dead, can I still do TMS sitting down?",
    "That documentary was so sad I nearly died crying. Anyway, therapy for grief?",
    # Success and someone else's anger, not death.
    "Killed my exam this morning! Now I can finally book the TMS consult.",
    "My supervisor would kill me if I missed another shift, any 7am slots?",
    "The insurer is gonna kill me with these forms, can you send the prior auth?",
    # Overdosing on a pastime.
    "I've been ODing on true crime podcasts and now I can't sleep, need an anxiety eval",
    # A screen's total score names no answer about self-harm.
    "Referral: 61M, MDD, PHQ-9 21, GAD-7 9, failed 3 trials. Please see for TMS.",
    "Derivación: 40F, depresión mayor, PHQ-9 de 17. Solicito evaluación para Spravato.",
    # Another person's death feared, not wished.
    "I have panic about my parents dying and I think about it at night. Can meds help?",
    # A psychiatric stay denied in a referral (no mention of suicide or self-harm).
    "Referral: 38M, bipolar II, stable on lithium. No psychiatric hospitalizations. Med mgmt.",
]

# The same kinds, `none` by the rules; the learned net still flags these on its own (the
# net's false flags are measured in docs/triage.md, not fixed by a rule).
ORDINARY_BY_RULES = [
    "my roommate overdosed... on reality tv this weekend lol, but she does want therapy",
    "Me da mucha ansiedad pensar en mis padres muriendo, ¿la terapia ayuda con eso?",
    "Never had an inpatient psych stay, just outpatient therapy. Looking for a new prescriber.",
    # The net trained with blind round 14 reads this at 0.79 urgent (0.75 before it was frozen;
    # threshold 0.78): "matar" beside "otra vez" after round 14's Spanish reports of a child
    # who "se quería matar". The rules read it `none`.
    "Mi jefe me va a matar si falto otra vez, ¿tienen citas temprano?",
]

URGENT = [
    # Cutting oneself, in the same forms.
    "I've been cutting again, my arms mostly, and cutting back on eating too",
    "Me estoy cortando otra vez y no le he dicho a nadie",
    # Taking everything, not taking over.
    "I took everything in my medicine cabinet last night",
    "I took over 30 of my sertraline on Sunday",
    # Dead as a wish, beside the idioms.
    "i'm so dead lol jk but honestly i want to be dead",
    "I sleep like the dead and I wish I could just never wake up",
    "Me muero de la risa por fuera pero por dentro quiero estar muerta",
    "my legs are dead from the gym and I keep thinking I'd be better off dead",
    # Killing oneself beside an anger idiom.
    "My boss would kill me if I missed work, but honestly I want to kill myself",
    "Mi jefe me va a matar, y la verdad ya no quiero vivir",
    # A real overdose.
    "my sister overdosed on her pills on purpose last night",
    "ayer se tomó un frasco entero de pastillas",
    # A screen whose answer says self-harm.
    "Referral: PHQ-9 21, item 9 = 2. Please see urgently.",
    "PHQ-9 24 with item 9 positive, passive SI",
    # One's own death thought about, with one's parents near.
    "honestly I think about dying every night and my parents have no idea",
    "my parents would be better off if I died",
    "quisiera estar muriendo, mis padres no entienden nada",
    # A psychiatric stay that is not denied, beside risk.
    "No psych hospitalizations, but she has been cutting again this week",
]

# Not denied: a recent stay is still for a person to read (`review`), never `none`.
REVIEW = [
    "He was on a psych hold last month and just got out.",
    "She came home from an inpatient unit on Friday.",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_wordings_are_none(text: str) -> None:
    assert assess(text).crisis == "none", (text, assess(text).crisis_evidence)
    assert assess_by_rules(text).crisis == "none", text


@pytest.mark.parametrize("text", ORDINARY_BY_RULES)
def test_ordinary_wordings_are_none_by_the_rules(text: str) -> None:
    assert assess_by_rules(text).crisis == "none", (text, assess_by_rules(text).crisis_evidence)


@pytest.mark.parametrize("text", REVIEW)
def test_a_stay_not_denied_is_still_read(text: str) -> None:
    assert assess_by_rules(text).crisis != "none", text
    assert assess(text).crisis != "none", text


@pytest.mark.parametrize("text", URGENT)
def test_true_wordings_beside_them_stay_urgent(text: str) -> None:
    assert assess(text).crisis == "urgent", text
    assert assess_by_rules(text).crisis == "urgent", (text, assess_by_rules(text).crisis_evidence)
