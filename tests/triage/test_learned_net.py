"""The learned net (zoelife.triage.learned): a second reader that only ever raises a level."""

from __future__ import annotations

import pytest

from tests.triage.evaluation import assess_by_rules, load
from zoelife import triage
from zoelife.triage import learned
from zoelife.triage.learned import EXAMPLES, LearnedNet, examples

LEVEL = {"none": 0, "review": 1, "urgent": 2}
ALL_FILES = sorted(p.name for p in EXAMPLES.glob("*.jsonl"))


@pytest.fixture(scope="module")
def rules_only():
    """assess_all with the net switched off."""
    return lambda texts: [assess_by_rules(t) for t in texts]


def test_the_net_never_lowers_a_level_the_rules_gave(rules_only):
    texts = [r["text"] for name in ALL_FILES for r in load(name)]
    with_net = triage.assess_all([(t, ()) for t in texts])
    without = rules_only(texts)
    assert all(LEVEL[a.crisis] >= LEVEL[b.crisis] for a, b in zip(with_net, without, strict=True))
    # ... and it does raise some: the layer is not idle.
    assert sum(a.crisis != b.crisis for a, b in zip(with_net, without, strict=True)) > 0


def test_a_raised_message_shows_the_words_that_weighed(rules_only):
    text = ("tired of fighting it. almost there, everything is arranged and the letters "
            "are written. do u take walk ins")
    [before] = rules_only([text])
    after = triage.assess(text)
    raised = [e for e in after.crisis_evidence
              if e.category in (learned.REVIEW_CATEGORY, learned.URGENT_CATEGORY)]
    assert before.crisis != "urgent"  # what the net is for: the rules do not read it as urgent
    assert raised, after
    for span in raised:
        assert 0 <= span.start < span.end <= len(text)
        assert span.level == after.crisis
    assert after.raised_by_learned_net
    assert not triage.assess("I want to kill myself tonight").raised_by_learned_net


def test_a_message_in_another_language_is_never_raised_to_urgent_by_the_net():
    for r in load("blind_round5.jsonl") + load("blind_round4.jsonl"):
        a = triage.assess(r["text"])
        if a.language == "other":
            assert not [e for e in a.crisis_evidence if e.category == learned.URGENT_CATEGORY]


def test_idioms_and_routine_questions_stay_none():
    for text in ("I'm dying to try TMS, when is your next opening?",
                 "Killing it at work lately, but my anxiety is still high. Med management?",
                 "Do you take Aetna for Spravato? I'd like an appointment next week.",
                 "Can I reschedule my consult to Thursday afternoon?"):
        assert triage.assess(text).crisis == "none", text


def test_training_is_deterministic():
    sample = [r["text"] for r in load("blind_round5.jsonl")[:40]]
    one, two = LearnedNet(examples()), LearnedNet(examples())
    assert one.chances(sample) == two.chances(sample)


def test_the_examples_hold_every_labelled_file_and_both_labels():
    found = examples()
    crisis_files = sum(len(load(n)) for n in ALL_FILES if n.startswith(("crisis_", "blind_")))
    # ... and every message of the trial rounds, with the crisis level a person gave it.
    assert len(found) == crisis_files + sum(len(load(n)) for n in learned.TRIAL_ROUNDS)
    assert set(learned.TRIAL_ROUNDS) <= set(ALL_FILES)
    assert any(e.urgent for e in found) and any(not e.flagged for e in found)
    assert len(examples(exclude=("trials_round7.jsonl",))) == len(found) - len(
        load("trials_round7.jsonl"))
    held_out = examples(exclude=("blind_round5.jsonl",))
    assert len(held_out) == len(found) - len(load("blind_round5.jsonl"))


def test_a_round_copied_in_to_be_scored_is_not_learned_until_it_is_frozen(tmp_path, monkeypatch):
    """A new blind round must be scored by a net that has not read it: the training reads the
    files it names, not whatever sits in the folder."""
    for name in (*learned.CRISIS_EXAMPLES, *learned.TRIAL_ROUNDS):
        (tmp_path / name).write_text((EXAMPLES / name).read_text(encoding="utf-8"),
                                     encoding="utf-8")
    before = len(examples())
    monkeypatch.setattr(learned, "EXAMPLES", tmp_path)
    (tmp_path / "blind_round99.jsonl").write_text(
        '{"text": "a message nobody has scored yet", "crisis": "urgent"}\n', encoding="utf-8")
    assert len(examples()) == before
    assert not any(e.text == "a message nobody has scored yet" for e in examples())


def test_every_frozen_blind_round_is_learned():
    from tests.triage.evaluation import BLIND_ROUNDS

    assert set(BLIND_ROUNDS) <= set(learned.CRISIS_EXAMPLES)


def test_the_server_says_it_is_ready_once_the_net_is_trained(monkeypatch):
    from starlette.applications import Starlette
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from zoelife import server

    client = TestClient(Starlette(routes=[Route("/api/ready", server.ready)]))
    monkeypatch.setattr(learned, "_NET", None)
    assert client.get("/api/ready").status_code == 503
    learned.net()
    answer = client.get("/api/ready")
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    assert "/api/ready" in [getattr(r, "path", None) for r in server.routes()]


def test_every_trial_round_message_has_a_crisis_level_a_person_gave():
    import json

    with learned.TRIAL_ROUNDS_CRISIS.open(encoding="utf-8") as fh:
        levels = {row["id"]: row["crisis"] for row in map(json.loads, fh)}
    # A new trial round is read for its crisis level before the net may learn it.
    ids = [r["id"] for name in learned.TRIAL_ROUNDS for r in load(name)]
    assert sorted(levels) == sorted(ids)
    assert set(levels.values()) <= {"none", "review", "urgent"}



# The ordinary-urgency sets (tests/triage/data, never trained on; docs/triage.md, "Ordinary
# medication histories and hurry"): measured with the second opinion (learned.SECOND_OPINION_AT);
# without it the net made 14/100 and 32/250 of their `none` messages urgent.
ORDINARY_FLOORS = {
    # With the flagged bar (learned.URGENT_FLAGGED_AT, stop 23): 7/100 and 17/250 urgent.
    "ordinary_urgency_test.jsonl": {"none_urgent_max": 7, "none_flagged_max": 22, "urgent": 20},
    "ordinary_urgency_train.jsonl": {"none_urgent_max": 17, "none_flagged_max": 49,
                                     "urgent": 50},
}


def _ordinary(name: str) -> list[dict]:
    import json
    from pathlib import Path

    path = Path(__file__).parent / "data" / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


@pytest.mark.parametrize("name", sorted(ORDINARY_FLOORS))
def test_scheduling_hurry_alone_is_rarely_urgent_and_every_urgent_one_stays(name):
    rows = _ordinary(name)
    got = triage.assess_all([(r["text"], ()) for r in rows])
    none = [a.crisis for r, a in zip(rows, got, strict=True) if r["crisis"] == "none"]
    urgent = [a.crisis for r, a in zip(rows, got, strict=True) if r["crisis"] == "urgent"]
    floor = ORDINARY_FLOORS[name]
    assert none.count("urgent") <= floor["none_urgent_max"]
    assert len(none) - none.count("none") <= floor["none_flagged_max"]
    assert urgent.count("urgent") >= floor["urgent"] == len(urgent)


def test_the_second_opinion_only_lowers_what_the_net_alone_made_urgent(monkeypatch):
    """With the second opinion switched off (0: always agrees) the net makes more of the
    ordinary-urgency messages urgent; no level the rules gave, and no labelled urgent message of
    the blind rounds, moves. (Without the flagged bar, URGENT_FLAGGED_AT, so that only the
    second opinion is switched.)"""
    monkeypatch.setattr(learned, "URGENT_FLAGGED_AT", 0.0)
    rows = _ordinary("ordinary_urgency_train.jsonl")
    texts = [r["text"] for r in rows]
    rounds = [r for name in ALL_FILES if name.startswith("blind_") for r in load(name)
              if r["crisis"] == "urgent"]
    with_it = triage.assess_all([(t, ()) for t in texts + [r["text"] for r in rounds]])
    monkeypatch.setattr(learned, "SECOND_OPINION_AT", 0.0)
    without = triage.assess_all([(t, ()) for t in texts + [r["text"] for r in rounds]])
    changed = [(a, b) for a, b in zip(with_it, without, strict=True) if a.crisis != b.crisis]
    assert changed  # it does something
    for a, b in changed:
        assert b.crisis == "urgent" and b.raised_by_learned_net
        assert a.crisis in ("review", "none")
        assert not [e for e in a.crisis_evidence
                    if e.category not in (learned.REVIEW_CATEGORY, learned.URGENT_CATEGORY)]
    assert [a.crisis for a in with_it[len(texts):]] == [b.crisis for b in without[len(texts):]]


def test_the_hurry_words_go_and_the_words_of_risk_and_its_time_stay():
    text = ("Sending this again, third time writing: please call me back today or tomorrow, "
            "as soon as possible. Llámenme hoy, es urgente, lo antes posible.")
    left = learned.without_hurry(text).lower()
    for gone in ("again", "third time", "call me back", "today", "tomorrow", "as soon as",
                 "llámenme", "hoy", "urgente", "lo antes posible"):
        assert gone not in left, gone
    kept = "I'm cutting again, I don't feel safe tonight, right now, I need to see someone soon"
    assert learned.without_hurry(kept) == kept


def test_a_rule_s_evidence_keeps_the_net_s_urgent_without_a_second_opinion():
    # The safety net's plea ("need help ... please") is rule evidence: the hurry beside it counts.
    a = triage.assess("I need help today, please.")
    assert a.crisis == "urgent"
    assert not learned.wants_second_opinion("review", "en", 0.99)
    assert learned.wants_second_opinion("none", "en", learned.URGENT_AT)
    assert not learned.wants_second_opinion("none", "other", 0.99)
    assert learned.level_after("none", "en", 0.9, 0.9, learned.SECOND_OPINION_AT - 0.01) == "review"
    assert learned.level_after("none", "en", 0.5, 0.9, learned.SECOND_OPINION_AT - 0.01) == "none"
    assert learned.level_after("none", "en", 0.6, 0.9, learned.SECOND_OPINION_AT) == "urgent"
    assert learned.level_after("review", "en", 0.1, 0.9) == "urgent"


def test_an_urgent_message_is_a_flagged_message():
    """The net alone makes a message urgent only when its flagged model agrees enough
    (learned.URGENT_FLAGGED_AT, chosen on rounds held out; docs/triage.md, "The learned net"),
    else the message is `review`; a level the rules gave (`review`) keeps the net's urgent."""
    bar = learned.URGENT_FLAGGED_AT
    assert 0 < bar < learned.REVIEW_AT
    assert learned.level_after("none", "en", bar, 0.95, 0.95) == "urgent"
    # The two models disagree: a person reads it, without the alert; never `none`.
    assert learned.level_after("none", "en", bar - 0.01, 0.95, 0.95) == "review"
    assert learned.level_after("none", "en", 0.0, 0.95) == "review"
    assert learned.level_after("review", "en", bar - 0.01, 0.95) == "urgent"



# Plain requests for medication management or therapy, written for this test (docs/triage.md,
# "The learned net": "An urgent message is a flagged message"). Before the bar the net alone made
# 5 of these 20 urgent; with it 1 ("I already see a counselor, I need someone for medication
# management": urgent 0.84, flagged 0.57, just over the bar), and the other 4 `review`. A floor:
# never more.
PLAIN_REQUESTS = (
    "I already have a therapist, I need med management",
    "I already have a therapist, I need medication management",
    "I have a counselor already, just looking for someone to manage my meds",
    "I'm looking for a psychiatrist for medication management only, I see a therapist weekly",
    "Do you offer med management? My therapist referred me.",
    "I need a new prescriber for my Lexapro, my old one retired.",
    "Looking for therapy, not medication. Do you have evening appointments?",
    "I'd like to start talking to a therapist about my anxiety, do you take Aetna?",
    "Can I get set up with medication management and therapy at the same place?",
    "My therapist thinks I should see a psychiatrist for meds. Are you accepting new patients?",
    "Just need someone to refill my Wellbutrin and check in every few months.",
    "Necesito manejo de medicamentos, ya tengo terapeuta.",
    "Busco un psiquiatra para mis medicamentos, ya voy a terapia cada semana.",
    "Quiero empezar terapia para la ansiedad, ¿aceptan Medicaid?",
    "I already have a psychiatrist, I need a therapist",
    "Med management only please, I have a therapist through work.",
    "I've got a therapist already, what I need is med management",
    "I already see a counselor, I need someone for medication management",
    "Busco psiquiatra solo para mis medicamentos, ya tengo terapia cada semana.",
    "Already in therapy, just need a prescriber for my meds",
)


def test_plain_requests_for_medication_or_therapy_are_rarely_urgent():
    got = [a.crisis for a in triage.assess_all([(t, ()) for t in PLAIN_REQUESTS])]
    urgent = [t for t, lv in zip(PLAIN_REQUESTS, got, strict=True) if lv == "urgent"]
    assert len(urgent) <= 1, urgent
