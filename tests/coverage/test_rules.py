"""The pure coverage rules: a payer's criteria read from data, the checklist they make of the
evidence staff confirmed, the authorization status machine, and card images checked by content."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import Image

from zoelife.coverage import cards, checklist, machine
from zoelife.coverage.checklist import Criteria, Evidence, evaluate, missing
from zoelife.vocabulary import AUTH_STATUSES

TMS = {"trials_needed": 2, "classes": ["ssri", "snri", "bupropion"], "min_weeks": 6,
       "min_dose_mg": {"sertraline": 50, "escitalopram": 10}, "psychotherapy": True,
       "score": {"instrument": "phq9", "min": 15}}


def trial(drug, cls, dose=None, weeks=None, adequate=None):
    return {"drug": drug, "drug_class": cls, "dose_mg": dose, "weeks": weeks,
            "dose_adequate": adequate}


def items(criteria, evidence):
    return {i.key: i for i in evaluate(Criteria.from_data(criteria), Evidence.from_data(evidence))}


def test_everything_missing_is_listed_in_the_payers_words():
    got = items(TMS, {})
    assert [k for k, i in got.items() if not i.met] == ["trials", "psychotherapy", "score"]
    assert got["trials"].text == ("2 adequate medication trials (at least 6 weeks each; "
                                  "of SSRI, SNRI, BUPROPION)")
    assert got["trials"].missing.startswith("records of 2 more adequate medication trials")
    assert got["score"].missing == "a recent PHQ-9 score"


def test_a_trial_counts_only_when_long_enough_at_an_adequate_dose_and_of_a_counted_class():
    evidence = {"trials": [
        trial("sertraline", "ssri", 100, 12),  # counts
        trial("escitalopram", "ssri", 5, 12),  # below the listed minimum dose
        trial("venlafaxine", "snri", 150, 4, adequate=True),  # too short
        trial("quetiapine", "antipsychotic", 300, 20, adequate=True),  # class not counted
    ], "psychotherapy": True, "scores": {"phq9": 19}}
    got = items(TMS, evidence)
    assert not got["trials"].met
    assert got["trials"].missing.startswith("records of 1 more adequate medication trial:")
    assert got["psychotherapy"].met and got["score"].met


def test_an_unlisted_drug_needs_staffs_adequate_dose_mark_when_the_payer_lists_doses():
    base = trial("bupropion", "bupropion", 300, 8)
    assert not checklist.adequate(checklist.Trial.from_data(base), Criteria.from_data(TMS))
    marked = checklist.Trial.from_data({**base, "dose_adequate": True})
    assert checklist.adequate(marked, Criteria.from_data(TMS))


def test_two_adequate_trials_of_two_classes_a_therapy_and_a_score_meet_everything():
    criteria = {**TMS, "distinct_classes": 2}
    evidence = {"trials": [trial("sertraline", "ssri", 50, 6),
                           trial("duloxetine", "snri", 60, 8, adequate=True)],
                "psychotherapy": True, "scores": {"phq9": 15}}
    assert missing(evaluate(Criteria.from_data(criteria), Evidence.from_data(evidence))) == []
    same_class = {**evidence, "trials": [trial("sertraline", "ssri", 50, 6),
                                         trial("escitalopram", "ssri", 20, 6)]}
    got = items(criteria, same_class)
    assert got["trials"].met and not got["classes"].met
    assert got["classes"].missing == "a trial from 1 more drug class"


def test_a_score_below_the_threshold_is_missing():
    assert not items(TMS, {"scores": {"phq9": 14}})["score"].met


def test_a_payer_without_criteria_has_an_empty_checklist():
    assert evaluate(Criteria.from_data({}), Evidence.from_data({"trials": []})) == []


@pytest.mark.parametrize("bad, field", [
    ({"trials_needed": -1}, "trials_needed"), ({"trials_needed": "2"}, "trials_needed"),
    ({"min_weeks": True}, "min_weeks"), ({"classes": "ssri"}, "classes"),
    ({"min_dose_mg": {"sertraline": 0}}, "min_dose_mg"),
    ({"score": {"instrument": "bdi", "min": 20}}, "score"),
    ({"psychotherapy": "yes"}, "psychotherapy"), ({"decision_days": 1000}, "decision_days"),
])
def test_unusable_criteria_are_refused_naming_the_field(bad, field):
    with pytest.raises(checklist.CriteriaError, match=field):
        Criteria.from_data(bad)


# --------------------------------------------------------------------------- status machine

APPROVAL = machine.Decision("A123", 36, dt.date(2026, 3, 1), dt.date(2026, 5, 31))


def test_the_status_machine_moves_exactly_as_documented():
    allowed = {s: set(machine.allowed(s)) for s in AUTH_STATUSES}
    assert allowed == {
        "not_needed": {"gathering"}, "gathering": {"submitted", "not_needed"},
        "submitted": {"in_review", "approved", "denied"}, "in_review": {"approved", "denied"},
        "denied": {"appeal"}, "appeal": {"approved", "denied"}, "approved": set()}
    for source in AUTH_STATUSES:
        for target in AUTH_STATUSES:
            kwargs = {"reason": "payer said so", "decision": APPROVAL}
            if target in allowed[source]:
                machine.check_move(source, target, **kwargs)
            else:
                with pytest.raises(machine.MoveRefused, match="cannot move"):
                    machine.check_move(source, target, **kwargs)


def test_a_denial_and_an_appeal_need_a_reason():
    with pytest.raises(machine.MoveRefused, match="needs a reason"):
        machine.check_move("in_review", "denied")
    with pytest.raises(machine.MoveRefused, match="needs a reason"):
        machine.check_move("denied", "appeal", reason="  ")


@pytest.mark.parametrize("decision, words", [
    (None, "authorization number"),
    (machine.Decision("A1", 0, dt.date(2026, 3, 1), dt.date(2026, 4, 1)), "approved sessions"),
    (machine.Decision("A1", 36, None, dt.date(2026, 4, 1)), "start and end"),
    (machine.Decision("A1", 36, dt.date(2026, 4, 1), dt.date(2026, 3, 1)), "ends before"),
])
def test_an_approval_needs_its_number_units_and_dates(decision, words):
    with pytest.raises(machine.MoveRefused, match=words):
        machine.check_move("submitted", "approved", decision=decision)


# --------------------------------------------------------------------------- card images


def image_bytes(fmt="PNG", size=(40, 25)):
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


@pytest.mark.parametrize("fmt, content_type", [("PNG", "image/png"), ("JPEG", "image/jpeg"),
                                               ("WEBP", "image/webp")])
def test_a_real_image_is_accepted_with_its_type_read_from_the_content(fmt, content_type):
    got = cards.validate(image_bytes(fmt), side="front")
    assert got.content_type == content_type and (got.width, got.height) == (40, 25)


@pytest.mark.parametrize("data, words", [
    (b"", "empty"),
    (b"%PDF-1.7\n" + b"x" * 100, "this file is a PDF document"),
    (b"MZ\x90\x00" + b"\x00" * 100, "this file is a Windows program"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "this file is a web page or XML"),
    (b"\x00\x00\x00\x18ftypheic" + b"\x00" * 50, "HEIC"),
    (b"just some text", "not an image this page reads"),
])
def test_anything_else_is_refused_saying_what_it_is(data, words):
    with pytest.raises(cards.CardRefused, match="The back of the card") as caught:
        cards.validate(data, side="back")
    assert words in str(caught.value)


def test_a_truncated_image_and_a_renamed_file_are_refused():
    with pytest.raises(cards.CardRefused, match="damaged or incomplete"):
        cards.validate(image_bytes("PNG", (400, 300))[:-200], side="front")


def test_the_size_limit_is_said_in_megabytes():
    big = image_bytes("PNG") + b"\x00" * cards.MAX_CARD_BYTES
    with pytest.raises(cards.CardRefused, match=r"MB; the limit is 5 MB"):
        cards.validate(big, side="front")


def test_a_decompression_bomb_is_refused_before_decoding(monkeypatch):
    monkeypatch.setattr(cards, "MAX_CARD_PIXELS", 500)
    with pytest.raises(cards.CardRefused, match="too large to be a card photo"):
        cards.validate(image_bytes("PNG", (40, 25)), side="front")


def test_no_group_of_fewer_than_five_is_shown_nor_given_away_by_a_rate():
    from zoelife.coverage.aggregates import PayerRow, shown_rows

    def pct(x):
        return f"{x:.0%}"

    rows = shown_rows([PayerRow("Aetna", "tms", 4, 4, 3.0),
                       PayerRow("Cigna", "tms", 12, 3, 5.0),
                       PayerRow("Humana", "tms", 12, 9, 6.0),
                       PayerRow("Medicare", "tms", 10, 5, 2.5),
                       PayerRow("Tricare", "tms", 5, 0, 4.0)], pct)
    by = {r["Payer"]: r for r in rows}
    assert by["Aetna"] == {"Payer": "Aetna", "Treatment": "tms", "Decided": "fewer than 5",
                           "Approved": "", "Approval rate": "",
                           "Median days to decision": ""}
    assert (by["Cigna"]["Approved"], by["Cigna"]["Approval rate"]) == ("fewer than 5", "")
    assert (by["Humana"]["Approved"], by["Humana"]["Approval rate"]) == ("more than 7", "")
    assert (by["Medicare"]["Decided"], by["Medicare"]["Approved"],
            by["Medicare"]["Approval rate"], by["Medicare"]["Median days to decision"]) == (
        "10", "5", "50%", "2.5")
    # None approved of five is not a small group: zero is shown.
    assert (by["Tricare"]["Approved"], by["Tricare"]["Approval rate"]) == ("0", "0%")
