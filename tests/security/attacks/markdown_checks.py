"""What stays live in a markdown string once escaped characters and inline code are removed."""

from __future__ import annotations

import re

LIVE = ("](", "![", "://", "www.", "@", "<")


def live_part(markdown: str) -> str:
    """The text the renderer could still turn into a link, an image or HTML."""
    without_code = re.sub(r"(?<!\\)(`+)[^`]*?\1", "", markdown)
    return re.sub(r"\\.", "", without_code)


def assert_inert(markdown: str) -> None:
    rest = live_part(markdown)
    for token in LIVE:
        assert token not in rest, f"{token!r} is live in {markdown!r}"
