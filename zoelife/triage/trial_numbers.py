"""Numbers as the trial readers read them: written in words ("fifty milligrams", "tres meses")
as digits (text2num), doses said as tablets ("two 150s"), lengths of time in Russian and Chinese
said the English way. Used by `trial_doses`, `trial_durations` and `psychotherapy`."""

from __future__ import annotations

import re
from functools import cache

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


# Lengths of time in the other languages read by meaning, from each file's own number and unit
# words (data/languages/<code>.toml, [context.numbers], and [context.units] in months), said the
# English way: Tagalog "tatlong buwan" is "3 months", Vietnamese "3 tháng" (folded "3 thang")
# "3 months", Haitian Creole "6 semèn" "6 weeks" and "de mwa" "2 months". A language's numbers
# only with its own units; languages whose units are written in Latin letters (Russian and
# Chinese are read above). Not two ordinary English words ("set an" is no Haitian "seven years").
_UNIT_NAMES = ((0.1, "days"), (0.5, "weeks"), (6.0, "months"), (float("inf"), "years"))


@cache
def _language_lengths() -> tuple[tuple[re.Pattern[str], dict[str, float], dict[str, str]], ...]:
    from zoelife.triage.languages import LANGUAGES

    found = []
    for language in LANGUAGES.values():
        numbers = {k: float(v) for k, v in language.context.get("numbers", {}).items()}
        units = {k: next(name for upto, name in _UNIT_NAMES if float(v) < upto)
                 for k, v in language.context.get("units", {}).items()}
        if language.by_character or not units or not all(u.isascii() for u in units):
            continue
        number = "|".join([r"\d+(?:\.\d+)?", *(re.escape(n) for n in sorted(numbers, key=len, reverse=True))])
        unit = "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True))
        found.append((re.compile(r"(?<![\w.])(" + number + r") (" + unit + r")\b"), numbers, units))
    return tuple(found)


def _english(word: str) -> bool:
    from . import lexicon as simplemma  # read in place (lexicon.py)

    return simplemma.is_known(word, lang=("en",))


def _language_units(text: str) -> str:
    for pattern, numbers, units in _language_lengths():
        def said(m: re.Match[str], numbers=numbers, units=units) -> str:
            amount, unit = m.group(1), m.group(2)
            if amount in numbers and _english(amount) and _english(unit):
                return m.group(0)
            return (f"{numbers[amount]:g}" if amount in numbers else amount) + " " + units[unit]

        text = pattern.sub(said, text)
    return text


def in_digits(text: str) -> str:
    """Numbers written in words as digits, in both languages, lengths unchanged where possible
    (only the dose and duration windows are read from this copy)."""
    from text_to_num import alpha2digit

    text = _language_units(_other_script_units(text))
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
    # A decimal comma after a naught needs no mg ("Rivotril 0,5 por la noche"): "0,5" is no list
    # nor thousands.
    text = re.sub(r"(?<![\d.,])0,(\d{1,3})(?![\d,])", r"0.\1", text)
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
    # The count in words too: "two 150s of the bupropion".
    (re.compile(r"\b([2-4]|two|three|four) (\d{2,4})s\b"),
     lambda m: _mg(int(SMALL.get(m.group(1), m.group(1))) * int(m.group(2)))),
    (re.compile(r"\b([2-4]) (\d+(?:\.\d+)?) ?mg (?:tablets|tabs|pills|capsules|caps|comprimidos|pastillas|tabletas)\b"),
     lambda m: _mg(int(m.group(1)) * float(m.group(2)))),
)


def _tablets(text: str) -> str:
    for pattern, said in TABLETS[:2]:
        text = pattern.sub(said, text)
    return text
