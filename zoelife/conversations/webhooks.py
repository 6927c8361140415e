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


async def _checked(request: Request, route: str) -> tuple[dict[str, str] | None, Response | None]:
    """The POST parameters of a call Twilio signed, else the refusal to answer with."""
    from zoelife.ingest.webhook.bodies import BodyTimeout, BodyTooLarge, read_limited

    cfg = twilio_api.config()
    if not cfg.receiving:
        log.info("twilio %s: 503", route)
        return None, _text(503, "Texting is not configured on this server "
                                "(ZOELIFE_TWILIO_AUTH_TOKEN is not set).")
    try:
        body = await read_limited(request, MAX_BYTES)
    except BodyTooLarge:
        return None, _text(413, "body too large")
    except BodyTimeout:
        return None, _text(408, "the body did not arrive in time")
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
        return None, _text(403, "The Twilio signature is missing or does not match.")
    return params, None


async def _run(route: str, fn, params: dict[str, str]):
    """`fn(engine, params)` off the event loop: (engine, result, None) or (engine, None,
    the error response)."""
    engine = _engine()
    try:
        return engine, await run_in_threadpool(fn, engine, params), None
    except ValueError:
        log.info("twilio %s: 400", route)
        return engine, None, _text(400, "required Twilio parameters are missing")
    except Exception as exc:  # noqa: BLE001 - answer without echoing any patient data
        if as_unavailable(exc) is not None:
            log.info("twilio %s: 503", route)
            return engine, None, _text(503, str(as_unavailable(exc)))
        log.error("twilio %s: failed (%s)", route, type(exc).__name__)
        return engine, None, _text(500, "internal error")


def _xml(twiml: str, engine=None, result: inbound.Received | None = None) -> Response:
    """The TwiML answer; the automatic texts and the on-call check run after it is sent."""
    task = None
    if result is not None and (result.outbound or result.oncall):
        task = BackgroundTask(inbound.after_commit, engine, result.outbound, result.oncall)
    return Response(twiml, media_type=XML, background=task)


async def sms(request: Request) -> Response:
    params, refused = await _checked(request, "sms")
    if refused is not None:
        return refused
    engine, result, failed = await _run("sms", inbound.receive_sms, params)
    if failed is not None:
        return failed
    log.info("twilio sms: 200 (%s)", "stored" if result.stored else "repeated")
    # Replies go out through the REST API (stored, with status callbacks), not in the TwiML.
    return _xml(twilio_api.messaging_twiml(), engine, result)


async def status(request: Request) -> Response:
    params, refused = await _checked(request, "status")
    if refused is not None:
        return refused
    _engine_used, _result, failed = await _run("status", outbound.record_status, params)
    if failed is not None:
        return failed
    return Response(status_code=204)


def _base(request: Request) -> str:
    cfg = twilio_api.config()
    if cfg.public_url:
        return cfg.public_url
    return str(request.base_url).rstrip("/")


async def voice(request: Request) -> Response:
    params, refused = await _checked(request, "voice")
    if refused is not None:
        return refused
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
        engine, result, failed = await _run("voice", calls.record_missed_call, params)
        if failed is not None:
            return failed
        greeting = await run_in_threadpool(_greeting, engine)
        return _xml(twilio_api.voicemail_twiml(greeting, here + "?event=recorded",
                                               here + "?event=transcript"),
                    engine, result)
    if event == "recorded":
        engine, _result, failed = await _run("voice", calls.record_voicemail, params)
        if failed is not None:
            return failed
        return _xml(twilio_api.hangup_twiml())
    if event == "transcript":
        engine, result, failed = await _run("voice", calls.record_transcript, params)
        if failed is not None:
            return failed
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
