"""Gravity Forms.

- "All Fields" (the Webhooks Add-On's default body, the REST API's entry object): the entry
  with Gravity's own keys (`id`, `form_id`, `date_created`, `source_url`, `ip`, `user_agent`,
  `status`, ...) and every answer keyed by its numeric field id (`"1.3"`, `"2"`). Without the
  form's definition the ids name nothing: a mapping saved for the source names them (set once
  on the Import page from one received body); meanwhile email and phone are recognised by
  value, and a body that still has no usable contact is quarantined with "fields arrived as
  numeric ids: map them once".
- "Select Fields" bodies and the CSV export are labelled (`Name (First)`, `Email`, ...).
`date_created` is UTC ("The UTC date and time the entry was created", Gravity's entry object
documentation); the CSV export's `Entry Date` is the site's local time (clinic time)."""

from __future__ import annotations

from typing import Any

from zoelife.ingest.connectors import Submission, flat, is_numeric_key

TOOL = "gravity"
SOURCE_WORDS = ("gravity",)
_ENTRY_KEYS = frozenset({"id", "form_id", "post_id", "date_created", "date_updated",
                         "is_starred", "is_read", "ip", "source_url", "user_agent", "status",
                         "currency", "payment_status", "payment_date", "payment_amount",
                         "payment_method", "transaction_id", "is_fulfilled", "created_by",
                         "transaction_type", "source_id", "submission_speeds"})


def detect(body: dict[str, Any], *, by_source: bool) -> bool:
    keys = set(body)
    if {"form_id", "date_created"} <= keys and keys & {"is_starred", "source_url", "ip",
                                                        "is_read", "user_agent"}:
        return True
    # A "Select Fields" body keyed like the export, with the entry's own date_created.
    if "date_created" in keys and keys & {"Entry Id", "Entry ID", "Source Url", "Name (First)"}:
        return True
    return by_source


def unpack(body: dict[str, Any]) -> list[Submission]:
    values: dict[str, Any] = {}
    meta: set[str] = set()
    numeric = False
    for key, value in body.items():
        key = str(key)
        if key in _ENTRY_KEYS:
            flat(key, value, values)
            if key not in ("id", "date_created", "source_url"):
                meta.add(key)
            continue
        if key.startswith("gpdf_") or key.startswith("gppa"):
            flat(key, value, values)
            meta.add(key)
            continue
        numeric = numeric or is_numeric_key(key)
        flat(key, value, values)
    mapping = {"id": "external_id", "date_created": "received_at", "source_url": "landing_page"}
    mapping = {k: v for k, v in mapping.items() if k in values}
    # The keys are the form admin's (field ids or the webhook's labels), never the person's:
    # a labelled `Entry Id` is the entry's id.
    return [Submission(TOOL, values, mapping, metadata=frozenset(meta), utc=True,
                       numeric_ids=numeric)]
