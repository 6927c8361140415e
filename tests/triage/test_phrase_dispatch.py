"""`PhraseGroups` finds exactly what the combined phrase regex finds.

The crisis detector's speed-up must never cost a match: a missed phrase is a missed `urgent`.
The reference is the loop the detector used before (search the combined regex, restart one
character after each match's start); every text here must give the same matches, with the
same category, start and end.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zoelife.triage import crisis, treatments
from zoelife.triage._text import Folded, PhraseGroups, expand, first_characters
from zoelife.triage.learned import EXAMPLES

DATA = EXAMPLES
SEED = Path(__file__).parents[2] / "zoelife" / "data" / "seed_article.txt"


def _reference(regex: re.Pattern[str], text: str) -> list[tuple[int, int, str | None]]:
    found = []
    m = regex.search(text)
    while m is not None:
        found.append((m.start(), m.end(), m.lastgroup))
        m = regex.search(text, m.start() + 1)
    return found


def _dispatched(groups: PhraseGroups, text: str) -> list[tuple[int, int, str | None]]:
    return [(m.start(), m.end(), m.lastgroup) for m in groups.matches(text)]


def _labelled_texts() -> list[str]:
    texts: list[str] = []
    for path in sorted(DATA.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    assert len(texts) > 1000, f"the labelled messages are missing from {DATA}"
    return texts


def _phrase_words() -> list[str]:
    """The words the crisis phrases are made of, macros expanded."""
    sources = [expand(p, crisis._MACROS) for c in crisis._PHR["category"] for p in c["patterns"]]
    return sorted({w for src in sources for w in re.findall(r"[a-z]{2,}", src)})


WORDS = _phrase_words()
SEPARATORS = st.sampled_from([" ", "  ", "-", ", ", ". ", "\n", "/", "'", "", "?", " i "])


def test_the_crisis_phrases_are_dispatched_by_first_character() -> None:
    # If a phrase ever starts with something unbounded (\w, .), the detector silently falls
    # back to the slow path: this keeps the speed-up from going away unnoticed.
    assert crisis._ALL._by_char is not None
    assert len(WORDS) > 100


@pytest.mark.parametrize("text", _labelled_texts() + [SEED.read_text(encoding="utf-8")])
def test_labelled_and_seed_texts_give_the_reference_matches(text: str) -> None:
    folded = Folded(text).folded
    assert _dispatched(crisis._ALL, folded) == _reference(crisis._ALL.regex, folded)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(WORDS), SEPARATORS), min_size=1, max_size=14))
def test_phrase_soup_gives_the_reference_matches(parts: list[tuple[str, str]]) -> None:
    text = "".join(word + sep for word, sep in parts)
    assert _dispatched(crisis._ALL, text) == _reference(crisis._ALL.regex, text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("aeiknostdlm -\n'+59/"), max_size=60))
def test_arbitrary_text_gives_the_reference_matches(text: str) -> None:
    assert _dispatched(crisis._ALL, text) == _reference(crisis._ALL.regex, text)


def test_every_labelled_crisis_text_is_still_found() -> None:
    # The end-to-end view of the same guarantee: the matches feed the levels.
    for text in _labelled_texts():
        folded = Folded(text)
        assert [(m.start(), m.end()) for m in crisis._ALL.matches(folded.folded)] == [
            (s, e) for s, e, _ in _reference(crisis._ALL.regex, folded.folded)
        ]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("kill", {"k"}),
        ("(?:cut|hurt)ting", {"c", "h"}),
        ("[a-c]x", {"a", "b", "c"}),
        ("(?:self )?harm", {"s", "h"}),
        ("a*b", {"a", "b"}),
        ("(?<!not )die", {"d"}),
        (r"\bend", {"e"}),
        ("(?=ab)a", {"a"}),
        ("(?>ab|c)", {"a", "c"}),
    ],
)
def test_first_characters_of_bounded_patterns(pattern: str, expected: set[str]) -> None:
    assert first_characters(pattern) == expected


@pytest.mark.parametrize(
    "pattern",
    [r"\w+", ".x", "[^a]", "a?", "(?i)kill", "(?i:kill)", r"(a)?\1", "(?:)", "x*", r"\d"],
)
def test_unbounded_patterns_have_no_first_characters(pattern: str) -> None:
    assert first_characters(pattern) is None


def test_an_unbounded_phrase_falls_back_to_the_combined_regex() -> None:
    groups = PhraseGroups({"any": [r"\w+ing"], "word": ["kill"]})
    assert groups._by_char is None
    text = "stop killing"
    assert _dispatched(groups, text) == _reference(groups.regex, text)
    assert _dispatched(groups, text)  # it does find them


def test_order_decides_between_phrases_as_in_the_combined_regex() -> None:
    # At one start the first listed phrase that matches wins, in either order.
    for groups in ({"a": ["cut"], "b": ["cutting"]}, {"b": ["cutting"], "a": ["cut"]}):
        phrases = PhraseGroups(groups)
        for text in ("cutting", "cut", "i was cutting, cut"):
            assert _dispatched(phrases, text) == _reference(phrases.regex, text)


def test_treatment_phrases_are_bounded_too() -> None:
    # Treatments keep the combined regex (it has few phrases: dispatch would cost more than
    # it saves), but their phrases are bounded should that change.
    for spec in treatments._CFG["treatment"].values():
        for pattern in spec["patterns"]:
            assert first_characters(expand(pattern)) is not None, pattern


def test_an_unreadable_parser_tree_falls_back_to_the_combined_regex(monkeypatch) -> None:
    from zoelife.triage import _text

    def unreadable(pattern: str):
        raise AttributeError("the parser's tree changed")

    monkeypatch.setattr(_text, "first_characters", unreadable)
    phrases = PhraseGroups({"word": ["kill", "cut"]})
    assert phrases._by_char is None
    assert _dispatched(phrases, "cut it out") == [(0, 3, "word")]
