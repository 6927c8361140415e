"""Jotform webhooks: multipart or form fields with the answers as JSON in `rawRequest`
(`q3_fullName`, `q4_email`, names as `{first, last}`), beside Jotform's own `submissionID`,
`formID`, `ip`... The id is `submissionID`. Jotform's webhook carries no submission time
(arrival is used); saved API submissions (`answers` keyed by question id, `created_at` in the
account's time zone) are read with the clinic's."""

from __future__ import annotations

import json
from typing import Any

from zoelife.ingest.connectors import Submission, flat

TOOL = "jotform"
SOURCE_WORDS = ("jotform",)
_TOOL_KEYS = ("submissionID", "formID", "ip", "formTitle", "username", "type", "webhookURL",
              "customParams", "product", "documentID", "teamID", "subject", "isSilent",
              "customTitle", "appID", "event_id", "slug", "unread", "status", "form_id",
              "updated_at", "new", "flag", "notes")


def _raw(body: dict[str, Any]) -> dict[str, Any] | None:
    raw = body.get("rawRequest")
    if isinstance(raw, str) and raw.strip().startswith("{"):
        try:
            inner = json.loads(raw)
        except ValueError:
            return None
        return inner if isinstance(inner, dict) else None
    return raw if isinstance(raw, dict) else None


def detect(body: dict[str, Any], *, by_source: bool) -> bool:
    if _raw(body) is not None:
        return True
    return isinstance(body.get("answers"), dict) and "form_id" in body


def unpack(body: dict[str, Any]) -> list[Submission]:
    values: dict[str, Any] = {}
    answers: set[str] = set()
    inner = _raw(body)
    if inner is None:  # a saved API submission: answers keyed by question id
        for answer in body["answers"].values():
            if isinstance(answer, dict) and "answer" in answer:
                label = str(answer.get("text") or answer.get("name") or "answer")
                flat(label, answer["answer"], values)
                answers.add(label)
        tool = {"submissionID": str(body.get("id") or ""),
                "created_at": str(body.get("created_at") or "")}
    else:
        for key, value in inner.items():
            if key in ("slug", "event_id", "submitSource", "buildDate", "timeToSubmit",
                       "jsExecutionTracker", "validatedNewRequiredFieldIDs", "path"):
                continue
            flat(str(key), value, values)
            answers.add(str(key))
        tool = {"submissionID": str(body.get("submissionID") or "")}
    meta: dict[str, Any] = {}
    for key in _TOOL_KEYS:
        if key in body and key not in tool and key != "id":
            flat(f"jotform {key}", body[key], meta)
    values = {k: v for k, v in values.items() if k not in tool} | tool | meta
    return [Submission(TOOL, values, {"submissionID": "external_id", "created_at": "received_at"},
                       metadata=frozenset(meta), answer_labels=frozenset(answers), untimed=True)]
