"""The main script's body: page config, the gate, and navigation built from the user's roles."""

from __future__ import annotations

import streamlit as st

from zoelife.ui.components import escape_markdown
from zoelife.ui.hardening import xsrf_enabled
from zoelife.ui.navigation import ROOT, all_pages, default_page_for, pages_for


def run(gate) -> None:
    st.set_page_config(page_title="Zoelife Intake", page_icon=":material/local_hospital:",
                       layout="wide", initial_sidebar_state="auto")
    if not xsrf_enabled():
        # The server refuses to start this way (zoelife.ui.hardening.check_hardening); this is
        # the second line for a server started some other way.
        st.error("Cross-site request forgery protection is off "
                 "(server.enableXsrfProtection). Zoelife Intake will not run without it.")
        st.stop()
    user = gate.current_user()
    if user is None:
        # Nothing but the sign-in (or first-run) screen when signed out.
        st.navigation([st.Page(gate.sign_in_screen, title="Sign in", url_path="sign-in")],
                      position="hidden").run()
        return
    if user.must_change_password:
        nav = st.navigation([st.Page(lambda: gate.change_password_screen(user, forced=True),
                                     title="Choose a new password", url_path="new-password")],
                            position="hidden")
        _sign_out_control(gate, user)
        nav.run()
        return
    gate.emit_cookie_redirect()
    default = default_page_for(user.roles)
    allowed = {spec.path for spec in pages_for(user.roles)}
    sections: dict[str, list] = {}
    if default is None:
        sections[""] = [st.Page(_no_pages, title="Zoelife Intake", url_path="start",
                                default=True)]
    # Every page is registered, so a page opened by URL runs and its own gate (`require`)
    # shows the refusal; Streamlit would otherwise send an unregistered URL to the default
    # page. The menu lists only what the roles may open.
    for spec in all_pages():
        sections.setdefault(spec.section, []).append(
            st.Page(str(ROOT / spec.path), title=spec.title, icon=spec.icon,
                    url_path=spec.url_path, default=spec.path == default,
                    visibility="visible" if spec.path in allowed and not spec.hidden
                    else "hidden")
        )
    nav = st.navigation(sections, position="sidebar" if allowed else "hidden")
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
