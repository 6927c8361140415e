"""Electronic eligibility: the 270 built with pyx12 and validated against the clinic's 5010
maps, 271 fixtures (written by the 005010X279A1 guide's examples: active coverage per service
type, inactive, rejected at each level, subscriber and dependent, a carve-out, odd delimiters and
odd but valid segments) validated and read through pyx12's tree, invalid 271s reported by segment
and position, and the clearinghouse adapter tested against a local mock clearinghouse."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from tests.coverage.helpers import MockClearinghouse, mock_clearinghouse
from zoelife.coverage import x12
from zoelife.coverage.clearinghouse import Clearinghouse
from zoelife.coverage.eligibility_answer import InvalidAnswer, read_271
from zoelife.coverage.eligibility_inquiry import EligibilityError, Inquiry, build_270

FIXTURES = Path(__file__).parent / "fixtures"
NOW = dt.datetime(2026, 3, 4, 15, 0, tzinfo=dt.UTC)
INQUIRY = Inquiry("Zoelife Psychiatric", "1234567893", "Aetna", "60054", "W123456789",
                    "Ana", "Peña", dt.date(1980, 2, 1), "tms")


def test_the_270_has_its_envelope_counts_and_names_the_subscriber_in_plain_ascii():
    text = build_270(INQUIRY, control=42, now=NOW)
    lines = text.strip().split("~\n")
    assert lines[0].startswith("ISA*00*") and lines[0].endswith("*00501*000000042*0*T*:")
    assert "NM1*IL*1*PENA*ANA****MI*W123456789" in lines
    assert "EQ*MH" in lines and "DMG*D8*19800201" in lines
    assert "SE*13*0001" in lines and "GE*1*42" in lines and lines[-1].startswith("IEA*1*000000042")


def test_delimiters_in_a_name_cannot_forge_a_segment():
    q = Inquiry("Zoelife", "1234567893", "Aetna", "60054", "W1~ISA*", "Ann~EB*1", "Lee*X",
                  None, "tms")
    text = build_270(q, control=1, now=NOW)
    assert "EB*1" not in text and "NM1*IL*1*LEE X*ANN EB 1****MI*W1 ISA" in text


def test_the_270_follows_the_5010_map_and_asks_for_the_treatments_service_types():
    text = build_270(dataclasses.replace(INQUIRY, treatment="spravato"), control=7, now=NOW)
    reading = x12.read(text)
    assert reading.valid, reading.problems
    [subscriber] = [n for n in reading.nodes if n.id == "2000C"]
    [inquiry] = list(subscriber.select("2100C/2110C"))
    assert inquiry.get_value("EQ01") == "MH^88"
    assert subscriber.get_value("2100C/NM109") == "W123456789"


def test_a_270_the_payer_would_refuse_is_refused_here_naming_the_segment():
    q = Inquiry("Zoelife", "1", "Aetna", "60054", "W1", "Ann", "Lee", None, "tms")
    with pytest.raises(EligibilityError) as err:
        build_270(q, control=1, now=NOW)
    assert "NM1 segment at position 6 of the transaction" in str(err.value)
    assert "element NM109" in str(err.value) and "too short" in str(err.value)


def test_an_inquiry_without_a_member_id_is_refused():
    with pytest.raises(EligibilityError, match="member id"):
        build_270(Inquiry("Z", "1", "A", "1", " ", "A", "B", None, "tms"), control=1,
                    now=NOW)


def test_a_one_line_271_with_odd_segments_fills_the_in_network_mental_health_benefits():
    b = read_271((FIXTURES / "271_active_mental_health.x12").read_text())
    assert b.active is True and b.in_network is True
    assert (b.deductible_cents, b.deductible_remaining_cents, b.deductible_met_cents) == (
        150000, 100000, 50000)
    assert (b.oop_max_cents, b.copay_cents, b.coinsurance_percent) == (600000, 4000, 20)
    assert b.pa_required is True and b.trace == "ZL42"
    assert b.messages == ["PRIOR AUTHORIZATION REQUIRED FOR TMS 90867-90869"]


@pytest.mark.parametrize(("fixture", "said"), [
    ("271_rejected_member_not_found.x12",
     "subscriber: subscriber/insured not found (reject reason 75); correct and resubmit"),
    ("271_payer_unavailable.x12",
     "payer: unable to respond at current time (reject reason 42); resubmission allowed"),
    ("271_provider_not_on_file.x12",
     "provider: provider not on file (reject reason 51); resubmission not allowed"),
])
def test_a_rejected_271_says_why_and_at_which_level(fixture, said):
    b = read_271((FIXTURES / fixture).read_text())
    assert b.rejections == [said] and b.active is None and b.copay_cents is None


@pytest.mark.parametrize("text", ["", "hello", "ISA*00*broken~"])
def test_what_is_not_a_271_is_refused(text):
    with pytest.raises(EligibilityError):
        read_271(text)


@pytest.fixture
def clearinghouse():
    with mock_clearinghouse() as url:
        yield url


def test_the_adapter_posts_the_270_and_reads_the_271(clearinghouse):
    got = Clearinghouse(clearinghouse, "test-key").check(INQUIRY, control=42, now=NOW)
    assert got.copay_cents == 4000 and got.pa_required is True
    auth, body = MockClearinghouse.received[0]
    assert auth == "Bearer test-key" and "ST*270*0001*005010X279A1" in body


def test_a_refusal_and_an_unreachable_clearinghouse_are_sentences(clearinghouse):
    with pytest.raises(EligibilityError, match="HTTP 401"):
        Clearinghouse(clearinghouse, "wrong").check(INQUIRY, control=1, now=NOW)
    with pytest.raises(EligibilityError, match="could not be reached"):
        Clearinghouse("http://127.0.0.1:9/x", "k", timeout=2).send("ISA")
    with pytest.raises(EligibilityError, match="https"):
        Clearinghouse("http://clearinghouse.example/x", "k")


# Each fixture's benefits as read for the treatment's service types (the plan-wide lines, 30,
# filling what the specific ones do not say).
def read(fixture, *service_types):
    return read_271((FIXTURES / fixture).read_text(), service_types or ("MH",))


def test_per_service_type_mental_health_reads_its_own_copay_over_the_plans_deductible():
    b = read("271_active_per_service.x12", "MH")
    assert (b.active, b.in_network, b.patient, b.plan) == (True, True, "subscriber",
                                                           "GOLD PPO 1500")
    # IND in network before FAM and before the out-of-network 3000.00
    assert (b.deductible_cents, b.deductible_remaining_cents, b.deductible_met_cents) == (
        150000, 40000, 110000)
    assert (b.oop_max_cents, b.oop_remaining_cents) == (500000, 325000)
    assert (b.copay_cents, b.coinsurance_percent, b.pa_required) == (3000, 20, None)
    assert b.messages == ["COPAY APPLIES TO OUTPATIENT OFFICE VISITS ONLY"]  # not A8's, A7's
    assert {"MH", "A8", "A7", "30", "88"} <= set(b.services)


def test_per_service_type_psychiatric_outpatient_has_its_copay_and_authorization():
    b = read("271_active_per_service.x12", "A8")
    assert (b.copay_cents, b.pa_required, b.coinsurance_percent) == (4500, True, None)
    assert b.messages == ["PRIOR AUTHORIZATION REQUIRED AFTER 8 VISITS"]
    assert b.deductible_cents == 150000  # from the plan-wide lines


def test_a_service_type_the_plan_does_not_cover_is_said():
    assert read("271_active_per_service.x12", "A7").covered is False
    assert read("271_active_per_service.x12", "MH").covered is True


def test_only_plan_wide_lines_give_no_copay():
    b = read("271_active_per_service.x12", "30")
    assert b.copay_cents is None and b.deductible_cents == 150000


def test_an_inactive_plan_is_inactive_with_its_message():
    b = read("271_inactive.x12")
    assert b.active is False and b.copay_cents is None and b.trace == "ZL52"
    assert b.messages == ["COVERAGE TERMINATED 12/31/2025"]


def test_a_dependent_patient_is_read_from_the_dependent_level():
    b = read("271_dependent.x12", "MH")
    assert (b.patient, b.trace, b.plan) == ("dependent", "ZL55", "FAMILY HMO")
    assert (b.deductible_cents, b.deductible_met_cents) == (400000, 90000)  # family only
    assert (b.copay_cents, b.coinsurance_percent) == (2500, 10)
    assert b.messages == []  # the referral message is about psychotherapy (A6)
    assert read("271_dependent.x12", "MH", "A6").messages == [
        "REFERRAL REQUIRED FROM PRIMARY CARE PHYSICIAN"]


def test_a_behavioral_health_carve_out_names_the_entity():
    b = read("271_carve_out.x12", "MH", "88")
    assert (b.active, b.carve_out, b.carve_out_to) == (True, True, "MAGELLAN BEHAVIORAL HEALTH")
    assert b.deductible_cents == 200000 and b.copay_cents is None
    assert read("271_carve_out.x12", "A6").carve_out is None
    # EB05 cut at its 50 characters, as payers cut long plan names, is valid; 51 is not.
    assert b.plan == "PPO OPEN ACCESS - EMPIRE BLUECROSS BLUESHIELD NATL" and len(b.plan) == 50
    longer = (FIXTURES / "271_carve_out.x12").read_text().replace("NATL", "NATLX")
    with pytest.raises(InvalidAnswer, match="element EB05: Plan Coverage Description is too"):
        read_271(longer)


def test_odd_delimiters_and_odd_but_valid_segments_are_read():
    """`|` elements, `>` components, `}` repetitions and CRLF; two TRN, repeated EB lines
    split by procedure (EB13), two III loops, 2120C with two entities, a YTD deductible."""
    text = (FIXTURES / "271_odd_but_valid.x12").read_text()
    assert x12.read(text).valid
    b = read_271(text, ("MH",))
    assert (b.trace, b.plan, b.copay_cents, b.coinsurance_percent) == (
        "ZL57", "LIBERTY TIERED", 2000, 0)
    assert (b.deductible_cents, b.deductible_met_cents, b.pa_required) == (100000, 25000, False)
    assert "A8" in b.services and len(b.messages) == 2


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.glob("271_*.x12")))
def test_every_fixture_follows_the_5010_271_map(fixture):
    reading = x12.read((FIXTURES / fixture).read_text())
    assert reading.valid, [str(p) for p in reading.problems]


# Invalid answers: the message names the segment, its position and the element, never a value
# that could identify the patient.
ACTIVE = (FIXTURES / "271_active_mental_health.x12").read_text()


@pytest.mark.parametrize(("change", "said"), [
    (("EB*B*IND*MH", "EB*Z9*IND*MH"),
     "EB segment at position 22 of the transaction (segment 24 of the file): is not expected "
     "here"),
    (("DTP*346*D8*20260101", "DTP*346*D8*20261341"),
     "DTP segment at position 15 of the transaction (segment 17 of the file), element DTP03: "
     "Date Time Period is not a valid date"),
    (("EB*1**30^MH", "EB*1**30^XQ"),
     "EB segment at position 16 of the transaction (segment 18 of the file), element EB03: "
     "Service Type Code has a code not allowed here"),
    (("EB*C*IND*MH***23*1500.00", "EB*C*IND*MH***23*15X0.00"),
     "element EB07: Benefit Amount has a character not allowed"),
    (("N4*NEW YORK*NY", "N4*NEW YORK*QQ"),  # pyx12's external code set, still loaded
     "N4 segment at position 13 of the transaction (segment 15 of the file), element N402: "
     "Subscriber State Code has a code not allowed here (QQ)"),
    (("SE*32*0001", "SE*30*0001"), "ST/SE segment (segment 34 of the file): SE count of 30"),
])
def test_an_invalid_271_is_refused_naming_segment_position_and_element(change, said):
    with pytest.raises(InvalidAnswer) as err:
        read_271(ACTIVE.replace(*change))
    assert said in str(err.value) and "005010X279A1" in str(err.value)


def test_a_problem_never_quotes_a_name_or_member_id():
    with pytest.raises(InvalidAnswer) as err:
        read_271(ACTIVE.replace("PENA*ANA", "PENA" * 16 + "*ANA"))
    message = str(err.value)
    assert "element NM103: Subscriber Last Name is too long" in message
    assert "PENA" not in message and "W123456789" not in message
    [problem] = err.value.problems
    assert (problem.segment, problem.element, problem.code) == ("NM1", "NM103", "5")


def test_a_flood_of_problems_is_cut_to_the_first_three():
    # Without its NM1 the subscriber loop cannot start: every later segment is out of place.
    broken = ACTIVE.replace("NM1*IL*1*PENA*ANA****MI*W123456789~", "")
    with pytest.raises(InvalidAnswer) as err:
        read_271(broken)
    assert len(err.value.problems) > 3 and str(err.value).count(" segment at position ") == 3
    assert "more" in str(err.value)


def test_a_4010_answer_and_a_270_are_not_read_as_a_5010_271():
    with pytest.raises(EligibilityError, match="not a 005010X279A1"):
        read_271(ACTIVE.replace("005010X279A1", "004010X092A1"))
    with pytest.raises(EligibilityError, match="not a 271"):
        read_271(build_270(INQUIRY, control=3, now=NOW))


def test_the_maps_are_found_through_pyx12s_map_path_and_shipped_as_package_data():
    import pyx12.map_index

    index = pyx12.map_index.map_index(x12.map_path())
    assert index.get_filename("00501", "005010X279A1", "HB") == "271.5010.X279.A1.xml"
    assert index.get_filename("00501", "005010X279A1", "HS") == "270.5010.X279.A1.xml"
    pyproject = (Path(__file__).parents[2] / "pyproject.toml").read_text()
    assert '"coverage/x12maps/*"' in pyproject


def test_the_adapter_reports_an_invalid_answer_as_a_sentence():
    with mock_clearinghouse("271_rejected_member_not_found.x12") as url:
        got = Clearinghouse(url, "test-key").check(INQUIRY, control=9, now=NOW)
    assert got.rejections and got.active is None


def test_a_rejection_at_the_dependent_and_benefit_levels_is_counted_once_each():
    text = (FIXTURES / "271_dependent.x12").read_text()
    text = text.replace("NM1*03*1*RIVERA*SOFIA~", "NM1*03*1*RIVERA*SOFIA~\nAAA*Y**71*C~")
    text = text.replace("EB*1**A6~", "EB*1**A6~\nAAA*Y**AF*C~").replace("SE*24*", "SE*26*")
    b = read_271(text, ("MH",))
    assert b.rejections == [
        "dependent: patient birth date does not match that for the patient on the database "
        "(reject reason 71); correct and resubmit",
        "dependent's benefit: invalid or missing diagnosis code(s) (reject reason AF); correct "
        "and resubmit"]


def test_an_answer_cut_short_is_not_read_as_a_short_answer():
    text = (FIXTURES / "271_active_per_service.x12").read_text()
    with pytest.raises(InvalidAnswer, match=r"Transaction Set Trailer\" \(SE=0001\) missing"):
        read_271(text[: text.index("EB*A*IND*MH")])
