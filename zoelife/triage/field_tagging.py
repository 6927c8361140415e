"""Tagging a message: every word with the fields it belongs to (``field_words``), phrases
of several words (with gaps: "put ... aside") and the idioms (data/idioms.toml and each read
language's) that take words out of every field.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ._text import TOKEN_BY_CHARACTER, Coverage, Folded, PhraseGroups, load_toml
from .field_words import (
    GAP,
    MAX_GAP,
    READERS,
    WORDS_BY_LANGUAGE,
    Word,
    describe_word,
    describe_word_cached,
    done_by_another,
    fold_word,
    split_elision,
    word_read,
)

# Tried at a word start only against the idioms that can begin with its first character.
IDIOMS = PhraseGroups({"idiom": load_toml("idioms.toml")["patterns"]})

_TOKEN = re.compile(r"[a-z0-9]+")
# Words of a language written in another script (Russian): any run of letters and digits.
_TOKEN_ANY = re.compile(r"[^\W_]+")


class Hit(NamedTuple):  # a tuple: made for every tagged word, ten times cheaper to build
    field: str
    first: int  # token index of the first word
    last: int  # token index of the last word



def _matches_at(tokens: list[tuple[str, ...]], i: int, words: tuple[str, ...]) -> int | None:
    """Index of the last token of ``words`` matched from token ``i``, or None."""
    j = i
    k = 0
    while k < len(words):
        w = words[k]
        if w == GAP:
            nxt = words[k + 1]
            for skip in range(0, MAX_GAP + 1):
                if j + skip < len(tokens) and nxt in tokens[j + skip]:
                    j += skip
                    break
            else:
                return None
            k += 1
            continue
        if j >= len(tokens) or w not in tokens[j]:
            return None
        j += 1
        k += 1
    return j - 1


def _described_anew(cache: dict[str, Word], word: str, language: str) -> Word:
    """A word written as it folds, not yet in its language's look-up: described and kept."""
    if len(cache) > 200_000:  # an import of odd words: bounded memory
        cache.clear()
    got = cache[word] = describe_word(word, word, language)
    return got


def tag(folded: Folded, language: str = "", reads: tuple[str, ...] = (), main: str = "",
        ) -> tuple[list[tuple[int, int]], list[Hit], Coverage | None, list[bool] | None]:
    """Token offsets (folded), every field hit in the message, the idioms' spans, and which
    tokens a language of ``reads`` gave fields to (None when only English and Spanish read)."""
    f = folded.folded
    text = folded.text
    spans: list[tuple[int, int]] = []
    infos: list[Word] = []
    own: list[bool] | None = None
    plain = folded.folded is not None and text.isascii() and "'" not in text and "`" not in text
    if reads:
        own = []
        key = (language, reads, main)
        if any(READERS[c].by_character for c in reads):
            token = TOKEN_BY_CHARACTER
        else:
            token = _TOKEN_ANY if any(READERS[c].any_script for c in reads) else _TOKEN
        for m in token.finditer(f):
            s, e = m.span()
            os_, oe = folded.span(s, e)
            original = text[os_:oe].lower()
            split = split_elision(original, reads) if not plain else None
            if split is not None:  # "m'ouvrir": "me" and "ouvrir", two words
                short, whole = split
                cut = s + len(fold_word(short))
                got = word_read(whole, whole, *key)
                spans.append((s, cut))
                infos.append(got[0])
                own.append(got[1])
                s, original = cut, original[len(short) + 1:]
                if s >= e:
                    continue
            got = word_read(f[s:e], original, *key)
            spans.append((s, e))
            infos.append(got[0])
            own.append(got[1])
    elif plain:  # the original word is the folded one (lower-cased): one dict look-up a word
        cache = WORDS_BY_LANGUAGE.setdefault(language, {})
        get = cache.get
        for m in _TOKEN.finditer(f):
            spans.append(m.span())
            word = m.group()
            infos.append(get(word) or _described_anew(cache, word, language))
    else:
        omap = folded._map  # ``Folded.span`` inlined: a word is never empty
        cache = WORDS_BY_LANGUAGE.setdefault(language, {})
        for m in _TOKEN.finditer(f):
            s, e = span = m.span()
            spans.append(span)
            word = m.group()
            original = (text[s:e] if omap is None else text[omap[s]:omap[e - 1] + 1]).lower()
            if original != word:  # "Días", "don't"
                infos.append(describe_word_cached(word, original, language))
                continue
            # As written: the plain messages' look-up.
            infos.append(cache.get(word) or _described_anew(cache, word, language))
    blocked = None
    idiom = [(m.start(), m.end()) for m in IDIOMS.finditer(f)]
    forms = [w.forms for w in infos]
    # Another's act on the writer ("mi hermano me volvió a pegar"): out of every layer.
    by_another = done_by_another([f[s:e] for s, e in spans], forms) if any(
        "#" in x for fs in forms for x in fs) else ()
    if by_another:
        idiom = sorted(idiom + [(spans[a][0], spans[b][1]) for a, b in by_another])
    for code in reads:
        rx = READERS[code].idioms
        if rx is not None:
            idiom = sorted(idiom + [(m.start(), m.end()) for m in rx.finditer(f)])
    if idiom:  # both lists are in text order: one sweep
        blocked = []
        k = 0
        for s, _ in spans:
            while k < len(idiom) and idiom[k][1] <= s:
                k += 1
            blocked.append(k < len(idiom) and idiom[k][0] <= s)
    hits: list[Hit] = []
    append = hits.append
    n = len(forms)
    for i, (_fs, singles, unknown, multi, by_second) in enumerate(infos):
        if blocked is not None and blocked[i]:
            continue
        for field in singles:
            append(Hit(field, i, i))
        if unknown:
            append(Hit("unknown_word", i, i))  # a brand or drug name the lists lack
        if not multi:
            continue
        # Most phrases stop at their second word ("i" + "want"): only those with a gap or
        # with a form of the next word second are followed, in their order in ``multi``.
        items = by_second.get(GAP, ())
        merged = False
        for form in forms[i + 1] if i + 1 < n else ():
            more = by_second.get(form)
            if more and form != GAP:
                merged = bool(items)
                items = items + more if items else more
        if not items:
            continue
        if merged:
            items = sorted(items)
        seen: set[tuple[str, int]] = set()
        for _k, field, words in items:
            last = _matches_at(forms, i, words)
            if last is None or (field, last) in seen:
                continue
            if blocked is not None and any(blocked[i:last + 1]):
                continue
            seen.add((field, last))
            # A phrase with a gap ("put ... aside") claims its first word only, so the
            # words in the gap ("my pills") stay free for other fields.
            append(Hit(field, i, i if GAP in words else last))
    return spans, hits, (Coverage(idiom) if idiom else None), own
