"""Finding #13 (MEDIUM): `zoelife export requests --out` wrote every patient's record
world-readable (0644). Every file the app writes that holds patient data (requests export,
content export, audit export, backup) is now created 0600 with the mode at creation: under a
permissive umask, over an existing 0644 file of the same name, with no chmod afterwards.
(Quarantined rows are only offered as a download on the Import page: no file is written.)"""

from __future__ import annotations

import csv
import io
import os
import stat
from pathlib import Path

import pytest

from tests.apptest import make_user
from zoelife import cli

PW = "correct horse battery staple"


@pytest.fixture
def permissive_umask():
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture
def chmods(monkeypatch):
    """Every path chmod'ed during the test: the mode must come from the creation itself."""
    seen: list[str] = []
    real_chmod = os.chmod

    def chmod(path, mode, *a, **kw):
        seen.append(os.fspath(path))
        return real_chmod(path, mode, *a, **kw)

    monkeypatch.setattr(os, "chmod", chmod)
    monkeypatch.setattr(os, "fchmod", lambda fd, mode: seen.append(f"fd:{fd}"))
    return seen


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _world_readable_file(path: Path) -> None:
    path.write_text("old\n")
    os.chmod(path, 0o644)


def _seed(app_db, fixture_dir: Path) -> None:
    assert cli.main(["--database", app_db, "import", "requests",
                     str(fixture_dir / "gravity_forms.csv")]) == 0


FIXTURES = Path(__file__).resolve().parents[2] / "ingest" / "fixtures"


@pytest.mark.parametrize("what", ["requests", "content"])
def test_exports_are_owner_only(app_db, tmp_path, permissive_umask, chmods, what):
    _seed(app_db, FIXTURES)
    folder = tmp_path / "out"
    folder.mkdir()
    fresh, existing = folder / "fresh.csv", folder / "existing.csv"
    _world_readable_file(existing)
    chmods.clear()
    for out in (fresh, existing):
        assert cli.main(["--database", app_db, "export", what, "--out", str(out)]) == 0
        assert _mode(out) == 0o600, f"{out.name} is {oct(_mode(out))}"
    assert not [p for p in chmods if p.endswith(".csv")]
    if what == "requests":
        rows = list(csv.reader(io.StringIO(fresh.read_text(encoding="utf-8"))))
        assert len(rows) == 4  # the header and the three requests: the file is whole
    assert sorted(p.name for p in folder.iterdir()) == ["existing.csv", "fresh.csv"]


def test_audit_export_is_owner_only_over_an_existing_file(app_db, tmp_path, permissive_umask,
                                                          chmods):
    out = tmp_path / "audit.csv"
    _world_readable_file(out)
    chmods.clear()
    assert cli.main(["--database", app_db, "audit", "export", str(out)]) == 0
    assert _mode(out) == 0o600 and out.read_text().startswith('"seq"')
    assert str(out) not in chmods


def test_backup_is_owner_only_over_a_leftover_partial(sqlite_url, tmp_path, permissive_umask,
                                                      chmods):
    make_user(sqlite_url, "boss", {"admin"}, password=PW)
    out = tmp_path / "backup.db"
    _world_readable_file(tmp_path / "backup.db.partial")  # left by an interrupted backup
    _world_readable_file(out)
    chmods.clear()
    assert cli.main(["--database", sqlite_url, "backup", str(out), "--force"]) == 0
    assert _mode(out) == 0o600
    # (the check of the copy opens it with make_engine, which keeps its 0600)
    assert str(out) not in chmods
