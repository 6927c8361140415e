"""Known data for insights tests, made through the product's own ways in, and chart access."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from zoneinfo import ZoneInfo

import pandas as pd
import pyarrow as pa

from zoelife import audit
from zoelife.db.engine import write_session
from zoelife.db.models import ContentItem, ContentTopic, Request
from zoelife.intake import lifecycle
from zoelife.intake.attribution import url_path_key
from zoelife.intake.inputs import RequestInput
from zoelife.intake.schedule import Schedule
from zoelife.intake.service import receive

NY = ZoneInfo("America/New_York")
_n = itertools.count(1)


def at_local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=NY).astimezone(dt.UTC)


def receive_one(engine, when: dt.datetime, *, treatments=("TMS",), channel="web_form",
                landing_page=None, message="Please call me back.", source="test") -> int:
    n = next(_n)
    with write_session(engine) as s:
        out = receive(s, RequestInput(
            source=source, external_id=f"k-{n}", received_at=when, channel=channel,
            first_name="Quill", last_name=f"Testperson{n}", email=f"quill{n}@example.com",
            message=message, treatments=tuple(treatments), landing_page=landing_page),
            schedule=Schedule.load(s), actor=audit.SYSTEM, now=when)
    assert out.kind == "created", out
    return out.request_id


def attempt(engine, request_id: int, when: dt.datetime, outcome: str) -> None:
    with write_session(engine) as s:
        lifecycle.log_attempt(s, request_id, actor=audit.SYSTEM, method="call", outcome=outcome,
                              now=when)


def move(engine, request_id: int, when: dt.datetime, to: str, **kw) -> None:
    with write_session(engine) as s:
        version = s.get(Request, request_id).version
        lifecycle.change_status(s, request_id, actor=audit.SYSTEM, seen_version=version,
                                to_status=to, now=when, **kw)


def add_content(engine, title: str, day: dt.date, topics=("tms",), channel="blog") -> int:
    slug = title.lower().replace(" ", "-")
    url = f"https://clinic.example/blog/{slug}"
    published = at_local(day, 9)
    with write_session(engine) as s:
        item = ContentItem(url=url, url_path=url_path_key(url), campaign_key=slug, title=title,
                           published_at=published, published_local_date=day, channel=channel,
                           created_at=published, updated_at=published)
        item.topics = [ContentTopic(topic=t, origin="staff") for t in topics]
        s.add(item)
        s.flush()
        return item.id


# The headline clinic's days: the week to Wednesday March 4th 2026 (tests.clock.FIXED_NOW).
THU, FRI, SAT = dt.date(2026, 2, 26), dt.date(2026, 2, 27), dt.date(2026, 2, 28)
MON, TUE, WED = dt.date(2026, 3, 2), dt.date(2026, 3, 3), dt.date(2026, 3, 4)


def seed_headline_clinic(engine) -> dict[str, int]:
    """The headline numbers' known clinic (tests/insights/test_headline.py counts it by hand):
    six inquiries in the week to Wednesday March 4th 2026, two in the week before, and three
    requests that must not count. The default clinic: New York, Monday to Friday 08:00-17:00."""
    ids = {}
    # --- the current window, Thursday Feb 26 to Wednesday Mar 4
    # a: Monday 09:00, TMS. Reached at 09:30 (30 business minutes), scheduled, a patient.
    ids["a"] = receive_one(engine, at_local(MON, 9), treatments=("TMS",))
    attempt(engine, ids["a"], at_local(MON, 9, 30), "reached")
    move(engine, ids["a"], at_local(MON, 10), "scheduled",
         appointment_at=at_local(dt.date(2026, 3, 3), 10), appointment_kind="TMS consultation")
    move(engine, ids["a"], at_local(TUE, 12), "closed", close_reason="became_patient")
    # b: Friday 16:30, Spravato and TMS. First attempt Monday 08:45 (30 + 45 = 75 business
    # minutes), reached Monday 16:00 (30 + 480 = 510): not within the hour, within the day
    # (the deadline is the close of the first business day after Friday: Monday 17:00).
    ids["b"] = receive_one(engine, at_local(FRI, 16, 30), treatments=("Spravato", "TMS"))
    attempt(engine, ids["b"], at_local(MON, 8, 45), "no_answer")
    attempt(engine, ids["b"], at_local(MON, 16), "reached")
    # c: Saturday 11:00 by phone, ketamine; reached at 11:20, closed: no business time at all.
    ids["c"] = receive_one(engine, at_local(SAT, 11), treatments=("Ketamine",), channel="phone")
    attempt(engine, ids["c"], at_local(SAT, 11, 20), "reached")
    # d: Tuesday 10:00, a referral for medication management. Tried at 11:30 (90 minutes),
    # never reached. By now (Wednesday 10:00) nine business hours have passed: judged for the
    # hour; its day runs to Wednesday 17:00, not judged yet.
    ids["d"] = receive_one(engine, at_local(TUE, 10), treatments=("Medication management",),
                           channel="referral")
    attempt(engine, ids["d"], at_local(TUE, 11, 30), "no_answer")
    # e: this morning 09:30, TMS, not tried: 30 business minutes old, judged for nothing.
    ids["e"] = receive_one(engine, at_local(WED, 9, 30), treatments=("TMS",))
    # f: Thursday Feb 26 09:00 by phone, TMS. Tried at 13:00 (240 minutes); reached Monday
    # 09:00, after its deadline (Friday 17:00); then declined.
    ids["f"] = receive_one(engine, at_local(THU, 9), treatments=("TMS",), channel="phone")
    attempt(engine, ids["f"], at_local(THU, 13), "no_answer")
    attempt(engine, ids["f"], at_local(MON, 9), "reached")
    move(engine, ids["f"], at_local(MON, 9, 30), "closed", close_reason="declined")
    # Not inquiries: spam, and a duplicate merged by staff (both reached at once).
    ids["spam"] = receive_one(engine, at_local(MON, 12), treatments=("TMS",))
    attempt(engine, ids["spam"], at_local(MON, 12, 1), "reached")
    move(engine, ids["spam"], at_local(MON, 12, 2), "closed", close_reason="spam")
    ids["dup"] = receive_one(engine, at_local(TUE, 9), treatments=("TMS",), channel="email")
    with write_session(engine) as s:
        lifecycle.mark_duplicate(s, ids["dup"], actor=audit.SYSTEM,
                                 seen_version=s.get(Request, ids["dup"]).version,
                                 duplicate_of_id=ids["b"], now=at_local(TUE, 9, 5))
    # --- the previous window, Thursday Feb 19 to Wednesday Feb 25
    # p1: Thursday Feb 19 10:00, TMS: reached 10:40 (40 minutes), scheduled.
    ids["p1"] = receive_one(engine, at_local(dt.date(2026, 2, 19), 10), treatments=("TMS",))
    attempt(engine, ids["p1"], at_local(dt.date(2026, 2, 19), 10, 40), "reached")
    move(engine, ids["p1"], at_local(dt.date(2026, 2, 19), 11), "scheduled",
         appointment_at=at_local(dt.date(2026, 2, 26), 10), appointment_kind="TMS consultation")
    # p2: Monday Feb 23 15:00 by email, Spravato: reached Wednesday Feb 25 10:00
    # (120 + 540 + 120 = 780 business minutes), after its deadline (Tuesday 17:00).
    ids["p2"] = receive_one(engine, at_local(dt.date(2026, 2, 23), 15), treatments=("Spravato",),
                            channel="email")
    attempt(engine, ids["p2"], at_local(dt.date(2026, 2, 25), 10), "reached")
    # Outside both windows: the Wednesday before.
    ids["old"] = receive_one(engine, at_local(dt.date(2026, 2, 18), 10), treatments=("TMS",))
    return ids


def charts_of(at) -> list[tuple[dict, dict[str, pd.DataFrame]]]:
    """Every Altair chart on an AppTest page: its Vega-Lite spec and its datasets by name."""
    found = []
    for kind in ("vega_lite_chart", "arrow_vega_lite_chart"):
        for el in at.get(kind):
            spec = json.loads(el.proto.spec)
            data = {ds.name: pa.ipc.open_stream(ds.data.data).read_all().to_pandas()
                    for ds in el.proto.datasets}
            found.append((spec, data))
    return found


def views(spec: dict, inherited: dict | None = None):
    """Every leaf view of a chart spec (through layers and concatenations), depth first, with
    the data it draws (its own or its nearest parent's)."""
    data = spec.get("data") or inherited
    children = spec.get("layer") or spec.get("hconcat") or spec.get("vconcat")
    if not children:
        yield spec, data
        return
    for child in children:
        yield from views(child, data)


def mark_of(view: dict) -> dict:
    m = view.get("mark")
    return m if isinstance(m, dict) else {"type": m}


def layer_data(spec: dict, datasets: dict[str, pd.DataFrame], mark: str, *,
               shape: str | None = None) -> pd.DataFrame:
    """The dataset behind the first view with the given mark type (and point shape)."""
    for view, data in views(spec):
        m = mark_of(view)
        if m.get("type") == mark and (shape is None or m.get("shape") == shape):
            return datasets[data["name"]]
    raise AssertionError(f"no {mark} layer in the chart")


def page_text(at) -> str:
    """Everything on the page, chart data included, for 'must not appear' checks."""
    from tests.apptest import all_text

    parts = [all_text(at)]
    parts += [df.value.to_csv(index=False) for df in at.get("dataframe")]
    parts += [str(b.label) for b in at.button]
    for spec, data in charts_of(at):
        parts.append(json.dumps(spec))
        parts += [frame.to_csv(index=False) for frame in data.values()]
    parts += [str(el.proto) for el in at.get("download_button")]
    return "\n".join(parts)
