"""Aggregates for the manager pages, grouped in SQL by local date and category.

Every query returns grouped rows (one per day and category at most), never requests, so a
manager page can hold them in pandas and in a short shared cache without holding patient data.
Week and month buckets are rolled up in Python from the daily rows: date arithmetic in SQL
differs between SQLite and PostgreSQL, the daily rows are few (one per day and category), and
the trend indexes (`ix_requests_trend`, `ix_request_treatments_trend`) serve the daily grouping.

An **inquiry** is a request that is not a staff-merged duplicate (`duplicate_of_id` set) and
was not closed as spam. Duplicates attached as submissions never became requests at all.

`periods` (the period, its buckets, what counts as an inquiry), `trends`, `conversion` (the
funnel) and `speed` (speed to lead, arrivals by hour, backlog); every public name is reachable
from here (`queries.daily_counts`).
"""

from zoelife.insights.queries.conversion import FUNNEL_GROUPS, FUNNEL_STAGES, funnel
from zoelife.insights.queries.periods import (
    GRAINS,
    MAX_BUCKETS,
    Period,
    bucket_complete,
    bucket_count,
    bucket_length,
    bucket_start,
    bucket_starts,
    data_range,
    days_in_bucket,
    fit,
    is_inquiry,
    not_inquiry,
)
from zoelife.insights.queries.speed import (
    BACKLOG_AGES,
    RESPONSE_BIN_EDGES,
    backlog,
    percentile_from_bins,
    response_daily,
    seconds_between,
    speed_over_time,
    weekday_hour,
)
from zoelife.insights.queries.trends import (
    DEFAULT_SERIES,
    SPLITS,
    content_markers,
    daily_counts,
    roll_up,
    top_categories,
    total_inquiries,
)

__all__ = [
    "BACKLOG_AGES",
    "DEFAULT_SERIES",
    "FUNNEL_GROUPS",
    "FUNNEL_STAGES",
    "GRAINS",
    "MAX_BUCKETS",
    "Period",
    "RESPONSE_BIN_EDGES",
    "SPLITS",
    "backlog",
    "bucket_complete",
    "bucket_count",
    "bucket_length",
    "bucket_start",
    "bucket_starts",
    "content_markers",
    "daily_counts",
    "data_range",
    "days_in_bucket",
    "fit",
    "funnel",
    "is_inquiry",
    "not_inquiry",
    "percentile_from_bins",
    "response_daily",
    "roll_up",
    "seconds_between",
    "speed_over_time",
    "top_categories",
    "total_inquiries",
    "weekday_hour",
]
