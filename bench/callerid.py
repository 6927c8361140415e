"""Caller-ID lookup time at 1,000 and 1,000,000 demo requests: `.venv/bin/python bench/callerid.py`.

Uses bench/run.py's cached demo databases (built once, about 11 minutes for 1M on the 2-core
machine). For 40 of the newest requests with a phone and a name, times `callerid.lookup` as
phone entry calls it: the whole number, a number being typed (its first 7 digits), the email,
a first name with the start of the last name, and all four; prints median and p90 per case.
"""

from __future__ import annotations

import importlib.util
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

_spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
bench_run = importlib.util.module_from_spec(_spec)
sys.modules["bench_run"] = bench_run
_spec.loader.exec_module(bench_run)

from sqlalchemy import select  # noqa: E402

from zoelife.db.engine import make_engine, read_session  # noqa: E402
from zoelife.db.models import Request  # noqa: E402
from zoelife.intake import callerid  # noqa: E402
from zoelife.intake.normalize import format_phone  # noqa: E402

SIZES = (1_000, 1_000_000)


def cases(engine) -> dict[str, list[dict]]:
    with read_session(engine) as s:
        rows = s.execute(
            select(Request.phone, Request.email, Request.first_name, Request.last_name)
            .where(Request.phone.is_not(None), Request.first_name.is_not(None),
                   Request.last_name.is_not(None))
            .order_by(Request.id.desc()).limit(40)).all()
    return {
        "whole phone": [dict(phone=format_phone(r.phone)) for r in rows],
        "phone being typed (7 digits)": [dict(phone=format_phone(r.phone)[:11]) for r in rows],
        "email": [dict(email=r.email) for r in rows if r.email],
        "first + start of last name": [dict(first_name=r.first_name, last_name=r.last_name[:3])
                                       for r in rows],
        "all four": [dict(phone=r.phone, email=r.email, first_name=r.first_name,
                          last_name=r.last_name) for r in rows],
    }


def main() -> None:
    for n in SIZES:
        engine = make_engine(f"sqlite:///{bench_run.cached_db(n)}")
        print(f"{n:,} requests")
        for name, typed in cases(engine).items():
            times = []
            for t in typed:
                with read_session(engine) as s:
                    start = time.perf_counter()
                    callerid.lookup(s, **t)
                    times.append((time.perf_counter() - start) * 1000)
            times.sort()
            print(f"  {name:30s} median {statistics.median(times):5.1f} ms"
                  f"  p90 {times[int(len(times) * 0.9) - 1]:5.1f} ms  (n={len(times)})")
        engine.dispose()


if __name__ == "__main__":
    main()
