"""Traffic for the load test and the benchmark: webhook clients over real HTTP, and simulated
front-desk and manager sessions that call the same zoelife functions the pages call.

The simulated sessions run in threads of the test process with their own engine (a second
process on the same database, as a second app server would be): they read the queue, open a
request, log contact attempts and move statuses through `write_session`, exactly as
pages/queue.py and pages/request.py do, but without a browser.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import random
import statistics
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import httpx
from sqlalchemy import func, select

from tests.clock import live_server_now
from tests.scale.liveserver import WEBHOOK_SECRET, WEBHOOK_TOKEN, LiveServer
from zoelife import audit
from zoelife.db.engine import DatabaseUnavailable, make_engine, read_session, write_session
from zoelife.db.models import ContactAttempt, IntakeKey, Request, StatusChange
from zoelife.intake import lifecycle
from zoelife.intake import queue as intake_queue
from zoelife.security import accounts

WEBHOOK_PATH = "/api/intake"
WEBHOOK_SOURCE = "website-contact-form"

MESSAGES = (
    "Interested in TMS for depression, what insurance do you take?",
    "I would like to learn more about Spravato for my mother.",
    "Can I book a medication management visit? Afternoons are best.",
    "Ketamine therapy questions, please call me back.",
)


def submission(external_id: str, i: int) -> dict:
    """One web-form submission as the website's form tool posts it (JSON)."""
    rng = random.Random(external_id)
    return {
        "external_id": external_id,
        "received_at": live_server_now().isoformat(),
        "first_name": rng.choice(["Ana", "Ben", "Chloé", "Dev", "Eli", "Fay"]),
        "last_name": f"Load{i}",
        "email": f"load.{external_id.replace(':', '.')}@example.com",
        "phone": f"(305) 555-{i % 10000:04d}",
        "treatments": [rng.choice(["Spravato", "TMS", "Ketamine", "Therapy"])],
        "message": rng.choice(MESSAGES),
    }


@dataclass
class SustainedResult:
    ok: int
    errors: int
    elapsed: float
    latencies: list[float]
    accepted_ids: list[str]
    error_kinds: Counter = field(default_factory=Counter)

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) if self.latencies else float("nan")

    @property
    def p99(self) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


class WebhookClient:
    """Posts signed submissions to a server's webhook and remembers what it acknowledged."""

    def __init__(self, base: str, *, source: str = WEBHOOK_SOURCE, sign: bool = True) -> None:
        self.base = base
        self.source = source
        self.sign = sign
        self.acknowledged: list[str] = []
        self.bodies: dict[str, bytes] = {}
        self._stamps: dict[bytes, int] = {}
        self._lock = threading.Lock()

    def headers(self, body: bytes) -> dict[str, str]:
        headers = {"Content-Type": "application/json"}
        if self.sign:
            # Signed afresh for every attempt (time, path and body): a retry is a new signature,
            # as a sender must do (the same signature twice is refused).
            stamp = int(live_server_now().timestamp())
            with self._lock:  # a retry within the same second still gets its own signature
                stamp = max(stamp, self._stamps.get(body, 0) + 1)
                self._stamps[body] = stamp
            message = f"{stamp}.{WEBHOOK_PATH}/{self.source}.".encode() + body
            digest = hmac.new(WEBHOOK_SECRET.encode(), message, hashlib.sha256).hexdigest()
            headers["X-Zoelife-Timestamp"] = str(stamp)
            headers["X-Zoelife-Signature"] = f"sha256={digest}"
        else:
            headers["X-Zoelife-Token"] = WEBHOOK_TOKEN
        return headers

    def url(self) -> str:
        return f"{self.base}{WEBHOOK_PATH}/{self.source}"

    def body(self, external_id: str, i: int) -> bytes:
        """The delivery's body; a retry of the same delivery sends the same bytes."""
        with self._lock:
            body = self.bodies.get(external_id)
            if body is None:
                body = json.dumps(submission(external_id, i)).encode()
                self.bodies[external_id] = body
            return body

    def post(self, client: httpx.Client, external_id: str, i: int = 0) -> httpx.Response:
        body = self.body(external_id, i)
        response = client.post(self.url(), content=body, headers=self.headers(body))
        if response.status_code in (200, 201, 202):
            with self._lock:
                self.acknowledged.append(external_id)
        return response

    def post_many(self, n: int, prefix: str) -> list[int]:
        with httpx.Client(timeout=30) as client:
            return [self.post(client, f"{prefix}-{i}", i).status_code for i in range(n)]

    def sustained(self, seconds: float, clients: int, prefix: str,
                  stop: threading.Event | None = None) -> SustainedResult:
        """`clients` threads posting back to back for `seconds` (or until `stop` is set)."""
        latencies: list[float] = []
        ids: list[str] = []
        errors = Counter()
        lock = threading.Lock()
        deadline = time.monotonic() + seconds
        stop = stop or threading.Event()

        def worker(w: int) -> None:
            i = 0
            with httpx.Client(timeout=60) as client:
                while time.monotonic() < deadline and not stop.is_set():
                    ext = f"{prefix}-{w}-{i}"
                    start = time.perf_counter()
                    try:
                        response = self.post(client, ext, w * 100_000 + i)
                        code = response.status_code
                    except httpx.HTTPError as exc:
                        code = type(exc).__name__
                    took = time.perf_counter() - start
                    with lock:
                        if code in (200, 201, 202):
                            latencies.append(took)
                            ids.append(ext)
                        else:
                            errors[str(code)] += 1
                    i += 1

        started = time.monotonic()
        threads = [threading.Thread(target=worker, args=(w,)) for w in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        return SustainedResult(len(ids), sum(errors.values()), elapsed, latencies, ids, errors)

    def count_stored(self, db_url: str, prefix: str) -> int:
        engine = make_engine(db_url)
        try:
            with read_session(engine) as s:
                return s.execute(
                    select(func.count()).select_from(IntakeKey).where(
                        IntakeKey.source == self.source,
                        IntakeKey.external_id.like(f"{prefix}-%"))
                ).scalar_one()
        finally:
            engine.dispose()


# --------------------------------------------------------------------------- staff sessions


@dataclass
class SessionStats:
    reads: int = 0
    attempts: int = 0
    moves: int = 0
    stale: int = 0  # refused as stale: the expected answer when two people edit one request
    refused: int = 0  # moves the rules refuse (closed meanwhile): shown to the user as such
    errors: list[str] = field(default_factory=list)
    slowest_read: float = 0.0
    slowest_write: float = 0.0


def ensure_staff(db_url: str, desk: int, managers: int) -> tuple[list[audit.Actor],
                                                                 list[audit.Actor]]:
    engine = make_engine(db_url)
    desk_actors, mgr_actors = [], []
    try:
        with write_session(engine) as s:
            if not accounts.has_admin(s):
                # Without an administrator the app shows its first-run screen, not sign-in.
                accounts.create_user(s, "load_admin", "correct horse battery staple", {"admin"},
                                     display_name="Load Admin", actor=audit.SYSTEM)
            for role, n, out in (("front_desk", desk, desk_actors),
                                 ("manager", managers, mgr_actors)):
                for i in range(n):
                    name = f"load_{role}_{i}"
                    user = accounts.find_by_username(s, name)
                    if user is None:
                        user = accounts.create_user(s, name, "correct horse battery staple",
                                                    {role}, display_name=name,
                                                    actor=audit.SYSTEM)
                    out.append(audit.Actor(user.id, name, "127.0.0.1"))
    finally:
        engine.dispose()
    return desk_actors, mgr_actors


def front_desk_session(engine, actor: audit.Actor, stop: threading.Event, stats: SessionStats,
                       seed: int, pause: float = 0.05) -> None:
    """Work the queue like a front-desk person: open the top requests, log calls, move them."""
    rng = random.Random(seed)
    while not stop.is_set():
        try:
            started = time.perf_counter()
            with read_session(engine) as s:
                rows, _total = intake_queue.queue_page(
                    s, intake_queue.QueueFilters(), live_server_now(), page=1,
                    page_size=25, user_id=actor.user_id)
            if not rows:
                stop.wait(pause)
                continue
            pick = rng.choice(rows[:10])
            with read_session(engine) as s:
                detail = intake_queue.request_detail(s, pick.id)
            stats.reads += 1
            stats.slowest_read = max(stats.slowest_read, time.perf_counter() - started)
            if detail is None:
                continue
            seen = detail.request.version
            started = time.perf_counter()
            choice = rng.random()
            try:
                if choice < 0.6:
                    with write_session(engine) as s:
                        lifecycle.log_attempt(s, pick.id, actor=actor, method="call",
                                              outcome=rng.choice(["no_answer", "left_voicemail",
                                                                  "reached"]))
                    stats.attempts += 1
                else:
                    status = detail.request.status
                    target = "closed" if status != "closed" else None
                    if target:
                        with write_session(engine) as s:
                            lifecycle.change_status(s, pick.id, actor=actor, seen_version=seen,
                                                    to_status="closed",
                                                    close_reason=rng.choice(
                                                        ["declined", "unreachable", "spam"]))
                        stats.moves += 1
            except lifecycle.StaleEdit:
                stats.stale += 1
            except lifecycle.MoveNotAllowed:
                stats.refused += 1
            stats.slowest_write = max(stats.slowest_write, time.perf_counter() - started)
        except DatabaseUnavailable as exc:
            # What a user would see: the check is that this never happens under load.
            stats.errors.append(f"{exc.reason}: {exc}")
        except Exception as exc:  # noqa: BLE001 - every failure is a finding, not a crash
            stats.errors.append(f"{type(exc).__name__}: {exc}"[:300])
        stop.wait(pause)


def manager_session(engine, stop: threading.Event, stats: SessionStats, pause: float = 0.2,
                    reader=None) -> None:
    """Read the insight aggregates over and over, as the trends/impact pages do."""
    reader = reader or _default_manager_reads
    while not stop.is_set():
        try:
            started = time.perf_counter()
            with read_session(engine) as s:
                reader(s)
            stats.reads += 1
            stats.slowest_read = max(stats.slowest_read, time.perf_counter() - started)
        except Exception as exc:  # noqa: BLE001
            stats.errors.append(f"{type(exc).__name__}: {exc}"[:300])
        stop.wait(pause)


def _default_manager_reads(session) -> None:
    try:
        from zoelife.insights import trends  # the insights package's own aggregate
    except ImportError:
        trends = None
    if trends is not None and hasattr(trends, "load_manager_reads"):
        trends.load_manager_reads(session)
        return
    # Volume by week and channel over the last two years, in SQL (what the trends page reads).
    since = live_server_now().date() - dt.timedelta(days=730)
    session.execute(
        select(Request.received_local_date, Request.channel, func.count())
        .where(Request.received_local_date >= since)
        .group_by(Request.received_local_date, Request.channel)
    ).all()
    session.execute(
        select(Request.status, func.count()).group_by(Request.status)
    ).all()


# --------------------------------------------------------------------------- the whole load


@dataclass
class LoadResult:
    seconds: float
    desk: list[SessionStats]
    managers: list[SessionStats]
    webhook: SustainedResult
    requests_before: int
    requests_after: int
    attempts_logged: int
    attempts_stored: int
    moves_made: int
    moves_stored: int
    webhook_stored: int
    duplicate_keys: int
    audit_ok: bool
    audit_checked: int
    locked_seen: int
    server_errors: list[str]
    webhook_requests: int = 0  # of the webhook's, how many became new requests
    browser: str = ""

    @property
    def errors(self) -> list[str]:
        out = [e for s in self.desk + self.managers for e in s.errors]
        out += [f"webhook {k} x{n}" for k, n in self.webhook.error_kinds.items()]
        return out + self.server_errors

    @property
    def clean(self) -> bool:
        return (not self.errors and self.locked_seen == 0 and self.audit_ok
                and self.requests_after - self.requests_before == self.webhook_requests
                and self.webhook_stored == self.webhook.ok
                and self.attempts_stored == self.attempts_logged
                and self.moves_stored == self.moves_made and self.duplicate_keys == 0)

    def summary(self) -> str:
        reads = sum(s.reads for s in self.desk + self.managers)
        return (f"{reads:,} page reads, {self.attempts_logged:,} attempts, "
                f"{self.moves_made:,} moves, {sum(s.stale for s in self.desk)} stale refusals, "
                f"{self.webhook.ok:,} webhook posts ({self.webhook.ok / self.seconds:.0f}/s, "
                f"p99 {self.webhook.p99 * 1000:.0f} ms); slowest desk read "
                f"{max(s.slowest_read for s in self.desk) * 1000:.0f} ms, write "
                f"{max(s.slowest_write for s in self.desk) * 1000:.0f} ms; "
                f"{len(self.errors)} errors, audit chain "
                f"{'intact' if self.audit_ok else 'BROKEN'} ({self.audit_checked:,} events)"
                + (f"; {self.browser}" if self.browser else ""))


def _counts(engine) -> tuple[int, int, int]:
    with read_session(engine) as s:
        return (
            s.execute(select(func.count()).select_from(Request)).scalar_one(),
            s.execute(select(func.count()).select_from(ContactAttempt)).scalar_one(),
            s.execute(select(func.count()).select_from(StatusChange)
                      .where(StatusChange.to_status == "closed")).scalar_one(),
        )


def run_load(db_url: str, *, seconds: float = 60, desk_sessions: int = 10,
             manager_sessions: int = 2, webhook_clients: int = 2,
             server: LiveServer | None = None, browser_sessions: int = 0) -> LoadResult:
    """Front desk and managers at work while the webhook receives submissions; then the checks."""
    from zoelife.audit import verify

    desk_actors, _ = ensure_staff(db_url, desk_sessions, manager_sessions)
    engine = make_engine(db_url)
    own_server = server is None
    server = server or LiveServer(db_url).start()
    try:
        before = _counts(engine)
        client = WebhookClient(server.base)
        stop = threading.Event()
        desk = [SessionStats() for _ in desk_actors]
        managers = [SessionStats() for _ in range(manager_sessions)]
        threads = [threading.Thread(target=front_desk_session,
                                    args=(engine, a, stop, st, i), daemon=True)
                   for i, (a, st) in enumerate(zip(desk_actors, desk, strict=True))]
        threads += [threading.Thread(target=manager_session, args=(engine, stop, st),
                                     daemon=True) for st in managers]
        browser_outcome: list[str] = []
        browser_errors: list[str] = []
        if browser_sessions:
            from tests.scale.browser import browse_sessions

            users = [a.label for a in desk_actors[:browser_sessions]]

            def browse() -> None:
                try:
                    browser_outcome.append(browse_sessions(
                        server.base, db_url, paths=("/queue",), stop=stop, users=users))
                except Exception as exc:  # noqa: BLE001 - reported as a load error
                    browser_errors.append(f"browser: {type(exc).__name__}: {exc}"[:300])

            threads.append(threading.Thread(target=browse, daemon=True))
        for t in threads:
            t.start()
        result_box: list[SustainedResult] = []
        prefix = f"load{uuid.uuid4().hex[:12]}"
        hook = threading.Thread(target=lambda: result_box.append(
            client.sustained(seconds, webhook_clients, prefix=prefix)))
        hook.start()
        hook.join(seconds + 120)
        stop.set()
        for t in threads:
            t.join(120)
        webhook = result_box[0]
        after = _counts(engine)
        with read_session(engine) as s:
            stored_ids = set(s.execute(select(IntakeKey.external_id).where(
                IntakeKey.source == client.source,
                IntakeKey.external_id.like(f"{prefix}-%"))).scalars())
            stored = len(set(webhook.accepted_ids) & stored_ids)
            hook_requests = s.execute(select(func.count()).select_from(Request).where(
                Request.source == client.source,
                Request.external_id.like(f"{prefix}-%"))).scalar_one()
            dup = s.execute(select(func.count()).select_from(
                select(Request.source, Request.external_id).group_by(
                    Request.source, Request.external_id).having(func.count() > 1).subquery()
            )).scalar_one()
            chain = verify(s)
        log = server.log_tail(200_000)
        locked = log.lower().count("database is locked")
        server_errors = [line for line in log.splitlines()
                         if "Traceback" in line or " ERROR " in line][:10]
        return LoadResult(
            seconds=webhook.elapsed, desk=desk, managers=managers, webhook=webhook,
            requests_before=before[0], requests_after=after[0],
            attempts_logged=sum(s.attempts for s in desk), attempts_stored=after[1] - before[1],
            moves_made=sum(s.moves for s in desk), moves_stored=after[2] - before[2],
            webhook_stored=stored, duplicate_keys=dup, audit_ok=chain.ok,
            audit_checked=chain.checked, locked_seen=locked,
            server_errors=server_errors + browser_errors, webhook_requests=hook_requests,
            browser="; ".join(browser_outcome),
        )
    finally:
        if own_server:
            server.stop()
        engine.dispose()
