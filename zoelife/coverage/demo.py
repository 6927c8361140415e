"""Coverage for the demo clinic: payers with criteria, insurance with (fictional) card images,
benefits, and authorizations in every status, so a newcomer sees the whole flow. Deterministic
for a seed; written through `records`, so each step is audited like a real one."""

from __future__ import annotations

import datetime as dt
import io
import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from zoelife import audit
from zoelife.coverage import machine, records
from zoelife.db.models import Request, RequestTreatment

PAYERS = (
    ("Aetna", "60054", {"trials_needed": 2, "min_weeks": 6, "psychotherapy": True,
                        "score": {"instrument": "phq9", "min": 15}, "decision_days": 5}),
    ("Blue Cross Blue Shield", "BCBS1", {"trials_needed": 4, "distinct_classes": 2,
                                         "min_weeks": 6, "psychotherapy": True,
                                         "min_dose_mg": {"sertraline": 50, "escitalopram": 10,
                                                         "fluoxetine": 20}}),
    ("UnitedHealthcare", "87726", {"trials_needed": 2, "min_weeks": 8,
                                   "score": {"instrument": "phq9", "min": 20}}),
    # Class names as in zoelife/triage/data/drugs.toml, which the trials extractor gives.
    ("Cigna", "62308", {"trials_needed": 3, "classes": ["ssri", "snri", "ndri", "tca",
                                                       "atypical antidepressant"],
                        "min_weeks": 6, "psychotherapy": True}),
    ("Medicare", "MCARE", {"trials_needed": 4, "distinct_classes": 2, "min_weeks": 6,
                           "psychotherapy": True, "score": {"instrument": "hamd", "min": 18}}),
    ("Optum Behavioral Health", "OPTBH", {"trials_needed": 2, "min_weeks": 6}),
)
SPRAVATO_CRITERIA = {"trials_needed": 2, "min_weeks": 6,
                     "score": {"instrument": "phq9", "min": 15}}
TRIALS = (("sertraline", "ssri", 100), ("escitalopram", "ssri", 20), ("bupropion", "ndri", 300),
          ("venlafaxine", "snri", 150), ("duloxetine", "snri", 60),
          ("mirtazapine", "atypical antidepressant", 30))
OPEN_CYCLE = ("gathering", "submitted", "in_review", "approved", "appeal", "not_needed",
              "denied", "gathering", "submitted")
DESK = audit.Actor(None, "demo front desk")


def card_image(payer: str, member_id: str, side: str, rng: random.Random) -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (420, 260), (rng.randint(180, 235), rng.randint(200, 240), 250))
    draw = ImageDraw.Draw(img)
    if side == "front":
        draw.text((20, 20), payer, fill=(20, 40, 90))
        draw.text((20, 90), f"Member ID {member_id}", fill=(0, 0, 0))
        draw.text((20, 120), "DEMO CARD - FICTIONAL", fill=(160, 0, 0))
    else:
        draw.text((20, 20), "Provider services 1-800-555-0100", fill=(0, 0, 0))
        draw.text((20, 60), "Claims: PO Box 0000 (fictional)", fill=(0, 0, 0))
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def _trials(rng: random.Random, n: int) -> list[dict]:
    picked = rng.sample(TRIALS, n)
    return [{"drug": d, "drug_class": c, "dose_mg": mg, "weeks": rng.choice((4, 8, 12, 16)),
             "dose_adequate": True, "response": rng.choice(("no response", "partial",
                                                            "side effects"))}
            for d, c, mg in picked]


def seed(session: Session, *, now: dt.datetime, seed: int = 7, courses: int = 48) -> int:
    """Payers, and coverage for up to `courses` TMS or Spravato requests; returns how many."""
    rng = random.Random(seed * 7919)
    payer_ids = []
    for name, code, criteria in PAYERS:
        payer = records.add_payer(session, name, actor=audit.SYSTEM, payer_code=code,
                                  phone="1-800-555-0100", now=now)
        records.set_criteria(session, payer.id, "tms", criteria, actor=audit.SYSTEM, now=now)
        records.set_criteria(session, payer.id, "spravato", SPRAVATO_CRITERIA,
                             actor=audit.SYSTEM, now=now)
        payer_ids.append(payer.id)
    rows = session.execute(
        select(Request.id, Request.status, Request.close_reason, Request.received_at,
               Request.version, RequestTreatment.treatment)
        .join(RequestTreatment, RequestTreatment.request_id == Request.id)
        .where(RequestTreatment.treatment.in_(("tms", "spravato")),
               Request.duplicate_of_id.is_(None),
               (Request.close_reason.is_(None)) | Request.close_reason.in_(
                   ("became_patient", "declined", "not_eligible")))
        # Open requests first: they fill the front desk's work list.
        .order_by(Request.is_open.desc(), Request.received_at.desc())).all()
    seen: set[int] = set()
    done = open_n = 0
    for row in rows:
        if row.id in seen or done >= courses:
            continue
        seen.add(row.id)
        payer_id = rng.choice(payer_ids)
        member = f"DEMO{rng.randint(10**8, 10**9 - 1)}"
        start = row.received_at + dt.timedelta(days=1)
        records.save_coverage(session, row.id, actor=DESK, payer_id=payer_id,
                              plan_name=rng.choice(("PPO", "HMO", "Choice POS II", "Advantage")),
                              member_id=member, group_number=f"G{rng.randint(1000, 9999)}",
                              subscriber_name="Demo Subscriber",
                              subscriber_relation=rng.choice(("self", "self", "spouse")),
                              now=start)
        if done < 12:
            payer_name = PAYERS[payer_ids.index(payer_id)][0]
            for side in ("front", "back"):
                records.upload_card(session, row.id, actor=DESK, rank="primary", side=side,
                                    data=card_image(payer_name, member, side, rng), now=start)
        records.record_benefits(
            session, row.id, row.treatment, actor=DESK, payer_id=payer_id,
            in_network=rng.random() < 0.85, deductible_cents=rng.choice((50000, 150000, 300000)),
            deductible_met_cents=rng.choice((0, 25000, 50000)), oop_max_cents=600000,
            copay_cents=rng.choice((2500, 4000, None)),
            coinsurance_percent=rng.choice((10, 20, None)), carve_out=payer_id == payer_ids[-1],
            pa_required=True,
            benefit_route=rng.choice(("medical", "pharmacy")) if row.treatment == "spravato"
            else None, method=rng.choice(("call", "electronic")),
            reference=f"REF{rng.randint(100000, 999999)}",
            now=start + dt.timedelta(hours=3))
        if row.close_reason == "became_patient":
            # Some plans need no authorization (e.g. a cash-pay or an exempt plan).
            target = "not_needed" if done % 5 == 0 else "approved"
        elif row.close_reason in ("declined", "not_eligible"):
            target = rng.choice(("denied", "denied", "appeal"))
        else:
            target = OPEN_CYCLE[open_n % len(OPEN_CYCLE)]
            open_n += 1
        _course(session, row, payer_id, target, start, now, rng)
        done += 1
    return done


def _course(session, row, payer_id, target, start, now, rng) -> None:
    opened = start + dt.timedelta(days=1)
    if target == "not_needed":
        records.open_authorization(session, row.id, row.treatment, actor=DESK, payer_id=payer_id,
                                   status="not_needed", now=opened)
        if row.close_reason == "became_patient":
            records.record_first_treatment(session, row.id, row.treatment,
                                           opened + dt.timedelta(days=7), actor=DESK)
        return
    auth = records.open_authorization(session, row.id, row.treatment, actor=DESK,
                                      payer_id=payer_id, now=opened)
    version = records.set_evidence(session, auth.id, {
        "trials": _trials(rng, rng.randint(1, 4)), "psychotherapy": rng.random() < 0.6,
        "scores": {"phq9": rng.randint(12, 24)}}, actor=DESK, seen_version=1, now=opened)
    if target == "gathering":
        return
    moment = min(opened + dt.timedelta(days=rng.randint(2, 6)), now)
    version = records.move_authorization(session, auth.id, "submitted", actor=DESK,
                                         seen_version=version, now=moment)
    if target == "submitted":
        return
    if target == "in_review" or rng.random() < 0.5:
        moment = min(moment + dt.timedelta(days=1), now)
        version = records.move_authorization(session, auth.id, "in_review", actor=DESK,
                                             seen_version=version, now=moment)
        if target == "in_review":
            return
    moment = min(moment + dt.timedelta(days=rng.randint(2, 9)), now)
    if target == "approved":
        first = moment.date()
        records.move_authorization(
            session, auth.id, "approved", actor=DESK, seen_version=version, now=moment,
            decision=machine.Decision(f"PA{rng.randint(10**6, 10**7 - 1)}",
                                      36 if row.treatment == "tms" else 24, first,
                                      first + dt.timedelta(days=rng.choice((60, 90)))))
        if row.close_reason == "became_patient":
            records.record_first_treatment(session, row.id, row.treatment,
                                           moment + dt.timedelta(days=5), actor=DESK)
        return
    version = records.move_authorization(session, auth.id, "denied", actor=DESK,
                                         seen_version=version, now=moment,
                                         reason="Fewer adequate trials than the policy asks")
    if target == "appeal":
        records.move_authorization(session, auth.id, "appeal", actor=DESK, seen_version=version,
                                   now=min(moment + dt.timedelta(days=2), now),
                                   reason="Peer-to-peer review requested")
