"""Tests share their setup through conftest.py files (fixtures) and helper modules (plain
functions and data, e.g. tests/browser/journey.py), never by importing another test file:
a test module imported by another runs its module-level code twice and ties the two files."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _is_test_module(dotted: str) -> bool:
    return dotted.rpartition(".")[2].startswith("test_")


def imports_of_test_modules(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if _is_test_module(a.name)]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if _is_test_module(node.module):
                found.append(node.module)
            else:  # `from tests.ingest import test_connectors`
                found += [f"{node.module}.{a.name}" for a in node.names
                          if _is_test_module(a.name)]
    return found


def test_no_test_module_imports_another():
    offenders = {str(p.relative_to(TESTS)): imports_of_test_modules(p)
                 for p in TESTS.rglob("*.py")}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_check_sees_each_form_of_import(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("import tests.browser.test_journeys\n"
                     "from tests.ingest.test_connectors import CASES\n"
                     "from tests.ingest import test_cli, connector_cases\n"
                     "def f():\n    from tests.security.attacks.test_feed_xml import x\n")
    assert imports_of_test_modules(probe) == [
        "tests.browser.test_journeys", "tests.ingest.test_connectors", "tests.ingest.test_cli",
        "tests.security.attacks.test_feed_xml"]
