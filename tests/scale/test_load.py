"""Many staff at once, against a live `streamlit run` server, while the webhook receives
submissions over HTTP.

What is real and what is simulated:
- the server is the real app (`streamlit run streamlit_app.py`), the webhook traffic is real HTTP
  from 2 concurrent clients, and (when chromium is installed, always in CI) one front-desk
  person uses the queue in a real chromium browser, signed in through the sign-in form;
- the other front-desk sessions (10 in all) and the 2 manager sessions are threads calling the
  same zoelife functions the pages call (queue_page, request_detail, log_attempt,
  change_status through write_session; the insight aggregates), from a second process on the
  same database, as a second app server would.
Sized for CI: a 10,000-request demo database and 25 seconds per database (SQLite, then
PostgreSQL when ZOELIFE_TEST_DATABASE_URL is set). `bench/run.py --only load` runs the same on
the 200,000-request database for minutes.
"""

from __future__ import annotations

import os

import pytest

from tests.scale import browser
from tests.scale.conftest import SCALE_BACKENDS, load_demo_into
from tests.scale.traffic import run_load

pytestmark = pytest.mark.slow

CI_REQUESTS = 10_000
CI_SECONDS = 25


def _browsers() -> int:
    if browser.available():
        return 1
    if os.environ.get("ZOELIFE_REQUIRE_BROWSER"):
        pytest.fail("ZOELIFE_REQUIRE_BROWSER is set but /usr/bin/chromium is missing")
    return 0


@pytest.mark.parametrize("backend", SCALE_BACKENDS)
def test_many_staff_at_once_lose_nothing(backend, tmp_path, request):
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'load.db'}"
    else:
        url = request.getfixturevalue("pg_database")
    load_demo_into(url, CI_REQUESTS)

    result = run_load(url, seconds=CI_SECONDS, desk_sessions=10, manager_sessions=2,
                      webhook_clients=2, browser_sessions=_browsers())
    print(f"\n[{backend}] {result.summary()}")

    assert result.errors == []
    assert result.locked_seen == 0, "'database is locked' appeared in the server log"
    # Work actually happened on every side.
    assert result.webhook.ok > 20
    assert result.attempts_logged > 20 and result.moves_made > 5
    assert sum(s.reads for s in result.managers) > 5
    # Nothing acknowledged was lost, nothing stored twice.
    assert result.webhook_stored == result.webhook.ok
    assert result.duplicate_keys == 0
    assert result.requests_after - result.requests_before == result.webhook_requests
    assert result.attempts_stored == result.attempts_logged
    assert result.moves_stored == result.moves_made
    assert result.audit_ok
