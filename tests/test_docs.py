"""README documents what an operator can set and run: every `ZOELIFE_*` environment variable
in its Configuration table, every `zoelife` command in its command list. The app reads its
variables in `zoelife/config.py` only, so the table cannot miss one the code reads."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from zoelife import cli, config

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
NAME = re.compile(r"ZOELIFE_[A-Z0-9_]*[A-Z0-9]")


def _section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start:end if end != -1 else None]


def _table_names() -> set[str]:
    rows = [line for line in _section("Configuration").splitlines() if line.startswith("|")]
    return {name for row in rows for name in NAME.findall(row.split("|")[1])}


def _app_sources() -> list[Path]:
    return [ROOT / "streamlit_app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("zoelife/**/*.py")]


def _names_in(paths) -> dict[str, str]:
    found = {}
    for path in paths:
        for name in NAME.findall(path.read_text(encoding="utf-8")):
            found.setdefault(name, str(path.relative_to(ROOT)))
    return found


def _per_source(name: str) -> bool:
    return any(name.startswith(f"{base}_") for base in config.PER_SOURCE)


def test_every_variable_of_the_app_is_declared_in_config():
    undeclared = {n: where for n, where in _names_in(_app_sources()).items()
                  if n not in config.VARIABLES and not _per_source(n)}
    assert undeclared == {}


def test_only_config_reads_the_environment():
    readers = [str(p.relative_to(ROOT)) for p in _app_sources()
               if p != ROOT / "zoelife" / "config.py"
               and re.search(r"os\.environ|getenv\(|environ\.get", p.read_text(encoding="utf-8"))]
    assert readers == []


def test_every_variable_is_in_the_readme_table():
    table = _table_names()
    assert sorted(set(config.VARIABLES) - table) == []
    tooling = [*ROOT.glob("tests/**/*.py"), *ROOT.glob("bench/**/*.py"),
               *(p for p in ROOT.glob("scripts/**/*") if p.is_file())]
    used = {n for n in _names_in(tooling) if not _per_source(n)}
    assert sorted(used - table) == []


def _commands(parser, prefix=()):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield prefix + (name,)
                yield from _commands(sub, prefix + (name,))


def _documented(path: tuple[str, ...], section: str) -> bool:
    """`zoelife a b` written out, or, in an item about `zoelife a`, `a b` or `b` alone."""
    if f"`zoelife {' '.join(path)}" in section:
        return True
    if len(path) < 2:
        return False
    items = re.split(r"\n- ", section)
    head, leaf = " ".join(path[:-1]), path[-1]
    return any(re.search(rf"`({re.escape(head)} )?{re.escape(leaf)}[` ]", item)
               for item in items if f"`zoelife {head} " in item)


def test_every_command_is_in_the_readme():
    section = _section("The `zoelife` command")
    missing = [" ".join(p) for p in _commands(cli.build_parser())
               if not _documented(p, section)]
    assert missing == []


def test_the_command_check_tells_a_listed_command_from_a_missing_one():
    section = "\n- `zoelife users add NAME`, `users list`, `disable`.\n- `zoelife db upgrade`."
    assert _documented(("users", "list"), section) and _documented(("users", "disable"), section)
    assert _documented(("db", "upgrade"), section)
    assert not _documented(("users", "enable"), section)
    assert not _documented(("db", "current"), section)
