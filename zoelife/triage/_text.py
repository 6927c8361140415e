"""Text folding with offsets kept, and the phrase-pattern compiler shared by the detectors.

The detectors match on a *folded* copy of the text: case-folded, accents stripped, apostrophes
removed ("Don’t" -> "dont", "Días" -> "dias").  ``Folded.span`` maps a match in the folded copy
back to character offsets in the original text, so evidence always points at the words the
person wrote.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from functools import cache, cached_property
from importlib import resources

try:  # the regex parser's tree, read by first_characters (CPython internals)
    from re import _constants, _parser
except ImportError:  # pragma: no cover - another Python: every phrase is tried everywhere
    _constants = _parser = None

_APOSTROPHES = "'’‘ʼ`´"


class _FoldTable(dict):
    """ordinal -> folded string, filled lazily; usable with ``str.translate``."""

    def __missing__(self, o: int) -> str:
        ch = chr(o)
        if ch in _APOSTROPHES:
            out = ""
        elif "\uac00" <= ch <= "\ud7a3":
            out = ch  # a Hangul syllable stays whole: Korean is read syllable by syllable
        else:
            out = unicodedata.normalize("NFKD", ch.casefold())
            out = "".join(c for c in out if not unicodedata.combining(c))
            out = out.casefold()
        self[o] = out
        return out


_FOLD = _FoldTable()
# Characters that may fold to something other than exactly one character.
_SPECIAL = re.compile(r"[^\x00-\x7f]|['`]")


class Folded:
    """A folded copy of ``text`` with a map back to the original offsets."""

    __slots__ = ("text", "folded", "_map")

    def __init__(self, text: str) -> None:
        self.text = text
        self._map: list[int] | None = None
        if text.isascii() and "'" not in text and "`" not in text:
            self.folded = text.lower()
            return
        self.folded = text.translate(_FOLD)
        table = _FOLD
        irregular = [
            (m.start(), n)
            for m in _SPECIAL.finditer(text)
            if (n := len(table[ord(m.group())])) != 1
        ]
        if not irregular:
            return
        omap: list[int] = []
        prev = 0
        for pos, n in irregular:
            omap.extend(range(prev, pos))
            omap.extend([pos] * n)
            prev = pos + 1
        omap.extend(range(prev, len(text)))
        self._map = omap

    def span(self, fstart: int, fend: int) -> tuple[int, int]:
        """Original (start, end) for the folded slice [fstart, fend)."""
        if self._map is None:
            return fstart, fend
        if fend <= fstart:
            o = self._map[fstart] if fstart < len(self._map) else len(self.text)
            return o, o
        return self._map[fstart], self._map[fend - 1] + 1

    def to_folded(self, ostart: int) -> int:
        """Folded offset of original offset ``ostart`` (first folded char at or after it)."""
        if self._map is None:
            return ostart
        return bisect_left(self._map, ostart)


@cache
def load_toml(name: str) -> dict:
    with resources.files("zoelife.triage.data").joinpath(name).open("rb") as fh:
        return tomllib.load(fh)


_MACRO = re.compile(r"\{([a-z_]+)\}")
_SPACE = r"(?:[\s\-_/]+)"


def expand(pattern: str, macros: dict[str, str] | None = None) -> str:
    """Expand ``{macro}`` names and turn literal spaces into 'any spacing'."""
    if macros:

        def sub(m: re.Match[str]) -> str:
            return macros.get(m.group(1), m.group(0))

        for _ in range(3):  # macros may use macros
            new = _MACRO.sub(sub, pattern)
            if new == pattern:
                break
            pattern = new
    return pattern.replace(" ", _SPACE)


def compile_phrases(patterns: list[str], macros: dict[str, str] | None = None) -> re.Pattern[str]:
    """One regex matching any of ``patterns`` as whole words on folded text."""
    parts = _checked(patterns, macros)
    return re.compile(r"(?<![\w])(?:" + "|".join(f"(?:{p})" for p in parts) + r")(?![\w])")


def _checked(patterns: list[str], macros: dict[str, str] | None) -> list[str]:
    """The patterns expanded; a bad one fails loudly, naming its line."""
    parts = [expand(p, macros) for p in patterns]
    for p in parts:
        try:
            re.compile(p)
        except re.error as exc:  # pragma: no cover - exercised by a data test
            raise ValueError(f"bad triage pattern {p!r}: {exc}") from exc
    return parts


def compile_groups(
    groups: dict[str, list[str]], macros: dict[str, str] | None = None
) -> re.Pattern[str]:
    """One regex for several named phrase lists; ``match.lastgroup`` names the list."""
    return re.compile(_group_source(_expanded_groups(groups, macros)))


def _expanded_groups(
    groups: dict[str, list[str]], macros: dict[str, str] | None
) -> dict[str, list[str]]:
    return {name: _checked(patterns, macros) for name, patterns in groups.items()}


def _group_source(groups: dict[str, list[str]]) -> str:
    alts = []
    for name, patterns in groups.items():
        body = "|".join(f"(?:{p})" for p in patterns)
        alts.append(f"(?P<{name}>{body})")
    return r"(?<![\w])(?:" + "|".join(alts) + r")(?![\w])"


class PhraseGroups:
    """``compile_groups`` for finding every match, overlapping ones included.

    ``matches(text)`` yields what the loop ``m = rx.search(text); while m: ...; m =
    rx.search(text, m.start() + 1)`` over the combined regex yields, match for match, at a
    fraction of the cost: the combined regex tries every phrase at every word start, while
    here a word start is only tried against the phrases that can begin with its first
    character, in their original order (so the same phrase wins, with the same extent).
    Which characters a phrase can begin with is read off the regex parser's tree; if that
    cannot be bounded for some phrase, or the tree cannot be read (it is CPython's internal),
    every match comes from the combined regex instead."""

    def __init__(self, groups: dict[str, list[str]], macros: dict[str, str] | None = None):
        expanded = _expanded_groups(groups, macros)
        self._source = _group_source(expanded)
        self._by_char: dict[str, re.Pattern[str]] | None = None
        try:
            starts = {
                (name, i): first_characters(p)
                for name, patterns in expanded.items()
                for i, p in enumerate(patterns)
            }
        except Exception:  # noqa: BLE001 - an unreadable tree only costs the speed-up
            return
        if any(chars is None for chars in starts.values()):
            return  # some phrase may begin anywhere: no dispatch
        every = sorted(set().union(*starts.values()))
        self._by_char = {}
        for char in every:
            subset = {
                name: [p for i, p in enumerate(patterns) if char in starts[(name, i)]]
                for name, patterns in expanded.items()
            }
            # Characters with the same phrases share one pattern (re's own cache).
            self._by_char[char] = re.compile(
                _group_source({name: ps for name, ps in subset.items() if ps}))
        self._candidates = re.compile(
            r"(?<![\w])[" + "".join(re.escape(c) for c in every) + "]"
        )

    @cached_property
    def regex(self) -> re.Pattern[str]:
        """The combined regex: the reference, and the fallback. Compiled on first use (a
        tenth of a second at every start otherwise)."""
        return re.compile(self._source)

    def matches(self, text: str) -> Iterator[re.Match[str]]:
        if self._by_char is None:
            m = self.regex.search(text)
            while m is not None:
                yield m
                m = self.regex.search(text, m.start() + 1)
            return
        by_char = self._by_char
        for candidate in self._candidates.finditer(text):
            start = candidate.start()
            m = by_char[text[start]].match(text, start)
            if m is not None:
                yield m

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """What ``regex.finditer(text)`` yields (no overlapping matches), match for match: a
        word start is tried only from the end of the last match on, against the phrases
        that can begin with its first character, in their order."""
        if self._by_char is None:
            yield from self.regex.finditer(text)
            return
        by_char = self._by_char
        end = 0
        for candidate in self._candidates.finditer(text):
            start = candidate.start()
            if start < end:
                continue
            m = by_char[text[start]].match(text, start)
            if m is not None:  # never empty: every phrase begins with a character
                end = m.end()
                yield m


class RareStarts:
    """``regex.finditer`` for a regex whose matches can only begin with one of a few
    characters (read off the parser's tree, as for ``PhraseGroups``): the regex is tried only
    where one of them stands, from the end of the last match on ("S/I", "+SI" and "NSSI" in a
    2,000-character message: a dozen tries instead of two thousand). Without a bound on the
    first characters it is the regex's own ``finditer``."""

    def __init__(self, regex: re.Pattern[str]) -> None:
        self.regex = regex
        try:
            chars = first_characters(regex.pattern) if not regex.flags & re.IGNORECASE else None
        except Exception:  # noqa: BLE001 - an unreadable tree only costs the speed-up
            chars = None
        self._starts = (re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]")
                        if chars else None)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        if self._starts is None:
            yield from self.regex.finditer(text)
            return
        match = self.regex.match
        end = 0
        for candidate in self._starts.finditer(text):
            start = candidate.start()
            if start < end:
                continue
            m = match(text, start)
            if m is not None:  # never empty: a match begins with one of the characters
                end = m.end()
                yield m


def first_characters(pattern: str) -> frozenset[str] | None:
    """The characters a non-empty match of ``pattern`` can begin with, or None when that
    cannot be bounded (a class like ``\\w`` or ``.``, case-insensitive parts, a phrase
    that can match the empty string). Zero-width assertions are skipped: the answer may
    hold more characters than can really begin a match, never fewer."""
    if _parser is None:
        return None
    parsed = _parser.parse(pattern)
    if parsed.state.flags & (re.IGNORECASE | re.LOCALE):
        return None
    chars, nullable = _first_of_sequence(list(parsed))
    return None if chars is None or nullable else frozenset(chars)


_MAX_RANGE = 256


def _first_of_sequence(items: list) -> tuple[set[str] | None, bool]:
    chars: set[str] = set()
    for item in items:
        first, nullable = _first_of_item(item)
        if first is None:
            return None, False
        chars |= first
        if not nullable:
            return chars, False
    return chars, True


def _first_of_item(item) -> tuple[set[str] | None, bool]:
    op, av = item
    c = _constants
    if op is c.LITERAL:
        return {chr(av)}, False
    if op is c.IN:
        chars = set()
        for inner_op, inner_av in av:
            if inner_op is c.LITERAL:
                chars.add(chr(inner_av))
            elif inner_op is c.RANGE and inner_av[1] - inner_av[0] < _MAX_RANGE:
                chars.update(chr(o) for o in range(inner_av[0], inner_av[1] + 1))
            else:  # a negated set, a category such as \w or \s, a huge range
                return None, False
        return chars, False
    if op is c.BRANCH:
        chars, nullable = set(), False
        for branch in av[1]:
            first, empty = _first_of_sequence(list(branch))
            if first is None:
                return None, False
            chars |= first
            nullable = nullable or empty
        return chars, nullable
    if op is c.SUBPATTERN:
        _group, add_flags, _del_flags, body = av
        if add_flags & (re.IGNORECASE | re.LOCALE):
            return None, False
        return _first_of_sequence(list(body))
    if op is c.ATOMIC_GROUP:
        return _first_of_sequence(list(av))
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
        low, _high, body = av
        first, nullable = _first_of_sequence(list(body))
        return first, nullable or low == 0
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return set(), True  # zero width: the next item gives the first character
    return None, False  # back-references, conditionals, anything else: unbounded


SENTENCE_BREAK = re.compile(r"[.!?;:\n\r。]|\s[-–—]\s|¿|¡")
#: Han characters (CJK unified ideographs, extension A, compatibility) and Hangul syllables: a
#: language read by character (Chinese, written without spaces; Korean, whose endings and
#: particles are glued to the word) reads each as a word.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7a3"
#: Words when a language read is written without spaces: a Han character, or a run of other
#: letters and digits.
TOKEN_BY_CHARACTER = re.compile(f"[{HAN}]|[^\\W_{HAN}]+")


def compile_unbounded(patterns: list[str]) -> re.Pattern[str]:
    """Like compile_phrases, without word boundaries: in a language written without spaces
    (Chinese) a phrase stands inside a run of letters ("累死了" in "今天累死了")."""
    return re.compile("|".join(f"(?:{expand(p)})" for p in patterns))


class Coverage:
    """Merged intervals, asked whether [start, end) overlaps any of them."""

    def __init__(self, intervals) -> None:
        merged: list[list[int]] = []
        for a, b in sorted(intervals):
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        self._starts = [a for a, _ in merged]
        self._merged = merged

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_right(self._starts, end - 1) - 1  # last interval starting before end
        return i >= 0 and self._merged[i][1] > start
