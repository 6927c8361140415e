"""How long a drug was taken, from the words after it or its clause: "for 3 months", "x12wk",
"durante seis meses", "started 5 weeks ago", "each for at least eight weeks". Used by `trials`."""

from __future__ import annotations

import re

from zoelife.triage.trial_numbers import number_value
from zoelife.triage.trial_patient import RELATIVES

_DURATION = re.compile(
    # "hace un año" is a time ago, "desde hace un año" how long ("since a year ago").
    # An age is no duration: "tiene 70 años", "tengo 24 años", "ha 45 anni".
    r"(?<!tiene )(?<!tengo )(?<!tenia )(?<!cumple )(?<!cumplio )(?<!edad de )"
    r"(?<!(?<!desde )hace )(?<!(?<!desde )hace unos )(?<!(?<!desde )hace como )(?:(?<=x)|\b)(\d+(?:\.\d+)?|a|an|one|two|three|four|five|six|"
    r"seven|eight|nine|ten|eleven|twelve|un|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|"
    r"once|doce|couple of|few|dois|duas|quatro)(?: and a half)? ?(?:-| )?(days?|weeks?|wks?|wk|months?|mos?|mths?|"
    r"years?|yrs?|(?<=\d)y|(?<=\d )y(?=\s*[,.;)/-])|w(?!/)|dias?|semanas?|sems?|mes(?:es)?|anos?|jours?|semaines?|mois|ans|annees|"
    r"(?<=\bun )an|wochen?|monate?n?|jahre?n?|tage?n?|settimane?|mes[ei]|anni|anno|giorni|giorno)\b(?P<half> and a half| y medio)?"
    r"(?![ -](?:ago|old)\b|-old)")

# "a day", "once a week", "900 a day", "three times a day": how often, not how long.
_HOW_OFTEN = re.compile(r"(?:\d|\dx|mg|mgs|milligrams?|miligramos?|miligramas?|times|once|twice|veces|vezes|pills?|tablets?|tabs?|doses?|"
                        r"hundred|thousand|daily|puffs?)\W*$")

_UNIT_WEEKS = (("d", 1 / 7), ("ja", 52.0), ("j", 1 / 7), ("w", 1.0), ("mo", 4.33), ("mt", 4.33), ("me", 4.33), ("y", 52.0),
               ("a", 52.0), ("s", 1.0), ("t", 1 / 7), ("g", 1 / 7))


def weeks_of(match: re.Match[str]) -> int:
    amount = number_value(match.group(1))
    if "and a half" in match.group(0) or match.group("half"):
        amount += 0.5
    unit = match.group(2)
    for prefix, factor in _UNIT_WEEKS:
        if unit.startswith(prefix):
            return max(round(amount * factor), 1 if prefix in ("d", "j") else 0)
    return round(amount)


# A person's age said after them: "mi hija de 15 años", "meu filho de 12 anos".
_AGE_OF = re.compile(r"\b(?:" + RELATIVES + r"|nin[oa]|chic[oa]|adolescente|paciente|menina|menino|crianca|"
                     r"joven|jovem)s? de $")


def duration_said(text: str) -> re.Match[str] | None:
    """The first length of time in `text` that is not how often ("a day", "once a week")."""
    for m in _DURATION.finditer(text):
        if (m.group(1) in ("a", "an", "un", "una") and re.match(r"d|w|n|s", m.group(2))
                and _HOW_OFTEN.search(text[:m.start()])):
            continue
        if m.group(1) == "once" and re.match(r" ?(?:a|per|an) ", text[m.end(1):]):
            continue
        if _AGE_OF.search(text[max(0, m.start() - 30):m.start()]) and m.group(2)[:1] in ("y", "a"):
            continue
        return m
    return None


# A start said as a time ago, the drug taken since: "Remeron 15 added 6 weeks ago", "(started
# 5 weeks ago)", "tomo Zoloft hace un mes", "hace 6 meses empecé con escitalopram". Not "I took
# it a year ago", "lo dejé hace un año": a time ago with no start is when, not how long.
_STARTED_AGO = re.compile(
    r"\b(?:started|added|began|begun|put (?:me|him|her|them) on|switched (?:me |him |her )?(?:to|over))\b"
    r"(?P<en>[^.;:()]{0,50}?) ago\b|"
    r"\bhace (?P<es>[^.;:]{1,20}?) (?:que )?(?:empece|empezo|comence|comenzo|inicie|inicio|"
    r"(?:me|le) (?:recetaron|dieron|pusieron|agregaron|empezaron))\b|"
    r"\b(?:tomo|toma|estoy tomando|esta tomando|llevo tomando)\b[^.;:]{0,40}?\bhace (?P<now>[^.;:]{1,20})")


def started_ago(text: str) -> re.Match[str] | None:
    for m in _STARTED_AGO.finditer(text):
        said = duration_said(m.group("en") or m.group("es") or m.group("now") or "")
        if said is not None:
            return said
    return None


# One length said for a list: "failed Lexapro, Zoloft and Cymbalta, each for at least eight
# weeks", "cada uno por más de ocho semanas", "both for about a year".
EACH_FOR = re.compile(r"\b(?:each|each one|all|both|cada uno|cada una|todos|todas|ambos|ambas)\b(?: of them)?"
                       r"[\s,]*(?:(?:tried|taken|given|trialed|probad[oa]s?|tomad[oa]s?) )?(?:for|por|x|durante)\s+"
                       r"(?:at least |more than |over |about |around |mas de |al menos |por lo menos |unos |unas )?")
