"""Drugs a message takes back: a name corrected to the next one ("I wrote Paxil but I meant
Prozac", "Lexapro, not Lamictal") or said never taken anywhere in the message. Used by
`trials`."""

from __future__ import annotations

import re

from zoelife.triage.drug_mentions import Mention
from zoelife.triage.trial_patient import RELATIVES

_SORRY = r"(?:sorry|wait|oops|perdon|perdona|espera|desculpa|desculpe|perai|no|nao|actually)"

# A name taken back for the next one: "I wrote Paxil but I meant Prozac", "Zoloft, sorry, I mean
# Lexapro", "puse Paxil, quise decir Prozac", "Celexa, no, mejor dicho Lexapro".
_CORRECTED = re.compile(
    r"\W*(?:(?:earlier|before|above|there|antes|arriba)\W+)?(?:(?:but|pero|no|sorry|oops|perdon|perdona|or|o|"
    r"wait|espera)\W+)*(?:i |yo )?(?:meant|mean|"
    r"quise decir|quiero decir|digo|rather|mejor dicho|scratch that|correction|correccion)\W+"
    r"(?:(?:it was|it is|its|was|fue|era|es|the|el|la|to say|to write)\W+)*"
    # "Tried Zoloft. Wait, no, it was Paxil", "Celexa, perdón, era Lexapro".
    r"|\W*(?:(?:wait|sorry|oops|perdon|perdona|no|nope|actually|espera|correction)\W+)+(?:it was|it is|its|"
    r"it was actually|era|fue|es)\W+(?:the |el |la )?"
    # "la fluoxetina... no, perdón, la sertralina", "Zoloft, sorry, no, Lexapro".
    r"|\W*(?:no\W+(?:perdon|perdona|sorry|wait|espera|digo)|(?:perdon|perdona|sorry|wait|espera)\W+no)\W+"
    r"(?:the |el |la |los |las )?"
    # A run of such words: "Effexor - no wait, sorry, Pristiq", "Paxil, no, espera, perdón, Prozac",
    # Portuguese "Zoloft, não, desculpa, Lexapro".
    r"|\W*(?:(?:" + _SORRY + r")\W+)*(?:(?:no|nao)\W+(?:" + _SORRY + r")|(?:" + _SORRY + r")\W+(?:no|nao))\W+"
    r"(?:(?:" + _SORRY + r"|i mean|quise decir|quer dizer|digo)\W+)*(?:the |el |la |los |las |o |a )?")

# The same said after the drug's own words: "celexa for 3 months—actually no it was lexapro".
_CORRECTED_AFTER_WORDS = re.compile(
    r"[^.!?\n]{1,40}?[^\w\s]\s*(?:actually\W+no|no\W+wait|wait\W+no|sorry\W+no|no\W+perdon|perdon\W+no|"
    r"no\W+sorry)\W+(?:it was|it is|its|era|fue|es)\W+(?:the |el |la )?")

# A name the writer says they wrote or said, then a mix-up between it and the next name: "I
# put down Celexa on the form but I was thinking of Lexapro", "dije que tomé Paxil pero me
# confundí, era Prozac", "X but it was actually Y".
_SAID_BEFORE = re.compile(
    r"\b(?:i (?:said|wrote|put(?: down)?|listed|mentioned|told you|typed|entered|marked)|(?:dije|puse|escribi|"
    r"anote|mencione|marque))\b[^.?!]{0,40}$")
_MIX_UP = re.compile(r"\b(?:actually|en realidad|realmente|thinking of|pensando en|confundi|equivoque|wrong|"
                     r"mixed (?:\w+ )?up|mistaken|mistake|error)\b")
_ACTUALLY = re.compile(r"\W*(?:but|pero)\W+(?:it was|it is|its|was|fue|era) (?:actually|really|en realidad)\W+"
                       r"(?:the |el |la )?")

# A name heard, then the one the writer settles on: "the pristine, I think it's called
# Pristiq", "creo que se llama".
_CALLED = re.compile(r"\W*(?:(?:i )?(?:think|guess|believe)\W+)?(?:its|it is) (?:actually )?called\W+"
                     r"|\W*(?:creo que |o sea )?se llama\W+")

# Asked to be left off the list: "please don't list Vraylar as a trial", "quiten el Paxil de
# la lista"; unless the same sentence says it was stopped (an update of current medicines).
_LEAVE_OFF = re.compile(
    r"\b(?<!dont )(?<!do not )(?<!please dont )(?:remove|delete|take off|cross off|strike|scratch|disregard|ignore|"
    r"(?:dont|do not) (?:list|count|include|put(?: down)?|add)|olviden|ignoren|"
    r"(?:quiten|quitar|borren|borrar|eliminen|eliminar|tachen|no (?:pongan|incluyan|cuenten|anoten))"
    r")\W+(?:the |el |la |my |mi )?$")
_STOPPED = re.compile(r"\b(?:stopped|quit|no longer|discontinued|came off|tapered|deje|dejo|suspend\w*|ya no)\b")

# Said never taken right after the name: "the Effexor I never took", "El Effexor nunca lo tomé".
_NEVER_AFTER = re.compile(
    r"^\W*(?:(?:i|that i|which i|yo) )?(?:never|nunca) (?:(?:lo|la|los|las) )?(?:actually |really |even )?"
    r"(?:took|taken|tried|tome|probe|use|used|started|empece)\b")

# Said right after the name to be someone else's: "the Abilify, that was my husband's",
# "el litio es de mi mamá".
_THEIRS_AFTER = re.compile(
    r"^\W*(?:(?:that|this|it|that one|which|eso|ese|esa|ese era|lo|que)\W+)?(?:was|is|were|es|era|fue)\W+"
    r"(?:(?:actually|really|en realidad)\W+)?(?:my|mi|de mi|for my|para mi) " + RELATIVES + r"(?:s|es)?\b(?!\W+(?:too|also|tambien))"
    # "Xanax was my mom's but I took it": the writer took it all the same.
    r"(?![^.;!?]{0,30}\b(?:but|pero) (?:i|yo|me)\b)")

# The name denied at the start of its sentence or after a mix-up said before it: "Not Prozac,
# it was Paxil", "Me equivoqué: no era Rexulti, era Abilify".
_DENIED_BEFORE = re.compile(
    r"(?:^|[:;,\u2014-]|\b(?:sorry|perdon|oops|me equivoque|me confundi|correction|correccion|actually))"
    r"\W*(?:not|no|it wasnt|wasnt|no fue|no era)\W*$")

# "Lexapro, not Lamictal", "Zoloft y no Paxil": the drug after "not" is the one taken back.
_NOT_THIS = re.compile(r"\W*(?:and |y )?(?:not|no|instead of|en vez de|en lugar de)\W+(?:the |el |la )?")

# Not had yet, right before the name: "I haven't done ketamine", "haven't tried Auvelity yet";
# not a pause ("I haven't taken Lexapro since March", "... in two days").
_NOT_YET = re.compile(r"\b(?:havent|have not|hasnt|has not) (?:ever |yet |actually )?(?:done|tried|taken|had|been on|"
                      r"used)\W+(?:the |any )?$")
_A_PAUSE_AFTER = re.compile(r"^\W*(?:since|in|for|today|tonight|lately|recently|anymore|any more|this|that|"
                            r"the last|\d)\b")

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
        if (_CORRECTED.fullmatch(gap) or _ACTUALLY.fullmatch(gap) or _CALLED.fullmatch(gap)
                or (a.sentence == b.sentence and _CORRECTED_AFTER_WORDS.fullmatch(gap))):
            out.add(a.drug.generic)
        elif _MIX_UP.search(gap) and _SAID_BEFORE.search(folded[max(a.sentence[0], a.start - 60):a.start]):
            out.add(a.drug.generic)
        elif a.sentence == b.sentence and _NOT_THIS.fullmatch(gap):
            out.add(b.drug.generic)
        elif (a.sentence == b.sentence and _DENIED_BEFORE.search(folded[a.sentence[0]:a.start])
              and re.fullmatch(r"\W*(?:it was|but|sino|era|fue)\W+(?:the |el |la )?", gap)):
            out.add(a.drug.generic)  # "Not Prozac, it was Paxil", "No fue Prozac, fue Paxil"
    for m in mentions:
        if (_NEVER_TAKEN.search(folded[max(m.sentence[0], m.start - 40):m.start])
                or _NEVER_AFTER.match(folded[m.end:m.end + 40])
                or (_NOT_YET.search(folded[max(m.sentence[0], m.start - 40):m.start])
                    and not _A_PAUSE_AFTER.match(folded[m.end:m.end + 20]))):
            out.add(m.drug.generic)
        elif _THEIRS_AFTER.match(folded[m.end:m.end + 40]):
            out.add(m.drug.generic)
        elif (_LEAVE_OFF.search(folded[max(m.sentence[0], m.start - 40):m.start])
              and not _STOPPED.search(folded, *m.sentence)):
            out.add(m.drug.generic)
    return out
