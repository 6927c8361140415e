"""Staff accounts: create, find, roles. Every change is audited by the caller's actor."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zoelife import audit
from zoelife.db.models import StaffRole, StaffUser
from zoelife.security import sessions
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


def list_users(session: Session) -> list[StaffUser]:
    return list(session.execute(select(StaffUser).order_by(func.lower(StaffUser.username)))
                .scalars())


def get_user(session: Session, user_id: int) -> StaffUser:
    user = session.get(StaffUser, user_id)
    if user is None:
        raise AccountError(f"No account with id {user_id}.")
    return user


def _would_leave_no_admin(session: Session, user: StaffUser) -> bool:
    """True when `user` is the last active administrator."""
    if "admin" not in user.role_names or not user.is_active:
        return False
    others = session.execute(
        select(func.count()).select_from(StaffRole)
        .join(StaffUser, StaffUser.id == StaffRole.user_id)
        .where(StaffRole.role == "admin", StaffUser.is_active.is_(True), StaffUser.id != user.id)
    ).scalar_one()
    return others == 0


def set_active(session: Session, user: StaffUser, active: bool, *,
               actor: audit.Actor | None) -> bool:
    """Disable or re-enable an account. Disabling ends its sign-ins at their next action."""
    if user.is_active == active:
        return False
    if not active and _would_leave_no_admin(session, user):
        raise AccountError("This is the last active administrator; enable or add another first.")
    now = dt.datetime.now(dt.UTC)
    user.is_active = active
    user.disabled_at = None if active else now
    if active:
        # A re-enabled account starts with a clean slate of failures.
        user.failed_sign_ins = 0
        user.throttled_until = None
    else:
        sessions.end_all_for_user(session, user.id, "user_disabled", now=now)
    session.flush()
    audit.record(session, actor, "user.enable" if active else "user.disable", "staff_user",
                 user.id, {"is_active": {"old": not active, "new": active}})
    return True


def set_roles(session: Session, user: StaffUser, roles, *, actor: audit.Actor | None) -> bool:
    """Replace the account's roles. Its open sign-ins end at their next action."""
    roles = set(roles)
    unknown = roles - set(ROLES)
    if unknown or not roles:
        raise AccountError(f"Roles must be among {', '.join(ROLES)} (at least one).")
    old = set(user.role_names)
    if old == roles:
        return False
    if "admin" in old and "admin" not in roles and _would_leave_no_admin(session, user):
        raise AccountError("This is the last active administrator; it must keep the admin role.")
    for role in list(user.roles):
        if role.role not in roles:
            user.roles.remove(role)
    for role in sorted(roles - old):
        user.roles.append(StaffRole(role=role))
    session.flush()
    # sessions.resolve compares roles_at_sign_in with the account's roles and ends a session
    # whose roles changed; nothing else to do here.
    audit.record(session, actor, "user.roles", "staff_user", user.id,
                 {"roles": {"old": sorted(old), "new": sorted(roles)}})
    return True


def reset_password(session: Session, user: StaffUser, temporary_password: str, *,
                   actor: audit.Actor | None) -> None:
    """Set a temporary password the user must replace at their next sign-in."""
    check_rules(temporary_password, username=user.username)
    now = dt.datetime.now(dt.UTC)
    user.password_hash = hash_password(temporary_password)
    user.must_change_password = True
    user.password_changed_at = now
    user.failed_sign_ins = 0
    user.throttled_until = None
    sessions.end_all_for_user(session, user.id, "password_reset", now=now)
    session.flush()
    audit.record(session, actor, "user.password_reset", "staff_user", user.id,
                 {"password": {"changed": True}, "must_change_password": True})


def update_profile(session: Session, user: StaffUser, *, display_name: str | None = None,
                   email: str | None = None, actor: audit.Actor | None) -> bool:
    changed: dict[str, dict] = {}
    if display_name is not None and display_name.strip() and \
            display_name.strip()[:120] != user.display_name:
        user.display_name = display_name.strip()[:120]
        changed["display_name"] = {"changed": True}
    if email is not None:
        new_email = email.strip().lower() or None
        if new_email != user.email:
            if new_email:
                other = find_by_email(session, new_email)
                if other is not None and other.id != user.id:
                    raise AccountError("That email address belongs to another account.")
            user.email = new_email
            changed["email"] = {"changed": True}
    if not changed:
        return False
    session.flush()
    audit.record(session, actor, "user.update", "staff_user", user.id, changed)
    return True
