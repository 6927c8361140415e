"""The webhook's routes: a POST read, authenticated, parsed and stored, and its answer
(what is accepted and answered: this package's docstring and docs/ingest.md)."""

from __future__ import annotations

import logging
import re
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from zoelife.ingest.webhook.alone import store_alone
from zoelife.ingest.webhook.auth import authenticate, replay_key
from zoelife.ingest.webhook.bodies import (
    READ_SECONDS,
    BadBody,
    BodyTimeout,
    BodyTooLarge,
    content_type,
    max_bytes,
    parse_body,
    parse_form,
    parse_json,
    read_limited,
)
from zoelife.ingest.webhook.group_commit import GROUP, Delivery
from zoelife.ingest.webhook.submission import DEFAULT_SOURCE

log = logging.getLogger(__name__)

_SOURCE_RX = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,119}$")


def store(payload: dict[str, Any], source: str | None, client: str | None, *,
          signature: str | None = None) -> tuple[int, dict]:
    """Unpack (`zoelife.ingest.connectors`), map, receive and commit a body's submissions;
    returns (status, response body).

    `source` is the path's (the credential was checked for it), else `web-form`: never taken
    from the payload, where anyone holding another credential could claim a source's ids.
    `signature`: a timestamped signature's replay key, refused when already accepted.
    Bookings and lead notifications are not new requests (`zoelife.intake.bookings`,
    `zoelife.ingest.metagraph`).

    A body holding one plain submission joins the deliveries that arrive while another
    batch is being stored (`GROUP`): they go through the stages together, one batch and one
    transaction, and each is answered once that transaction committed."""
    from zoelife.db.engine import as_unavailable
    from zoelife.ingest import connectors

    try:
        subs = connectors.unpack(payload, source)
    except Exception as exc:
        fault = as_unavailable(exc)
        if fault is None:
            raise
        return 503, {"status": "unavailable", "message": str(fault)}
    if len(subs) == 1 and subs[0].kind not in (connectors.BOOKING, connectors.CANCELLATION,
                                               connectors.LEAD_NOTIFICATION):
        return GROUP.submit(Delivery(subs[0], source or DEFAULT_SOURCE, client, signature))
    return store_alone(subs, source, client, signature=signature)


def _parse_and_store(ctype: str, body: bytes, source: str | None, client: str | None,
                     signature: str | None) -> tuple[int, dict]:
    """A JSON or form body parsed (BadBody when it cannot be) and stored, in a worker thread."""
    parse = parse_form if ctype == "application/x-www-form-urlencoded" else parse_json
    return store(parse(body), source, client, signature=signature)


async def intake(request: Request) -> JSONResponse:
    source = request.path_params.get("source")
    if source is not None and not _SOURCE_RX.match(source):
        return JSONResponse({"status": "error", "message": "unknown source name"}, 404)
    try:
        body = await read_limited(request, max_bytes())
    except BodyTooLarge:
        log.info("webhook %s: 413", source or "-")
        return JSONResponse({"status": "error",
                             "message": f"body larger than {max_bytes()} bytes"}, 413)
    except BodyTimeout:
        log.info("webhook %s: 408", source or "-")
        return JSONResponse({"status": "error", "message": "the body did not arrive within "
                             f"{READ_SECONDS:g} seconds"}, 408,
                            headers={"Connection": "close"})
    refused = authenticate(request.headers, body, source, path=request.url.path)
    if refused is not None:
        status, message = refused
        log.info("webhook %s: %s", source or "-", status)
        return JSONResponse({"status": "error", "message": message}, status)
    client = request.client.host if request.client else None
    signature = replay_key(request.headers)
    ctype = content_type(request)
    try:
        if ctype == "multipart/form-data":
            payload = await parse_body(request, body)
            status, answer = await run_in_threadpool(store, payload, source, client,
                                                     signature=signature)
        else:
            # JSON and form bodies: parsed and stored in one trip to the thread pool.
            status, answer = await run_in_threadpool(_parse_and_store, ctype, body, source,
                                                     client, signature)
    except BadBody as exc:
        log.info("webhook %s: 400", source or "-")
        return JSONResponse({"status": "error", "message": str(exc)}, 400)
    except Exception as exc:  # noqa: BLE001 - answer 500 without echoing any patient data
        log.error("webhook %s: failed (%s)", source or "-", type(exc).__name__)
        return JSONResponse({"status": "error", "message": "internal error"}, 500)
    log.info("webhook %s: %s", source or "-", status)
    return JSONResponse(answer, status)


def routes() -> list[Route]:
    return [
        Route("/api/intake", intake, methods=["POST"]),
        Route("/api/intake/{source}", intake, methods=["POST"]),
    ]
