"""`zoelife import requests|content` and `zoelife export requests|content` (declared in
`zoelife.cli.COMMANDS`)."""

from __future__ import annotations

import argparse
import json
import sys

from zoelife.cli_common import BadInput, progress_printer


def _engine(args):
    from zoelife.db.engine import shared_engine

    return shared_engine(args.database)


def run_import_requests(args: argparse.Namespace) -> int:
    from zoelife.ingest.fields import parse_mapping_option
    from zoelife.ingest.importer import import_requests
    from zoelife.ingest.readers import ReadError

    try:
        mapping = parse_mapping_option(args.map or [])
    except ValueError as exc:
        raise BadInput(str(exc)) from None
    engine = _engine(args)
    try:
        result = import_requests(engine, args.file, fmt=args.format, source=args.source,
                                 mapping=mapping, channel=args.channel,
                                 progress=progress_printer("rows"))
    except ReadError as exc:
        raise BadInput(str(exc)) from None
    finally:
        engine.dispose()
    _report(args, result, f"{result.rows} rows: {result.imported} imported, "
            f"{result.duplicates} duplicates, {result.already_imported} already imported, "
            f"{result.rejected} rejected (source {result.source}); crisis: "
            f"{result.crisis_urgent} urgent, {result.crisis_review} review")
    return 0


def run_import_content(args: argparse.Namespace) -> int:
    from pathlib import Path

    from zoelife.ingest.content import import_content
    from zoelife.ingest.content_feeds import is_web_address
    from zoelife.ingest.readers import ReadError

    source = args.file_or_url
    # The command line (run by someone already on this computer) may name a file; pages cannot.
    data = source if is_web_address(source) else Path(source)
    engine = _engine(args)
    try:
        result = import_content(engine, data)
    except ReadError as exc:
        raise BadInput(str(exc)) from None
    _report(args, result, f"{result.items} items: {result.created} new, {result.updated} "
            f"updated, {result.rejected} rejected; {result.attributed_requests} requests credited")
    return 0


def _report(args: argparse.Namespace, result, summary: str) -> None:
    """An import's result: its JSON shape (`--json`), or the summary and each rejected row."""
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        print(summary)
        for r in result.rejects:
            print(f"  row {r['row']}: {r['reason']}")


def run_export_requests(args: argparse.Namespace) -> int:
    from zoelife.ingest.export import export_requests

    return _export(args, export_requests, "requests")


def run_export_content(args: argparse.Namespace) -> int:
    from zoelife.ingest.export import export_content

    return _export(args, export_content, "content items")


def _export(args: argparse.Namespace, export, what: str) -> int:
    """`export(engine, path)` into `args.out`, its count said on stderr."""
    try:
        count = export(_engine(args), args.out)
    except OSError as exc:
        raise BadInput(f"{args.out}: cannot write ({exc.strerror or type(exc).__name__})") from None
    sys.stderr.write(f"exported {count} {what} to {args.out}\n")
    return 0
