"""A local stand-in for Twilio, so the conversations are tested without it:

- `MockTwilio`: the REST endpoint the `twilio` client calls to send a text
  (`POST /2010-04-01/Accounts/{sid}/Messages.json`), checking the account's Basic auth and
  recording every text; it can be told to refuse the next ones with a Twilio error code;
- `signed_post`: a webhook call into the app as Twilio makes it (form body and
  `X-Twilio-Signature` over the URL and the parameters, with the auth token).
"""

from __future__ import annotations

import base64
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

from zoelife.conversations import twilio_api

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "mock-auth-token-0123456789abcdef"
CLINIC_NUMBER = "+15005550006"


class MockTwilio:
    def __init__(self) -> None:
        self.sent: list[dict[str, str]] = []
        self.refuse_code: int | None = None
        mock = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args) -> None:  # quiet
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(parse_qsl(self.rfile.read(length).decode()))
                expected = "Basic " + base64.b64encode(
                    f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
                path_ok = self.path == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
                if self.headers.get("Authorization") != expected or not path_ok:
                    return self._json(401 if path_ok else 404,
                                      {"code": 20003, "message": "Authenticate", "status": 401})
                if mock.refuse_code is not None:
                    return self._json(400, {"code": mock.refuse_code, "status": 400,
                                            "message": "refused by the mock"})
                sid = f"SM{uuid.uuid4().hex}"
                mock.sent.append(form | {"Sid": sid})
                return self._json(201, {"sid": sid, "status": "queued", "to": form.get("To"),
                                        "from": form.get("From"), "body": form.get("Body"),
                                        "account_sid": ACCOUNT_SID, "num_segments": "1"})

            def _json(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> MockTwilio:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def env(self) -> dict[str, str]:
        """The server's environment for this mock: sending on, REST calls to the mock."""
        return {twilio_api.ACCOUNT_SID_ENV: ACCOUNT_SID, twilio_api.AUTH_TOKEN_ENV: AUTH_TOKEN,
                twilio_api.FROM_ENV: CLINIC_NUMBER, twilio_api.API_URL_ENV: self.url}


def signed_post(client, path: str, params: dict[str, str], *, token: str = AUTH_TOKEN,
                url: str | None = None, signature: str | None = None):
    """POST `params` to `path` as Twilio does, signed for `url` (default: the URL posted to)."""
    base = str(client.base_url).rstrip("/")
    target = url or base + path
    headers = {twilio_api.SIGNATURE_HEADER:
               signature if signature is not None else twilio_api.sign(token, target, params)}
    return client.post(path, data=params, headers=headers)



def sms_params(body: str, from_: str = "+12025550143", sid: str | None = None) -> dict[str, str]:
    """An inbound text's webhook parameters, as Twilio posts them."""
    sid = sid or f"SM{uuid.uuid4().hex}"
    return {"MessageSid": sid, "SmsSid": sid, "AccountSid": ACCOUNT_SID, "From": from_,
            "To": CLINIC_NUMBER, "Body": body, "NumMedia": "0", "NumSegments": "1",
            "SmsStatus": "received", "ApiVersion": "2010-04-01"}
