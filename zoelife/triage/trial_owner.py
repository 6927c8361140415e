"""Whether a drug named in a message is a trial of the person the message is about
(`is_own_trial`): not asked about, not the treatment the message asks the clinic for, not
family history, not planned or refused (`not_taken`), and said of the message's patient
(`trial_patient`). Used by `trials`."""

from __future__ import annotations

import re

from zoelife.triage.drug_mentions import SENTENCE_END, Mention
from zoelife.triage.not_taken import LEADS_TO, PAST, planned_or_refused
from zoelife.triage.trial_patient import (
    RELATIVES,
    Patient,
    belongs_to_patient,
    last_match,
    subject_of,
)

_ASKING = re.compile(
    r"\b(?:what about|how about|interested in|curious (?:about|whether|if)|i wonder (?:if|whether)|heard (?:about|of|that)|heard(?=\s*$)|(?<!was )thinking "
    r"(?:about|of)|ask(?:ing)? about|wondering (?:about|if|whether)|would .{0,30}(?:help|work)|"
    r"could .{0,30}(?:help|work)|is .{0,30}an option|me interesa|quisiera saber|"
    r"(?:sirve|funciona) (?:el|la)|podria(?:n)? (?:probar|darme|recetarme)|considering|"
    r"want(?:s|ed)? to (?:try|start|get)|would like to (?:try|start)|instead of|rather than|"
    r"quiero (?:probar|empezar)|worth (?:trying|a try)|should i (?:try|take|ask|do)|can i (?:try|take|get|do|have|use)|"
    r"could i (?:try|take|get|do|have|use)|vale la pena|deberia (?:probar|tomar)|"
    # The clinic asked to give it: "Do you do ketamine infusions?", "can u guys prescribe xanax".
    r"(?:do|can|could|would) (?:you|u|y'?all)(?: guys| all)? (?:do|offer|provide|prescribe|give|have)|"
    r"(?:ofrecen|hacen|recetan|dan) (?:ustedes )?(?:el |la |los |las )?$|"
    # The clinic's service named: "if you prescribe Adderall", "ustedes dan el tratamiento de".
    r"(?:you|u|y'?all|ustedes)(?: guys| all)? (?:prescribe|offer|provide|administer|recetan|ofrecen|dan|aplican|"
    r"hacen)\b|"
    r"candidate for|candidat[oa] (?:para|a)|"
    # Seen advertised: "I saw an ad for Exxua", "vi un anuncio de".
    r"(?:saw|seen|heard|read) (?:an? |the |some |your |their |its )?(?:ad|ads|commercial|advert\w*|article|post|video|tiktok|"
    r"news)\w* (?:for|about|on)|read (?:about|up on)|(?:vi|lei) (?:un|una) (?:anuncio|publicidad|articulo|"
    r"video|nota) (?:de|sobre))\b")

# "would be a good Spravato candidate": a treatment weighed for the person, not received.
_CANDIDATE_AFTER = re.compile(r"^\W*(?:candidate|candidacy|candidat[oa]|eligib\w*|elegible)\b")

# The treatment the person is writing about, named just before it ("calling about ketamine",
# "I'm calling about the Auvelity", "Treatment interest: ketamine", "Para el tratamiento con
# Spravato:"): what they ask the clinic for, not a trial, unless the words after it say it
# was received ("... I had three infusions at a clinic").
_ABOUT = re.compile(
    r"\b(?:(?:calling|call|writing|reaching out|contacting you|inquiring|enquiring|asking|questions?|"
    r"info|information|know|learn|hear more|llamo|llamando|escribo|escribiendo|pregunto|informacion|saber) "
    r"(?:about|regarding|re|on|for|sobre|acerca de|por|del?|do|da)|(?:treatments? (?:of )?interest|"
    r"interest(?:ed)? in|reason for (?:inquiry|call|calling|contact|referral|visit)|"
    r"(?:para|sobre) (?:el|un) tratamiento (?:con|de)|tratamiento de interes|interesad[oa] en|"
    # "a verbal referral for patient Maria Lopez for Spravato", "remitida para".
    r"(?:referral|referred|referring|refer|remitid[oa]|derivad[oa]|adresse) (?:\w+ ){0,5}?(?:for|para|pour))"
    r"\s*:?) (?:the |el |la |o |a |an |your |su |this |that |esta |este )?(?:\w+ )?$")

# Said of a treatment after it, it was received: "I had three infusions", "did six sessions".
_RECEIVED_AFTER = re.compile(
    r"\b(?:had|did|done|received|got|went through|completed|finished|tuve|recibi|hice|fiz|fez|recebi|me (?:hicieron|"
    r"pusieron|dieron)) (?:\w+ ){0,3}(?:infusions?|sessions?|treatments?|rounds?|doses?|courses?|"
    r"sprays?|infusiones|sesiones|tratamientos|dosis|sessoes|infusoes|aplicacoes)\b(?! (?:of|de) (?:tms|ect|therapy|terapia|"
    r"psychotherapy|counseling|talk|dbt|cbt))")

# How a drug went, said right after it in a question: "¿Funciona si el Prozac no me funcionó?",
# "would TMS help if Zoloft didn't work?": the question is about something else.
_HAD_IT = re.compile(
    r"^\W*(?:\w+ ){0,2}?(?:no me (?:funciono|sirvio|ayudo|hizo (?:nada|efecto))|me (?:funciono|sirvio|"
    r"ayudo)|didnt (?:work|help|do)|did not (?:work|help|do)|never (?:worked|helped)|failed|"
    r"made me|nao (?:funcionou|ajudou))\b")

# "Does TMS interact with Adderall? I take 30mg": the next words say it is taken.
_TAKING_NOW = re.compile(r"\b(?:i take|im on|i am on|ive been on|tomo|estoy con|i use|(?:dr|doctor|psychiatrist|"
                         r"\w+) (?:gave|prescribed) me|i have (?:like )?\d+ left|me (?:lo |la )?(?:daba|dio|recetaba))\b")

_FAMILY_HISTORY = re.compile(r"\b(?:family (?:history|hx)|fhx|fh:|antecedentes? familiar(?:es)?|"
                             r"runs in (?:the|my|our) family|hereditar\w+)")


_TAKEN = re.compile(
    r"\b(?:gave me|prescribed me|put me on|had me on|me recetaron|me dio|me dieron|took|taken|take|takes|taking|tried|trying|been on|was on|were on|am on|im on|is on|"
    r"currently on|on it|had|have had|did|done|received|failed|failure|trial|trials|course|"
    r"sessions?|infusions?|treatments?|doses?|dosed|stopped|quit|weaned|tapered|switched|"
    r"tome|tomo|toma|toman|tomaba|tomado|probe|probado|estuve|estoy con|recibi|sesiones|infusiones|"
    r"dejo|deje|me recetaron|me dieron|s/p|hx|history|adequate|x\d|mg|augment\w*)\b")

_RECEIVED = re.compile(
    r"\b(?:had|have had|did|done|received|got|went through|completed|finished|tried|sessions?|"
    r"infusions?|treatments?|rounds?|courses?|doses?|was on|been on|am on|im on|currently|"
    r"program|was in|did the|mg|weeks?|months?|took|used|"
    r"recibi|hice|tuve|sesiones|infusiones|tratamientos|probe|me pusieron|estuve|tome|tomaba|use|"
    # Portuguese: "já fiz 8 sessões de Spravato", "recebi", "tomei".
    r"fiz|fez|recebi|recebeu|tomei|tomou|sessoes|sessao|infusoes|aplicacoes|tratamentos|"
    r"semanas|meses|"
    # A dose and schedule said of it, as a referral writes a course: "Spravato 56mg twice
    # weekly x 4 wks".
    r"wks?|weekly|biweekly|semanal|"
    # A referral's shorthand for a course had: "Hx of IV ketamine x6", "s/p ketamine".
    r"hx of|history of|s/p)\b|\b\d+ ?mg\b|\bx ?\d+\b")

# Ketamine given by a route said before it ("IV ketamine x6", "oral ketamine") is racemic
# ketamine, not the esketamine named beside it; "Spravato and ketamine infusions?" compares them.
_ROUTE = re.compile(r"\b(?:iv|intravenous|im|intramuscular|oral|sublingual|racemic)\W+$")



_LEADS_TO_NEXT = re.compile(r"\s*(?:(?:of|with|de|con|do|da|del)\s+)?(?:(?:the|el|la|o|a)\s+)?")

_NEXT_SUBJECT = re.compile(r"\b(?:i|im|ive|he|hes|she|shes|they|theyre|pt|patient|yo|ella|el)\b[^.;:]{0,30}$")


def _received_after(folded: str, mention: Mention, mentions: list[Mention]) -> bool:
    """A treatment named, then said to have been received, before any other drug is named:
    "calling about ketamine. I had three infusions at a clinic"."""
    later = [m.start for m in mentions if m.start > mention.end]
    end = min(later[0] if later else len(folded), mention.sentence[1] + 200)
    next_end = SENTENCE_END.search(folded, mention.sentence[1])
    if next_end:
        end = min(end, next_end.end())
    received = _RECEIVED_AFTER.search(folded, mention.end, end)
    # "ask about your ketamine program. I did 4 sessions of Spravato": words that lead to the
    # next drug named are that drug's.
    if received and later and later[0] == end and _LEADS_TO_NEXT.fullmatch(folded[received.end():end]):
        return False
    return bool(received)


def is_own_trial(folded: str, mention: Mention, patient: Patient,
                 mentions: list[Mention] | None = None) -> bool:
    """Whether `mention` (one of `mentions`, every drug the message names) is a trial of the
    patient's."""
    mentions = mentions if mentions is not None else [mention]
    s, e = mention.clause
    clause = folded[s:e]
    before = folded[s:mention.start]
    sentence = folded[mention.sentence[0]:mention.sentence[1]]
    if planned_or_refused(folded, mention, mentions):
        return False
    # "stop my Klonopin", "his Zoloft": a medicine someone has is theirs, asked about or not.
    owned = re.search(r"\b(?:my|mi|mis|his|her|su|sus) (?:\w+ )?$", before[-30:])
    received_after = False
    if mention.drug.generic in ("ketamine", "esketamine"):
        # Received: said so in its own words (up to the drugs named beside it), or just after.
        previous = [m.end for m in mentions if m.clause == mention.clause and m.end <= mention.start]
        following = [m.start for m in mentions if m.clause == mention.clause and m.start >= mention.end]
        own_words = folded[previous[-1] if previous else s:following[0] if following else e]
        # "for Spravato she's currently on lamotrigine": a new subject's words lead to the next drug.
        if following:
            own_words = _NEXT_SUBJECT.sub("", own_words)
        received_after = _received_after(folded, mention, mentions)
        if not received_after and not _RECEIVED.search(own_words):
            return False
    if mention.drug.generic == "ketamine" and re.search(r"\b(?:spravato|esketamin[ea])\b", sentence) \
            and not _ROUTE.search(folded[max(s, mention.start - 25):mention.start]):
        return False  # "the nasal spray ketamine thing (Spravato)": one drug, esketamine
    if _CANDIDATE_AFTER.match(folded[mention.end:]):
        return False
    if not owned and not received_after and _ABOUT.search(before[-70:]):
        return False
    had_it = bool(_HAD_IT.search(folded[mention.end:e]))
    # "can u guys prescribe xanax?? my last dr gave me the 0.5s": the words after the question,
    # before any other drug, say it is taken.
    # Words that lead to the next drug ("I'm on Lexapro") are that drug's.
    later = [m.start for m in mentions if m.start > mention.end]
    window_end = min(later[0] if later else len(folded), mention.sentence[1] + 80)
    taken_after = any(not (later and later[0] == window_end and LEADS_TO.fullmatch(folded[t.end():window_end]))
                      for t in _TAKING_NOW.finditer(folded, max(e, mention.end), window_end))
    asking = last_match(_ASKING, before)
    # "can I take Xanax if I'm on Lexapro": the words after the question say Lexapro is taken.
    # "I want to try ketamine because Prozac, Zoloft and Celexa all failed": a reason after the
    # question names what was taken.
    if asking and re.search(r"\b(?:because|since|after|given|porque|ya que|pues|despues de)\b", before[asking.end():]):
        asking = None
    if (asking and not owned and not received_after and not had_it and not PAST.search(before[asking.end():])
            and not _TAKING_NOW.search(before[asking.end():]) and not taken_after):
        return False
    # "Does Spravato work if you already tried a lot?", "will Auvelity help with...": a question
    # whether it works, its own subject; what is said after "if" is the condition, not a trial.
    if (_DOES_IT_BEFORE.search(before) and _DOES_IT_AFTER.match(folded, mention.end)
            and not owned and not received_after and not taken_after):
        return False
    if clause.rstrip().endswith("?") and not owned and not had_it and not _TAKEN.search(clause) and not taken_after:
        return False
    if _FAMILY_HISTORY.search(sentence):
        return False
    # A drug's own words are no person: the "I" of "a bill if I" (Abilify heard as words).
    masked = _without_drug_names(folded, mentions)
    subject = subject_of(masked[s:mention.start]) or subject_of(masked[mention.sentence[0]:mention.start])
    # A relative's pills the writer took: "I've taken a few of my mom's Ativan", "i tried my
    # brothers adderall", "el doctor me dio lo mismo que a mi hermana, el escitalopram".
    if patient.kind == "self" and (_TOOK_THEIRS.search(before[-70:]) or _SAME_AS_THEIRS.search(before[-70:])
                                   or _GAVE_ME_THEIRS.search(before[-70:])
                                   or _MY_OWN.search(before)):
        subject = ("first", "i")
    # "she upped my Lexapro": the writer's own medicine, whoever changed it.
    if patient.kind == "self" and re.search(r"\b(?:my|mi|mis) (?:(?!" + RELATIVES + r"\b)[a-z]+(?<!s) )?$",
                                            before[-30:]):
        subject = ("first", "my")
    if subject and subject[0] == "third" and _prescriber(folded, mention.sentence[0], mention.start):
        return True
    return belongs_to_patient(subject, patient)


_DOES_IT_BEFORE = re.compile(r"(?:^|[.?!;]\s*|\b(?:and|but|so|also|y|pero)\s+)(?:does|do|will|would|can|could|is)\s+"
                             r"(?:the\s+)?$")
_DOES_IT_AFTER = re.compile(r"\W*(?:\w+\s+)?(?:work|help|hurt|cost|interact|treat|last)\b")


_TOOK_THEIRS = re.compile(
    # With the "I" dropped too, as texts do: "Took my grandma's Ativan once".
    r"(?:\b(?:i|ive|id|yo)\b(?: \w+){0,2}? |^\W*)(?:took|take|taken|tried|used|stole|borrowed|swallowed|tome|probe|use)"
    r"(?: (?:a|one|two|three|a few|a couple|some|half|several|\d+)(?: (?:of|pills? of|tablets? of|de))?)?"
    r" (?:my|mi|mis) (?:\w+ )?" + RELATIVES + r"s?(?: \w+)? $")
# Given by a relative or friend from their own pills: "my friend gave me one of her Seroquel",
# "mi hermana me dio una de sus pastillas de Xanax".
_GAVE_ME_THEIRS = re.compile(
    r"\b(?:my|mi) (?:\w+ )?" + RELATIVES + r" (?:gave|handed|slipped|shared|let me (?:try|have|take)|me (?:dio|paso|"
    r"regalo))(?: me)?(?: (?:a|one|two|a few|a couple|some|half|una|uno|unas|unos|\d+)(?: (?:of|pills? of|tablets? of|de|"
    r"pastillas? de))?)? (?:her|his|their|sus?) (?:\w+ )?(?:de )?$")
# "... but my own meds are Lexapro 10", "mis propios medicamentos son": the writer's.
_MY_OWN = re.compile(r"\b(?:my|mi|mis) (?:own|propi[oa]s?) (?:\w+ ){0,2}?(?:meds|medications?|medicines?|"
                     r"prescriptions?|pills|medicamentos?|pastillas|is|are|son|es)\b")
_SAME_AS_THEIRS = re.compile(r"\b(?:me|i)\b(?: \w+){0,3}? (?:lo mismo que|the same (?:\w+ )?(?:as|that)|igual que)"
                             r"(?: a| le)? (?:my|mi) (?:\w+ )?" + RELATIVES + r"s?\b[^.;]{0,25}$")


_PRONOUN_PRESCRIBING = re.compile(r"\b(?:he|she)\s+(?:then\s+|also\s+)?(?:tried|switched|started|added|gave|put|"
                                  r"increased|upped|changed|bumped|moved)\b")
_CLINICIAN_OR_RELATIVE = re.compile(r"\b(?:(?P<clinician>doctor|dr|doc|psychiatrist|pcp|physician|provider|prescriber|"
                                    r"np|nurse practitioner|pediatrician|medico|doctora|psiquiatra|pediatra)|"
                                    + RELATIVES + r")\b")


def _prescriber(folded: str, sentence_start: int, at: int) -> bool:
    """"My doctor started me on sertraline ... Then he tried mirtazapine": a he or she who tries
    or switches a drug, the last person named before being a clinician, is the prescriber."""
    pronoun = last_match(_PRONOUN_PRESCRIBING, folded[sentence_start:at])
    if pronoun is None:
        return False
    named = last_match(_CLINICIAN_OR_RELATIVE, folded[max(0, sentence_start + pronoun.start() - 300):
                                                     sentence_start + pronoun.start()])
    return bool(named and named.group("clinician"))


def _without_drug_names(folded: str, mentions: list[Mention]) -> str:
    out = list(folded)
    for m in mentions:
        out[m.start:m.end] = "x" * (m.end - m.start)
    return "".join(out)

