"""Extra routes served by the app's own server beside the Streamlit UI (`st.App`).

Each way in adds its Starlette routes here: the web-form webhook, the sign-in cookie route.
"""

from __future__ import annotations

from starlette.routing import BaseRoute


def routes() -> list[BaseRoute]:
    found: list[BaseRoute] = []
    # Each route module is optional so that a part of the product can be built separately.
    for module_name in ("zoelife.ingest.webhook", "zoelife.security.web"):
        try:
            module = __import__(module_name, fromlist=["routes"])
        except ModuleNotFoundError as exc:
            if exc.name is None or not module_name.startswith(exc.name):
                raise
            continue
        found.extend(module.routes())
    return found
