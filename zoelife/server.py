"""Extra routes served by the app's own server beside the Streamlit UI (`st.App`).

Each way in or out adds its Starlette routes here: the web-form webhook, Twilio's webhooks
(texts, calls, delivery status), the sign-in cookie routes, the signed-in downloads.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.responses import PlainTextResponse
from starlette.routing import BaseRoute, Route

from zoelife import config
from zoelife.conversations import cadence, twilio_api
from zoelife.conversations import webhooks as conversation_webhooks
from zoelife.db.engine import shared_engine
from zoelife.ingest.feedparse import expat_warning
from zoelife.ingest.webhook import routes as intake_webhook
from zoelife.intake import pacing
from zoelife.intake.oncall import check_and_alert
from zoelife.security import downloads, web
from zoelife.triage import learned

log = logging.getLogger(__name__)


def ready(_request) -> PlainTextResponse:
    """`GET /api/ready`: 200 once this server reads messages with every layer of triage (the
    learned net trains at start, seconds of CPU), 503 before. For a load balancer's readiness
    check, and for tests that time deliveries to a fresh server."""
    if learned.trained():
        return PlainTextResponse("ready", headers={"Cache-Control": "no-store"})
    return PlainTextResponse("starting", status_code=503, headers={"Cache-Control": "no-store"})


def routes() -> list[BaseRoute]:
    return [Route("/api/ready", ready, methods=["GET"]), *intake_webhook.routes(),
            *conversation_webhooks.routes(), *web.routes(), *downloads.routes()]


ONCALL_CHECK_SECONDS_ENV = "ZOELIFE_ONCALL_CHECK_SECONDS"


@asynccontextmanager
async def lifespan(_app) -> AsyncIterator[None]:
    """Background duties of the server process: the on-call alert check, and training the
    learned crisis net once. At start, a warning when this Python's bundled expat has known
    crash bugs (feeds are parsed in a limited child process all the same; docs/deploy.md says
    which Python to deploy on), and long assessments paced so that they leave the interpreter
    to staff pages and the event loop (zoelife.intake.pacing)."""
    config.warn_at_start()
    pacing.pace()
    warning = expat_warning()
    if warning:
        log.warning(warning)
    # The learned crisis net trains on first use (seconds of CPU): at start, in the background,
    # not in the first crisis message's webhook call or the first request page someone opens.
    warming = asyncio.create_task(asyncio.to_thread(_warm_triage))
    seconds = config.get(ONCALL_CHECK_SECONDS_ENV)
    task = asyncio.create_task(_oncall_loop(seconds)) if seconds > 0 else None
    cadence = _cadence_task()
    try:
        yield
    finally:
        warming.cancel()
        for running in (task, cadence):
            if running is not None:
                running.cancel()


def _cadence_task() -> asyncio.Task | None:
    """The follow-up cadence's texts (zoelife.conversations.cadence), when texting is on."""
    seconds = cadence.cadence_seconds()
    if seconds <= 0 or not twilio_api.sending_enabled():
        return None
    return asyncio.create_task(_cadence_loop(seconds))


async def _cadence_loop(seconds: float) -> None:
    while True:
        await asyncio.sleep(seconds)
        try:
            engine = await asyncio.to_thread(shared_engine)
            await asyncio.to_thread(cadence.run, engine)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - keep going; log the kind only, no data
            log.warning("text cadence failed: %s", type(exc).__name__)


def _warm_triage() -> None:
    learned.net()


async def _oncall_loop(seconds: float) -> None:
    while True:
        await asyncio.sleep(seconds)
        try:
            engine = await asyncio.to_thread(shared_engine)
            await asyncio.to_thread(check_and_alert, engine)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - keep checking; log the kind only, no data
            log.warning("on-call check failed: %s", type(exc).__name__)
