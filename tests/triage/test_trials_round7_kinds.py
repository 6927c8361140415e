"""Medication trials: the kinds of miss trials round 7 showed (docs/coverage.md), each met by
method and tried here on sentences written for these tests, never the round's own, with near
misses that must stay as they are."""

from __future__ import annotations

import pytest

from zoelife.triage.drug_names import is_ordinary_word
from zoelife.triage.trials import extract_trials


def drugs(text: str) -> list[str]:
    return [t.drug for t in extract_trials(text)]


@pytest.mark.parametrize(("text", "wanted"), [
    # A first vowel heard as another ("a fexor" for Effexor).
    ("I did a fexor for a year and it did nothing", ["venlafaxine"]),
    # A voiced sound heard voiceless or the reverse.
    ("I took bust bar 10 mg twice a day", ["buspirone"]),
    # One sound swapped for another, right before a dose.
    ("I was on lamb big tall 150 for a year", ["lamotrigine"]),
    ("they had me on clone a sepam half a milligram", ["clonazepam"]),
    # A dose said in words after the words heard.
    ("then they added sarah quell one fifty at night", ["quetiapine"]),
    # Spanish words for being given before the words heard.
    ("me agregaron la que tia pina para dormir", ["quetiapine"]),
    # One ordinary word right before its dose.
    ("I was on effector 75 mg for two months", ["venlafaxine"]),
    # Near misses: no dose for the swapped sound or the lone word, an hour, a time, a possessive
    # first, an abbreviation in capitals, a year after the words.
    ("I was on lamb pick tall for a year", []),
    ("I was on effector for a year", []),
    ("the effector cells were measured", []),
    ("Trabajo en una panadería de 5 de la mañana a 1 de la tarde.", []),
    ("I start in two weeks somewhere else.", []),
    ("we went to the trial for back pain", []),
    ("I work nights so I'm flexible on my days off.", []),
    ("PMH: GERD on omeprazole 20 mg, HTN on lisinopril.", []),
    ("After my divorce in 2020 I moved.", []),
    # "on" only as a person is on a medicine.
    ("do not bother running detection on very tiny content", []),
    ("the body is parsed on the event loop first", []),
])
def test_names_heard_by_sound(text: str, wanted: list[str]) -> None:
    assert drugs(text) == wanted


@pytest.mark.parametrize(("text", "wanted"), [
    # Spanish written without its accents is still Spanish: "tambien" is no Ambien.
    ("tambien tomo clonazepam 0.5 en la noche", ["clonazepam"]),
    ("le digo al senor que estoy cansada", []),
    # "gu"/"hu" before a vowel is the sound w in Spanish spelling.
    ("Me recetaron huelbutrin de 150 hace un año.", ["bupropion"]),
    # A payer's name close to a brand: the insurer, not the drug.
    ("My plan is with Elevance. I took Lexapro 10 for a year.", ["escitalopram"]),
    ("I took Elvanse 30 mg for ADHD.", ["lisdexamfetamine"]),
    # Two readings of the same words: the longer one.
    ("I tried cita lo pram 20 for a month", ["citalopram"]),
])
def test_spelling_payers_and_overlapping_readings(text: str, wanted: list[str]) -> None:
    assert drugs(text) == wanted


def test_a_word_without_its_one_accent_is_an_ordinary_word() -> None:
    assert is_ordinary_word("tambien") and is_ordinary_word("despues")
    assert not is_ordinary_word("guelbutrin")


@pytest.mark.parametrize(("text", "wanted"), [
    # A relative's possessive: "my husband's on".
    ("My husband's on Lexapro and doing well; I've only tried Zoloft.", ["sertraline"]),
    # A child writing for a parent: the parent's medicines.
    ("Soy su hijo y llamo por mi papá: él toma sertralina 100 mg desde hace un año.", ["sertraline"]),
    # A parent about a child "prescribed": the child's, not the parent's own.
    ("Hi, my son was prescribed Concerta 36 mg last year and he's been taking it since. I take Zoloft "
     "myself, could he try that?", ["methylphenidate"]),
    # The writer's own in Spanish: "he tomado", "tengo 30 años".
    ("Lo único que he tomado es sertralina. Mi hermana toma Prozac y dice que le sirve.", ["sertraline"]),
    ("Tengo 30 años. Tomé Lexapro 10 mg por 6 meses. Mi mamá toma clonazepam y dice que le sirve.",
     ["escitalopram"]),
    ("Mi padre tomaba litio, lo menciono como antecedente familiar. Yo he tomado sertralina 50.",
     ["sertraline"]),
    # A referral the writer speaks of, then "I was on": the writer's own.
    ("My therapist sent over a referral. I was on Prozac 20 for a year.", ["fluoxetine"]),
    ("Referral: 45F with MDD. She was on sertraline 100 x 12 wk.", ["sertraline"]),
    # A he or she who switches a drug after a clinician is named is the prescriber...
    ("My psychiatrist started me on Prozac. Then she switched me to Zoloft 100.", ["fluoxetine", "sertraline"]),
    # ... not after a relative is.
    ("I take Lexapro 10. My husband has depression too; he tried Zoloft.", ["escitalopram"]),
])
def test_whose_trial(text: str, wanted: list[str]) -> None:
    assert drugs(text) == wanted


@pytest.mark.parametrize(("text", "wanted"), [
    ("I'm curious whether Zoloft or Prozac would help; I've never been on anything.", []),
    ("I haven't tried Rexulti. I've been on Abilify 5 for a year.", ["aripiprazole"]),
    ("My doctor brought up Trintellix but we did not start it. I take Wellbutrin 300.", ["bupropion"]),
    ("Discussed clozapine; pt prefers to wait. Tried risperidone 2 mg x 8 wk.", ["risperidone"]),
    ("Considered lithium and Vraylar; pt declined both. Failed Zoloft 200.", ["sertraline"]),
    # Near misses: a pause, not a never; "considered" inside a sentence.
    ("I haven't taken Lexapro since March; I was on it for 2 years.", ["escitalopram"]),
    ("I considered stopping Zoloft but kept going.", ["sertraline"]),
])
def test_asked_about_considered_or_not_had(text: str, wanted: list[str]) -> None:
    assert drugs(text) == wanted


@pytest.mark.parametrize(("text", "wanted"), [
    ("I was on Zoloft 50 for 2 months—no wait, it was Lexapro.", ["escitalopram"]),
    ("Tomé la paroxetina... no, perdón, la fluoxetina de 20.", ["fluoxetine"]),
    # Near misses: "no" said of how it went.
    ("I was on Zoloft for 2 months, no improvement, then Lexapro.", ["sertraline", "escitalopram"]),
    ("Tomé paroxetina, no me ayudó, y la fluoxetina tampoco.", ["paroxetine", "fluoxetine"]),
])
def test_a_name_corrected_after_its_own_words(text: str, wanted: list[str]) -> None:
    assert drugs(text) == wanted


@pytest.mark.parametrize(("text", "wanted"), [
    ("Wellbutrin was prescribed last spring and I never picked it up. This fall I started it at 150 "
     "and it helps.", ["bupropion"]),
    # Near misses: still not started; a later start of another drug.
    ("Abilify was prescribed but I never filled it. I still haven't started it.", []),
    ("The doctor prescribed Rexulti and I never filled it. Then I started Lexapro 10.", ["escitalopram"]),
])
def test_never_filled_then_taken_after_all(text: str, wanted: list[str]) -> None:
    assert drugs(text) == wanted
