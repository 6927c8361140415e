"""Triage speed and equivalence harness: `.venv/bin/python bench/triage_speed.py`.

Assesses every message of the labelled and blind sets (zoelife/triage/data/examples/*.jsonl) and a corpus
of distinct, realistic messages built from the project's own message generators (the demo
clinic, the import benchmark's export, the ingest tests' rows, the labelled sets' sentences;
recombined, re-cased, with typos), then:

* writes one line per message with every field of its assessment (crisis level, evidence
  spans, treatments, treatment history, other services, language, language code) and prints
  the SHA-256 digest of the whole: a speed-up must leave that digest unchanged;
* prints (in CPU time: the host is shared) per-message mean and p99 of `assess`, the time of `assess_all` over the corpus, of a
  2,000-character message, and the first-call (cold) cost in a fresh process.

    bench/triage_speed.py                       digest and timings (20,000 generated messages)
    bench/triage_speed.py --out /tmp/a.jsonl    also write the per-message results
    bench/triage_speed.py --expect DIGEST       exit 1 when the digest differs
    bench/triage_speed.py --no-timing           digest only
    bench/triage_speed.py --write-golden        rewrite tests/triage/golden/assessments.jsonl
                                                (only when a result is meant to change)
    bench/triage_speed.py --baseline DIR        the same figures for the code in DIR (e.g.
                                                `git archive main | tar -x -C DIR`), measured
                                                in a fresh process just before this code's,
                                                then both with their ratio; the digests of
                                                the two must be equal
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if "--code" in sys.argv:  # measure another tree's code (--baseline runs this script so)
    ROOT = Path(sys.argv[sys.argv.index("--code") + 1]).resolve()
sys.path.insert(0, str(ROOT))

DATA = ROOT / "zoelife" / "triage" / "data" / "examples"
GOLDEN = ROOT / "tests" / "triage" / "golden" / "assessments.jsonl"
#: Generated messages kept in the golden file beside the labelled sets.
GOLDEN_GENERATED = 2_000
FORM_LABELS = ["", "", "", "Spravato", "TMS", "Ketamine", "Medication management", "Therapy",
               "Spravato, TMS", "TMS, Therapy", "Not sure", "Spravato (esketamine)"]


def labelled_texts() -> list[str]:
    """Every message of zoelife/triage/data/examples/*.jsonl, file by file, in file order."""
    out = []
    for path in sorted(DATA.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.append(json.loads(line)["text"])
    return out


def _sentence_pool() -> list[str]:
    from tests.ingest import synth
    from tests.scale import exports
    from zoelife.demo import messages as demo

    texts = list(labelled_texts())
    for group in demo.MESSAGES.values():
        texts.extend(group)
    texts += [*demo.URGENT_MESSAGES, *demo.REVIEW_MESSAGES, *demo.SPAM_MESSAGES,
              demo.DUPLICATE_MESSAGE, *exports._CRISIS, *synth.MESSAGES]
    rng = random.Random(5)
    for template in exports._MESSAGES:
        for _ in range(4):
            texts.append(template.format(
                n=rng.randint(2, 6), ins=rng.choice(["Aetna", "Cigna", "BCBS", "Medicare"]),
                when=rng.choice(["Mornings", "Evenings", "Fridays"]),
                last=rng.choice(exports._LAST), day=rng.choice(["Saturday", "Monday"])))
    pool: list[str] = []
    seen: set[str] = set()
    for text in texts:
        for part in re.split(r"(?<=[.!?])\s+|\n+", text):
            part = part.strip()
            if part and part not in seen:
                seen.add(part)
                pool.append(part)
    return pool


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if kind < 0.4:  # swap two letters
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind < 0.7:  # drop one
        return word[:i] + word[i + 1:]
    return word[:i] + word[i] + word[i:]  # double one


def generated_texts(n: int, seed: int = 11) -> list[str]:
    """``n`` distinct messages: one to five sentences of the pool, some lower-cased, some
    with a misspelt word, some with a greeting or a sign-off."""
    pool = _sentence_pool()
    rng = random.Random(seed)
    greetings = ["", "", "", "Hi, ", "Hello! ", "Hola, ", "Good morning. ", "hey "]
    endings = ["", "", "", " Thanks.", " Thank you!", " Gracias.", " Call me after 5pm.",
               " - sent from my iPhone"]
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        k = rng.choice([1, 1, 2, 2, 2, 3, 3, 4, 5])
        text = rng.choice(greetings) + " ".join(rng.choice(pool) for _ in range(k))
        text += rng.choice(endings)
        roll = rng.random()
        if roll < 0.15:
            text = text.lower()
        elif roll < 0.18:
            text = text.upper()
        if rng.random() < 0.3:
            words = text.split(" ")
            j = rng.randrange(len(words))
            words[j] = _typo(words[j], rng)
            text = " ".join(words)
        if text not in seen:
            seen.add(text)
            out.append(text)
    return out


def corpus(n: int) -> list[tuple[str, tuple[str, ...]]]:
    """(text, form treatments) pairs: the labelled sets without form values, then the
    generated messages each with a form value drawn as an export has them."""
    rng = random.Random(3)
    pairs = [(t, ()) for t in labelled_texts()]
    for text in generated_texts(n):
        label = rng.choice(FORM_LABELS)
        pairs.append((text, (label,) if label else ()))
    return pairs


def record(a) -> dict:
    """Every field of an assessment, in a stable form (one definition with the golden test)."""
    from tests.triage.evaluation import golden_record

    return golden_record(a)


def lines(pairs, results) -> list[str]:
    return [json.dumps({"text": text, "form": list(form), **record(a)}, ensure_ascii=False,
                       sort_keys=True) for (text, form), a in zip(pairs, results, strict=True)]


LONG_MESSAGE_SEED = 17


def long_message(chars: int = 2000) -> str:
    """A 2,000-character message of the pool's sentences (crisis wording included)."""
    pool = _sentence_pool()
    rng = random.Random(LONG_MESSAGE_SEED)
    text = ""
    while len(text) < chars:
        text += rng.choice(pool) + " "
    return text[:chars]


_COLD = """
import time, sys
t0 = time.process_time()
from zoelife import triage
t1 = time.process_time()
triage.assess("Hi, I have been thinking about ending it all. Interested in Spravato, do you take Aetna?")
t2 = time.process_time()
triage.assess("Necesito una cita para mi madre, tiene depresion y no se que hacer.")
t3 = time.process_time()
print(f"{(t1 - t0) * 1000:.0f} {(t2 - t1) * 1000:.0f} {(t3 - t2) * 1000:.1f}")
"""


def cold() -> tuple[float, float, float]:
    out = subprocess.run([sys.executable, "-c", _COLD], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.split()
    return float(out[0]), float(out[1]), float(out[2])


def timings(triage, pairs, figures: dict) -> int:
    """Per-message CPU time of `assess` one by one, of `assess_all` in an import's chunks and
    in the webhook's groups, and of a 2,000-character message, into ``figures``."""
    times = figures.pop("_times")
    times.sort()
    figures["assess_mean_ms"] = statistics.fmean(times) * 1000
    figures["assess_p99_ms"] = times[int(len(times) * 0.99)] * 1000
    figures["assess_max_ms"] = times[-1] * 1000
    # The batch path (an import), over messages this process has not seen yet: a second
    # corpus with another seed, so no per-message cache is warm for it.
    fresh = [(t, ()) for t in generated_texts(5_000, seed=99) if t]
    t = time.process_time()
    batch = triage.assess_all(fresh)
    figures["assess_all_ms"] = (time.process_time() - t) / len(fresh) * 1000
    single = [triage.assess(text) for text, _ in fresh]
    if [record(a) for a in batch] != [record(a) for a in single]:
        print("assess_all differs from assess", file=sys.stderr)
        return 1
    # As an import calls it (zoelife.intake.pacing.ASSESS_CHUNK_ROWS = 50 rows a call) and as
    # the webhook's group commit does (groups of about 4 deliveries under 8 clients): per
    # message, the mean and the 99th percentile over the calls.
    for size, name in ((50, "chunks_of_50"), (4, "groups_of_4")):
        unseen = [(t, ()) for t in generated_texts(2_000, seed=100 + size) if t]
        per = []
        for start in range(0, len(unseen), size):
            group = unseen[start:start + size]
            t = time.process_time()
            triage.assess_all(group)
            per.append((time.process_time() - t) / len(group))
        per.sort()
        figures[f"{name}_mean_ms"] = statistics.fmean(per) * 1000
        figures[f"{name}_p99_ms"] = per[int(len(per) * 0.99)] * 1000
    long = long_message()
    runs = []
    for i in range(20):
        text = long if i == 0 else long[:-5] + f" {i:04d}"  # defeat per-text caches
        t = time.process_time()
        triage.assess(text)
        runs.append(time.process_time() - t)
    figures["long_first_ms"] = runs[0] * 1000
    figures["long_median_ms"] = statistics.median(runs) * 1000
    return 0


_LINES = [
    ("assess per message, mean", "assess_mean_ms"),
    ("assess per message, p99", "assess_p99_ms"),
    ("assess_all over 5,000 unseen messages, per message", "assess_all_ms"),
    ("assess_all in chunks of 50 (an import), per message, mean", "chunks_of_50_mean_ms"),
    ("assess_all in chunks of 50 (an import), per message, p99", "chunks_of_50_p99_ms"),
    ("assess_all in groups of 4 (the webhook), per message, mean", "groups_of_4_mean_ms"),
    ("assess_all in groups of 4 (the webhook), per message, p99", "groups_of_4_p99_ms"),
    ("2,000-character message, median of 20", "long_median_ms"),
    ("cold: first assess in a fresh process", "cold_first_ms"),
]


def print_figures(figures: dict) -> None:
    print(f"assess per message: mean {figures['assess_mean_ms']:.3f} ms, "
          f"p99 {figures['assess_p99_ms']:.3f} ms, max {figures['assess_max_ms']:.1f} ms")
    print(f"assess_all over 5,000 unseen messages: {figures['assess_all_ms']:.3f} ms a message")
    for name, label in (("chunks_of_50", "chunks of 50 (an import)"),
                        ("groups_of_4", "groups of 4 (the webhook)")):
        print(f"assess_all in {label}: mean {figures[name + '_mean_ms']:.3f} ms a message, "
              f"p99 {figures[name + '_p99_ms']:.3f} ms")
    print(f"2,000-character message: first {figures['long_first_ms']:.2f} ms, "
          f"median {figures['long_median_ms']:.2f} ms")


def compare(before: dict, after: dict, baseline: Path) -> None:
    print(f"\nbefore: {baseline}; after: {ROOT} (CPU ms; ratio after/before)")
    print("| measurement | before | after | ratio |")
    print("|---|---|---|---|")
    for label, key in _LINES:
        b, a = before[key], after[key]
        print(f"| {label} | {b:.3f} ms | {a:.3f} ms | {a / b:.2f} |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--messages", type=int, default=20_000, help="generated messages")
    ap.add_argument("--out", type=Path, help="write the per-message results (JSON lines)")
    ap.add_argument("--expect", help="the digest the results must have")
    ap.add_argument("--no-timing", action="store_true")
    ap.add_argument("--write-golden", action="store_true",
                    help=f"write the labelled sets and {GOLDEN_GENERATED:,} generated messages "
                    "to tests/triage/golden/assessments.jsonl")
    ap.add_argument("--baseline", type=Path, help="another tree's code measured first")
    ap.add_argument("--code", type=Path, help=argparse.SUPPRESS)  # read before the imports
    ap.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()

    before = None
    if args.baseline:
        run = subprocess.run([sys.executable, __file__, "--code", str(args.baseline), "--json",
                              "--messages", str(args.messages)],
                             check=True, capture_output=True, text=True)
        before = json.loads(run.stdout.splitlines()[-1])
        if Path(before["code"]).resolve() != args.baseline.resolve():
            print(f"the baseline ran {before['code']}'s code, not {args.baseline}'s",
                  file=sys.stderr)
            return 1

    from zoelife import triage

    if args.write_golden:
        pairs = corpus(GOLDEN_GENERATED)
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text("\n".join(lines(pairs, triage.assess_all(pairs))) + "\n",
                          encoding="utf-8")
        print(f"wrote {len(pairs):,} results to {GOLDEN.relative_to(ROOT)}")
        return 0

    figures: dict = {"code": str(Path(triage.__file__).parents[2])}
    pairs = corpus(args.messages)
    if not args.no_timing:
        c_import, c_first, c_second = cold()
        figures.update(cold_import_ms=c_import, cold_first_ms=c_first, cold_second_ms=c_second)
        print(f"cold (fresh process): import {c_import:.0f} ms, first assess {c_first:.0f} ms, "
              f"second (Spanish) {c_second:.1f} ms")
    # Per-message: one `assess` each, in corpus order, after the first call's loading.
    triage.assess("warm up the lazily loaded models")
    triage.assess("Necesito una cita para mi madre, tiene depresion y no se que hacer.")
    times = []
    results = []
    for text, form in pairs:
        t = time.process_time()
        results.append(triage.assess(text, form))
        times.append(time.process_time() - t)
    body = "\n".join(lines(pairs, results)) + "\n"
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    figures["digest"] = digest
    if args.out:
        args.out.write_text(body, encoding="utf-8")
    levels = {lv: sum(1 for r in results if r.crisis == lv) for lv in triage.CRISIS_LEVELS}
    print(f"{len(pairs):,} messages ({len(pairs) - args.messages:,} labelled), levels {levels}")
    print(f"digest {digest}")
    if not args.no_timing:
        figures["_times"] = times
        if timings(triage, pairs, figures):
            return 1
        print_figures(figures)
    if args.json:
        print(json.dumps(figures))
    if before is not None:
        if before["digest"] != digest:
            print(f"DIGEST DIFFERS from the baseline's ({before['digest']})", file=sys.stderr)
            return 1
        print("digest equal to the baseline's")
        if not args.no_timing:
            compare(before, figures, args.baseline)
    if args.expect and args.expect != digest:
        print(f"DIGEST DIFFERS: expected {args.expect}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
