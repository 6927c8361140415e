"""Making requests for lifecycle, queue and page tests: always through `service.receive`."""

from __future__ import annotations

import datetime as dt
import itertools

from zoelife import audit
from zoelife.db.engine import write_session
from zoelife.intake.inputs import RequestInput
from zoelife.intake.schedule import Schedule
from zoelife.intake.service import receive

T0 = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)  # a Monday, 10:00 in New York
_ids = itertools.count(1)


def _letters(n: int) -> str:
    """1 -> 'a', 26 -> 'z', 27 -> 'aa': a suffix without digits, so that the default names and
    emails never hold a number a search test looks for ("100" once 100 requests were made)."""
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(ord("a") + r) + out
    return out


def make_request(engine, *, now=None, **kw) -> int:
    n = next(_ids)
    tag = _letters(n)
    base = dict(source="test", external_id=f"t-{n}", received_at=T0,
                first_name="Dana", last_name=f"Reyes{tag}", email=f"dana{tag}@example.com",
                phone=None, message="Interested in TMS for depression", treatments=("TMS",))
    base.update(kw)
    with write_session(engine) as s:
        out = receive(s, RequestInput(**base), schedule=Schedule.load(s), actor=audit.SYSTEM,
                      now=now or base["received_at"])
    assert out.request_id is not None, out
    return out.request_id


def page_text(at) -> str:
    """Everything visible, including dataframe cells (AppTest calls them "dataframe")."""
    from tests.apptest import all_text

    parts = [all_text(at)]
    parts += [df.value.to_csv(index=False) for df in at.get("dataframe")]
    parts += [b.label for b in at.button]
    return "\n".join(parts)
