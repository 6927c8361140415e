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
from zoelife.triage.psychotherapy import psychotherapy_in
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
        "psychotherapy": _psychotherapy_json(text),
    }


def _psychotherapy_json(text: str) -> dict | None:
    found = psychotherapy_in(text)
    return found.as_json() if found is not None else None


def summary(number: int, text: str, a: Assessment) -> str:
    lines = [f"{number}. {_LEVEL_WORD[a.crisis]}  (language: {a.language_name})"]
    for r in reasons(text, a):
        if r["category"] != "other_language":
            why = f'"{r["words"]}"'
        elif a.language_read:
            why = (f"in {a.language_name}: read by the detector's {a.language_name} fields; "
                   "someone who reads it must check it")
        else:
            why = "in a language the detector does not read"
        lines.append(f"   {r['level']}: {r['category'].replace('_', ' ')} {why}")
    lines.append("   treatments: " + (", ".join(sorted(a.treatments)) or "none named"))
    if a.treatment_history:
        lines.append("   had before: " + ", ".join(sorted(a.treatment_history)))
    if a.other_services:
        lines.append("   not offered here: " + ", ".join(a.other_services))
    for t in extract_trials(text):
        lines.append("   medication trial: " + trial_summary(t))
    therapy = psychotherapy_in(text)
    if therapy is not None:
        lines.append("   psychotherapy: " + ", ".join(
            [" and ".join(therapy.kinds)]
            + ([f"{therapy.weeks} weeks"] if therapy.weeks else [])
            + ([f"since {therapy.since_year}"] if therapy.since_year else [])))
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
