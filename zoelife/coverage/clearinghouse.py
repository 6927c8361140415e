"""The clearinghouse adapter: the 270 posted as the request body (`application/edi-x12`) to
the clearinghouse URL with a bearer key, the 271 read back; configured from the environment
and audited per inquiry. Real clearinghouses wrap this in their own envelopes (CAQH CORE SOAP
or MIME, or JSON): `Clearinghouse.send` is the one place to adapt. Without a clearinghouse the
benefits are entered by hand; with one, the 271's benefits only *suggest* a benefits record,
which staff confirm."""

from __future__ import annotations

import datetime as dt
import urllib.error
import urllib.request

from zoelife import audit, config
from zoelife.coverage.eligibility_answer import GENERAL, Benefits, read_271
from zoelife.coverage.eligibility_inquiry import (
    SERVICE_TYPES,
    EligibilityError,
    Inquiry,
    build_270,
)


class Clearinghouse:
    """The HTTP adapter. `url` and `key` come from the deployment; none means no clearinghouse
    (benefits are entered by hand)."""

    def __init__(self, url: str, key: str, *, timeout: float = 20.0) -> None:
        if not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            raise EligibilityError("The clearinghouse address must use https.")
        self.url, self.key, self.timeout = url, key, timeout

    def send(self, inquiry_270: str) -> str:
        req = urllib.request.Request(
            self.url, data=inquiry_270.encode("ascii", "replace"), method="POST",
            headers={"Content-Type": "application/edi-x12", "Accept": "application/edi-x12",
                     "Authorization": f"Bearer {self.key}"})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310
                return resp.read(2_000_000).decode("ascii", "replace")
        except urllib.error.HTTPError as exc:
            raise EligibilityError(f"The clearinghouse refused the inquiry (HTTP {exc.code})."
                                   ) from None
        except (urllib.error.URLError, TimeoutError, OSError):
            raise EligibilityError("The clearinghouse could not be reached; enter the benefits "
                                   "by hand or try again.") from None

    def check(self, inquiry: Inquiry, *, control: int, now: dt.datetime) -> Benefits:
        return read_271(self.send(build_270(inquiry, control=control, now=now)),
                        SERVICE_TYPES.get(inquiry.treatment, (GENERAL,)))


URL_ENV, KEY_ENV, NPI_ENV = ("ZOELIFE_CLEARINGHOUSE_URL", "ZOELIFE_CLEARINGHOUSE_KEY",
                             "ZOELIFE_PROVIDER_NPI")


def from_environment() -> tuple[Clearinghouse, str] | None:
    """The configured clearinghouse and the clinic's NPI, or None (benefits entered by hand)."""
    url, key, npi = config.get(URL_ENV), config.get(KEY_ENV), config.get(NPI_ENV)
    if not (url and key and npi):
        return None
    return Clearinghouse(url, key), npi


def record_check(session, request_id: int, treatment: str, *, actor, ok: bool) -> None:
    """Audit an electronic inquiry: what was asked of whom, never the answer's details."""

    audit.record(session, actor, "coverage.eligibility_check", "request", request_id,
                 {"treatments": treatment, "method": "electronic", "result": "answered" if ok
                  else "failed"})
