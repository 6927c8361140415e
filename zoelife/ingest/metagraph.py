"""Fetching a Meta lead named by a `leadgen` notification, through the Graph API.

A notification holds only the lead's id. With a Page access token configured
(`ZOELIFE_META_GRAPH_TOKEN`, a secret: environment only), `GET {graph}/{leadgen_id}` returns the
lead (`id`, `created_time`, `field_data`, ...), read by the Meta connector like any lead.
Without a token, or when the fetch fails, the notification is kept in quarantine with a reason
that says so (its id is the key: the same notification re-sent once a token is set, or the
lead imported from a download, is then read whole). The token travels in the Authorization
header, never in a URL; errors name the status, never the response."""

from __future__ import annotations

import re

from zoelife import config
from zoelife.ingest.connectors import LEAD_NOTIFICATION, Submission

TOKEN_ENV = "ZOELIFE_META_GRAPH_TOKEN"
URL_ENV = "ZOELIFE_META_GRAPH_URL"
DEFAULT_URL = config.DEFAULT_META_GRAPH_URL
TIMEOUT_SECONDS = 10.0
LEAD_FIELDS = ("id,created_time,field_data,ad_id,ad_name,adset_id,adset_name,campaign_id,"
               "campaign_name,form_id,is_organic,platform")
NO_TOKEN_REASON = ("Meta lead notification: the lead was not fetched (no Graph API token: set "
                   f"{TOKEN_ENV} on the server, then re-send it or import the lead download)")
_LEAD_ID = re.compile(r"^\d{1,40}$")


def fetch_lead(lead_id: str, *, token: str, base_url: str | None = None) -> dict:
    """The lead's Graph object; raises RuntimeError with a reason naming no patient data."""
    import httpx

    if not _LEAD_ID.match(lead_id or ""):
        raise RuntimeError("the notification's leadgen_id is not a Graph id")
    base = (base_url or config.get(URL_ENV)).rstrip("/")
    try:
        response = httpx.get(f"{base}/{lead_id}", params={"fields": LEAD_FIELDS},
                             headers={"Authorization": f"Bearer {token}"},
                             timeout=TIMEOUT_SECONDS, follow_redirects=False, trust_env=False)
    except httpx.HTTPError as exc:
        raise RuntimeError(f"the Graph API could not be reached ({type(exc).__name__})") from None
    if response.status_code != 200:
        raise RuntimeError(f"the Graph API answered HTTP {response.status_code}")
    try:
        body = response.json()
    except ValueError:
        raise RuntimeError("the Graph API's answer is not JSON") from None
    if not isinstance(body, dict) or not isinstance(body.get("field_data"), list):
        raise RuntimeError("the Graph API's answer is not a lead")
    return body


def resolve(subs: list[Submission], *, token: str | None = None,
            base_url: str | None = None) -> list[Submission]:
    """Each lead notification replaced by its fetched lead, or held with the reason why not."""
    from zoelife.ingest.connectors import meta

    token = token if token is not None else config.get(TOKEN_ENV)
    out = []
    for sub in subs:
        if sub.kind != LEAD_NOTIFICATION:
            out.append(sub)
            continue
        if not token:
            sub.hold_reason = NO_TOKEN_REASON
            out.append(sub)
            continue
        try:
            lead = fetch_lead(sub.lead_id or "", token=token, base_url=base_url)
        except RuntimeError as exc:
            sub.hold_reason = f"Meta lead notification: the lead was not fetched ({exc})"
            out.append(sub)
            continue
        out.append(meta.lead(lead))
    return out
