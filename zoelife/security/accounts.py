"""Staff accounts: create, find, roles. Every change is audited by the caller's actor."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zoelife import audit
from zoelife.db.models import StaffRole, StaffUser
from zoelife.security.passwords import check_rules, hash_password
from zoelife.vocabulary import ROLES

USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,79}$")


class AccountError(ValueError):
    pass


def count_users(session: Session) -> int:
    return session.execute(select(func.count()).select_from(StaffUser)).scalar_one()


def has_admin(session: Session) -> bool:
    return session.execute(
        select(StaffRole.user_id)
        .join(StaffUser, StaffUser.id == StaffRole.user_id)
        .where(StaffRole.role == "admin", StaffUser.is_active.is_(True))
        .limit(1)
    ).first() is not None


def find_by_username(session: Session, username: str) -> StaffUser | None:
    return session.execute(
        select(StaffUser).where(func.lower(StaffUser.username) == username.strip().lower())
    ).scalar_one_or_none()


def find_by_email(session: Session, email: str) -> StaffUser | None:
    return session.execute(
        select(StaffUser).where(func.lower(StaffUser.email) == email.strip().lower())
    ).scalar_one_or_none()


def create_user(
    session: Session,
    username: str,
    password: str | None,
    roles: set[str] | frozenset[str] | list[str],
    *,
    display_name: str | None = None,
    email: str | None = None,
    actor: audit.Actor | None = None,
    must_change_password: bool = False,
) -> StaffUser:
    username = username.strip()
    if not USERNAME_RE.match(username):
        raise AccountError("User names are 2-80 letters, digits, dots, dashes, @ or underscores.")
    roles = set(roles)
    unknown = roles - set(ROLES)
    if unknown or not roles:
        raise AccountError(f"Roles must be among {', '.join(ROLES)} (at least one).")
    if find_by_username(session, username):
        raise AccountError("That user name is taken.")
    if email and find_by_email(session, email):
        raise AccountError("That email address belongs to another account.")
    if password is not None:
        check_rules(password, username=username)
    now = dt.datetime.now(dt.UTC)
    user = StaffUser(
        username=username,
        display_name=(display_name or username).strip()[:120],
        email=email.strip().lower() if email else None,
        password_hash=hash_password(password) if password is not None else None,
        must_change_password=must_change_password,
        is_active=True,
        created_at=now,
        password_changed_at=now if password is not None else None,
        failed_sign_ins=0,
    )
    user.roles = [StaffRole(role=r) for r in sorted(roles)]
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.create", "staff_user", user.id,
                 {"roles": sorted(roles), "is_active": True})
    return user
