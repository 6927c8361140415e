"""The crisis assessment of what arrives: one input's text (its message overflow read in bounded
chunks), a request's whole text read again when new text arrives (it can only raise the level),
and the stored forms of a result (evidence, queue rank).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from zoelife.coverage.reminders import earlier
from zoelife.db.models import CrisisChange, Request
from zoelife.intake import pacing
from zoelife.intake.inputs import (
    MESSAGE_OVERFLOW_FIELD,
    OVERFLOW_CHUNK,
    OVERFLOW_OVERLAP,
    RequestInput,
    metadata_fields,
)
from zoelife.intake.schedule import Schedule
from zoelife.triage import CRISIS_RANK, Assessment, assess, assess_all, max_level
from zoelife.vocabulary import TREATMENTS


def assess_input(inp: RequestInput) -> Assessment:
    return assess_inputs([inp])[0]


def assess_inputs(inputs: Sequence[RequestInput]) -> list[Assessment]:
    """The assessment of each input: its text, its form's treatment labels (mapped to the
    vocabulary) and the treatments it already names by code."""
    results = assess_all([(inp.all_text(), inp.treatments) for inp in inputs])
    for i, (inp, result) in enumerate(zip(inputs, results, strict=True)):
        codes = set(result.treatments) | {t for t in inp.treatment_codes if t in TREATMENTS}
        level = result.crisis
        if inp.overflow():
            level = max_level(level, assess_overflow(inp.overflow()))
        if codes != set(result.treatments) or level != result.crisis:
            results[i] = dataclasses.replace(result, crisis=level, treatments=frozenset(codes))
    return results


def assess_overflow(text: str) -> str:
    """The crisis level of a message's overflow, read in overlapping chunks of bounded size,
    stopping at the first `urgent` one (nothing can raise the level further)."""
    level = "none"
    step = OVERFLOW_CHUNK - OVERFLOW_OVERLAP
    for start in range(0, max(len(text) - OVERFLOW_OVERLAP, 1), step):
        with pacing.LANE.chunk():  # in the server, long assessments share half the interpreter
            level = max_level(level, assess(text[start:start + OVERFLOW_CHUNK]).crisis)
        if level == "urgent":
            break
    return level


def assess_in_chunks(inputs: Sequence[RequestInput]) -> list[Assessment]:
    """`assess_inputs`, ASSESS_CHUNK_ROWS inputs at a time, each chunk paced in the server
    (zoelife.intake.pacing): for an import, before its write transaction."""
    out: list[Assessment] = []
    size = pacing.ASSESS_CHUNK_ROWS
    for start in range(0, len(inputs), size):
        with pacing.LANE.chunk():
            out.extend(assess_inputs(inputs[start:start + size]))
    return out


def reassessed_extra_text(extra: dict[str, Any] | None) -> str:
    """The request's extra fields as the crisis detector reads them again when new text
    arrives. The message overflow is left out: it was assessed (in chunks) when it came, and
    the level it gave stands, since new text can only raise a level. A tool's metadata is
    never read."""
    skip = metadata_fields(extra)
    return "\n".join(f"{k}: {v}" for k, v in (extra or {}).items()
                     if isinstance(v, str) and k != MESSAGE_OVERFLOW_FIELD and k not in skip)


def evidence_json(assessment: Assessment) -> list[dict[str, Any]]:
    return [
        {"start": e.start, "end": e.end, "category": e.category, "level": e.level}
        for e in assessment.crisis_evidence
    ]


def crisis_rank(level: str, acknowledged: bool) -> int:
    if level == "urgent":
        return 1 if acknowledged else 0
    return 2 if level == "review" else 3


def request_text(message: str | None, extra: dict[str, Any] | None) -> str:
    """A request's whole text as `raise_crisis_from_text` reads it."""
    return (message or "") + "\n" + reassessed_extra_text(extra)


# Assessments of a request's whole text worked out before a write transaction
# (`preassess_duplicate`), by the text's hash: used once, by the transaction that reads that
# very text. The detector gives the same result for the same text, so nothing changes but
# where the work happens; a text that changed meanwhile is simply assessed there.
_PREASSESSED: OrderedDict[bytes, Assessment] = OrderedDict()
_PREASSESSED_MAX = 64
_PREASSESSED_LOCK = threading.Lock()


def _text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


def _assess_request_text(text: str) -> Assessment:
    with _PREASSESSED_LOCK:
        found = _PREASSESSED.pop(_text_key(text), None)
    return found if found is not None else assess(text)


def assess_ahead(text: str) -> None:
    """Assess a request's whole text now (paced), for the write transaction that will read this
    very text (`raise_crisis_from_text`)."""
    with pacing.LANE.chunk():
        result = assess(text)
    with _PREASSESSED_LOCK:
        _PREASSESSED[_text_key(text)] = result
        while len(_PREASSESSED) > _PREASSESSED_MAX:
            _PREASSESSED.popitem(last=False)


def raise_crisis_from_text(session: Session, request: Request, schedule: Schedule, *,
                           now: dt.datetime, text: str | None = None,
                           also: Assessment | None = None) -> bool:
    """Assess the request's whole text again; new text can only raise the level.

    A manual level stands until new text arrives; new text can still raise it. `also`: the
    assessment of the new submission (its message overflow included). Returns True
    when the level rose (an urgent rise needs a fresh acknowledgement).
    """
    if text is None:
        text = request_text(request.message, request.extra)
    result = _assess_request_text(text)
    new_level = max_level(request.crisis_level, result.crisis)
    if also is not None:
        new_level = max_level(new_level, also.crisis)
    if CRISIS_RANK[new_level] <= CRISIS_RANK[request.crisis_level]:
        return False
    old = request.crisis_level
    request.crisis_level = new_level
    request.crisis_source = "auto"
    request.crisis_evidence = evidence_json(result)
    if new_level == "urgent":
        request.crisis_acknowledged_at = None
        request.crisis_acknowledged_by = None
        request.oncall_notified_at = None
        if request.first_contact_at is None:
            request.due_at = schedule.first_contact_due(request.received_at, "urgent")
            if request.status == "new":  # or a coverage reminder due earlier
                request.next_due_at = earlier(request.due_at, request.coverage_due_at)
    request.crisis_rank = crisis_rank(new_level, request.crisis_acknowledged_at is not None)
    request.version += 1
    session.add(CrisisChange(request_id=request.id, kind="assessed", from_level=old,
                             to_level=new_level, reason="new text arrived", changed_at=now))
    return True
