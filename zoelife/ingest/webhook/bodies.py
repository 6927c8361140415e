"""A delivery's body: read within its size and time limits, then parsed (JSON, form-encoded
or multipart) in linear time, at most `MAX_FIELDS` fields."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from zoelife import config

MAX_BYTES_ENV = "ZOELIFE_WEBHOOK_MAX_BYTES"
DEFAULT_MAX_BYTES = config.VARIABLES[MAX_BYTES_ENV].default
# A form tool sends its whole body at once; a body trickling in for longer is holding a
# connection (and its buffer) open, not delivering.
READ_SECONDS = 10.0
# A contact form has tens of fields; tens of thousands of repeated keys were an attack.
MAX_FIELDS = 1000


class BodyTooLarge(Exception):
    pass


class BodyTimeout(Exception):
    pass


class BadBody(Exception):
    pass


def max_bytes() -> int:
    return config.get(MAX_BYTES_ENV)


async def read_limited(request: Request, limit: int, seconds: float | None = None) -> bytes:
    """The body, at most `limit` bytes (else BodyTooLarge), received within `seconds` in all
    (else BodyTimeout)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(READ_SECONDS if seconds is None else seconds):
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise BodyTooLarge
                chunks.append(chunk)
    except TimeoutError:
        raise BodyTimeout from None
    return b"".join(chunks)


def _add(data: dict[str, Any], k: str, v: str, *, list_marker: bool) -> None:
    """One form field into `data`: a key seen again becomes a list, appended in place (a new
    list per repeat made 87,000 repeated keys quadratic: 5.7 s on the event loop)."""
    key = k[:-2] if k.endswith("[]") else k
    if key in data:
        prev = data[key]
        if isinstance(prev, list):
            prev.append(v)
        else:
            data[key] = [prev, v]
    else:
        data[key] = [v] if list_marker and k.endswith("[]") else v


def parse_form(body: bytes) -> dict[str, Any]:
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True,
                          max_num_fields=MAX_FIELDS)
    except UnicodeDecodeError:
        raise BadBody("the form body is not UTF-8") from None
    except ValueError:
        raise BadBody(f"the form body has more than {MAX_FIELDS} fields") from None
    data: dict[str, Any] = {}
    for k, v in pairs:
        _add(data, k, v, list_marker=True)
    return data


def parse_json(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadBody("the body is not valid JSON, form-encoded or multipart data") from None
    if isinstance(payload, list) and len(payload) == 1:
        payload = payload[0]
    if not isinstance(payload, dict):
        raise BadBody("the JSON body must be one object")
    if len(payload) > MAX_FIELDS:
        raise BadBody(f"the JSON body has more than {MAX_FIELDS} fields")
    return payload


def content_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def parse_body(request: Request, body: bytes) -> dict[str, Any]:
    ctype = content_type(request)
    if ctype == "application/x-www-form-urlencoded":
        return await run_in_threadpool(parse_form, body)
    if ctype == "multipart/form-data":
        async def replay() -> dict[str, Any]:
            return {"type": "http.request", "body": body, "more_body": False}

        try:
            form = await Request(request.scope, replay).form(max_files=MAX_FIELDS,
                                                             max_fields=MAX_FIELDS)
        except Exception:  # noqa: BLE001 - any parser failure is a bad body
            raise BadBody("the multipart body cannot be read (or has more than "
                          f"{MAX_FIELDS} fields)") from None
        data: dict[str, Any] = {}
        for k, v in form.multi_items():
            if not isinstance(v, str):
                continue  # uploaded files are not part of a request
            _add(data, k, v, list_marker=False)
        return data
    return await run_in_threadpool(parse_json, body)

