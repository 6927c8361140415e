"""Numbers as the trial readers read them: written in words ("fifty milligrams", "tres meses")
as digits (text2num), doses said as tablets ("two 150s"), lengths of time in Russian and Chinese
said the English way. Used by `trial_doses`, `trial_durations` and `psychotherapy`."""

from __future__ import annotations

import re

from zoelife.triage.dose_words import hundreds_said_short

MG = r"(?:mg|mgs|milligrams?|miligramos?|miligramas?|мг|毫克)"

NUMBER = r"(\d+(?:\.\d+)?|\.\d+)"  # ".5" too: "klonopin .5 at night"

SMALL = {"dois": 2, "duas": 2, "quatro": 4, "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
          "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "un": 1,
          "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7,
          "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12, "couple of": 2, "few": 3}


def number_value(word: str) -> float:
    return float(SMALL[word]) if word in SMALL else float(word)


# Lengths of time in Russian and Chinese, said the English way before the duration is read:
# "полгода" (half a year), "2 недели", "3 месяца", "一年", "三个月", "两周", "半年".
_HAN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_OTHER_SCRIPT_UNITS = (
    (re.compile(r"(?<![а-яё])полгода(?![а-яё])"), lambda m: "6 months"),
    (re.compile(r"(\d+) ?(?:недел[а-яё]*)"), lambda m: m.group(1) + " weeks"),
    (re.compile(r"(\d+) ?(?:месяц[а-яё]*)"), lambda m: m.group(1) + " months"),
    (re.compile(r"(\d+) ?(?:год|года|лет)(?![а-яё])"), lambda m: m.group(1) + " years"),
    (re.compile(r"(\d+) ?(?:день|дня|дней)(?![а-яё])"), lambda m: m.group(1) + " days"),
    (re.compile(r"半年"), lambda m: " 6 months "),
    (re.compile(r"([一二两三四五六七八九十]|\d+)(?:个)?(月|年|周|星期|天)"),
     lambda m: " " + str(_HAN_DIGITS.get(m.group(1)) or m.group(1)) + " "
     + {"月": "months", "年": "years", "周": "weeks", "星期": "weeks", "天": "days"}[m.group(2)] + " "),
)


def _other_script_units(text: str) -> str:
    if text.isascii():
        return text
    for pattern, said in _OTHER_SCRIPT_UNITS:
        text = pattern.sub(said, text)
    return text


def in_digits(text: str) -> str:
    """Numbers written in words as digits, in both languages, lengths unchanged where possible
    (only the dose and duration windows are read from this copy)."""
    from text_to_num import alpha2digit

    text = _other_script_units(text)
    # "2 25 mg tablets" (50), counted in digits as written; "two twenty mg tablets" is read below
    # as words, the strength alone.
    text = TABLETS[2][0].sub(TABLETS[2][1], text)
    # "three hundred three times a day" must not read as 303.
    text = re.sub(r"\b(two|three|four)(?= times\b)", lambda m: str(SMALL[m.group(1)]), text)
    text = hundreds_said_short(text)
    # "a hundred and fifty": the "a" is the number one.
    text = re.sub(r"\ba (?=hundred\b)", "one ", text)
    # Half a milligram: "medio miligramo", "half a mg".
    text = re.sub(r"\b(?:medio|half an?|meio)(?= (?:mg|milligram|miligramo|miligrama))", "0.5", text)
    try:
        text = alpha2digit(alpha2digit(alpha2digit(text, "en"), "es"), "pt")
    except Exception:  # noqa: BLE001 - a library failure must not lose the message's drugs
        return text
    # "point five" (.5) and a decimal comma before mg ("0,5 mg").
    text = re.sub(r"\bpoint (?:(\d)|(one|two|three|four|five|six|seven|eight|nine)\b)",
                  lambda m: "." + (m.group(1) or str(SMALL[m.group(2)])), text)
    text = re.sub(r"(\d),(\d+ ?" + MG + r")", r"\1.\2", text)
    return _tablets(text)


def _mg(amount: float) -> str:
    return f"{amount:g} mg"


# A dose said as tablets: "half of a 100 mg tablet" (50), "two 150s" (300), "2 50 mg tablets"
# (100), "medio comprimido de 50 mg" (25).
TABLETS = (
    (re.compile(r"\b(?:half|medio|media|meio|meia)(?: (?:of|de))?(?: (?:a|an|one|the|un|una|um|uma))? "
                r"(?:(?:tablet|tab|pill|comprimido|pastilla|tableta|capsula)s? (?:of |de )?)?(\d+(?:\.\d+)?) ?mg"
                r"(?: (?:tablet|tab|pill|comprimido|pastilla|tableta)s?\b)?"),
     lambda m: _mg(float(m.group(1)) / 2)),
    (re.compile(r"\b([2-4]) (\d{2,4})s\b"), lambda m: _mg(int(m.group(1)) * int(m.group(2)))),
    (re.compile(r"\b([2-4]) (\d+(?:\.\d+)?) ?mg (?:tablets|tabs|pills|capsules|caps|comprimidos|pastillas|tabletas)\b"),
     lambda m: _mg(int(m.group(1)) * float(m.group(2)))),
)


def _tablets(text: str) -> str:
    for pattern, said in TABLETS[:2]:
        text = pattern.sub(said, text)
    return text
