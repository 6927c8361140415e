"""Parsing an untrusted RSS/Atom feed without risking the server.

A feed is XML from outside the clinic (a manager's upload, a feed address, `zoelife import
content`). Two controls, in this order:

1. **No DTD, no entity declaration.** A feed never needs one, and they are how XML parsers are
   attacked: an RSS file whose DOCTYPE chains 40,000 entities made expat 2.5.0 (bundled with
   Python 3.11.7) overflow its stack and kill the server process (CVE-2024-8176), and feedparser's
   own DOCTYPE stripping is a few regular expressions that a comment inside the DOCTYPE gets
   past. `refusal` scans the bytes before any parser sees them; the child then parses with
   `defusedxml` (`forbid_dtd`, `forbid_entities`, `forbid_external`) before feedparser.
2. **A child process with time and memory limits.** `parse` runs `python -m
   zoelife.ingest.feedparse` with the feed on stdin; the child sets `RLIMIT_AS` and `RLIMIT_CPU`
   on itself before reading, and the parent waits at most `WALL_SECONDS`. A parser crash, a
   signal, the memory or time limit all become `FeedUnreadable` ("could not read that feed"),
   never an outage. The child answers JSON: plain dicts of what `content_feeds.read_feed` uses.

`expat_warning` says whether the bundled expat is older than `SAFE_EXPAT` (logged at start;
docs/deploy.md says which Python to deploy on).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from typing import Any

MEMORY_LIMIT_BYTES = 1024 * 1024 * 1024
CPU_SECONDS = 20
WALL_SECONDS = 40
SAFE_EXPAT = (2, 7, 0)
CHILD_MODULE = "zoelife.ingest.feedparse"

# `<!DOCTYPE` or `<!ENTITY`, with any spacing and case; NUL bytes removed first so UTF-16 text
# cannot hide one (the child's defusedxml parse sees every encoding expat reads).
_DECLARATION = re.compile(rb"<\s*!\s*(DOCTYPE|ENTITY)\b", re.I)

REFUSED_DTD = ("it declares a document type or entities (<!DOCTYPE or <!ENTITY); a feed never "
               "needs one and they can be used to crash XML parsers, so it was not read")


class FeedRefused(Exception):
    """The feed was refused before parsing; `str` says why (no feed content in it)."""


class FeedUnreadable(Exception):
    """The parser failed (crashed, ran out of time or memory); `str` says so."""


def refusal(data: bytes) -> str | None:
    """Why `data` is refused before any XML parser sees it, or None."""
    if _DECLARATION.search(data.replace(b"\0", b"")):
        return REFUSED_DTD
    return None


def parse(data: bytes, *, module: str = CHILD_MODULE) -> dict[str, Any]:
    """The feed's entries as plain dicts (see `_entry`), parsed in a child process.

    `module` is the child's entry point (tests name one that crashes on purpose)."""
    reason = refusal(data)
    if reason:
        raise FeedRefused(reason)
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter and module, no shell
            [sys.executable, "-m", module], input=data, capture_output=True,
            timeout=WALL_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise FeedUnreadable(f"could not read that feed (the parser took longer than "
                             f"{WALL_SECONDS} s and was stopped)") from None
    if done.returncode < 0:
        raise FeedUnreadable(f"could not read that feed (the parser stopped with signal "
                             f"{-done.returncode}; the file may be built to crash it)")
    try:
        answer = json.loads(done.stdout.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        answer = None
    if not isinstance(answer, dict):
        raise FeedUnreadable("could not read that feed (the parser failed; it may have run "
                             "out of memory)")
    if answer.get("refused"):
        raise FeedRefused(str(answer["refused"]))
    return answer


def expat_version() -> tuple[int, ...]:
    import pyexpat

    return tuple(int(p) for p in re.findall(r"\d+", pyexpat.EXPAT_VERSION)[:3])


def expat_warning() -> str | None:
    """A warning when the bundled expat has known crash bugs (older than SAFE_EXPAT)."""
    version = expat_version()
    if version >= SAFE_EXPAT:
        return None
    return (f"This Python's bundled expat is {'.'.join(map(str, version))}, older than "
            f"{'.'.join(map(str, SAFE_EXPAT))} (CVE-2024-8176 and others): feeds are still "
            "parsed in a limited child process with DTDs refused, but deploy on a Python "
            "whose expat is 2.7.0 or newer (see docs/deploy.md)")


# --------------------------------------------------------------------------- the child


def _limit_self() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


def _defused_check(data: bytes) -> str | None:
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        return REFUSED_DTD
    except ParseError:
        return None  # not well-formed: feedparser's loose parser may still read it
    return None


def _entry(entry) -> dict[str, Any]:
    def when(key: str):
        value = entry.get(key)
        return list(value[:6]) if value else None

    return {
        "title": entry.get("title", "") or "",
        "link": entry.get("link", "") or "",
        "content": [c.get("value", "") for c in entry.get("content") or []],
        "summary": entry.get("summary", "") or "",
        "description": entry.get("description", "") or "",
        "published": entry.get("published", "") or "",
        "updated": entry.get("updated", "") or "",
        "published_parsed": when("published_parsed"),
        "updated_parsed": when("updated_parsed"),
    }


def _child_main() -> int:
    _limit_self()
    data = sys.stdin.buffer.read()
    reason = refusal(data) or _defused_check(data)
    if reason:
        answer: dict[str, Any] = {"refused": reason}
    else:
        import feedparser

        parsed = feedparser.parse(data)
        exc = parsed.get("bozo_exception")
        message = (getattr(exc, "getMessage", lambda: "")() or str(exc or "")) if exc else ""
        answer = {"bozo": bool(parsed.bozo), "has_feed": bool(parsed.get("feed")),
                  "bozo_message": message[:200],
                  "entries": [_entry(e) for e in parsed.entries]}
    sys.stdout.write(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(_child_main())
