"""Inbound texts through `/api/twilio/sms` of a real `streamlit run` server: sustained rate
and latency with concurrent senders, every delivery signed as Twilio signs it; the REST side
(automatic replies outside business hours) goes to the tests' mock Twilio.

    .venv/bin/python bench/sms_webhook.py [--seconds 30] [--clients 8] [--requests 1000]

A fresh SQLite database holding the demo clinic (`--requests` requests) is served; half the
texts come from new numbers (a new request each, through the intake), half answer on a number
that texted earlier in the run (matched to its open request), one in twenty with crisis
language (assessed, the request raised). Checks at the end that every accepted text was
stored once. Prints one line of figures (docs/conversations.md, "Throughput")."""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from tests.conversations.mock_twilio import AUTH_TOKEN, MockTwilio, sms_params  # noqa: E402
from tests.scale.liveserver import LiveServer  # noqa: E402
from zoelife.conversations import twilio_api  # noqa: E402
from zoelife.db.engine import read_session, shared_engine  # noqa: E402
from zoelife.db.models import Message  # noqa: E402

ROUTINE = ("Hi, is TMS covered by Aetna?", "Can I come in Thursday afternoon?",
           "yes please call me back", "What does a Spravato visit cost?", "ok thanks")
CRISIS = "I can't keep going, I want to kill myself"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=1000)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="zoelife-sms-bench-"))
    url = f"sqlite:///{work / 'zoelife.db'}"
    engine = shared_engine(url)  # built and upgraded once, the process's one engine
    from zoelife.demo import load_demo

    load_demo(engine, requests=args.requests, seed=7)
    engine.dispose()

    with MockTwilio() as mock, LiveServer(url, env=mock.env() | {
            "ZOELIFE_SMS_CADENCE_SECONDS": "0"}, log_path=work / "server.log") as server:
        target = f"{server.base}/api/twilio/sms"
        numbers: list[str] = []
        lock = threading.Lock()
        latencies: list[float] = []
        accepted: list[str] = []
        errors: dict[str, int] = {}
        rng = random.Random(5)

        def post(client: httpx.Client, body: str, number: str) -> tuple[int, str]:
            params = sms_params(body, from_=number, sid=f"SM{uuid.uuid4().hex}")
            data = urllib.parse.urlencode(params)
            r = client.post(target, content=data, headers={
                "Content-Type": "application/x-www-form-urlencoded",
                twilio_api.SIGNATURE_HEADER: twilio_api.sign(AUTH_TOKEN, target, params)})
            return r.status_code, params["MessageSid"]

        with httpx.Client(timeout=60) as warm:  # the server's engine, imports, triage
            for i in range(10):
                post(warm, ROUTINE[i % len(ROUTINE)], f"+1202555{9000 + i:04d}")
        deadline = time.monotonic() + args.seconds

        def worker(w: int) -> None:
            i = 0
            with httpx.Client(timeout=60) as client:
                while time.monotonic() < deadline:
                    with lock:
                        reply = numbers and rng.random() < 0.5
                        number = (rng.choice(numbers) if reply
                                  else f"+1{rng.randint(201, 989)}555{w:02d}{i % 100:02d}")
                        body = CRISIS if rng.random() < 0.05 else rng.choice(ROUTINE)
                    start = time.perf_counter()
                    try:
                        code, sid = post(client, body, number)
                    except httpx.HTTPError as exc:
                        code, sid = type(exc).__name__, ""
                    took = time.perf_counter() - start
                    with lock:
                        if code == 200:
                            latencies.append(took)
                            accepted.append(sid)
                            if not reply:
                                numbers.append(number)
                        else:
                            errors[str(code)] = errors.get(str(code), 0) + 1
                    i += 1

        started = time.monotonic()
        threads = [threading.Thread(target=worker, args=(w,)) for w in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        replies = len(mock.sent)
    with read_session(engine) as session:
        stored = session.execute(select(func.count()).select_from(Message).where(
            Message.provider_sid.in_(accepted[:30000]))).scalar_one()
    engine.dispose()
    ordered = sorted(latencies)
    p = (lambda q: ordered[min(len(ordered) - 1, int(len(ordered) * q))]) if ordered else None
    print(f"inbound texts, {args.clients} concurrent senders, {args.seconds:.0f} s, demo clinic "
          f"of {args.requests}: {len(accepted) / elapsed:.0f} texts/s sustained, "
          f"p50 {p(0.5) * 1000:.0f} ms, p99 {p(0.99) * 1000:.0f} ms, {len(accepted)} accepted, "
          f"{stored} stored, errors {errors or 0}, {replies} automatic replies sent to the mock")
    return 0 if stored == len(accepted) and not errors else 1


if __name__ == "__main__":
    raise SystemExit(main())
