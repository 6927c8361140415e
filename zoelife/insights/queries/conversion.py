"""The conversion funnel: received, reached, scheduled, became a patient, by treatment,
channel or source."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from zoelife.db.models import Request, RequestTreatment
from zoelife.insights.queries.periods import Period, is_inquiry

FUNNEL_GROUPS = ("treatment", "channel", "source")

FUNNEL_STAGES = ("received", "reached", "scheduled", "became_patient")


def funnel(session: Session, period: Period, by: str) -> pd.DataFrame:
    """Per group: received, reached, scheduled, became patient, still open, and each close
    reason of the rest. Columns: group, received, reached, scheduled, became_patient, open,
    plus one column per close reason present."""
    if by == "treatment":
        group = RequestTreatment.treatment
        base = (select().select_from(RequestTreatment)
                .join(Request, Request.id == RequestTreatment.request_id)
                .where(RequestTreatment.received_local_date.between(period.start, period.end)))
    elif by in ("channel", "source"):
        group = getattr(Request, by)
        base = select().select_from(Request).where(
            Request.received_local_date.between(period.start, period.end))
    else:
        raise ValueError(f"unknown funnel grouping {by!r}; use one of "
                         f"{', '.join(FUNNEL_GROUPS)}")
    base = base.where(is_inquiry())
    became = func.sum(case((Request.close_reason == "became_patient", 1), else_=0))
    still_open = func.sum(case((Request.is_open.is_(True), 1), else_=0))
    stages = session.execute(base.add_columns(
        group, func.count(), func.count(Request.reached_at), func.count(Request.scheduled_at),
        became, still_open).group_by(group)).all()
    reasons = session.execute(base.add_columns(group, Request.close_reason, func.count())
                              .where(Request.close_reason.is_not(None))
                              .group_by(group, Request.close_reason)).all()
    frame = pd.DataFrame(
        [(g, int(n), int(r), int(s), int(b or 0), int(o or 0)) for g, n, r, s, b, o in stages],
        columns=["group", "received", "reached", "scheduled", "became_patient", "open"])
    for g, reason, n in reasons:
        if reason == "became_patient":
            continue
        frame.loc[frame["group"] == g, reason] = int(n)
    frame = frame.fillna(0)
    for col in frame.columns[1:]:
        frame[col] = frame[col].astype(int)
    return frame.sort_values("received", ascending=False, kind="stable").reset_index(drop=True)
