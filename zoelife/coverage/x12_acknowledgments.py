"""A TA1 or 999 acknowledgment sent back instead of a 271, read into sentences for staff.

A clearinghouse that cannot take the 270 answers with an acknowledgment: a **TA1**
(interchange acknowledgment: the ISA/IEA envelope accepted or rejected, TA104, with a note
code, TA105) or a **999** (005010X231A1 implementation acknowledgment: the transaction
accepted or rejected, IK501, within the group's AK9, with the segment errors IK3 and element
errors IK4 that made it so). pyx12 4 indexes no 999 map and reads no interchange holding only
a TA1, so this reads the few segments needed itself, from the delimiters the ISA declares.

Nothing from the acknowledgment's free data is repeated: IK4's copy of the bad element (IK404)
and the CTX context (which may carry a patient account number) are never read; segment ids,
loop ids, positions and codes are shown only when they have the shape the guide gives them.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # noqa: S405 - pyx12's own data element list
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

# TA104 and TA105 (interchange acknowledgment and note codes), in the X12 control standard's
# words.
TA1_ACKNOWLEDGMENTS = {"A": "accepted", "E": "accepted with errors noted", "R": "rejected"}
TA1_NOTES = {
    "000": "no error",
    "001": "the interchange control numbers in the header and trailer do not match",
    "002": "this standard, as noted in the control standards identifier, is not supported",
    "003": "this version of the controls is not supported",
    "004": "the segment terminator is invalid",
    "005": "invalid interchange ID qualifier for the sender",
    "006": "invalid interchange sender ID",
    "007": "invalid interchange ID qualifier for the receiver",
    "008": "invalid interchange receiver ID",
    "009": "unknown interchange receiver ID",
    "010": "invalid authorization information qualifier value",
    "011": "invalid authorization information value",
    "012": "invalid security information qualifier value",
    "013": "invalid security information value",
    "014": "invalid interchange date value",
    "015": "invalid interchange time value",
    "016": "invalid interchange standards identifier value",
    "017": "invalid interchange version ID value",
    "018": "invalid interchange control number value",
    "019": "invalid acknowledgment requested value",
    "020": "invalid test indicator value",
    "021": "invalid number of included groups value",
    "022": "invalid control structure",
    "023": "improper (premature) end of file",
    "024": "invalid interchange content (e.g. an invalid GS segment)",
    "025": "duplicate interchange control number",
    "026": "invalid data element separator",
    "027": "invalid component element separator",
    "028": "invalid delivery date in deferred delivery request",
    "029": "invalid delivery time in deferred delivery request",
    "030": "invalid delivery time code in deferred delivery request",
    "031": "invalid grade of service code",
}
# IK501 and AK901: the transaction's and the group's acknowledgment.
ACKNOWLEDGMENTS = {
    "A": "accepted", "E": "accepted but errors were noted", "P": "partially accepted",
    "M": "rejected: message authentication code failed", "R": "rejected",
    "W": "rejected: failed validity tests", "X": "rejected: content could not be analyzed "
    "after decryption",
}
ACCEPTED = {"A", "E", "P"}
# IK502-IK506: why a transaction set was rejected.
TRANSACTION_ERRORS = {
    "1": "transaction set not supported", "2": "transaction set trailer missing",
    "3": "transaction set control numbers in header and trailer do not match",
    "4": "number of included segments does not match the actual count",
    "5": "one or more segments in error", "6": "missing or invalid transaction set identifier",
    "7": "missing or invalid transaction set control number",
    "8": "authentication key name unknown", "9": "encryption key name unknown",
    "10": "requested service not available", "11": "unknown security recipient",
    "12": "incorrect message length", "13": "message authentication code failed",
    "15": "unknown security originator", "16": "syntax error in decrypted text",
    "17": "security not supported", "18": "transaction set not in functional group",
    "19": "invalid transaction set implementation convention reference",
    "23": "transaction set control number not unique within the functional group",
    "I5": "one or more segments in error (implementation guide)",
    "I6": "implementation convention not supported",
}
# AK905-AK909: why a functional group was rejected.
GROUP_ERRORS = {
    "1": "functional group not supported", "2": "functional group version not supported",
    "3": "functional group trailer missing",
    "4": "group control numbers in header and trailer do not agree",
    "5": "number of included transaction sets does not match the actual count",
    "6": "group control number violates syntax", "10": "authentication key name unknown",
    "11": "encryption key name unknown", "12": "requested service not available",
    "13": "unknown security recipient", "14": "unknown security originator",
    "15": "syntax error in decrypted text", "16": "security not supported",
    "17": "incorrect message length", "18": "message authentication code failed",
    "19": "functional group control number not unique within the interchange",
}
# IK304: what is wrong with a segment.
SEGMENT_ERRORS = {
    "1": "unrecognized segment ID", "2": "unexpected segment", "3": "required segment missing",
    "4": "loop occurs over maximum times", "5": "segment exceeds maximum use",
    "6": "segment not in defined transaction set", "7": "segment not in proper sequence",
    "8": "segment has data element errors",
    "I4": "segment the guide marks \"not used\" is present",
    "I6": "segment the guide requires in this situation is missing",
    "I7": "loop occurs under minimum times", "I8": "segment below minimum use",
    "I9": "segment the guide marks \"not used\" in this situation is present",
}
# IK403: what is wrong with an element.
ELEMENT_ERRORS = {
    "1": "required data element missing", "2": "conditional required data element missing",
    "3": "too many data elements", "4": "data element too short", "5": "data element too long",
    "6": "invalid character in data element", "7": "invalid code value", "8": "invalid date",
    "9": "invalid time", "10": "exclusion condition violated", "12": "too many repetitions",
    "13": "too many components",
    "I6": "code value not used in the implementation guide",
    "I9": "data element the guide requires in this situation is missing",
    "I10": "data element the guide marks \"not used\" is present",
    "I11": "too few repetitions", "I12": "value does not match the guide's pattern",
    "I13": "data element the guide marks \"not used\" in this situation is present",
}

_SEGMENT_ID = re.compile(r"[A-Z][A-Z0-9]{1,2}")
_LOOP_ID = re.compile(r"[0-9A-Z]{1,6}")
_NUMBER = re.compile(r"[0-9]{1,6}")
_CODE = re.compile(r"[A-Z0-9]{1,3}")


@dataclass(frozen=True)
class Acknowledgment:
    """What the acknowledgment says: which kind, whether the inquiry was accepted, and the
    problems it names (already worded, no values)."""

    kind: str  # "TA1" or "999"
    accepted: bool
    status: str  # the acknowledgment code, worded: "rejected", "accepted with errors noted"
    problems: tuple[str, ...]

    def sentence(self) -> str:
        said = "; ".join(self.problems[:5])
        more = f"; and {len(self.problems) - 5} more" if len(self.problems) > 5 else ""
        what = "the inquiry's envelope" if self.kind == "TA1" else "the inquiry"
        if not self.accepted:
            return (f"The clearinghouse rejected {what} ({self.kind}: {self.status})"
                    + (f": {said}{more}" if said else "")
                    + ". No benefits were read: correct it or ask the clearinghouse, and enter "
                    "the benefits by hand meanwhile.")
        return (f"The clearinghouse acknowledged {what} ({self.kind}: {self.status}"
                + (f": {said}{more}" if said else "") + ") but sent no 271; the answer may "
                "follow later. Ask the clearinghouse, or enter the benefits by hand.")


def _segments(text: str) -> list[list[str]] | None:
    """The file's segments split into elements by the delimiters its ISA declares, or None
    when it does not begin with an ISA."""
    text = text.lstrip("\ufeff \r\n\t")
    if not text.startswith("ISA") or len(text) < 106:
        return None
    element = text[3]
    isa = text.split(element, 16)
    if len(isa) < 17 or len(isa[16]) < 2:
        return None
    terminator = isa[16][1]
    out = []
    for raw in text.split(terminator):
        raw = raw.strip("\r\n\t ")
        if raw:
            out.append(raw.split(element))
    return out


def _value(seg: list[str], n: int, pattern: re.Pattern | None = None) -> str:
    value = seg[n].strip() if len(seg) > n else ""
    if pattern is not None and not pattern.fullmatch(value):
        return ""
    return value


@cache
def _element_names() -> dict[str, str]:
    """Data element numbers to names, from pyx12's own list (no copy kept here)."""
    root = ET.fromstring(files("pyx12").joinpath("map", "dataele.xml").read_bytes())  # noqa: S314
    return {e.get("ele_num", ""): e.get("name", "") for e in root.iter("data_ele")}


def read_acknowledgment(text: str) -> Acknowledgment | None:
    """The TA1 or 999 in `text`, or None when it holds neither, or holds a 271 too (then the
    271 is the answer)."""
    segments = _segments(text)
    if segments is None:
        return None
    if any(s[0].strip() == "ST" and _value(s, 1) == "271" for s in segments):
        return None
    if any(s[0].strip() == "ST" and _value(s, 1) == "999" for s in segments):
        return _read_999(segments, component=_component(segments))
    ta1 = next((s for s in segments if s[0].strip() == "TA1"), None)
    if ta1 is not None:
        return _read_ta1(ta1)
    return None


def _component(segments: list[list[str]]) -> str:
    isa = segments[0]
    return isa[16][:1] if len(isa) > 16 and isa[16] else ":"


def _read_ta1(seg: list[str]) -> Acknowledgment:
    code = _value(seg, 4, _CODE)
    note = _value(seg, 5, _NUMBER)
    problems = ()
    if note and note != "000":
        problems = (f"{TA1_NOTES.get(note, 'an error the note code names')} (note {note})",)
    return Acknowledgment("TA1", code in ("A", "E"),
                          TA1_ACKNOWLEDGMENTS.get(code, "acknowledgment code not given"),
                          problems)


def _segment_problem(ik3: list[str]) -> tuple[str, str]:
    """Where an IK3 points ("NM1 segment at position 8 of the transaction, loop 2100C") and
    what it says is wrong."""
    seg_id = _value(ik3, 1, _SEGMENT_ID) or "a"
    position = _value(ik3, 2, _NUMBER)
    loop = _value(ik3, 3, _LOOP_ID)
    code = _value(ik3, 4, _CODE)
    where = f"{seg_id} segment"
    if position:
        where += f" at position {int(position)} of the transaction"
    if loop:
        where += f" (loop {loop})"
    return where, SEGMENT_ERRORS.get(code, f"segment error {code}" if code else "segment error")


def _element_problem(seg_id: str, ik4: list[str], component: str) -> str:
    place = _value(ik4, 1).split(component)
    number = place[0] if _NUMBER.fullmatch(place[0] or "") else ""
    sub = place[1] if len(place) > 1 and _NUMBER.fullmatch(place[1]) else ""
    repeat = place[2] if len(place) > 2 and _NUMBER.fullmatch(place[2]) else ""
    reference = _value(ik4, 2, _NUMBER)
    code = _value(ik4, 3, _CODE)
    said = "element"
    if number:
        said += f" {seg_id}{int(number):02d}"
        if sub:
            said += f"-{int(sub):02d}"
    name = _element_names().get(reference, "")
    if name:
        said += f" ({name})"
    if repeat:
        said += f", repetition {int(repeat)}"
    return said + ": " + ELEMENT_ERRORS.get(code, f"element error {code}" if code else
                                            "element error")


def _read_999(segments: list[list[str]], *, component: str) -> Acknowledgment:
    problems: list[str] = []
    transaction_code = group_code = ""
    current: tuple[str, str, str] | None = None  # the open IK3: where, what, segment id
    elements: list[str] = []

    def close_segment() -> None:
        nonlocal current, elements
        if current is not None:
            where, what, _ = current
            if elements:
                problems.extend(f"{where}, {e}" for e in elements)
                if what != SEGMENT_ERRORS["8"]:
                    problems.append(f"{where}: {what}")
            else:
                problems.append(f"{where}: {what}")
        current, elements = None, []

    for seg in segments:
        sid = seg[0].strip()
        if sid == "IK3":
            close_segment()
            where, what = _segment_problem(seg)
            current = (where, what, _value(seg, 1, _SEGMENT_ID))
        elif sid == "IK4" and current is not None:
            elements.append(_element_problem(current[2], seg, component))
        elif sid == "IK5":
            close_segment()
            transaction_code = transaction_code or _value(seg, 1, _CODE)
            for n in range(2, 7):
                code = _value(seg, n, _CODE)
                if code and code != "5" and code != "I5":  # "segments in error": listed above
                    problems.append(TRANSACTION_ERRORS.get(code, f"transaction error {code}"))
        elif sid == "AK9":
            close_segment()
            group_code = _value(seg, 1, _CODE)
            for n in range(5, 10):
                code = _value(seg, n, _CODE)
                if code:
                    problems.append(GROUP_ERRORS.get(code, f"group error {code}"))
    close_segment()
    code = transaction_code or group_code
    return Acknowledgment("999", code in ACCEPTED,
                          ACKNOWLEDGMENTS.get(code, "acknowledgment code not given"),
                          tuple(problems))
