"""Triage of free text from the public: crisis level, treatment interests, language.

``assess`` is pure and deterministic: no database, network, streamlit or logging of the text.
See docs/triage.md for how detection works and how to extend the phrase lists.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast

from . import learned
from ._text import Folded
from .crisis import (
    CRISIS_LEVELS,
    CRISIS_RANK,
    EvidenceSpan,
    crisis_level,
    find_crisis_spans,
    max_level,
)
from .language import NAMES, detect_language, language_guess
from .languages import LANGUAGES
from .treatments import TREATMENTS, read_treatments, treatments_from_labels

__all__ = [
    "CRISIS_LEVELS",
    "CRISIS_RANK",
    "TREATMENTS",
    "Assessment",
    "EvidenceSpan",
    "assess",
    "assess_all",
    "detect_language",
    "language_guess",
    "max_level",
    "treatments_from_labels",
]


@dataclass(frozen=True)
class Assessment:
    crisis: str  # "urgent" | "review" | "none"
    crisis_evidence: tuple[EvidenceSpan, ...]
    treatments: frozenset[str]  # subset of TREATMENTS, plus "other" for a service not offered
    language: str  # "en", "es", "other" or "unknown"
    treatment_history: frozenset[str] = frozenset()  # had before, named as past, not asked for
    other_services: tuple[str, ...] = ()  # services not offered that the person asks for
    language_code: str = "unknown"  # what it seems to be: "en", "es", "pt", "vi", ...

    @property
    def raised_by_learned_net(self) -> bool:
        """The level is the learned net's: no rule gave it (the request page says so)."""
        top = [e for e in self.crisis_evidence if e.level == self.crisis]
        return bool(top) and all(
            e.category in (learned.REVIEW_CATEGORY, learned.URGENT_CATEGORY) for e in top)

    @property
    def language_name(self) -> str:
        """The language the message seems to be in, for staff ("Portuguese")."""
        return NAMES.get(self.language_code, self.language_code)

    @property
    def language_read(self) -> bool:
        """The crisis detector reads the message's language: English, Spanish, or one whose
        fields are declared in data/languages/ (a message in one of those is still at least
        `review`: someone who reads it checks it)."""
        return self.language in ("en", "es") or self.language_code in LANGUAGES


_EMPTY = Assessment("none", (), frozenset(), "unknown")


def assess(text: str | None, form_treatments: Iterable[str] = ()) -> Assessment:
    """Crisis level with evidence, treatment interests and language of one message.

    ``form_treatments`` are raw values of the form's own treatment field; they are mapped with
    the same vocabulary and added to what the text says.
    """
    return assess_all([(text, form_treatments)])[0]


def assess_all(messages: Sequence[tuple[str | None, Iterable[str]]]) -> list[Assessment]:
    """``assess`` of each (text, form treatments) pair, in order.

    Stage by stage (every language, then every crisis match, ...) rather than message by
    message: an import assesses thousands at once, and each detector's patterns then stay in
    the processor's caches for a whole stage. A text repeated in the batch with the same form
    treatments is assessed once and shares the (immutable) result."""
    out: list[Assessment | None] = []
    texts: list[tuple[int, str, frozenset[str]]] = []  # (position, text, form labels)
    # An import repeats texts ("Please call me back", the same answers to the same extra
    # questions): each distinct (text, labels) is assessed once; the result is immutable.
    first: dict[tuple[str, frozenset[str]], int] = {}
    repeats: list[tuple[int, int]] = []  # (position, position of its first occurrence)
    for i, (text, form_treatments) in enumerate(messages):
        labels = treatments_from_labels(form_treatments) if form_treatments else frozenset()
        if text is None or not isinstance(text, str) or not text.strip():
            out.append(Assessment("none", (), labels, "unknown") if labels else _EMPTY)
            continue
        out.append(None)  # assessed below; never left as "none" by default
        seen = first.setdefault((text, labels), i)
        if seen != i:
            repeats.append((i, seen))
        else:
            texts.append((i, text, labels))
    folded = [Folded(text) for _, text, _ in texts]
    guesses = [language_guess(text) for _, text, _ in texts]
    spans = [find_crisis_spans(f, g.language, g.reads, g.main,
                               foreign=g.code if g.language == "other" and not g.mixed else "")
             for f, g in zip(folded, guesses, strict=True)]
    found = [read_treatments(f) for f in folded]
    for (i, text, labels), guess, evidence, reading in zip(texts, guesses, spans, found,
                                                          strict=True):
        if guess.language == "other":
            # Not English or Spanish: a person who reads the language must read it, even when
            # the fields of data/languages/ read it (they can make it urgent, never `none`).
            # Evidence in words that only look like English or Spanish ones ("Od pół roku"),
            # or short words of the message's own language that spell an abbreviation ("od
            # tamtej pory"), is not urgent (find_crisis_spans, ``foreign``).
            evidence.append(EvidenceSpan(0, len(text), "other_language", "review"))
        out[i] = Assessment(crisis_level(evidence), tuple(evidence),
                            reading.interest | labels, guess.language,
                            reading.history - labels, reading.other_services, guess.code)
    _second_reading(out, texts)
    for i, seen in repeats:
        out[i] = out[seen]
    if None in out:  # pragma: no cover - a bug: never let a message pass as "none" unread
        raise RuntimeError("a message was left unassessed")
    return cast(list[Assessment], out)


def _second_reading(out: list[Assessment | None], texts: list[tuple[int, str, frozenset[str]]],
                    ) -> None:
    """The learned net (zoelife.triage.learned) reads every message the rules left below
    `urgent` and raises those that resemble what people flagged, or called urgent."""
    below = [(i, text) for i, text, _ in texts if out[i].crisis != "urgent"]
    if not below:
        return
    model = learned.net()
    chances = model.chances([t for _, t in below])
    # The second opinion (learned.wants_second_opinion): the net alone would make the message
    # urgent; it reads it again without its scheduling hurry ("please call me today").
    asked = [k for k, ((i, _), (_, urgent)) in enumerate(zip(below, chances, strict=True))
             if learned.wants_second_opinion(out[i].crisis, out[i].language, urgent)]
    second = dict(zip(asked, (u for _, u in model.chances(
        [learned.without_hurry(below[k][1]) for k in asked])), strict=True)) if asked else {}
    for k, ((i, text), (flagged, urgent)) in enumerate(zip(below, chances, strict=True)):
        found = out[i]
        level = learned.level_after(found.crisis, found.language, flagged, urgent, second.get(k))
        if level == found.crisis:
            continue
        category = learned.URGENT_CATEGORY if level == "urgent" else learned.REVIEW_CATEGORY
        spans = learned.spans_of(text, model.weightiest_words(text, level))
        out[i] = Assessment(
            level,
            found.crisis_evidence + tuple(EvidenceSpan(s, e, category, level) for s, e in spans),
            found.treatments, found.language, found.treatment_history, found.other_services,
            found.language_code)
