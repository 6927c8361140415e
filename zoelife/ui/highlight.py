"""The one escaping helper for showing text from outside (the public, uploaded files, remote
servers) in anything Streamlit renders as markdown: message bodies with crisis evidence
highlighted, labels, captions, st.error/st.warning/st.info/st.success.

Everything is escaped first (every ASCII punctuation character gets a markdown backslash, leading
spaces become no-break spaces so nothing turns into a code block, line breaks are kept), then the
evidence spans are wrapped in Streamlit's background-colour directive. No HTML is ever produced,
so a message holding `<script>` or markdown shows as the characters the person typed.

Escaping alone does not stop links: the browser's markdown renderer (remark-gfm) turns web
addresses and email addresses found in the *unescaped* text into live links ("autolink
literals"). So every stretch that could become one (from `http://`, `https://`, `www.`,
`mailto:`, `xmpp:`, or around an `@`, to the next space) is put in inline code, which the
renderer never links; the characters that could end a code span or a directive's label
(`` ` ``, `[`, `]`, `<`, `>`) stay outside it, escaped.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable

_PUNCTUATION = frozenset(string.punctuation)
LEVEL_COLOR = {"urgent": "red", "review": "orange"}
_RANK = {"review": 1, "urgent": 2}
# Where remark-gfm could find a link literal: a superset of its own patterns (its `\w` is
# ASCII; Python's is wider, so these start no later than its matches and run to the next space).
_LINKABLE = re.compile(r"(?i)(?:https?://|www\.|mailto:|xmpp:)\S*|[-.+\w]*@\S*")
_NOT_IN_CODE = re.compile(r"([`\[\]<>])")


def _escape_plain(text: str) -> str:
    return "".join("\\" + c if c in _PUNCTUATION else c for c in text)


def _inert_code(text: str) -> str:
    """`text` (no whitespace) as inline code, the characters that could break out escaped."""
    out = []
    for part in _NOT_IN_CODE.split(text):
        if not part:
            continue
        out.append(_escape_plain(part) if _NOT_IN_CODE.fullmatch(part) else f"`{part}`")
    return "".join(out)


def _escape_line(line: str) -> str:
    out = []
    pos = 0
    for m in _LINKABLE.finditer(line):
        out.append(_escape_plain(line[pos:m.start()]))
        out.append(_inert_code(m.group()))
        pos = m.end()
    out.append(_escape_plain(line[pos:]))
    return "".join(out)


def escape_text(text: str) -> str:
    """Markdown that renders exactly as `text` (punctuation escaped, line breaks kept, nothing
    clickable)."""
    lines = []
    for line in str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        stripped = line.lstrip(" \t")
        indent = "\u00a0" * (len(line) - len(stripped))
        # Streamlit turns :shortcode: into emoji and icons; escaped colons already stop that.
        lines.append(indent + _escape_line(stripped))
    # Two trailing spaces: a hard line break, so the message keeps its own lines.
    return "  \n".join(lines)


def merge_spans(spans: Iterable, length: int) -> list[tuple[int, int, str]]:
    """Evidence spans clipped to the text and merged where they overlap (highest level wins)."""
    items = sorted(
        (max(0, int(s.start)), min(length, int(s.end)), s.level)
        for s in spans
        if getattr(s, "level", None) in _RANK and getattr(s, "category", "") != "other_language"
    )
    merged: list[tuple[int, int, str]] = []
    for start, end, level in items:
        if end <= start:
            continue
        if merged and start < merged[-1][1]:
            p_start, p_end, p_level = merged[-1]
            top = p_level if _RANK[p_level] >= _RANK[level] else level
            merged[-1] = (p_start, max(p_end, end), top)
        else:
            merged.append((start, end, level))
    return merged


def highlight_markdown(text: str | None, spans: Iterable = ()) -> str:
    """Escaped markdown of `text` with each evidence span on a red (urgent) or orange (review)
    background. `spans` need `start`, `end`, `level` (triage.EvidenceSpan or alike)."""
    if not text:
        return ""
    out: list[str] = []
    pos = 0
    for start, end, level in merge_spans(spans, len(text)):
        out.append(escape_text(text[pos:start]))
        # A highlight never crosses a line break: each line's part is wrapped on its own.
        pieces = [escape_text(p) for p in text[start:end].split("\n")]
        color = LEVEL_COLOR[level]
        out.append("  \n".join(f":{color}-background[**{p}**]" if p.strip() else p
                               for p in pieces))
        pos = end
    out.append(escape_text(text[pos:]))
    return "".join(out)


def plain_from_markdown(markdown: str) -> str:
    """Undo `escape_text` (for tests and for checking that nothing was lost)."""
    text = markdown.replace("  \n", "\n").replace("\u00a0", " ")
    return re.sub(r"`([^`]*)`|\\(.)",
                  lambda m: m.group(1) if m.group(1) is not None else m.group(2), text)
