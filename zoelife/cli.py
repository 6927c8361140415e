"""The `zoelife` command (also `python -m zoelife`).

Progress goes to stderr, results to stdout. Exit codes: 0 success, 2 bad input (one-line
reason on stderr), 1 anything unexpected. Commands from other parts of the product register
themselves through `register(subparsers)` in the modules listed in COMMAND_MODULES.
`BadInput` and `progress_printer` live in `zoelife.cli_common`, which those modules import.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from zoelife import __version__, config
from zoelife.cli_common import BadInput, progress_printer
from zoelife.ingest import cli as ingest_cli
from zoelife.security import cli as security_cli
from zoelife.triage import cli as triage_cli

# Each registers its commands through `register(subparsers)`.
COMMAND_MODULES = (ingest_cli, security_cli, triage_cli)


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zoelife", description="Zoelife Intake: staff dashboard for appointment requests."
    )
    parser.add_argument("--version", action="version", version=f"zoelife {__version__}")
    parser.add_argument("--database", default=None, metavar="URL",
                        help="database URL (default: ZOELIFE_DATABASE_URL or data/zoelife.db)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    db = sub.add_parser("db", help="database schema commands")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="DB_COMMAND")
    up = db_sub.add_parser("upgrade", help="upgrade the schema to the latest revision")
    up.set_defaults(func=_db_upgrade)
    cur = db_sub.add_parser("current", help="show the schema revision")
    cur.set_defaults(func=_db_current)

    demo = sub.add_parser("demo", help="load a deterministic synthetic clinic into an empty database")
    demo.add_argument("--requests", type=int, default=5000, help="number of requests (default 5000)")
    demo.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    demo.set_defaults(func=_demo)

    oncall = sub.add_parser("oncall", help="on-call alerts for unacknowledged urgent requests")
    oncall_sub = oncall.add_subparsers(dest="oncall_command", required=True, metavar="COMMAND")
    check = oncall_sub.add_parser(
        "check", help="alert the on-call contacts now if urgent requests wait (for cron)")
    check.set_defaults(func=_oncall_check)

    for module in COMMAND_MODULES:
        module.register(sub)
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
