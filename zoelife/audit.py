"""The append-only, hash-chained audit log.

Each row's `hash` is SHA-256 over its own canonical content and the previous row's hash, so a
changed, removed or reordered row breaks the chain from that point on (`verify`). Since anyone
who can write to the database can also recompute those hashes, each row also carries an HMAC
with a key kept outside the database, and the chain's head is checkpointed outside it after
every commit (`zoelife.audit_anchor`): re-hashed rows, deleted tail rows and an emptied table
are named by `verify` too.

Concurrency: the chain has one head, so appends are serialized. On PostgreSQL `record` takes a
transaction-level advisory lock before reading the head; the lock is held until the caller's
transaction commits or rolls back, so the next writer reads the committed head (READ COMMITTED
re-reads per statement). On SQLite every writing transaction starts with BEGIN IMMEDIATE
(`zoelife.db.engine.write_session`), which already holds the database's single write lock.
`seq` is UNIQUE as a last line of defence: a fork would fail to commit rather than persist.
The row is written in the caller's transaction, so a rolled-back change leaves no audit row.

Value policy (docs/security.md): `changes` names changed fields; old and new values are kept only for
non-identifying fields. `redact_changes` enforces it for every caller.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from zoelife import audit_anchor, settings
from zoelife.db.models import AuditEvent

GENESIS_HASH = "0" * 64
PG_AUDIT_LOCK_KEY = 0x5A4F41554454  # one chain, one lock

# Fields whose old and new values may be kept; anything else is named without values.
VALUE_FIELDS = frozenset(
    {
        "status",
        "close_reason",
        "assignee_id",
        "crisis_level",
        "crisis_source",
        "treatments",
        "channel",
        "source",
        "submitter",
        "prior_auth_status",
        "appointment_kind",
        "version",
        "roles",
        "is_active",
        "must_change_password",
        "topics",
        "attempt_outcome",
        "attempt_method",
        "outcome",
        "method",
        "result",
        "count",
        "matches",  # how many possible matches a link carried over (a count)
        "rows",
        "imported",
        "duplicates",
        "already_imported",
        "rejected",
        "crisis_urgent",
        "crisis_review",
        "batch_id",
        "duplicate_of_id",
        "repeat_of_id",
        "person_id",
        "format",
        "kind",
        "reason_code",
    }
)


@dataclass(frozen=True)
class Actor:
    """Who did it. `user_id` None means the system (an import job, the webhook, a migration)."""

    user_id: int | None
    label: str
    client_address: str | None = None


SYSTEM = Actor(None, "system")


def redact_changes(changes: Mapping[str, Any] | Iterable[str] | None) -> dict[str, Any]:
    """Apply the value policy: identifying fields keep only the fact that they changed."""
    if changes is None:
        return {}
    if not isinstance(changes, Mapping):
        return {name: {"changed": True} for name in changes}
    out: dict[str, Any] = {}
    for name, value in changes.items():
        if name in VALUE_FIELDS or name.startswith("setting") or _is_settings_change(name, value):
            out[name] = value
        else:
            out[name] = {"changed": True}
    return out


def _is_settings_change(name: str, value: Any) -> bool:
    return name in settings.BY_NAME


def _canonical(event: Mapping[str, Any]) -> bytes:
    return json.dumps(event, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=str).encode("utf-8")


def compute_hash(prev_hash: str, row: AuditEvent | Mapping[str, Any]) -> str:
    get = row.get if isinstance(row, Mapping) else lambda k: getattr(row, k)
    occurred = get("occurred_at")
    if isinstance(occurred, dt.datetime):
        occurred = occurred.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    payload = {
        "seq": get("seq"),
        "occurred_at": occurred,
        "actor_user_id": get("actor_user_id"),
        "actor_label": get("actor_label"),
        "action": get("action"),
        "entity": get("entity"),
        "entity_id": get("entity_id"),
        "changes": get("changes"),
        "client_address": get("client_address"),
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(_canonical(payload)).hexdigest()


def _lock_chain(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_AUDIT_LOCK_KEY})


def record(
    session: Session,
    actor: Actor | None,
    action: str,
    entity: str | None = None,
    entity_id: Any = None,
    changes: Mapping[str, Any] | Iterable[str] | None = None,
) -> AuditEvent:
    """Append one event to the chain inside the caller's transaction."""
    actor = actor or SYSTEM
    _lock_chain(session)
    head = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    seq, prev_hash = (head.seq + 1, head.hash) if head else (1, GENESIS_HASH)
    # Microsecond precision survives both databases, so the hash verifies after a round trip.
    occurred_at = dt.datetime.now(dt.UTC)
    event = AuditEvent(
        seq=seq,
        occurred_at=occurred_at,
        actor_user_id=actor.user_id,
        actor_label=actor.label[:120],
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        changes=redact_changes(changes),
        client_address=actor.client_address,
        prev_hash=prev_hash,
    )
    event.hash = compute_hash(prev_hash, event)
    anchor = audit_anchor.for_bind(session.get_bind())
    event.mac = audit_anchor.mac(anchor.key(create=True), seq, event.hash)
    session.add(event)
    session.flush()
    # The head is checkpointed once the transaction commits (`_checkpoint_after_commit`): a
    # rolled-back row must not become a checkpoint that verification would then miss.
    pending = session.info.setdefault(_PENDING_HEAD, {"anchor": anchor,
                                                      "start": (seq - 1, prev_hash)})
    pending["head"] = (seq, event.hash)
    return event


_PENDING_HEAD = "zoelife_audit_head"


@event.listens_for(Session, "after_commit")
def _checkpoint_after_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING_HEAD, None)
    if pending is not None:
        seq, hash_ = pending["head"]
        pending["anchor"].append("head", seq, hash_, start=pending["start"])


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_PENDING_HEAD, None)


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_broken_seq: int | None = None
    problem: str | None = None
    legacy: int = 0  # rows from before keying started: hash-chained only
    checkpoint_seq: int | None = None  # the checkpoint compared with


def _problem(checked: int, legacy: int, seq: int, text_: str,
             checkpoint: int | None = None) -> VerifyResult:
    return VerifyResult(False, checked, seq, text_, legacy, checkpoint)


def verify(session: Session, batch: int = 5000, *,
           anchor: audit_anchor.Anchor | None = None, checkpoints: bool = True) -> VerifyResult:
    """Walk the chain in order and name the first row that does not verify, then compare the
    end of the chain with the last checkpoint kept outside the database.

    `anchor` names the key and checkpoint files (default: those of the session's database;
    a backup file is checked with the live database's key). `checkpoints=False` skips the
    comparison with the checkpoints (a backup is an older copy by nature). A verified head is
    checkpointed."""
    anchor = anchor or audit_anchor.for_bind(session.get_bind())
    key = anchor.key(create=False)
    marks = audit_anchor.Marks(None, None, False)
    if checkpoints:
        marks = anchor.marks()
    start_seq = marks.start.seq if marks.start else None
    mark = marks.head
    mark_seq = mark.seq if mark else None
    prev_hash = GENESIS_HASH
    expected_seq = 1
    checked = legacy = 0
    last_seq = 0
    keyed_seen = False
    while True:
        rows = session.execute(
            select(AuditEvent).where(AuditEvent.seq > last_seq).order_by(AuditEvent.seq).limit(batch)
        ).scalars().all()
        if not rows:
            break
        for row in rows:
            if row.seq != expected_seq:
                return _problem(checked, legacy, row.seq,
                                f"row {expected_seq} is missing (found {row.seq} next)", mark_seq)
            if row.prev_hash != prev_hash:
                return _problem(checked, legacy, row.seq,
                                "previous-hash link does not match the row before", mark_seq)
            if compute_hash(prev_hash, row) != row.hash:
                return _problem(checked, legacy, row.seq, "row content does not match its hash",
                                mark_seq)
            if row.mac is None:
                if keyed_seen or (start_seq is not None and row.seq > start_seq):
                    return _problem(
                        checked, legacy, row.seq,
                        "row carries no MAC although keying started before it (rows written "
                        "or re-hashed without the audit key)", mark_seq)
                legacy += 1
            else:
                keyed_seen = True
                if key is None:
                    return _problem(checked, legacy, row.seq,
                                    f"the audit key is missing ({anchor.key_path} or "
                                    f"{audit_anchor.KEY_ENV}): keyed rows cannot be verified",
                                    mark_seq)
                if not hmac.compare_digest(row.mac, audit_anchor.mac(key, row.seq, row.hash)):
                    return _problem(checked, legacy, row.seq,
                                    "row does not match its MAC (changed or re-hashed without "
                                    "the audit key, or the key was replaced)", mark_seq)
            for m in (marks.start, mark):
                if m is not None and m.seq == row.seq and m.hash != row.hash:
                    return _problem(checked, legacy, row.seq,
                                    f"row differs from the checkpoint of {m.when} (the chain "
                                    "was rewritten from here on)", mark_seq)
            prev_hash = row.hash
            expected_seq += 1
            checked += 1
            last_seq = row.seq
        session.expunge_all()
    if checkpoints:
        if mark is not None and last_seq < mark.seq:
            missing = (f"every row is missing (the checkpoint of {mark.when} recorded "
                       f"{mark.seq} rows)" if last_seq == 0 else
                       f"rows {last_seq + 1} to {mark.seq} are missing: the log ends at "
                       f"{last_seq} but the checkpoint of {mark.when} recorded {mark.seq}")
            return _problem(checked, legacy, last_seq + 1, missing, mark_seq)
        if not marks.exists and keyed_seen:
            return _problem(checked, legacy, last_seq,
                            f"the checkpoint file {anchor.head_path} is missing: deleted rows "
                            "at the end cannot be ruled out", None)
        if last_seq:
            # Without a checkpoint file yet (a log from before keying), its head becomes the
            # legacy boundary.
            anchor.append("head", last_seq, prev_hash, start=(last_seq, prev_hash))
    return VerifyResult(True, checked, legacy=legacy, checkpoint_seq=mark_seq)


def head_problem(session: Session) -> str | None:
    """A cheap check for every page view: does the newest row still reach the last
    checkpoint? (Deleted tail rows, an emptied table, a rewritten head.) None when it does."""
    anchor = audit_anchor.for_bind(session.get_bind())
    mark = anchor.marks().head
    if mark is None:
        return None
    last = session.execute(select(func.max(AuditEvent.seq))).scalar() or 0
    if last < mark.seq:
        if last == 0:
            return (f"every audit row is missing (the checkpoint of {mark.when} recorded "
                    f"{mark.seq} rows)")
        return (f"audit rows {last + 1} to {mark.seq} are missing (the checkpoint of "
                f"{mark.when} recorded {mark.seq})")
    at = session.execute(select(AuditEvent.hash).where(AuditEvent.seq == mark.seq)).scalar()
    if at != mark.hash:
        return f"audit row {mark.seq} differs from the checkpoint of {mark.when}"
    return None
