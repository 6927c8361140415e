"""The blind probe rounds as frozen regression sets (zoelife/triage/data/examples/blind_round*.jsonl).

They were written by people who never saw the detector and measured once before any fix they
prompted (docs/triage.md keeps those figures). What is asserted here is the safety property the
product promises, not exact levels: no message labelled urgent or review comes out `none`, and
every message in a language the detector does not read is at least `review`. Urgent recall,
false flags and treatment sets are printed at the end of every run (tests/conftest.py), and
held at the levels reached so that a change that loses ground fails.
"""

from __future__ import annotations

import pytest

from tests.triage.evaluation import (
    BLIND_ROUNDS,
    BLIND_ROUNDS_HELD_OUT,
    LABELLED_REVIEW_FOR_AN_UNREAD_LANGUAGE,
    blind_figures,
    labelled_for_an_unread_language,
    load,
)
from zoelife.triage import assess


@pytest.mark.parametrize("name", BLIND_ROUNDS)
def test_no_flagged_blind_message_comes_out_none(name: str) -> None:
    fig = blind_figures(name)
    assert fig.to_none_ids == (), f"urgent/review messages assessed none: {fig.to_none_ids}"


@pytest.mark.parametrize("name", BLIND_ROUNDS)
def test_every_message_in_another_language_is_read_by_a_person(name: str) -> None:
    fig = blind_figures(name)
    assert fig.other_language_read == fig.other_language


# Levels reached after the fixes (docs/triage.md): a change may raise them, never lower them.
# `raised_max`: review messages raised to urgent, at most (the target is 10%; rounds
# 6 and 7 are above it, held where they are). Not counted: messages labelled review only for a
# language nobody read, now read (evaluation.labelled_for_an_unread_language: by category, or
# listed with its reason, as round 7's Tagalog, Portuguese and Polish messages r7-002, r7-154
# and r7-045 are). Round 10's three in French, Portuguese and Vietnamese (r10-028, r10-121,
# r10-151) are review by content and stay counted as raised.
FLOORS = {
    "blind_round1.jsonl": {"urgent": 79, "none_flag_max": 0.05, "treatments": 175, "raised_max": 1},
    "blind_round2.jsonl": {"urgent": 66, "none_flag_max": 0.05, "treatments": 168, "raised_max": 1},
    "blind_round3.jsonl": {"urgent": 64, "none_flag_max": 0.04, "treatments": 164, "raised_max": 2},
    "blind_round4.jsonl": {"urgent": 61, "none_flag_max": 0.06, "treatments": 157, "raised_max": 4},
    "blind_round5.jsonl": {"urgent": 65, "none_flag_max": 0.02, "treatments": 162, "raised_max": 2},
    "blind_round6.jsonl": {"urgent": 62, "none_flag_max": 0.0, "treatments": 148, "raised_max": 6},
    "blind_round7.jsonl": {"urgent": 65, "none_flag_max": 0.04, "treatments": 149, "raised_max": 4},
    "blind_round8.jsonl": {"urgent": 65, "none_flag_max": 0.0, "treatments": 144, "raised_max": 1},
    "blind_round9.jsonl": {"urgent": 65, "none_flag_max": 0.0, "treatments": 134, "raised_max": 5},
    "blind_round10.jsonl": {"urgent": 68, "none_flag_max": 0.0, "treatments": 170, "raised_max": 3},
    # 6 of round 11's 7 flagged `none` are harmless messages in languages the detector does not
    # read: `review` by design (docs/triage.md), `none` by its writer's labels.
    "blind_round11.jsonl": {"urgent": 68, "none_flag_max": 0.12, "treatments": 139,
                            "raised_max": 4},
    # Round 12's 12 flagged `none` are harmless messages in other languages, `review` because
    # a person reads every message in another language (docs/triage.md).
    "blind_round12.jsonl": {"urgent": 70, "none_flag_max": 0.17, "treatments": 183,
                            "raised_max": 0},
    # Round 13 after its fixes by kind: its 11 flagged `none` are 9 harmless messages in other
    # languages (`review`: a person reads them), "the finale killed me" and a Persian idiom;
    # its 3 raised reviews are in Portuguese, Russian and Chinese: questions about how the
    # clinic handles suicidal patients, read as urgent since those languages are read, because
    # the informational context (crisis_context.toml) is English and Spanish only.
    "blind_round13.jsonl": {"urgent": 64, "none_flag_max": 0.17, "treatments": 177,
                            "raised_max": 3},
    # Round 14 after its fixes by kind: its one urgent miss is in Hindi (unread, `review`); its 6
    # flagged `none` are harmless messages in other languages (`review`: a person reads them).
    "blind_round14.jsonl": {"urgent": 59, "none_flag_max": 0.10, "treatments": 147,
                            "raised_max": 0},
    # Round 15 after its raised reviews, treatments and false flags by kind: its one urgent miss
    # is in Vietnamese (unread, `review`); its 5 flagged `none` are harmless messages in other
    # languages (`review`: a person reads them); English/Spanish 0/50.
    "blind_round15.jsonl": {"urgent": 54, "none_flag_max": 0.10, "treatments": 123,
                            "raised_max": 0},
    # Round 16 as measured blind on main 7f0d7de (urgent 53/55, none flagged 13/55, 8 raised),
    # after its urgent misses and raised reviews by kind ("Round 16's misses, by kind"): urgent
    # 55/55 (Russian preparation, Ukrainian read), the one raised review left is "last summer"
    # (the detector has no date for a message: in doubt, urgent); after its false flags by kind
    # ("Round 16's false flags, by kind"): 6/55, the six harmless messages in other languages.
    "blind_round16.jsonl": {"urgent": 55, "none_flag_max": 0.11, "treatments": 136,
                            "raised_max": 1},
}


# Held-out rounds (evaluation.BLIND_ROUNDS_HELD_OUT), by file name. Round 17 as measured blind
# on main (this stop's design, every branch merged) before any fix it prompted: 4 labelled
# urgent or review came out `none` (docs/triage.md, "Round 17"). After its kinds were fixed
# ("Round 17's misses, by kind"): urgent 44 -> 50/55, to none 4 -> 0; floors at those figures.
HELD_OUT_FLOORS = {
    "blind_round17.jsonl": {"urgent": 50, "none_flag_max": 0.28, "treatments": 143,
                            "raised_max": 10, "to_none_max": 0},
}


@pytest.mark.parametrize("path", BLIND_ROUNDS_HELD_OUT, ids=lambda p: p.rsplit("/", 1)[-1])
def test_held_out_blind_rounds_hold_their_ground(path: str) -> None:
    fig = blind_figures(path)
    floor = HELD_OUT_FLOORS[path.rsplit("/", 1)[-1]]
    assert fig.urgent_hit >= floor["urgent"]
    assert len(fig.to_none_ids) <= floor["to_none_max"], fig.to_none_ids
    assert fig.none_flagged / fig.none <= floor["none_flag_max"]
    assert fig.treatment_exact >= floor["treatments"]
    assert len(fig.raised_ids) <= floor["raised_max"], fig.raised_ids
    assert fig.other_language_read == fig.other_language


@pytest.mark.parametrize("name", BLIND_ROUNDS)
def test_blind_figures_hold_their_ground(name: str) -> None:
    fig = blind_figures(name)
    floor = FLOORS[name]
    assert fig.urgent_hit >= floor["urgent"]
    assert fig.none_flagged / fig.none <= floor["none_flag_max"]
    assert fig.treatment_exact >= floor["treatments"]
    assert len(fig.raised_ids) <= floor["raised_max"], fig.raised_ids


def test_each_id_listed_as_labelled_for_an_unread_language_is_such_a_row() -> None:
    rows = {r["id"]: r for name in BLIND_ROUNDS for r in load(name)}
    for rid, reason in LABELLED_REVIEW_FOR_AN_UNREAD_LANGUAGE.items():
        row = rows[rid]  # a listed id is a blind round's row
        language = reason.split(",")[0]
        assert row["language"] not in ("en", "es"), rid
        assert row["crisis"] == "review", rid
        # its category names the language the reason says nobody read then
        assert row["category"].startswith(language), (rid, row["category"])
        assert labelled_for_an_unread_language(row)


def test_a_review_in_english_or_spanish_is_never_labelled_for_an_unread_language() -> None:
    for name in BLIND_ROUNDS:
        for row in load(name):
            if row["language"] in ("en", "es"):
                assert not labelled_for_an_unread_language(row), row["id"]


def test_the_blind_rounds_are_complete_and_labelled() -> None:
    for name in BLIND_ROUNDS:
        rows = load(name)
        assert len(rows) >= 160
        assert len({r["id"] for r in rows}) == len(rows)
        assert {r["crisis"] for r in rows} == {"urgent", "review", "none"}


# Wordings written for this test, none of them in any list as written; the phrase-list detector
# that came before this design found nothing in any of them (all `none`).
@pytest.mark.parametrize("text", [
    "been putting my late dad's oxycodone aside in a drawer, not sure why",  # means set aside
    "i held a match to my palm until it blistered last night",  # self-harm, method not listed
    "ive started keeping a razor blade in my wallet",  # carrying means
    "hoping i get into a wreck on the way home so it all ends",  # passive wish
    "I looked up which medicines in my cabinet would be enough",  # researching
    "my cousin keeps talking about how easy it would be from the roof of her building",
    "wrote out who gets what, just in case",  # affairs in order
    "I caught myself thinking how nobody would have to deal with me if I wasnt around",
    "my brother says he is gonna aventarse del puente",  # mixed languages, third party
])
def test_unseen_wordings_are_urgent(text: str) -> None:
    assert assess(text).crisis == "urgent", text
