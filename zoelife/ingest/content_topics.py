"""What a content item is about (DESIGN.md, "content item").

Topics (DESIGN.md): what an item is about, judged mostly by its title and the bulk of its text.
`infer_topics` counts, per treatment, the sentences of the body that mention it (with the triage
vocabulary and its synonyms); a topic named in the title counts; a body topic counts only with a
substantial share of all mentions. Sentences repeated across most items of one feed (a site
header or footer naming every service) are dropped first. Topics staff corrected by hand
(origin "staff") are never overwritten by a later import.
"""

from __future__ import annotations

import re
from collections import Counter

from zoelife.intake.attribution import url_path_key
from zoelife.triage import assess
from zoelife.vocabulary import TREATMENTS

# A body topic needs at least this many mentioning sentences and this share of all mentions.
MIN_MENTIONS = 2
MIN_SHARE = 0.2
# A sentence in at least this share of a feed's items (and at least 3 items) is boilerplate.
BOILERPLATE_SHARE = 0.5

_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+|\n+")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_SPLIT.split(text or "") if s and s.strip()]


def _sentence_key(sentence: str) -> str:
    return re.sub(r"\W+", " ", sentence.casefold()).strip()


def boilerplate(bodies: list[str]) -> frozenset[str]:
    """Sentences that repeat across most items of one feed: a site header or footer."""
    if len(bodies) < 3:
        return frozenset()
    seen: Counter[str] = Counter()
    for body in bodies:
        seen.update({_sentence_key(s) for s in sentences(body)})
    limit = max(3, BOILERPLATE_SHARE * len(bodies))
    return frozenset(k for k, n in seen.items() if n >= limit and k)


def _mentions(text: str) -> frozenset[str]:
    # An article naming a treatment as had before ("patients who did TMS last year") still
    # mentions it: for topics, history and interest are the same mention.
    a = assess(text)
    return frozenset(t for t in a.treatments | a.treatment_history
                     if t in TREATMENTS and t != "other")


def infer_topics(title: str, body: str = "", skip: frozenset[str] = frozenset()) -> frozenset[str]:
    """The treatments an item is about (see the module docstring)."""
    topics = set(_mentions(title or ""))
    counts: Counter[str] = Counter()
    for sentence in sentences(body):
        if _sentence_key(sentence) in skip:
            continue
        counts.update(_mentions(sentence))
    total = sum(counts.values())
    for topic, n in counts.items():
        if n >= MIN_MENTIONS and n / total >= MIN_SHARE:
            topics.add(topic)
    return frozenset(topics)


def campaign_key(url: str) -> str | None:
    """The slug UTM campaigns are matched on: the URL's last path segment."""
    path = url_path_key(url) or ""
    slug = path.rstrip("/").rsplit("/", 1)[-1]
    slug = re.sub(r"\.(html?|php|aspx?)$", "", slug).strip().lower()
    return slug[:200] or None
