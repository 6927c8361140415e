"""Triage of free text from the public: crisis level, treatment interests, language.

``assess`` is pure and deterministic: no database, network, streamlit or logging of the text.
See docs/triage.md for how detection works and how to extend the phrase lists.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ._text import Folded
from .crisis import (
    CRISIS_LEVELS,
    CRISIS_RANK,
    EvidenceSpan,
    crisis_level,
    find_crisis_spans,
    max_level,
)
from .language import detect_language
from .treatments import TREATMENTS, treatments_from_labels, treatments_in

__all__ = [
    "CRISIS_LEVELS",
    "CRISIS_RANK",
    "TREATMENTS",
    "Assessment",
    "EvidenceSpan",
    "assess",
    "detect_language",
    "max_level",
    "treatments_from_labels",
]


@dataclass(frozen=True)
class Assessment:
    crisis: str  # "urgent" | "review" | "none"
    crisis_evidence: tuple[EvidenceSpan, ...]
    treatments: frozenset[str]  # subset of TREATMENTS
    language: str  # "en", "es", "other" or "unknown"


_EMPTY = Assessment("none", (), frozenset(), "unknown")


def assess(text: str | None, form_treatments: Iterable[str] = ()) -> Assessment:
    """Crisis level with evidence, treatment interests and language of one message.

    ``form_treatments`` are raw values of the form's own treatment field; they are mapped with
    the same vocabulary and added to what the text says.
    """
    labels = treatments_from_labels(form_treatments) if form_treatments else frozenset()
    if text is None or not isinstance(text, str) or not text.strip():
        return Assessment("none", (), labels, "unknown") if labels else _EMPTY
    folded = Folded(text)
    language = detect_language(text, folded)
    spans = find_crisis_spans(folded, language)
    if language == "other":
        spans.append(EvidenceSpan(0, len(text), "other_language", "review"))
    treatments = frozenset(treatments_in(folded)) | labels
    return Assessment(crisis_level(spans), tuple(spans), treatments, language)
