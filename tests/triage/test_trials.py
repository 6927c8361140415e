"""Medication trials from the person's own words (zoelife/triage/trials.py): which drugs, with
dose, duration and response where the words give them; only the person's own trials."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.triage.evaluation import TRIAL_ROUNDS, TRIAL_ROUNDS_HELD_OUT, trial_figures
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
    "trials_round1.jsonl": {"exact_sets": 158, "dose": 209, "weeks": 204, "response": 181},
    "trials_round2.jsonl": {"exact_sets": 160, "dose": 333, "weeks": 322, "response": 280},
    "trials_round3.jsonl": {"exact_sets": 159, "dose": 299, "weeks": 285, "response": 246},
    "trials_round4.jsonl": {"exact_sets": 175, "dose": 317, "weeks": 311, "response": 308},
    "trials_round5.jsonl": {"exact_sets": 166, "dose": 273, "weeks": 265, "response": 243},
    "trials_round6.jsonl": {"exact_sets": 176, "dose": 407, "weeks": 394, "response": 340},
    "trials_round7.jsonl": {"exact_sets": 178, "dose": 367, "weeks": 363, "response": 303},
    "trials_round8.jsonl": {"exact_sets": 170, "dose": 316, "weeks": 304, "response": 281},
    "trials_round9.jsonl": {"exact_sets": 159, "dose": 272, "weeks": 250, "response": 227},
    # Held out of the net (tests/triage/data): 128/150 before its fixes, on main 4411aa6.
    "trials_round10.jsonl": {"exact_sets": 140, "dose": 261, "weeks": 246, "response": 208},
    # Held out of the net too: 141/150 blind, on main 7f0d7de, before any fix it prompted.
    # Raised after its fixes by kind (tests/triage/test_trials_r11_kinds.py): 150/150.
    "trials_round11.jsonl": {"exact_sets": 150, "dose": 247, "weeks": 247, "response": 206},
    # Held out too: 147/150 blind, on main 45fb320 (the triage of 7f0d7de), before any fix.
    # Raised after its fixes by kind: 150/150.
    "trials_round12.jsonl": {"exact_sets": 150, "dose": 259, "weeks": 267, "response": 228},
}


@pytest.mark.parametrize("name", [*TRIAL_ROUNDS, *(p.name for p in TRIAL_ROUNDS_HELD_OUT)])
def test_trial_rounds_hold_their_ground(name: str) -> None:
    held_out = {p.name: str(p) for p in TRIAL_ROUNDS_HELD_OUT}
    fig = trial_figures(held_out.get(name, name))
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


# Round 5's misses, by kind (docs/coverage.md); sentences written for these tests, not the probes'.

@pytest.mark.parametrize(("text", "wanted"), [
    ("Ambien CR 12.5 helped me sleep, Restoril did not", ["zolpidem", "temazepam"]),
    ("tried Dayvigo 5 and Quviviq 50 for insomnia", ["lemborexant", "daridorexant"]),
    ("years ago I was on Trilafon 4 mg and then Prolixin shots", ["perphenazine", "fluphenazine"]),
    ("Nardil 60 mg/d for 3 months, then Parnate", ["phenelzine", "tranylcypromine"]),
    ("Kapvay 0.1 for ADHD, Qelbree 200 after that", ["clonidine", "viloxazine"]),
    ("Fanapt 12 mg bid, now on Cobenfy", ["iloperidone", "xanomeline-trospium"]),
    ("clonidine 0.1 for my blood pressure", []),  # clonidine counts for a psychiatric reason
])
def test_drugs_added_in_round_five(text: str, wanted: list[str]) -> None:
    assert drugs(text) == wanted


@pytest.mark.parametrize(("text", "wanted"), [
    ("Fluoxetine 40 x 10 wk. Has never been on an SNRI or on clozapine.", ["fluoxetine"]),
    ("Sertraline 150 mg (partial). Avoid valproate given liver disease.", ["sertraline"]),
    ("Escitalopram 20 mg, no response. Aripiprazole discussed, not started.", ["escitalopram"]),
    ("Current: venlafaxine 225. Lithium offered, pt would like time to think.", ["venlafaxine"]),
    ("Tomo fluoxetina. Estoy por empezar quetiapina el lunes.", ["fluoxetine"]),
    ("Mi doctora quiere que pruebe la vortioxetina; ahora tomo sertralina 100.", ["sertraline"]),
    ("Paroxetine 20 for a year (NR), CBT declined.", ["paroxetine"]),  # a refusal of therapy
])
def test_a_drug_only_discussed_avoided_or_about_to_start_is_not_a_trial(text: str, wanted: list[str]) -> None:
    assert drugs(text) == wanted


@pytest.mark.parametrize(("text", "wanted"), [
    ("Mi mamá toma clonazepam y sertralina. Yo tomo bupropion 150 y quiero una consulta para mí.",
     ["bupropion"]),
    ("my gf takes zoloft, it works for her. i dont take any meds but my anxiety is bad", []),
    ("my hubby is on Effexor. I take Wellbutrin 300 and my depression is still bad",
     ["bupropion"]),
])
def test_the_writers_own_medicine_after_a_relatives(text: str, wanted: list[str]) -> None:
    assert drugs(text) == wanted


@pytest.mark.parametrize(("text", "wanted"), [
    ("Je prends de la sertraline 50 mg depuis un an.", ["sertraline"]),
    ("Est-ce que vous prenez les rendez-vous le samedi? Je n'ai pris de rien.", []),
    ("I'm a 30 year old woman with bipolar I. I take Lamictal 200, it keeps me stable.",
     ["lamotrigine"]),
    ("Client is a 50 yo M, stable on lithium 900 mg. Referred for TMS only.", ["lithium"]),
])
def test_short_words_and_ages_are_not_drugs_nor_another_person(text: str, wanted: list[str]) -> None:
    assert drugs(text) == wanted


@pytest.mark.parametrize(("text", "wanted"), [
    ("I took something called, um, sir-tra-leen, fifty milligrams", ["sertraline"]),
    ("Usé ketamina en pastillas por 3 semanas, me ayudó poco.", ["ketamine"]),
    ("¿Sirve la EMT si la sertralina no me sirvió?", ["sertraline"]),
    ("is the wait long for a new patient? im on prozac 20 and it helps some", ["fluoxetine"]),
])
def test_names_heard_wrong_and_trials_said_beside_a_question(text: str, wanted: list[str]) -> None:
    assert drugs(text) == wanted


@pytest.mark.parametrize(("text", "weeks"), [
    ("Tomo sertralina 50 mg desde hace 6 meses.", 26),  # "since six months ago": how long
    ("Tomé fluoxetina hace un año.", None),  # a time ago, not how long
    ("Je prends de la sertraline 50 mg depuis 3 mois.", 13),
    ("J'ai pris du Prozac pendant 10 jours.", 1),
])
def test_desde_hace_and_french_units_are_how_long(text: str, weeks: int | None) -> None:
    assert only(text)["weeks"] == weeks


# The stop-20 method work (docs/coverage.md): each kind tried on sentences written for it,
# in English and Spanish, beside near misses that must stay empty.
@pytest.mark.parametrize(("text", "wanted"), [
    ("hi it's Dana, I've been on Wellbutrin and the, uh, Sarah quell at night, neither helped",
     ["bupropion", "quetiapine"]),
    ("she's been taking a bill if I two milligrams with her Lexapro", ["aripiprazole", "escitalopram"]),
    ("yeah I tried lamb ick tall for about a month and got a rash", ["lamotrigine"]),
    ("I was on Prozac and then Effects or, seventy five milligrams", ["fluoxetine", "venlafaxine"]),
    ("Hola, tomé Lexapro y luego el Sarah quell, cien miligramos", ["escitalopram", "quetiapine"]),
    ("they put me on Wellbutrin and then the cymbal ta sixty", ["bupropion", "duloxetine"]),
    # Near misses: the same sounds where no medicine is talked of.
    ("Sarah quell the rumors and call me back please", []),
    ("We made a safety plan or something like it at the ER", []),
    ("I was able if I slept enough to work half days", []),
    ("My therapist said a bill if I could pay would help", []),
    ("I sleep ten hours a night and still feel tired", []),
    ("Effects or no effects, I want to try TMS", []),
    ("Is Doctor Sarah Quell taking new patients?", []),
    ("hi yes I'm on a bill if I five and Lexapro ten call me", ["aripiprazole", "escitalopram"]),
    ("I'm on a bill if I can pay it, and Lexapro", ["escitalopram"]),
    ("¿Mi psiquiatra dice que sirve la EMT?", []),
])
def test_names_heard_by_sound(text: str, wanted: list[str]) -> None:
    assert drugs(text) == wanted


@pytest.mark.parametrize(("text", "wanted"), [
    ("Correction: I said Zoloft earlier but I meant Celexa, 20 mg for a year.", ["citalopram"]),
    ("Tomé Paxil, perdón, quise decir Prozac, por seis meses.", ["fluoxetine"]),
    ("I put Abilify on the form. I have never taken Abilify; it was Rexulti.", ["brexpiprazole"]),
    ("Tried Zoloft. Wait, no, it was Paxil. Either way it made me numb.", ["paroxetine"]),
    ("I meant to write Lexapro, not Lamictal. Lexapro 10 mg for 6 months.", ["escitalopram"]),
    # Near miss: a switch is two trials.
    ("I was on Zoloft but then switched to Celexa, which helped a bit.", ["sertraline", "citalopram"]),
])
def test_a_name_taken_back_is_no_trial(text: str, wanted: list[str]) -> None:
    assert drugs(text) == wanted


@pytest.mark.parametrize(("text", "wanted"), [
    ("I did a study of zuranolone but it turned out I got the placebo. I've taken sertraline for 2 years.",
     ["sertraline"]),
    ("Estuve en un estudio de esketamina pero me tocó el placebo. Tomo fluoxetina 20 mg.", ["fluoxetine"]),
    ("Clozapine was considered but deferred. Failed olanzapine 20 mg x 8 wks.", ["olanzapine"]),
    ("Se descartó el litio por los riñones; tomó venlafaxina 150 mg.", ["venlafaxine"]),
    ("Vraylar was not covered by my insurance so I stayed on Lexapro.", ["escitalopram"]),
    ("The pharmacy has my Trintellix, I pick it up tomorrow. I'm on Zoloft 100 now.", ["sertraline"]),
    ("My doctor is switching me to Pristiq starting Monday because Effexor made me sweat.", ["venlafaxine"]),
    ("Dr. Lee prescribed Auvelity last week; I haven't filled it yet. Currently Lexapro 20.", ["escitalopram"]),
    ("Tengo receta de Wellbutrin pero no la he surtido. Tomé Prozac 2 años.", ["fluoxetine"]),
    ("She declined medication after Paxil made her sick.", ["paroxetine"]),
    ("Awaiting insurance approval for Auvelity; currently on bupropion 300.", ["bupropion"]),
    ("Me iban a dar litio pero al final no. Tomo sertralina.", ["sertraline"]),
    ("I saw an ad for Exxua. Anyone tried it? I've been on Paxil 20.", ["paroxetine"]),
    ("Hi, I would be a good Spravato candidate I think. I've failed Prozac and Zoloft.",
     ["fluoxetine", "sertraline"]),
    # Near misses: stopping is not refusing, a next sentence about something else is no cue.
    ("Tomé Ativan 1 mg por 6 meses. Ya no lo tomo.", ["lorazepam"]),
    ("He takes Seroquel 400. He had ECT which worked, but he doesn't want to do it again.", ["quetiapine"]),
    ("My psychiatrist wants to lower my Effexor before I start TMS.", ["venlafaxine"]),
])
def test_set_aside_not_covered_placebo_and_not_yet(text: str, wanted: list[str]) -> None:
    assert drugs(text) == wanted


@pytest.mark.parametrize(("text", "wanted"), [
    ("Do you prescribe Adderall? My old doctor gave me 20 mg but he moved away.",
     ["amphetamine-dextroamphetamine"]),
    ("¿Ustedes recetan Rivotril? Nunca lo he tomado.", []),
    ("Do you offer ketamine infusions? I've only tried Zoloft.", ["sertraline"]),
    ("Can you prescribe Xanax if I'm on Lexapro?", ["escitalopram"]),
    ("I want to try ketamine because Prozac, Zoloft and Celexa all failed",
     ["fluoxetine", "sertraline", "citalopram"]),
])
def test_asking_the_clinic_for_a_drug(text: str, wanted: list[str]) -> None:
    assert drugs(text) == wanted


@pytest.mark.parametrize(("text", "wanted"), [
    ("My mom is on Xanax too, but I'm the one who needs help. I've been on Zoloft for a year.", ["sertraline"]),
    ("Escribo porque mi hijo está muy deprimido; toma sertralina 50. Yo también tomo clonazepam.",
     ["sertraline"]),
    ("Calling about my dad. He's on Remeron 15 and I think the Ativan too.", ["mirtazapine", "lorazepam"]),
    ("Family history: mother on lithium; brother takes Adderall. I have only tried Lexapro.", ["escitalopram"]),
    ("The VA had me on Zoloft and they tried Seroquel for sleep, which knocked me out.",
     ["sertraline", "quetiapine"]),
    ("Mi mamá tomaba Prozac. Yo nunca he tomado antidepresivos.", []),
    ("I'm writing for my son who has ADHD. He's on Vyvanse 30 and I take Adderall myself.",
     ["lisdexamfetamine"]),
    ("My roommate said Wellbutrin helped her, can I get that? I'm on Celexa 20 now.", ["citalopram"]),
])
def test_whose_medicine_by_hedges_relatives_and_prescribers(text: str, wanted: list[str]) -> None:
    assert drugs(text) == wanted


@pytest.mark.parametrize(("text", "wanted"), [
    ("Gabapentin for back pain and Lexapro 10 for anxiety.", ["escitalopram"]),
    ("Gabapentin 300 for anxiety, it helps.", ["gabapentin"]),
    ("Failed Evekeo and Azstarys for ADHD.", ["amphetamine", "serdexmethylphenidate-dexmethylphenidate"]),
    ("Tomé Foxetin 20 mg un año y luego Epival.", ["fluoxetine", "divalproex"]),
    ("I live in Doral and took Celexa for a year", ["citalopram"]),
    ("Estoy on Lexapro 10 desde hace 3 meses y no me ayuda.", ["escitalopram"]),
])
def test_bodily_reasons_new_list_entries_and_spanglish(text: str, wanted: list[str]) -> None:
    assert drugs(text) == wanted


@pytest.mark.parametrize(("text", "wanted"), [
    ("Mi psiquiatra quiere probar con Abilify pero yo tengo miedo. Tomo Zoloft 100.", ["sertraline"]),
    ("Yo tomé Rivotril hace años; mi hijo nunca ha tomado nada. Es para él la cita.", []),
    ("I've heard Trintellix has fewer side effects. I'm on Celexa now.", ["citalopram"]),
    ("I heard voices so they put me on Risperdal, which helped.", ["risperidone"]),
    ("Sera quell 300 at bedtime and lithium 900, per my husband.", ["quetiapine", "lithium"]),
    ("I was on Zoloft — no wait, it was Lexapro — for about a year.", ["escitalopram"]),
    ("Meds: Lexapro 20 (current), Abilify 5 (d/c 2023, akathisia). Allergies: PCN.",
     ["escitalopram", "aripiprazole"]),
    ("tomo sertralina y mi esposo también toma sertralina", ["sertraline"]),
    # Near misses of the cues above.
    ("I'm considered treatment resistant after failing Zoloft and Prozac.", ["sertraline", "fluoxetine"]),
    ("I heard back from my doctor: stay on Lexapro 20.", ["escitalopram"]),
    ("I saw my psychiatrist and she upped my Lexapro to 20.", ["escitalopram"]),
    ("Not Prozac, it was Paxil that made me gain weight.", ["paroxetine"]),
    ("Could you send a refill of my bupropion XL to the pharmacy? I'm Dr. Patel's patient.", ["bupropion"]),
    ("My doctor is switching me from Zoloft to Lexapro next week.", ["sertraline"]),
    ("Empiezo con Lexapro 10 la semana que viene; tomé Prozac un año.", ["fluoxetine"]),
    ("I took Zoloft for a year, next week I see my doctor.", ["sertraline"]),
])
def test_a_later_batch_of_new_sentences(text: str, wanted: list[str]) -> None:
    assert drugs(text) == wanted
