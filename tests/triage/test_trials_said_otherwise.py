"""Medication trials said in other ways, each kind met by method and tried on sentences written
for these tests (never a labelled round's own), with near misses that must stay as they are:
a dose said before the drug, lengths of time in the other languages' own words (from their
language files), names a voicemail transcript heard as ordinary words."""

from __future__ import annotations

import pytest

from zoelife.triage.trials import extract_trials


def trials(text: str) -> dict[str, dict]:
    return {t.drug: t.as_json() for t in extract_trials(text)}


def doses(text: str) -> dict[str, float | None]:
    return {drug: t["dose_mg"] for drug, t in trials(text).items()}


def weeks(text: str) -> dict[str, int | None]:
    return {drug: t["weeks"] for drug, t in trials(text).items()}


# A dose said before the drug: a number and "of"/"de" with or without mg, tablets counted.
@pytest.mark.parametrize(("text", "wanted"), [
    ("I was on 40 of the Celexa for about a year and it did nothing.", {"citalopram": 40}),
    ("Currently taking 12.5 of Zoloft, just started.", {"sertraline": 12.5}),
    ("They had me on three 100s of the Seroquel at night, way too sedating.", {"quetiapine": 300}),
    ("She takes two 150s of the Effexor every morning.", {"venlafaxine": 300}),
    ("I take 15 of remeron and 0.5 of klonopin at bedtime.", {"mirtazapine": 15, "clonazepam": 0.5}),
    ("the 300 dose of lithium made my hands shake", {"lithium": 300}),
    ("Tomaba 75 de venlafaxina y me daba náuseas.", {"venlafaxine": 75}),
    ("Estoy con 20 mg de la paroxetina desde hace un año.", {"paroxetine": 20}),
    ("Tomei 50 mg da sertralina por dois meses.", {"sertraline": 50}),
])
def test_dose_said_before_the_drug(text: str, wanted: dict) -> None:
    assert doses(text) == wanted


@pytest.mark.parametrize(("text", "wanted"), [
    # The dose it went to, from one to the other; what it is now.
    ("My psychiatrist moved my Lexapro from 10 to 15 last month.", {"escitalopram": 15}),
    ("El médico me subió el Zoloft de 50 a 150 en enero.", {"sertraline": 150}),
    ("Honestly my Abilify dose is 5, nothing more.", {"aripiprazole": 5}),
    ("The bupropion is 450 now and I still feel flat.", {"bupropion": 450}),
])
def test_dose_said_as_it_is_or_moved_to(text: str, wanted: dict) -> None:
    assert doses(text) == wanted


@pytest.mark.parametrize(("text", "wanted"), [
    # Pills counted, not a dose: a count said as a word, a possessive ("took 20 of my Ativan").
    ("I only ever took one of the Xanax my friend gave me.", {"alprazolam": None}),
    ("Last week I took 20 of my Ativan at once.", {"lorazepam": None}),
    # A length of time, an hour, a price and an order are no dose.
    ("Tomé sertralina de 2 a 4 meses, no recuerdo bien.", {"sertraline": None}),
    ("I took Paxil from 9 to 5 pm shifts, no idea why I said that.", {"paroxetine": None}),
    ("The Zoloft was 2 years ago.", {"sertraline": None}),
    ("Trintellix is 400 dollars a month without insurance.", {"vortioxetine": None}),
    ("Wellbutrin was 1 of the first things they tried.", {"bupropion": None}),
])
def test_numbers_before_or_after_that_are_no_dose(text: str, wanted: dict) -> None:
    assert doses(text) == wanted


# Lengths of time in Tagalog, Vietnamese and Haitian Creole (and German, French), read from the
# number and unit words of their language files.
@pytest.mark.parametrize(("text", "wanted"), [
    ("Uminom ako ng Zoloft 100 mg nang dalawang buwan pero walang nagbago.", {"sertraline": 9}),
    ("Nag-Lexapro ako ng isang taon, tapos tumigil ako.", {"escitalopram": 52}),
    ("Tatlong linggo lang akong uminom ng Prozac kasi nahilo ako.", {"fluoxetine": 3}),
    ("Tôi uống Zoloft 50 mg được 4 tháng nhưng không đỡ.", {"sertraline": 17}),
    ("Mẹ tôi... à không, tôi uống Lexapro hai năm rồi.", {"escitalopram": 104}),
    ("Mwen te pran Lexapro 10 mg pandan twa mwa, li pa t ede m.", {"escitalopram": 13}),
    ("Mwen sou Wellbutrin depi 8 semèn.", {"bupropion": 8}),
    ("Ich nehme Sertralin 100 mg seit vier Monaten.", {"sertraline": 17}),
    ("J'ai pris de la fluoxétine pendant trois semaines.", {"fluoxetine": 3}),
])
def test_lengths_of_time_in_other_languages(text: str, wanted: dict) -> None:
    assert weeks(text) == wanted


def test_english_words_that_are_another_languages_length_stay_words() -> None:
    # Haitian "set" (seven) and "an" (year) are English words together: no seven years.
    assert weeks("I set an alarm for my Zoloft 50 mg every morning.") == {"sertraline": None}
    # An age is still no length ("taong gulang" is years old; "30 ans" after "de" an age).
    assert weeks("Ako ay 40 taong gulang at umiinom ng Zoloft 50 mg.") == {"sertraline": None}


def drugs(text: str) -> list[str]:
    return [t.drug for t in extract_trials(text)]


# Names a voicemail transcript heard as ordinary words or a person's name, read by sound (Metaphone
# with "th" within as "t", a last "-ing" as "-ine", a name's last sound left unheard in a list).
@pytest.mark.parametrize(("text", "wanted"), [
    ("Tried Paxil and Remmer, none helped.", ["paroxetine", "mirtazapine"]),
    ("Tomé Lexapro y Ramiro, ninguno me sirvió.", ["escitalopram", "mirtazapine"]),
    ("my mom takes the mertha zapping thirty at bedtime", ["mirtazapine"]),
    ("I'm on Prozac and the mirta zapping 15 at night.", ["fluoxetine", "mirtazapine"]),
    ("Lexapro, Buspa and Wellbutrin, nothing worked.", ["escitalopram", "buspirone", "bupropion"]),
])
def test_names_heard_by_sound(text: str, wanted: list[str]) -> None:
    assert drugs(text) == wanted


@pytest.mark.parametrize(("text", "wanted"), [
    # A person's name beside a drug that the list does not go on after, or not in a list at all.
    ("I tried Zoloft and Ramiro said to ask you about TMS.", ["sertraline"]),
    ("My son Ramiro tried Zoloft last year.", ["sertraline"]),
    ("Lexapro and Sandra and none of us liked it.", ["escitalopram"]),
    ("Zoloft, Mariah, and me are all on the same plan.", ["sertraline"]),
    # An ordinary word clipped like a name (Spanish "remero", rower) stays a word.
    ("Lexapro, remero, Zoloft, none of them did anything.", ["escitalopram", "sertraline"]),
    # "the" is no "t": "the earliest" sounds like no name; "prn" is no Parnate.
    ("I'm on Zoloft. I can do any day next week, I'd like the earliest one available.", ["sertraline"]),
    ("Currently on hydroxyzine prn and propranolol for performance anxiety.", []),
    # A negation said of the drug just named is its response, never a name heard by sound
    # ("isnt doing" sounds like Asendin once "-ing" is read as "-ine").
    ("on celexa 20 and the celexa isnt doing anything", ["citalopram"]),
    ("the zoloft wasnt doing much so they upped it", ["sertraline"]),
    ("prozac 20, it isnt doing a thing, also trazodone 50", ["fluoxetine", "trazodone"]),
])
def test_names_and_words_that_stay_words(text: str, wanted: list[str]) -> None:
    assert drugs(text) == wanted


def responses(text: str) -> dict[str, str | None]:
    return {drug: t["response"] for drug, t in trials(text).items()}


# How a trial went in the other languages' words (their files' [trial_responses]).
@pytest.mark.parametrize(("text", "wanted"), [
    ("J'ai pris du Zoloft 100 mg pendant quatre mois, sans aucun résultat.", {"sertraline": "no_response"}),
    ("Le Seroplex m'a un peu aidée, mais pas assez.", {"escitalopram": "partial"}),
    ("Échecs : Deroxat 20 mg, Effexor 150 mg.", {"paroxetine": "no_response", "venlafaxine": "no_response"}),
    ("Ich habe Sertralin 100 mg genommen, leider ohne Wirkung.", {"sertraline": "no_response"}),
    ("Escitalopram hilft mir ein bisschen, aber nicht genug.", {"escitalopram": "partial"}),
    ("Tomei sertralina 50 mg por três meses, sem nenhuma melhora.", {"sertraline": "no_response"}),
    ("O escitalopram melhorou um pouco o meu humor.", {"escitalopram": "partial"}),
    ("Ho preso sertralina per sei mesi, nessun miglioramento.", {"sertraline": "no_response"}),
    ("Uminom ako ng Zoloft pero hindi tumalab.", {"sertraline": "no_response"}),
    ("Mwen te pran Prozac 20 mg, li pa t fe anyen pou mwen.", {"fluoxetine": "no_response"}),
    ("Tôi uống Lexapro 10 mg nhưng không cải thiện.", {"escitalopram": "no_response"}),
])
def test_responses_in_other_languages(text: str, wanted: dict) -> None:
    assert responses(text) == wanted


def test_english_words_are_no_other_languages_response() -> None:
    # Vietnamese "đỡ ít" (a little better) unaccented is English "do it".
    assert responses("I'm on Abilify 5 mg and I want to know if I can still do it.") == {"aripiprazole": None}


# A decimal comma after a naught with no mg after it ("Rivotril 0,5"): a dose; a list is not.
@pytest.mark.parametrize(("text", "wanted"), [
    ("Tomo Valium 0,5 antes de dormir desde hace un mes.", {"diazepam": 0.5}),
    ("Uso alprazolam 0,25 quando tenho crise.", {"alprazolam": 0.25}),
    ("Zoloft 50, Klonopin 0,5 at night.", {"sertraline": 50, "clonazepam": 0.5}),
])
def test_a_decimal_comma_without_mg(text: str, wanted: dict) -> None:
    assert doses(text) == wanted
