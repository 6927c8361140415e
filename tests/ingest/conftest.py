from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def fixture_path():
    def get(name: str) -> Path:
        return FIXTURES / name

    return get


@pytest.fixture
def frozen():
    """Time stands at FIXED_NOW: a body without a time of its own is received then by both
    paths (the delivery's arrival, the import's time), to the microsecond."""
    from tests.clock import FIXED_NOW, travel

    with travel(FIXED_NOW, tick=False) as traveller:
        yield traveller
