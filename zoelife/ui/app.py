"""The main script's body: page config, the gate, and navigation built from the user's roles."""

from __future__ import annotations

import streamlit as st

from zoelife.ui import resilience
from zoelife.ui.components import escape_markdown
from zoelife.ui.db import faults_shown
from zoelife.ui.hardening import xsrf_enabled
from zoelife.ui.navigation import ROOT, PageSpec, all_pages, default_page_for, pages_for


def ignore_pages_directory() -> None:
    """Tell Streamlit, before its first browser session, that this app routes with st.navigation.

    `pages/` sits next to streamlit_app.py, so until some run of the process calls st.navigation,
    Streamlit serves that folder the legacy way: a fresh server's first page loads run a page file
    on its own, found by its file name (/queue, /audit_log), without streamlit_app.py, and draw a
    sidebar listing every file in the folder. st.navigation clears this same class flag; setting it
    here, when the server imports streamlit_app.py to find `app` (before any session exists),
    means no session ever sees the legacy mode. AppTest resets the flag before each of its runs,
    so there `switch_page` to a page whose URL is its file name still runs that file on its own."""
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a Streamlit without this internal: the app works, the folder shows
        return
    if hasattr(PagesManager, "uses_pages_directory"):
        PagesManager.uses_pages_directory = False


def run(gate) -> None:
    st.set_page_config(page_title="Zoelife Intake", page_icon=":material/local_hospital:",
                       layout="wide", initial_sidebar_state="auto")
    if not xsrf_enabled():
        # The server refuses to start this way (zoelife.ui.hardening.check_hardening); this is
        # the second line for a server started some other way.
        st.error("Cross-site request forgery protection is off "
                 "(server.enableXsrfProtection). Zoelife Intake will not run without it.")
        st.stop()
    # One place for a database that cannot be used (read-only, full, gone, restarting): the
    # page shows the message and a Try again button, never an exception.
    with faults_shown():
        _run(gate)


def _page(spec: PageSpec, *, visible: bool, default: bool = False):
    return st.Page(str(ROOT / spec.path), title=spec.title, icon=spec.icon,
                   url_path=spec.url_path, default=default,
                   visibility="visible" if visible else "hidden")


def _gate_only(screen, title: str, url_path: str):
    """Signed out (or before a forced password change): nothing but `screen`, no menu. Every
    page is still registered, hidden, so its own URL opens that page and its gate (`require`)
    shows the same screen, instead of Streamlit's "Page not found" and a jump to `screen`'s
    URL; once signed in, the same URL shows the page asked for."""
    pages = [st.Page(screen, title=title, url_path=url_path, default=True)]
    pages += [_page(spec, visible=False) for spec in all_pages()]
    return st.navigation(pages, position="hidden")


def _run(gate) -> None:
    user = gate.current_user()
    resilience.record_session(user)
    if user is None:
        # Runs of visitors who never signed in are bounded per address and one at a time.
        with resilience.anonymous_turn(gate.client_address(forwarded=True)) as refused:
            if refused:
                st.warning(refused, icon=":material/hourglass_top:")
                return
            _gate_only(gate.sign_in_screen, "Sign in", "sign-in").run()
        return
    if user.must_change_password:
        nav = _gate_only(lambda: gate.change_password_screen(user, forced=True),
                         "Choose a new password", "new-password")
        _sign_out_control(gate, user)
        nav.run()
        return
    default = default_page_for(user.roles)
    allowed = {spec.path for spec in pages_for(user.roles)}
    sections: dict[str, list] = {}
    allowed_urls: set[str] = set()
    if default is None:
        start = st.Page(_no_pages, title="Zoelife Intake", url_path="start", default=True)
        sections[""] = [start]
        allowed_urls.add(start.url_path)
    # Every page is registered, so a page opened by URL runs and its own gate (`require`)
    # shows the refusal; Streamlit would otherwise send an unregistered URL to the default
    # page. The menu lists only what the roles may open.
    for spec in all_pages():
        page = _page(spec, visible=spec.path in allowed and not spec.hidden,
                     default=spec.path == default)
        sections.setdefault(spec.section, []).append(page)
        if spec.path in allowed:
            allowed_urls.add(page.url_path)
        if spec.path == default:
            start = page
    nav = st.navigation(sections, position="sidebar" if allowed else "hidden")
    if gate.just_signed_in() and nav.url_path not in allowed_urls:
        # Signed in on the URL of a page this account may not open: start where it may.
        st.switch_page(start)
    gate.emit_cookie_request()
    _sign_out_control(gate, user)
    nav.run()


def _sign_out_control(gate, user) -> None:
    # Created after st.navigation so the widget belongs to the page being shown (its identity
    # is stable across reruns); it is in the sidebar of every page.
    with st.sidebar:
        st.caption(f"Signed in as {escape_markdown(user.display_name)}")
        if st.button("Sign out", icon=":material/logout:", key="sign_out"):
            gate.sign_out()
            st.rerun()


def _no_pages() -> None:
    st.info("Your account has no pages yet. Ask an administrator to give it a role.")
