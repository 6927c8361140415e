"""Rebuild migration 0001 from the models. Only valid until the first release lands on main:
after that, schema changes get a new revision (`alembic revision --autogenerate`)."""

import tempfile
from pathlib import Path

from alembic import command

from zoelife.db.engine import make_engine
from zoelife.db.migrate import MIGRATIONS_DIR, alembic_config

target = MIGRATIONS_DIR / "versions" / "0001_initial_schema.py"
with tempfile.TemporaryDirectory() as tmp:
    engine = make_engine(f"sqlite:///{Path(tmp) / 'gen.db'}")
    target.unlink(missing_ok=True)
    cfg = alembic_config()
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.revision(cfg, message="initial schema", autogenerate=True, rev_id="0001")
text = target.read_text()
lines = [("Create Date: 2026-11-26" if line.startswith("Create Date:") else line)
         for line in text.splitlines()]
target.write_text("\n".join(lines) + "\n")
print(f"rewrote {target}")
