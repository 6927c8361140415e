"""The long-message speed-ups give what the code they replace gave, exactly.

Each shortcut is compared with the reference it stands for: py3langid's own byte-by-byte walk
and scoring, ``regex.finditer`` for the idioms and the case-sensitive slang, one scan per
service not offered, and the letter count of ``findall``. The texts are the labelled messages
(every language the sets hold) and generated ones; a difference is a changed assessment.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from py3langid.langid import LanguageIdentifier, visit_counts

from zoelife.triage import crisis, field_tagging, language, treatments
from zoelife.triage._text import Folded, PhraseGroups, RareStarts
from zoelife.triage.learned import EXAMPLES


def _labelled_texts() -> list[str]:
    texts = [json.loads(line)["text"] for path in sorted(EXAMPLES.glob("*.jsonl"))
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(texts) > 1000, f"the labelled messages are missing from {EXAMPLES}"
    return texts


TEXTS = _labelled_texts()
LONG = [" ".join(TEXTS[i:i + 12])[:4000] for i in range(0, len(TEXTS), 12)]


# ------------------------------------------------------------------ py3langid's walk
def _library_score(identifier, data: bytes) -> np.ndarray:
    return LanguageIdentifier._raw_score(identifier, data)


def test_the_walk_gives_py3langids_counts_and_scores_bit_for_bit() -> None:
    identifier = language._identifier()
    for text in TEXTS + LONG:
        data = identifier._encode(text[:language._MAX_CHARS])
        reference = visit_counts(identifier.tk_nextmove, identifier._rowbase,
                                 identifier.tk_output, data)
        found = language._visits(identifier, data)
        if reference is None:
            assert found is None
            continue
        assert found is not None, text  # the shortcut applied (else py3langid's walk runs)
        features, counts = found
        assert list(zip(features.tolist(), counts.tolist(), strict=True)) == [
            (f, float(c)) for f, c in reference.items()]  # same counts, same order
        ours = identifier._raw_score(data)
        theirs = _library_score(identifier, data)
        assert ours.dtype == theirs.dtype and ours.tobytes() == theirs.tobytes()


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_scores_as_py3langid_scores_it(text: str) -> None:
    identifier = language._identifier()
    data = identifier._encode(text)
    ours = identifier._raw_score(data)
    theirs = _library_score(identifier, data)
    assert ours.tobytes() == theirs.tobytes()


def test_a_walk_the_shortcut_does_not_reproduce_is_left_to_py3langid(monkeypatch) -> None:
    # Too few bytes back: the states differ from the automaton's own steps, which the check
    # sees; py3langid's own walk then decides, and the scores are still the same.
    identifier = language._identifier()
    monkeypatch.setattr(language, "_DEPTH", 1)
    data = identifier._encode("I have been thinking about ending it all")
    assert language._states(identifier, data) is None
    assert identifier._raw_score(data).tobytes() == _library_score(identifier, data).tobytes()


def test_the_automaton_is_no_deeper_than_the_walk_reads() -> None:
    # The deepest state lies _DEPTH bytes from the start: were the model replaced by a deeper
    # one, the check would send every message to the slow walk, unnoticed but for this.
    identifier = language._identifier()
    moves, rows = identifier._moves, identifier._rows
    depth = np.full(len(rows), -1)
    depth[0] = 0
    frontier = np.array([0])
    level = 0
    while len(frontier):
        level += 1
        reached = np.unique(moves[(rows[frontier][:, None] + np.arange(256)).ravel()])
        reached = reached[depth[reached] < 0]
        depth[reached] = level
        frontier = reached
    assert depth.min() >= 0 and depth.max() == language._DEPTH


def test_letters_are_counted_as_findall_counts_them() -> None:
    for text in TEXTS + ["", "123 _ 4", "Ⅻ ½ ² é ß", "日本語 テキスト"]:
        assert len(text) - len(language._LETTERS.sub("", text)) == len(
            language._LETTER.findall(text))


# ------------------------------------------------------------------ phrases and patterns
def _spans(matches) -> list[tuple[int, int]]:
    return [m.span() for m in matches]


def test_idioms_are_found_as_the_combined_regex_finds_them() -> None:
    assert field_tagging.IDIOMS._by_char is not None  # dispatched, not the fallback
    for text in TEXTS + LONG:
        f = Folded(text).folded
        assert _spans(field_tagging.IDIOMS.finditer(f)) == _spans(
            field_tagging.IDIOMS.regex.finditer(f))


IDIOM_WORDS = sorted({w for p in field_tagging.load_toml("idioms.toml")["patterns"]
                      for w in re.findall(r"[a-z]{2,}", p)})


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(IDIOM_WORDS),
                          st.sampled_from([" ", "  ", "-", ", ", ". ", "\n", "", "'"])),
                min_size=1, max_size=16))
def test_idiom_soup_gives_the_combined_regexs_matches(parts: list[tuple[str, str]]) -> None:
    text = "".join(word + sep for word, sep in parts)
    assert _spans(field_tagging.IDIOMS.finditer(text)) == _spans(
        field_tagging.IDIOMS.regex.finditer(text))


def test_non_overlapping_matches_follow_the_earlier_one() -> None:
    phrases = PhraseGroups({"p": ["dying to", "to try", "try"]})
    for text in ("dying to try", "to try it", "try to try"):
        assert _spans(phrases.finditer(text)) == _spans(phrases.regex.finditer(text))


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from("SINHB/+.? siabx\n-"), max_size=40))
def test_slang_is_found_as_the_regexes_find_it(text: str) -> None:
    for rare, rx in ((crisis._CS_ALWAYS_AT, crisis._CS_ALWAYS),
                     (crisis._CS_MIXED_AT, crisis._CS_MIXED)):
        assert rare._starts is not None
        assert _spans(rare.finditer(text)) == _spans(rx.finditer(text))


def test_slang_in_the_labelled_messages_is_found_as_before() -> None:
    for text in TEXTS:
        assert _spans(crisis._CS_ALWAYS_AT.finditer(text)) == _spans(
            crisis._CS_ALWAYS.finditer(text))
        assert _spans(crisis._CS_MIXED_AT.finditer(text)) == _spans(
            crisis._CS_MIXED.finditer(text))


def test_an_unbounded_pattern_is_its_own_finditer() -> None:
    rare = RareStarts(re.compile(r"\w+ing"))
    assert rare._starts is None
    assert _spans(rare.finditer("stop killing, start living")) == [(5, 12), (20, 26)]


SERVICE_WORDS = sorted({w for pats in treatments._CFG["other_services"].values()
                        if isinstance(pats, list) for p in pats
                        for w in re.findall(r"[a-z]{2,}", p)})


def _named_by_every_scan(f: str) -> set[str]:
    return {name for name, rx in treatments._OTHER_RX.items() if rx.search(f)}


def test_services_not_offered_are_named_as_every_scan_names_them() -> None:
    for text in TEXTS + LONG:
        f = Folded(text).folded
        assert treatments._services_named(f) == _named_by_every_scan(f)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(SERVICE_WORDS), min_size=1, max_size=12))
def test_service_soup_is_named_as_every_scan_names_it(words: list[str]) -> None:
    f = " ".join(words)
    assert treatments._services_named(f) == _named_by_every_scan(f)


@pytest.mark.parametrize("text", LONG[:40])
def test_a_long_message_tags_the_same_words_with_and_without_the_next_word_index(
        text: str) -> None:
    # The phrases a word begins, followed in order whatever the next word: the index only
    # skips phrases whose second word the next word has no form of.
    folded = Folded(text)
    spans, hits, _idioms, _own = field_tagging.tag(folded, "en")
    assert hits == _hits_by_every_phrase(folded)


def _hits_by_every_phrase(folded: Folded) -> list:
    """``tag``'s hits, every phrase of ``Word.multi`` followed (the code before the index)."""
    from zoelife.triage.field_words import GAP, describe_word_cached

    f, text = folded.folded, folded.text
    infos = []
    for m in field_tagging._TOKEN.finditer(f):
        a, b = folded.span(*m.span())
        infos.append(describe_word_cached(m.group(), text[a:b].lower(), "en"))
    idiom = [m.span() for m in field_tagging.IDIOMS.regex.finditer(f)]
    spans = [m.span() for m in field_tagging._TOKEN.finditer(f)]
    blocked = [any(a <= s < b for a, b in idiom) for s, _ in spans]
    forms = [w.forms for w in infos]
    hits = []
    for i, w in enumerate(infos):
        if blocked[i]:
            continue
        hits += [field_tagging.Hit(fld, i, i) for fld in w.singles]
        if w.unknown:
            hits.append(field_tagging.Hit("unknown_word", i, i))
        seen = set()
        for fld, words in w.multi:
            last = field_tagging._matches_at(forms, i, words)
            if last is None or (fld, last) in seen or any(blocked[i:last + 1]):
                continue
            seen.add((fld, last))
            hits.append(field_tagging.Hit(fld, i, i if GAP in words else last))
    return hits
