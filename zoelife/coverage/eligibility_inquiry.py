"""Electronic eligibility, the question: the X12 270 inquiry (005010X279A1) for one
subscriber and treatment, built with pyx12's writer and validated against the clinic's 5010
maps before it leaves (`x12.py`), and its content read from the request's primary insurance.
The answer is read by `eligibility_answer`, the clearinghouse reached by `clearinghouse`
(docs/coverage.md, "Electronic eligibility")."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from dataclasses import dataclass

import pyx12.segment
import pyx12.x12file

from zoelife import settings
from zoelife.coverage import records, x12
from zoelife.db.models import Payer, Request

SEG, ELE, SUB, REP = "~", "*", ":", "^"
# The service types asked about (EQ01) and read first (EB03) per treatment.
SERVICE_TYPES = {"tms": ("MH",), "spravato": ("MH", "88"), "ketamine": ("MH",),
                 "medication_management": ("MH",), "therapy": ("MH", "A6"), "other": ("30",)}


class EligibilityError(Exception):
    """The clearinghouse could not be reached, or its answer is not a 271 this reads; the
    message names no patient data."""


@dataclass(frozen=True)
class Inquiry:
    provider_name: str
    provider_npi: str
    payer_name: str
    payer_code: str
    member_id: str
    first_name: str
    last_name: str
    date_of_birth: dt.date | None
    treatment: str


def _segment(*elements: str) -> pyx12.segment.Segment:
    return pyx12.segment.Segment(ELE.join(elements), SEG, ELE, SUB, REP)


def _clean(value: str, most: int) -> str:
    """X12 text: no delimiters, upper case, bounded."""
    value = "".join(c for c in unicodedata.normalize("NFKD", value)
                    if not unicodedata.combining(c)).encode("ascii", "replace").decode("ascii")
    for ch in SEG + ELE + SUB + REP + "?":
        value = value.replace(ch, " ")
    return " ".join(value.split()).upper()[:most]


def build_270(q: Inquiry, *, control: int, now: dt.datetime, sender: str = "ZOELIFE",
              receiver: str = "CLEARINGHOUSE", production: bool = False) -> str:
    """The 270 for one subscriber and treatment."""
    if not q.member_id.strip():
        raise EligibilityError("An eligibility inquiry needs the member id.")
    ctl = f"{control:09d}"
    date8, date6, time4 = now.strftime("%Y%m%d"), now.strftime("%y%m%d"), now.strftime("%H%M")
    segments = [
        _segment("ISA", "00", " " * 10, "00", " " * 10, "ZZ", sender.ljust(15)[:15], "ZZ",
                 receiver.ljust(15)[:15], date6, time4, REP, "00501", ctl, "0",
                 "P" if production else "T", SUB),
        _segment("GS", "HS", sender, receiver, date8, time4, str(control), "X", "005010X279A1"),
        _segment("ST", "270", "0001", "005010X279A1"),
        _segment("BHT", "0022", "13", f"ZL{control}", date8, time4),
        _segment("HL", "1", "", "20", "1"),
        _segment("NM1", "PR", "2", _clean(q.payer_name, 60), "", "", "", "", "PI",
                 _clean(q.payer_code, 80)),
        _segment("HL", "2", "1", "21", "1"),
        _segment("NM1", "1P", "2", _clean(q.provider_name, 60), "", "", "", "", "XX",
                 _clean(q.provider_npi, 80)),
        _segment("HL", "3", "2", "22", "0"),
        _segment("TRN", "1", f"ZL{control}", "9ZOELIFE00"),
        _segment("NM1", "IL", "1", _clean(q.last_name, 60), _clean(q.first_name, 35), "", "",
                 "", "MI", _clean(q.member_id, 80)),
    ]
    if q.date_of_birth is not None:
        segments.append(_segment("DMG", "D8", q.date_of_birth.strftime("%Y%m%d")))
    segments.append(_segment("DTP", "291", "D8", date8))
    segments.append(_segment("EQ", REP.join(SERVICE_TYPES.get(q.treatment, ("30",)))))
    out = io.StringIO()
    # X12Writer writes SE, GE and IEA with their counts when it closes.
    with pyx12.x12file.X12Writer(out, SEG, ELE, SUB, "\n", REP) as writer:
        for seg in segments:
            writer.Write(seg)
    text = out.getvalue()
    # What the payer would refuse is refused here, by the same maps (an NPI or payer id of
    # the wrong length, say), before anything leaves the clinic.
    problems = x12.read(text).problems
    if problems:
        raise EligibilityError(f"The inquiry does not follow {x12.VERSION}: "
                               + "; ".join(str(p) for p in problems[:3]) + ".")
    return text


def inquiry_for(session, request_id: int, treatment: str, *, npi: str) -> Inquiry:
    """The 270's content for the request's primary insurance (read only: the HTTP call happens
    outside any transaction, and `record_check` audits it afterwards)."""

    request = session.get(Request, request_id)
    coverage = records.coverage_of(session, request_id, "primary")
    payer = session.get(Payer, coverage.payer_id) if coverage and coverage.payer_id else None
    if payer is None or not payer.payer_code:
        raise EligibilityError("The primary insurance needs a payer with a clearinghouse id "
                               "(the admin adds it on the Payers page).")
    return Inquiry(settings.get(session, "clinic_name"), npi, payer.name, payer.payer_code,
                   coverage.member_id or "", request.first_name or "", request.last_name or "",
                   request.date_of_birth, treatment)
