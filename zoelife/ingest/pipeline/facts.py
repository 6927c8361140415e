"""The normalize and triage stages: what each row of a batch says on its own, without other
rows or the database (`RowFacts`). Pure functions of the rows: they run in the worker
processes for big files (`workers.ordered_map`), here for small ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from zoelife.ingest.memory import no_cyclic_gc
from zoelife.intake.assessment import assess_inputs
from zoelife.intake.attribution import url_path_key
from zoelife.intake.inputs import (
    RequestInput,
    check_input,
    content_digest,
    input_key,
    input_names,
    utm_fields,
)
from zoelife.intake.normalize import Checked, name_key, normalize_email, normalize_phone
from zoelife.intake.schedule import Schedule
from zoelife.intake.service import request_values
from zoelife.triage import Assessment
from zoelife.vocabulary import CHANNELS, SUBMITTERS

# The columns of a new request that deciding does not fill in and no row gives.
REQUEST_DEFAULTS = {
    "utm_content": None, "utm_term": None, "prior_auth_status": None,
    "crisis_acknowledged_at": None, "crisis_acknowledged_by": None, "oncall_notified_at": None,
    "close_reason": None, "closed_at": None, "appointment_at": None, "appointment_kind": None,
    "assignee_id": None, "first_contact_at": None, "reached_at": None, "scheduled_at": None,
    "next_attempt_due_at": None, "last_attempt_at": None, "duplicate_of_id": None,
    "follow_up_at": None,
}


class RowFacts(NamedTuple):
    """What one row says on its own. Only builtins, so that sending it back from a worker is
    cheap (pickling the `RequestInput` and `Assessment` objects cost more than computing them);
    the main process rebuilds the input only for the few rows that need it."""
    key: tuple[str, str]
    external_id: str
    crisis: str
    treatments: frozenset[str]
    email: str | None
    phone: str | None
    name_key: str | None
    date_of_birth: dt.date | None
    received_at: dt.datetime | None
    warnings: list[str]
    reasons: list[str]
    path_key: str | None
    # The new request's columns when the row is usable, less what matching fills in
    # (id, person_id, repeat_of_id, attributed_content_id, import_batch_id).
    values: dict[str, Any] | None
    digest: str  # service.content_digest: a repeated key with other content is kept for review


def facts_of_inputs(inputs: Sequence[RequestInput], schedule: Schedule, now: dt.datetime,
                    assessments: Sequence[Assessment] | None = None) -> list[tuple]:
    """The `RowFacts` of each input, as plain tuples (unpickling a named tuple costs 20 µs a
    row in the main process, a plain one 2 µs; `RowFacts._make` puts the names back).

    Stage by stage over the whole batch (every phone, then every email, then the triage), not
    row by row: each library's code and tables then stay in the processor's caches for a
    whole stage (row by row, the same calls took 96 µs a row instead of 74). `assessments`:
    the triage of the inputs, when the caller has it already."""
    phones = [normalize_phone(inp.phone) for inp in inputs]
    emails = [normalize_email(inp.email) for inp in inputs]
    names = [input_names(inp) for inp in inputs]
    if assessments is None:
        assessments = assess_inputs(inputs)
    return [tuple(_row_facts(*row, schedule, now))
            for row in zip(inputs, phones, emails, names, assessments, strict=True)]


def _row_facts(inp: RequestInput, phone: Checked, email: Checked, names: tuple,
               assessment: Assessment, schedule: Schedule, now: dt.datetime) -> RowFacts:
    first, last = names
    reasons, warnings, received_at = check_input(inp, phone, email, now=now)
    key = input_key(inp)
    values = None
    if not reasons:
        values = REQUEST_DEFAULTS | request_values(
            inp, key[0], key[1], assessment, schedule, now=now, first=first, last=last,
            email=email.value, phone=phone.value, received_at=received_at, person_id=None,
            channel=inp.channel if inp.channel in CHANNELS else "other",
            submitter=inp.submitter if inp.submitter in SUBMITTERS else "other",
            batch_id=None, repeat_of=None, fields=utm_fields(inp), usable=True,
            attributed=None)
    return RowFacts(
        key=key, external_id=inp.external_id or "", crisis=assessment.crisis,
        treatments=assessment.treatments, email=email.value, phone=phone.value,
        name_key=name_key(first, last), date_of_birth=inp.date_of_birth,
        received_at=received_at, warnings=warnings, reasons=reasons,
        path_key=url_path_key(inp.landing_page), values=values,
        digest=content_digest(inp))


def facts_of_chunk(make_input: Callable[[Any], RequestInput], schedule: Schedule,
                   now: dt.datetime, items: Sequence[Any]) -> list[tuple]:
    """Parse (map each item to its input), normalize and triage one chunk: what a worker
    runs. `make_input` must pickle."""
    with no_cyclic_gc():
        return facts_of_inputs([make_input(item) for item in items], schedule, now)
