"""Seeding coverage for tests: payers with criteria, a TMS request, an authorization."""

from __future__ import annotations

import datetime as dt
import io

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
