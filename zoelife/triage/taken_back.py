"""Drugs a message takes back: a name corrected to the next one ("I wrote Paxil but I meant
Prozac", "Lexapro, not Lamictal") or said never taken anywhere in the message. Used by
`trials`."""

from __future__ import annotations

import re

from zoelife.triage.drug_mentions import Mention

# A name taken back for the next one: "I wrote Paxil but I meant Prozac", "Zoloft, sorry, I mean
# Lexapro", "puse Paxil, quise decir Prozac", "Celexa, no, mejor dicho Lexapro".
_CORRECTED = re.compile(
    r"\W*(?:(?:earlier|before|above|there|antes|arriba)\W+)?(?:(?:but|pero|no|sorry|oops|perdon|perdona|or|o|"
    r"wait|espera)\W+)*(?:i |yo )?(?:meant|mean|"
    r"quise decir|quiero decir|digo|rather|mejor dicho|scratch that|correction|correccion)\W+"
    r"(?:(?:it was|it is|its|was|fue|era|es|the|el|la|to say|to write)\W+)*"
    # "Tried Zoloft. Wait, no, it was Paxil", "Celexa, perdón, era Lexapro".
    r"|\W*(?:(?:wait|sorry|oops|perdon|perdona|no|nope|actually|espera|correction)\W+)+(?:it was|it is|its|"
    r"it was actually|era|fue|es)\W+(?:the |el |la )?")

# "Lexapro, not Lamictal", "Zoloft y no Paxil": the drug after "not" is the one taken back.
_NOT_THIS = re.compile(r"\W*(?:and |y )?(?:not|no|instead of|en vez de|en lugar de)\W+(?:the |el |la )?")

# Said outright never to have been taken, anywhere in the message: "I've never taken Paxil".
_NEVER_TAKEN = re.compile(
    r"\b(?:(?:i|ive|i have|he|she|hes|shes|has|have) )?never (?:actually |really )?(?:taken|took|tried|been on|"
    r"used|had)\W+$|\bnunca (?:he |ha )?(?:tomado|tome|tomo|probado|probe|probo|estado con|estuve con)\W+(?:el |la )?$")


def disowned(folded: str, mentions: list[Mention]) -> set[str]:
    """Drugs the message takes back: a name corrected to another, or said never taken. Every
    place such a drug is named is then no trial."""
    out = set()
    for a, b in zip(mentions, mentions[1:], strict=False):
        gap = folded[a.end:b.start]
        if a.drug == b.drug or len(gap) > 60:
            continue
        if _CORRECTED.fullmatch(gap):
            out.add(a.drug.generic)
        elif a.sentence == b.sentence and _NOT_THIS.fullmatch(gap):
            out.add(b.drug.generic)
        elif (a.sentence == b.sentence and re.fullmatch(r"\W*(?:not|no|it wasnt|wasnt|no fue|no era)\W*",
                                                          folded[a.sentence[0]:a.start])
              and re.fullmatch(r"\W*(?:it was|but|sino|era|fue)\W+(?:the |el |la )?", gap)):
            out.add(a.drug.generic)  # "Not Prozac, it was Paxil", "No fue Prozac, fue Paxil"
    for m in mentions:
        if _NEVER_TAKEN.search(folded[max(m.sentence[0], m.start - 40):m.start]):
            out.add(m.drug.generic)
    return out
