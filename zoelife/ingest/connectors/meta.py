"""Meta (Facebook/Instagram) Lead Ads.

- A Graph API lead (`GET /{lead-id}`, or one item of `/{form-id}/leads`' `data`): `id`,
  `created_time` ("2015-02-28T08:49:14+0000", an explicit offset), `field_data` as
  `[{name, values: [...]}]`, `ad_id`, `form_id`, `campaign_name`, `platform`...
- A relayed flat lead (Zapier's or Make's Facebook Lead Ads step, a CSV download turned JSON):
  the same keys at the top level (`full_name`, `email`, `phone_number`, `created_time`).
- A `leadgen` notification (`{"object": "page", "entry": [{"changes": [{"field": "leadgen",
  "value": {"leadgen_id": ...}}]}]}`): no answers, only the lead's id; the lead is fetched from
  the Graph API when a token is configured (`zoelife.ingest.metagraph`).
Meta's standard questions that are not about care (`relationship_status`, `marital_status`,
`gender`, `job_title`, ...) are kept as metadata, never triaged or read as the submitter.
"""

from __future__ import annotations

from typing import Any

from zoelife.ingest.connectors import LEAD_NOTIFICATION, Submission, flat, text_of

TOOL = "meta"
SOURCE_WORDS = ("meta", "facebook", "instagram", "leadgen", "lead-ads", "fb-")
_FIELDS = {"full_name": "full_name", "first_name": "first_name", "last_name": "last_name",
           "email": "email", "phone_number": "phone", "phone": "phone",
           "date_of_birth": "date_of_birth", "created_time": "received_at", "id": "external_id",
           "leadgen_id": "external_id", "campaign_name": "utm_campaign",
           "platform": "utm_source"}
_META = frozenset({"ad_id", "ad_name", "adset_id", "adset_name", "campaign_id", "form_id",
                   "form_name", "is_organic", "platform", "page_id", "adgroup_id",
                   "relationship_status", "marital_status", "gender", "job_title",
                   "company_name", "work_email", "work_phone_number", "military_status",
                   "custom_disclaimer_responses", "partner_name", "retailer_item_id",
                   "home_listing", "vehicle", "inbox_url", "is_test_lead", "lead_status",
                   "post_code", "zip_code", "city", "state", "province",
                   "country", "street_address"})
_PLATFORMS = {"fb": "facebook", "ig": "instagram", "msg": "messenger", "an": "audience_network"}


def _notification_values(body: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    if body.get("object") == "page" and isinstance(body.get("entry"), list):
        for entry in body["entry"]:
            for change in (entry or {}).get("changes") or []:
                if isinstance(change, dict) and change.get("field") == "leadgen" \
                        and isinstance(change.get("value"), dict):
                    found.append(change["value"])
    elif body.get("field") == "leadgen" and isinstance(body.get("value"), dict):
        found.append(body["value"])  # one change, as Meta's test tool shows it
    return found


def detect(body: dict[str, Any], *, by_source: bool) -> bool:
    if _notification_values(body) or isinstance(body.get("field_data"), list):
        return True
    keys = set(body)
    return ("leadgen_id" in keys or {"ad_id", "form_id"} <= keys
            or (by_source and bool(keys & {"full_name", "phone_number", "created_time"})))


def lead(body: dict[str, Any]) -> Submission:
    """A Graph lead or a relayed flat lead as a submission."""
    values: dict[str, Any] = {}
    mapping: dict[str, str] = {}
    metadata: set[str] = set()
    answers: set[str] = set()
    for item in body.get("field_data") or []:
        if not isinstance(item, dict) or "name" not in item:
            continue
        name = str(item["name"])
        raw = item.get("values", item.get("value"))
        value = text_of(raw[0] if isinstance(raw, list) and len(raw) == 1 else raw)
        values[name] = value
        if name in _META:
            metadata.add(name)
        elif name in _FIELDS and _FIELDS[name] not in ("external_id", "received_at"):
            mapping[name] = _FIELDS[name]
        else:
            answers.add(name)
    for key, raw in body.items():
        if key == "field_data":
            continue
        if key == "platform" and isinstance(raw, str):
            raw = _PLATFORMS.get(raw.lower(), raw)
        before = set(values)
        flat(str(key), raw, values)
        added = set(values) - before
        if key in _FIELDS:
            mapping[key] = _FIELDS[key]
        elif key in _META or any(k.startswith(f"{key} (") for k in added):
            metadata |= added
    if "id" in values and "leadgen_id" in values:
        mapping.pop("leadgen_id", None)
        metadata.add("leadgen_id")
    return Submission(TOOL, values, mapping, metadata=frozenset(metadata),
                      answer_labels=frozenset(answers), utc=True)


def unpack(body: dict[str, Any]) -> list[Submission]:
    notes = _notification_values(body)
    if notes:
        out = []
        for value in notes:
            values: dict[str, Any] = {}
            for key, raw in value.items():
                flat(f"leadgen {key}", raw, values)
            lead_id = str(value.get("leadgen_id") or "")
            values["leadgen_id"] = lead_id
            out.append(Submission(TOOL, values, {"leadgen_id": "external_id",
                                                 "leadgen created_time": "received_at"},
                                  metadata=frozenset(values) - {"leadgen_id"}, utc=True,
                                  kind=LEAD_NOTIFICATION, lead_id=lead_id))
        return out
    return [lead(body)]
