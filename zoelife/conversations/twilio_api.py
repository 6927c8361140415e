"""The Twilio connection: configuration from the environment (read through `zoelife.config`),
the REST client, the signature check and the TwiML answers (the `twilio` package does each;
docs/conversations.md).

Environment (never settings: the auth token is a secret):
- `ZOELIFE_TWILIO_ACCOUNT_SID`, `ZOELIFE_TWILIO_AUTH_TOKEN`: the account. Without the token the
  `/api/twilio/...` routes answer 503 and store nothing.
- `ZOELIFE_TWILIO_FROM`: the clinic's Twilio number (E.164) or a Messaging Service SID (`MG...`).
  Sending is on only with all three set ("SMS off" otherwise: nothing is sent, the pages say so).
- `ZOELIFE_TWILIO_PUBLIC_URL`: the address Twilio is given for the webhooks
  (`https://intake.clinic.example`); signatures are computed on it. Unset: on the URL the
  request came to (right only without a proxy that rewrites the host or scheme).
- `ZOELIFE_TWILIO_FORWARD_TO`: a number the voice webhook rings first; unset, every call to the
  Twilio number is a missed call that goes to voicemail.
- `ZOELIFE_TWILIO_API_URL`: the REST API's base (tests point it at a local mock).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from zoelife import config as config_vars
from zoelife.intake.normalize import split_url

ACCOUNT_SID_ENV = "ZOELIFE_TWILIO_ACCOUNT_SID"
AUTH_TOKEN_ENV = "ZOELIFE_TWILIO_AUTH_TOKEN"
FROM_ENV = "ZOELIFE_TWILIO_FROM"
PUBLIC_URL_ENV = "ZOELIFE_TWILIO_PUBLIC_URL"
FORWARD_TO_ENV = "ZOELIFE_TWILIO_FORWARD_TO"
API_URL_ENV = "ZOELIFE_TWILIO_API_URL"
SIGNATURE_HEADER = "X-Twilio-Signature"
SETTINGS_HEADER = "X-Twilio-Webhooks-Signature-Settings"
REST_TIMEOUT_SECONDS = 10.0


def _env(name: str) -> str | None:
    return config_vars.get(name) or None


@dataclass(frozen=True)
class TwilioConfig:
    account_sid: str | None
    auth_token: str | None
    sender: str | None
    public_url: str | None
    forward_to: str | None
    api_url: str | None

    @property
    def receiving(self) -> bool:
        """Webhooks can be checked (the auth token is set)."""
        return bool(self.auth_token)

    @property
    def sending(self) -> bool:
        """Texts can be sent: account, token and sender all set."""
        return bool(self.account_sid and self.auth_token and self.sender)


def config() -> TwilioConfig:
    public = _env(PUBLIC_URL_ENV)
    return TwilioConfig(_env(ACCOUNT_SID_ENV), _env(AUTH_TOKEN_ENV), _env(FROM_ENV),
                        public.rstrip("/") if public else None, _env(FORWARD_TO_ENV),
                        _env(API_URL_ENV))


def sending_enabled() -> bool:
    return config().sending


# --------------------------------------------------------------------------- signatures


def signed_url(cfg: TwilioConfig, request_url: str) -> str:
    """The URL Twilio signed: the configured public address with this request's path and
    query, else the URL the request came to."""
    if not cfg.public_url:
        return request_url
    parts = urlsplit(request_url)
    return cfg.public_url + parts.path + (f"?{parts.query}" if parts.query else "")


def valid_signature(cfg: TwilioConfig, url: str, params, signature: str | None,
                    settings_header: str | None = None) -> bool:
    """Twilio's `X-Twilio-Signature` over the URL and the POST parameters (the `twilio`
    package's RequestValidator, with and without the default port)."""
    if not cfg.auth_token or not signature:
        return False
    from twilio.request_validator import RequestValidator, get_signature_algorithm

    algorithm = get_signature_algorithm(settings_header) if settings_header else None
    return RequestValidator(cfg.auth_token).validate(url, params, signature.strip(),
                                                     algorithm=algorithm)


def sign(auth_token: str, url: str, params) -> str:
    """The signature Twilio sends for `url` and `params` (tests and the mock use it)."""
    from twilio.request_validator import RequestValidator

    return RequestValidator(auth_token).compute_signature(url, params)


# --------------------------------------------------------------------------- REST


class SendFailed(Exception):
    """Twilio refused or could not be reached; the message carries no patient data."""

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        self.code = code


def send_sms(cfg: TwilioConfig, to: str, body: str, status_callback: str | None
             ) -> tuple[str, str]:
    """Send one text through the REST API; returns (MessageSid, status)."""
    from twilio.base.exceptions import TwilioException, TwilioRestException
    from twilio.http.http_client import TwilioHttpClient
    from twilio.rest import Client

    if not cfg.sending:
        raise SendFailed("Texting is off: Twilio is not configured on the server.")
    client = Client(cfg.account_sid, cfg.auth_token,
                    http_client=TwilioHttpClient(timeout=REST_TIMEOUT_SECONDS))
    if cfg.api_url:
        client.api.base_url = cfg.api_url
    kwargs: dict = {"to": to, "body": body}
    if cfg.sender.startswith("MG"):
        kwargs["messaging_service_sid"] = cfg.sender
    else:
        kwargs["from_"] = cfg.sender
    if status_callback:
        kwargs["status_callback"] = status_callback
    try:
        message = client.messages.create(**kwargs)
    except TwilioRestException as exc:
        raise SendFailed(f"Twilio refused the text (error {exc.code}).",
                         str(exc.code) if exc.code else None) from None
    except TwilioException:
        raise SendFailed("Twilio could not be reached; the text was not sent.") from None
    except OSError:
        raise SendFailed("Twilio could not be reached; the text was not sent.") from None
    return message.sid, (message.status or "queued")


# --------------------------------------------------------------------------- TwiML


def messaging_twiml(reply: str | None = None) -> str:
    from twilio.twiml.messaging_response import MessagingResponse

    response = MessagingResponse()
    if reply:
        response.message(reply)
    return str(response)


def voicemail_twiml(greeting: str, recorded_url: str, transcript_url: str) -> str:
    from twilio.twiml.voice_response import VoiceResponse

    response = VoiceResponse()
    if greeting:
        response.say(greeting)
    # Twilio transcribes recordings of up to two minutes.
    response.record(max_length=120, play_beep=True, action=recorded_url, method="POST",
                    transcribe=True, transcribe_callback=transcript_url)
    response.hangup()
    return str(response)


def dial_twiml(number: str, action_url: str, timeout: int = 20) -> str:
    from twilio.twiml.voice_response import VoiceResponse

    response = VoiceResponse()
    response.dial(number, action=action_url, method="POST", timeout=timeout)
    return str(response)


def hangup_twiml() -> str:
    from twilio.twiml.voice_response import VoiceResponse

    response = VoiceResponse()
    response.hangup()
    return str(response)


def recording_link(url: str | None) -> str | None:
    """The recording's address when it is Twilio's own (https, a twilio.com host): the only
    link the timeline shows for a voicemail."""
    parts = split_url(url)
    if parts is None:
        return None
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or not (host == "twilio.com" or host.endswith(".twilio.com")):
        return None
    return url.strip()[:500]
