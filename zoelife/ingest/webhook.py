"""The web-form webhook: `POST /api/intake` and `POST /api/intake/{source}` on the app's own
server (Starlette routes served beside the pages through `st.App`).

Authentication, either of:
- `X-Zoelife-Timestamp: <unix seconds>` and `X-Zoelife-Signature: sha256=<hex>`: HMAC-SHA256 of
  `"{timestamp}.{path}.{body}"` with the source's secret. Refused more than 5 minutes away from
  the server's clock, and refused when the same signature was already accepted (409): a
  captured delivery cannot be posted again, nor to another path.
- `X-Zoelife-Signature` alone: HMAC of the body only, for senders that cannot do better
  (weaker: replayable to another path of the same secret, or after the window).
- `X-Zoelife-Token: <token>` for tools that cannot sign (Gravity Forms, Jotform): compared in
  constant time.
Credentials are bound to a source: `ZOELIFE_WEBHOOK_SECRET_<SOURCE>` / `_TOKEN_<SOURCE>` (source
upper-cased, other characters `_`) are accepted on `/api/intake/<source>` only, and once a source
has either, the global `ZOELIFE_WEBHOOK_SECRET` / `ZOELIFE_WEBHOOK_TOKEN` are not accepted
there. The source is the path's, or `web-form` on `/api/intake`; never read from the payload.
No credential configured at all: 503. Bad or missing authentication: 401, nothing stored.

Bodies: JSON, form-encoded or multipart, each read by the connectors (`zoelife.ingest.connectors`:
the tool's documented shapes, chosen by the source name and the body; the tool's own id and time
win over fields of the same meaning from the form), exactly as the file import reads a record.
Over `ZOELIFE_WEBHOOK_MAX_BYTES` (default 256 KiB): 413; a body not received within
`READ_SECONDS` (10 s, however slowly it trickles): 408; more than `MAX_FIELDS` fields: 400. JSON
and form bodies are parsed off the event loop, in linear time.
Answers: 202 `{"status": "received"}` whatever became of a usable submission (new, duplicate,
repeated, or a repeated id with different content kept for review): the answer never tells
whether an id was known. 422 when the submission itself is unusable (quarantined and assessed
all the same, reasons listed). Logs name the source and status only.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import re
import threading
from typing import Any
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from zoelife import config

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Zoelife-Signature"
TIMESTAMP_HEADER = "X-Zoelife-Timestamp"
TOKEN_HEADER = "X-Zoelife-Token"
SIGNATURE_WINDOW_SECONDS = 300
DEFAULT_SOURCE = "web-form"
MAX_BYTES_ENV = "ZOELIFE_WEBHOOK_MAX_BYTES"
DEFAULT_MAX_BYTES = config.VARIABLES[MAX_BYTES_ENV].default
# A form tool sends its whole body at once; a body trickling in for longer is holding a
# connection (and its buffer) open, not delivering.
READ_SECONDS = 10.0
# A contact form has tens of fields; tens of thousands of repeated keys were an attack.
MAX_FIELDS = 1000
_SOURCE_RX = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,119}$")



class BodyTooLarge(Exception):
    pass


class BodyTimeout(Exception):
    pass


class BadBody(Exception):
    pass


def max_bytes() -> int:
    return config.get(MAX_BYTES_ENV)


def credentials(source: str | None) -> tuple[str | None, str | None]:
    """(secret, token) accepted on this source's path. A source with a credential of its own
    accepts only its own: the global ones would let any other sender write under its name."""
    own = (config.for_source("ZOELIFE_WEBHOOK_SECRET", source) or None,
           config.for_source("ZOELIFE_WEBHOOK_TOKEN", source) or None)
    if any(own):
        return own
    return (config.get("ZOELIFE_WEBHOOK_SECRET") or None,
            config.get("ZOELIFE_WEBHOOK_TOKEN") or None)


def sign(body: bytes, secret: str) -> str:
    """The body-only signature (weaker; for senders that cannot sign a timestamp and path)."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def sign_request(secret: str, path: str, body: bytes, timestamp: int) -> dict[str, str]:
    """The headers a sender adds (documented in docs/ingest.md): the signature covers the
    time, the path (`/api/intake/<source>`) and the body."""
    message = f"{timestamp}.{path}.".encode() + body
    return {TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: "sha256=" + hmac.new(secret.encode(), message,
                                                   hashlib.sha256).hexdigest()}


def replay_key(headers) -> str | None:
    """What a timestamped signature is remembered by, to refuse it a second time."""
    signature = headers.get(SIGNATURE_HEADER)
    if not signature or not headers.get(TIMESTAMP_HEADER):
        return None
    return hashlib.sha256(signature.strip().lower().encode()).hexdigest()


def authenticate(headers, body: bytes, source: str | None, *, path: str = "",
                 now: float | None = None) -> tuple[int, str] | None:
    """None when authenticated, else (status, message)."""
    import time

    secret, token = credentials(source)
    if not secret and not token:
        return 503, ("The webhook is not configured: set ZOELIFE_WEBHOOK_SECRET (signed) or "
                     "ZOELIFE_WEBHOOK_TOKEN (static secret header) on the server.")
    signature = headers.get(SIGNATURE_HEADER)
    if signature and secret:
        stamp = headers.get(TIMESTAMP_HEADER)
        if stamp is not None:
            stamp = stamp.strip()
            if not stamp.isdigit() or len(stamp) > 12:
                return 401, f"{TIMESTAMP_HEADER} must be the time in Unix seconds."
            now = time.time() if now is None else now
            if abs(now - int(stamp)) > SIGNATURE_WINDOW_SECONDS:
                return 401, (f"{TIMESTAMP_HEADER} is more than 5 minutes away from the "
                             "server's clock; sign each delivery when it is sent.")
            expected = sign_request(secret, path, body, int(stamp))[SIGNATURE_HEADER]
        else:
            expected = sign(body, secret)
        if hmac.compare_digest(signature.strip().lower().encode(), expected.encode()):
            return None
        return 401, "The signature does not match the body."
    given = headers.get(TOKEN_HEADER)
    if given and token:
        if hmac.compare_digest(given.strip().encode(), token.encode()):
            return None
        return 401, "The token is not valid."
    return 401, f"Authentication required ({SIGNATURE_HEADER} or {TOKEN_HEADER})."


def claim_signature(session, key: str, now, *, prune: bool = True) -> bool:
    """Record a timestamped signature; False when it was already accepted. Signatures older
    than twice the window cannot pass the time check any more and are pruned (`prune`: once
    per transaction is enough)."""
    import datetime as dt

    from sqlalchemy import delete

    from zoelife.db.models import WebhookSignature

    table = WebhookSignature.__table__
    if prune:
        session.execute(delete(table).where(
            table.c.seen_at < now - dt.timedelta(seconds=2 * SIGNATURE_WINDOW_SECONDS)))
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stored = session.execute(insert(table).values(signature=key, seen_at=now)
                             .on_conflict_do_nothing().returning(table.c.signature))
    return stored.scalar() is not None


async def read_limited(request: Request, limit: int, seconds: float | None = None) -> bytes:
    """The body, at most `limit` bytes (else BodyTooLarge), received within `seconds` in all
    (else BodyTimeout)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(READ_SECONDS if seconds is None else seconds):
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise BodyTooLarge
                chunks.append(chunk)
    except TimeoutError:
        raise BodyTimeout from None
    return b"".join(chunks)


def _add(data: dict[str, Any], k: str, v: str, *, list_marker: bool) -> None:
    """One form field into `data`: a key seen again becomes a list, appended in place (a new
    list per repeat made 87,000 repeated keys quadratic: 5.7 s on the event loop)."""
    key = k[:-2] if k.endswith("[]") else k
    if key in data:
        prev = data[key]
        if isinstance(prev, list):
            prev.append(v)
        else:
            data[key] = [prev, v]
    else:
        data[key] = [v] if list_marker and k.endswith("[]") else v


def parse_form(body: bytes) -> dict[str, Any]:
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True,
                          max_num_fields=MAX_FIELDS)
    except UnicodeDecodeError:
        raise BadBody("the form body is not UTF-8") from None
    except ValueError:
        raise BadBody(f"the form body has more than {MAX_FIELDS} fields") from None
    data: dict[str, Any] = {}
    for k, v in pairs:
        _add(data, k, v, list_marker=True)
    return data


def parse_json(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadBody("the body is not valid JSON, form-encoded or multipart data") from None
    if isinstance(payload, list) and len(payload) == 1:
        payload = payload[0]
    if not isinstance(payload, dict):
        raise BadBody("the JSON body must be one object")
    if len(payload) > MAX_FIELDS:
        raise BadBody(f"the JSON body has more than {MAX_FIELDS} fields")
    return payload


def _content_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def parse_body(request: Request, body: bytes) -> dict[str, Any]:
    ctype = _content_type(request)
    if ctype == "application/x-www-form-urlencoded":
        return await run_in_threadpool(parse_form, body)
    if ctype == "multipart/form-data":
        async def replay() -> dict[str, Any]:
            return {"type": "http.request", "body": body, "more_body": False}

        try:
            form = await Request(request.scope, replay).form(max_files=MAX_FIELDS,
                                                             max_fields=MAX_FIELDS)
        except Exception:  # noqa: BLE001 - any parser failure is a bad body
            raise BadBody("the multipart body cannot be read (or has more than "
                          f"{MAX_FIELDS} fields)") from None
        data: dict[str, Any] = {}
        for k, v in form.multi_items():
            if not isinstance(v, str):
                continue  # uploaded files are not part of a request
            _add(data, k, v, list_marker=False)
        return data
    return await run_in_threadpool(parse_json, body)


def get_engine():
    """The server process's one engine, shared with the pages (zoelife.db.engine)."""
    from zoelife.db.engine import shared_engine

    return shared_engine()


def store(payload: dict[str, Any], source: str | None, client: str | None, *,
          signature: str | None = None) -> tuple[int, dict]:
    """Unpack (`zoelife.ingest.connectors`), map, receive and commit a body's submissions;
    returns (status, response body).

    `source` is the path's (the credential was checked for it), else `web-form`: never taken
    from the payload, where anyone holding another credential could claim a source's ids.
    `signature`: a timestamped signature's replay key, refused when already accepted.
    Bookings and lead notifications are not new requests (`zoelife.intake.bookings`,
    `zoelife.ingest.metagraph`).

    A body holding one plain submission joins the deliveries that arrive while another
    batch is being stored (`GROUP`): they go through the stages together, one batch and one
    transaction, and each is answered once that transaction committed."""
    from zoelife.db.engine import as_unavailable
    from zoelife.ingest import connectors

    try:
        subs = connectors.unpack(payload, source)
    except Exception as exc:
        fault = as_unavailable(exc)
        if fault is None:
            raise
        return 503, {"status": "unavailable", "message": str(fault)}
    if len(subs) == 1 and subs[0].kind not in (connectors.BOOKING, connectors.CANCELLATION,
                                               connectors.LEAD_NOTIFICATION):
        return GROUP.submit(Delivery(subs[0], source or DEFAULT_SOURCE, client, signature))
    return _store_alone(subs, source, client, signature=signature)


def _store_alone(subs: list, source: str | None, client: str | None, *,
                 signature: str | None = None) -> tuple[int, dict]:
    """One body's submissions, one transaction each (bookings, lead notifications, bodies
    of several submissions, and any delivery whose group could not be stored together)."""
    import datetime as dt

    from zoelife import audit
    from zoelife.db.engine import as_unavailable, read_session, write_session
    from zoelife.ingest import connectors
    from zoelife.ingest.pipeline.facts import facts_of_inputs
    from zoelife.ingest.pipeline.match import receive_batch
    from zoelife.intake import bookings
    from zoelife.intake.assessment import assess_input
    from zoelife.intake.duplicates import preassess_duplicates
    from zoelife.intake.schedule import Schedule

    src = source or DEFAULT_SOURCE
    actor = audit.Actor(None, f"webhook:{src}"[:120], client)
    now = dt.datetime.now(dt.UTC)
    engine = get_engine()
    problems: list[str] = []
    try:
        if any(sub.kind == connectors.LEAD_NOTIFICATION for sub in subs):
            from zoelife.ingest import metagraph

            subs = metagraph.resolve(subs)
        # Mapping and triage happen before the write transaction: on SQLite every writer of
        # the process (page runs included) waits for the one that holds it.
        with read_session(engine) as session:
            schedule = Schedule.load(session)
            explicit = _saved_mapping(session, src)
        claimed = signature is None
        for sub in subs:
            inp = _input_of(sub, src, schedule, explicit, now)
            assessment = assess_input(inp)
            if sub.kind in (connectors.BOOKING, connectors.CANCELLATION):
                with write_session(engine) as session:
                    if not claimed and not claim_signature(session, signature, now):
                        return _replayed()
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
                        return _replayed()
                    claimed = True
                    (out,) = receive_batch(session, [inp], schedule=schedule, actor=actor,
                                           now=now, facts=facts, assessments=[assessment])
            problems += _problems(out)
    except Exception as exc:
        fault = as_unavailable(exc)
        if fault is None:
            raise
        return 503, {"status": "unavailable", "message": str(fault)}
    return _answer(problems)


def _saved_mapping(session, source: str):
    from zoelife.ingest.pipeline.parse import saved_mapping

    return saved_mapping(session, source)


def _input_of(sub, source: str, schedule, explicit, now):
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


def _problems(out) -> list[str]:
    return [r for r in out.reasons if r != out.review_reason] if out.kind == "rejected" else []


def _answer(problems: list[str]) -> tuple[int, dict]:
    if problems:
        # What is wrong with this submission itself, the same whether its id was known or not.
        return 422, {"status": "rejected", "reasons": problems}
    return 202, {"status": "received"}


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
        delivery.answer = _store_alone([delivery.sub], delivery.source, delivery.client,
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
    from zoelife.intake.assessment import assess_inputs
    from zoelife.intake.duplicates import preassess_duplicates
    from zoelife.intake.schedule import Schedule

    actor = audit.Actor(None, f"webhook:{source}"[:120], client)
    now = dt.datetime.now(dt.UTC)
    engine = get_engine()
    try:
        with read_session(engine) as session:
            schedule = Schedule.load(session)
            explicit = _saved_mapping(session, source)
        inputs = [_input_of(d.sub, source, schedule, explicit, now) for d in deliveries]
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
            kept = []
            for n, i in enumerate(run):
                signature = deliveries[i].signature
                if signature is not None and not claim_signature(session, signature, now,
                                                                 prune=n == 0):
                    answers[i] = _replayed()
                else:
                    kept.append(i)
            outcomes = receive_batch(session, [inputs[i] for i in kept], schedule=schedule,
                                     actor=actor, now=now, facts=[facts[i] for i in kept],
                                     assessments=[assessments[i] for i in kept])
            for i, out in zip(kept, outcomes, strict=True):
                answers[i] = _answer(_problems(out))
        # Committed: only now is any of them answered.
        for i, answer in answers.items():
            deliveries[i].answer = answer


def _parse_and_store(ctype: str, body: bytes, source: str | None, client: str | None,
                     signature: str | None) -> tuple[int, dict]:
    """A JSON or form body parsed (BadBody when it cannot be) and stored, in a worker thread."""
    parse = parse_form if ctype == "application/x-www-form-urlencoded" else parse_json
    return store(parse(body), source, client, signature=signature)


def _replayed() -> tuple[int, dict]:
    return 409, {"status": "error",
                 "message": "This signature was already used: sign each delivery with its own "
                            "timestamp."}


async def intake(request: Request) -> JSONResponse:
    source = request.path_params.get("source")
    if source is not None and not _SOURCE_RX.match(source):
        return JSONResponse({"status": "error", "message": "unknown source name"}, 404)
    try:
        body = await read_limited(request, max_bytes())
    except BodyTooLarge:
        log.info("webhook %s: 413", source or "-")
        return JSONResponse({"status": "error",
                             "message": f"body larger than {max_bytes()} bytes"}, 413)
    except BodyTimeout:
        log.info("webhook %s: 408", source or "-")
        return JSONResponse({"status": "error", "message": "the body did not arrive within "
                             f"{READ_SECONDS:g} seconds"}, 408,
                            headers={"Connection": "close"})
    refused = authenticate(request.headers, body, source, path=request.url.path)
    if refused is not None:
        status, message = refused
        log.info("webhook %s: %s", source or "-", status)
        return JSONResponse({"status": "error", "message": message}, status)
    client = request.client.host if request.client else None
    signature = replay_key(request.headers)
    ctype = _content_type(request)
    try:
        if ctype == "multipart/form-data":
            payload = await parse_body(request, body)
            status, answer = await run_in_threadpool(store, payload, source, client,
                                                     signature=signature)
        else:
            # JSON and form bodies: parsed and stored in one trip to the thread pool.
            status, answer = await run_in_threadpool(_parse_and_store, ctype, body, source,
                                                     client, signature)
    except BadBody as exc:
        log.info("webhook %s: 400", source or "-")
        return JSONResponse({"status": "error", "message": str(exc)}, 400)
    except Exception as exc:  # noqa: BLE001 - answer 500 without echoing any patient data
        log.error("webhook %s: failed (%s)", source or "-", type(exc).__name__)
        return JSONResponse({"status": "error", "message": "internal error"}, 500)
    log.info("webhook %s: %s", source or "-", status)
    return JSONResponse(answer, status)


def routes() -> list[Route]:
    return [
        Route("/api/intake", intake, methods=["POST"]),
        Route("/api/intake/{source}", intake, methods=["POST"]),
    ]
