"""Every labelled message's level, with the net and with the rules alone, as JSON lines:
`.venv/bin/python bench/levels_by_set.py OUT.jsonl`; `--compare BEFORE.jsonl AFTER.jsonl`
prints, per set, what a change did: urgent recall, labelled review/urgent -> none, review
raised to urgent (as tests/triage/evaluation.py counts it), `none` flagged (English/Spanish
and all), each with the net and with the rules alone, and the messages whose level moved.
Run it on the code before a change and after, to check that a fix for false flags costs no
recall anywhere (docs/triage.md, "None flagged, by kind").
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
from zoelife.triage import assess  # noqa: E402

SETS = (*BLIND_ROUNDS, "crisis_messages.jsonl", "crisis_probes.jsonl")


def write(out: Path) -> None:
    with out.open("w", encoding="utf-8") as fh:
        for name in SETS:
            for row in load(name):
                a = assess(row["text"])
                fh.write(json.dumps({
                    "set": name.removesuffix(".jsonl"), "id": row["id"],
                    "label": row.get("crisis") or row.get("label"),
                    "language": row.get("language") or a.language,
                    "unread_review": "crisis" in row and labelled_for_an_unread_language(row),
                    "net": a.crisis, "rules": assess_by_rules(row["text"]).crisis,
                }) + "\n")


def figures(rows: list[dict], key: str) -> dict[str, int]:
    en_es = [r for r in rows if r["language"] in ("en", "es")]
    return {
        "urgent": sum(r["label"] == "urgent" and r[key] == "urgent" for r in rows),
        "to_none": sum(r["label"] != "none" and r[key] == "none" for r in rows),
        "raised": sum(r["label"] == "review" and r[key] == "urgent" and not r["unread_review"]
                      for r in rows),
        "none_flagged_en_es": sum(r["label"] == "none" and r[key] != "none" for r in en_es),
        "none_flagged": sum(r["label"] == "none" and r[key] != "none" for r in rows),
    }


def compare(before: Path, after: Path) -> None:
    def read(p: Path) -> dict[str, list[dict]]:
        by: dict[str, list[dict]] = {}
        for line in p.open(encoding="utf-8"):
            r = json.loads(line)
            by.setdefault(r["set"], []).append(r)
        return by

    b, a = read(before), read(after)
    print("| set | key | urgent | review/urgent -> none | review raised | none flagged en/es | "
          "none flagged all |")
    print("|---|---|---|---|---|---|---|")
    worse = []
    for name in b:
        for key in ("net", "rules"):
            fb, fa = figures(b[name], key), figures(a[name], key)
            n_urgent = sum(r["label"] == "urgent" for r in b[name])
            none_en_es = sum(r["label"] == "none" and r["language"] in ("en", "es")
                             for r in b[name])
            n_none = sum(r["label"] == "none" for r in b[name])

            def cell(k, total=None, fb=fb, fa=fa):
                t = f"/{total}" if total is not None else ""
                return (f"{fb[k]}{t}" if fb[k] == fa[k] else f"{fb[k]} → {fa[k]}{t}")
            print(f"| {name} | {key} | {cell('urgent', n_urgent)} | {cell('to_none')} | "
                  f"{cell('raised')} | {cell('none_flagged_en_es', none_en_es)} | "
                  f"{cell('none_flagged', n_none)} |")
            if (fa["urgent"] < fb["urgent"] or fa["to_none"] > fb["to_none"]
                    or fa["raised"] > fb["raised"]):
                worse.append(f"{name} ({key})")
    print("\nworse on:", ", ".join(worse) or "nothing")
    for name in b:
        for rb, ra in zip(b[name], a[name], strict=True):
            for key in ("net", "rules"):
                if rb[key] != ra[key]:
                    print(f"  {ra['id']} [{ra['label']}] {key}: {rb[key]} -> {ra[key]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path, nargs="?")
    parser.add_argument("--compare", type=Path, nargs=2)
    args = parser.parse_args()
    if args.compare:
        compare(*args.compare)
    else:
        write(args.out)


if __name__ == "__main__":
    main()
