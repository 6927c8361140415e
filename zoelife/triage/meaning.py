"""Meaning, not phrases: lexical fields combined by a small clause grammar (data/fields.toml),
and the safety net under it.

Every word of a message is tagged (``field_tagging``, ``field_words``) with the fields it belongs to (who, acts, means, body parts,
death, desire, preparation, ...). A word belongs to a field when its surface form, its English
lemma or its Spanish lemma (simplemma) is listed there, or, for an unknown word of five letters
or more, when it is one edit from a listed word (rapidfuzz: "sucidal", "overdoes").
A rule fires when one sentence holds a word of each of its groups close together ("want" +
"disappear", "burn" + "arm", "google" + "least painful"), whatever the exact wording.

The safety net: a word of a ``net`` field (death, overdose, lethal means, farewell, ...) that no
rule or phrase explains still makes the message ``review``; only an idiom listed in
data/idioms.toml ("dying to try", "killing it at work") takes it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ._text import SENTENCE_BREAK, Coverage, Folded, load_toml
from .field_tagging import Hit, tag
from .field_words import NET, READERS

_CFG = load_toml("fields.toml")
RULES: tuple[dict, ...] = tuple(_CFG["rule"])
_RULE_NEEDS = tuple((rule, tuple(frozenset(group) for group in rule["needs"])) for rule in RULES)


@lru_cache(maxsize=8192)
def _possible_rules(present: frozenset[str]) -> tuple[dict, ...]:
    """The rules, in order, with a hit in each of their groups: the others cannot fire.
    Messages share few distinct sets of fields, so this is worked out once for each."""
    return tuple(rule for rule, needs in _RULE_NEEDS
                 if not any(present.isdisjoint(group) for group in needs))


_TERMS = frozenset({"suicide", "suicidal", "suicidio", "suicida", "suicidarme", "selfharm",
                    "nssi", "autolesion"})
# Death words that, after another person, are news of a death (grief), not a wish.
_GRIEF_DEATH = frozenset({"die", "died", "dying", "dead", "death", "morir", "murio", "muerte",
                          "muere", "murieron",
                          "muerto", "muerta", "funeral", "pass"})
_OTHERS = frozenset(
    "he she his her him they their mom mother dad father husband wife son daughter brother "
    "sister friend grandmother grandfather grandma grandpa aunt uncle cousin boyfriend "
    "girlfriend partner teacher coworker patient client who whose dog cat pet mama papa "
    "madre padre esposo esposa hijo hija hermano hermana amigo amiga abuela abuelo tia tio "
    "abuelita abuelito perro perrito perrita gato gatito mascota".split())
_OWN = frozenset({"my", "mi", "own", "propio", "propia"})
# Read only one way, the person first ("my parents dying", "mis padres muriendo"): after a death
# word they may be the ones left behind ("I think about dying, my parents would cope").
_OTHERS_BEFORE = frozenset({"parents", "grandparents", "padres", "abuelos"})
_DEATH_AFTER_OTHERS = frozenset({"muriendo"})


@dataclass(frozen=True)
class Finding:
    start: int  # folded offsets
    end: int
    category: str
    negatable: bool
    read_in: str = ""  # a language of data/languages/ whose words it was read in


def _grief_words(reads: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
    death, others = _GRIEF_DEATH, _OTHERS
    for code in reads:
        death = death | READERS[code].death_news
        others = others | READERS[code].others
    return death, others


def _sentences(f: str, spans: list[tuple[int, int]]) -> list[int]:
    """Sentence number of each token."""
    breaks = [m.start() for m in SENTENCE_BREAK.finditer(f)]
    out = []
    b = 0
    for s, _ in spans:
        while b < len(breaks) and breaks[b] < s:
            b += 1
        out.append(b)
    return out


def _grief(hit: Hit, words: list[str], sent: list[int], death: frozenset[str] = _GRIEF_DEATH,
           others: frozenset[str] = _OTHERS) -> bool:
    """A death word right after another person ("my dad died", "her death"): news, not a wish."""
    word = words[hit.first]
    after_only = word in _DEATH_AFTER_OTHERS
    if word not in death and not after_only and not word.startswith(("die", "pass")):
        return False
    if hit.first > 0 and words[hit.first - 1] in _OWN:  # "imagining my funeral": one's own
        return False
    lo, hi = max(0, hit.first - 4), min(len(words), hit.last + 4)  # "se me murio mi perrito"
    if after_only:
        hi = hit.first
    return any((words[k] in others or words[k][:-1] in others
                or (k < hit.first and words[k] in _OTHERS_BEFORE))
               and sent[k] == sent[hit.first]
               for k in range(lo, hi) if k != hit.first)


def find(folded: Folded, language: str = "", reads: tuple[str, ...] = (), main: str = "",
         ) -> tuple[list[Finding], list[Finding], Coverage | None]:
    """(rule findings, unexplained net words, idiom spans) with folded offsets. ``reads``: the
    languages of data/languages/ read too; ``main``: the message's own language."""
    spans, hits, idioms, own = tag(folded, language, reads, main)
    if not hits:
        return [], [], idioms
    f = folded.folded
    words = [f[s:e] for s, e in spans]
    sent = _sentences(f, spans)
    if reads:
        death, others = _grief_words(reads)
        grief = {h for h in hits if h.field == "death" and _grief(h, words, sent, death, others)}
    else:
        grief = {h for h in hits if h.field == "death" and _grief(h, words, sent)}
    usable = [h for h in hits if h not in grief]
    by_field: dict[str, list[Hit]] = {}
    for h in usable:
        by_field.setdefault(h.field, []).append(h)
    found: list[Finding] = []
    rules = _possible_rules(frozenset(by_field))
    if reads:
        present = frozenset(by_field)
        rules = rules + tuple(rule for code in reads for rule, needs in READERS[code].rules
                              if not any(present.isdisjoint(group) for group in needs))
    for rule in rules:
        combo = _fire(rule, by_field, sent)
        if combo is None:
            continue
        first = min(h.first for h in combo)
        last = max(h.last for h in combo)
        category = rule["category"]
        if any(words[k] in _TERMS for h in combo for k in range(h.first, h.last + 1)):
            category = "active_ideation"  # a term: the informational rule may apply
        read_in = ""
        if own is not None and any(own[k] for h in combo for k in range(h.first, h.last + 1)):
            read_in = main or reads[0]
        if rule.get("message"):
            for h in combo:  # far apart: one span per part
                found.append(Finding(spans[h.first][0], spans[h.last][1], category,
                                     rule.get("negatable", True), read_in))
        else:
            found.append(Finding(spans[first][0], spans[last][1], category,
                                 rule.get("negatable", True), read_in))
    net = [
        Finding(spans[h.first][0], spans[h.last][1], "unexplained", False)
        for h in usable
        if h.field in NET
    ]
    return found, net, idioms


def _fire(rule: dict, by_field: dict[str, list[Hit]], sent: list[int]) -> tuple[Hit, ...] | None:
    whole = rule.get("message", False)
    groups: list[dict[int, list[Hit]]] = []
    for group in rule["needs"]:
        by_sent: dict[int, list[Hit]] = {}
        for fld in group:
            for h in by_field.get(fld, ()):
                by_sent.setdefault(0 if whole else sent[h.first], []).append(h)
        if not by_sent:
            return None
        groups.append(by_sent)
    window = rule.get("window", 10)
    ordered = rule.get("ordered", False) or rule["needs"][0] == ["negation"]
    distinct = rule.get("distinct", False)
    for key, anchors in groups[0].items():
        if any(key not in g for g in groups[1:]):
            continue
        for anchor in anchors:
            combo = [anchor]
            for group in groups[1:]:
                best = None
                for h in group[key]:
                    if any(_overlap(h, c) for c in combo):
                        continue
                    if distinct and any(h.field == c.field and h.first == c.first for c in combo):
                        continue
                    if not whole:
                        lo = min(h.first, *(c.first for c in combo))
                        if max(h.last, *(c.last for c in combo)) - lo > window:
                            continue
                        if ordered and h.first < combo[-1].last:
                            continue
                    if best is None or abs(h.first - anchor.first) < abs(best.first - anchor.first):
                        best = h
                if best is None:
                    break
                combo.append(best)
            else:
                if rule["needs"][0] == ["negation"] and combo[1].first - anchor.last > 4:
                    continue
                return tuple(combo)
    return None


def _overlap(a: Hit, b: Hit) -> bool:
    return a.first <= b.last and b.first <= a.last
