"""Electronic eligibility: an X12 270 inquiry built, and the 271 answer read, with pyx12
(005010X279A1), through a clearinghouse adapter. Without a clearinghouse the benefits are entered
by hand; with one, the 271's benefits only *suggest* a benefits record, which staff confirm.

The adapter posts the 270 as the request body (`application/edi-x12`) to the clearinghouse URL
with a bearer key, and expects the 271 back. Real clearinghouses wrap this in their own envelopes
(CAQH CORE SOAP or MIME, or JSON): one `Clearinghouse.send` is the place to adapt.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
import urllib.error
import urllib.request
from dataclasses import dataclass, field

import pyx12.segment
import pyx12.x12file

from zoelife import audit, config, settings
from zoelife.coverage import records
from zoelife.db.models import Payer, Request

SEG, ELE, SUB, REP = "~", "*", ":", "^"
# EB01 codes this part reads; EQ service types asked about.
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


@dataclass
class Benefits:
    """What a 271 said, for staff to confirm into a benefits record."""

    active: bool | None = None
    in_network: bool | None = None
    deductible_cents: int | None = None
    deductible_remaining_cents: int | None = None
    oop_max_cents: int | None = None
    copay_cents: int | None = None
    coinsurance_percent: int | None = None
    pa_required: bool | None = None
    trace: str | None = None
    rejections: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)

    @property
    def deductible_met_cents(self) -> int | None:
        if self.deductible_cents is None or self.deductible_remaining_cents is None:
            return None
        return max(0, self.deductible_cents - self.deductible_remaining_cents)


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
    return out.getvalue()


def _cents(amount: str | None) -> int | None:
    try:
        return round(float(amount) * 100) if amount else None
    except ValueError:
        return None


def read_271(text: str) -> Benefits:
    """The benefits a 271 states for the mental-health service types (in-network answers
    preferred where both are given). Raises `EligibilityError` for what is not a 271."""
    benefits = Benefits()
    try:
        reader = pyx12.x12file.X12Reader(io.StringIO(text))
        segments = list(reader)
    except Exception as exc:  # pyx12 raises its own errors for broken envelopes
        raise EligibilityError("The clearinghouse's answer is not a readable X12 file.") from exc
    if not any(s.get_seg_id() == "ST" and s.get_value("ST01") == "271" for s in segments):
        raise EligibilityError("The clearinghouse's answer is not a 271 eligibility response.")
    for seg in segments:
        sid = seg.get_seg_id()
        if sid == "TRN" and benefits.trace is None:
            benefits.trace = seg.get_value("TRN02")
        elif sid == "AAA":
            benefits.rejections.append(f"reject reason {seg.get_value('AAA03')}"
                                       + (", resubmit" if seg.get_value("AAA04") == "R" else ""))
        elif sid == "MSG":
            benefits.messages.append(seg.get_value("MSG01") or "")
        elif sid == "EB":
            _read_eb(seg, benefits)
    return benefits


def _read_eb(seg, b: Benefits) -> None:
    code = seg.get_value("EB01")
    services = (seg.get_value("EB03") or "").split(REP)
    network = seg.get_value("EB12")  # Y in network, N out of network, W both
    if code in ("1", "2", "3", "4", "5"):
        b.active = True if b.active is None else b.active
    elif code == "6":
        b.active = False
    if services != [""] and not {"MH", "A4", "A6", "30", "88", "98"} & set(services):
        return
    if network == "N":
        return  # the clinic asks about its in-network benefit
    if network == "Y":
        b.in_network = True
    period = seg.get_value("EB06")
    amount = _cents(seg.get_value("EB07"))
    if code == "C" and amount is not None:
        if period == "29":  # remaining
            b.deductible_remaining_cents = amount
        elif b.deductible_cents is None:
            b.deductible_cents = amount
    elif code == "G" and amount is not None and period != "29" and b.oop_max_cents is None:
        b.oop_max_cents = amount
    elif code == "B" and amount is not None and b.copay_cents is None:
        b.copay_cents = amount
    elif code == "A" and seg.get_value("EB08"):
        try:
            b.coinsurance_percent = round(float(seg.get_value("EB08")) * 100)
        except ValueError:
            pass
    if seg.get_value("EB11") in ("Y", "N"):
        b.pa_required = seg.get_value("EB11") == "Y"


class Clearinghouse:
    """The HTTP adapter. `url` and `key` come from the deployment; none means no clearinghouse
    (benefits are entered by hand)."""

    def __init__(self, url: str, key: str, *, timeout: float = 20.0) -> None:
        if not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            raise EligibilityError("The clearinghouse address must use https.")
        self.url, self.key, self.timeout = url, key, timeout

    def send(self, inquiry_270: str) -> str:
        req = urllib.request.Request(
            self.url, data=inquiry_270.encode("ascii", "replace"), method="POST",
            headers={"Content-Type": "application/edi-x12", "Accept": "application/edi-x12",
                     "Authorization": f"Bearer {self.key}"})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310
                return resp.read(2_000_000).decode("ascii", "replace")
        except urllib.error.HTTPError as exc:
            raise EligibilityError(f"The clearinghouse refused the inquiry (HTTP {exc.code})."
                                   ) from None
        except (urllib.error.URLError, TimeoutError, OSError):
            raise EligibilityError("The clearinghouse could not be reached; enter the benefits "
                                   "by hand or try again.") from None

    def check(self, inquiry: Inquiry, *, control: int, now: dt.datetime) -> Benefits:
        return read_271(self.send(build_270(inquiry, control=control, now=now)))


URL_ENV, KEY_ENV, NPI_ENV = ("ZOELIFE_CLEARINGHOUSE_URL", "ZOELIFE_CLEARINGHOUSE_KEY",
                             "ZOELIFE_PROVIDER_NPI")


def from_environment() -> tuple[Clearinghouse, str] | None:
    """The configured clearinghouse and the clinic's NPI, or None (benefits entered by hand)."""
    url, key, npi = config.get(URL_ENV), config.get(KEY_ENV), config.get(NPI_ENV)
    if not (url and key and npi):
        return None
    return Clearinghouse(url, key), npi


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


def record_check(session, request_id: int, treatment: str, *, actor, ok: bool) -> None:
    """Audit an electronic inquiry: what was asked of whom, never the answer's details."""

    audit.record(session, actor, "coverage.eligibility_check", "request", request_id,
                 {"treatments": treatment, "method": "electronic", "result": "answered" if ok
                  else "failed"})
