"""The front desk's worklist and the whole story of one request, read in SQL.

The worklist (docs/front-desk.md, "The worklist") sorts open requests by their next step's due
time (`next_due_at`, stored by zoelife.intake.schedule): unacknowledged urgent first, then
overdue by how overdue, then due soonest. Its tabs split the open requests in three that do not
overlap, plus everything: **To do** (unacknowledged urgent, new, and every next step due by the
end of the clinic's day, except confirmation calls of appointments still ahead), **Scheduled**
(the rest of the scheduled ones) and **Waiting** (the rest: a chase date, a follow-up or the next
attempt after today), **All**. Pages follow keys, not offsets (`after=`), so page 400 costs what
page 1 does; counting, filtering and the neighbours of a request in the same list all happen in
SQL; a page's extra facts (possible matches) are loaded in one batch, never per row.

`filters` (tabs, filters, search), `worklist` (pages, counts, neighbours) and `detail` (one
request's story); every public name is reachable from here (`queue.queue_page`).
"""

from zoelife.intake.queue.detail import RequestDetail, open_request_ids_for_merge, request_detail
from zoelife.intake.queue.filters import (
    ASSIGNEE_CHOICES,
    TAB_LABELS,
    TABS,
    QueueFilters,
    horizon_for,
    search_terms,
    tab_condition,
)
from zoelife.intake.queue.worklist import (
    QueueRow,
    TabCounts,
    count_unacknowledged_urgent,
    latest_request_id,
    neighbours,
    next_due_request,
    queue_page,
    sort_key_of,
    tab_counts,
    unacknowledged_urgent,
)

__all__ = [
    "ASSIGNEE_CHOICES", "TABS", "TAB_LABELS", "QueueFilters", "QueueRow", "RequestDetail",
    "TabCounts", "count_unacknowledged_urgent", "horizon_for", "latest_request_id", "neighbours",
    "next_due_request", "open_request_ids_for_merge", "queue_page", "request_detail",
    "search_terms", "sort_key_of", "tab_condition", "tab_counts", "unacknowledged_urgent",
]
