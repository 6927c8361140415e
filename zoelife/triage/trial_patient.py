"""Who a message about medication trials is about: the writer, a relative the writer names, or
a referral's patient (`who_is_patient`), and who each clause is about (`subject_of`,
`belongs_to_patient`). Used by `trial_owner`."""

from __future__ import annotations

import re
from dataclasses import dataclass

RELATIVES = (r"(?:mom|mother|mum|dad|father|husband|wife|sister|brother|friend|son|daughter|"
              r"partner|boyfriend|girlfriend|fiance|cousin|aunt|uncle|grandma|grandmother|grandpa|"
              r"grandfather|roommate|teen|teenager|kid|child|mama|papa|madre|padre|esposo|esposa|"
              r"marido|hermano|hermana|hijo|hija|amigo|amiga|novio|novia|abuela|abuelo|tia|tio|"
              r"prima|primo|pareja|bf|gf|hubby|parents|padres|folks|"
              # French, Italian, German and Portuguese: letters come from those countries too.
              r"mari|femme|mere|pere|soeur|frere|fils|fille|marito|moglie|sorella|fratello|figlio|figlia|"
              r"mann|frau|mutter|vater|schwester|bruder|sohn|tochter|mae|pai|irma|irmao|filho|filha)")

# "my", "mi" and the possessives of those languages ("mia madre", "mon mari", "meine Frau").
_MY = r"(?:my|mi|our|mia|mio|mon|ma|mein|meine|meinem|meiner|minha|meu)"

# What a prescriber does, said with "he", "she" or "they" ("she added Rexulti", "they
# offered lithium"): the prescriber, not someone else whose medicine it is.
_PRESCRIBER_DID = (r"(?:added|prescribed|increased|upped|raised|lowered|switched|changed|doubled|"
                   r"tapered|offered|suggested|recommended|started me|put me|gave me|took me|moved me|"
                   r"told me|has (?:mentioned|suggested|added|prescribed|increased|offered|"
                   r"recommended))")

# Who a clause is about, nearest first: a relative, a pronoun for someone else, the patient of
# a referral, or the writer.
# "as a teenager", "when I was a kid" is a time of life, not a person; "Pt's mother" is.
_PERSON = re.compile(
    r"\b(?<!as )(?<!was )(?<!de )(?P<relative>(?:my|mi|his|her|their|our|su|sus|nuestr[oa]|a|an|the|"
    r"un|una|el|la|pts|patients|clients|mia|mio|mon|ma|mein|meine|meinem|meiner|minha|meu) (?:\w+[ -])?"
    # "my wife's on the Zoloft": the possessive's apostrophe is folded away.
    # "my ex", "my ex-wife": someone else's medicine, though never whom a message is for.
    + r"(?:" + RELATIVES + r"|ex)s?)\b"
    r"|^\W*(?P<bare>" + RELATIVES + r")\b"
    # "they tried Seroquel", "they put me on": the prescribers, not someone else.
    # "She added Rexulti", "he upped it": the prescriber, as "they" is.
    r"|\b(?P<third>he(?! (?:tomado|probado|estado|sido|tenido|intentado|usado|recibido|dejado))"
    r"(?! " + _PRESCRIBER_DID + r")|she(?! " + _PRESCRIBER_DID + r")|hes|shes|him|his|her|"
    r"they(?! (?:tried|had|have|also|then|" + _PRESCRIBER_DID + r"))|ella)\b"
    r"|\b(?P<patient>pt|pte|patient|paciente|the patient|la paciente|el paciente|mr|mrs|ms|sr|sra|client|cliente)\b"
    # "I think", "I believe" hedge what is said of someone else: "and I think the Ativan".
    r"|\b(?<!bipolar )(?<!type )(?<!bp )(?P<first>i(?! (?:think|believe|guess|suppose|recall|remember|"
    r"dont (?:know|remember)|m not sure|am not sure))|im(?! not sure)|ive|id|me|myself|(?<!\d )(?<!\d)yo(?! creo)|"
    r"tome|estoy|estuve|probe|io|je|jai|ich|eu)\b")

# "Do I need a referral from my PCP?": the writer asking about one is no referral; a form's
# "Referral source: Instagram" is how the writer heard of the clinic.
_REFERRAL = re.compile(r"\b(?:pt|pte|(?<!new )patient|paciente|(?<!need a )(?<!get a )(?<!have a )(?<!got a )(?<!my )referral(?! (?:source|type|from|code|method)\b)|referencia|referring|remito|"
                       r"refiero|dear (?:colleague|dr)|estimad[oa]s? (?:colega|dr)|"
                       r"\d{1,2} ?(?:yo|y/o|m|f)|\d{1,2} ?year ?old (?:male|female|man|woman))\b")

_FOR_A_RELATIVE = re.compile(
    r"\b(?:for|about|para|de parte de|on behalf of|regarding|sobre|por|pelo|pela|em nome d[oa]|"
    # "les escribo porque mi hermana...", "calling because my son..."
    r"(?:escribo|escribiendo|writing|calling|llamo|llamando|reaching out|ligando|escrevendo|ligo|escrevo) "
    r"(?:\w+ ){0,2}?(?:because|porque|ya que|since|as))\s+(?:getting |helping |bringing |"
    r"ayudar a |(?:una cita|turno) para )?(?:my|mi|our|nuestr[oa]|meu|minha|nosso|nossa|o meu|a minha)"
    r"\s+(?:\d+[ -]?(?:year[ -]old|yo|y/o|anos?)[ -])?(?P<who>" + RELATIVES + r")\b"
    # "My wife and I both struggle" is no message about the wife alone; "my mom has been on
    # lithium" says whose medicine it is (`_RELATIVE_TAKING`), not whom the message is for.
    r"|^(?:\W*(?:hi|hello|hola|buenas|buenos dias|buenas tardes)\W+)?" + _MY + r" (?:\d+[ -]?(?:year[ -]"
    r"old|yo|y/o|anos?) )?(?P<subject>" + RELATIVES + r")\b(?! and (?:i|me|yo)\b)[^.?!]{0,40}?\b(?:needs|was diagnosed|"
    r"has been (?:diagnosed|depressed|struggling|suffering)|is struggling|is depressed|"
    r"is suffering|suffers|has (?:depression|anxiety|ocd|ptsd|bipolar|adhd|mdd|trd)|with "
    r"(?:depression|anxiety|ocd|ptsd|bipolar|adhd|mdd|trd|major depress\w*)|necesita|"
    r"tiene (?:depresion|ansiedad|toc|trastorno)|ha estado (?:deprimid\w+|en tratamiento|con)|"
    r"sufre|esta (?:deprimid\w+|en tratamiento)|fue diagnosticad\w+)")

_ILLNESS = (r"(?:depression|depresion|deprimid[oa]|depressed|anxiety|ansiedad|ocd|toc|ptsd|tept|triste|"
            r"bipolar|adhd|tdah|mdd|trd|panic|panico|struggling|suffering)")

_PARENTS = (r"(?:padre|madre|mama|papa|father|mother|mom|dad|esposo|esposa|husband|wife|hermano|hermana|"
            r"brother|sister|abuelo|abuela|grandfather|grandmother|tutor|guardian|"
            # "soy su hija", "I'm her son": a child writing for a parent.
            r"hija|hijo|nieta|nieto|son|daughter|grandson|granddaughter)")

# "soy el padre de", "I'm the mother of", "I'm his mother".
_PARENT_OF = re.compile(r"\b(?:soy|i am|im) (?:(?:el|la|the) " + _PARENTS + r" (?:de|of)|(?:his|her|their|su) "
                        + _PARENTS + r")\b")

_RELATIVE_TAKING = re.compile(
    # After a heading-like opening too: "Che, una consulta: mi novio toma ...".
    # After a question to the clinic too: "Do you see teens? My son takes ...".
    r"^(?:[^.?!:]{0,30}:\s*|[^.?!:]{0,60}\?\s*)?(?:\W*(?:hi|hello|hola|buenas|buenos dias|buenas tardes|buenas noches|bonjour|"
    r"buongiorno|guten tag|ola)\W+)?(?:o |a |il |la )?" + _MY + r" "
    r"(?:\d+[ -]?(?:year[ -]old|yo|y/o|anos?) )?(?P<who>" + RELATIVES + r")\b[^.?!]{0,40}?\b(?:takes|"
    r"took|has been through|went through|has tried|has done|has used|has had|is on|was on|has been on|has taken|had|received|tried|toma|tomo|tomaba|ha tomado|"
    # "mi hija lleva 6 semanas tomando", "is taking", "está tomando", "vem tomando".
    r"is taking|has been taking|tomando|"
    r"recibio|probo|esta con|estuvo con|(?:was|has been|got) started on|(?:was|has been|is) prescribed|"
    r"le (?:recetaron|dieron|dio|receto)|"
    r"a essaye|a pris|prend|prenait|ha preso|prende|prendeva|nimmt|nahm|hat \w+ genommen|tomou|tomava)\b")

# Words for the person written about ("¿le sirve?", "can he", "she is depressed", "¿la pueden
# ver?"; not "¿me lo pueden recetar?", where "lo" is the medicine)...
_FOR_THEM = re.compile(
    r"\b(?:(?:can|could|would|does|is|will) (?:he|she|they)\b|(?:hes|shes) (?:been )?(?:taking|on|struggling|depressed)\b|"
    r"(?:he|she|they) (?:could|is|has been|has(?! (?:mentioned|suggested|prescribed|recommended|"
    r"added|increased|upped|raised|lowered|changed|switched|started me|put me|given me|tried me)\b)|"
    r"needs|wants|would|can|cant|isnt) |(?:help|treatment|appointment|tms|spravato|options?|"
    r"anything|something) for (?:him|her|them)\b|help (?:him|her|them)\b|"
    r"(?:worried|concerned|preocupad[oa]) (?:about|for|por) (?:him|her|them|el|ella)\b|"
    r"(?:psychiatrist|doctor|someone|evaluation|care|psiquiatra|medico|consulta|cita) for (?:him|her|them)\b|"
    r"(?:open to|options for|try it for|good for) (?:it for )?(?:him|her|them)\b|"
    r"le (?:sirve|serviria|puede|podria|ayudaria|funcionaria)|(?:ella|el) (?:esta|tiene|necesita|"
    r"quiere)\b|(?<!me )(?<!nos )(?:lo|la) pueden|pueden (?:verlo|verla|atenderlo|atenderla)|"
    r"(?:esta|anda|sigue) (?:muy )?" + _ILLNESS + r"|(?:do you|can you) (?:see|treat|take) "
    r"(?:adolescents|teens|kids|children|minors|seniors|elderly)|atienden (?:adolescentes|"
    r"menores|ninos)|"
    # A visit asked for a child: "¿tiene citas para adolescentes?", "appointments for teens".
    r"(?:citas?|turnos?|consultas?|appointments?|openings?|horarios?) (?:para|for) (?:adole?s?centes|menores|ninos|"
    r"criancas|teens|teenagers|kids|children|minors|adolescents))")

# ... against words for the writer ("I myself have only tried", "creo que tengo depresión").
_FOR_ME = re.compile(
    r"\b(?:i (?:think i |feel like i )?(?:have|am|m) (?:\w+ )?" + _ILLNESS + r"|im (?:so |really )?"
    r"(?:depressed|struggling|anxious|worried i)|i myself|me myself|me:|i (?:need|want) (?:help|"
    r"tms|treatment|to try)|(?:i|yo) (?:have |he )?(?:only )?(?:tried|taken|tome|probado|tomado) |"
    r"(?:ive|i have|i ve) (?:(?:only|also|just|ever|really) ){0,2}(?:tried|taken|been on|done|had|used|been using|"
    r"been taking)|"
    r"(?:i|ive|i have) never (?:taken|tried|been on) (?:anything|any\b)|(?:im|i am) (?:a |an )?(?:\w+ ){0,2}?"
    r"patient|(?:im|i am) the (?:only )?one (?:who|that|in)|"
    # The writer's own taking, age and care: "I took it for two years",
    # "I was first put on Paxil", "I'm 27 and", "I have never been treated".
    # Not "I'm on": a parent's "I'm on Zoloft myself" in a message about a son.
    r"i (?:was )?(?:first |also |originally )?put on|i (?:only |just |also |even )?took\b|"
    # "I'm not on any meds yet", "can my husband come to my appt": the writer's own care.
    r"(?:im|i am) not on (?:any|anything)\b|(?:my|mi|mis) (?:own|propi[oa]s?) (?:meds|medications?|medicines?|"
    r"prescriptions?|pills|medicamentos|pastillas)\b|(?:to|at|for) my (?:appt|appointment|visit|consult|first session)\b|"
    r"(?:im|i am) \d{1,2}\b(?! ?(?:mg|%|lbs?|pounds|kg|weeks?|months?|days?|hours?|minutes?|min|years? (?:ago|on)))|"
    r"(?:i|ive|i have) never been (?:treated|diagnosed|medicated|on (?:any|anything|meds|medication))|"
    # The same in the other languages letters come in: "ho preso", "j'ai pris", "ich nehme".
    # Spanish "he tomado" is the writer's alone; "tengo 24 años" the writer's age.
    r"\bhe (?:tomado|probado)|(?:yo )?tengo \d{1,2} anos|estoy tomando|"
    r"(?:io )?ho (?:preso|provato)|j ?ai (?:pris|essaye)|je prends|ich (?:habe|nehme|nahm)|eu (?:tomei|tomo)|"
    r"(?:i|yo) (?:\w+ ){0,2}?(?:havent|no he|no|dont|do not) (?:taken|take|"
    r"tomado|tomo) (?:anything|nada|any|ningun\w*)|(?<!shes )(?<!hes )(?<!she has )(?<!he has )(?<!they have )"
    r"(?<!she )(?<!he )never been on|no he tomado (?:nada|ningun\w*)|"
    r"(?:im|i am) a \d+ ?(?:year|yo\b|y ?/? ?o\b|yr)|(?:my|mi) (?:own )?(?:depression|anxiety|ocd|ptsd|panic|bipolar|adhd|mood|"
    r"depresion|ansiedad|panico)|i (?:have |had )?never (?:taken|tried|been on)|"
    r"(?:yo )?nunca (?:(?:lo|la) )?(?:he tomado|tome|he probado)|creo que (?:tengo|estoy|yo)|tengo " + _ILLNESS +
    r"|estoy " + _ILLNESS + r"|me interesa|i might (?:be|have)|i worry i)")

# The writer's own present taking opening a sentence or after "and": "My husband takes
# Xanax. I take Zoloft 50", "mi novio toma litio y yo tomo quetiapina". Not a parent's aside
# ("I take Zoloft myself", "I'm on Lexapro too") nor taking someone somewhere.
_I_TAKE_NOW = re.compile(
    r"(?:^|[.;!?]\s*|\b(?:and|but|y|pero) )(?:i|yo) (?:(?:also|currently|now|only|just|still|"
    r"actualmente|ahora|solo) )?(?:take|tomo|am taking|estoy tomando|have been taking|"
    r"llevo tomando)\b(?! (?:him|her|them|my|mi|care|lo|la|le|les)\b)"
    r"(?![^.;!?]{0,40}\b(?:myself|too|as well|tambien|yo misma?|for my own)\b)"
    # ... or the writer turning to themselves, in the same place: "My wife was prescribed
    # Trintellix. For me, Paxil 20 mg", "As for me, ...", "En mi caso, ...", "Yo: ...". The
    # medicines told after it are the writer's (weighed by the drugs told of each, as above).
    r"|(?:^|[.;!?]\s*|\b(?:and|but|y|pero) )(?:(?:as )?for (?:me|myself)|as (?:to|regards) me|"
    r"in my (?:own )?case|speaking for myself|me|yo|para mi|en mi caso|en cuanto a mi|por mi parte|"
    r"pour moi|quant a moi|per me|quanto a me|was mich betrifft|para mim|quanto a mim|no meu caso)"
    r"\s*[,:](?![^.;!?]{0,40}\b(?:too|as well|tambien|aussi|anche|auch)\b)")


# The writer saying outright that the help is for them: weighs as much as "writing for my son".
# ... and that it is for someone else: "Es para él la cita", "the appointment is for my son".
_PLAINLY_THEM = re.compile(
    r"\b(?:(?:es|is|its|it is|la cita es|the appointment is|this is) (?:para|for) (?:el|ella|him|her|"
    r"(?:my|mi) " + RELATIVES + r")\b|(?:una |la )?(?:cita|consulta|turno) para (?:el|ella)\b)")

_PLAINLY_ME = re.compile(
    r"\b(?:(?:im|i am) the (?:only )?one (?:who|that) (?:needs|wants|is looking|is asking|needs)|"
    r"(?:this|it) is for me\b|its for me\b|(?:soy yo|es para mi)\b|"
    r"(?:this|the|my) (?:inquiry|request|message|email|appointment|referral|call|consult|consulta|cita|"
    r"solicitud|mensaje) (?:is|es) (?:for|para) (?:me|mi|myself)\b|"
    r"(?:appointment|help|cita|consulta|ayuda) (?:for|para) (?:me|mi|myself)\b)")


_I_TOOK = re.compile(r"\b(?:i was on|ive been on|i have been on|i took|i tried|ive tried|i have tried|"
                     r"yo (?:tome|tomaba|estuve con)|he tomado)\b")


@dataclass(frozen=True)
class Patient:
    """Who the message is about: the writer, a relative the writer names, or a referral's
    patient."""
    kind: str  # "self" | "relative" | "referral"
    relative: str = ""


def who_is_patient(folded: str, first_drug_at: int, drug_starts: tuple[int, ...] = ()) -> Patient:
    """Who the message asks the clinic about, by weighing the writer's words for another person
    ("escribo por mi abuela", "my son has been on...", "¿le sirve?") against words for
    themselves ("I have only tried", "creo que tengo depresión"). A relative named taking a
    medicine at the opening and the writer's own present taking after it ("My mom takes
    Lexapro. I take Prozac 40"), or the writer turning to themselves ("My wife was prescribed
    Trintellix. For me, Paxil 20 mg"), weigh by the drugs told of each: the writer unless more
    are told of the relative ("Mi hijo toma Elvanse; antes probó Rubifen... Yo tomo
    Cipralex")."""
    opening = folded[:220]
    for_relative = _FOR_A_RELATIVE.search(opening)
    parent_of = _PARENT_OF.search(opening)
    relative_taking = _RELATIVE_TAKING.search(opening)
    for_them = len(_FOR_THEM.findall(folded)) + 3 * len(_PLAINLY_THEM.findall(folded)) + (
        3 if for_relative or parent_of else 0) + (
        1 if relative_taking else 0)
    for_me = len(_FOR_ME.findall(folded)) + 3 * len(_PLAINLY_ME.findall(folded))
    mine = _I_TAKE_NOW.search(folded, relative_taking.end()) if relative_taking else None
    if mine and not (for_relative or parent_of) and for_them - 1 <= for_me:
        theirs = sum(1 for d in drug_starts if d < mine.start())
        if theirs <= len(drug_starts) - theirs:
            for_me += 1
    if for_them > for_me:
        if for_relative:
            return Patient("relative", for_relative.group("who") or for_relative.group("subject"))
        if relative_taking:
            return Patient("relative", relative_taking.group("who"))
        # "My daughter (16) was started on ...": the first relative the writer names.
        named = re.search(r"\b" + _MY + r" (?:\w+ )?(?P<who>" + RELATIVES + r")\b", opening)
        return Patient("relative", named.group("who") if named else "")
    # "Doctor Kim's office faxed over a referral ... I was on": the writer's own trials.
    if _REFERRAL.search(opening) and for_me == 0 and not _I_TOOK.search(folded):
        return Patient("referral")
    # A note about "he" or "she" with no word of the writer's own before the first drug.
    kinds = {p.lastgroup for p in _PERSON.finditer(folded[:first_drug_at])}
    if "third" in kinds and "first" not in kinds and for_me == 0:
        return Patient("referral")
    return Patient("self")


def last_match(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    found = None
    for found in pattern.finditer(text):  # noqa: B007 - the last one is wanted
        pass
    return found


def subject_of(text: str) -> tuple[str, str] | None:
    """The person nearest the end of `text`: (kind, words)."""
    last = last_match(_PERSON, text)
    if last is None:
        return None
    kind = last.lastgroup or ""
    if kind == "bare":  # "sister has anxiety and takes Buspar" in a list of relatives
        return "relative", last.group(kind)
    return kind, last.group(kind)


def belongs_to_patient(subject: tuple[str, str] | None, patient: Patient) -> bool:
    if subject is None:
        return True
    kind, words = subject
    if patient.kind == "self":
        return kind in ("first", "patient")
    if patient.kind == "referral":
        return kind in ("third", "patient")  # a relative there is family history
    # A relative the writer named: that relative, and he/she; not the writer, not someone else.
    if kind == "relative":
        return bool(patient.relative) and words.endswith(patient.relative)
    return kind in ("third", "patient")

