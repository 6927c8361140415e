"""The `zoelife` command (also `python -m zoelife`).

Progress goes to stderr, results to stdout. Exit codes: 0 success, 2 bad input (one-line
reason on stderr), 1 anything unexpected. Every command and its options are declared in one
table, `COMMANDS`; each runs a function of the part of the product it belongs to
(`zoelife/ingest/cli.py`, `zoelife/security/cli.py`, `zoelife/triage/cli.py`, or below).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from zoelife import __version__, config
from zoelife.cli_common import BadInput, progress_printer
from zoelife.ingest import cli as ingest_cli
from zoelife.security import cli as security_cli
from zoelife.triage import cli as triage_cli
from zoelife.vocabulary import CHANNELS, ROLES

__all__ = ["COMMANDS", "BadInput", "Command", "build_parser", "main", "progress_printer"]

def _db_upgrade(args: argparse.Namespace) -> int:
    from zoelife.db.engine import shared_engine
    from zoelife.db.migrate import current_revision

    # The one command that may create a new clinic (a SQLite file and its folder).
    before = current_revision(shared_engine(args.database, migrate=False, create=True))
    engine = shared_engine(args.database)
    after = current_revision(engine)
    print(f"database at revision {after}" + ("" if before == after else f" (was {before})"))
    _print_setup_code(engine)
    return 0


def _print_setup_code(engine) -> None:
    """While no administrator exists, the code the first-run screen asks for (only someone at
    this console sees it; see zoelife.security.setup_code)."""
    from sqlalchemy.exc import IntegrityError

    from zoelife.db.engine import write_session
    from zoelife.security import setup_code

    try:
        with write_session(engine) as session:
            code = setup_code.issue(session)
    except IntegrityError:
        # Another server's upgrade stored its code at the same moment: replace that one.
        with write_session(engine) as session:
            code = setup_code.issue(session)
    if code:
        print(f"No administrator yet. One-time setup code for the first-run screen: {code}\n"
              "(a new code replaces this one; or create the administrator here with "
              "`zoelife users add NAME --role admin`)")


def _db_current(args: argparse.Namespace) -> int:
    from zoelife.db.engine import shared_engine
    from zoelife.db.migrate import current_revision, head_revision

    rev = current_revision(shared_engine(args.database, migrate=False))
    print(f"current {rev or 'none'}; head {head_revision()}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    if args.requests < 1:
        raise BadInput("--requests must be at least 1")
    from zoelife import demo
    from zoelife.db.engine import shared_engine

    engine = shared_engine(args.database)
    try:
        summary = demo.load_demo(engine, requests=args.requests, seed=args.seed,
                                 progress=progress_printer("demo requests"))
    except demo.NotEmpty as exc:
        raise BadInput(str(exc)) from None
    print(summary)
    return 0


def _oncall_check(args: argparse.Namespace) -> int:
    from zoelife.db.engine import shared_engine
    from zoelife.intake.oncall import check_and_alert

    alert = check_and_alert(shared_engine(args.database))
    print("no alert needed" if alert is None else
          f"alerted on-call about {len(alert.request_ids)} urgent request(s)")
    return 0


@dataclass(frozen=True)
class Arg:
    """One argument of a command: what `ArgumentParser.add_argument` takes."""

    names: tuple[str, ...]
    options: dict[str, Any]


def arg(*names: str, **options: Any) -> Arg:
    return Arg(names, options)


@dataclass(frozen=True)
class Command:
    """A command (`run` set) or a group of commands (`run` None) at `words`, e.g. ("users",
    "add"); a group's `metavar` names its commands in the usage line."""

    words: tuple[str, ...]
    help: str
    run: Callable[[argparse.Namespace], int] | None = None
    args: tuple[Arg, ...] = ()
    description: str | None = None
    metavar: str = "COMMAND"


USER_NAME = arg("name", help="user name")
JSON_RESULT = arg("--json", action="store_true", help="print the result as one JSON object")
CSV_OUT = arg("--out", required=True, help="CSV file to write")

# Every command, in the order `zoelife --help` lists them; a group comes before its commands.
COMMANDS: tuple[Command, ...] = (
    Command(("db",), "database schema commands", metavar="DB_COMMAND"),
    Command(("db", "upgrade"), "upgrade the schema to the latest revision", _db_upgrade),
    Command(("db", "current"), "show the schema revision", _db_current),
    Command(("demo",), "load a deterministic synthetic clinic into an empty database", _demo, (
        arg("--requests", type=int, default=5000, help="number of requests (default 5000)"),
        arg("--seed", type=int, default=7, help="random seed (default 7)"))),
    Command(("oncall",), "on-call alerts for unacknowledged urgent requests"),
    Command(("oncall", "check"),
            "alert the on-call contacts now if urgent requests wait (for cron)", _oncall_check),

    Command(("import",), "import requests or content from files", metavar="WHAT"),
    Command(("import", "requests"), "import a form tool's export (CSV or JSON)",
            ingest_cli.run_import_requests, (
                arg("file", help="the export file"),
                arg("--format", choices=("csv", "json"), default=None,
                    help="file format (default: from the file name or content)"),
                arg("--source", default=None,
                    help="source name scoping the ids (default: from the detected form tool)"),
                arg("--map", action="append", metavar='"Their column=field"',
                    help="map a column to a canonical field (repeatable)"),
                arg("--channel", default="web_form", choices=CHANNELS,
                    help="channel of the rows (default web_form)"),
                JSON_RESULT)),
    Command(("import", "content"), "import content items from a feed or CSV",
            ingest_cli.run_import_content, (
                arg("file_or_url", help="RSS/Atom file or URL (e.g. WordPress /feed/), or CSV"),
                JSON_RESULT)),
    Command(("export",), "export requests or content as CSV", metavar="WHAT"),
    Command(("export", "requests"), "every request, one row each (audited)",
            ingest_cli.run_export_requests, (CSV_OUT,)),
    Command(("export", "content"), "every content item", ingest_cli.run_export_content, (CSV_OUT,)),

    Command(("users",), "staff accounts"),
    Command(("users", "add"), "add a staff account (password read twice from a prompt or stdin)",
            security_cli.users_add, (
                USER_NAME,
                arg("--role", action="append", required=True,
                    help=f"a role ({', '.join(ROLES)}); repeat or comma-separate for several"),
                arg("--display-name", default=None, help="full name shown in the app"),
                arg("--email", default=None, help="email (matched for single sign-on)"),
                arg("--sso-only", action="store_true",
                    help="no password: the account signs in through single sign-on only"))),
    Command(("users", "list"), "list staff accounts", security_cli.users_list),
    Command(("users", "disable"), "disable an account and end its sign-ins",
            security_cli.users_disable, (USER_NAME,)),
    Command(("users", "enable"), "re-enable a disabled account",
            security_cli.users_enable, (USER_NAME,)),
    Command(("users", "reset"), "set a temporary password the user must change at next sign-in",
            security_cli.users_reset, (USER_NAME,)),
    Command(("users", "roles"), "replace an account's roles", security_cli.users_roles, (
        USER_NAME,
        arg("--role", action="append", required=True,
            help="a role; repeat or comma-separate for several"))),
    Command(("users", "end-sessions"), "end every sign-in of an account now",
            security_cli.users_end_sessions, (USER_NAME,)),
    Command(("audit",), "the audit log"),
    Command(("audit", "verify"),
            "check the hash chain; names the first broken row (exit 1 if broken)",
            security_cli.audit_verify),
    Command(("audit", "export"), "write the audit log as CSV (owner-only file)",
            security_cli.audit_export, (
                arg("out", help="CSV file to write"),
                arg("--since", help="first day, YYYY-MM-DD (UTC)"),
                arg("--until", help="last day, YYYY-MM-DD (UTC), inclusive"),
                arg("--action", help="one action, or a prefix ending in '.' (sign_in.)"))),
    Command(("backup",), "copy the SQLite database safely while the app runs",
            security_cli.backup_database, (
                arg("out", help="backup file to write (owner-only)"),
                arg("--force", action="store_true", help="overwrite an existing file"))),
    Command(("restore",), "replace the SQLite database with a backup",
            security_cli.restore_database, (
                arg("file", help="backup file made by 'zoelife backup'"),
                arg("--force", action="store_true",
                    help="replace a database that already holds accounts or requests"))),

    Command(("assess",),
            "crisis level, reasons, treatments and language of messages (one per line on stdin)",
            triage_cli.run, (
                arg("message", nargs="?", help="one message (default: read lines from stdin)"),
                arg("--json", action="store_true",
                    help="one JSON object per input line: crisis, reasons, treatments, "
                         "treatment_history, other_services, language, trials")),
            description="Assess messages: one message as an argument, or one per line on stdin. "
            "Prints a readable summary per message, or with --json one JSON object per line, "
            "in input order."),
)


def build_parser() -> argparse.ArgumentParser:
    """The parser, built from `COMMANDS`."""
    parser = argparse.ArgumentParser(
        prog="zoelife", description="Zoelife Intake: staff dashboard for appointment requests."
    )
    parser.add_argument("--version", action="version", version=f"zoelife {__version__}")
    parser.add_argument("--database", default=None, metavar="URL",
                        help="database URL (default: ZOELIFE_DATABASE_URL or data/zoelife.db)")
    # Where each group's commands go; the top level is the group of no words.
    groups = {(): parser.add_subparsers(dest="command", required=True, metavar="COMMAND")}
    for command in COMMANDS:
        *within, name = command.words
        p = groups[tuple(within)].add_parser(name, help=command.help,
                                             description=command.description)
        for a in command.args:
            p.add_argument(*a.names, **a.options)
        if command.run is None:
            groups[command.words] = p.add_subparsers(
                dest=f"{'_'.join(command.words)}_command", required=True,
                metavar=command.metavar)
        else:
            p.set_defaults(func=command.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    for problem in config.problems():
        sys.stderr.write(f"zoelife: {problem}\n")
    try:
        return int(args.func(args) or 0)
    except BadInput as exc:
        sys.stderr.write(f"zoelife: {exc}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("zoelife: interrupted; nothing partial was committed\n")
        return 130
    except Exception as exc:
        # A database that cannot be used (missing, read-only, full, down) is one line that says
        # so, not a traceback; anything else is a bug and keeps its traceback.
        from zoelife.db.engine import as_unavailable

        unavailable = as_unavailable(exc)
        if unavailable is None:
            raise
        sys.stderr.write(f"zoelife: {unavailable}\n")
        return 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
