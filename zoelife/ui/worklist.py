"""The worklist's state shared by the queue and request pages: the filters and tab the user
chose (kept in session state, so a request opened from the list knows its neighbours), the
links to walk the same list from the request page, and the worklist's row cells."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from zoelife.intake import queue
from zoelife.intake.normalize import format_phone
from zoelife.ui.components import contact_url
from zoelife.ui.db import reading

# Where pages/queue.py keeps its widgets' values between pages (Streamlit forgets the state of
# widgets a run did not draw).
KEPT_KEY = "q_kept"
REQUEST_PAGE = "pages/request.py"


def filters_from_state(state: Any = None) -> queue.QueueFilters:
    """The filters and tab the queue last showed in this browser tab (default: To do)."""
    kept = (state if state is not None else st.session_state).get(KEPT_KEY, {})
    tab = kept.get("q_tab") or "todo"
    return queue.QueueFilters(
        statuses=tuple(kept.get("q_status") or ()), treatments=tuple(kept.get("q_treatment") or ()),
        channels=tuple(kept.get("q_channel") or ()),
        crisis_levels=tuple(kept.get("q_crisis") or ()), assignee=kept.get("q_assignee") or "",
        overdue=bool(kept.get("q_overdue")), date_from=kept.get("q_from"),
        date_to=kept.get("q_to"), search=kept.get("q_search") or "",
        tab=tab if tab in queue.TABS else "todo",
    )


def contact_links(phone: str | None, email: str | None, sms_consent: bool | None) -> str:
    """Markdown links: Call and Text for a phone (no Text when they said no to texts), Email.
    The addresses go through `contact_url` (percent-encoded); the link texts are our words."""
    links = []
    if phone:
        links.append(f"[:material/call: Call]({contact_url('tel', phone)})")
        if sms_consent is not False:
            links.append(f"[:material/sms: Text]({contact_url('sms', phone)})")
    if email:
        links.append(f"[:material/mail: Email]({contact_url('mailto', email)})")
    return " ".join(links)


def phone_shown(phone: str | None) -> str:
    return format_phone(phone) if phone else ""


def page_link(page: str, label: str, **kwargs: Any) -> None:
    """`st.page_link`, or the label as text where the page is not registered (a page run on
    its own, outside the app's navigation, as page tests do)."""
    try:
        st.page_link(page, label=label, **kwargs)
    except StreamlitPageNotFoundError:
        st.markdown(label)


def request_link(label: str, request_id: int) -> None:
    """A link to a request (same browser tab): a click, or Tab then Enter, opens it. `label`
    must already be safe as markdown (escape public text)."""
    page_link(REQUEST_PAGE, label, query_params={"id": str(int(request_id))})


def request_nav(request_id: int, *, user_id: int | None, zone, now: dt.datetime) -> None:
    """On the request page: previous and next in the list the queue showed (same filters and
    tab), the next due request, and the way back to the list."""
    filters = filters_from_state()
    horizon = queue.horizon_for(now, zone)
    with reading() as session:
        before, after = queue.neighbours(session, filters, now, request_id, horizon=horizon,
                                         user_id=user_id)
        due = queue.next_due_request(session, now, horizon, exclude=request_id,
                                     user_id=user_id)
    tab = queue.TAB_LABELS[filters.tab]
    with st.container(horizontal=True, key="request_nav"):
        page_link("pages/queue.py", f"Back to {tab}", icon=":material/list:")
        if before is not None:
            page_link(REQUEST_PAGE, f"Previous (#{before})", icon=":material/arrow_back:",
                      query_params={"id": str(before)})
        if after is not None:
            page_link(REQUEST_PAGE, f"Next (#{after})", icon=":material/arrow_forward:",
                      query_params={"id": str(after)})
        if due is not None:
            page_link(REQUEST_PAGE, f"Next due request (#{due})", icon=":material/skip_next:",
                      query_params={"id": str(due)})
        else:
            st.caption("Nothing else is due: To do is clear.")
