"""On-call alert: an urgent request nobody acknowledged in time notifies the on-call contacts.

During business hours a request may wait `oncall_ack_minutes` unacknowledged; outside business
hours the alert goes at once. Contacts are the `oncall_emails` (SMTP) and/or `oncall_webhook_url`
(a generic JSON POST: Teams, Slack, a paging service). The alert carries no patient data: a count,
the request's id and a link. Each request alerts once per urgent episode (`oncall_notified_at`
is cleared when new text raises a request to urgent again).

SMTP comes from the environment, never from settings: ZOELIFE_SMTP_HOST, ZOELIFE_SMTP_PORT (25),
ZOELIFE_SMTP_FROM, ZOELIFE_SMTP_USER, ZOELIFE_SMTP_PASSWORD, ZOELIFE_SMTP_STARTTLS (0/1).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import smtplib
import ssl
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage

from sqlalchemy import Engine, select, text, update

from zoelife import audit, config, settings
from zoelife.db.engine import write_session
from zoelife.db.models import OnCallNotification, Request
from zoelife.intake.schedule import Schedule

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Alert:
    request_ids: tuple[int, ...]
    waiting: int  # all unacknowledged urgent requests, for context
    links: tuple[str, ...]

    def subject(self) -> str:
        n = len(self.request_ids)
        return f"Zoelife: {n} urgent request{'s' if n != 1 else ''} not acknowledged"

    def body(self) -> str:
        lines = [
            f"{len(self.request_ids)} urgent request(s) have not been acknowledged in time "
            f"({self.waiting} unacknowledged in all).",
            "Open them in Zoelife Intake (sign-in required):",
            *self.links,
            "",
            "This message deliberately contains no patient details.",
        ]
        return "\n".join(lines)

    def payload(self) -> dict:
        return {
            "text": self.subject(),
            "count": len(self.request_ids),
            "unacknowledged_urgent": self.waiting,
            "request_ids": list(self.request_ids),
            "links": list(self.links),
        }


def requests_needing_alert(session, now: dt.datetime) -> tuple[list[int], int]:
    values = settings.load(session)
    schedule = Schedule.from_settings(values)
    wait = dt.timedelta(minutes=int(values["oncall_ack_minutes"]))
    rows = session.execute(
        select(Request.id, Request.received_at)
        .where(
            Request.is_open.is_(True),
            Request.crisis_level == "urgent",
            Request.crisis_acknowledged_at.is_(None),
        )
        .order_by(Request.received_at)
    ).all()
    business_now = schedule.is_business_time(now)
    due = []
    notified = (
        set(
            session.execute(
                select(Request.id).where(
                    Request.id.in_([r.id for r in rows]), Request.oncall_notified_at.is_not(None)
                )
            ).scalars()
        )
        if rows
        else set()
    )
    for r in rows:
        if r.id in notified:
            continue
        if not business_now or now - r.received_at >= wait:
            due.append(r.id)
    return due, len(rows)


def send_email(recipients: list[str], alert: Alert) -> None:
    host = config.get("ZOELIFE_SMTP_HOST")
    if not host:
        raise RuntimeError("ZOELIFE_SMTP_HOST is not set")
    port = config.get("ZOELIFE_SMTP_PORT")
    message = EmailMessage()
    message["Subject"] = alert.subject()
    message["From"] = config.get("ZOELIFE_SMTP_FROM")
    message["To"] = ", ".join(recipients)
    message.set_content(alert.body())
    with smtplib.SMTP(host, port, timeout=10) as smtp:
        if config.get("ZOELIFE_SMTP_STARTTLS"):
            # Without a context smtplib encrypts but checks neither the certificate nor the
            # host name: anyone on the path could read the alert and the SMTP password.
            smtp.starttls(context=ssl.create_default_context())
        user = config.get("ZOELIFE_SMTP_USER")
        if user:
            smtp.login(user, config.get("ZOELIFE_SMTP_PASSWORD"))
        smtp.send_message(message)


def send_webhook(url: str, alert: Alert) -> None:
    body = json.dumps(alert.payload()).encode("utf-8")
    req = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=10) as response:  # noqa: S310 - admin-set URL
        if response.status >= 300:
            raise RuntimeError(f"webhook answered {response.status}")


ONCALL_LOCK_KEY = 0x5A4F4F4E43414C  # "ZOONCAL": one on-call check at a time, across replicas


def _claim_check(session) -> bool:
    """Every app server runs this check. On SQLite the write transaction already holds the
    database's one write lock. On PostgreSQL two replicas would both read the same unnotified
    requests (READ COMMITTED) and both alert, so the check takes a transaction-level advisory
    lock first; a replica that finds it taken skips this round (the holder covers it, and the
    next round reads what the holder committed)."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(session.execute(
        text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": ONCALL_LOCK_KEY}
    ).scalar())


def check_and_alert(
    engine: Engine,
    now: dt.datetime | None = None,
    *,
    email_sender: Callable[[list[str], Alert], None] = send_email,
    webhook_sender: Callable[[str, Alert], None] = send_webhook,
) -> Alert | None:
    """Send one alert covering every request now due; record it. Returns the alert sent."""
    now = now or dt.datetime.now(dt.UTC)
    with write_session(engine) as session:
        if not _claim_check(session):
            return None
        due, waiting = requests_needing_alert(session, now)
        if not due:
            return None
        values = settings.load(session)
        base = values["app_base_url"].rstrip("/")
        alert = Alert(tuple(due), waiting, tuple(f"{base}/request?id={i}" for i in due))
        targets: list[tuple[str, str]] = [("email", e) for e in values["oncall_emails"]]
        if values["oncall_webhook_url"]:
            targets.append(("webhook", values["oncall_webhook_url"]))
        if not targets:
            log.warning("urgent requests wait unacknowledged but no on-call contact is set")
            return None
        any_ok = False
        emails = [t for kind, t in targets if kind == "email"]
        outcomes: list[tuple[str, str, bool, str | None]] = []
        if emails:
            try:
                email_sender(emails, alert)
                outcomes += [("email", e, True, None) for e in emails]
            except Exception as exc:  # noqa: BLE001 - recorded; the next check retries
                outcomes += [("email", e, False, type(exc).__name__) for e in emails]
        for kind, target in targets:
            if kind != "webhook":
                continue
            try:
                webhook_sender(target, alert)
                outcomes.append(("webhook", target, True, None))
            except Exception as exc:  # noqa: BLE001
                outcomes.append(("webhook", target, False, type(exc).__name__))
        for kind, target, ok, error in outcomes:
            any_ok = any_ok or ok
            for request_id in due:
                session.add(
                    OnCallNotification(
                        request_id=request_id,
                        channel=kind,
                        target=target[:300],
                        sent_at=now,
                        ok=ok,
                        error=error,
                    )
                )
        if any_ok:
            session.execute(
                update(Request).where(Request.id.in_(due)).values(oncall_notified_at=now)
            )
        audit.record(
            session,
            audit.SYSTEM,
            "oncall.alert",
            "request",
            ",".join(str(i) for i in due)[:80],
            {"count": len(due), "result": "sent" if any_ok else "failed"},
        )
        return alert if any_ok else None
