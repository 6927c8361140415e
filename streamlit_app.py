"""Zoelife Intake: entry point.

`streamlit run streamlit_app.py` serves the pages and, through `st.App`, the extra routes in
`zoelife.server` (webhook, sign-in cookie, downloads). The same file runs as the page script for every
browser session and under AppTest.
"""

import streamlit as st
from starlette.middleware import Middleware
from streamlit.runtime.scriptrunner import get_script_run_ctx

from zoelife.security.body_deadline import BodyDeadline
from zoelife.security.headers import middleware
from zoelife.server import lifespan, routes
from zoelife.ui.app import ignore_pages_directory
from zoelife.ui.hardening import check_hardening
from zoelife.ui.resilience import (
    UploadGate,
    ignore_developer_messages,
    no_collection_after_each_run,
)

check_hardening()
# Routing is st.navigation's alone, from the very first page load (see the function).
ignore_pages_directory()
# Streamlit's own endpoints, bounded for visitors who never sign in (see the module); the
# security headers wrap every answer, the upload gate's refusals included; every request body
# must arrive in time, whatever the route (zoelife.security.body_deadline).
ignore_developer_messages()
no_collection_after_each_run()
app = st.App(__file__, routes=routes(), lifespan=lifespan,
             middleware=[*middleware(), Middleware(BodyDeadline), Middleware(UploadGate)])

# The server also imports this file once outside any browser session, to find `app`;
# only a real session (or AppTest) renders pages.
if get_script_run_ctx() is not None:
    from zoelife.ui import gate
    from zoelife.ui.app import run

    run(gate)
