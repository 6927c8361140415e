"""Seeding coverage for tests: payers with criteria, a TMS request, an authorization."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

from PIL import Image

from tests.clock import FIXED_NOW
from tests.intake.helpers import make_request
from zoelife import audit
from zoelife.coverage import records
from zoelife.db.engine import write_session

DESK = audit.Actor(None, "desk")
TMS_CRITERIA = {"trials_needed": 2, "min_weeks": 6, "psychotherapy": True,
                "score": {"instrument": "phq9", "min": 15}, "records_days": 5,
                "decision_days": 7}
MEMBER_ID = "ZXW998877665"


def card_png(color=(10, 120, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 40), color).save(out, format="PNG")
    return out.getvalue()


def seed_payers(engine, now=FIXED_NOW) -> dict[str, int]:
    with write_session(engine) as s:
        ids = {}
        for name in ("Aetna", "Blue Cross Blue Shield", "Medicare"):
            ids[name] = records.add_payer(s, name, actor=DESK, now=now).id
        records.set_criteria(s, ids["Aetna"], "tms", TMS_CRITERIA, actor=DESK, now=now)
        return ids


def seed_insured_request(engine, payer_id, *, now=FIXED_NOW, treatments=("TMS",),
                         cards=True, **kw) -> int:
    rid = make_request(engine, received_at=now - dt.timedelta(days=20),
                       treatments=treatments, now=now - dt.timedelta(days=20), **kw)
    with write_session(engine) as s:
        records.save_coverage(s, rid, actor=DESK, payer_id=payer_id, plan_name="Choice POS II",
                              member_id=MEMBER_ID, group_number="GRP-4411",
                              subscriber_name="Sam Subscriber", subscriber_relation="spouse",
                              now=now)
        if cards:
            records.upload_card(s, rid, actor=DESK, rank="primary", side="front",
                                data=card_png(), now=now)
            records.upload_card(s, rid, actor=DESK, rank="primary", side="back",
                                data=card_png((0, 0, 0)), now=now)
    return rid


FIXTURES = Path(__file__).parent / "fixtures"


class MockClearinghouse(BaseHTTPRequestHandler):
    received: list[tuple[str, str]] = []
    answer = "271_active_mental_health.x12"  # the fixture every 270 is answered with

    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        self.received.append((self.headers["Authorization"], body))
        if self.headers["Authorization"] != "Bearer test-key":
            self.send_response(401)
            self.end_headers()
            return
        answer = (FIXTURES / self.answer).read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "application/edi-x12")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def mock_clearinghouse(answer: str = "271_active_mental_health.x12"):
    """A local clearinghouse answering every 270 with the 271 fixture `answer` (401 without
    the bearer key "test-key"); yields its URL."""
    server = HTTPServer(("127.0.0.1", 0), MockClearinghouse)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    MockClearinghouse.received = []
    MockClearinghouse.answer = answer
    try:
        yield f"http://127.0.0.1:{server.server_port}/eligibility"
    finally:
        server.shutdown()
        server.server_close()
