"""Rules alone, by blind round: `.venv/bin/python bench/rules_alone.py [--misses FILE]`.

Every frozen blind round (tests/triage/evaluation.BLIND_ROUNDS) assessed with the learned net
switched off (`assess_by_rules`): urgent recall, labelled urgent/review assessed `none`, `none`
messages flagged, `review` messages raised to `urgent` (apart: those labelled `review` only because nobody read
their language, as tests/triage/evaluation.py counts them, "read now"). The net has read every frozen round, so
these are the figures that say what the fields, rules, context and safety net alone do.
``--misses FILE`` writes the rules-alone urgent misses and review/urgent -> none (id, language,
label, level, category, text) as JSON lines, to group them by kind.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.triage.evaluation import (  # noqa: E402
    BLIND_ROUNDS,
    assess_by_rules,
    labelled_for_an_unread_language,
    load,
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--misses", type=Path)
    args = parser.parse_args()
    misses = []
    print("| round | urgent | urgent/review -> none | none flagged | review raised |")
    print("|---|---|---|---|---|")
    totals = [0] * 7
    for number, name in enumerate(BLIND_ROUNDS, start=1):
        urgent = hit = flagged = to_none = none = none_flagged = review = raised = read_now = 0
        for row in load(name):
            got = assess_by_rules(row["text"]).crisis
            label = row["crisis"]
            urgent += label == "urgent"
            hit += label == "urgent" and got == "urgent"
            if label == "none":
                none += 1
                none_flagged += got != "none"
            else:
                flagged += 1
                to_none += got == "none"
            if label == "review":
                review += 1
                if labelled_for_an_unread_language(row):
                    read_now += got == "urgent"
                else:
                    raised += got == "urgent"
            if (label == "urgent" and got != "urgent") or (label != "none" and got == "none"):
                misses.append({"id": row["id"], "language": row["language"], "label": label,
                               "got": got, "category": row.get("category", ""),
                               "text": row["text"]})
        print(f"| {number} | {hit}/{urgent} | {to_none}/{flagged} | {none_flagged}/{none} "
              f"| {raised}/{review}" + (f" (+{read_now} read now)" if read_now else "") + " |")
        for i, v in enumerate((hit, urgent, to_none, flagged, none_flagged, none, raised)):
            totals[i] += v
    h, u, t, f, nf, n, r = totals
    print(f"| all | {h}/{u} | {t}/{f} | {nf}/{n} | {r} |")
    if args.misses:
        with args.misses.open("w", encoding="utf-8") as fh:
            for m in misses:
                fh.write(json.dumps(m, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
