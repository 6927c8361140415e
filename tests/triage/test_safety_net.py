"""The safety net: a word of the death, self-harm, means or farewell fields that no rule
explains makes a message `review`, never `none`; only an idiom listed in data/idioms.toml takes
a word out (docs/triage.md)."""

from __future__ import annotations

import re

import pytest

from tests.triage.evaluation import assess_by_rules
from zoelife.triage import assess
from zoelife.triage._text import expand, load_toml

# Each was `none` for the phrase-list detector that came before the net.
UNEXPLAINED = [
    "Everything feels dead lately, can I get an appointment?",
    "I wrote goodbye on a sticky note and I dont know why. Do you have openings?",
    "There was an attempt last spring. Can someone call me about TMS?",
    "My PHQ-9 came back high at my PCP. Do you take Aetna?",
    "Can you tell me whether Im safe to wait two weeks for an appointment?",
    "Life insurance paperwork is done. Anyway, do you do TMS?",
]


@pytest.mark.parametrize("text", UNEXPLAINED)
def test_an_unexplained_field_word_is_review_not_none(text: str) -> None:
    # The safety net alone gives review; the learned net may raise it further, never lower.
    assert assess_by_rules(text).crisis == "review", text
    assert assess(text).crisis in ("review", "urgent"), text


def test_the_net_names_its_evidence() -> None:
    a = assess(UNEXPLAINED[0])
    assert a.crisis == "review"
    [span] = a.crisis_evidence
    assert (span.category, UNEXPLAINED[0][span.start:span.end]) == ("unexplained", "dead")


@pytest.mark.parametrize("text", [
    "I've been dying to try TMS!",
    "I'm killing it at work but I feel flat.",
    "Sorry, it's 7am and I could kill for a coffee.",
    "Dead tired all the time, sleeping 12 hours.",
    "Me muero de ganas de probar el TMS.",
    "Quiero matar dos pájaros de un tiro: medicamento y terapia.",
    "my car's dead so I need to move my TMS session",
])
def test_idioms_are_the_one_way_down(text: str) -> None:
    assert assess(text).crisis == "none", text


def test_every_idiom_compiles() -> None:
    for pattern in load_toml("idioms.toml")["patterns"]:
        re.compile(expand(pattern))
