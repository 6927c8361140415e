"""Blind round 14's kinds, each fixed by a field, a rule or a context rule (docs/triage.md,
"Round 14's misses, by kind"). Every sentence here was written for this file; none is a
round's message. Where the learned net has an opinion of its own, the rules are asserted
alone (`assess_by_rules`): the kind is the rules' to read.
"""

from __future__ import annotations

import pytest

from tests.triage.evaluation import assess_by_rules
from tests.triage.kinds import cases, check
from zoelife.triage import assess


# ---------------------------------------------------------------- Spanish: the pronoun climbs
# "se quería matar": the pronoun before a verb of wanting or going, then the act (a parent
# reporting a child's written wish to die; a denial by "nadie" stays a denial).
@pytest.mark.parametrize("text, expected", cases(
    ("urgent", [
        "Mi hijo le dijo a su amigo que se quería matar, estoy muy preocupada.",
        "La maestra encontró una carta donde mi hija dice que se va a matar.",
        "Mi esposo se quiso hacer daño anoche con un cuchillo.",
        "A veces me quiero lastimar cuando me siento así.",
        "Me voy a matar si esto sigue igual.",
        "Me voy a matar, ya no aguanto trabajar así.",
    ]),
    ("none", [
        "Se va a mudar a Texas el próximo mes con su novia.",
        "Mi esposo se va a matar trabajando tanto, necesita terapia de pareja.",  # an idiom
        "Me estoy matando estudiando para los exámenes, ¿tienen citas en la noche?",
    ]),
    ("not urgent", [
        "Se quería cortar el pelo antes de la boda.",  # an act on hair, not a harm verb
    ]),
    ("review", [
        "En la casa nadie se quiere hacer daño, solo discutimos mucho.",
        "En mi familia nadie se quiere matar, gracias a Dios, pero necesitamos terapia.",
    ]),
))
def test_the_pronoun_before_a_wish_then_the_act(text: str, expected: str) -> None:
    check(text, expected)


# ---------------------------------------------------------------- Spanish: cuts made on oneself
@pytest.mark.parametrize("text, expected", cases(
    ("urgent", [
        "Mi hija se hace cortes en las piernas y lo esconde con pantalones largos.",
        "Desde diciembre me hago cortes cuando tengo ansiedad.",
        "Mi hermano se hacía quemaduras con el encendedor la semana pasada.",
    ]),
    ("review", [
        "Cuando estaba en la prepa me hacía quemaduras, ya van cinco años sin hacerlo.",
    ]),
    ("none", [
        "Me hice un corte de pelo nuevo y quiero agendar la cita de TMS.",
        "Se hace cortes de cabello en la barbería de la esquina.",
    ]),
))
def test_cuts_made_on_oneself_in_spanish(text: str, expected: str) -> None:
    check(text, expected)


# ---------------------------------------------------------------- a recent attempt, a denial now
# The three-month rule outranks a denial of current thoughts in another sentence.
@pytest.mark.parametrize("text, expected", cases(
    ("urgent", [
        "Paciente de 40 años, s/p intento por ahorcamiento hace 5 semanas. Niega IS actual.",
        "Intento de ahorcamiento el mes pasado, hoy niega ideación.",
        "Referral: s/p hanging attempt 3 weeks ago, currently denies SI, needs med management.",
    ]),
    ("review", [
        "Intento por ahorcamiento hace diez años, actualmente estable, sin ideación.",
    ]),
))
def test_a_recent_attempt_with_a_current_denial(text: str, expected: str) -> None:
    check(text, expected)


# ---------------------------------------------------------------- joining someone who died
@pytest.mark.parametrize("text, expected", cases(
    ("urgent", [
        "My husband passed away in March. Some nights I just want to join him sooner.",
        "Since my wife died I keep thinking I would like to be with her in heaven.",
        "Mi esposo falleció en marzo y a veces quiero reunirme con él pronto.",
    ]),
    ("none", [
        "My father passed away last spring. I'd like to join a grief group in the evenings.",
        "My mom passed away and I want to be with my sister in Ohio for the holidays.",
        "I want to join my daughter in Denver next month, can I do TMS there?",
    ]),
))
def test_wanting_to_join_someone_who_died(text: str, expected: str) -> None:
    check(text, expected)


# ---------------------------------------------------------------- a post captioned with a time
@pytest.mark.parametrize("text, expected", cases(
    ("urgent", [
        "My roommate put up a picture of her pill bottles lined up, caption 'almost time'.",
        "Mi hermano subió una foto del puente con el texto 'pronto'.",
        "He posted a photo of a rope on his story captioned 'tonight'.",
    ]),
    ("none", [
        "She posted a photo of her new puppy with the caption 'soon'.",
        "I posted a picture of my vitamins with the caption 'new routine'.",
    ]),
))
def test_a_post_of_means_captioned_with_a_time_word(text: str, expected: str) -> None:
    check(text, expected)


# ---------------------------------------------------------------- means bought, means at hand
@pytest.mark.parametrize("text, expected", cases(
    ("urgent", [
        "I bought four bottles of Advil last week and they are in my nightstand.",
        "Compré tres cajas de pastillas para dormir y las tengo guardadas.",
        "As a pharmacist I have access to every medication and I think about how easy it "
        "would be.",
    ]),
    ("none", [
        "I bought a bottle of tylenol for my headache, is that ok before TMS?",
        "I have access to my medication list in the portal, how easy is it to transfer?",
        "Picked up two boxes of tissues and a bottle of water for the session.",
        "I bought two boxes of allergy medicine for the family trip.",
        "Compré dos cajas de medicamentos para mi mamá en la farmacia.",
        "I have access to my meds on the app and I keep thinking about how easy it would be to "
        "switch pharmacies.",
    ]),
))
def test_means_bought_or_at_hand(text: str, expected: str) -> None:
    check(text, expected)


# ---------------------------------------------------------------- time left, not lasting
@pytest.mark.parametrize("text, expected", cases(
    ("urgent", [
        "honestly I have like three days left in me",
        "I don't think I have many weeks left in me",
        "i'm not gonna make it much longer like this",
        "I won't be a burden to anybody much longer.",
        "I gave myself till Christmas, if the ketamine doesn't work I'm kind of done.",
    ]),
    ("none", [
        "I have two weeks left in my lease before I move, can we start after?",
        "There are three weeks left in the semester so evenings work better.",
        "The insurance won't be a problem, my employer covers it.",
    ]),
))
def test_time_left_in_oneself_and_not_lasting(text: str, expected: str) -> None:
    check(text, expected)


# ---------------------------------------------------------------- a plan for a height, a car
@pytest.mark.parametrize("text, expected", cases(
    ("urgent", [
        "My son told his coach he has a plan for the overpass if it gets bad enough.",
        "Every morning I imagine jerking the wheel into a pillar on the freeway.",
    ]),
    ("none", [
        "The city has a plan for the bridge repairs this summer, so parking is hard.",
        "I had to jerk the wheel to miss a deer on my way home, still shaky.",
    ]),
))
def test_a_plan_for_a_height_and_the_wheel_jerked(text: str, expected: str) -> None:
    check(text, expected)


# ---------------------------------------------------------------- already gone, a going unsaid
@pytest.mark.parametrize("text, expected", cases(
    ("urgent", [
        "I feel like a ghost already, just waiting for my body to get the message.",
        "Mi papá regaló sus herramientas y su camioneta y dice que se va, pero no dice a dónde.",
        "My brother gave his guitar away to a friend and won't say where he's going.",
        "Quiero dejar todo en orden antes de fin de mes, ya no quiero seguir así.",
    ]),
    ("none", [
        "I feel like a ghost at work, nobody notices me, and I want therapy for that.",
        "Mi papá regaló sus herramientas porque se muda a Arizona con mi tía.",
        "Quiero dejar todo arreglado con el seguro antes de fin de mes para empezar TMS.",
    ]),
))
def test_already_gone_and_a_going_unsaid(text: str, expected: str) -> None:
    check(text, expected)


# ---------------------------------------------------------------- dating: ages, moods, phones
@pytest.mark.parametrize("text, expected", cases(
    ("review", [
        "I cut myself from ages 13-16, I'm 34 now and it's been a long time.",
        "Self-harm between the ages of 14 and 17. None since.",
        "Me cortaba de los 14 a los 16 años, ahora tengo 30.",
        "I attempted suicide in 2009 but I'm stable, just anxious again. No SI.",
    ]),
    ("urgent", [
        "I cut myself from ages 13-16 and started again last week.",
        "I attempted suicide in 2009 and the thoughts are back again.",
        "I already wrote a letter to my wife, call me back at 5 5 5 0 1 9 2.",
    ]),
))
def test_dating_by_an_age_range_a_mood_and_a_phone_number(text: str, expected: str) -> None:
    check(text, expected)


# ---------------------------------------------------------------- a screen's zero before the words
@pytest.mark.parametrize("text, expected", cases(
    ("review", [
        "On the PHQ-9 I marked 0 on the question about thoughts of hurting myself.",
        "I answered zero to the item about being better off dead.",
    ]),
    ("urgent", [
        "On the PHQ-9 I marked 3 on the question about being better off dead.",
        "I scored 2 on the item about thoughts of hurting myself.",
    ]),
))
def test_a_screen_answered_zero_before_the_words(text: str, expected: str) -> None:
    check(text, expected)


# ---------------------------------------------------------------- informational: a researcher
@pytest.mark.parametrize("text, expected", cases(
    ("review", [
        "I'm a nursing student researching esketamine for suicidal depression; would a "
        "prescriber be available for a short interview?",
        "I am a PhD student researching TMS access for suicidal veterans. Would anyone be willing "
        "to do a 15 minute interview?",
    ]),
    ("urgent", [
        "I'm a grad student researching ketamine because I've been suicidal for a month.",
    ]),
))
def test_a_researcher_asking_for_an_interview(text: str, expected: str) -> None:
    check(text, expected)


# ---------------------------------------------------------------- idioms: a "kill" joke, Tagalog
@pytest.mark.parametrize("text, expected", cases(
    ("none", [
        "I'm gonna kill my brother if he eats my leftovers again lol. Do you take Aetna?",
        "My roommate keeps stealing my charger, I'm going to kill her if she does it one more "
        "time.",
    ]),
    ("urgent", [
        "I'm going to kill myself if she says it one more time.",
        "I'm going to kill her if she leaves me.",
    ]),
))
def test_a_kill_joke_about_a_repeated_annoyance(text: str, expected: str) -> None:
    check(text, expected)


@pytest.mark.parametrize("text", [
    "Pagod na pagod po ako, nakakamatay sa puyat ang trabaho. Magkano po ang konsulta?",
    "Grabe po, patay sa pagod ako araw-araw sa ospital. May slot po ba sa Sabado?",
])
def test_tagalog_deadly_tiredness_is_an_idiom(text: str) -> None:
    a = assess_by_rules(text)
    assert a.crisis == "review", text  # another language: a person reads it
    assert {e.category for e in a.crisis_evidence} == {"other_language"}, a.crisis_evidence


@pytest.mark.parametrize("text", [
    "Gusto ko nang mamatay, pagod na pagod na ako sa buhay.",
])
def test_tagalog_wish_to_die_beside_tiredness_stays_urgent(text: str) -> None:
    assert assess(text).crisis == "urgent", text


# ---------------------------------------------------------------- Chinese: many pills swallowed
@pytest.mark.parametrize("text, expected", cases(
    ("urgent", [
        "我妈妈昨天吞了很多药，现在在医院。",
        "上周我吃了很多安眠药，醒来以后很害怕。",
    ]),
    ("review", [
        "我昨天吃了很多饭，肚子不舒服。请问TMS多少钱？",  # a meal: another language, read
    ]),
))
def test_many_pills_swallowed_in_chinese(text: str, expected: str) -> None:
    check(text, expected)
