"""Rounds 11 and 12's misses, by kind (docs/coverage.md, "Round 11" and "Round 12"): sentences
written for each kind, never the rounds' own, with near neighbours that must not change."""

from __future__ import annotations

import pytest

from zoelife.triage.trials import extract_trials


def drugs(text: str) -> list[str]:
    return [t.drug for t in extract_trials(text)]


# Kind 2: not taken, said in the third person or as a wish of the doctor.
@pytest.mark.parametrize(("text", "wanted"), [
    ("A mi papá le recetaron escitalopram 10 mg pero no lo ha tomado porque le da miedo.", []),
    ("Mi novia está muy deprimida. Le dieron fluoxetina pero no la ha tomado porque cree que engorda.", []),
    ("O médico quer que eu comece escitalopram mês que vem. Nunca tomei nada.", []),
    ("A psiquiatra quer que ele tome lítio, mas ele ainda não tomou.", []),
    ("I'm starting Auvelity with my new psychiatrist next week; right now I'm on Zoloft 100.",
     ["sertraline"]),
    ("We are starting Rexulti at the other clinic in two weeks.", []),
    ("Lexapro didn't help, so my doctor wants me to talk to you about starting Vraylar.", ["escitalopram"]),
    ("Tomé sertralina un año; mi médico quiere que hable con ustedes sobre empezar litio.", ["sertraline"]),
])
def test_not_taken_in_the_third_person_or_as_the_doctors_wish(text: str, wanted: list[str]) -> None:
    assert drugs(text) == wanted


@pytest.mark.parametrize(("text", "wanted"), [
    # Near neighbours: taken, a start in the past, a worry that is no plan.
    ("I started Auvelity last month and it helps a bit.", ["dextromethorphan-bupropion"]),
    ("Mi mamá tomó sertralina dos años y le ayudó. Queremos una cita para ella.", ["sertraline"]),
    ("Ele tomou lítio por dois anos. Queremos um psiquiatra para ele.", ["lithium"]),
    ("I was nervous about starting college while on Zoloft 50, but it helped.", ["sertraline"]),
])
def test_near_neighbours_of_not_taken_stay_taken(text: str, wanted: list[str]) -> None:
    assert drugs(text) == wanted


# Kind 3: a refusal of one drug leaves a drug taken in the same sentence.
@pytest.mark.parametrize(("text", "wanted"), [
    ("My psychiatrist suggested adding Rexulti to my Wellbutrin (300 mg, a year) but I declined it.",
     ["bupropion"]),
    ("La doctora me ofreció Abilify junto con mi Lexapro de 20 mg, que tomo hace un año, pero lo rechacé.",
     ["escitalopram"]),
    ("O médico sugeriu Vraylar com o meu Zoloft 100, mas recusei.", ["sertraline"]),
])
def test_a_refusal_keeps_the_drug_taken_beside_it(text: str, wanted: list[str]) -> None:
    assert drugs(text) == wanted


@pytest.mark.parametrize("text", [
    "My doctor offered me lithium and also Seroquel but I said no to both.",
    "They offered Abilify and Rexulti but I refused.",
    "Me ofrecieron litio y quetiapina, pero los rechacé.",
])
def test_a_refusal_of_every_drug_offered_still_takes_them_all_out(text: str) -> None:
    assert drugs(text) == []


# Kind 4: ketamine given by its own route beside esketamine.
@pytest.mark.parametrize(("text", "wanted"), [
    ("s/p IV ketamine x4 (2021), partial; esketamine 56 mg x 8 wks, no response.", ["ketamine", "esketamine"]),
    ("Hx: oral ketamine x3 mo, then Spravato 84 mg twice weekly.", ["ketamine", "esketamine"]),
    ("Recibió ketamina IV x6 en 2020; luego esketamina 56 mg por 3 meses.", ["ketamine", "esketamine"]),
])
def test_ketamine_by_its_route_beside_esketamine_is_received(text: str, wanted: list[str]) -> None:
    assert sorted(drugs(text)) == sorted(wanted)


@pytest.mark.parametrize(("text", "wanted"), [
    ("Is Spravato better than ketamine infusions? Just reading for now.", []),
    ("The nasal spray ketamine thing (Spravato) is what I'm asking about.", []),
])
def test_ketamine_compared_or_named_for_esketamine_stays_out(text: str, wanted: list[str]) -> None:
    assert drugs(text) == wanted


# Kind 5: a spoken self-correction keeps only the drug settled on.
@pytest.mark.parametrize(("text", "wanted"), [
    ("I took Celexa - no wait, sorry, Lexapro, for a year.", ["escitalopram"]),
    ("Estuve con Paxil, no, espera, perdón, Prozac, seis meses.", ["fluoxetine"]),
    ("Tomei Zoloft, não, desculpa, Lexapro, por um ano.", ["escitalopram"]),
])
def test_a_spoken_self_correction_keeps_the_corrected_drug(text: str, wanted: list[str]) -> None:
    assert drugs(text) == wanted


@pytest.mark.parametrize(("text", "wanted"), [
    ("I took Celexa and Lexapro, sorry for the long message.", ["citalopram", "escitalopram"]),
    ("Tried Zoloft, wait times were long, then Prozac.", ["sertraline", "fluoxetine"]),
])
def test_words_of_apology_between_two_drugs_taken_keep_both(text: str, wanted: list[str]) -> None:
    assert drugs(text) == wanted


def test_a_clause_after_a_taking_word_is_no_name_heard() -> None:
    # "porque tiene" after "no la ha tomado" once sounded like paroxetine and took the cue.
    assert drugs("Le recetaron venlafaxina pero no la ha tomado porque tiene dudas.") == []


# Kind 1: a parent or spouse writing for the patient: the patient's drugs are trials.
@pytest.mark.parametrize(("text", "wanted"), [
    ("Boa tarde, estou escrevendo pela minha filha, ela toma sertralina 50 há um ano e melhorou.", ["sertraline"]),
    ("Olá, ligo pelo meu pai, ele toma lítio 600 e quetiapina 50 desde 2020.", ["lithium", "quetiapine"]),
    ("Hola. Mi hijo de 12 años lleva 3 meses tomando atomoxetina 25 mg y no ve cambios. Buscamos psiquiatra.",
     ["atomoxetine"]),
    ("¿Atienden adolescentes? Mi hija toma escitalopram 10 y está muy triste todavía.", ["escitalopram"]),
    ("Do you have appointments for teens? My son takes Concerta 36 and it helps with school.",
     ["methylphenidate"]),
    ("My husband takes Lexapro 20 and it isn't enough anymore; we're looking for a psychiatrist for him.",
     ["escitalopram"]),
])
def test_a_relative_written_for_is_the_patient(text: str, wanted: list[str]) -> None:
    assert drugs(text) == wanted


@pytest.mark.parametrize(("text", "wanted"), [
    # The writer asks for themself: a relative's drugs stay out.
    ("My husband takes Lexapro. I've tried Zoloft and Prozac and I need help for my depression.",
     ["sertraline", "fluoxetine"]),
    ("Mi hija toma escitalopram, pero la cita es para mí: yo he tomado sertralina un año.", ["sertraline"]),
    ("Meu marido toma lítio. Eu tomei fluoxetina por dois anos e quero tratamento para mim.", ["fluoxetine"]),
    ("I'm 34 and I have depression. My mom is on Zoloft and it helps her. I have never taken anything.", []),
])
def test_a_relative_named_beside_the_writers_own_care_stays_out(text: str, wanted: list[str]) -> None:
    assert drugs(text) == wanted


def test_a_relatives_age_is_no_duration() -> None:
    [trial] = extract_trials("Mi hijo de 14 años lleva 8 semanas tomando fluoxetina 20 mg.")
    assert trial.weeks == 8


# Kind 6: a transcript's names heard by sound, within drug_heard's guards.
@pytest.mark.parametrize(("text", "wanted"), [
    ("Hi, this is Sam. I've been on symbolta sixty milligrams for a year, it helps a bit.", ["duloxetine"]),
    ("Um, I was on Lexapro for a year and then the, uh, well beaten, the XL one, three hundred, for two months.",
     ["escitalopram", "bupropion"]),
    ("I take sim bolta thirty milligrams and my doctor mentioned the nasal spray.", ["duloxetine"]),
])
def test_names_a_transcript_heard_are_read_by_sound(text: str, wanted: list[str]) -> None:
    assert drugs(text) == wanted


@pytest.mark.parametrize("text", [
    "I feel well beaten down by all of this, the XL one was the only size left.",
    "We got the XL one for my son, well beaten up after school, and nothing else.",
    "Me siento triste porque tiene que ver con el trabajo, nada más.",
])
def test_ordinary_words_stay_words(text: str) -> None:
    assert drugs(text) == []


def test_a_cue_about_a_treatment_named_by_its_form_leaves_the_drug_before() -> None:
    assert drugs("I've been on Paxil 20 for a year, and my doctor mentioned the infusions.") == ["paroxetine"]
