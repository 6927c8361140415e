"""`zoelife users …`, `zoelife audit …`, `zoelife backup`, `zoelife restore` (declared in
`zoelife.cli.COMMANDS`).

Passwords are read from a prompt (twice, not echoed) or, when stdin is not a terminal, as two
lines from stdin; never from an argument, which would land in shell history and `ps`.
"""

from __future__ import annotations

import datetime as dt
import getpass
import sys
from pathlib import Path

from zoelife import audit, audit_search
from zoelife.cli_common import BadInput
from zoelife.vocabulary import ROLES


def _engine(args):
    from zoelife.db.engine import shared_engine

    return shared_engine(args.database)


def _cli_actor() -> audit.Actor:
    try:
        who = getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in some containers
        who = "unknown"
    return audit.Actor(None, f"cli:{who}"[:120])


def read_password(prompt: str = "Password") -> str:
    """The password, asked twice; from stdin as two lines when it is not a terminal."""
    if sys.stdin.isatty():
        first = getpass.getpass(f"{prompt}: ")
        second = getpass.getpass(f"Repeat {prompt.lower()}: ")
    else:
        first = sys.stdin.readline().rstrip("\r\n")
        second = sys.stdin.readline().rstrip("\r\n")
    if not first:
        raise BadInput("no password given (type it at the prompt, or give it twice on stdin)")
    if first != second:
        raise BadInput("the two passwords differ")
    return first


def _user(session, name: str):
    from zoelife.security import accounts

    user = accounts.find_by_username(session, name)
    if user is None:
        raise BadInput(f"no account named {name!r}")
    return user


def _roles(values: list[str] | None) -> set[str]:
    roles = set()
    for value in values or []:
        roles.update(r.strip() for r in value.split(",") if r.strip())
    unknown = roles - set(ROLES)
    if unknown:
        raise BadInput(f"unknown role {sorted(unknown)[0]!r}; roles are {', '.join(ROLES)}")
    if not roles:
        raise BadInput(f"give at least one --role ({', '.join(ROLES)})")
    return roles


def users_add(args) -> int:
    from zoelife.db.engine import write_session
    from zoelife.security import accounts
    from zoelife.security.passwords import PasswordRejected

    roles = _roles(args.role)
    password = None if args.sso_only else read_password()
    engine = _engine(args)
    try:
        with write_session(engine) as session:
            user = accounts.create_user(session, args.name, password, roles,
                                        display_name=args.display_name, email=args.email,
                                        actor=_cli_actor())
            print(f"created {user.username} ({', '.join(sorted(roles))})")
    except (accounts.AccountError, PasswordRejected) as exc:
        raise BadInput(str(exc)) from None
    return 0


def users_list(args) -> int:
    from zoelife.db.engine import read_session
    from zoelife.security import accounts

    with read_session(_engine(args)) as session:
        for user in accounts.list_users(session):
            state = "active" if user.is_active else "disabled"
            flags = " (must change password)" if user.must_change_password else ""
            print(f"{user.username}\t{','.join(sorted(user.role_names))}\t{state}{flags}")
    return 0


def _change_account(args, change):
    """`change(session, account, actor)` on the account named `args.name`, in one write
    transaction; what it returns. Its refusal (an account rule, a rejected password) is the
    command's error."""
    from zoelife.db.engine import write_session
    from zoelife.security import accounts
    from zoelife.security.passwords import PasswordRejected

    try:
        with write_session(_engine(args)) as session:
            return change(session, _user(session, args.name), _cli_actor())
    except (accounts.AccountError, PasswordRejected) as exc:
        raise BadInput(str(exc)) from None


def _users_set_active(active: bool):
    def run(args) -> int:
        from zoelife.security import accounts

        changed = _change_account(args, lambda session, user, actor: accounts.set_active(
            session, user, active, actor=actor))
        word = "enabled" if active else "disabled"
        print(f"{args.name} {word}" if changed else f"{args.name} was already {word}")
        return 0

    return run


users_disable = _users_set_active(False)
users_enable = _users_set_active(True)


def users_reset(args) -> int:
    from zoelife.security import accounts

    password = read_password("Temporary password")
    _change_account(args, lambda session, user, actor: accounts.reset_password(
        session, user, password, actor=actor))
    print(f"{args.name}: password reset; they must choose a new one at their next sign-in")
    return 0


def users_roles(args) -> int:
    from zoelife.security import accounts

    roles = _roles(args.role)
    changed = _change_account(args, lambda session, user, actor: accounts.set_roles(
        session, user, roles, actor=actor))
    print(f"{args.name}: roles {'set to' if changed else 'already'} {', '.join(sorted(roles))}")
    return 0


def users_end_sessions(args) -> int:
    from zoelife.db.engine import write_session
    from zoelife.security import sessions

    with write_session(_engine(args)) as session:
        user = _user(session, args.name)
        count = sessions.end_all_for_user(session, user.id, "ended_by_admin")
        audit.record(session, _cli_actor(), "user.end_sessions", "staff_user", user.id,
                     {"count": count})
    print(f"{args.name}: ended {count} sign-in(s)")
    return 0


def audit_verify(args) -> int:
    from zoelife.db.engine import read_session

    with read_session(_engine(args)) as session:
        result = audit.verify(session)
    if result.ok:
        legacy = (f"; the first {result.legacy} were written before keying started and are "
                  "hash-chained only (legacy, unkeyed)" if result.legacy else "")
        print(f"audit chain intact: {result.checked} rows{legacy}")
        return 0
    print(f"audit chain BROKEN at seq {result.first_broken_seq}: {result.problem} "
          f"({result.checked} rows verified before it)")
    return 1


def _date(value: str | None, name: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise BadInput(f"{name}: {value!r} is not a YYYY-MM-DD date") from None
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def audit_export(args) -> int:
    from zoelife.db.engine import read_session, write_session

    until = _date(args.until, "--until")
    f = audit_search.AuditFilter(action=args.action, since=_date(args.since, "--since"),
                                 until=until + dt.timedelta(days=1) if until else None)
    engine = _engine(args)
    with read_session(engine) as session:
        text = audit_search.export_csv(session, f)
    out = Path(args.out)
    _write_private(out, text.encode("utf-8"))
    with write_session(engine) as session:
        audit.record(session, _cli_actor(), "audit.export", "audit_events", None,
                     {"rows": text.count("\n") - 1, "format": "csv"})
    print(f"wrote {out}")
    return 0


def _write_private(path: Path, data: bytes) -> None:
    from zoelife.private_files import write_private

    write_private(path, data)


def backup_database(args) -> int:
    from zoelife.db.engine import write_session
    from zoelife.security import backup

    engine = _engine(args)
    try:
        rows = backup.backup(engine, Path(args.out), overwrite=args.force)
    except backup.BackupError as exc:
        raise BadInput(str(exc)) from None
    with write_session(engine) as s:
        audit.record(s, _cli_actor(), "backup", "database", None, {"rows": rows})
    print(f"backed up to {args.out} (audit chain: {rows} rows, verified)")
    return 0


def restore_database(args) -> int:
    from zoelife.db.engine import shared_engine
    from zoelife.security import backup

    # Not upgraded first: the backup replaces whatever is there, then `restore` upgrades it.
    engine = shared_engine(args.database, migrate=False)
    try:
        rows = backup.restore(engine, Path(args.file), force=args.force)
    except backup.BackupError as exc:
        raise BadInput(str(exc)) from None
    print(f"restored from {args.file} (audit chain: {rows} rows, verified)")
    return 0
