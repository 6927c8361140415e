"""A body's submissions stored one transaction each: bookings, lead notifications, bodies of
several submissions, and any delivery whose group could not be stored together."""

from __future__ import annotations

from zoelife.ingest.webhook.auth import claim_signature, replayed
from zoelife.ingest.webhook.submission import (
    DEFAULT_SOURCE,
    answer_for,
    get_engine,
    input_of,
    problems_of,
)


def store_alone(subs: list, source: str | None, client: str | None, *,
                signature: str | None = None) -> tuple[int, dict]:
    """One body's submissions, one transaction each (bookings, lead notifications, bodies
    of several submissions, and any delivery whose group could not be stored together)."""
    import datetime as dt

    from zoelife import audit
    from zoelife.db.engine import as_unavailable, read_session, write_session
    from zoelife.ingest import connectors
    from zoelife.ingest.pipeline.facts import facts_of_inputs
    from zoelife.ingest.pipeline.match import receive_batch
    from zoelife.ingest.pipeline.parse import saved_mapping
    from zoelife.intake import bookings
    from zoelife.intake.assessment import assess_input
    from zoelife.intake.duplicates import preassess_duplicates
    from zoelife.intake.schedule import Schedule

    src = source or DEFAULT_SOURCE
    actor = audit.Actor(None, f"webhook:{src}"[:120], client)
    now = dt.datetime.now(dt.UTC)
    engine = get_engine()
    found: list[str] = []
    try:
        if any(sub.kind == connectors.LEAD_NOTIFICATION for sub in subs):
            from zoelife.ingest import metagraph

            subs = metagraph.resolve(subs)
        # Mapping and triage happen before the write transaction: on SQLite every writer of
        # the process (page runs included) waits for the one that holds it.
        with read_session(engine) as session:
            schedule = Schedule.load(session)
            explicit = saved_mapping(session, src)
        claimed = signature is None
        for sub in subs:
            inp = input_of(sub, src, schedule, explicit, now)
            assessment = assess_input(inp)
            if sub.kind in (connectors.BOOKING, connectors.CANCELLATION):
                with write_session(engine) as session:
                    if not claimed and not claim_signature(session, signature, now):
                        return replayed()
                    claimed = True
                    out = bookings.apply(session, inp, sub, schedule=schedule, actor=actor,
                                         now=now, assessment=assessment)
            else:
                # A batch of one through the import's stages (docs/architecture.md).
                facts = facts_of_inputs([inp], schedule, now, [assessment])
                with read_session(engine) as session:
                    # A duplicate's request text (every earlier message appended) is
                    # assessed again: here, not inside the write transaction.
                    preassess_duplicates(session, [inp], [assessment], now=now)
                with write_session(engine) as session:
                    if not claimed and not claim_signature(session, signature, now):
                        return replayed()
                    claimed = True
                    (out,) = receive_batch(session, [inp], schedule=schedule, actor=actor,
                                           now=now, facts=facts, assessments=[assessment])
            found += problems_of(out)
    except Exception as exc:
        fault = as_unavailable(exc)
        if fault is None:
            raise
        return 503, {"status": "unavailable", "message": str(fault)}
    return answer_for(found)

