"""`zoelife assess`: the triage of messages from the command line.

Messages come one per line on stdin, or as one argument (the command is declared in
`zoelife.cli.COMMANDS`). Nothing is stored or logged; the
output goes to stdout only.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable

from zoelife.triage import Assessment, assess_all
from zoelife.triage.trials import extract_trials

_LEVEL_WORD = {"urgent": "URGENT", "review": "review", "none": "none"}


def run(args: argparse.Namespace) -> int:
    texts = [args.message] if args.message is not None else _lines(sys.stdin)
    results = assess_all([(t, ()) for t in texts])
    for i, (text, a) in enumerate(zip(texts, results, strict=True), 1):
        if args.json:
            print(json.dumps(as_json(text, a), ensure_ascii=False))
        else:
            print(summary(i, text, a))
    return 0


def _lines(stream: Iterable[str]) -> list[str]:
    return [line.rstrip("\r\n") for line in stream]


def reasons(text: str, a: Assessment) -> list[dict[str, str]]:
    return [
        {"category": sp.category, "level": sp.level,
         "words": "" if sp.category == "other_language" else text[sp.start:sp.end]}
        for sp in a.crisis_evidence
    ]


def as_json(text: str, a: Assessment) -> dict:
    return {
        "crisis": a.crisis,
        "reasons": reasons(text, a),
        "treatments": sorted(a.treatments),
        "treatment_history": sorted(a.treatment_history),
        "other_services": list(a.other_services),
        "language": a.language_code,
        "trials": [t.as_json() for t in extract_trials(text)],
    }


def summary(number: int, text: str, a: Assessment) -> str:
    lines = [f"{number}. {_LEVEL_WORD[a.crisis]}  (language: {a.language_name})"]
    for r in reasons(text, a):
        why = "in a language the detector does not read" if r["category"] == "other_language" \
            else f'"{r["words"]}"'
        lines.append(f"   {r['level']}: {r['category'].replace('_', ' ')} {why}")
    lines.append("   treatments: " + (", ".join(sorted(a.treatments)) or "none named"))
    if a.treatment_history:
        lines.append("   had before: " + ", ".join(sorted(a.treatment_history)))
    if a.other_services:
        lines.append("   not offered here: " + ", ".join(a.other_services))
    for t in extract_trials(text):
        lines.append("   medication trial: " + trial_summary(t))
    return "\n".join(lines)


def trial_summary(t) -> str:
    """"sertraline 100 mg, 13 weeks, no response" (what the words gave)."""
    parts = [t.drug]
    if t.dose_mg is not None:
        parts[0] += f" {t.as_json()['dose_mg']} mg"
    if t.weeks is not None:
        parts.append(f"{t.weeks} week{'s' if t.weeks != 1 else ''}")
    if t.response:
        parts.append(t.response_words)
    return ", ".join(parts)
