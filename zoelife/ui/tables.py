"""Tables of patient data and the links that download them.

Streamlit's table toolbar offers "Download as CSV" on every `st.dataframe`: one click copies
the rows on screen (a queue page, search results, quarantined rows) to a file with no audit row.
Streamlit 1.67 can turn that control off only for the whole app (`client.disableDataExport`,
which also turns off copying cells to the clipboard; search stays), so it is on in
`.streamlit/config.toml` and forced on at start (`data_export_off`, called by
`check_hardening`). Every table that shows people goes through `people_table`, which turns it
off too when a server was started some other way.

Files of patient data are served by the app's own server (`zoelife.security.downloads`), which
checks the sign-in cookie and role and audits each download; pages show a plain link to it
(`download_link`), never `st.download_button(data=...)`.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st
from streamlit import config

EXPORT_OPTION = "client.disableDataExport"


def data_export_off() -> None:
    """No CSV download (nor clipboard copy) from any table's toolbar, whatever the config says."""
    if not config.get_option(EXPORT_OPTION):
        config.set_option(EXPORT_OPTION, True)


def people_table(data, **kwargs):
    """`st.dataframe` for rows that name or describe people (patients, staff, sign-ins): no
    toolbar download."""
    data_export_off()
    return st.dataframe(data, **kwargs)


def download_link(label: str, path: str, params: dict[str, str] | None = None, *,
                  help: str | None = None) -> None:
    """A link to one of the server's download routes (`/download/...`). `params` are filters
    (codes, days, record ids), never free text about a patient."""
    if not path.startswith("/download/"):
        raise ValueError("downloads of patient data go through the server's /download/ routes")
    query = {k: v for k, v in (params or {}).items() if v not in (None, "")}
    url = path + ("?" + urlencode(query) if query else "")
    st.link_button(label, url, icon=":material/download:", help=help)
