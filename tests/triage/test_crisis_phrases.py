"""Specific phrases from docs/vocabulary.md and docs/triage.md, one assertion each."""

from __future__ import annotations

import pytest

from zoelife.triage import assess

URGENT = [
    # passive ideation
    "I wish I were dead",
    "sometimes I want to go to sleep and never wake up",
    "I don't want to be here anymore",
    "I no longer want to live",
    "There is no reason to live",
    "I'm not safe",
    "I can't stop thinking about dying",
    "I don't want to wake up",
    "i just want to die",
    # plan / intent / means / preparation
    "I have a plan to kill myself",
    "I've been saving pills",
    "I wrote letters to my family",
    "I've been giving my things away",
    "I bought a gun",
    "he bought a rope",
    "I'm going to end my life",
    # self-harm, attempts
    "I've been cutting myself",
    "I burn myself when I'm upset",
    "I keep hitting myself",
    "I attempted suicide 2 months ago",
    "tried to overdose last week",
    # burden / hopelessness
    "they'd be better off without me",
    "I can't go on",
    # slang, abbreviations, misspellings
    "i want to unalive myself",
    "kms",
    "kys",
    "Pt reports SI",
    "S/I present",
    "SI/HI: endorses SI",
    "current symptoms include suicidal ideation",
    "thinking about sewerslide",
    "feeling suicidle",
    "sucidal thoughts",
    "thoughts of suiside",
    "i want to kil myself",
    # third party
    "my son says he wants to die",
    "my wife tried to overdose last week",
    "my daughter has been cutting herself",
    # mixed / ambiguous -> urgent
    "not suicidal but sometimes I wish I wouldn't wake up",
    "I'm not sure if I'm suicidal",
    "no active SI",
    "+SI, no plan or intent",
    "passive SI, denies plan",
    "I attempted in 2016 and again last week",
    "I used to have suicidal thoughts and lately they're back",
    "Does TMS help with suicidal thoughts? I have them every day.",
    # recent time words keep it urgent
    "I had suicidal thoughts yesterday",
    "suicidal thoughts two weeks ago",
    "I felt suicidal last month",
    "I've been suicidal recently",
    "I cut myself 3 months ago",
    # Spanish
    "quiero morir",
    "no quiero vivir",
    "tengo pensamientos suicidas",
    "quiero suicidarme",
    "pienso en quitarme la vida",
    "quiero hacerme daño",
    "a veces quiero cortarme",
    "me quiero matar",
    "estarían mejor sin mí",
    "no aguanto más",
    "ya no quiero estar aquí",
    "mi hijo dice que se quiere morir",
    "intenté suicidarme la semana pasada",
    "vivo sin ganas de vivir",
    # shouting and odd spacing
    "I WANT TO KILL MYSELF",
    "i    want   to   die",
    "self-harm",
    "selfharm",
]

REVIEW = [
    "no suicidal thoughts",
    "I am not suicidal",
    "Patient denies SI",
    "denies SI/HI",
    "no thoughts of self-harm",
    "never had suicidal thoughts",
    "SI: denies",
    "attempted suicide in 2015",
    "years ago I used to cut",
    "was hospitalized for SI 2 years ago",
    "I had suicidal thoughts 6 months ago",
    "suicide attempt 6 months ago",
    "as a teenager I was suicidal",
    "suicidal thoughts last year",
    "Is Spravato approved for suicidal ideation?",
    "Does TMS help with suicidal thoughts?",
    "Spravato for treatment-resistant depression and suicidal ideation with depression",
    "no tengo pensamientos suicidas",
    "Je suis très fatigué et triste depuis des mois, je voudrais un rendez-vous.",
    "Olá, eu estou muito triste, gostaria de uma consulta por favor.",
    "Tôi bị trầm cảm, xin gọi lại cho tôi.",
    "我想预约抑郁症治疗，我最近心情很不好",
]

NONE = [
    "",
    "   ",
    "hi",
    "call me",
    "I'm dying to try TMS",
    "deadlines are killing me",
    "the tacos are to die for",
    "my back is killing me",
    "I could kill for a coffee",
    "this traffic will be the death of me",
    "dead tired",
    "drop-dead gorgeous",
    "killing it at work",
    "me muero de ganas de probarlo",
    "me muero de hambre",
    "me mata el tráfico",
    "I'm not safe to drive after Spravato, right?",
    "cutting back on caffeine",
    "SI ACEPTAN MEDICAID LLAMENME",
    "Si, me interesa la terapia",
    "I'd like an appointment for TMS",
]


@pytest.mark.parametrize("text", URGENT)
def test_urgent(text: str) -> None:
    assert assess(text).crisis == "urgent", text


@pytest.mark.parametrize("text", REVIEW)
def test_review(text: str) -> None:
    assert assess(text).crisis == "review", text


@pytest.mark.parametrize("text", NONE)
def test_none(text: str) -> None:
    assert assess(text).crisis == "none", text


def test_none_input() -> None:
    a = assess(None)
    assert a.crisis == "none"
    assert a.crisis_evidence == ()
    assert a.treatments == frozenset()


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("no suicidal thoughts", "negated"),
        ("attempted suicide in 2015", "historical"),
        ("Is Spravato approved for suicidal ideation?", "informational"),
        ("my son says he wants to die", "third_party"),
        (
            "Bonjour, je suis très triste depuis des mois et je voudrais un rendez-vous",
            "other_language",
        ),
        ("I have a plan to kill myself", "plan"),
        ("I've been saving pills", "preparation"),
        ("they'd be better off without me", "burden"),
        ("I can't go on", "hopelessness"),
        ("I'm not safe", "not_safe"),
        ("I burn myself", "self_harm"),
        ("i want to unalive myself", "slang"),
    ],
)
def test_categories(text: str, category: str) -> None:
    cats = {sp.category for sp in assess(text).crisis_evidence}
    assert category in cats, (text, cats)


def test_other_language_with_english_urgent_phrase_is_urgent() -> None:
    text = "Bonjour, je suis très triste depuis des mois, je ne sais pas. I want to die."
    assert assess(text).crisis == "urgent"


def test_language() -> None:
    assert assess("Hello, I would like an appointment for my depression").language == "en"
    assert assess("Hola, quiero una cita para mi hijo por favor").language == "es"
    assert assess("Bonjour, je voudrais un rendez-vous pour mon fils").language == "other"
    assert assess("hi").language in {"en", "unknown"}


@pytest.mark.parametrize("text", [
    # Another person's completed suicide, told by someone who lost them: a loss to review.
    "My brother died by suicide and I think I need grief counseling.",
    "Mi papá se suicidó cuando yo tenía quince años y quiero terapia para mi hijo.",
    # Asking about suicide care for work or study.
    "I'm a journalist writing a piece about how ketamine clinics screen for suicide risk.",
    # Dated by an age, or by "nothing since".
    "I had one suicide attempt at 19 and was hospitalized; nothing since.",
    # A word that only looks Spanish in a message in another language.
    "Bonjour, je vous adresse une patiente pour Spravato. Elle nie toute idée suicidaire.",
    # A question about what the clinic does.
    "do u guys ask about suicide at the first appt? forms make me anxious",
])
def test_context_lowers_to_review_not_none(text: str) -> None:
    assert assess(text).crisis == "review", text


# Dating by clause and by the next sentence (docs/triage.md, "History"): a denial dated by its
# own recent word, a denial that spans a stretch of time, and a sentence that points back.
@pytest.mark.parametrize(
    "text",
    [
        "Referral: 58F, SA hx (OD 1998), no current SI/HI, C-SSRS neg today.",
        "Client with a history of SI, none in the past two years, doing well.",
        "History of self-harm, 5 years clean, wants TMS.",
        "Wrote history of SI in my chart. Can I fix that? I haven't had those thoughts since 2019.",
        "Does an attempted suicide rule me out? Mine was a long time ago.",
        "Intenté suicidarme. Fue hace muchos años.",
    ],
)
def test_dated_outside_the_limits_is_review(text: str) -> None:
    a = assess(text)
    assert a.crisis == "review", (text, a.crisis_evidence)
    assert "historical" in {sp.category for sp in a.crisis_evidence}


@pytest.mark.parametrize(
    "text",
    [
        "I overdosed in 2015, and again last week.",
        "I attempted in 2010, not again until last week.",
        "I want to die. I haven't felt like this since 2019.",
        "I want to die. It was in 2009 that I first felt this.",
        "I tried to overdose. It was in 2009 that it first started.",
        "I attempted suicide. It happened again this week. Mine was years ago at first.",
        "I haven't stopped cutting for 2 years.",
        "I never quit hurting myself.",
        "No he dejado de cortarme.",
        "Sigo cortándome.",
        "Mi hija sigue quemándose los brazos.",
    ],
)
def test_recent_or_ongoing_stays_urgent(text: str) -> None:
    a = assess(text)
    assert a.crisis == "urgent", (text, a.crisis_evidence)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Referral: PHQ-9 = 24, item 9 = 3. Please expedite.", "urgent"),
        ("PHQ-9 item 9 scored 2", "urgent"),
        ("q9 positive on the PHQ-9", "urgent"),
        ("PHQ-9 14, item 9 = 0, denies SI", "review"),
        ("If I miss the consult please send someone to check on me.", "review"),
    ],
)
def test_screening_scores_and_welfare_checks(text: str, level: str) -> None:
    assert assess(text).crisis == level, (text, assess(text).crisis_evidence)


@pytest.mark.parametrize(
    ("text", "treatment"),
    [
        ("calling about the t m s authorization for a member", "tms"),
        ("I want to try T.M.S. next month", "tms"),
        ("Discharge said follow up with psychiatry.", "medication_management"),
    ],
)
def test_treatments_spelled_out_or_named_as_a_service(text: str, treatment: str) -> None:
    assert treatment in assess(text).treatments


@pytest.mark.parametrize(
    "text",
    [
        "Hx NSSI (cutting) as a young teen, none in >2 yrs per pt and mother.",
        "Back in 2015-16 my OCD latched onto suicide themes; it left years ago.",
        "Is TMS safe after ECT back in 2010? I was inpatient then for being suicidal.",
        "he had a suicide attempt back in twenty fourteen and has been in remission",
        "Mi papá intentó quitarse la vida cuando yo era niña.",
        "My 14-year-old asked me what 'unaliving' means after seeing it on TikTok.",
    ],
)
def test_spoken_years_ranges_earlier_sentences_and_mentions_are_review(text: str) -> None:
    a = assess(text)
    assert a.crisis == "review", (text, a.crisis_evidence)


@pytest.mark.parametrize(
    "text",
    [
        "I lost my job in 2010. I am suicidal now, just like then.",
        "I lost my job in 2010. I have felt suicidal since then.",
        "I want to kill myself in twenty minutes",
        "What does it mean that I want to die",
    ],
)
def test_present_words_keep_it_urgent(text: str) -> None:
    assert assess(text).crisis == "urgent", text


# Round 9's kinds, in other words than its messages (docs/triage.md).
@pytest.mark.parametrize(
    "text",
    [
        "honestly not sure I'll make it to Monday",
        "No sé si voy a llegar al fin de semana.",
        "Book me whenever, if I'm still alive by then.",
        "How many of my Xanax would be too much? Asking for me.",
        "I have the whole bottle out in front of me right now.",
        "Tuve un intento hace tres semanas.",
        "Referral: SA via OD 10 days ago, medically cleared.",
        "Got my affairs in order and made a will last week.",
    ],
)
def test_round9_kinds_are_urgent(text: str) -> None:
    a = assess(text)
    assert a.crisis == "urgent", (text, a.crisis_evidence)


@pytest.mark.parametrize(
    "text",
    [
        "Not sure I can make it to the appointment on Thursday, traffic is bad.",
        "Hx SA by her uncle at age 9, no SI.",
        "I had my attempt in 2012, none since.",
    ],
)
def test_round9_rules_leave_these_below_urgent(text: str) -> None:
    assert assess(text).crisis != "urgent", (text, assess(text).crisis_evidence)
