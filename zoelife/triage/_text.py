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
from bisect import bisect_left
from functools import cache
from importlib import resources

_APOSTROPHES = "'’‘ʼ`´"


class _FoldTable(dict):
    """ordinal -> folded string, filled lazily; usable with ``str.translate``."""

    def __missing__(self, o: int) -> str:
        ch = chr(o)
        if ch in _APOSTROPHES:
            out = ""
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
    parts = [expand(p, macros) for p in patterns]
    for p in parts:  # fail loudly, naming the bad line
        try:
            re.compile(p)
        except re.error as exc:  # pragma: no cover - exercised by a data test
            raise ValueError(f"bad triage pattern {p!r}: {exc}") from exc
    return re.compile(r"(?<![\w])(?:" + "|".join(f"(?:{p})" for p in parts) + r")(?![\w])")


def compile_groups(
    groups: dict[str, list[str]], macros: dict[str, str] | None = None
) -> re.Pattern[str]:
    """One regex for several named phrase lists; ``match.lastgroup`` names the list."""
    alts = []
    for name, patterns in groups.items():
        compile_phrases(patterns, macros)  # validates each line
        body = "|".join(f"(?:{expand(p, macros)})" for p in patterns)
        alts.append(f"(?P<{name}>{body})")
    return re.compile(r"(?<![\w])(?:" + "|".join(alts) + r")(?![\w])")


SENTENCE_BREAK = re.compile(r"[.!?;:\n\r]|\s[-–—]\s|¿|¡")
