"""Zoelife Intake: entry point.

`streamlit run streamlit_app.py` serves the pages and, through `st.App`, the extra routes in
`zoelife.server` (webhook, sign-in cookie). The same file runs as the page script for every
browser session and under AppTest.
"""

import streamlit as st

from zoelife.server import routes

app = st.App(__file__, routes=routes())

from zoelife.ui import gate  # noqa: E402
from zoelife.ui.app import run  # noqa: E402

run(gate)
