"""pyx12 with the clinic's 005010X279A1 maps: validation with readable problems, and a 271 read
as pyx12's tree of loops and segments.

pyx12 4 ships 270/271 maps for 4010 only (its 5010 entries are commented out of its
`maps.xml`). Its documented way to use other maps is `map_path`: a directory holding
`maps.xml`, the maps, `dataele.xml`, `codes.xml` and the control map, all read from there. So
this module lays out one such directory per process: the two maps of `x12maps/` (package data)
with their index, and pyx12's own control map, code sets (those the maps name) and
`dataele.xml` (plus the elements of `x12maps/dataele.extra.xml`) taken from the installed
package, so they follow pyx12 upgrades and are never copied into this repository.
"""

from __future__ import annotations

import atexit
import io
import logging
import re
import shutil
import tempfile
import threading
import xml.etree.ElementTree as ET  # noqa: S405 - our own and pyx12's files
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import pyx12.error_handler
import pyx12.error_visitor
import pyx12.errors
import pyx12.params
import pyx12.x12context

# pyx12 logs its findings with the segment's data (names, member ids): the findings reach the
# caller as `Problem`s, which never carry a value that could identify the patient.
logging.getLogger("pyx12").addHandler(logging.NullHandler())
logging.getLogger("pyx12").propagate = False

MAPS = Path(__file__).with_name("x12maps")
OWN_FILES = ("maps.xml", "270.5010.X279.A1.xml", "271.5010.X279.A1.xml")
CONTROL = "x12.control.00501.xml"
VERSION = "005010X279A1"

_lock = threading.Lock()
_dir: str | None = None


def map_path() -> str:
    """The directory handed to pyx12 as `map_path` (made once per process)."""
    global _dir
    with _lock:
        if _dir is None or not Path(_dir, "maps.xml").is_file():
            target = Path(tempfile.mkdtemp(prefix="zoelife-x12maps-"))
            atexit.register(shutil.rmtree, target, True)
            shipped = files("pyx12").joinpath("map")
            (target / CONTROL).write_bytes(shipped.joinpath(CONTROL).read_bytes())
            for name in OWN_FILES:
                shutil.copyfile(MAPS / name, target / name)
            # pyx12 parses the whole code list file for every map it loads (twice a read);
            # only the code sets these maps name are kept, which halves the time of a read.
            named = {m.group(1) for name in (CONTROL, *OWN_FILES)
                     for m in re.finditer(r'external="([^"]+)"', (target / name).read_text())}
            codes = ET.fromstring(shipped.joinpath("codes.xml").read_bytes())
            for codeset in list(codes):
                if codeset.findtext("id") not in named:
                    codes.remove(codeset)
            ET.ElementTree(codes).write(target / "codes.xml", encoding="utf-8",
                                        xml_declaration=True)
            base = ET.fromstring(shipped.joinpath("dataele.xml").read_bytes())
            base.extend(ET.parse(MAPS / "dataele.extra.xml").getroot().iter("data_ele"))
            ET.ElementTree(base).write(target / "dataele.xml", encoding="utf-8",
                                       xml_declaration=True)
            _dir = str(target)
        return _dir


def params() -> pyx12.params.ParamsBase:
    param = pyx12.params.params()
    param.set("map_path", map_path())
    return param


# What pyx12's error codes mean (X12 999 IK3 for segments, IK4 for elements), said without the
# value: a value may be a patient's name or member id.
SEGMENT_PROBLEMS = {
    "1": "is not expected here (unknown, out of place, or its qualifier code not allowed)",
    "2": "is not expected here",
    "3": "is required and missing",
    "4": "opens a loop more times than allowed",
    "5": "occurs more times than allowed",
    "6": "is not in the transaction's definition",
    "7": "is out of order",
    "8": "has element errors",
}
ELEMENT_PROBLEMS = {
    "1": "is required and missing",
    "2": "is required by another element and missing",
    "3": "is one element too many",
    "4": "is too short",
    "5": "is too long",
    "6": "has a character not allowed",
    "7": "has a code not allowed here",
    "8": "is not a valid date",
    "9": "is not a valid time",
    "10": "is present though another element excludes it",
    "12": "repeats too often",
}
# Values shown in a problem: codes and qualifiers only, never free text or identifiers.
_SAFE_VALUE_TYPES = ("ID",)


@dataclass(frozen=True)
class Problem:
    """One validation finding, located by segment and element."""

    segment: str  # segment id, e.g. "EB"
    position: int | None  # the segment's position in the transaction (ST = 1)
    line: int | None  # the segment's number in the file
    element: str | None  # e.g. "EB01", "EB13-01"
    code: str
    text: str

    def __str__(self) -> str:
        where = f"{self.segment} segment"
        if self.position is not None:
            where += f" at position {self.position} of the transaction"
        if self.line is not None:
            where += f" (segment {self.line} of the file)"
        if self.element:
            where += f", element {self.element}"
        return f"{where}: {self.text}"


class _Collect(pyx12.error_visitor.error_visitor):
    """Gathers pyx12's error tree into `Problem`s."""

    def __init__(self, value_types: dict[str, str | None]) -> None:
        self.problems: list[Problem] = []
        self.value_types = value_types
        self._seg: tuple[str, int | None, int | None] = ("?", None, None)

    def _envelope(self, sid: str, node) -> None:
        for code, text in node.errors:
            self.problems.append(Problem(sid, None, node.get_cur_line(), None, code, text))

    # Envelope findings (counts and control numbers checked at the trailer) are named by the
    # header/trailer pair.
    def visit_isa_pre(self, err_isa) -> None:
        self._envelope("ISA/IEA", err_isa)

    def visit_gs_pre(self, err_gs) -> None:
        self._envelope("GS/GE", err_gs)

    def visit_st_pre(self, err_st) -> None:
        self._envelope("ST/SE", err_st)

    def visit_seg(self, err_seg) -> None:
        self._seg = (err_seg.seg_id, err_seg.seg_count, err_seg.get_cur_line())
        for code, text, _value in err_seg.errors:
            said = SEGMENT_PROBLEMS.get(str(code), "is not valid")
            # pyx12's own sentence quotes the segment's data (names, ids): only the map
            # position it walked from is kept.
            started = re.search(r"Started at (\S+)", text)
            if started:
                said += " after " + "/".join(started.group(1).split("/")[-2:])
            counted = re.search(r"Found \d+, should have \d+", text)
            if counted:
                said += f" ({counted.group(0).lower()})"
            self.problems.append(Problem(*self._seg, None, str(code), said))

    def visit_ele(self, err_ele) -> None:
        sid = self._seg[0]
        ref = f"{sid}{err_ele.ele_pos:02d}"
        if err_ele.subele_pos:
            ref += f"-{err_ele.subele_pos:02d}"
        for code, _text, value in err_ele.errors:
            said = f"{err_ele.name} {ELEMENT_PROBLEMS.get(str(code), 'is not valid')}"
            if value and self.value_types.get(err_ele.ele_ref_num) in _SAFE_VALUE_TYPES:
                said += f" ({value})"
            self.problems.append(Problem(*self._seg, ref, str(code), said))


@dataclass
class Reading:
    """A 271 (or 270) read through pyx12: its tree nodes in order, and what validation found."""

    nodes: list
    problems: list[Problem]

    @property
    def valid(self) -> bool:
        return not self.problems


def read(text: str, loop_id: str = "2000C") -> Reading:
    """Validate `text` against the 5010 maps, collecting the `loop_id` loops as trees (each
    subscriber with its benefits and dependents). Raises `pyx12.errors.X12Error` or
    `EngineError` for what pyx12 cannot read at all (no ISA, a map not found)."""

    errh = pyx12.error_handler.err_handler()
    param = params()
    with pyx12.x12context.X12ContextReader(param, errh, io.StringIO(text),
                                           map_path=map_path()) as reader:
        nodes = list(reader.iter_segments(loop_id))
        # A file cut short has no SE/GE/IEA: pyx12 reports the missing trailers only when asked
        # (as its own x12n_document does), and a truncated answer must not read as a short one.
        reader.src.cleanup()
        errh.handle_errors(reader.src.pop_errors())
        types = {k: v["data_type"] for k, v in reader.control_map.data_elements.dataele.items()}
    collect = _Collect(types)
    errh.accept(collect)
    # In the file's order: pyx12 visits envelope findings before the segments they close.
    problems = sorted(collect.problems, key=lambda p: p.line if p.line is not None else 0)
    return Reading(nodes, problems)


def segments(node) -> Iterator:
    """Every segment of a tree node, in order."""
    for item in node.iterate_segments():
        yield item["segment"]
