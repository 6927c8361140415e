"""Electronic eligibility: the 270 built with pyx12, 271 fixtures with their odd segments
(one line, a second TRN, out-of-network and remaining amounts, a carve-out loop, AAA rejects)
read, and the clearinghouse adapter tested against a local mock clearinghouse."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.coverage.helpers import MockClearinghouse, mock_clearinghouse
from zoelife.coverage import eligibility as e

FIXTURES = Path(__file__).parent / "fixtures"
NOW = dt.datetime(2026, 3, 4, 15, 0, tzinfo=dt.UTC)
INQUIRY = e.Inquiry("Zoelife Psychiatric", "1234567893", "Aetna", "60054", "W123456789",
                    "Ana", "Peña", dt.date(1980, 2, 1), "tms")


def test_the_270_has_its_envelope_counts_and_names_the_subscriber_in_plain_ascii():
    text = e.build_270(INQUIRY, control=42, now=NOW)
    lines = text.strip().split("~\n")
    assert lines[0].startswith("ISA*00*") and lines[0].endswith("*00501*000000042*0*T*:")
    assert "NM1*IL*1*PENA*ANA****MI*W123456789" in lines
    assert "EQ*MH" in lines and "DMG*D8*19800201" in lines
    assert "SE*13*0001" in lines and "GE*1*42" in lines and lines[-1].startswith("IEA*1*000000042")


def test_delimiters_in_a_name_cannot_forge_a_segment():
    q = e.Inquiry("Zoelife", "1", "Aetna", "60054", "W1~ISA*", "Ann~EB*1", "Lee*X", None, "tms")
    text = e.build_270(q, control=1, now=NOW)
    assert "EB*1" not in text and "NM1*IL*1*LEE X*ANN EB 1****MI*W1 ISA" in text


def test_an_inquiry_without_a_member_id_is_refused():
    with pytest.raises(e.EligibilityError, match="member id"):
        e.build_270(e.Inquiry("Z", "1", "A", "1", " ", "A", "B", None, "tms"), control=1,
                    now=NOW)


def test_a_one_line_271_with_odd_segments_fills_the_in_network_mental_health_benefits():
    b = e.read_271((FIXTURES / "271_active_mental_health.x12").read_text())
    assert b.active is True and b.in_network is True
    assert (b.deductible_cents, b.deductible_remaining_cents, b.deductible_met_cents) == (
        150000, 100000, 50000)
    assert (b.oop_max_cents, b.copay_cents, b.coinsurance_percent) == (600000, 4000, 20)
    assert b.pa_required is True and b.trace == "ZL42"
    assert b.messages == ["PRIOR AUTHORIZATION REQUIRED FOR TMS 90867-90869"]


def test_a_rejected_271_says_why():
    b = e.read_271((FIXTURES / "271_rejected_member_not_found.x12").read_text())
    assert b.rejections == ["reject reason 75"] and b.active is None


@pytest.mark.parametrize("text", ["", "hello", "ISA*00*broken~"])
def test_what_is_not_a_271_is_refused(text):
    with pytest.raises(e.EligibilityError):
        e.read_271(text)


@pytest.fixture
def clearinghouse():
    with mock_clearinghouse() as url:
        yield url


def test_the_adapter_posts_the_270_and_reads_the_271(clearinghouse):
    got = e.Clearinghouse(clearinghouse, "test-key").check(INQUIRY, control=42, now=NOW)
    assert got.copay_cents == 4000 and got.pa_required is True
    auth, body = MockClearinghouse.received[0]
    assert auth == "Bearer test-key" and "ST*270*0001*005010X279A1" in body


def test_a_refusal_and_an_unreachable_clearinghouse_are_sentences(clearinghouse):
    with pytest.raises(e.EligibilityError, match="HTTP 401"):
        e.Clearinghouse(clearinghouse, "wrong").check(INQUIRY, control=1, now=NOW)
    with pytest.raises(e.EligibilityError, match="could not be reached"):
        e.Clearinghouse("http://127.0.0.1:9/x", "k", timeout=2).send("ISA")
    with pytest.raises(e.EligibilityError, match="https"):
        e.Clearinghouse("http://clearinghouse.example/x", "k")
