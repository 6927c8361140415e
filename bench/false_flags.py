"""The `none` messages that come out flagged, with why: `.venv/bin/python bench/false_flags.py`.

Every English or Spanish message labelled `none` in the frozen blind rounds
(tests/triage/evaluation.BLIND_ROUNDS) and the labelled sets (crisis_messages.jsonl,
crisis_probes.jsonl) that `assess` marks `review` or `urgent`, one line each: id, level,
the level with the rules alone (the net switched off), and the evidence (category, level and
the words). Then counts per round, English/Spanish and all. ``--json FILE`` writes the rows.

The net has read every one of these sets, so it seldom flags their `none` messages itself.
``--held-out`` assesses each set with a net trained without it (as a new round would meet it):
the flags the net alone adds to a message nobody trained it on.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.triage.evaluation import BLIND_ROUNDS, assess_by_rules, load  # noqa: E402
from zoelife.triage import assess, learned  # noqa: E402

LABELLED = ("crisis_messages.jsonl", "crisis_probes.jsonl")


def label_of(row: dict) -> str:
    return row.get("crisis") or row.get("label")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", type=Path)
    parser.add_argument("--quiet", action="store_true", help="counts only")
    parser.add_argument("--held-out", action="store_true",
                        help="each set assessed by a net trained without it")
    args = parser.parse_args()
    rows_out = []
    print("| set | none flagged, English/Spanish | none flagged, all |")
    print("|---|---|---|")
    total = [0, 0, 0, 0]
    for name in (*BLIND_ROUNDS, *LABELLED):
        en_es = flagged_en_es = every = flagged_every = 0
        if args.held_out:
            learned._NET = learned.LearnedNet(learned.examples(exclude=(name,)))
        for row in load(name):
            if label_of(row) != "none":
                continue
            a = assess(row["text"])
            # The labelled sets carry no language label; the detector's reading stands in.
            language = row.get("language") or a.language
            mine = language in ("en", "es")
            every += 1
            en_es += mine
            if a.crisis == "none":
                continue
            flagged_every += 1
            flagged_en_es += mine
            if not mine:
                continue
            rules = assess_by_rules(row["text"]).crisis
            evidence = [(e.category, e.level, row["text"][e.start:e.end][:60])
                        for e in a.crisis_evidence]
            rows_out.append({"id": row["id"], "set": name, "language": language,
                             "level": a.crisis, "rules_alone": rules,
                             "evidence": evidence, "text": row["text"]})
        total = [t + x for t, x in zip(total, (flagged_en_es, en_es, flagged_every, every),
                                        strict=True)]
        print(f"| {name.removesuffix('.jsonl')} | {flagged_en_es}/{en_es} | "
              f"{flagged_every}/{every} |")
    print(f"| all | {total[0]}/{total[1]} ({total[0] / total[1]:.1%}) | "
          f"{total[2]}/{total[3]} ({total[2] / total[3]:.1%}) |")
    if not args.quiet:
        for r in rows_out:
            print(f"\n{r['id']} {r['language']} {r['level']} (rules alone: {r['rules_alone']})")
            for category, level, words in r["evidence"]:
                print(f"    {category}/{level}: {words!r}")
            print("    " + r["text"][:400].replace("\n", " "))
    if args.json:
        with args.json.open("w", encoding="utf-8") as fh:
            for r in rows_out:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
