"""HubSpot forms.

- A submission from `GET /form-integrations/v1/submissions/forms/{guid}` (one item of its
  `results`): `conversionId` (the id), `submittedAt` (epoch milliseconds, UTC), `values` as
  `[{name, value}]`, `pageUrl` (the landing page).
- A v3 submit body (`POST /submissions/v3/integration/submit/...`, as a site or relay sends
  it): `fields` as `[{objectTypeId, name, value}]`, `submittedAt` (epoch ms), `context`
  (`pageUri`, `pageName`, `hutk`, `ipAddress`). It has no id: the content keys it.
Property names are HubSpot's internal ones (`firstname`, `lastname`, `mobilephone`, ...)."""

from __future__ import annotations

from typing import Any

from zoelife.ingest.connectors import Submission, flat
from zoelife.ingest.connectors.generic import label_value

TOOL = "hubspot"
SOURCE_WORDS = ("hubspot", "hs-form", "hsforms")
_PROPERTIES = {"firstname": "first_name", "lastname": "last_name", "email": "email",
               "phone": "phone", "mobilephone": "phone", "message": "message",
               "date_of_birth": "date_of_birth", "hs_analytics_source": "heard_about",
               "utm_source": "utm_source", "utm_medium": "utm_medium",
               "utm_campaign": "utm_campaign", "utm_content": "utm_content",
               "utm_term": "utm_term"}


def _pairs(items: Any) -> bool:
    return isinstance(items, list) and bool(items) and all(label_value(i) for i in items)


def detect(body: dict[str, Any], *, by_source: bool) -> bool:
    if "conversionId" in body and _pairs(body.get("values")):
        return True
    if _pairs(body.get("fields")) and ("submittedAt" in body or "context" in body
                                        or "legalConsentOptions" in body):
        return True
    return by_source and (_pairs(body.get("values")) or _pairs(body.get("fields")))


def unpack(body: dict[str, Any]) -> list[Submission]:
    values: dict[str, Any] = {}
    mapping: dict[str, str] = {}
    answers: set[str] = set()
    items = body.get("values") if _pairs(body.get("values")) else body.get("fields")
    for item in items:
        label, value = label_value(item)
        values[label] = value
        answers.add(label)
        if label.lower() in _PROPERTIES:
            mapping[label] = _PROPERTIES[label.lower()]
    meta: dict[str, Any] = {}
    for key, value in body.items():
        if key in ("values", "fields"):
            continue
        flat(f"hubspot {key}", value, meta)
    mapping |= {"hubspot conversionId": "external_id", "hubspot submittedAt": "received_at",
                "hubspot pageUrl": "landing_page", "hubspot context (pageUri)": "landing_page"}
    values = {k: v for k, v in values.items() if k not in meta} | meta
    return [Submission(TOOL, values, mapping,
                       metadata=frozenset(meta) - {"hubspot pageUrl", "hubspot context (pageUri)"},
                       answer_labels=frozenset(answers), utc=True)]
