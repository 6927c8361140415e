"""Medication trials: doses said in words and prescribers said as "they" (trials7), on
sentences written for these tests, with near misses that must stay as they are; and the
fresh set written before those changes (`fresh_trials7.py`), held whole."""

from __future__ import annotations

import pytest

from tests.triage.fresh_trials7 import CASES, CASES_B
from zoelife.triage.trials import extract_trials


def doses(text: str) -> dict[str, float | None]:
    return {t.drug: t.dose_mg for t in extract_trials(text)}


@pytest.mark.parametrize(("text", "wanted"), [
    # Hundreds then the rest, as a label is read aloud.
    ("I was on Wellbutrin one fifty for about a year", {"bupropion": 150}),
    ("effexor two twenty-five, then Cymbalta sixty", {"venlafaxine": 225, "duloxetine": 60}),
    ("Seroquel three seventy five at night", {"quetiapine": 375}),
    # Words the library reads, English and Spanish.
    ("lithium nine hundred milligrams a day", {"lithium": 900}),
    ("Lamictal a hundred and fifty mg for 4 months", {"lamotrigine": 150}),
    ("Tomo venlafaxina ciento cincuenta miligramos", {"venlafaxine": 150}),
    ("escitalopram veinte mg desde hace seis meses", {"escitalopram": 20}),
    ("sertralina doscientos mg", {"sertraline": 200}),
    # Near misses: a time of day, a count of tablets or of anything else, is no dose.
    ("I take Prozac at nine thirty in the morning", {"fluoxetine": None}),
    ("Zoloft, I take it around eight forty", {"sertraline": None}),
    ("Trintellix, two twenty mg tablets a day", {"vortioxetine": 20}),
    ("Lexapro; I did two thirty minute sessions of therapy too", {"escitalopram": None}),
])
def test_doses_said_in_words(text: str, wanted: dict[str, float | None]) -> None:
    assert doses(text) == wanted


@pytest.mark.parametrize(("text", "wanted"), [
    # "they", "she", "he" doing what a prescriber does is the prescriber, not another person.
    ("They offered me Rexulti but I said no. I stayed on Zoloft 100.", ["sertraline"]),
    ("They suggested lithium. I take Lamictal 200 and it helps.", ["lamotrigine"]),
    ("She recommended Trintellix; I've been on it for 3 months.", ["vortioxetine"]),
    ("He doubled my Lexapro to 20 last month.", ["escitalopram"]),
    # A suggestion taken up, said of "it" in the next sentence; and not taken up.
    ("Me sugirió Lexapro. Lo tomé un año.", ["escitalopram"]),
    ("I was offered Vraylar. I started it last week.", ["cariprazine"]),
    ("Me sugirió Lexapro. No lo tomé.", []),
    ("My doctor suggested Abilify. I never took it.", []),
    # Near misses: someone else taking it is still theirs.
    ("They take Zoloft too. I've been on Paxil 20 for a year.", ["paroxetine"]),
    ("My son is 15. He takes Prozac 20. I just want to know about TMS for him.", ["fluoxetine"]),
])
def test_prescriber_said_as_a_pronoun(text: str, wanted: list[str]) -> None:
    assert [t.drug for t in extract_trials(text)] == wanted


@pytest.mark.parametrize(("text", "wanted"), [
    # A relative's medicine named first, then the writer's own present taking.
    ("My husband takes Xanax. I take Zoloft 50.", ["sertraline"]),
    ("Mi pareja toma litio y yo tomo lamotrigina 100", ["lamotrigine"]),
    # Near misses: more told of the relative, or the writer's aside, or taking someone.
    ("Mi hija toma Concerta 36 y antes probó Strattera. Yo tomo Prozac.",
     ["methylphenidate", "atomoxetine"]),
    ("My son takes Prozac 20. I take Zoloft myself. Can he do TMS?", ["fluoxetine"]),
    ("My son takes Prozac 20. I take him to therapy weekly. Can he do TMS?", ["fluoxetine"]),
])
def test_a_relatives_medicine_then_the_writers_own(text: str, wanted: list[str]) -> None:
    assert [t.drug for t in extract_trials(text)] == wanted


@pytest.mark.parametrize(("text", "wanted"), [
    # A relative "was prescribed" a medicine (round 7: whose the message is), then the writer
    # turns to themselves: the medicines after it are the writer's, weighed as "I take" is.
    ("My husband was prescribed Wellbutrin in May. As for me, Lexapro 10 for a year.",
     ["escitalopram"]),
    ("A mi mamá le recetaron Clonazepam. En mi caso, sertralina 100 desde 2022.",
     ["sertraline"]),
    ("My son was prescribed Concerta. In my case: Effexor 150, then Cymbalta.",
     ["venlafaxine", "duloxetine"]),
    # Near misses: more told of the relative than after the turn; the turn said of no medicine;
    # a relative the message is plainly for; the writer's aside ("... too").
    ("My daughter was prescribed Zoloft, then Prozac and Lexapro. For me, Abilify.",
     ["sertraline", "fluoxetine", "escitalopram"]),
    ("My wife was prescribed Trintellix last month. For me, it has been hard to watch.",
     ["vortioxetine"]),
    ("I'm writing for my son. He was prescribed Zoloft 50. For me, Lexapro worked.",
     ["sertraline"]),
    ("My son was prescribed Prozac 20. For me, Prozac too. Can he do TMS?", ["fluoxetine"]),
])
def test_a_relatives_medicine_then_the_writer_turning_to_themselves(text: str,
                                                                    wanted: list[str]) -> None:
    assert [t.drug for t in extract_trials(text)] == wanted


@pytest.mark.parametrize(("text", "wanted"), [
    # Taken back: struck off, said to be someone else's right after, or denied after a mix-up.
    ("Please disregard the Seroquel, I take Effexor 150.", ["venlafaxine"]),
    ("The Ativan, that was my sister's. I've had Celexa 20.", ["citalopram"]),
    ("Perdón: no era Paxil, era Prozac.", ["fluoxetine"]),
    # Near misses: someone else's but taken all the same; a name kept after "ignore the typo".
    ("Xanax was my mom's but I took it for a month.", ["alprazolam"]),
    ("ignore the typo, I take Lexapro 10", ["escitalopram"]),
    # A history told in order by a transcriber: "and before that" leads to a name heard.
    ("i was on the zoloft and before that pax ill", ["sertraline", "paroxetine"]),
    ("I was on Zoloft and before that my plan was to wait", ["sertraline"]),
])
def test_taken_back_and_histories_told_in_order(text: str, wanted: list[str]) -> None:
    assert [t.drug for t in extract_trials(text)] == wanted


@pytest.mark.parametrize(("text", "wanted"), [
    # A relative's medicine said with a possessive is the relative's.
    ("My sister's Zoloft worked for her. I take Lexapro 10.", ["escitalopram"]),
    ("my moms xanax helped her. I was on Paxil 20.", ["paroxetine"]),
    # Near misses: a relative's prescriber or doctor, the medicine the writer's.
    ("My son's psychiatrist put me on Zoloft", ["sertraline"]),
    ("my husbands doctor gave me Xanax", ["alprazolam"]),
])
def test_a_relatives_medicine_said_with_a_possessive(text: str, wanted: list[str]) -> None:
    assert [t.drug for t in extract_trials(text)] == wanted


def test_the_dose_a_drug_went_to_and_english_once() -> None:
    assert doses("Mi doctora me subió la venlafaxina a doscientos veinticinco") == {
        "venlafaxine": 225}
    assert doses("she upped my Zoloft to 150 in May") == {"sertraline": 150}
    assert doses("I took Ativan once before a flight") == {"lorazepam": None}
    assert doses("Tomé Ativan once miligramos") == {"lorazepam": 11}


def test_a_spanish_tablet_strength_said_with_de() -> None:
    assert doses("tomo sertralina de 100") == {"sertraline": 100}
    assert doses("tomo sertralina de 2019 a 2021") == {"sertraline": None}


# Left, said here so that it shows: a dose in the sentence after the name, said of "on"
# with no name ("my lithium? I've been on 900 a day").
_LEFT = {"Would you be able to manage my lithium? I've been on 900 a day for years."}


@pytest.mark.parametrize(("text", "wanted", "wanted_doses"), [
    pytest.param(*case, marks=pytest.mark.xfail(strict=True, reason="dose in the next sentence"))
    if case[0] in _LEFT else case for case in CASES + CASES_B])
def test_fresh_set_written_before_the_changes(text: str, wanted: set[str],
                                              wanted_doses: dict[str, float]) -> None:
    got = doses(text)
    assert set(got) == wanted
    assert {d: got[d] for d in wanted_doses} == wanted_doses
