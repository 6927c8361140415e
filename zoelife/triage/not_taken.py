"""Drugs named but not taken: planned, offered, refused, never started or filled, set aside,
waited on from the payer, or to start on a later day (`planned_or_refused`); a cue is about the
drug or list of drugs it leads to, or else the one named last before it. Used by `trial_owner`."""

from __future__ import annotations

import re

from zoelife.triage.drug_mentions import SENTENCE_END, Mention

PAST = re.compile(r"\b(?:took|taken|tried|was on|been on|failed|had|done|received|stopped|quit|discontinued|"
                   r"put me on|gave me|started me on|tome|tomo|tomaba|dejo|deje|"
                   r"probe|probo|estuve|estuvo|recibi|recibio|using|used|usaba|use)\b")

# A plan's imperative at the start of a clause: "Start bupropion XL 150", "Iniciar sertralina".
# A clinician's sentence opening with a weighing: "Considered lithium augmentation and
# brexpiprazole; pt declined both", "Discussed Auvelity".
_PLAN_START = re.compile(r"^\W*(?:plan:?\s*)?(?:start|begin|initiate|add|trial of|iniciar|"
                         r"comenzar|agregar|anadir|considered|discussed|se considero|se discutio)\b")

_PLANNED = re.compile(
    r"\b(?:about to start|going to start|gonna start|will start|start(?:ing)? (?:next|tomorrow|"
    r"on monday|soon)|"
    r"(?:wants?|wanted|would like|plans?|planning|going|thinking of|talked about|talking about|"
    r"(?:says|said|thinks|mentioned) (?:maybe|we could|we might|we should|i could|i might|i should)|"
    r"maybe|might|may|could|should) (?:to )?(?:add(?! (?:that|i|im|ive|id|one|this|also|something|my|"
    r"to (?:my|this|that) (?:message|email|call|voicemail))\b)|adding|augment with|switch(?:ing)? (?:me )?to|"
    r"put(?:ting)? me on)|"
    r"(?:me )?(?:quiere|queria)(?:n)? (?:dar|recetar|poner|agregar|anadir|cambiar a|probar(?: con)?|intentar(?: con)?)|"
    r"(?:wants?|wanted) to try(?: me on)?|"
    r"(?:quiere|quieren|va|van) a (?:agregar|anadir|poner|recetar|cambiar)|"
    r"(?:start|starting|try|trying) (?:\w+ ){0,2}(?:on )?(?:next|tomorrow|soon|monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday|this week|el lunes|manana|la proxima)|"
    # A start to come said further on in the clause: "I'm starting Spravato at another clinic
    # next month", "empiezo Trintellix con otro médico el mes que viene".
    r"(?:(?:im|i am|were|we are|hes|he is|shes|she is|theyre|they are) (?:starting|beginning|going to start)|"
    r"(?:empiezo|empieza|comienzo|comienza|comeco|comeca|vou comecar|vai comecar))\b(?=[^.,;!?]{0,50}?\b(?:next "
    r"(?:week|month|year)|tomorrow|in (?:a|two|three|\d+) (?:days|weeks|months)|el (?:mes|ano) que viene|"
    r"la (?:semana|mes) que viene|(?:el|la) proxim[oa] (?:semana|mes)|(?:semana|mes) que vem|proxim[oa] (?:semana|mes))\b)|"
    # Sent to someone else about starting it: "wants me to see someone about starting Caplyta".
    r"(?:see|talk(?: to| with)?|ask|consult|speak(?: to| with)?|habl(?:ar|e|emos)(?: con)?|consult(?:ar|e)(?: con)?|ver a|fal(?:ar|e)(?: com)?)"
    r" (?:\w+ ){0,3}?(?:about|regarding|re|sobre|acerca de) (?:starting|trying|adding|switching to|getting on|empezar|"
    r"comenzar|iniciar|probar|comecar|experimentar)|"
    # Portuguese: "quer que eu comece sertralina", "ainda não tomou", "nunca tomei".
    r"quer(?:em)? que (?:eu |ele |ela )?(?:comece|tome|experimente|inicie)|(?:ainda )?nao (?:a |o )?"
    r"(?:comecou|comecei|tomou|tomei|iniciou|experimentou)(?! (?:mais|de novo|outra vez))|"
    # "took one pill and never took it again" is a stop, not a drug never taken.
    r"never (?:\w+ )?(?:filled|picked (?:it |them )?up|started|took|taken|opened|used|tried)"
    r"(?! (?:it |them |that |one |any )?(?:again|anymore|any more|after)\b)|"
    r"never (?:been|was|were) (?:on|prescribed|given|tried on)|nunca (?:he estado|estuve) (?:con|en)|"
    # A clinician's note: "Avoid lithium given renal fn", "Lamotrigine discussed, not started".
    r"avoid(?:ing)?|not (?:yet )?(?:started|initiated|begun|filled|tried|given|received)|no (?:iniciad[oa]|empezad[oa])|"
    r"(?:estoy|estaba|esta) por (?:empezar|comenzar|iniciar|tomar)|"
    r"quiere(?:n)? que (?:empiece|comience|inicie|tome|pruebe)|(?:me|le|nos) quiere(?:n)? (?:empezar|comenzar|iniciar|poner)|"
    r"(?:didnt|did not) (?:fill|start|pick (?:it |them )?up|open)|nunca (?:lo |la )?(?:compre|empece|tome|probe|use|abri|"
    r"compro|empezo|probo|uso|abrio)|"
    r"no (?:me )?(?:lo|la|los|las) (?:tome|tomo|compre|empece|probe|surti)|"
    r"no (?:la |lo |las |los |me (?:la|lo) )?(?:he|e|ha|hemos) (?:empezado|comenzado|iniciado|tomado|surtido|"
    r"comprado|recogido|"
    r"probado)|"
    r"todavia no (?:empezo|empece|empieza)|aun no (?:la |lo )?(?:ha empezado|empezo|empece)|"
    r"want(?:s|ed)? (?:me|him|her|them|us) to (?:start|try|take)|"
    r"(?:wants?|wanted|would like|plans?|planning|going|is going|thinking of) to (?:start|put|try|switch) "
    r"(?:me|him|her|them|us) (?:on|to|with)|"
    # Booked, not received: "my first Spravato session is scheduled for", "had it scheduled but
    # cancelled", "tenía agendada la primera sesión ... pero la cancelé".
    r"first (?:\w+ ){1,3}(?:is |was )?(?:scheduled|booked)|primera (?:\w+ ){1,3}(?:esta |estaba )?"
    r"(?:programada|agendada|reservada)|(?:scheduled|booked|programad[oa]|agendad[oa])\b[^.;!?]{0,40}"
    r"\b(?:but|pero) (?:i |we |she |he |they |(?:la |lo )?)?(?:cancel\w*|called (?:it )?off|postponed|pospuse|"
    r"no (?:fui|asisti))|(?:offered|suggested|recommended|mentioned|discussed)\b(?: me)?(?!.*"
    r"(?:took|tried|was on|been on|taking))|supposed to start|"
    r"(?:just |was )?prescribed .{0,40}(?:havent|have not|not yet)|"
    r"(?:havent|have not|hasnt|has not) (?:yet )?(?:started|taken|tried|filled|picked up|opened|picked (?:it|them) up)|"
    # Only raised, not decided: "brought up X but we haven't decided".
    r"brought up\b(?!.*(?:took|tried|was on|been on|taking))|"
    r"(?:havent|have not|hasnt|has not) (?:yet )?decided|"
    r"never (?:took|taken|tried)(?! (?:it |them |that |one |any )?(?:again|anymore|any more|after)\b)|"
    r"voy a (?:empezar|comenzar|tomar)|(?:me |le )?(?:ofrecio|ofrecieron|sugirio|sugirieron|recomendo|propuso|"
    r"propusieron|ofereceu|ofereceram|sugeriu|sugeriram|recomendou|propos)"
    r" (?!.*(?:tome|probe|estuve|tomei|tomou))|empiezo|va a empezar|no he (?:empezado|tomado|probado)|"
    r"nunca (?:he tomado|tome|probe)|no (?:llegue|llego|alcance|alcanzo) a (?:tomar|empezar|probar|usar)\w*|"
    # Weighed and set aside, not covered, still at the pharmacy, or a trial's placebo arm.
    r"(?:was |were |been )?considered(?=\s*(?:but|and|,|;|\.|$))|deferred|ruled out|held off|on hold|(?:se )?descart\w+|"
    r"(?:not|isnt|wasnt|no esta|no estaba|no fue) (?:\w+ )?(?:covered|cubiert[oa])|no (?:lo |la )?cubre|"
    r"pick(?:ing)? (?:it|them) up (?:tomorrow|today|later|this|next|on)|before i (?:start|take|begin) (?:it|them|"
    r"taking)\b|before (?:starting|taking|i start|i take)\b|antes de (?:empezar|comenzar|iniciar|tomar)\b|"
    r"la recojo|lo recojo|placebo|"
    # Waiting on the payer: "Awaiting insurance approval for Auvelity", "pending PA for".
    r"(?:awaiting|waiting (?:on|for)|pending|esperando|pendiente)(?: \w+){0,2} (?:approval|authorization|auth|pa|"
    r"aprobacion|autorizacion)(?: (?:for|of|para|de))?|"
    r"(?:me |le |nos )?iban a (?:dar|recetar|poner|agregar|cambiar)|(?:was|were) going to (?:give|put|start|add|"
    r"switch)|never (?:actually |really )?(?:got|received|had) (?:it|the (?:drug|"
    r"medication|medicine|real \w+|actual \w+)|one|any)|(?:is |are |she is |he is |shes |hes )switching "
    r"(?:me |him |her )?to|nunca (?:me )?(?:lo |la )?(?:dieron|dio|recibi))\b")

_REFUSED = re.compile(
    r"\b(?:declined|refused|refuses|refusing|refuse to|turned (?:it |that )?down|"
    # Third person in Spanish and Portuguese: "Rechazó la potenciación con aripiprazol".
    r"rechazo|rechazaron|rechaza|se nego|se niega|se negaron|recusou|recusa|recusei|said no|did not want|didnt want|dont want|"
    r"do not want|wont take|would not take|wouldnt take|rechace|no (?:lo |la |los |las )?quise|"
    r"no quiero tomar(?:lo|la)?|no (?:lo |la )?acepte|(?:le |les )?dije que no|(?:ella|el) no quiere|"
    r"(?:he|she) (?:doesnt|does not|didnt) want|no quiso|no (?:se )?(?:lo |la )?ha querido)\b"
    # "has declined medication since": a refusal of medicine in general, not of the drug before.
    r"(?! (?:all |any |further |more |other )?(?:medications?|meds|medicines?|medicamentos?|medicacion|pills))")


# An offer or suggestion, whose drug a refusal later in the sentence is about.
_OFFERED = re.compile(r"\b(?:offered|suggested|recommended|proposed|(?:wanted|wants) to (?:add|start|try|give)|"
                      r"ofrecio|ofrecieron|sugirio|sugirieron|recomendo|recomendaron|propuso|propusieron|"
                      r"ofereceu|ofereceram|sugeriu|recomendou|propos)\b")


# ... when the drug after it is held already: "my Zoloft", "mi Lexapro", "the Prozac I take".
_HELD = re.compile(r"\b(?:my|mi|mis|his|her|su|sus|meu|minha|o meu|a minha)\W+(?:\w+\W+)?$")


# Drugs named as one list ("Abilify, Rexulti or Vraylar"): what is said of one is said of all.
_LIST_GAP = re.compile(r"(?:\s|,|/|&|\b(?:and|or|y|o|e|ou|nor)\b)*")

# A cue followed by these few words and then the drug is about that drug ("wants to add
# Rexulti"); any other cue is about the drug named last before it ("Abilify but I declined",
# "me recetó Abilify pero no me lo tomé").
LEADS_TO = re.compile(r"(?:\s*\b[a-z]+\b){0,4}\s*")


def _groups(mentions: list[Mention], sentence: tuple[int, int], folded: str) -> list[list[Mention]]:
    """The drugs named in `sentence`, those named as one list together."""
    groups: list[list[Mention]] = []
    for m in (m for m in mentions if m.sentence == sentence):
        if groups and _LIST_GAP.fullmatch(folded[groups[-1][-1].end:m.start]):
            groups[-1].append(m)
        else:
            groups.append([m])
    return groups


def _attached(cue: re.Match[str], groups: list[list[Mention]], folded: str) -> list[Mention]:
    """The group of drugs a plan or refusal cue in their sentence is about."""
    for g in groups:
        if cue.start() < g[-1].end and g[0].start < cue.end():
            return g  # the cue's words run over the drug ("prescribed Zoloft but haven't...")
    for g in groups:
        # "switching me to Auvelity starting next week since Lexapro didn't...": a time said
        # right after a drug is that drug's.
        if g[-1].end <= cue.start() and re.fullmatch(r"[\s,(-]*", folded[g[-1].end:cue.start()]) \
                and re.match(r"start|begin|empez|comenz", folded[cue.start():]):
            return g
    after = [g for g in groups if g[0].start >= cue.end()]
    if after and LEADS_TO.fullmatch(folded[cue.end():after[0][0].start]):
        return after[0]
    before = [g for g in groups if g[-1].end <= cue.start()]
    if before:
        return before[-1]
    return after[0] if after else []


# A treatment that is not a drug, named between a drug and a refusal: the refusal is about it
# ("phenelzine 45 mg/d x 10 wk (partial), ECT declined").
_OTHER_TREATMENT = re.compile(r"\b(?:ect|electroconvulsive(?: therapy)?|tms|rtms|dtms|therapy|psychotherapy|"
                              r"cbt|dbt|counseling|terapia|psicoterapia|admission|hospitali[sz]ation|"
                              r"iop|php|referral)\W*$")


_OTHER_TREATMENT_NEXT = re.compile(r"\W*(?:(?:the|a|an|el|la|los|las|some|more) )?(?:ect|electroconvulsive|tms|rtms|"
                                   r"dtms|therapy|psychotherapy|cbt|dbt|counseling|terapia|psicoterapia|"
                                   r"magnetic|estimulacion|emt|emtr|"
                                   # A treatment named by its form, not its name: "mentioned the nasal
                                   # spray thing", "sugirió las infusiones".
                                   r"nasal spray|spray|infusions?|infusiones|injections?|inyecciones|shots?)\b")


# A not-taken cue said of "it" in the next sentence, which names no drug: "Dr. Lee prescribed
# Auvelity last week; I haven't filled it yet."
# Only never-yet words: "he doesn't want to do it again", "ya no lo tomo" are about something
# else or a stop.
_NOT_YET_OF_IT = re.compile(
    r"\b(?:(?:havent|have not|hasnt|has not|never|didnt|did not|not yet) (?:yet |even |actually )?(?:filled|picked up|"
    r"started|taken|tried|opened|used|gotten|got)|pick(?:ing)? (?:it|them) up)(?: (?:it|them|that one))\b"
    r"|\b(?:havent|have not|hasnt|has not|never|didnt|did not) (?:yet |even )?picked (?:it|them) up\b"
    r"|\b(?:(?:todavia|aun|nunca) )?no (?:la|lo|las|los) (?:he |ha )?(?:surtido|comprado|recogido|empezado|"
    r"tomado|probado)\b|\bnunca (?:la|lo|las|los) (?:surti|compre|empece|tome|probe)\b")


# The reverse: a suggestion taken up, said of "it" in the next sentence ("She recommended
# Trintellix; I've been on it for 3 months", "Me sugirió Lexapro. Lo tomé un año").
_TAKEN_IT = re.compile(
    r"\b(?:(?:ive|i have|i|weve|we)(?: (?!never|not|didnt|havent|hadnt|dont|wont|cant)\w+)? (?:been on|took|taken|tried|started|been taking|was on|"
    r"stayed on|stuck with)) (?:it|them|that one)\b(?! (?:yet|again))"
    r"|(?<!\bno )(?<!\bnunca )\b(?:ya )?(?:lo|la|los|las) (?:tome|tomo|empece|probe|estoy tomando|he tomado|llevo tomando)\b")


def _next_sentence_of_it(folded: str, mention: Mention, mentions: list[Mention],
                         words: re.Pattern[str]) -> bool:
    """Whether the next sentence, when it names no drug and the mention is its sentence's
    last, says `words` (of "it")."""
    if any(m.sentence == mention.sentence and m.start > mention.start for m in mentions):
        return False
    end = mention.sentence[1]
    following = SENTENCE_END.search(folded, end)
    stop = following.end() if following else len(folded)
    if any(end <= m.start < stop for m in mentions):
        return False
    return bool(words.search(folded, end, stop))


def _not_taken_next(folded: str, mention: Mention, mentions: list[Mention]) -> bool:
    return _next_sentence_of_it(folded, mention, mentions, _NOT_YET_OF_IT)


# A time to come said right after a drug (and its dose): "switching me from Zoloft to Lexapro
# next week", "empiezo con Lexapro 10 el lunes".
_FROM_A_LATER_DAY = re.compile(
    r"^[\s,]*(?:xr|xl|er|sr)?\s*(?:\d+(?:\.\d+)? ?(?:mg)?\s*)?(?:starting |beginning |from |a partir de(?:l)? |desde )?"
    r"(?:next (?:week|month|monday|tuesday|wednesday|thursday|friday|saturday|sunday)|tomorrow|"
    r"in (?:a|two|2|few) (?:days|weeks)|(?:la )?(?:proxima semana|semana que viene)|(?:a )?(?:semana|mes) que vem|"
    r"(?:o |a )?proxim[oa] (?:semana|mes)|(?:el )?mes que viene|"
    r"el (?:lunes|martes|miercoles|jueves|viernes|sabado|domingo) que viene|manana)\b")


# Chinese, written without spaces (so without word boundaries): "还没开始吃" (not started yet),
# "没有吃过" (never taken), "想试试" (wants to try), "打算用" (plans to use).
_PLANNED_CJK = re.compile(r"还没有?(?:开始|吃|用|服)|没有?(?:开始|吃过|服用过|用过)|从未(?:服用|吃过|用过)|"
                          r"想(?:试试|试一下|让\w?试)|打算(?:试|用|开|换)")


_AGAIN_OR_ELSE = re.compile(r"(?: (?:it|them|that|those|one|him|her))?(?: \w+)? (?:again|anymore|any more|after that|"
                            r"otra vez|de nuevo|something else|another|a different|other|otro|otra|algo (?:mas|"
                            r"diferente|distinto))\b")


def _not_taken(folded: str, mention: Mention, mentions: list[Mention]) -> bool:
    """Planned, never taken or refused: a cue in the sentence that is about this drug's group
    ("was offered Abilify but declined", "the doctor wants to add Rexulti, I haven't started
    it" leaves the lithium before it a trial)."""
    s0, s1 = mention.sentence
    sentence = folded[s0:s1]
    groups = _groups(mentions, mention.sentence, folded)
    group = next((g for g in groups if mention in g), [mention])
    if _FROM_A_LATER_DAY.match(folded[group[-1].end:s1]):
        return True
    if _next_sentence_of_it(folded, mention, mentions, _TAKEN_IT):
        return False
    for pattern in (_PLANNED, _REFUSED, _PLANNED_CJK):
        for cue in pattern.finditer(folded, s0, s1):
            group = _attached(cue, groups, folded)
            if mention not in group:
                continue
            # "I never took it again" took it; "now she wants me to try something else" is
            # about another drug.
            if _AGAIN_OR_ELSE.match(folded, cue.end()):
                continue
            # "his doctor mentioned the TMS": a cue leading to a treatment that is no drug.
            if not (cue.start() < group[-1].end and group[0].start < cue.end()) \
                    and _OTHER_TREATMENT_NEXT.match(folded[cue.end():s1]):
                continue
            if pattern is _REFUSED:
                if group[-1].end <= cue.start() and _OTHER_TREATMENT.search(folded, group[-1].end, cue.start()):
                    continue
                # "received four sessions ... and did not want to go on": stopped, not refused.
                # Read from after a heading ("Meds tried: ... but I declined") or the drug before.
                before_group = [g for g in groups if g[-1].end <= group[0].start]
                start = max(s0, before_group[-1][-1].end if before_group else s0,
                            sentence.rfind(":", 0, group[0].start - s0) + 1 + s0)
                if PAST.search(folded, start, cue.start()):
                    continue
                # "offered Abilify as an add-on to my Zoloft (...) but I refused it": the
                # refusal is of the drug offered, not of the one named after it, taken.
                if any(offered and mention not in offered and offered[-1].end <= group[0].start
                       and _HELD.search(folded, offered[-1].end, group[0].start)
                       for offered in (_attached(o, groups, folded) for o in _OFFERED.finditer(folded, s0, cue.start()))):
                    continue
            return True
    return False



# Taken after all, said of "it" in a later sentence: "prescribed Lexapro in 2020 but I never
# filled it. In 2023 I finally started it", "nunca la compré ... después la empecé".
_TAKEN_LATER = re.compile(
    r"\b(?:(?:finally|later|eventually|then|ended up|did|actually) )?(?:started|began|restarted|took|tried) (?:it|them|"
    r"taking (?:it|them))\b|\b(?:been|was|am|im) (?:on|taking) (?:it|them)\b|"
    r"\b(?:la|lo) (?:empece|empece a tomar|tome|probe)\b|\bempece a tomarl[ao]s?\b")
_NEGATED = re.compile(r"\b(?:not|never|nunca|no|didnt|havent|hasnt|wasnt|dont)\W+(?:\w+\W+)?$")


def _taken_later(folded: str, mention: Mention, mentions: list[Mention]) -> bool:
    later = [m.start for m in mentions if m.start >= mention.sentence[1] and m.drug != mention.drug]
    end = min(later[0] if later else len(folded), mention.sentence[1] + 300)
    return any(not _NEGATED.search(folded[max(0, t.start() - 25):t.start()])
               for t in _TAKEN_LATER.finditer(folded, mention.sentence[1], end))


# "Trial of fluoxetine 10->20 mg x 10 wks w/o improvement": a trial said with how long it
# went or how it ended is one had, not one planned.
_HAD_ITS_COURSE = re.compile(r"\bx ?\d|\b\d+ ?(?:wks?|weeks?|mos?|months?|days?|semanas|meses)\b|\bw/?o\b|"
                             r"\b(?:failed|no (?:response|improvement|benefit)|without|stopped|d/c|helped|worked)\b")


def _plan_start(folded: str, mention: Mention) -> bool:
    start = _PLAN_START.search(folded[mention.clause[0]:mention.start])
    if start is None:
        return False
    return not (start.group(0).strip().endswith("trial of")
                and _HAD_ITS_COURSE.search(folded, mention.end, mention.clause[1]))


def planned_or_refused(folded: str, mention: Mention, mentions: list[Mention]) -> bool:
    """Whether `mention` is a drug only planned, refused or never taken: said so in its sentence,
    of "it" in the next one, or by a plan's imperative opening its clause ("Start bupropion"),
    and not said taken after all in a later sentence."""
    return (_not_taken(folded, mention, mentions) or _not_taken_next(folded, mention, mentions)
            or _plan_start(folded, mention)) \
        and not _taken_later(folded, mention, mentions)
