"""The one-time setup code that opens the first-run screen.

Until an administrator exists, the first-run screen creates one, so whoever reached the URL
first used to own the clinic. Now it also asks for a code that only someone at the server's
console has: `zoelife db upgrade` (and so `make run`) prints a fresh one while no administrator
exists. Only its SHA-256 is stored (a settings row no setting declares, which `settings.load`
ignores); it is compared in constant time, works once, and each new code replaces the last.
80 random bits: guessing is hopeless, and every wrong try is audited all the same.
An operator can skip it altogether by creating the administrator with `zoelife users add`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from sqlalchemy.orm import Session

from zoelife import audit
from zoelife.db.models import Setting
from zoelife.security import accounts

ROW_NAME = "_first_run_setup_code"
# Crockford's base32: no I, L, O or U to misread on a console.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_GROUPS, _GROUP_LENGTH = 4, 4


def _digest(code: str) -> str:
    normalized = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normalized.encode("ascii", "replace")).hexdigest()


def issue(session: Session, now: dt.datetime | None = None) -> str | None:
    """A new code while no administrator exists (None once one does); replaces the last."""
    if accounts.has_admin(session):
        discard(session)
        return None
    now = now or dt.datetime.now(dt.UTC)
    code = "-".join("".join(secrets.choice(_ALPHABET) for _ in range(_GROUP_LENGTH))
                    for _ in range(_GROUPS))
    row = session.get(Setting, ROW_NAME)
    if row is None:
        session.add(Setting(name=ROW_NAME, value={"sha256": _digest(code)}, updated_at=now))
    else:
        row.value = {"sha256": _digest(code)}
        row.updated_at = now
    session.flush()
    audit.record(session, audit.Actor(None, "console", None), "setup_code.issue", "settings",
                 None, {})
    return code


def redeem(session: Session, code: str | None, *, actor: audit.Actor | None = None) -> bool:
    """True, and the code is spent, when `code` is the one issued; a wrong one is audited.
    The caller creates the administrator in the same transaction."""
    row = session.get(Setting, ROW_NAME)
    stored = row.value.get("sha256") if row is not None and isinstance(row.value, dict) else None
    given = _digest(code or "")
    # Compared even without a stored code, so the answer takes the same time.
    ok = hmac.compare_digest(given, stored or "0" * 64) and stored is not None and bool(code)
    if not ok:
        audit.record(session, actor, "first_run.failure", "settings", None,
                     {"reason_code": "no_setup_code" if stored is None else "bad_setup_code"})
        return False
    session.delete(row)
    session.flush()
    return True


def discard(session: Session) -> None:
    row = session.get(Setting, ROW_NAME)
    if row is not None:
        session.delete(row)
        session.flush()


def issued(session: Session) -> bool:
    return session.get(Setting, ROW_NAME) is not None
