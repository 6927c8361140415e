"""Why a drug was taken, for the drugs that are trials only for a psychiatric reason
(gabapentin, pregabalin, clonidine, pramipexole; hydroxyzine when its own words say so).
Used by `trials`."""

from __future__ import annotations

import re

# Gabapentin, pregabalin, clonidine and pramipexole are trials only when taken for a psychiatric
# reason ("for anxiety", "for ADHD", to augment an antidepressant), not for pain, fibromyalgia,
# seizures, restless legs or blood pressure, nor with no reason given.
FOR_MIND = re.compile(r"\b(?:anxiety|anxious|panic|mood|depress\w*|bipolar|ptsd|ocd|insomnia|sleep|"
                       r"alcohol|agitation|ansiedad|ansiedade|panico|animo|depresion|depressao|"
                       r"insomnio|insonia|dormir|humor|adhd|tdah|attention|focus|"
                       # Given beside an antidepressant: "Augment w/ pramipexole".
                       r"augment\w*|adjunct\w*|potencia\w*)\b")

# A bodily reason said of it first wins: "gabapentin 600 for nerve pain, prazosin for
# nightmares, and hydroxyzine when I'm anxious" is gabapentin for pain.
FOR_BODY = re.compile(r"\b(?:pain|nerve|neuropath\w*|seizures?|epilep\w*|migraines?|headaches?|"
                       r"blood pressure|hypertension|bp|fibro\w*|shingles|restless legs|rls|"
                       r"parkinson\w*|piernas inquietas|hot flash\w*|"
                       r"back|surgery|sciatica|diabet\w*|dolor|convulsion\w*|presion|neuropatia|"
                       r"cirugia|espalda)\b")


# Hydroxyzine's reason said in its own words, from the name to the next drug, "and" or the
# sentence's end: "25 prn for anxiety", "as needed for anxiety", "PRN anxiety", "para la
# ansiedad", "prescribed it for anxiety"; not "when I'm anxious", nor "hydroxyzine prn and
# propranolol for performance anxiety" (the reason is the propranolol's).
_SAID_FOR_MIND = re.compile(r"\b(?:for|para|pra|pour|per|prn|as needed|when needed|si es necesario)\W+"
                            r"(?:\w+\W+){0,2}?(?:anxiety|panic|ptsd|insomnia|sleep|agitation|nerves|"
                            r"ansiedad|ansiedade|angustia|panico|insomnio|insonia|dormir|nervios|anxiete|ansia|"
                            r"[ld]?angoisse)\b"
                            # When an attack of it comes, said as a noun: "when she has panic
                            # attacks", "quand elle a des crises d'angoisse", "cuando le dan
                            # ataques de pánico"; not "when I'm anxious" (a mood, not a reason). French elisions
                            # are folded into the word ("d'angoisse": "dangoisse").
                            r"|\b(?:when|whenever|quand|lorsque|cuando|quando|en cas de)\W+(?:\w+\W+){0,4}?"
                            r"(?:panic|anxiety|ansiedad|angustia|[ld]?angoisse|panique|panico|ansiedade)\W+"
                            r"(?:attacks?|episodes?)?|\b(?:crises?|ataques?|crisis|attaques?) (?:de )?"
                            r"(?:dangoisse|dpanique|depanique|angoisse|panique|panico|ansiedad|angustia)\b")
_OWN_WORDS_END = re.compile(r"\s(?:and|y|e|plus|\+)\s|[.;!?\n]")


def indication_said(scope: str) -> bool:
    end = _OWN_WORDS_END.search(scope)
    return bool(_SAID_FOR_MIND.search(scope[:end.start() if end else len(scope)]))
