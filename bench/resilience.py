"""Resilience benchmark (issue "resilience"): `make bench-resilience` or
`.venv/bin/python bench/resilience.py`.

Starts the app with `streamlit run` on 127.0.0.1 over a demo clinic, then, while a simulated
front-desk tab refreshes the queue (a real Streamlit websocket session: tests/scale/stclient.py)
and a sender posts signed webhook deliveries, runs each attack of the review one after another,
bounded in time. Per attack it reports: the server survived (process alive, health check
answers), the staff refresh median and p99 during the attack against the baseline of the same
run, webhook deliveries acknowledged and stored, and the server's memory (RSS) before and after.
Targets: the server survives every attack, nothing acknowledged is lost, staff refresh p99 < 1 s
and within 3x of the baseline, memory back within 50 MB of its level before the attack.

    bench/resilience.py                  run, print the table, write it into bench/results.md
    bench/resilience.py --app-root DIR   serve another checkout's app (the "before" figures)
    bench/resilience.py --no-write       print only
Loopback only; ports 8650-8659.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import re
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)

import httpx  # noqa: E402

from tests.scale import liveserver  # noqa: E402
from tests.scale.liveserver import WEBHOOK_SECRET, LiveServer  # noqa: E402
from tests.scale.stclient import StreamlitTab, clicked, uploaded_state  # noqa: E402
from tests.scale.traffic import WebhookClient  # noqa: E402

RESULTS = ROOT / "bench" / "results.md"
PORT = 8650
BEGIN, END = "<!-- resilience -->", "<!-- /resilience -->"
SETTLE_SECONDS = 3.0
BASELINE_SECONDS = 15.0
PASSWORD = "correct horse battery staple"


# --------------------------------------------------------------------------- background traffic


@dataclass
class Window:
    """What the background traffic saw between start() and stop()."""

    refreshes: list[float] = field(default_factory=list)
    refresh_errors: int = 0
    posted: int = 0
    acknowledged: int = 0
    webhook_errors: int = 0


class Traffic:
    """A front-desk tab refreshing the queue every REFRESH_PAUSE seconds, and a sender posting a
    signed delivery every POST_PAUSE seconds, each in its own thread."""

    REFRESH_PAUSE = 0.5
    POST_PAUSE = 0.25

    def __init__(self, base: str, desk_cookie: str) -> None:
        self.base = base
        self.desk_cookie = desk_cookie
        self.webhook = WebhookClient(base)
        self.window = Window()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._n = 0

    def start(self) -> None:
        self.window = Window()
        self._stop.clear()
        self._threads = [threading.Thread(target=self._refresh, daemon=True),
                         threading.Thread(target=self._post, daemon=True)]
        for t in self._threads:
            t.start()

    def stop(self) -> Window:
        self._stop.set()
        for t in self._threads:
            t.join(90)
        return self.window

    def _refresh(self) -> None:
        tab = None
        while not self._stop.is_set():
            try:
                if tab is None:
                    tab = StreamlitTab(self.base, session_cookie=self.desk_cookie, timeout=30)
                run = tab.run("queue")
                # A refresh that never finished counts with the time waited (the tab's timeout)
                # as well as a failure: a frozen server must show in the latency.
                self.window.refreshes.append(run.seconds)
                if not (run.finished and run.shows("Signed in as")):
                    self.window.refresh_errors += 1
                    tab.close()
                    tab = None
            except Exception:  # noqa: BLE001 - a dead server: counted, retried
                self.window.refresh_errors += 1
                if tab is not None:
                    tab.close()
                tab = None
                self._stop.wait(1.0)
            self._stop.wait(self.REFRESH_PAUSE)
        if tab is not None:
            tab.close()

    def _post(self) -> None:
        with httpx.Client(timeout=30) as client:
            while not self._stop.is_set():
                self._n += 1
                self.window.posted += 1
                try:
                    response = self.webhook.post(client, f"res-{self._n}", self._n)
                    if response.status_code in (200, 201, 202):
                        self.window.acknowledged += 1
                    else:
                        self.window.webhook_errors += 1
                except httpx.HTTPError:
                    self.window.webhook_errors += 1
                self._stop.wait(self.POST_PAUSE)


# --------------------------------------------------------------------------- the attacks


def signed(body: bytes, ctype: str) -> dict[str, str]:
    from zoelife.ingest.webhook.auth import sign

    return {"Content-Type": ctype, "X-Zoelife-Signature": sign(body, WEBHOOK_SECRET)}


def entity_chain(n: int = 40_000) -> bytes:
    ents = ['<!ENTITY e0 "x">'] + [f'<!ENTITY e{i} "&e{i - 1};">' for i in range(1, n)]
    return ('<?xml version="1.0"?>\n<!DOCTYPE rss [<!-- <x -->' + "\n".join(ents) + "]>\n"
            '<rss version="2.0"><channel><title>t</title><item>'
            f"<title>&e{n - 1};</title><link>https://example.org/a</link>"
            "</item></channel></rss>\n").encode()


def upload_and_click(base: str, cookie: str, page: str, uploader: str, button: str,
                     name: str, data: bytes) -> str:
    with StreamlitTab(base, session_cookie=cookie, timeout=120) as tab:
        first = tab.run(page)
        if uploader not in first.widgets:
            return "no uploader"
        status, file_id = tab.upload(name, data)
        if status != 204:
            return f"upload {status}"
        state = uploaded_state(first.widgets[uploader][1], file_id, name, len(data))
        second = tab.run(page, widgets=[state])
        if button not in second.widgets:
            return "shown"
        third = tab.run(page, widgets=[state, clicked(second.widgets[button][1])])
        return (third.alerts or ["done"])[-1][:80]


def attack_feed(ctx) -> str:
    outcomes = [upload_and_click(ctx.base, ctx.cookies["manager"], "content",
                                 "RSS/Atom feed or CSV (title,url,published_at,channel,topics)",
                                 "Import file", "feed.xml", entity_chain()) for _ in range(2)]
    return outcomes[-1]


def attack_csv_sniffer(ctx) -> str:
    data = b"Name,Email,Message\n" + b',"' * (32 * 1024)
    return [upload_and_click(ctx.base, ctx.cookies["front_desk"], "import", "Export file",
                             "Import", "attack.csv", data) for _ in range(2)][-1]


def attack_long_messages(ctx) -> str:
    filler = "We are looking for help with depression and would like to hear about TMS. "
    message = (filler * 3400)[:250_000 - 40] + " I want to kill myself tonight."
    codes: list[int] = []

    def deliver(i: int) -> None:
        body = json.dumps({"Entry Id": f"long-{ctx.round}-{i}", "Email": f"long{i}@example.org",
                           "Message": message}).encode()
        try:
            codes.append(httpx.post(f"{ctx.base}/api/intake/long-form", content=body,
                                    headers=signed(body, "application/json"),
                                    timeout=60).status_code)
        except httpx.HTTPError:
            codes.append(0)

    for _ in range(2):
        ctx.round += 1
        threads = [threading.Thread(target=deliver, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return "statuses " + ",".join(str(c) for c in sorted(set(codes)))


def attack_anonymous_uploads(ctx) -> str:
    codes = []
    with StreamlitTab(ctx.base, timeout=60) as tab:
        tab.run()
        for i in range(6):
            try:
                codes.append(str(tab.upload(f"big{i}.bin", b"\0" * (40 * 1024 * 1024))[0]))
            except httpx.HTTPError:
                # The server answered (403) and closed before taking the body.
                codes.append("closed")
    return "uploads " + ",".join(codes)


def attack_clear_cache(ctx) -> str:
    with StreamlitTab(ctx.base, timeout=60) as tab:
        tab.run()
        for _ in range(53):
            tab.clear_cache()
            time.sleep(0.05)
        tab.run()
    return "53 clear_cache sent"


def attack_anonymous_sockets(ctx) -> str:
    stop = time.monotonic() + 15
    counts = {"runs": 0, "refused": 0}
    lock = threading.Lock()

    def hammer() -> None:
        try:
            with StreamlitTab(ctx.base, timeout=30) as tab:
                while time.monotonic() < stop:
                    run = tab.run()
                    with lock:
                        counts["runs"] += 1
                        counts["refused"] += run.shows("Too many page loads")
        except Exception:  # noqa: BLE001 - the server closing sockets is an outcome too
            pass

    threads = [threading.Thread(target=hammer) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return f"{counts['runs']} runs, {counts['refused']} refused"


def attack_form_keys(ctx) -> str:
    body = urlencode([("x", "")] * 87_000).encode()
    codes = []
    for _ in range(4):
        try:
            codes.append(httpx.post(f"{ctx.base}/api/intake", content=body,
                                    headers=signed(body, "application/x-www-form-urlencoded"),
                                    timeout=60).status_code)
        except httpx.HTTPError:
            codes.append(0)
    return "statuses " + ",".join(str(c) for c in sorted(set(codes)))


def attack_slow_bodies(ctx) -> str:
    socks = []
    for _ in range(20):
        s = socket.create_connection(("127.0.0.1", ctx.port), timeout=20)
        s.sendall(b"POST /api/intake HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                  b"application/json\r\nContent-Length: 100000\r\n\r\n{")
        socks.append(s)
    started = time.monotonic()
    answered = 0
    for s in socks:
        try:
            s.settimeout(max(0.1, 15 - (time.monotonic() - started)))
            if s.recv(64).startswith(b"HTTP/1.1 408"):
                answered += 1
        except OSError:
            pass
        finally:
            s.close()
    return f"{answered}/20 answered 408 within 15 s"


def attack_trends_from_year_one(ctx) -> str:
    with StreamlitTab(ctx.base, session_cookie=ctx.cookies["manager"], timeout=180) as tab:
        first = tab.run("trends")
        if "Period (clinic time zone)" not in first.widgets:
            return "no period picker"
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        period = WidgetState(id=first.widgets["Period (clinic time zone)"][1])
        period.string_array_value.data.extend([ctx.first_day.isoformat(), ctx.today.isoformat()])
        grain = WidgetState(id=first.widgets["Group by"][1], string_value="Day")
        run = tab.run("trends", widgets=[period, grain])
    notes = [a for a in run.alerts if "months" in a or "Grouped" in a]
    return (notes[0][:60] + "...") if notes else ("finished" if run.finished else "no answer")


def attack_wide_csv(ctx) -> str:
    headers = ["Entry Id", "Email", "Message"] + [f"Q{i}" for i in range(3, 20_000)]
    row = ["wide-1", "wide@example.org", "hello"] + ["a"] * (20_000 - 3)
    data = (",".join(headers) + "\n" + ",".join(row) + "\n").encode()
    with StreamlitTab(ctx.base, session_cookie=ctx.cookies["front_desk"], timeout=180) as tab:
        first = tab.run("import")
        status, file_id = tab.upload("wide.csv", data)
        state = uploaded_state(first.widgets["Export file"][1], file_id, "wide.csv", len(data))
        run = tab.run("import", widgets=[state])
    return f"{len(run.widgets)} widgets drawn"


ATTACKS: list[tuple[str, str, Callable]] = [
    ("1", "RSS file with 40,000 chained entities, uploaded by a manager (x2)", attack_feed),
    ("2", "64 KiB ',\"' CSV uploaded on Import requests (x2)", attack_csv_sniffer),
    ("3", "4 concurrent webhook deliveries with 250 KB messages (x2)", attack_long_messages),
    ("4a", "anonymous session uploads 6 x 40 MB", attack_anonymous_uploads),
    ("4b", "anonymous clear_cache x53", attack_clear_cache),
    ("4c", "12 anonymous sockets re-running the sign-in page, 15 s", attack_anonymous_sockets),
    ("5", "signed form body with 87,000 repeated keys (x4)", attack_form_keys),
    ("6", "20 webhook bodies trickled (1 byte of 100 kB), held 15 s", attack_slow_bodies),
    ("7", "trends from the first day (0001-01-02) by day", attack_trends_from_year_one),
    ("8", "20,000-column CSV on Import requests", attack_wide_csv),
]


# --------------------------------------------------------------------------- the run


@dataclass
class Result:
    key: str
    attack: str
    survived: bool
    outcome: str
    median: float
    p99: float
    base_median: float
    base_p99: float
    refreshes: int
    refresh_errors: int
    posted: int
    acknowledged: int
    stored: int
    rss_before: float
    rss_after: float

    @property
    def ratio(self) -> float:
        return self.p99 / self.base_p99 if self.base_p99 else float("nan")

    @property
    def met(self) -> bool:
        return (self.survived and self.refreshes > 0 and self.p99 < 1.0 and self.ratio <= 3.0
                and self.rss_after - self.rss_before <= 50 and self.stored == self.acknowledged)


def p99(values: list[float]) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


class Context:
    def __init__(self, server: LiveServer, cookies: dict[str, str], first_day: dt.date,
                 today: dt.date) -> None:
        self.server = server
        self.cookies = cookies
        self.first_day = first_day
        self.today = today
        self.round = 0

    @property
    def base(self) -> str:
        return self.server.base

    @property
    def port(self) -> int:
        return self.server.port


def prepare_database(folder: Path, requests: int) -> tuple[str, dict[str, str], dt.date,
                                                          dt.date]:
    """A demo clinic, an administrator, a front-desk user and a manager (cookie tokens), and
    one request dated 0001-01-02 (the chart attack's period starts there)."""
    from zoelife import audit, demo, settings
    from zoelife.db import migrate
    from zoelife.db.engine import make_engine, write_session
    from zoelife.intake.inputs import RequestInput
    from zoelife.intake.schedule import Schedule
    from zoelife.intake.service import receive
    from zoelife.security import accounts, sessions

    url = f"sqlite:///{folder / 'zoelife.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    demo.load_demo(engine, requests=requests, seed=7)
    cookies = {}
    with write_session(engine) as s:
        if not accounts.has_admin(s):
            accounts.create_user(s, "bench.admin", PASSWORD, {"admin"}, display_name="Admin",
                                 actor=audit.SYSTEM)
        for name, role in (("bench.desk", "front_desk"), ("bench.mgr", "manager")):
            user = accounts.create_user(s, name, PASSWORD, {role}, display_name=name,
                                        actor=audit.SYSTEM)
            cookies[role] = sessions.start(s, user)
    ancient = dt.datetime(1, 1, 2, 12, tzinfo=dt.UTC)
    with write_session(engine) as s:
        receive(s, RequestInput(source="bench", external_id="ancient", received_at=ancient,
                                first_name="Old", last_name="Record",
                                email="old.record@example.org", message="Please call."),
                schedule=Schedule.load(s), now=ancient)
    with write_session(engine) as s:
        today = dt.datetime.now(dt.UTC).astimezone(settings.clinic_zone(s)).date()
    engine.dispose()
    return url, cookies, ancient.date(), today


def stored(db_url: str, ids: list[str]) -> int:
    from sqlalchemy import select

    from zoelife.db.engine import make_engine, read_session
    from zoelife.db.models import IntakeKey

    engine = make_engine(db_url)
    try:
        with read_session(engine) as s:
            keys = set(s.execute(select(IntakeKey.external_id).where(
                IntakeKey.source == "website-contact-form")).scalars())
    finally:
        engine.dispose()
    return sum(1 for i in ids if i in keys)


def alive(server: LiveServer) -> bool:
    if server.proc is None or server.proc.poll() is not None:
        return False
    try:
        return httpx.get(f"{server.base}/_stcore/health", timeout=10).status_code == 200
    except httpx.HTTPError:
        return False


def run(app_root: Path, requests: int) -> tuple[list[Result], dict]:
    folder = Path(tempfile.mkdtemp(prefix="zoelife-resilience-"))
    print("preparing the demo clinic...", flush=True)
    db_url, cookies, first_day, today = prepare_database(folder, requests)
    liveserver.ROOT = app_root  # serve that checkout's streamlit_app.py (the "before" run)
    server = LiveServer(db_url, port=PORT, log_path=folder / "server.log",
                        env={"PYTHONPATH": str(app_root)})
    server.start(timeout=120)
    ctx = Context(server, cookies, first_day, today)
    traffic = Traffic(server.base, cookies["front_desk"])
    results: list[Result] = []
    info = {"requests": requests, "app_root": str(app_root),
            "load": f"load average {os.getloadavg()[0]:.1f} at start"}
    try:
        # Warm up: the first run of each page imports its modules (Altair, the importer...),
        # which would otherwise count as the first attack's memory. Then the baseline.
        for role, pages in (("front_desk", ("queue", "queue", "import", "queue")),
                            ("manager", ("trends", "content", "speed"))):
            with StreamlitTab(server.base, session_cookie=cookies[role], timeout=120) as tab:
                for page in pages:
                    tab.run(page)
        traffic.start()
        time.sleep(BASELINE_SECONDS)
        base = traffic.stop()
        base_median, base_p99 = median(base.refreshes), p99(base.refreshes)
        info["baseline"] = (f"{len(base.refreshes)} refreshes, median {base_median:.3f} s, "
                            f"p99 {base_p99:.3f} s")
        print("baseline: " + info["baseline"], flush=True)
        for key, name, attack in ATTACKS:
            if not alive(server):
                print("  restarting the server", flush=True)
                server.stop()
                server.start(timeout=120)
            gc.collect()
            rss_before = server.rss_mb()
            acknowledged_before = len(traffic.webhook.acknowledged)
            traffic.start()
            time.sleep(1.0)
            try:
                outcome = attack(ctx)
            except Exception as exc:  # noqa: BLE001 - an attack that breaks the server
                outcome = f"{type(exc).__name__}: {str(exc)[:60]}"
            time.sleep(SETTLE_SECONDS)
            window = traffic.stop()
            survived = alive(server)
            rss_after = server.rss_mb() if survived else float("nan")
            new_ids = traffic.webhook.acknowledged[acknowledged_before:]
            kept = stored(db_url, new_ids)
            result = Result(key, name, survived, outcome, median(window.refreshes),
                            p99(window.refreshes), base_median, base_p99,
                            len(window.refreshes), window.refresh_errors, window.posted,
                            len(new_ids), kept, rss_before, rss_after)
            results.append(result)
            print(f"  {key} {name}: survived={survived} staff median {result.median:.3f} s "
                  f"p99 {result.p99:.3f} s; webhook {kept} stored of {len(new_ids)} "
                  f"acknowledged, {window.posted} posted; "
                  f"RSS {rss_before:.0f} -> {rss_after:.0f} MB; {outcome}", flush=True)
    finally:
        traffic.stop()
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
        info["load"] += f", {os.getloadavg()[0]:.1f} at the end"
    return results, info


def table(results: list[Result]) -> str:
    lines = ["| # | attack | server survived | what the attacker got | staff refresh median / p99 "
             "(baseline) | p99 vs baseline | webhook stored / acknowledged / posted | RSS before -> after "
             "(MB) | targets met |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        after = f"{r.rss_after:.0f}" if r.rss_after == r.rss_after else "-"
        lines.append(
            f"| {r.key} | {r.attack} | {'yes' if r.survived else 'NO'} | {r.outcome} | "
            f"{r.median:.2f} / {r.p99:.2f} s ({r.base_median:.2f} / {r.base_p99:.2f}); "
            f"{r.refreshes} refreshes{f', {r.refresh_errors} failed' if r.refresh_errors else ''}"
            f" | {r.ratio:.1f}x | {r.stored} / {r.acknowledged} / {r.posted} | {r.rss_before:.0f} -> "
            f"{after} | {'yes' if r.met else 'NO'} |")
    return "\n".join(lines)


def write(results: list[Result], info: dict, label: str) -> None:
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    section = (f"### {label}\n\n`{info['command']}` ({when}; demo clinic of {info['requests']:,} "
               f"requests; baseline {info['baseline']}; machine {info['load']} on "
               f"{os.cpu_count()} cores)\n\n{table(results)}\n")
    existing = RESULTS.read_text() if RESULTS.exists() else ""
    if BEGIN in existing:
        head, rest = existing.split(BEGIN, 1)
        body, tail = rest.split(END, 1) if END in rest else (rest, "")
    else:
        head, body, tail = existing.rstrip() + "\n\n", "", "\n"
    # Sections start with "### title"; the text before the first is the intro, rewritten here.
    # Other runs' sections (another label) and hand-written ones are kept, after this run's.
    kept = [part for part in re.split(r"(?m)^### ", body)[1:]
            if part.split("\n", 1)[0].strip() and not part.startswith(label)]
    intro = ("## Resilience\n\nEach attack of the review against a live server while a "
             "front-desk tab refreshes the queue and a sender posts signed webhook deliveries "
             "(`bench/resilience.py`). Targets: the server survives, nothing acknowledged is "
             "lost, staff refresh p99 < 1 s and within 3x of the baseline, RSS back within "
             "50 MB.\n")
    body = "\n".join([intro, section, *["### " + k.rstrip() + "\n" for k in kept]])
    RESULTS.write_text(head + BEGIN + "\n" + body + END + tail)
    print(f"wrote {RESULTS.relative_to(ROOT)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--app-root", type=Path, default=ROOT,
                        help="serve the app of this checkout (default: this one)")
    parser.add_argument("--requests", type=int, default=2000,
                        help="demo requests in the clinic (default 2000)")
    parser.add_argument("--label", default=None,
                        help="the results section's title (default: after / before)")
    parser.add_argument("--no-write", action="store_true", help="do not write bench/results.md")
    args = parser.parse_args(argv)
    os.environ.setdefault("ZOELIFE_ONCALL_CHECK_SECONDS", "0")
    started = time.monotonic()
    results, info = run(args.app_root.resolve(), args.requests)
    info["command"] = ".venv/bin/python bench/resilience.py" + (
        f" --app-root {args.app_root}" if args.app_root.resolve() != ROOT else "")
    print()
    print(table(results))
    print(f"\n{time.monotonic() - started:.0f} s")
    label = args.label or ("After (this branch)" if args.app_root.resolve() == ROOT
                           else "Before (the code as reviewed)")
    if not args.no_write:
        write(results, info, label)
    return 0 if all(r.met for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
