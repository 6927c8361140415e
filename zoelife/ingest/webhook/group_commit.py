"""Deliveries that arrive together stored together (`GroupCommit`): one batch through the
pipeline's stages and one write transaction, each delivery answered once it is committed."""

from __future__ import annotations

import threading

from zoelife.ingest.webhook.alone import store_alone
from zoelife.ingest.webhook.auth import claim_signatures, replayed
from zoelife.ingest.webhook.submission import (
    answer_for,
    get_engine,
    input_of,
    problems_of,
)


class Delivery:
    """One delivery of one plain submission, waiting for its group's transaction."""

    __slots__ = ("sub", "source", "client", "signature", "answer", "error", "leads", "turn")

    def __init__(self, sub, source: str, client: str | None, signature: str | None) -> None:
        self.sub, self.source, self.client, self.signature = sub, source, client, signature
        self.answer: tuple[int, dict] | None = None
        self.error: BaseException | None = None
        self.leads = False  # woken to store the next group rather than with its answer
        self.turn = threading.Event()


class GroupCommit:
    """Deliveries that arrive while a group is being stored wait, and the first of them then
    stores all that waited as the next group (at most `limit`): under load one batch and one
    transaction serve many deliveries (their triage in one call of the learned net, one
    look-up of the schedule, the mapping and the ids, one insert per table, one commit); alone,
    a delivery is stored at once, as a batch of one. Nobody waits on a timer."""

    def __init__(self, limit: int = 64) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._waiting: list[Delivery] = []
        self._busy = False

    def submit(self, delivery: Delivery) -> tuple[int, dict]:
        with self._lock:
            self._waiting.append(delivery)
            leads = not self._busy
            self._busy = True
        if not leads:
            delivery.turn.wait()
            leads = delivery.leads
        if leads:
            with self._lock:
                group, self._waiting = self._waiting[:self.limit], self._waiting[self.limit:]
            try:
                store_group(group)
            finally:
                with self._lock:
                    if self._waiting:
                        self._waiting[0].leads = True
                        self._waiting[0].turn.set()
                    else:
                        self._busy = False
                for other in group:
                    if other.answer is None and other.error is None:
                        other.error = RuntimeError("the group was not stored")
                    if other is not delivery:
                        other.turn.set()
        if delivery.error is not None:
            raise delivery.error
        assert delivery.answer is not None
        return delivery.answer


GROUP = GroupCommit()


def store_group(group: list[Delivery]) -> None:
    """Store deliveries together: by source and client (they name the audit events' actor),
    in arrival order. Sets each delivery's answer (or error); never raises."""
    by_sender: dict[tuple[str, str | None], list[Delivery]] = {}
    for delivery in group:
        by_sender.setdefault((delivery.source, delivery.client), []).append(delivery)
    for (source, client), deliveries in by_sender.items():
        try:
            _store_together(deliveries, source, client)
        except Exception:  # noqa: BLE001 - each delivery alone: one error never loses another
            for delivery in deliveries:
                if delivery.answer is None:
                    _store_one(delivery)


def _store_one(delivery: Delivery) -> None:
    try:
        delivery.answer = store_alone([delivery.sub], delivery.source, delivery.client,
                                       signature=delivery.signature)
    except Exception as exc:  # noqa: BLE001 - raised again in the delivery's own thread
        delivery.error = exc


def _store_together(deliveries: list[Delivery], source: str, client: str | None) -> None:
    """The deliveries of one sender as one batch through the stages: parse, normalize and
    triage all of them before any write transaction; then, for each run of deliveries that
    share no email or phone, the duplicate pre-assessment and one write transaction (replay
    keys claimed, `receive_batch`, commit). A later delivery of the same person waits for
    the next run, so that its duplicate's text was assessed against what is stored."""
    import datetime as dt

    from zoelife import audit
    from zoelife.db.engine import as_unavailable, read_session, write_session
    from zoelife.ingest.pipeline.facts import RowFacts, facts_of_inputs
    from zoelife.ingest.pipeline.match import receive_batch
    from zoelife.ingest.pipeline.parse import saved_mapping
    from zoelife.intake.assessment import assess_inputs
    from zoelife.intake.duplicates import preassess_duplicates
    from zoelife.intake.schedule import Schedule

    actor = audit.Actor(None, f"webhook:{source}"[:120], client)
    now = dt.datetime.now(dt.UTC)
    engine = get_engine()
    try:
        with read_session(engine) as session:
            schedule = Schedule.load(session)
            explicit = saved_mapping(session, source)
        inputs = [input_of(d.sub, source, schedule, explicit, now) for d in deliveries]
        assessments = assess_inputs(inputs)
        facts = facts_of_inputs(inputs, schedule, now, assessments)
    except Exception as exc:
        fault = as_unavailable(exc)
        if fault is None:
            raise
        for d in deliveries:
            d.answer = 503, {"status": "unavailable", "message": str(fault)}
        return
    runs: list[list[int]] = [[]]
    contacts: set[tuple[str, str]] = set()
    for i, row in enumerate(map(RowFacts._make, facts)):
        mine = {("email", row.email), ("phone", row.phone)} - {("email", None), ("phone", None)}
        if mine & contacts:
            runs.append([])
            contacts = set()
        runs[-1].append(i)
        contacts |= mine
    for run in runs:
        with read_session(engine) as session:
            preassess_duplicates(session, [inputs[i] for i in run],
                                 [assessments[i] for i in run], now=now)
        answers: dict[int, tuple[int, dict]] = {}
        with write_session(engine) as session:
            signatures = [deliveries[i].signature for i in run]
            claimed = claim_signatures(session, [s for s in signatures if s is not None], now)
            kept = []
            for i, signature in zip(run, signatures, strict=True):
                if signature is None:
                    kept.append(i)
                elif signature in claimed:
                    claimed.discard(signature)  # a second delivery of it in this run replays
                    kept.append(i)
                else:
                    answers[i] = replayed()
            outcomes = receive_batch(session, [inputs[i] for i in kept], schedule=schedule,
                                     actor=actor, now=now, facts=[facts[i] for i in kept],
                                     assessments=[assessments[i] for i in kept])
            for i, out in zip(kept, outcomes, strict=True):
                answers[i] = answer_for(problems_of(out))
        # Committed: only now is any of them answered.
        for i, answer in answers.items():
            deliveries[i].answer = answer

