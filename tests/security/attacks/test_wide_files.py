"""Robustness: a request file that hangs the browser, and an old packaging toolchain.

Found in review: a 20,000-column CSV drew one mapping selectbox per column on the Import page,
and the browser hung for over 90 s. Control: the first MAX_MAPPED_COLUMNS (200) columns are
offered for mapping and previewed; the rest keep their automatic mapping (a known column to
its field, any other as an extra field), said on screen, and nothing is dropped. Also: the
virtual environment is created with current pip and setuptools (Makefile).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from tests.apptest import page, read_db, sign_in
from zoelife.db.models import Request

ROOT = Path(__file__).resolve().parents[3]
COLUMNS = 20_000


def wide_csv() -> bytes:
    headers = ["Entry Id", "Date Created", "First Name", "Last Name", "Email", "Message"]
    headers += [f"Question {i}" for i in range(len(headers), COLUMNS)]
    row = ["w-1", "2026-03-02 10:00:00", "Ivy", "Marsh", "ivy@example.org", "TMS please"]
    row += [f"answer {i}" for i in range(len(row), COLUMNS)]
    return (",".join(headers) + "\n" + ",".join(row) + "\n").encode()


def test_a_20000_column_file_offers_200_columns_and_keeps_every_value(app_db):
    at = page("pages/import_requests.py", timeout=120)
    sign_in(at, app_db, roles=("front_desk",))
    at.run()
    at.file_uploader[0].set_value(("wide.csv", wide_csv(), "text/csv")).run()
    assert not at.exception
    mapping = [s for s in at.selectbox if s.label != "Channel"]
    assert len(mapping) == 200
    assert any("This file has 20,000 columns. The first 200" in i.value for i in at.info)
    next(b for b in at.button if b.label == "Import").click().run()
    assert not at.exception
    request = read_db(app_db, lambda s: s.execute(select(Request)).scalar_one())
    assert request.first_name == "Ivy" and request.email == "ivy@example.org"
    assert request.extra["Question 19999"] == "answer 19999"
    assert len([k for k in request.extra if k.startswith("Question ")]) == COLUMNS - 6


def test_the_virtual_environment_gets_current_pip_and_setuptools():
    recipe = (ROOT / "Makefile").read_text()
    assert "$(BIN)/python -m pip install --quiet --upgrade pip setuptools" in recipe
