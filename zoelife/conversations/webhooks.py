"""Twilio's webhooks on the app's own server, beside `/api/intake`:

- `POST /api/twilio/sms`: an inbound text (the number's "A message comes in" URL);
- `POST /api/twilio/voice`: an inbound call (the number's "A call comes in" URL); the same
  route takes the dial result (`?event=dial`), the recording (`?event=recorded`) and the
  transcript (`?event=transcript`) callbacks the TwiML it answers asks for;
- `POST /api/twilio/status`: delivery status callbacks of the texts the app sends.

Every call must carry a valid `X-Twilio-Signature` (HMAC-SHA1 of the URL and the POST
parameters with `ZOELIFE_TWILIO_AUTH_TOKEN`), computed on `ZOELIFE_TWILIO_PUBLIC_URL` plus the
path when it is set, else on the URL the request came to: a missing or wrong one gets 403 and
nothing is stored. No token configured: 503. Twilio repeats a delivery it thinks failed; each
sid is stored once (the answer is the same). Bodies over 64 KiB: 413. Logs name the route and
the status only, never a number or a word of a message.
"""

from __future__ import annotations

import logging
from functools import wraps
from urllib.parse import parse_qsl

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from zoelife.conversations import calls, inbound, outbound, templates, twilio_api
from zoelife.db.engine import as_unavailable, shared_engine

log = logging.getLogger(__name__)

MAX_BYTES = 64 * 1024
MAX_FIELDS = 200
XML = "application/xml"


def _engine():
    return shared_engine()


def _text(status: int, message: str) -> PlainTextResponse:
    return PlainTextResponse(message, status_code=status, headers={"Cache-Control": "no-store"})


class _Answered(Exception):
    """A call answered before its route's own answer: refused (`_checked`) or failed (`_run`)."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def _signed(route: str):
    """A route's handler, called as `handler(request, params)` with the POST parameters of a
    call Twilio signed; a refused call or a failed step answers with its own response."""
    def wrap(handler):
        @wraps(handler)
        async def endpoint(request: Request) -> Response:
            try:
                return await handler(request, await _checked(request, route))
            except _Answered as answered:
                return answered.response
        return endpoint
    return wrap


async def _checked(request: Request, route: str) -> dict[str, str]:
    """The POST parameters of a call Twilio signed; else raises the refusal to answer with."""
    from zoelife.ingest.webhook.bodies import BodyTimeout, BodyTooLarge, read_limited

    cfg = twilio_api.config()
    if not cfg.receiving:
        log.info("twilio %s: 503", route)
        raise _Answered(_text(503, "Texting is not configured on this server "
                                   "(ZOELIFE_TWILIO_AUTH_TOKEN is not set)."))
    try:
        body = await read_limited(request, MAX_BYTES)
    except BodyTooLarge:
        raise _Answered(_text(413, "body too large")) from None
    except BodyTimeout:
        raise _Answered(_text(408, "the body did not arrive in time")) from None
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True,
                          max_num_fields=MAX_FIELDS)
    except (UnicodeDecodeError, ValueError):
        pairs = None
    params = dict(pairs) if pairs is not None else None
    url = twilio_api.signed_url(cfg, str(request.url))
    if params is None or not twilio_api.valid_signature(
            cfg, url, params, request.headers.get(twilio_api.SIGNATURE_HEADER),
            request.headers.get(twilio_api.SETTINGS_HEADER)):
        log.info("twilio %s: 403", route)
        raise _Answered(_text(403, "The Twilio signature is missing or does not match."))
    return params


async def _run(route: str, fn, params: dict[str, str]):
    """`fn(engine, params)` off the event loop: (engine, result); else raises the error
    response (400, 503, 500) to answer with."""
    engine = _engine()
    try:
        return engine, await run_in_threadpool(fn, engine, params)
    except ValueError:
        log.info("twilio %s: 400", route)
        raise _Answered(_text(400, "required Twilio parameters are missing")) from None
    except Exception as exc:  # noqa: BLE001 - answer without echoing any patient data
        if as_unavailable(exc) is not None:
            log.info("twilio %s: 503", route)
            raise _Answered(_text(503, str(as_unavailable(exc)))) from None
        log.error("twilio %s: failed (%s)", route, type(exc).__name__)
        raise _Answered(_text(500, "internal error")) from None


def _xml(twiml: str, engine=None, result: inbound.Received | None = None) -> Response:
    """The TwiML answer; the automatic texts and the on-call check run after it is sent."""
    task = None
    if result is not None and (result.outbound or result.oncall):
        task = BackgroundTask(inbound.after_commit, engine, result.outbound, result.oncall)
    return Response(twiml, media_type=XML, background=task)


@_signed("sms")
async def sms(request: Request, params: dict[str, str]) -> Response:
    engine, result = await _run("sms", inbound.receive_sms, params)
    log.info("twilio sms: 200 (%s)", "stored" if result.stored else "repeated")
    # Replies go out through the REST API (stored, with status callbacks), not in the TwiML.
    return _xml(twilio_api.messaging_twiml(), engine, result)


@_signed("status")
async def status(request: Request, params: dict[str, str]) -> Response:
    await _run("status", outbound.record_status, params)
    return Response(status_code=204)


def _base(request: Request) -> str:
    cfg = twilio_api.config()
    if cfg.public_url:
        return cfg.public_url
    return str(request.base_url).rstrip("/")


@_signed("voice")
async def voice(request: Request, params: dict[str, str]) -> Response:
    event = request.query_params.get("event", "")
    here = _base(request) + "/api/twilio/voice"
    cfg = twilio_api.config()
    if event == "" and cfg.forward_to:
        # Ring the front desk first; the dial's result comes back as event=dial.
        return _xml(twilio_api.dial_twiml(cfg.forward_to, here + "?event=dial"))
    if event == "dial" and (params.get("DialCallStatus") or "").lower() in ("completed",
                                                                            "answered"):
        return _xml(twilio_api.hangup_twiml())
    if event in ("", "dial"):
        engine, result = await _run("voice", calls.record_missed_call, params)
        greeting = await run_in_threadpool(_greeting, engine)
        return _xml(twilio_api.voicemail_twiml(greeting, here + "?event=recorded",
                                               here + "?event=transcript"),
                    engine, result)
    if event == "recorded":
        await _run("voice", calls.record_voicemail, params)
        return _xml(twilio_api.hangup_twiml())
    if event == "transcript":
        engine, result = await _run("voice", calls.record_transcript, params)
        return _xml(twilio_api.messaging_twiml(), engine, result)
    return _text(404, "unknown voice event")


def _greeting(engine) -> str:
    from zoelife import settings
    from zoelife.db.engine import read_session

    with read_session(engine) as session:
        values = settings.load(session)
    return templates.render(values["voice_greeting"], first_name=None,
                            clinic=values["clinic_name"])


def routes() -> list[Route]:
    return [
        Route("/api/twilio/sms", sms, methods=["POST"]),
        Route("/api/twilio/voice", voice, methods=["POST"]),
        Route("/api/twilio/status", status, methods=["POST"]),
    ]
