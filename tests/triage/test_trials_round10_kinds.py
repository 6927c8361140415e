"""Medication trials: the kinds of miss trials round 10 showed (docs/coverage.md), each met by
method and tried here on sentences written for these tests, never the round's own, with near
misses that must stay as they are."""

from __future__ import annotations

import pytest

from zoelife.triage.trials import extract_trials


def drugs(text: str) -> list[str]:
    return [t.drug for t in extract_trials(text)]


# Russian brands from the State Register of Medicines (data/drug_scripts.toml), with case endings.
@pytest.mark.parametrize(("text", "wanted"), [
    ("Мне назначили Золофт 50 мг, пила четыре месяца.", ["sertraline"]),
    ("Принимаю Ремерон 15 мг на ночь и Паксил 20 мг.", ["mirtazapine", "paroxetine"]),
    ("Я пила Сероквель 25 мг на ночь месяц, спала весь день.", ["quetiapine"]),
])
def test_russian_brands(text: str, wanted: list[str]) -> None:
    assert drugs(text) == wanted


def test_russian_brands_near_misses() -> None:
    # An ordinary Russian word is no brand; a brand only asked about is no trial.
    assert drugs("Я хочу записаться на консультацию, мне очень плохо.") == []
    assert drugs("Золофт 100 мг, три месяца, без эффекта")[0:1] == ["sertraline"]


# Not taken: a prescription not yet picked up, a drug only brought up, a Spanish plan to start.
@pytest.mark.parametrize("text", [
    "The pharmacy has my Wellbutrin ready but I haven't picked it up.",
    "My doctor sent Trintellix to the pharmacy. I haven't picked it up yet.",
    "Her therapist brought up Zoloft, we haven't decided anything.",
    "La doctora me quiere empezar con Lamictal el mes que viene.",
    "Nos quieren poner Risperdal a mi hijo y a mí, pero no sé.",
])
def test_not_yet_taken(text: str) -> None:
    assert drugs(text) == []


@pytest.mark.parametrize(("text", "wanted"), [
    # Picked up every month is taking it; brought up and then taken is a trial.
    ("I was on Celexa 20 for a year, I picked it up every month.", ["citalopram"]),
    ("I brought up Lexapro with my GP and took it for 6 months.", ["escitalopram"]),
    # The plan is for one drug, the other is taken.
    ("Me quiere empezar con Abilify, ya tomo Prozac 20 desde hace un año.", ["fluoxetine"]),
])
def test_not_yet_taken_near_misses(text: str, wanted: list[str]) -> None:
    assert drugs(text) == wanted


# Hydroxyzine's reason said as the attacks it is taken for ("when she has panic attacks",
# French "quand ... des crises d'angoisse", "pour l'angoisse" with its elision), not a mood.
@pytest.mark.parametrize(("text", "wanted"), [
    ("I take hydroxyzine 25 whenever I get panic attacks.", ["hydroxyzine"]),
    ("Je prends de l'hydroxyzine 25 mg lors des crises d'angoisse.", ["hydroxyzine"]),
    ("Mon médecin m'a donné de l'hydroxyzine pour l'angoisse, ça aide un peu.", ["hydroxyzine"]),
    ("Tomo hidroxizina cuando me dan ataques de pánico.", ["hydroxyzine"]),
])
def test_hydroxyzine_for_attacks(text: str, wanted: list[str]) -> None:
    assert drugs(text) == wanted


@pytest.mark.parametrize("text", [
    "I take hydroxyzine when I'm anxious.",
    "Je prends de l'hydroxyzine pour les démangeaisons.",
    "hydroxyzine 25 when I itch at night",
])
def test_hydroxyzine_without_a_psychiatric_reason(text: str) -> None:
    assert drugs(text) == []
