"""What the database holds after an import, independent of primary-key values: for comparing
two runs (fast path against row by row, a crashed-then-rerun import against a clean one)."""

from __future__ import annotations

from sqlalchemy import select

from zoelife.db.engine import read_session
from zoelife.db.models import (
    CrisisChange,
    IntakeKey,
    Person,
    PossibleMatch,
    QuarantinedRow,
    Request,
    RequestTreatment,
    Submission,
)

_SKIP = {"id", "created_at", "updated_at", "first_seen_at", "import_batch_id", "batch_id",
         "changed_at", "resolved_at"}


def _cols(obj, skip=()) -> dict:
    return {c.key: getattr(obj, c.key) for c in obj.__table__.columns
            if c.key not in _SKIP and c.key not in skip}


def snapshot(engine) -> dict:
    with read_session(engine) as s:
        reqs = s.execute(select(Request)).scalars().all()
        rkey = {r.id: (r.source, r.external_id) for r in reqs}
        people = {p.id: p for p in s.execute(select(Person)).scalars()}
        # A person is named by the keys of their requests.
        pkey = {}
        for r in sorted(reqs, key=lambda r: r.id):
            if r.person_id is not None:
                pkey.setdefault(r.person_id, rkey[r.id])
        requests = {}
        for r in reqs:
            d = _cols(r, skip=("person_id", "repeat_of_id", "duplicate_of_id"))
            d["person"] = pkey.get(r.person_id)
            d["repeat_of"] = rkey.get(r.repeat_of_id)
            d["treatments"] = sorted((t.treatment, t.origin, t.received_local_date)
                                     for t in s.execute(select(RequestTreatment).where(
                                         RequestTreatment.request_id == r.id)).scalars())
            d["crisis_changes"] = [
                (c.kind, c.from_level, c.to_level, c.reason) for c in s.execute(
                    select(CrisisChange).where(CrisisChange.request_id == r.id)
                    .order_by(CrisisChange.id)).scalars()]
            requests[rkey[r.id]] = d
        person_rows = {pkey.get(pid): _cols(p) for pid, p in people.items()}
        subs = {(x.source, x.external_id): _cols(x, skip=("request_id",)) | {
            "request": rkey.get(x.request_id)} for x in s.execute(select(Submission)).scalars()}
        qrows = {(q.source, q.row_key): _cols(q, skip=("request_id",)) | {
            "request": rkey.get(q.request_id)} for q in s.execute(select(QuarantinedRow)).scalars()}
        keys = {(k.source, k.external_id): (k.kind, rkey.get(k.request_id))
                for k in s.execute(select(IntakeKey)).scalars()}
        matches = sorted((pkey.get(m.person_id), pkey.get(m.other_person_id), m.reason)
                         for m in s.execute(select(PossibleMatch)).scalars())
    return {"requests": requests, "people": person_rows, "submissions": subs,
            "quarantined": qrows, "keys": keys, "matches": matches}
