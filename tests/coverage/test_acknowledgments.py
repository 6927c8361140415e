"""A TA1 or 999 sent back instead of a 271 is read into a staff sentence: rejected or not, and
why, by segment, position and element, never by value. The 999 fixtures are checked against
pyx12's own 999 map first (tests/coverage/fixtures/acknowledgments/README.md)."""

from __future__ import annotations

import datetime as dt
import shutil
from importlib.resources import files
from pathlib import Path

import pytest
import pyx12.params
import pyx12.x12n_document

from tests.coverage.helpers import mock_clearinghouse
from zoelife.coverage.clearinghouse import Clearinghouse
from zoelife.coverage.eligibility_answer import AcknowledgmentInstead, read_271
from zoelife.coverage.eligibility_inquiry import EligibilityError, Inquiry, build_270
from zoelife.coverage.x12_acknowledgments import read_acknowledgment

ACKS = Path(__file__).parent / "fixtures" / "acknowledgments"
NOW = dt.datetime(2026, 3, 4, 15, 0, tzinfo=dt.UTC)
INQUIRY = Inquiry("Zoelife Psychiatric", "1234567893", "Aetna", "60054", "W123456789", "Ana",
                  "Pena", dt.date(1985, 2, 14), "tms")


def fixture(name: str) -> str:
    return (ACKS / name).read_text()


@pytest.fixture(scope="module")
def map_path_with_999(tmp_path_factory) -> str:
    """pyx12's map directory with its 999 map indexed (pyx12 4's index leaves it out)."""
    target = tmp_path_factory.mktemp("pyx12maps")
    shipped = Path(str(files("pyx12").joinpath("map")))
    for f in shipped.iterdir():
        if f.is_file():
            shutil.copyfile(f, target / f.name)
    index = (target / "maps.xml").read_text()
    line = '<map vriic="005010" fic="FA" abbr="997">'
    assert line in index
    (target / "maps.xml").write_text(index.replace(
        line, '<map vriic="005010X231A1" fic="FA" abbr="999">999.5010X231.A1.xml</map>'
        + line, 1))
    return str(target)


@pytest.mark.parametrize("name", sorted(p.name for p in ACKS.glob("999_*.x12")))
def test_each_999_fixture_follows_pyx12s_999_map(name, map_path_with_999):
    param = pyx12.params.params()
    param.set("map_path", map_path_with_999)
    with (ACKS / name).open() as src:
        ok = pyx12.x12n_document.x12n_document(
            param=param, src_file=src, fd_997=None, fd_html=None, fd_xmldoc=None,
            xslt_files=None, map_path=map_path_with_999)
    assert ok  # False on any finding (an IK303 loop id longer than 4, say)


def test_a_rejecting_999_names_each_segment_and_element_and_never_their_values():
    with pytest.raises(AcknowledgmentInstead) as err:
        read_271(fixture("999_rejected_subscriber.x12"))
    said = str(err.value)
    assert said == (
        "The clearinghouse rejected the inquiry (999: rejected): NM1 segment at position 9 of "
        "the transaction (loop 2100), element NM109 (Identification Code): required data "
        "element missing; DMG segment at position 10 of the transaction (loop 2100), element "
        "DMG02 (Date Time Period): invalid date. No benefits were read: correct it or ask the "
        "clearinghouse, and enter the benefits by hand meanwhile.")
    # The bad value copied into IK404 and the CTX context never reach staff or logs.
    for value in ("19850231", "ZL42", "TRN02", "SITUATIONAL"):
        assert value not in said
    assert not err.value.acknowledgment.accepted
    assert isinstance(err.value, EligibilityError)  # the page shows it like any refusal


def test_separators_repetitions_and_segment_level_errors_are_read_from_the_isa():
    ack = read_acknowledgment(fixture("999_rejected_odd_separators.x12"))
    assert ack is not None and ack.kind == "999" and not ack.accepted
    assert ack.problems == (
        "EQ segment at position 12 of the transaction (loop 2110), element EQ01 (Service Type "
        "Code), repetition 2: invalid code value",
        "DTP segment at position 11 of the transaction (loop 2100): segment the guide marks "
        "\"not used\" is present",
        "number of included segments does not match the actual count",
    )
    assert "XX" not in ack.sentence()


def test_a_group_rejected_without_a_transaction_response_reads_the_ak9():
    ack = read_acknowledgment(fixture("999_group_rejected.x12"))
    assert (ack.accepted, ack.status, ack.problems) == (
        False, "rejected", ("functional group version not supported",))


def test_an_accepting_999_or_ta1_says_no_271_came_yet():
    for name, kind in (("999_accepted.x12", "999"), ("ta1_accepted.x12", "TA1")):
        with pytest.raises(AcknowledgmentInstead) as err:
            read_271(fixture(name))
        assert err.value.acknowledgment.accepted and err.value.acknowledgment.kind == kind
        assert "but sent no 271; the answer may follow later" in str(err.value)
    assert str(err.value).startswith("The clearinghouse acknowledged the inquiry's envelope "
                                     "(TA1: accepted) but sent no 271")


def test_a_rejecting_ta1_names_the_note_code():
    with pytest.raises(AcknowledgmentInstead,
                       match=r"^The clearinghouse rejected the inquiry's envelope \(TA1: "
                             r"rejected\): invalid interchange sender ID \(note 006\)\. No "
                             r"benefits were read"):
        read_271(fixture("ta1_rejected_sender.x12"))


def test_what_is_no_acknowledgment_is_left_to_the_271_reader():
    assert read_acknowledgment(build_270(INQUIRY, control=3, now=NOW)) is None
    assert read_acknowledgment((ACKS.parent / "271_inactive.x12").read_text()) is None
    assert read_acknowledgment("not x12 at all") is None
    assert read_acknowledgment("ISA*00") is None
    with pytest.raises(EligibilityError, match="not a 271"):
        read_271(build_270(INQUIRY, control=3, now=NOW))


def test_odd_values_where_codes_belong_are_not_repeated():
    """A malformed 999 with free text in the id, loop and code places says nothing of it."""
    text = fixture("999_rejected_subscriber.x12").replace(
        "IK3*NM1*9*2100*8", "IK3*PENA ANA*9X*W123456789*Q7Z9").replace(
        "IK4*9*67*1", "IK4*ANA*W123*PENA")
    ack = read_acknowledgment(text)
    said = ack.sentence()
    for value in ("PENA", "ANA", "W123", "9X", "Q7Z9"):
        assert value not in said
    assert "a segment: segment error" in said


def test_the_adapter_passes_the_acknowledgment_on_as_a_sentence():
    with mock_clearinghouse("acknowledgments/999_rejected_subscriber.x12") as url:
        with pytest.raises(AcknowledgmentInstead, match="segment at position 9"):
            Clearinghouse(url, "test-key").check(INQUIRY, control=9, now=NOW)

