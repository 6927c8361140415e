"""Downloads of patient data and audit rows, served by the app's own server (through `st.App`,
see zoelife.server) behind the sign-in cookie.

Streamlit's own ways to hand a browser a file do not suit patient data: `st.download_button`
keeps the bytes in the server's media store under an unguessable but unauthenticated
`/media/<hash>.csv` URL that outlives the sign-in, and its data stays in the session. These
routes instead build the file when it is asked for, for the account the `zoelife_session`
cookie names, and only when that sign-in is live (not idle or past its absolute limit, not
ended, the account enabled, its roles unchanged) and holds the route's role:

- no cookie, or a sign-in that lapsed or ended: 401; the wrong role or a cross-site request: 403;
- otherwise 200 with `Content-Disposition: attachment`, `Cache-Control: no-store`, and an audit
  row naming who downloaded what and how many rows.

Exports of patient data are held to `front_desk` (an `admin` is IT and sees no patient data,
docs/security.md); the audit log export is the admin's. URLs carry a path and, for the audit
log, its filters (action, staff user name, record id, days): never a patient's data.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from zoelife import audit, audit_search
from zoelife.coverage import letter, records
from zoelife.db.engine import read_session, shared_engine, write_session
from zoelife.db.models import Request as RequestRow
from zoelife.ingest import export, quarantine
from zoelife.security import sessions
from zoelife.security.sessions import SessionUser
from zoelife.security.web import COOKIE_NAME

REQUESTS_PATH = "/download/requests.csv"
QUARANTINE_PATH = "/download/quarantine.csv"
AUDIT_PATH = "/download/audit.csv"
RECORDS_REQUEST_PATH = "/download/records-request.pdf"

SIGN_IN_NEEDED = "Sign in to Zoelife Intake to download this file."
NOT_ALLOWED = "This download is not available to your account."
_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff"}


@dataclass(frozen=True)
class Refusal:
    status: int
    message: str

    def response(self) -> Response:
        return PlainTextResponse(self.message, status_code=self.status, headers=_HEADERS)


def _client(request: Request) -> str | None:
    return request.client.host if request.client else None


def cross_site(request: Request) -> bool:
    """A request another site's page made the browser send (a link or form elsewhere).
    Browsers send Sec-Fetch-Site; `none` is an address typed or opened from a bookmark."""
    return request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none")


def authorize(request: Request, role: str) -> SessionUser | Refusal:
    """The signed-in account behind the request's cookie, if it holds `role`."""

    if cross_site(request):
        return Refusal(403, NOT_ALLOWED)
    token = request.cookies.get(COOKIE_NAME)
    if not token:
        return Refusal(401, SIGN_IN_NEEDED)
    with write_session(shared_engine()) as session:
        # A download is a deliberate click, so it counts as activity like any other.
        user = sessions.resolve(session, token)
        if user is not None and (user.must_change_password or not user.has(role)):
            # A signed-in account asking for a file its role does not open: worth a look.
            audit.record(session, _actor(user, request), "download.refused", "download",
                         request.url.path.rsplit("/", 1)[-1], {})
    if user is None:
        return Refusal(401, SIGN_IN_NEEDED)
    if user.must_change_password or not user.has(role):
        return Refusal(403, NOT_ALLOWED)
    return user


def _csv(text: str, filename: str) -> Response:
    return Response(text.encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers=_HEADERS | {
                        "Content-Disposition": f'attachment; filename="{filename}"'})


def _rows(text: str) -> int:
    # Quoted cells may hold line breaks: count records, not lines.
    return max(sum(1 for _ in csv.reader(io.StringIO(text))) - 1, 0)


def _actor(user: SessionUser, request: Request) -> audit.Actor:
    return audit.Actor(user.user_id, user.username, _client(request))


def requests_route(request: Request) -> Response:
    from sqlalchemy import func, select


    user = authorize(request, "front_desk")
    if isinstance(user, Refusal):
        return user.response()
    with write_session(shared_engine()) as session:
        # Audited before the first byte leaves (the count as the export starts).
        rows = session.execute(select(func.count(RequestRow.id))).scalar_one()
        audit.record(session, _actor(user, request), "export.requests", "request", None,
                     {"rows": rows})
    # Streamed in batches: the first bytes leave at once and a large clinic is never held in
    # memory whole.
    return StreamingResponse(_request_chunks(shared_engine()), media_type="text/csv; charset=utf-8",
                             headers=_HEADERS | {
                                 "Content-Disposition": 'attachment; filename="requests.csv"'})


def _request_chunks(engine, chunk_bytes: int = 256 * 1024):

    buf = io.StringIO()
    writer = export._writer(buf)  # the same CSV dialect as every other requests export
    with read_session(engine) as session:
        for row in export.iter_request_rows(session):
            writer.writerow(row)
            if buf.tell() >= chunk_bytes:
                yield buf.getvalue().encode("utf-8")
                buf.seek(0)
                buf.truncate()
    yield buf.getvalue().encode("utf-8")


def quarantine_route(request: Request) -> Response:

    user = authorize(request, "front_desk")
    if isinstance(user, Refusal):
        return user.response()
    with write_session(shared_engine()) as session:
        # Audited (`export.quarantine`, with the row count) in the same transaction.
        text = quarantine.csv_text(session, actor=_actor(user, request))
    return _csv(text, "quarantine.csv")


def audit_filter(params) -> audit_search.AuditFilter:
    """The audit log page's filters from the query string; ValueError for a malformed day."""
    def day(name: str) -> dt.date | None:
        value = params.get(name)
        return dt.date.fromisoformat(value) if value else None

    since, until = day("since"), day("until")
    return audit_search.AuditFilter(
        action=params.get("action") or None, actor=params.get("who") or None,
        entity_id=params.get("entity_id") or None,
        since=dt.datetime.combine(since, dt.time(), dt.UTC) if since else None,
        until=(dt.datetime.combine(until, dt.time(), dt.UTC) + dt.timedelta(days=1))
        if until else None)


def audit_route(request: Request) -> Response:

    user = authorize(request, "admin")
    if isinstance(user, Refusal):
        return user.response()
    try:
        flt = audit_filter(request.query_params)
    except ValueError:
        return PlainTextResponse("Days are written YYYY-MM-DD.", status_code=400,
                                 headers=_HEADERS)
    with read_session(shared_engine()) as session:
        text = audit_search.export_csv(session, flt)
    with write_session(shared_engine()) as session:
        audit.record(session, _actor(user, request), "audit.export", "audit_events", None,
                     {"rows": _rows(text), "format": "csv"})
    return _csv(text, "zoelife-audit.csv")


def records_request_route(request: Request) -> Response:
    """The records request letter of one authorization (`?authorization=<id>`, a record id, no
    patient data in the URL); building it records the request on the coverage timeline."""

    user = authorize(request, "front_desk")
    if isinstance(user, Refusal):
        return user.response()
    try:
        authorization_id = int(request.query_params.get("authorization", ""))
    except ValueError:
        return PlainTextResponse("Which authorization? The link is incomplete.",
                                 status_code=400, headers=_HEADERS)
    try:
        with write_session(shared_engine()) as session:
            pdf = letter.records_request(session, authorization_id,
                                         actor=_actor(user, request))
    except records.CoverageError as exc:
        return PlainTextResponse(str(exc), status_code=404, headers=_HEADERS)
    return Response(pdf, media_type="application/pdf", headers=_HEADERS | {
        "Content-Disposition": f'attachment; filename="records-request-{authorization_id}.pdf"'})


def routes() -> list[BaseRoute]:
    return [
        Route(REQUESTS_PATH, requests_route, methods=["GET"]),
        Route(QUARANTINE_PATH, quarantine_route, methods=["GET"]),
        Route(AUDIT_PATH, audit_route, methods=["GET"]),
        Route(RECORDS_REQUEST_PATH, records_request_route, methods=["GET"]),
    ]
