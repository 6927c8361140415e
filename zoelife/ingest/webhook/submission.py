"""What both ways of storing a delivery share: the engine, a submission as the pipeline's
`RequestInput`, and the answer its outcome gets."""

from __future__ import annotations

DEFAULT_SOURCE = "web-form"


def get_engine():
    """The server process's one engine, shared with the pages (zoelife.db.engine)."""
    from zoelife.db.engine import shared_engine

    return shared_engine()


def input_of(sub, source: str, schedule, explicit, now):
    """A submission's `RequestInput`, received at arrival unless its form time says earlier
    (docs/ingest.md, *Received time*)."""
    from zoelife.ingest.pipeline.parse import to_input
    from zoelife.ingest.readers import Record

    inp = to_input(Record(1, sub.values, submission=sub.without_values()), {},
                   source=source, channel="web_form", zone=schedule.zone,
                   explicit=explicit, arrival=now)
    inp.row_number = None
    inp.arrived_at = now
    if inp.received_at is None:
        # A form tool posts at submission time: the arrival is the received time.
        inp.received_at, inp.received_at_raw = now, None
    return inp


def problems_of(out) -> list[str]:
    return [r for r in out.reasons if r != out.review_reason] if out.kind == "rejected" else []


def answer_for(problems: list[str]) -> tuple[int, dict]:
    if problems:
        # What is wrong with this submission itself, the same whether its id was known or not.
        return 422, {"status": "rejected", "reasons": problems}
    return 202, {"status": "received"}

