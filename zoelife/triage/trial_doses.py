"""A drug's daily dose in mg from the words beside it: "sertraline 200", "Zoloft 100 mg",
"pregabalin 150 bid" (300), "upped it to 20", "150 mg of the bupropion". Used by `trials`."""

from __future__ import annotations

import re

from zoelife.triage.trial_numbers import MG, NUMBER, SMALL, in_digits

_DOSE_ANY = re.compile(r"(?<![\w.])" + NUMBER + r" ?" + MG + r"(?![a-z])")

# A number right after the name is its dose ("sertraline 200", "Effexor XR 150").
# "sertralina de 100": Spanish names a tablet's strength with "de"; "upped my Zoloft to 100",
# "me subió la venlafaxina a 225" say the dose it went to.
# A voicemail's fillers and an article may stand between ("Zoloft uh one fifty", "the sertraline
# the fifty", "la sertralina la de cien").
# Its dose said as what it is: "the Wellbutrin dose is 300", "my trazodone is 150 not 100", "el
# Zoloft es de 100".
_DOSE_IS = r"(?:(?:dose\s+)?(?:is|was|es|era)\s+(?:(?:now|only|just|still|like|about|around|ahora|solo)\s+)?)?"
_DOSE_BARE_AFTER = re.compile(r"^\s*(?:xr|xl|er|sr|cr|odt|ir|,)?\s*(?:(?:uh|um|er|the|la|el)\s+){0,2}" + _DOSE_IS +
                              r"(?:(?:de|a|to|hasta)\s+)?" + NUMBER + r"(?!\.?\d)\b(?! ?(?:of\b|dollars|bucks|(?:a|to|or|o|-) ?\d+ ?(?:days?|weeks?|months?|"
                              r"years?|dias?|semanas?|mes(?:es)?|anos?)|days?|"
                              r"weeks?|wks?|months?|mos?|years?|yrs?|dias?|semanas?|sem|mes(?:es)?|"
                              r"anos?|%|am|pm|yo|times|veces|sessions?|sesiones|infusions?|/))")

# A dose said before the drug: "20 mg Lexapro", "150 mg of my Wellbutrin", "I was on 20 of the
# Lexapro", "37.5 of Effexor", "the 150 dose of Wellbutrin", "two 150s of the bupropion" (300),
# "tomaba 50 de sertralina", "100 mg de la sertralina". A number without mg needs "of", "de"
# after it and no possessive ("took 30 of my Xanax" counts pills); one said as a word ("one of
# the Zoloft", "una de sertralina") is a pill, not a dose.
_ARTICLE = r"(?:(?:the|la|el|las|los|a|o)\s+)?"
_POSSESSIVE = r"(?:(?:my|his|her|their|mi|mis|su|sus|meu|minha)\s+)?"
_DOSE_BEFORE = re.compile(r"(\d+(?:\.\d+)?) ?(?:" + MG + r" (?:(?:of|de|del|do|da)\s+)?" + _ARTICLE + _POSSESSIVE +
                          r"|(?:(?:dose|tablets?|tabs?|pills?|capsules?|dosis|pastillas?|comprimidos?|tabletas?)\s+)?"
                          r"(?:of|de|del|do|da)\s+" + _ARTICLE + r")$")
_PILL_COUNT_BEFORE = re.compile(r"\b(?:one|uno|una|um|uma) (?:of|de|del|do|da) " + _ARTICLE + r"$")

# "upped my Trintellix from 10 to 20", "me subió la sertralina de 50 a 100": the dose it went to;
# not "de 2 a 3 meses", "from 9 to 5" o'clock.
_FROM_TO = re.compile(r"\b(?:from|de) \d+(?:\.\d+)? ?(?:" + MG + r" )?(?:to|a|hasta) (\d+(?:\.\d+)?)\b"
                      r"(?! ?(?:" + MG + r"\b)?\s?(?:days?|weeks?|months?|years?|dias?|semanas?|mes(?:es)?|anos?|"
                      r"hours?|horas?|times|veces|am|pm|oclock|de la|in the|%))")

# How many times a day a dose is taken: the daily dose is what a payer asks for ("pregabalin
# 150 bid" is 300 mg a day, "buspirona 10 mg dos veces al día" 20).
_TIMES_A_DAY = (
    (2, r"bid|b\.i\.d\.?|twice (?:a |per |each )?day|twice daily|2 ?x ?(?:a |per )?day|2 ?times (?:a |per )?day|"
        r"2 ?times daily|two times (?:a |per )?day|two times daily|dos veces (?:al|por|a|en el) dia|"
        r"2 veces (?:al|por|a) dia|duas vezes (?:ao|por) dia|cada 12 horas"),
    (3, r"tid|t\.i\.d\.?|3 ?x ?(?:a |per )?day|3 ?times (?:a |per )?day|3 ?times daily|three times (?:a |per )?day|"
        r"three times daily|tres veces (?:al|por|a) dia|3 veces (?:al|por|a) dia|tres vezes (?:ao|por) dia|"
        r"cada 8 horas"),
    (4, r"qid|q\.i\.d\.?|4 ?times (?:a |per )?day|four times (?:a |per )?day|cuatro veces al dia"),
)
_DOSE_TIMES = re.compile(NUMBER + r" ?(?:" + MG + r")?(?: (?:po|orally|by mouth|tabs?|tablets?|pills?))? "
                         r"(?:" + "|".join(f"(?P<x{n}>{words})" for n, words in _TIMES_A_DAY) + r")\b")

_DOSE_WORDS = re.compile(r"\b(one|two|three|four|five|six|seven|eight|nine|ten|dos|tres|cuatro|cinco|"
                         r"seis|siete|ocho|nueve|diez|dois|duas|quatro) " + MG + r"(?![a-z])")

# "10 → 20", "75 -> 150 -> 225", "upped it to 20", "(max 200)": the dose it went to.
_RAISED_TO = re.compile(r"(?:\b(?:up to|went up to|(?:increased|raised|upped|bumped) (?:it |him |her |me )?(?:up )?to|"
                        r"titrated to|then|luego|subi a|subieron a|aumentaron a|hasta|max|maximum)|→|->|=>) ?"
                        r"(\d+(?:\.\d+)?)\b")


def _plausible(number: float) -> bool:
    """A bare number that can be a daily dose in mg (Depakote 1500, gabapentin 3600), not a year."""
    return 0 < number <= 4000 and not (1950 <= number <= 2039 and number == int(number))


def dose_said(scope: str, before: str) -> float | None:
    digits = in_digits(scope)
    bare = _DOSE_BARE_AFTER.search(digits)
    if bare and re.match(r"\W*once\b(?! (?:mg|miligramos?)\b)", scope):
        bare = None  # English "once" ("Ativan once"), not Spanish eleven
    found = [float(x) for x in _DOSE_ANY.findall(digits)]
    found += [float(SMALL[x]) for x in _DOSE_WORDS.findall(digits)]
    for m in _DOSE_TIMES.finditer(digits, 0, 40):
        if m.start() > 25:
            break  # only the drug's own dose, said right after it
        times = next(int(k[1:]) for k, v in m.groupdict().items() if k.startswith("x") and v)
        found.append(float(m.group(1)) * times)
    found += [float(x) for x in _RAISED_TO.findall(digits) if _plausible(float(x))]
    found += [float(x) for x in _FROM_TO.findall(digits, 0, 40) if _plausible(float(x))]
    if bare and _plausible(float(bare.group(1))):
        found.append(float(bare.group(1)))
    if not found:
        m = _DOSE_BEFORE.search(in_digits(before))
        if m is None or not _plausible(float(m.group(1))) or _PILL_COUNT_BEFORE.search(before):
            return None
        return float(m.group(1))
    return max(found)
