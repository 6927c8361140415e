"""Doses said in words the number library does not read: hundreds then the rest, the way a
pharmacy label is read aloud ("one fifty" is 150). Used by `trials` before text2num."""

from __future__ import annotations

import re

_ONES = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_TENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
         "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
         "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
# A dose said the way a pharmacy label is read aloud, hundreds then the rest: "one fifty"
# (150), "two twenty-five" (225), "three seventy five at night". Not a time of day ("at nine
# thirty", "nine thirty am") nor a count of tablets or of anything else ("two fifty mg tablets" is
# 2 x 50, "two thirty minute sessions").
_HUNDREDS_SAID_SHORT = re.compile(
    r"(?<!\bat )(?<!\baround )(?<!\bby )(?<!\buntil )(?<!\btill )(?<!\babout )(?<!\bbefore )"
    r"(?<!\bafter )\b(" + "|".join(_ONES) + r")[ -](" + "|".join(_TENS) + r")(?:[ -](" + "|".join(_ONES)
    + r"))?\b(?![ -](?:hundred|thousand|o ?clock|am|pm|a\.m|p\.m|(?:mg |milligrams? )?(?:tablets?|pills?|caps(?:ules)?|tabs?)\b"
    r"|(?:minutes?|min|hours?|days?|weeks?|months?|years?|sessions?|times?|doses?|people)\b))")


def _hundreds(m: re.Match[str]) -> str:
    tens = _TENS[m.group(2)]
    if m.group(3) and tens < 20:
        return m.group(0)  # "one ten five" is no number
    ones = _ONES.index(m.group(3)) + 1 if m.group(3) else 0
    return str((_ONES.index(m.group(1)) + 1) * 100 + tens + ones)


def hundreds_said_short(text: str) -> str:
    """`text` with each dose said as hundreds then the rest written in digits."""
    return _HUNDREDS_SAID_SHORT.sub(_hundreds, text)
