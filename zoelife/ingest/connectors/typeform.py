"""Typeform webhooks (`form_response`) and saved Responses API items (`answers` beside
`token`/`response_id`). Times are ISO 8601 with `Z` (UTC). The id is the response `token`.
Hidden fields (utm_*, landing page) and answers are labelled by the question's title."""

from __future__ import annotations

from typing import Any

from zoelife.ingest.connectors import Submission, flat

TOOL = "typeform"
SOURCE_WORDS = ("typeform",)
_META = ("form_id", "event_id", "event_type", "landed_at", "ending", "calculated", "metadata",
         "variables")


def detect(body: dict[str, Any], *, by_source: bool) -> bool:
    if isinstance(body.get("form_response"), dict):
        return True
    return isinstance(body.get("answers"), list) and ("token" in body or "response_id" in body)


def _answer(answer: dict[str, Any]) -> Any:
    kind = answer.get("type")
    value = answer.get(kind) if kind else None
    if isinstance(value, dict):
        value = value.get("labels") or value.get("label") or value.get("other") or value
    return value


def unpack(body: dict[str, Any]) -> list[Submission]:
    resp = body.get("form_response") if isinstance(body.get("form_response"), dict) else body
    titles = {f.get("id"): f.get("title") for f in
              (resp.get("definition") or {}).get("fields", []) if isinstance(f, dict)}
    values: dict[str, Any] = {}
    answers: set[str] = set()
    for key, value in (resp.get("hidden") or {}).items():
        flat(str(key), value, values)
        answers.add(str(key))
    for answer in resp.get("answers") or []:
        if not isinstance(answer, dict):
            continue
        fld = answer.get("field") or {}
        title = str(titles.get(fld.get("id")) or fld.get("ref") or fld.get("id") or "answer")
        flat(title, _answer(answer), values)
        answers.add(title)
    tool = {"token": resp.get("token") or resp.get("response_id") or "",
            "submitted_at": resp.get("submitted_at") or ""}
    meta: dict[str, Any] = {}
    for key in _META:
        if key in resp and key != "definition":
            flat(f"typeform {key}", resp[key], meta)
    if "event_id" in body:
        meta["typeform event_id"] = str(body["event_id"])
    values = {k: v for k, v in values.items() if k not in tool} | tool | meta
    return [Submission(TOOL, values, {"token": "external_id", "submitted_at": "received_at"},
                       metadata=frozenset(meta), answer_labels=frozenset(answers), utc=True)]
