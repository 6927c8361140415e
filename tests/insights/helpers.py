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
from zoelife.db.models import ContentItem, ContentTopic
from zoelife.intake import lifecycle
from zoelife.intake.schedule import Schedule
from zoelife.intake.service import RequestInput, receive, url_path_key

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
    from zoelife.db.models import Request

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


def layer_data(spec: dict, datasets: dict[str, pd.DataFrame], mark: str) -> pd.DataFrame:
    """The dataset behind the first layer (or the chart itself) with the given mark type."""
    views = spec.get("layer") or spec.get("hconcat") or [spec]
    for view in views:
        m = view.get("mark")
        mtype = m.get("type") if isinstance(m, dict) else m
        if mtype == mark:
            name = (view.get("data") or spec.get("data"))["name"]
            return datasets[name]
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
