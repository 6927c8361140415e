"""Medication trials from the person's own words (zoelife/triage/trials.py): which drugs, with
dose, duration and response where the words give them; only the person's own trials."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.triage.evaluation import TRIAL_ROUNDS, trial_figures
from zoelife.triage._text import load_toml
from zoelife.triage.trials import RESPONSES, extract_trials


def drugs(text: str) -> list[str]:
    return [t.drug for t in extract_trials(text)]


def only(text: str) -> dict:
    [trial] = extract_trials(text)
    return trial.as_json()


def test_the_issue_example_reads_three_trials_in_order() -> None:
    text = "tried Zoloft 100 mg for 3 months, then Lexapro, Wellbutrin didn't help"
    assert [t.as_json() for t in extract_trials(text)] == [
        {"drug": "sertraline", "dose_mg": 100, "weeks": 13, "response": None},
        {"drug": "escitalopram", "dose_mg": None, "weeks": None, "response": None},
        {"drug": "bupropion", "dose_mg": None, "weeks": None, "response": "no_response"},
    ]


def test_referral_shorthand_with_a_list_under_failed() -> None:
    text = ("Pt 45F, failed sertraline 200 x 12 wks, escitalopram 20mg x 8wks (side effects), "
            "currently on bupropion XL 300. Requesting TMS.")
    assert [t.as_json() for t in extract_trials(text)] == [
        {"drug": "sertraline", "dose_mg": 200, "weeks": 12, "response": "no_response"},
        {"drug": "escitalopram", "dose_mg": 20, "weeks": 8, "response": "side_effects"},
        {"drug": "bupropion", "dose_mg": 300, "weeks": None, "response": None},
    ]


@pytest.mark.parametrize(("text", "drug"), [
    ("I was on Auvelity for a while", "dextromethorphan-bupropion"),
    ("Symbyax made me gain weight", "olanzapine-fluoxetine"),
    ("had 8 Spravato sessions last spring", "esketamine"),
    ("tomé sertralina un año", "sertraline"),
    ("estuve con venlafaxina", "venlafaxine"),
    ("Adderall for ADHD since college", "amphetamine-dextroamphetamine"),
    ("lithium carbonate 900 for years", "lithium"),
])
def test_brands_spanish_names_and_combinations_are_their_generic(text: str, drug: str) -> None:
    assert drugs(text) == [drug]


@pytest.mark.parametrize(("text", "drug"), [
    ("took zolft for a year", "sertraline"),
    ("lexipro did nothing", "escitalopram"),
    ("welbutrin made me anxious", "bupropion"),
    ("was on cymbolta 60", "duloxetine"),
    ("seroquil at night to sleep", "quetiapine"),
])
def test_misspellings_are_recognised(text: str, drug: str) -> None:
    assert drugs(text) == [drug]


@pytest.mark.parametrize("text", [
    "My ability to focus is gone and I have tried everything",  # "ability" is not Abilify
    "I have tried 3 SSRIs and an SNRI",  # a class names no drug
    "Is Spravato covered by Aetna?",  # asks about it
    "I'm interested in ketamine therapy",  # asks for it, never received
    "My doctor wants me to start Abilify next week",  # planned
    "I was offered Rexulti but declined",  # refused
    "My mom takes Xanax. I have never taken anything myself.",  # someone else's
    "I take lisinopril and metformin",  # not psychiatric
])
def test_what_is_not_a_trial(text: str) -> None:
    assert drugs(text) == []


def test_a_parent_writing_for_a_son_gives_the_sons_trials() -> None:
    assert drugs("Writing for my son, 17. He tried Prozac and then Zoloft.") == [
        "fluoxetine", "sertraline"]


def test_numbers_in_words_in_both_languages() -> None:
    assert only("I took fifty milligrams of Zoloft for two years") == {
        "drug": "sertraline", "dose_mg": 50, "weeks": 104, "response": None}
    assert only("Tomé sertralina cincuenta miligramos por tres meses y no me sirvió") == {
        "drug": "sertraline", "dose_mg": 50, "weeks": 13, "response": "no_response"}


@pytest.mark.parametrize(("text", "response"), [
    ("Prozac didn't do anything", "no_response"),
    ("Lexapro helped a little", "partial"),
    ("Effexor, terrible nausea so I stopped", "side_effects"),
    ("Zoloft stopped working after a year", "no_response"),
])
def test_response(text: str, response: str) -> None:
    assert only(text)["response"] == response


def test_a_drug_named_twice_is_one_trial_with_every_place_it_was_named() -> None:
    text = "Zoloft 50 at first. Then Zoloft 150, no change."
    [trial] = extract_trials(text)
    assert trial.as_json() == {"drug": "sertraline", "dose_mg": 150, "weeks": None,
                               "response": "no_response"}
    assert [text[s:e] for s, e in trial.spans] == ["Zoloft", "Zoloft"]


def test_the_words_point_at_what_the_person_wrote() -> None:
    text = "Tomé Sertralina y después Fluoxetína"
    assert [text[s:e] for t in extract_trials(text) for s, e in t.spans] == [
        "Sertralina", "Fluoxetína"]


def test_every_drug_of_the_list_has_a_class_and_a_lowercase_generic() -> None:
    table = load_toml("drugs.toml")
    assert len(table) >= 60
    for generic, entry in table.items():
        assert generic == generic.lower().strip()
        assert entry["class"]
        assert all(n == n.lower() for n in entry.get("names", ()))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_any_text_gives_known_drugs_and_valid_fields(text: str) -> None:
    known = set(load_toml("drugs.toml"))
    for t in extract_trials(text):
        assert t.drug in known
        assert t.response is None or t.response in RESPONSES
        assert t.weeks is None or t.weeks >= 0
        assert all(0 <= s < e <= len(text) for s, e in t.spans)


# Levels reached after the fixes each round prompted (docs/coverage.md keeps the before-fix
# figures): a change may raise them, never lower them.
TRIAL_FLOORS = {
    "trials_round1.jsonl": {"exact_sets": 157, "dose": 204, "weeks": 196, "response": 177},
    "trials_round2.jsonl": {"exact_sets": 147, "dose": 310, "weeks": 302, "response": 268},
    "trials_round3.jsonl": {"exact_sets": 147, "dose": 279, "weeks": 258, "response": 231},
    "trials_round4.jsonl": {"exact_sets": 175, "dose": 316, "weeks": 303, "response": 304},
}


@pytest.mark.parametrize("name", TRIAL_ROUNDS)
def test_trial_rounds_hold_their_ground(name: str) -> None:
    fig = trial_figures(name)
    floor = TRIAL_FLOORS[name]
    assert fig.exact_sets >= floor["exact_sets"]
    assert fig.exact_sets / fig.n >= 0.90  # the target in docs/coverage.md
    for field in ("dose", "weeks", "response"):
        assert getattr(fig, field) >= floor[field], field


@pytest.mark.parametrize(
    ("text", "drug"),
    [
        ("I'm on, uh, Clono pin, two milligrams a day", "clonazepam"),
        ("and right now I'm on Trin Telex ten milligrams", "vortioxetine"),
        ("I take Pax ill forty every morning", "paroxetine"),
    ],
)
def test_a_name_heard_as_several_words_is_read(text: str, drug: str) -> None:
    assert drug in {t.drug for t in extract_trials(text)}


@pytest.mark.parametrize("text", ["I was told to fail first on two drugs", "my dad is on blood pressure pills"])
def test_ordinary_words_joined_are_not_a_drug(text: str) -> None:
    assert extract_trials(text) == []


# Round 4's misses, by kind (docs/coverage.md); sentences written for these tests, not the probes'.

@pytest.mark.parametrize(("text", "wanted"), [
    ("I've been on Lamictal 100 for a year; my psychiatrist wants to add Vraylar but I haven't "
     "started it.", ["lamotrigine"]),
    ("Mi médico me quiere recetar sertralina pero todavía no la he empezado. Tomo clonazepam.",
     ["clonazepam"]),
    ("La doctora me recetó quetiapina pero no me la tomé.", []),
    ("My therapist wanted me to try Zoloft but I said no. I only take Adderall 20.",
     ["amphetamine-dextroamphetamine"]),
    ("I was prescribed Abilify in March but never picked it up.", []),
    ("Psychiatrist says maybe add Wellbutrin to my Prozac 40.", ["fluoxetine"]),
    ("Can I take Xanax if I'm on Lexapro 10?", ["escitalopram"]),
])
def test_a_drug_not_taken_leaves_the_others_of_its_sentence(text: str, wanted: list[str]) -> None:
    assert drugs(text) == wanted


@pytest.mark.parametrize(("text", "wanted"), [
    ("Calling about Spravato, do you take Medicare? I've been on Cymbalta 60 for two years.",
     ["duloxetine"]),
    ("Treatment of interest: esketamine. Prior meds: Zoloft.", ["sertraline"]),
    ("Llamo por la ketamina. Tomo escitalopram 10.", ["escitalopram"]),
    ("I'm writing about ketamine. I did six infusions last spring and they helped.", ["ketamine"]),
])
def test_the_treatment_written_about_is_a_trial_only_once_received(text: str, wanted: list[str]) -> None:
    assert drugs(text) == wanted


@pytest.mark.parametrize(("text", "wanted"), [
    ("My wife is on Effexor and it works for her; I have never taken anything and I need help.", []),
    ("My sister takes Lexapro and my dad did ketamine. I've only tried Zoloft.", ["sertraline"]),
    ("I'm writing about my son, who has been on Concerta for years and is fine. I am the one who "
     "needs help; I've tried Paxil.", ["paroxetine"]),
    ("Referral for TMS. Patient's father on lithium for bipolar disorder. Pt has tried sertraline 100.",
     ["sertraline"]),
    ("27F, bipolar I, maintained on lamotrigine 200 mg", ["lamotrigine"]),  # "I" of bipolar I
    ("Past meds: Zoloft (as a kid, no idea), then Lexapro 20 for a year.",
     ["sertraline", "escitalopram"]),  # "as a kid" is a time of life
])
def test_someone_elses_medicine_is_not_the_patients(text: str, wanted: list[str]) -> None:
    assert drugs(text) == wanted


@pytest.mark.parametrize(("text", "wanted"), [
    ("Hx: VPA 1000 (tremor), CBZ 400, Li 600", ["valproic acid", "carbamazepine", "lithium"]),
    ("Failed: LTG, QTP.", ["lamotrigine", "quetiapine"]),
    ("ltg 100 since spring", ["lamotrigine"]),
    ("olanzapine/samidorphan 10/10 for 2 months", ["olanzapine-samidorphan"]),
    ("Lybalvi made me hungry all the time", ["olanzapine-samidorphan"]),
    ("bupropion/dextromethorphan made me dizzy", ["dextromethorphan-bupropion"]),
    ("amphetamine/dextroamphetamine 20 mg", ["amphetamine-dextroamphetamine"]),
])
def test_abbreviations_and_combinations_written_with_a_slash(text: str, wanted: list[str]) -> None:
    assert drugs(text) == wanted


def test_portuguese() -> None:
    assert only("Eu tomei sertralina cinquenta miligramas por seis meses e não funcionou") == {
        "drug": "sertraline", "dose_mg": 50, "weeks": 26, "response": "no_response"}
    assert drugs("Quero marcar uma consulta, por favor me ligue") == []  # "quero" is a word


@pytest.mark.parametrize(("text", "drug"), [
    ("I was on Paxal for a year", "paroxetine"),
    ("xanix 1 mg at night", "alprazolam"),
    ("I take Sir o quel, fifty milligrams", "quetiapine"),
])
def test_vowels_heard_wrong_and_one_letter_words(text: str, drug: str) -> None:
    assert drugs(text) == [drug]


def test_ordinary_words_are_not_compared_vowel_blind() -> None:
    assert drugs("my plan is Medicaid and my dads car broke") == []  # not Marplan, not Mydayis


@pytest.mark.parametrize(("text", "wanted"), [
    ("Neurontin 300 tid for anxiety, it helped",
     [{"drug": "gabapentin", "dose_mg": 900, "weeks": None, "response": "worked"}]),
    ("tomo pregabalina para la ansiedad",
     [{"drug": "pregabalin", "dose_mg": None, "weeks": None, "response": None}]),
    ("Lyrica for nerve pain", []),
    ("gabapentin 600 at night", []),
])
def test_gabapentin_and_pregabalin_count_when_taken_for_the_mind(text: str, wanted: list[dict]) -> None:
    assert [t.as_json() for t in extract_trials(text)] == wanted


@pytest.mark.parametrize(("text", "dose", "weeks"), [
    ("Klonopin 0.5 mg twice a day for 3 months", 1, 13),
    ("lithium 300 three times a day", 900, None),  # "a day" is how often, not how long
    ("tomo buspirona 15 mg dos veces al día", 30, None),
    ("Ativan point five at bedtime", 0.5, None),
    ("Celexa 20 then 40, neither dose helped", 40, None),
])
def test_daily_dose_and_how_often(text: str, dose: float, weeks: int | None) -> None:
    trial = only(text)
    assert (trial["dose_mg"], trial["weeks"]) == (dose, weeks)


def test_a_response_said_once_for_a_list_in_the_next_sentence() -> None:
    text = "Tried Zoloft, Paxil and Celexa. None of them worked."
    assert [t.response for t in extract_trials(text)] == ["no_response"] * 3


def test_the_only_one_that_helped_says_the_others_did_not() -> None:
    text = "I tried Zoloft, Prozac and Effexor; Effexor was the only one that helped."
    assert [(t.drug, t.response) for t in extract_trials(text)] == [
        ("sertraline", "no_response"), ("fluoxetine", "no_response"), ("venlafaxine", "worked")]
