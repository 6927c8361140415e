"""`zoelife import requests|content` and `zoelife export requests|content`."""

from __future__ import annotations

import argparse
import json
import sys

from zoelife.cli_common import BadInput, progress_printer


def _engine(args):
    from zoelife.db.engine import shared_engine

    return shared_engine(args.database)


def _import_requests(args: argparse.Namespace) -> int:
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
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        print(f"{result.rows} rows: {result.imported} imported, {result.duplicates} duplicates, "
              f"{result.already_imported} already imported, {result.rejected} rejected "
              f"(source {result.source}); crisis: {result.crisis_urgent} urgent, "
              f"{result.crisis_review} review")
        for r in result.rejects:
            print(f"  row {r['row']}: {r['reason']}")
    return 0


def _import_content(args: argparse.Namespace) -> int:
    from pathlib import Path

    from zoelife.ingest.content import import_content, is_web_address
    from zoelife.ingest.readers import ReadError

    source = args.file_or_url
    # The command line (run by someone already on this computer) may name a file; pages cannot.
    data = source if is_web_address(source) else Path(source)
    engine = _engine(args)
    try:
        result = import_content(engine, data)
    except ReadError as exc:
        raise BadInput(str(exc)) from None
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        print(f"{result.items} items: {result.created} new, {result.updated} updated, "
              f"{result.rejected} rejected; {result.attributed_requests} requests credited")
        for r in result.rejects:
            print(f"  row {r['row']}: {r['reason']}")
    return 0


def _export_requests(args: argparse.Namespace) -> int:
    from zoelife.ingest.export import export_requests

    try:
        count = export_requests(_engine(args), args.out)
    except OSError as exc:
        raise BadInput(f"{args.out}: cannot write ({exc.strerror or type(exc).__name__})") from None
    sys.stderr.write(f"exported {count} requests to {args.out}\n")
    return 0


def _export_content(args: argparse.Namespace) -> int:
    from zoelife.ingest.export import export_content

    try:
        count = export_content(_engine(args), args.out)
    except OSError as exc:
        raise BadInput(f"{args.out}: cannot write ({exc.strerror or type(exc).__name__})") from None
    sys.stderr.write(f"exported {count} content items to {args.out}\n")
    return 0


def register(sub) -> None:
    from zoelife.vocabulary import CHANNELS

    imp = sub.add_parser("import", help="import requests or content from files")
    imp_sub = imp.add_subparsers(dest="import_command", required=True, metavar="WHAT")
    req = imp_sub.add_parser("requests", help="import a form tool's export (CSV or JSON)")
    req.add_argument("file", help="the export file")
    req.add_argument("--format", choices=("csv", "json"), default=None,
                     help="file format (default: from the file name or content)")
    req.add_argument("--source", default=None,
                     help="source name scoping the ids (default: from the detected form tool)")
    req.add_argument("--map", action="append", metavar='"Their column=field"',
                     help="map a column to a canonical field (repeatable)")
    req.add_argument("--channel", default="web_form", choices=CHANNELS,
                     help="channel of the rows (default web_form)")
    req.add_argument("--json", action="store_true", help="print the result as one JSON object")
    req.set_defaults(func=_import_requests)
    con = imp_sub.add_parser("content", help="import content items from a feed or CSV")
    con.add_argument("file_or_url", help="RSS/Atom file or URL (e.g. WordPress /feed/), or CSV")
    con.add_argument("--json", action="store_true", help="print the result as one JSON object")
    con.set_defaults(func=_import_content)

    exp = sub.add_parser("export", help="export requests or content as CSV")
    exp_sub = exp.add_subparsers(dest="export_command", required=True, metavar="WHAT")
    er = exp_sub.add_parser("requests", help="every request, one row each (audited)")
    er.add_argument("--out", required=True, help="CSV file to write")
    er.set_defaults(func=_export_requests)
    ec = exp_sub.add_parser("content", help="every content item")
    ec.add_argument("--out", required=True, help="CSV file to write")
    ec.set_defaults(func=_export_content)
