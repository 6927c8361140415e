"""Psychotherapy from the person's own words (zoelife/triage/psychotherapy.py, vocabulary in
zoelife/triage/data/psychotherapy.toml): what counts as had, what is only asked about, refused
or someone's profession, the kind, how long and since when, in English and Spanish, with the
words it came from."""

from __future__ import annotations

import pytest

from tests.triage.evaluation import psychotherapy_figures
from zoelife.triage.psychotherapy import extract_psychotherapy, psychotherapy_in


@pytest.mark.parametrize("text, kinds, weeks, since", [
    ("I did CBT for a year, then Zoloft and Lexapro.", ["cbt"], 52, None),
    ("I've been in therapy since 2020.", ["therapy"], None, 2020),
    ("Saw a counselor for about 6 months in college.", ["counseling"], 26, None),
    ("Hice terapia cognitivo conductual por 8 meses.", ["cbt"], 35, None),
    ("Estuve en terapia con una psicóloga durante dos años.", ["therapy"], 104, None),
    ("Voy al psicólogo desde 2019.", ["therapy"], None, 2019),
    ("She has done 2 years of CBT with me.", ["cbt"], 104, None),
    ("Psychotherapy x 2 years (weekly), failed sertraline.", ["psychotherapy"], 104, None),
    ("CBT and DBT both tried, nothing worked.", ["cbt", "dbt"], None, None),
    ("His therapist says no improvement.", ["therapy"], None, None),
    ("I already have a therapist, I need medication management.", ["therapy"], None, None),
])
def test_psychotherapy_had_is_read_with_its_kind_length_and_start(text, kinds, weeks, since):
    got = psychotherapy_in(text)
    assert got is not None, text
    assert (sorted(got.kinds), got.weeks, got.since_year) == (sorted(kinds), weeks, since)


@pytest.mark.parametrize("text", [
    "I am looking for a therapist.",
    "I have never done therapy, would TMS still be an option?",
    "No he hecho terapia nunca, solo pastillas.",
    "Busco un psicólogo para mi ansiedad.",
    "I want to try EMDR for my trauma.",
    "My doctor said I should try therapy before medication.",
    "Do you offer therapy or only medication?",
    "Would you take my insurance for counseling sessions?",
    "My wife is a therapist and she thinks ketamine could help me.",
    "I'm a therapist referring a client; she's not on any medication.",
    "Interested in TMS therapy, medicare patient.",
    "nuerostar therapy for depression, how many sessions",
    "ketamine assisted psychotherapy (KAP) - do you offer it?",
    "CBT for anxiety",
    "do you have counselling for couples",
    "I need physical therapy after surgery.",
    "Quisiera empezar terapia psicológica.",
])
def test_asked_for_refused_never_done_or_a_profession_is_not_psychotherapy_had(text):
    assert psychotherapy_in(text) is None, text


def test_the_words_it_came_from_point_into_the_original_text():
    text = "Llevo años así. Estuve en TERAPIA con una psicóloga."
    found = extract_psychotherapy(text)
    assert [text[s:e] for p in found for s, e in p.spans] == ["TERAPIA", "psicóloga"]


def test_the_labelled_set_holds_its_ground():
    fig = psychotherapy_figures()
    # Written together with the extractor (not blind): it holds what was built, it does not
    # measure how far it generalises (docs/coverage.md).
    assert (fig.n, fig.detected, fig.had, fig.kinds, fig.weeks, fig.since) == (
        40, 40, 27, 27, 27, 27)
