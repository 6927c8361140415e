"""The floors of the code (docs/architecture.md#floors), read from the source with `ast`.

Each module sits on one floor and imports only from its own floor or below, never from above,
and no chain of imports comes back to where it started. Imports inside functions count the same
as imports at the top of a file: a function-level import does not excuse a circle or an arrow up.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Top to bottom. A module belongs to the first floor with a prefix that names it or one of its
# packages; every module must belong to one, so a new package is placed here on purpose.
FLOORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("entries", ("streamlit_app", "pages", "zoelife.server", "zoelife.cli", "zoelife.__main__",
                 "zoelife.ingest.cli", "zoelife.security.cli", "zoelife.triage.cli")),
    ("ui", ("zoelife.ui",)),
    ("rooms", ("zoelife.insights", "zoelife.intake", "zoelife.ingest", "zoelife.security",
               "zoelife.coverage", "zoelife.conversations", "zoelife.demo")),
    ("core", ("zoelife.triage", "zoelife.audit", "zoelife.audit_anchor", "zoelife.audit_search",
              "zoelife.settings")),
    ("db", ("zoelife.db",)),
    ("words", ("zoelife.vocabulary", "zoelife.spreadsheet", "zoelife.private_files",
               "zoelife.cli_common", "zoelife.config", "zoelife")),
)

# Circles left to the rewrite of the ingest write path (issue 23, part 1): a package's
# `__init__` that imports its own connector modules, which import shared names back from it.
# (The JSON reader left it when the readers' text helpers moved under it, to `readers`.)
KNOWN_CIRCLES: list[frozenset[str]] = [
    frozenset({
        "zoelife.ingest.connectors", "zoelife.ingest.connectors.calendly",
        "zoelife.ingest.connectors.formstack", "zoelife.ingest.connectors.generic",
        "zoelife.ingest.connectors.gravity", "zoelife.ingest.connectors.hubspot",
        "zoelife.ingest.connectors.jotform", "zoelife.ingest.connectors.meta",
        "zoelife.ingest.connectors.typeform", "zoelife.ingest.connectors.wpforms",
    }),
]


def _sources() -> dict[str, Path]:
    files = [ROOT / "streamlit_app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("zoelife/**/*.py")]
    out = {}
    for path in files:
        rel = path.relative_to(ROOT)
        if rel.parts[:3] == ("zoelife", "db", "migrations"):
            continue  # Alembic's scripts, run by Alembic
        name = ".".join(rel.with_suffix("").parts)
        out[name.removesuffix(".__init__")] = path
    return out


MODULES = _sources()


def _imports(name: str, path: Path, text: str | None = None) -> list[tuple[str, int]]:
    """(imported project module, line) for every import in the file, at any depth."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    source = path.read_text(encoding="utf-8") if text is None else text
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            # `from zoelife import audit` imports the module zoelife.audit.
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base
                       for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.append((target, node.lineno))
    return found


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def floor_of(module: str) -> int | None:
    for index, (_, prefixes) in enumerate(FLOORS):
        if any(module == p or (p != "zoelife" and module.startswith(p + ".")) for p in prefixes):
            return index
    return None


def test_every_module_has_a_floor():
    assert [m for m in MODULES if floor_of(m) is None] == []


def test_no_import_goes_up_a_floor():
    up = []
    for module, imports in GRAPH.items():
        for target, line in imports:
            if floor_of(target) < floor_of(module):
                up.append(f"{MODULES[module].relative_to(ROOT)}:{line} imports {target} "
                          f"({FLOORS[floor_of(module)][0]} -> {FLOORS[floor_of(target)][0]})")
    assert up == []


def _circles() -> list[frozenset[str]]:
    """Strongly connected groups of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups = []
    for start in GRAPH:
        if start in index:
            continue
        work = [(start, iter(t for t, _ in GRAPH[start]))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            for target in edges:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(t for t, _ in GRAPH[target])))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.add(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(frozenset(group))
    return groups


def test_no_import_circle():
    new = [sorted(group) for group in _circles() if group not in KNOWN_CIRCLES]
    assert new == []


def test_known_circles_are_still_there():
    """When a known circle is broken, it leaves the list (so it cannot come back unseen)."""
    assert [sorted(c) for c in KNOWN_CIRCLES if c not in _circles()] == []


def test_the_rule_sees_a_circle_and_an_arrow_up():
    """The checks above would catch the circle of issue 23 (settings -> audit -> schedule ->
    settings) and its arrow up, whether the import is at the top or inside a function."""
    code = "def f():\n    from zoelife.intake.schedule import recompute_all\n"
    found = _imports("zoelife.settings", MODULES["zoelife.settings"], code)
    assert found == [("zoelife.intake.schedule", 2)]
    assert floor_of("zoelife.intake.schedule") < floor_of("zoelife.settings")


def test_every_module_has_its_line_in_the_architecture_notes():
    """docs/architecture.md's Floors section names each module (package `__init__` files
    aside), by its path from the repository or from zoelife/."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text[text.index("\n## Floors\n"):text.index("\n## ", text.index("\n## Floors\n") + 1)]
    missing = []
    for path in MODULES.values():
        rel = path.relative_to(ROOT).as_posix()
        if path.name == "__init__.py" and rel != "zoelife/__init__.py":
            continue
        if f"`{rel}`" not in section and f"`{rel.removeprefix('zoelife/')}`" not in section:
            missing.append(rel)
    assert missing == []
