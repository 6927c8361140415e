"""The learned net: a second reader under the rules, for wordings nobody wrote a rule for.

Each blind round found messages about suicide or self-harm worded in ways no field or rule of
`fields.toml` held ("I've picked the date", "won't be your problem much longer", "walking out
into the lake"), so a new wording still came out `none` until someone wrote its rule. This
layer does not wait for the rule: a linear model (scikit-learn: TF-IDF over character 3-5-grams
inside words and over words and word pairs, logistic regression) is trained on every message
of `data/examples/` whose crisis level a person labelled (the labelled sets, the probes and
every frozen blind round), and gives two probabilities: that a person would flag the message
(urgent or review), and that they would call it urgent.

It only ever raises a level, never lowers one: a `none` message to `review` (category
`resembles_flagged`) when the first is at least REVIEW_AT; an English or Spanish message the
rules left below `urgent` to `urgent` (category `resembles_urgent`) when the second is at least
URGENT_AT ("anything in doubt" is urgent; a message in a language the rules do not read stays
`review`, for a person to read). REVIEW_AT was chosen by cross-validation (each blind round
with a quarter of the labelled sets held out in turn): the lowest at which the `none` messages
flagged by the rules and the net together stay at 10%. URGENT_AT was chosen on the rounds the
rules were never fitted to (5 and 6, each held out from the net in turn): the lowest at which
`none` messages flagged stay at 10% or under and `none` raised to urgent at 2% (docs/triage.md,
"The learned net"); round 7, written afterwards, checked it. Measured again in stop 21 on all
twelve rounds held out, 0.72 or 0.68 would catch more urgent messages, but the net then raises
ordinary medication histories it never read to urgent far more often (docs/triage.md, "None
flagged, by kind"), so it stays. The evidence it shows staff is the words that weighed most.

Scheduling hurry ("as soon as possible", "please call me today") is not urgency of risk, but
the urgent messages people wrote often ask for a call today, so the net learned it as such. When
the net ALONE would make a message urgent, it reads the message again without those words
(data/hurry.toml, `without_hurry`) and it is urgent only if that reading still reaches
SECOND_OPINION_AT (`level_after`: the one decision, reused by bench/net_thresholds.py). An
urgent message is a flagged message: the net alone makes a message urgent only when its flagged
probability also reaches URGENT_FLAGGED_AT; when the two models disagree the message is `review`.

Trained once per process on first use (a few seconds of CPU), deterministically: the same examples
give the same model in every process. No download, no file written.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ._text import Folded, compile_phrases, load_toml
from .net_arithmetic import NetArithmetic, Unsupported

EXAMPLES = Path(__file__).parent / "data" / "examples"
# Files of EXAMPLES whose messages carry a crisis level a person gave ("label" or "crisis"), by
# name: a new blind round is scored before the net may learn it, so a file copied into the
# folder is not read until it is frozen here (docs/triage.md, "how a blind round is measured").
CRISIS_EXAMPLES = ("crisis_messages.jsonl", "crisis_probes.jsonl",
                   *(f"blind_round{n}.jsonl" for n in range(1, 17)))
REVIEW_AT = 0.72
URGENT_AT = 0.78
# The second opinion: a message the net alone would make urgent (the rules found nothing in it)
# is read again without its scheduling hurry (data/hurry.toml); it is urgent only when that
# reading's urgent probability is still at least SECOND_OPINION_AT, else the flag threshold
# decides (`review` or `none`). Chosen on the blind rounds held out and the ordinary-urgency
# training set only (docs/triage.md, "Ordinary medication histories and hurry"): the highest
# value at which no held-out urgent message of rounds 1-13 changes level.
SECOND_OPINION_AT = 0.64
# An urgent message is a flagged message: the net ALONE (the rules found nothing: `none`) makes
# a message urgent only when its flagged model also gives at least URGENT_FLAGGED_AT; below it
# the two models contradict each other ("I already have a therapist, I need med management":
# urgent 0.88, flagged 0.52) and the message is `review`: a person reads it, without the
# alert (doubt is never lowered to `none`). Chosen on data the net was not
# trained on only (each blind round held out in turn, bench/net_thresholds.py --flagged-bar,
# and the ordinary-urgency sets): the highest value in steps of 0.02 at which no held-out urgent
# message changes level (docs/triage.md, "The learned net": "An urgent message is a flagged
# message").
URGENT_FLAGGED_AT = 0.56
REVIEW_CATEGORY = "resembles_flagged"
URGENT_CATEGORY = "resembles_urgent"
# Words shown as the net's evidence: the few that weighed most.
EVIDENCE_WORDS = 3


@dataclass(frozen=True)
class Example:
    text: str
    flagged: bool  # a person labelled it urgent or review
    urgent: bool
    # Read for urgency only (the trial rounds): it trains the urgent model, not the vocabulary
    # or the flagged model, so what the net sends to `review` is what it was without them.
    urgent_only: bool = False


# The medication-trial rounds (written to test the trial extractor) are ordinary intake messages
# about medicines; their writers gave no crisis level, so a person read each one for it
# afterwards (data/trial_rounds_crisis.jsonl: rounds 1-9, 1,504 none, 3 urgent). Without them the net had
# read almost no plain medication histories and raised about 4% of them to urgent.
TRIAL_ROUNDS_CRISIS = EXAMPLES.parent / "trial_rounds_crisis.jsonl"
# The trial extractor's labelled rounds (tests/triage/evaluation.py scores them).
TRIAL_ROUNDS = tuple(f"trials_round{n}.jsonl" for n in range(1, 10))


def _rows(name: str) -> list[dict]:
    with (EXAMPLES / name).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def examples(exclude: Sequence[str] = ()) -> list[Example]:
    """Every labelled message of EXAMPLES, file by file in name order, then the trial rounds'
    messages with the crisis level a person gave them (`exclude`: file names left out, to
    measure the net on a round it has not read)."""
    found: list[Example] = []
    for name in CRISIS_EXAMPLES:
        if name not in exclude:
            for row in _rows(name):
                level = row.get("label") or row.get("crisis")
                found.append(Example(row["text"], level != "none", level == "urgent"))
    with TRIAL_ROUNDS_CRISIS.open(encoding="utf-8") as fh:
        levels = {row["id"]: row["crisis"] for row in map(json.loads, fh)}
    for name in TRIAL_ROUNDS:
        if name not in exclude:
            for row in _rows(name):
                level = levels[row["id"]]
                found.append(Example(row["text"], level != "none", level == "urgent",
                                     urgent_only=True))
    return found


class LearnedNet:
    def __init__(self, training: Sequence[Example]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import make_union

        self._words = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True)
        self._features = make_union(
            TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True),
            self._words,
        )
        both = [e for e in training if not e.urgent_only]
        matrix = self._features.fit_transform([e.text for e in both])
        n_char = len(self._features.transformer_list[0][1].vocabulary_)
        self._flagged = self._fit(matrix, [e.flagged for e in both])
        extra = [e for e in training if e.urgent_only]
        if extra:
            from scipy.sparse import vstack

            matrix = vstack([matrix, self._features.transform([e.text for e in extra])])
        self._urgent = self._fit(matrix, [e.urgent for e in both + extra])
        self._word_names = None
        self._word_weights = {"review": self._flagged.coef_[0][n_char:],
                              "urgent": self._urgent.coef_[0][n_char:]}
        try:
            # The same arithmetic without scikit-learn's per-call checks (net_arithmetic).
            self._direct: NetArithmetic | None = NetArithmetic(
                self._features.transformer_list[0][1], self._words, self._flagged,
                self._urgent)
        except Unsupported:  # pragma: no cover - another scikit-learn configuration
            self._direct = None

    @staticmethod
    def _fit(matrix, labels):
        from sklearn.linear_model import LogisticRegression

        # liblinear: deterministic, no random state to carry.
        return LogisticRegression(C=10, max_iter=3000, class_weight="balanced",
                                  solver="liblinear").fit(matrix, labels)

    def chances(self, texts: Sequence[str]) -> list[tuple[float, float]]:
        """(flagged, urgent) probabilities of each text."""
        if not texts:
            return []
        if self._direct is not None:
            return self._direct.chances(texts)
        return self.chances_by_scikit_learn(texts)

    def chances_by_scikit_learn(self, texts: Sequence[str]) -> list[tuple[float, float]]:
        """`chances` through scikit-learn's own calls: the reference the direct arithmetic is
        tested against."""
        matrix = self._features.transform(texts)
        flagged = self._flagged.predict_proba(matrix)[:, 1]
        urgent = self._urgent.predict_proba(matrix)[:, 1]
        return [(float(f), float(u)) for f, u in zip(flagged, urgent, strict=True)]

    def _names(self):
        # Built by scikit-learn on every call (50 ms for this vocabulary: most of an import's
        # time once a few thousand messages were raised); the vocabulary never changes.
        if self._word_names is None:
            self._word_names = self._words.get_feature_names_out()
        return self._word_names

    def weightiest_words(self, text: str, level: str) -> list[str]:
        """The words (or word pairs) of `text` that weighed most towards `level`."""
        if self._direct is not None:
            data, indices = self._direct.word_row(text)
        else:
            row = self._words.transform([text])
            data, indices = row.data, row.indices
        names = self._names()
        weights = self._word_weights[level]
        # The row's stored values in its own arrays: `row[0, j]` is a sparse lookup per word.
        scored = sorted(((value * weights[j], names[j])
                         for j, value in zip(indices, data, strict=True)),
                        reverse=True)
        return [name for score, name in scored[:EVIDENCE_WORDS] if score > 0]


_HURRY = compile_phrases(load_toml("hurry.toml")["patterns"])


def without_hurry(text: str) -> str:
    """`text` with its words of scheduling hurry (data/hurry.toml) blanked out: what the second
    opinion reads."""
    folded = Folded(text)
    parts: list[str] = []
    last = 0
    for m in _HURRY.finditer(folded.folded):
        start, end = folded.span(*m.span())
        parts.append(text[last:start])
        parts.append(" ")
        last = end
    parts.append(text[last:])
    return "".join(parts)


def wants_second_opinion(rules: str, language: str, urgent: float,
                         urgent_at: float | None = None) -> bool:
    """The net alone would make this message urgent: the rules gave it nothing (`none`)."""
    return rules == "none" and language != "other" and urgent >= (
        URGENT_AT if urgent_at is None else urgent_at)


def level_after(rules: str, language: str, flagged: float, urgent: float,
                urgent_without_hurry: float | None = None, *, review_at: float | None = None,
                urgent_at: float | None = None, second_at: float | None = None,
                flagged_at: float | None = None) -> str:
    """The level once the net has read a message the rules left at `rules`: it only raises.
    `urgent_without_hurry` is the second opinion's urgent probability, read only when
    `wants_second_opinion`; without one the net's urgent stands. The net alone (`rules` is
    `none`) makes a message urgent only when `flagged` reaches `flagged_at` too
    (URGENT_FLAGGED_AT: an urgent message is a flagged message), else `review`. The thresholds default to
    the module's (read at each call: `assess_by_rules` switches the net off by raising them);
    bench/net_thresholds.py passes others to try them."""
    review_at = REVIEW_AT if review_at is None else review_at
    urgent_at = URGENT_AT if urgent_at is None else urgent_at
    second_at = SECOND_OPINION_AT if second_at is None else second_at
    flagged_at = URGENT_FLAGGED_AT if flagged_at is None else flagged_at
    if rules == "urgent":
        return rules
    alone = wants_second_opinion(rules, language, urgent, urgent_at)
    if urgent >= urgent_at and language != "other" and (
            not alone or urgent_without_hurry is None or urgent_without_hurry >= second_at):
        # Alone, with its flagged model far below: the two models disagree, and a message in
        # doubt is read by a person (`review`), without the urgent alert.
        return "urgent" if not alone or flagged >= flagged_at else "review"
    if flagged >= review_at and rules == "none":
        return "review"
    return rules


_NET: LearnedNet | None = None
_LOCK = threading.Lock()


def trained() -> bool:
    """Whether this process has trained the net already (net() will not wait)."""
    return _NET is not None


def net() -> LearnedNet:
    global _NET
    with _LOCK:
        if _NET is None:
            _NET = LearnedNet(examples())
        return _NET


def spans_of(text: str, words: Sequence[str]) -> list[tuple[int, int]]:
    """Where each word (a lower-case token sequence of the vectorizer) first appears in `text`,
    case-insensitively; the whole text when none can be placed."""
    lowered = text.lower()
    found = []
    for word in words:
        at = lowered.find(word)
        if at >= 0:
            found.append((at, at + len(word)))
    return sorted(found) or [(0, len(text))]
