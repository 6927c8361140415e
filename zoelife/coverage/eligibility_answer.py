"""Electronic eligibility, the answer: a 271 read through pyx12's tree into the benefits it
states for the treatment's service types (`read_271`), validated against the clinic's 5010
map; AAA rejections worded as the 5010 guide words them. What staff see is a suggestion they
confirm into a benefits record (docs/coverage.md, "Electronic eligibility")."""

from __future__ import annotations

from dataclasses import dataclass, field

from zoelife.coverage import x12, x12_acknowledgments
from zoelife.coverage.eligibility_inquiry import REP, EligibilityError


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
    patient: str | None = None  # "subscriber" or "dependent": whose benefits these are
    plan: str | None = None  # EB05 of the active coverage
    covered: bool | None = None  # the treatment's service type: EB01 I (non-covered) is False
    carve_out: bool | None = None  # the service type is sent to another entity (EB01 R/U)
    carve_out_to: str | None = None  # that entity's name (2120 loop), for staff to match
    deductible_ytd_cents: int | None = None  # met so far (EB06 24, year to date)
    oop_remaining_cents: int | None = None
    services: list[str] = field(default_factory=list)  # every service type the answer names

    @property
    def deductible_met_cents(self) -> int | None:
        if self.deductible_cents is not None and self.deductible_remaining_cents is not None:
            return max(0, self.deductible_cents - self.deductible_remaining_cents)
        return self.deductible_ytd_cents


def _cents(amount: str | None) -> int | None:
    try:
        return round(float(amount) * 100) if amount else None
    except ValueError:
        return None


# AAA03 (reject reason) and AAA04 (follow-up) as the 5010 guide words them, so that staff read
# the reason rather than a number.
REJECT_REASONS = {
    "04": "authorized quantity exceeded", "15": "required application data missing",
    "33": "input errors", "35": "out of network", "41": "authorization/access restrictions",
    "42": "unable to respond at current time", "43": "invalid or missing provider identification",
    "44": "invalid or missing provider name", "45": "invalid or missing provider specialty",
    "46": "invalid or missing provider phone number", "47": "invalid or missing provider state",
    "48": "invalid or missing referring provider identification number",
    "49": "provider is not primary care physician",
    "50": "provider ineligible for inquiries", "51": "provider not on file",
    "52": "service dates not within provider plan enrollment", "53": "inquired benefit "
    "inconsistent with provider type", "54": "inappropriate product/service ID qualifier",
    "55": "inappropriate product/service ID", "56": "inappropriate date",
    "57": "invalid or missing date(s) of service", "58": "invalid or missing date of birth",
    "60": "date of birth follows date(s) of service",
    "61": "date of death precedes date(s) of service",
    "62": "date of service not within allowable inquiry period",
    "63": "date of service in future", "69": "inconsistent with patient's age",
    "70": "inconsistent with patient's gender",
    "71": "patient birth date does not match that for the patient on the database",
    "72": "invalid or missing subscriber/insured ID",
    "73": "invalid or missing subscriber/insured name",
    "74": "invalid or missing subscriber/insured gender code",
    "75": "subscriber/insured not found", "76": "duplicate subscriber/insured ID number",
    "78": "subscriber/insured not in group/plan identified",
    "79": "invalid participant identification",
    "80": "no response received, transaction terminated", "97": "invalid or missing provider "
    "address", "98": "experimental service or procedure", "AA": "authorization number not found",
    "AE": "requires primary care physician authorization", "AF": "invalid or missing diagnosis "
    "code(s)", "AG": "invalid or missing procedure code(s)", "AO": "additional patient "
    "condition information required", "CI": "certification information does not match patient",
    "E8": "requires medical review", "IA": "invalid authorization number format",
    "MA": "missing authorization", "T4": "payer name or identifier missing",
}
FOLLOW_UPS = {"C": "correct and resubmit", "N": "resubmission not allowed",
              "P": "resubmit the original inquiry", "R": "resubmission allowed",
              "S": "do not resubmit; the payer asked a third party",
              "W": "wait 30 days and resubmit", "X": "wait 10 days and resubmit",
              "Y": "do not resubmit; the payer will hand it to a third party"}
# Where in the answer an AAA stood: which party the payer could not match.
AAA_LEVELS = {"2000A": "payer", "2100A": "payer", "2100B": "provider", "2100C": "subscriber",
              "2110C": "subscriber's benefit", "2100D": "dependent",
              "2110D": "dependent's benefit"}
ACTIVE, INACTIVE = {"1", "2", "3", "4", "5"}, {"6", "7", "8"}
# EB01 codes that send the benefit to another entity (named in the 2120 loop): for behavioral
# health, a carve-out.
ELSEWHERE = {"R", "U"}
GENERAL = "30"  # "health benefit plan coverage": applies when nothing more specific is said


@dataclass
class _Eb:
    """One 2110C/2110D loop: an EB segment with its messages and related entities."""

    code: str
    coverage: str  # EB02: IND, FAM, ...
    services: frozenset[str]
    plan: str
    period: str
    amount: int | None
    percent: str
    auth: str
    network: str
    messages: list[str]
    entities: list[str]


def _first(node, seg_id: str):
    return next((s for s in x12.segments(node) if s.get_seg_id() == seg_id), None)


def _ebs(loop, rep: str, level: str) -> list[_Eb]:
    out = []
    for benefit in loop.select(f"2100{level}/2110{level}"):
        seg = _first(benefit, "EB")
        services = frozenset(v for v in (seg.get_value("EB03") or "").split(rep) if v)
        messages, entities = [], []
        for other in x12.segments(benefit):
            if other.get_seg_id() == "MSG" and other.get_value("MSG01"):
                messages.append(other.get_value("MSG01"))
        for entity in benefit.select(f"2120{level}"):
            name = _first(entity, "NM1")
            if name is not None:
                entities.append(" ".join(v for v in (name.get_value("NM103"),
                                                     name.get_value("NM104")) if v))
        out.append(_Eb(seg.get_value("EB01") or "", seg.get_value("EB02") or "", services,
                       seg.get_value("EB05") or "", seg.get_value("EB06") or "",
                       _cents(seg.get_value("EB07")), seg.get_value("EB08") or "",
                       seg.get_value("EB11") or "", seg.get_value("EB12") or "", messages,
                       entities))
    return out


def _rejection(seg, level: str) -> str:
    code, follow = seg.get_value("AAA03") or "", seg.get_value("AAA04") or ""
    said = f"{AAA_LEVELS.get(level, 'answer')}: {REJECT_REASONS.get(code, 'rejected')} " \
           f"(reject reason {code})"
    return said + (f"; {FOLLOW_UPS[follow]}" if follow in FOLLOW_UPS else "")


def read_271(text: str, service_types: tuple[str, ...] = ("MH",)) -> Benefits:
    """The benefits a 271 states for `service_types` (the treatment's, e.g. `MH`), falling
    back to the plan-wide lines (service type 30, or none) for what those do not say; the
    patient is the dependent when the answer has a dependent level, else the subscriber.
    In-network answers are preferred, individual over family. Raises `EligibilityError` for
    what is not a valid 005010X279A1 271, naming the segment and its position, and
    `AcknowledgmentInstead` for a TA1 or 999 sent in its place."""

    acknowledgment = x12_acknowledgments.read_acknowledgment(text)
    if acknowledgment is not None:
        raise AcknowledgmentInstead(acknowledgment)
    try:
        reading = x12.read(text)
    except Exception as exc:  # pyx12 raises its own errors for broken envelopes
        if "Map not found" in str(exc):
            raise EligibilityError("The clearinghouse's answer is not a 005010X279A1 "
                                   "eligibility transaction.") from None
        raise EligibilityError("The clearinghouse's answer is not a readable X12 file."
                               ) from None
    st = next((n for n in reading.nodes if n.id == "ST"), None)
    if st is None or st.get_value("ST01") != "271":
        raise EligibilityError("The clearinghouse's answer is not a 271 eligibility response.")
    if not reading.valid:
        raise InvalidAnswer(reading.problems)
    isa = reading.nodes[0]
    rep = isa.get_value("ISA11") or REP
    benefits = Benefits()
    for node in reading.nodes:
        if node.id == "AAA":
            benefits.rejections.append(_rejection(node.seg_data, node.x12_map_node.parent.id))
        if node.id != "2000C":
            continue
        if benefits.patient is not None:
            continue  # one subscriber is asked about; a second one is not this request's
        has_dependent = node.count("2000D") > 0
        patient = next(iter(node.select("2000D"))) if has_dependent else node
        level = "D" if has_dependent else "C"
        benefits.patient = "dependent" if has_dependent else "subscriber"
        for trn in (s for s in x12.segments(node) if s.get_seg_id() == "TRN"):
            # TRN01 2 echoes the inquiry's own trace; 1 is the clearinghouse's.
            if trn.get_value("TRN01") == "2" or benefits.trace is None:
                benefits.trace = trn.get_value("TRN02")
        for seg in x12.segments(node):  # the dependent's loops too
            if seg.get_seg_id() == "AAA":
                benefits.rejections.append(_rejection(seg, _loop_of(node, seg)))
        _summarize(benefits, _ebs(patient, rep, level), set(service_types))
    return benefits


def _loop_of(tree, seg) -> str:
    """The id of the innermost loop holding `seg` in `tree`."""
    open_loops: list[str] = []
    for item in tree.iterate_loop_segments():
        if item["type"] == "loop_start":
            open_loops.append(item["id"])
        elif item["type"] == "loop_end" and item["id"] in open_loops:
            del open_loops[len(open_loops) - 1 - open_loops[::-1].index(item["id"]):]
        elif item["type"] == "seg" and item["segment"] is seg:
            return open_loops[-1] if open_loops else ""
    return ""


def _summarize(b: Benefits, lines: list[_Eb], wanted: set[str]) -> None:
    specific = [e for e in lines if e.services & wanted]
    general = [e for e in lines if not e.services or GENERAL in e.services]
    b.services = sorted(set().union(*(e.services for e in lines))) if lines else []
    for e in lines:
        if e.code in ACTIVE and e.plan and b.plan is None:
            b.plan = e.plan
    # The payer's words about these service types or the whole plan; a message about another
    # service ("inpatient care not covered") would read as if it were about this treatment.
    for e in lines:
        if e in specific or e in general:
            b.messages.extend(e.messages)
    status = [e.code for e in specific + general if e.code in ACTIVE | INACTIVE]
    if any(c in INACTIVE for c in status):
        b.active = False
    elif status:
        b.active = True
    if any(e.code == "I" for e in specific):
        b.covered = False
    elif any(e.code in ACTIVE for e in specific):
        b.covered = True
    elsewhere = [e for e in specific if e.code in ELSEWHERE and e.entities]
    if elsewhere:
        b.carve_out, b.carve_out_to = True, elsewhere[0].entities[0]

    def pick(code: str, test) -> _Eb | None:
        for group in (specific, general):
            found = [e for e in group if e.code == code and e.network != "N" and test(e)]
            found.sort(key=lambda e: (e.coverage not in ("IND", ""), e.network not in ("Y", "W")))
            if found:
                return found[0]
        return None

    amount = lambda e: e.amount is not None  # noqa: E731 - tiny predicates read best inline
    if (d := pick("C", lambda e: amount(e) and e.period not in ("24", "29"))):
        b.deductible_cents = d.amount
    if (d := pick("C", lambda e: amount(e) and e.period == "29")):
        b.deductible_remaining_cents = d.amount
    if (d := pick("C", lambda e: amount(e) and e.period == "24")):
        b.deductible_ytd_cents = d.amount
    if (g := pick("G", lambda e: amount(e) and e.period not in ("24", "29"))):
        b.oop_max_cents = g.amount
    if (g := pick("G", lambda e: amount(e) and e.period == "29")):
        b.oop_remaining_cents = g.amount
    if (c := pick("B", amount)):
        b.copay_cents = c.amount
    if (c := pick("A", lambda e: bool(e.percent))):
        try:
            b.coinsurance_percent = round(float(c.percent) * 100)
        except ValueError:
            pass
    if any(e.network in ("Y", "W") for e in specific + general if e.code not in INACTIVE):
        b.in_network = True
    elif any(e.network == "N" for e in specific) and not any(
            e.network in ("Y", "W") for e in lines):
        b.in_network = False
    for group in (specific, general):
        said = [e.auth for e in group if e.auth in ("Y", "N")]
        if said:
            b.pa_required = "Y" in said
            break


class InvalidAnswer(EligibilityError):
    """A 271 that pyx12 read but that breaks the 005010X279A1 guide: the message names the
    first problems by segment and position (never the values, which may identify the
    patient)."""

    def __init__(self, problems: list) -> None:
        self.problems = problems
        shown = "; ".join(str(p) for p in problems[:3])
        more = f"; and {len(problems) - 3} more" if len(problems) > 3 else ""
        super().__init__(f"The clearinghouse's 271 does not follow {x12.VERSION}: "
                         f"{shown}{more}. Enter the benefits by hand or ask the "
                         "clearinghouse.")


class AcknowledgmentInstead(EligibilityError):
    """The clearinghouse sent a TA1 or 999 acknowledgment instead of a 271: the message says
    whether the inquiry was rejected and why, by segment, position and element, never by
    value (`x12_acknowledgments`)."""

    def __init__(self, acknowledgment: x12_acknowledgments.Acknowledgment) -> None:
        self.acknowledgment = acknowledgment
        super().__init__(acknowledgment.sentence())
