"""Start-up refusals that read Streamlit's own configuration (so they live under zoelife/ui)."""

from __future__ import annotations

from streamlit import config

from zoelife.ui.tables import data_export_off


class XsrfDisabled(RuntimeError):
    pass


def xsrf_enabled() -> bool:
    return bool(config.get_option("server.enableXsrfProtection"))


def check_hardening() -> None:
    """Refuse to start the server with XSRF protection off (the sign-in form relies on it);
    turn off the table toolbar's unaudited CSV download (zoelife.ui.tables)."""

    data_export_off()
    if not xsrf_enabled():
        raise XsrfDisabled(
            "server.enableXsrfProtection is off; Zoelife Intake refuses to start without it. "
            "Set it to true in .streamlit/config.toml."
        )
