"""Psychotherapy the person has had or has now, from their own words ("did CBT for a year",
"therapy since 2020", "saw a counselor", "estuve en terapia dos años"), for the
prior-authorization checklist's psychotherapy criterion: a suggestion with the words it came
from, which staff confirm (docs/coverage.md).

The vocabulary is data (`data/psychotherapy.toml`): the kinds of psychotherapy, what is not
psychotherapy ("physical therapy", "ketamine-assisted therapy"), the words around a kind that
say it was had (before: "did", "saw a", "my", "estuve en"; after: "for a year", "since 2020",
"didn't help") and those that say it was not ("never", "looking for", "want to try",
"busco"), and professions ("my wife is a therapist"). A mention counts when, within its clause,
a "had" word is nearer before it than any "not" word, or a "had" word follows it; a negation
just before it always wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ._text import SENTENCE_BREAK, Folded, compile_groups, compile_phrases, expand, load_toml

GENERIC = "therapy"
_WINDOW_BEFORE = 70  # characters of the clause read before a kind
_WINDOW_AFTER = 45
_NEGATION_NEAR = 28  # a negation this close before a kind always wins
_NEGATIONS = re.compile(r"(?<![\w])(?:never|no|not|havent|hasnt|didnt|dont|nunca|sin|ni)"
                        r"(?![\w])")


@dataclass(frozen=True)
class Psychotherapy:
    kind: str  # cbt, dbt, emdr, act, ipt, group therapy, family therapy, psychotherapy,
    # counseling, therapy
    weeks: int | None  # how long, when the words say
    since_year: int | None  # "since 2020", "desde 2019"
    spans: tuple[tuple[int, int], ...]  # where it is named in the original text

    def as_json(self) -> dict:
        return {"kind": self.kind, "weeks": self.weeks, "since_year": self.since_year}


@cache
def _config():
    cfg = load_toml("psychotherapy.toml")
    read = cfg["read"]

    def tail(patterns: list[str]) -> re.Pattern[str]:
        # A cue, then at most a few filler words, up to the kind.
        body = "|".join(f"(?:{expand(p)})" for p in patterns)
        return re.compile(r"(?<![\w])(?:" + body + r")(?![\w])")

    units = cfg["duration"]["units"]
    numbers = cfg["duration"]["numbers"]
    number_rx = "|".join(sorted((re.escape(n) for n in numbers), key=len, reverse=True))
    unit_rx = "|".join(sorted((re.escape(u) for u in units), key=len, reverse=True))
    return {
        "kinds": compile_groups({re.sub(r"\W", "_", k): v for k, v in cfg["kinds"].items()}),
        "names": {re.sub(r"\W", "_", k): k for k in cfg["kinds"]},
        "not_therapy": compile_phrases(read["not_therapy"]),
        "had_before": tail(read["had_before"]),
        "had_after": tail(read["had_after"]),
        "not_before": tail(read["not_before"]),
        "profession": re.compile("(?:" + "|".join(expand(p) for p in read["profession"])
                                 + ")"),
        "units": units,
        "numbers": numbers,
        "duration_after": re.compile(
            r"(?<![\w])(?:for|durante|por|x|desde hace|over|about|almost|around)\s*"
            r"(?:about |almost |over |around |like |casi |unos |unas |mas de )?"
            rf"(\d+(?:\.\d+)?|{number_rx})\s*(?:of\s+)?({unit_rx})(?:e?s)?(?![\w])"),
        "duration_before": re.compile(
            rf"(?<![\w])(\d+(?:\.\d+)?|{number_rx})\s*({unit_rx})(?:e?s)?\s+"
            r"(?:of|de|en)\s+(?:\w+\s+){0,2}$"),
        "since": re.compile(r"(?<![\w])(?:since|desde)\s+(?:el\s+)?((?:19|20)\d\d)(?![\w])"),
    }


def _digits(text: str) -> str:
    from zoelife.triage.trial_numbers import in_digits as digits  # numbers in words, both languages

    return digits(text)


def _clause(folded: str, start: int, end: int) -> tuple[int, int]:
    lo = 0
    for m in SENTENCE_BREAK.finditer(folded, max(0, start - 200), start):
        lo = m.end()
    m = SENTENCE_BREAK.search(folded, end)
    return lo, (m.start() if m else len(folded))


def _last_end(rx: re.Pattern[str], text: str) -> int:
    ends = [m.end() for m in rx.finditer(text)]
    return max(ends) if ends else -1


def _weeks(amount: str, unit: str, units: dict[str, float], numbers: dict[str, int]) -> int:
    n = float(numbers[amount]) if amount in numbers else float(amount)
    factor = next(v for k, v in sorted(units.items(), key=lambda kv: -len(kv[0]))
                  if unit.startswith(k))
    return max(round(n * factor), 1)


def _had(cfg, before: str, after: str) -> bool:
    """Whether the words around a kind say the person had it (or has it now)."""
    near = before[-_NEGATION_NEAR:]
    if _NEGATIONS.search(near):
        return False
    had = _last_end(cfg["had_before"], before)
    refused = _last_end(cfg["not_before"], before)
    if refused >= 0 and refused >= had:
        return False
    if had >= 0:
        return True
    return cfg["had_after"].search(after) is not None


def extract_psychotherapy(text: str | None) -> list[Psychotherapy]:
    """The psychotherapy a message says the person had or has, in the order named."""
    if not text:
        return []
    cfg = _config()
    f = Folded(text)
    folded = f.folded
    excluded = [(m.start(), m.end()) for m in cfg["not_therapy"].finditer(folded)]
    found: list[Psychotherapy] = []
    for m in cfg["kinds"].finditer(folded):
        s, e = m.start(), m.end()
        if any(a < e and s < b for a, b in excluded):
            continue
        lo, hi = _clause(folded, s, e)
        before = folded[max(lo, s - _WINDOW_BEFORE):s]
        after = folded[e:min(hi, e + _WINDOW_AFTER)]
        if cfg["profession"].search(before[-30:]):
            continue
        if not _had(cfg, before, after):
            continue
        weeks = since = None
        later = _digits(folded[e:min(hi, e + _WINDOW_AFTER)])
        d = cfg["duration_after"].search(later)
        if d is None:
            d = cfg["duration_before"].search(_digits(before))
        if d is not None:
            weeks = _weeks(d.group(1), d.group(2), cfg["units"], cfg["numbers"])
        y = cfg["since"].search(later)
        if y is not None:
            since = int(y.group(1))
        found.append(Psychotherapy(cfg["names"][m.lastgroup], weeks, since, (f.span(s, e),)))
    return found


@dataclass(frozen=True)
class Summary:
    """A message's psychotherapy in one line: the kinds (the generic "therapy" only when no
    other kind is named), the longest duration and the earliest "since"."""

    kinds: tuple[str, ...]
    weeks: int | None
    since_year: int | None
    spans: tuple[tuple[int, int], ...]

    def as_json(self) -> dict:
        return {"kinds": list(self.kinds), "weeks": self.weeks, "since_year": self.since_year}


def summarise(found: list[Psychotherapy]) -> Summary | None:
    if not found:
        return None
    kinds = list(dict.fromkeys(p.kind for p in found))
    if len(kinds) > 1 and GENERIC in kinds:
        kinds.remove(GENERIC)
    weeks = [p.weeks for p in found if p.weeks is not None]
    years = [p.since_year for p in found if p.since_year is not None]
    return Summary(tuple(kinds), max(weeks) if weeks else None, min(years) if years else None,
                   tuple(s for p in found for s in p.spans))


def psychotherapy_in(text: str | None) -> Summary | None:
    return summarise(extract_psychotherapy(text))
