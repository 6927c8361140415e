"""Content impact on known data, the rate-ratio interval, and the demo's planted lifts."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from scipy.stats import beta
from sqlalchemy import select

from tests.insights.helpers import add_content, at_local, attempt, receive_one
from zoelife import demo
from zoelife.db.engine import read_session
from zoelife.db.models import DemoLift
from zoelife.insights import impact
from zoelife.insights.queries import Period

PUBLISHED = dt.date(2026, 5, 1)


def test_rate_ratio_matches_the_conditional_binomial_by_hand():
    # 6 in a 14-day window, 4 in the 28 days before: rates 6/14 and 4/28, ratio 3.
    rr = impact.rate_ratio(6, 14, 4, 28)
    assert rr.ratio == pytest.approx(3.0)
    # Clopper-Pearson limits for p = x1 / n, then R = p / (1 - p) * t0 / t1.
    p_lo, p_hi = beta.ppf(0.025, 6, 5), beta.ppf(0.975, 7, 4)
    assert rr.low == pytest.approx(p_lo / (1 - p_lo) * 2)
    assert rr.high == pytest.approx(p_hi / (1 - p_hi) * 2)
    assert rr.low < 1 < 3 < rr.high  # ten inquiries cannot tell a tripling from chance
    strong = impact.rate_ratio(60, 14, 40, 28)
    assert strong.ratio == pytest.approx(3.0) and strong.low > 1.9 and strong.p_value < 1e-6
    assert impact.rate_ratio(0, 14, 0, 28).ratio is None
    none_before = impact.rate_ratio(3, 14, 0, 28)
    assert none_before.ratio == math.inf and none_before.high == math.inf and none_before.low > 0
    assert impact.rate_ratio(0, 14, 5, 28).low == 0.0


def test_content_impact_counts_windows_attribution_and_overlap(engine):
    first = add_content(engine, "TMS explained", PUBLISHED, topics=("tms",))
    second = add_content(engine, "TMS again", PUBLISHED + dt.timedelta(days=4), topics=("tms",))
    quiet = add_content(engine, "Ketamine notes", PUBLISHED, topics=("ketamine",))
    # The data starts well before the baseline.
    receive_one(engine, at_local(dt.date(2026, 3, 2), 10), treatments=("Therapy",))
    # Landed on the ketamine item long before it (outside its windows), asking about two
    # treatments: attributed once, split under both.
    receive_one(engine, at_local(dt.date(2026, 3, 2), 11), treatments=("Ketamine", "Therapy"),
                landing_page="https://clinic.example/blog/ketamine-notes")
    # Baseline (April 3 - April 30): 4 TMS inquiries; one more outside it (April 2).
    for day in (3, 10, 20, 30):
        receive_one(engine, at_local(dt.date(2026, 4, day), 11))
    receive_one(engine, at_local(dt.date(2026, 4, 2), 11))
    # Window (May 1 - May 14): 6 TMS inquiries, two of them landing on the first item's page.
    landed = []
    for i, day in enumerate((1, 2, 3, 6, 9, 14)):
        page = "https://clinic.example/blog/tms-explained?utm_source=x" if i < 2 else None
        rid = receive_one(engine, at_local(dt.date(2026, 5, day), 12), landing_page=page)
        if page:
            landed.append(rid)
    attempt(engine, landed[0], at_local(dt.date(2026, 5, 1), 13), "reached")
    receive_one(engine, at_local(dt.date(2026, 5, 15), 12))  # after the first item's window

    with read_session(engine) as s:
        frame = impact.content_impact(s, window_days=14, baseline_days=28,
                                      today=dt.date(2026, 6, 30))
    rows = frame.set_index("content_id")
    one = rows.loc[first]
    assert (one.observed, one.baseline, one.window_days, one.baseline_days) == (6, 4, 14, 28)
    assert one.expected == pytest.approx(2.0) and one.ratio == pytest.approx(3.0)
    assert (one.attributed, one.reached, one.scheduled, one.became_patient) == (2, 1, 0, 0)
    assert (one.attributed_topic, one.attributed_tms, one.attributed_spravato) == (2, 2, 0)
    assert one.overlaps == "TMS again" and "overlaps" in one.note
    two = rows.loc[second]
    # May 5 - May 18 holds May 6, 9, 14 and 15; April 7 - May 4 holds April 10, 20, 30 and
    # May 1, 2, 3.
    assert (two.observed, two.baseline) == (4, 6)
    assert two.overlaps == "TMS explained" and two.attributed == 0
    three = rows.loc[quiet]
    assert (three.observed, three.baseline) == (0, 0) and pd.isna(three.ratio)
    assert (three.attributed, three.attributed_topic, three.attributed_ketamine,
            three.attributed_therapy, three.attributed_tms) == (1, 1, 1, 1, 0)

    # Only the items published in a date range.
    with read_session(engine) as s:
        later = impact.content_impact(s, window_days=14, baseline_days=28,
                                      today=dt.date(2026, 6, 30),
                                      published=Period(PUBLISHED + dt.timedelta(days=1),
                                                       dt.date(2026, 6, 30)))
        span = impact.published_range(s, dt.date(2026, 6, 30))
        before = impact.published_range(s, dt.date(2026, 4, 30))
    assert list(later["content_id"]) == [second]
    assert later.iloc[0].observed == 4  # its own window, whatever the range
    assert span == (PUBLISHED, PUBLISHED + dt.timedelta(days=4)) and before is None

    with read_session(engine) as s:
        running = impact.content_impact(s, window_days=14, baseline_days=28,
                                        today=dt.date(2026, 5, 7)).set_index("content_id")
    assert running.loc[first].window_days == 7 and "still running" in running.loc[first].note
    assert running.loc[first].observed == 4


def test_demo_lifts_rank_above_every_other_item(sqlite_engine):
    now = dt.datetime(2026, 11, 26, 23, 0, tzinfo=dt.UTC)
    demo.load_demo(sqlite_engine, requests=5000, seed=7, now=now)
    with read_session(sqlite_engine) as s:
        lifted = {lift.content_id for lift in s.execute(select(DemoLift)).scalars()}
        frame = impact.ranked(impact.content_impact(
            s, window_days=14, baseline_days=28, today=now.date()))
    assert len(lifted) == len(demo.content.LIFTS)
    top = list(frame["content_id"][:len(lifted)])
    assert set(top) == lifted, frame[["title", "ratio", "ci_low"]].head(10)
    rest = frame[~frame["content_id"].isin(lifted)]
    assert frame[frame["content_id"].isin(lifted)]["ci_low"].min() > 1
    assert rest["ratio"].dropna().median() == pytest.approx(1.0, abs=0.3)
