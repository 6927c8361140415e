"""Page addresses Streamlit can tell apart."""

from __future__ import annotations

from zoelife.ui.navigation import PAGES


def test_no_page_address_ends_with_another_pages_address():
    """Streamlit's `st.context.url` trims the first page address the browser's URL merely ends
    with (`maybe_trim_page_path`, no "/" boundary): with pages `request` and `new-request`, the
    New request page read its own address as /new-/new-request, so signing out there (which
    comes back to the page it was on) landed on a blank page."""
    addresses = [p.url_path for p in PAGES]
    assert len(set(addresses)) == len(addresses)
    clashes = [(a, b) for a in addresses for b in addresses if a != b and a.endswith(b)]
    assert clashes == []
