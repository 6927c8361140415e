"""Speed work must not change a single result: every field of the assessment of each message of
the labelled and blind sets (zoelife/triage/data/examples/*.jsonl), and of 2,000 generated messages with
form values, is compared with tests/triage/golden/assessments.jsonl.

The golden file was written by `bench/triage_speed.py --write-golden` on the triage as it was
before the speed-up (commit "Triage speed harness and golden results"). A change meant to alter
results rewrites it in the same commit, so the diff shows every message whose reading changed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.triage.evaluation import golden_record
from zoelife.triage import assess, assess_all
from zoelife.triage.learned import EXAMPLES

GOLDEN = Path(__file__).parent / "golden" / "assessments.jsonl"
DATA = EXAMPLES


def _golden() -> list[dict]:
    with GOLDEN.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _record(text: str, form: list[str], a) -> dict:
    return {"text": text, "form": form, **golden_record(a)}


def test_golden_file_covers_every_labelled_message():
    texts = {row["text"] for row in _golden()}
    for path in sorted(DATA.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                assert json.loads(line)["text"] in texts, path.name


def test_assess_all_gives_the_golden_results():
    golden = _golden()
    results = assess_all([(g["text"], g["form"]) for g in golden])
    differ = [(g, got) for g, a in zip(golden, results, strict=True)
              if (got := _record(g["text"], g["form"], a)) != g]
    assert not differ, f"{len(differ)} of {len(golden)} differ; first: {differ[0]}"


@pytest.mark.parametrize("start", range(0, 3200, 400))
def test_assess_one_by_one_gives_the_golden_results(start):
    # Message by message, in slices: a cache warmed by earlier messages must not matter either.
    golden = _golden()[start:start + 400]
    for g in reversed(golden):
        assert _record(g["text"], g["form"], assess(g["text"], g["form"])) == g
