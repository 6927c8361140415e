"""How the learned net's urgent threshold was chosen: `.venv/bin/python bench/net_thresholds.py`.

The rules (fields, grammar, context) were fitted to blind rounds 1-4 after measuring each, so a
threshold chosen on those rounds learns how little the net is needed where the rules already
know the wording. Rounds 5 and later were never used to write a rule. For each of them, the net
is trained without that round (every other labelled message), the round is assessed by the
rules alone, and the net's two probabilities are kept; then every pair of thresholds is scored
on those held-out readings. Printed: one line per (urgent threshold, flag threshold) pair whose
`none` messages flagged stay at or under 10% and `none` raised to urgent at or under 2%, with
urgent recall, review/urgent -> none and review raised to urgent. The product's URGENT_AT is
the lowest urgent threshold listed at its flag threshold, REVIEW_AT (docs/triage.md,
"The learned net"); re-run it when a round is frozen, since the training changes.

    bench/net_thresholds.py                      rounds 5 and 6 (how URGENT_AT was chosen)
    bench/net_thresholds.py --rounds 5 6 7       any held-out rounds
    bench/net_thresholds.py --rounds 1 2 3 4 5 6 7 8 9 10 11 12 --per-round 0.68 0.78
                                                 each held-out round at those urgent
                                                 thresholds (flag threshold REVIEW_AT)
    bench/net_thresholds.py --ordinary           the ordinary-urgency sets (tests/triage/data:
                                                 scheduling hurry, 100 + 250 none and 20 + 50
                                                 urgent messages) read by the product's net
    ... --second-opinion-at 0                    any of these without the second opinion
                                                 (learned.SECOND_OPINION_AT): as before it
    bench/net_thresholds.py --flagged-bar --rounds 1 2 ... 16
                                                 the bar the net's flagged chance must reach
                                                 for the net alone to make a message urgent
                                                 (learned.URGENT_FLAGGED_AT), each round held
                                                 out, and the ordinary-urgency sets, at every
                                                 bar from 0 to REVIEW_AT
    ... --urgent-flagged-at 0                    any of these without that bar (as before it)
    bench/net_thresholds.py --trials 0.68 0.78   the medication-trial rounds' messages
                                                 (ordinary medication histories the net
                                                 never read, no crisis label) at those
                                                 urgent thresholds: what the net alone flags
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.triage.evaluation import (  # noqa: E402
    assess_by_rules,
    labelled_for_an_unread_language,
    load,
)
from zoelife.triage import learned  # noqa: E402


@dataclass(frozen=True)
class Reading:
    label: str  # what the round's writer said
    rules: str  # what the rules alone said
    language: str  # the detector's language ("other": the net may not raise it to urgent)
    flagged: float
    urgent: float
    unread: bool = False  # labelled review only because nobody read its language
    # The second opinion's urgent probability: the same net on the text without its scheduling
    # hurry (learned.without_hurry).
    second: float = 1.0


SECOND_OPINION_AT = learned.SECOND_OPINION_AT  # --second-opinion-at
URGENT_FLAGGED_AT = learned.URGENT_FLAGGED_AT  # --urgent-flagged-at


def held_out_readings(rounds: list[int]) -> list[Reading]:
    readings: list[Reading] = []
    for k in rounds:
        name = f"blind_round{k}.jsonl"
        rows = load(name)
        net = learned.LearnedNet(learned.examples(exclude=(name,)))
        chances = net.chances([r["text"] for r in rows])
        seconds = net.chances([learned.without_hurry(r["text"]) for r in rows])
        for row, (flagged, urgent), (_, second) in zip(rows, chances, seconds, strict=True):
            by_rules = assess_by_rules(row["text"])
            readings.append(Reading(row["crisis"], by_rules.crisis, by_rules.language,
                                    flagged, urgent, labelled_for_an_unread_language(row),
                                    second))
    return readings


def level(r: Reading, review_at: float, urgent_at: float, flagged_at: float | None = None) -> str:
    """zoelife.triage.learned.level_after, at any thresholds."""
    return learned.level_after(r.rules, r.language, r.flagged, r.urgent, r.second,
                               review_at=review_at, urgent_at=urgent_at,
                               second_at=SECOND_OPINION_AT,
                               flagged_at=URGENT_FLAGGED_AT if flagged_at is None else flagged_at)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, nargs="+", default=[5, 6])
    parser.add_argument("--per-round", type=float, nargs="+", metavar="URGENT_AT")
    parser.add_argument("--trials", type=float, nargs="+", metavar="URGENT_AT")
    parser.add_argument("--ordinary", action="store_true")
    parser.add_argument("--second-opinion-at", type=float, default=learned.SECOND_OPINION_AT)
    parser.add_argument("--urgent-flagged-at", type=float, default=learned.URGENT_FLAGGED_AT)
    parser.add_argument("--flagged-bar", action="store_true")
    args = parser.parse_args()
    global SECOND_OPINION_AT, URGENT_FLAGGED_AT
    SECOND_OPINION_AT = args.second_opinion_at
    URGENT_FLAGGED_AT = args.urgent_flagged_at
    if args.flagged_bar:
        flagged_bar(args.rounds)
        return
    if args.ordinary:
        ordinary()
        return
    if args.trials:
        trials(args.trials)
        return
    if args.per_round:
        per_round(args.rounds, args.per_round)
        return
    readings = held_out_readings(args.rounds)
    urgent = [r for r in readings if r.label == "urgent"]
    flagged = [r for r in readings if r.label != "none"]
    none = [r for r in readings if r.label == "none"]
    review = [r for r in readings if r.label == "review"]
    print(f"held-out rounds {args.rounds}: {len(readings)} messages, {len(urgent)} urgent, "
          f"{len(review)} review, {len(none)} none")
    print(f"{'urgent at':>9} {'flag at':>7}  urgent       ->none  none flagged  none->urgent  "
          "review raised")
    for urgent_at in [x / 100 for x in range(50, 96, 2)]:
        for review_at in (0.64, 0.68, 0.72, 0.76, 0.80):
            def count(rows, test, ra=review_at, ua=urgent_at):
                return sum(test(level(r, ra, ua)) for r in rows)
            none_flagged = count(none, lambda lv: lv != "none")
            none_urgent = count(none, lambda lv: lv == "urgent")
            if none_flagged > 0.10 * len(none) or none_urgent > 0.02 * len(none):
                continue
            hit = count(urgent, lambda lv: lv == "urgent")
            print(f"{urgent_at:9.2f} {review_at:7.2f}  {hit:3}/{len(urgent):<3} "
                  f"({hit / len(urgent):5.1%})  {count(flagged, lambda lv: lv == 'none'):5}  "
                  f"{none_flagged:3}/{len(none):<3}      {none_urgent:3}        "
                  f"{count(review, lambda lv: lv == 'urgent'):3}/{len(review)}")


def trials(thresholds: list[float]) -> None:
    """The trial rounds carry no crisis label and the net never read them: medication
    histories written by people who never saw the detector. What each level costs there."""
    from tests.triage.evaluation import TRIAL_ROUNDS

    rows = [row for name in TRIAL_ROUNDS for row in load(name)]
    readings = product_readings(rows)
    print(f"{len(readings)} trial messages; the rules alone: "
          + ", ".join(f"{lv} {sum(r.rules == lv for r in readings)}"
                      for lv in ("none", "review", "urgent")))
    for urgent_at in thresholds:
        got = [(r, level(r, learned.REVIEW_AT, urgent_at)) for r in readings]
        print(f"urgent at {urgent_at:.2f}: "
              + ", ".join(f"{lv} {sum(lv == g for _, g in got)}"
                          for lv in ("none", "review", "urgent"))
              + f"; rules none -> review {sum(r.rules == 'none' and g == 'review' for r, g in got)}"
              + f", -> urgent {sum(r.rules == 'none' and g == 'urgent' for r, g in got)}")


def product_readings(rows) -> list[Reading]:
    """`rows` read by the rules alone and by the product's net (trained on every label)."""
    net = learned.net()
    chances = net.chances([row["text"] for row in rows])
    seconds = net.chances([learned.without_hurry(row["text"]) for row in rows])
    readings = []
    for row, (flagged, urgent), (_, second) in zip(rows, chances, seconds, strict=True):
        by_rules = assess_by_rules(row["text"])
        readings.append(Reading(row.get("crisis", "?"), by_rules.crisis, by_rules.language,
                                flagged, urgent, second=second))
    return readings


def ordinary() -> None:
    """The ordinary-urgency sets (never trained on): ordinary messages in a hurry ("as soon as
    possible", "please call me today", "third time I write") and urgent ones with the same
    hurry beside a risk. What the net makes of the `none` ones, and whether it keeps every
    urgent one."""
    import json

    for name in ("ordinary_urgency_train.jsonl", "ordinary_urgency_test.jsonl"):
        path = ROOT / "tests" / "triage" / "data" / name
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
                if line.strip()]
        got = [(r, level(r, learned.REVIEW_AT, learned.URGENT_AT))
               for r in product_readings(rows)]
        none = [lv for r, lv in got if r.label == "none"]
        urgent = [lv for r, lv in got if r.label == "urgent"]
        print(f"{name}: none -> urgent {none.count('urgent')}/{len(none)}, "
              f"none -> review {none.count('review')}/{len(none)}, "
              f"urgent caught {urgent.count('urgent')}/{len(urgent)}, "
              f"urgent -> none {urgent.count('none')}")


def _ordinary_rows(name: str) -> list[dict]:
    import json

    path = ROOT / "tests" / "triage" / "data" / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def flagged_bar(rounds: list[int]) -> None:
    """An urgent message is a flagged message: the net alone makes a message urgent only when
    its flagged chance reaches a bar too (learned.URGENT_FLAGGED_AT). Every bar from 0 to
    REVIEW_AT, on the rounds held out one by one and on the ordinary-urgency sets (never
    trained on): held-out urgent messages caught and lost (against no bar), what else moves."""
    readings = [r for k in rounds for r in held_out_readings([k])]
    ordinary = {name: product_readings(_ordinary_rows(name))
                for name in ("ordinary_urgency_test.jsonl", "ordinary_urgency_train.jsonl")}
    urgent = [r for r in readings if r.label == "urgent"]
    none = [r for r in readings if r.label == "none"]
    review = [r for r in readings if r.label == "review"]
    base = {id(r): level(r, learned.REVIEW_AT, learned.URGENT_AT, 0.0) for r in readings}
    print(f"held-out rounds {rounds}: {len(readings)} messages, {len(urgent)} urgent, "
          f"{len(review)} review, {len(none)} none")
    print("| flagged bar | urgent (held out) | urgent lost | review/urgent -> none | "
          "none flagged | none -> urgent | review raised | ordinary test: none -> urgent / "
          "-> review, urgent | ordinary train: none -> urgent / -> review, urgent |")
    print("|---|---|---|---|---|---|---|---|---|")
    for bar in [x / 100 for x in range(0, round(learned.REVIEW_AT * 100) + 1, 2)]:
        got = [(r, level(r, learned.REVIEW_AT, learned.URGENT_AT, bar)) for r in readings]
        lost = sum(r.label == "urgent" and base[id(r)] == "urgent" and lv != "urgent"
                   for r, lv in got)
        cells = []
        for name in ("ordinary_urgency_test.jsonl", "ordinary_urgency_train.jsonl"):
            lv2 = [(r, level(r, learned.REVIEW_AT, learned.URGENT_AT, bar))
                   for r in ordinary[name]]
            n = [lv for r, lv in lv2 if r.label == "none"]
            u = [lv for r, lv in lv2 if r.label == "urgent"]
            cells.append(f"{n.count('urgent')}/{len(n)} / {n.count('review')}, "
                         f"{u.count('urgent')}/{len(u)}")
        print(f"| {bar:.2f} | {sum(r.label == 'urgent' and lv == 'urgent' for r, lv in got)}"
              f"/{len(urgent)} | {lost} | "
              f"{sum(r.label != 'none' and lv == 'none' for r, lv in got)} | "
              f"{sum(r.label == 'none' and lv != 'none' for r, lv in got)}/{len(none)} | "
              f"{sum(r.label == 'none' and lv == 'urgent' for r, lv in got)} | "
              f"{raised(got)}/{len(review)} | {cells[0]} | {cells[1]} |")


def raised(got: list[tuple[Reading, str]]) -> int:
    return sum(r.label == "review" and lv == "urgent" and not r.unread for r, lv in got)


def per_round(rounds: list[int], thresholds: list[float]) -> None:
    """Each round held out in turn, at each urgent threshold: whether one moves recall down,
    or raises flags, on any round (docs/triage.md, "None flagged, by kind")."""
    print("| round | urgent at | urgent | review/urgent -> none | none flagged (en/es) | "
          "none -> urgent | review raised |")
    print("|---|---|---|---|---|---|---|")
    for k in rounds:
        readings = held_out_readings([k])
        for urgent_at in thresholds:
            got = [(r, level(r, learned.REVIEW_AT, urgent_at)) for r in readings]
            urgent = sum(r.label == "urgent" for r in readings)
            none = [(r, lv) for r, lv in got if r.label == "none"]
            mine = [(r, lv) for r, lv in none if r.language in ("en", "es")]
            print(f"| {k} | {urgent_at:.2f} | "
                  f"{sum(r.label == 'urgent' and lv == 'urgent' for r, lv in got)}/{urgent} | "
                  f"{sum(r.label != 'none' and lv == 'none' for r, lv in got)} | "
                  f"{sum(lv != 'none' for _, lv in none)}/{len(none)} "
                  f"({sum(lv != 'none' for _, lv in mine)}/{len(mine)}) | "
                  f"{sum(lv == 'urgent' for _, lv in none)} | "
                  f"{raised(got)} |")


if __name__ == "__main__":
    main()
