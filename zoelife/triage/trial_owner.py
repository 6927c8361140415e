"""Whether a drug named in a message is a trial of the person the message is about: who that
is (the writer, a relative the writer names, a referral's patient), and the clause's words
that make a mention something other than a trial (asked about, planned, refused, family
history, someone else's). Used by `trials`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from zoelife.triage.drug_mentions import SENTENCE_END, Mention

_ASKING = re.compile(
    r"\b(?:what about|how about|interested in|curious about|heard (?:about|of|that)|heard(?=\s*$)|thinking "
    r"(?:about|of)|ask(?:ing)? about|wondering (?:about|if|whether)|would .{0,30}(?:help|work)|"
    r"could .{0,30}(?:help|work)|is .{0,30}an option|me interesa|quisiera saber|"
    r"(?:sirve|funciona) (?:el|la)|podria(?:n)? (?:probar|darme|recetarme)|considering|"
    r"want(?:s|ed)? to (?:try|start|get)|would like to (?:try|start)|instead of|rather than|"
    r"quiero (?:probar|empezar)|worth (?:trying|a try)|should i (?:try|take|ask|do)|can i (?:try|take|get|do|have|use)|"
    r"could i (?:try|take|get|do|have|use)|vale la pena|deberia (?:probar|tomar)|"
    # The clinic asked to give it: "Do you do ketamine infusions?", "can u guys prescribe xanax".
    r"(?:do|can|could|would) (?:you|u|y'?all)(?: guys| all)? (?:do|offer|provide|prescribe|give|have)|"
    r"(?:ofrecen|hacen|recetan|dan) (?:ustedes )?(?:el |la |los |las )?$|"
    r"candidate for|candidat[oa] (?:para|a)|"
    # Seen advertised: "I saw an ad for Exxua", "vi un anuncio de".
    r"(?:saw|seen|heard|read) (?:an? |the |some )?(?:ad|ads|commercial|advert\w*|article|post|video|tiktok|"
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
    r"(?:para|sobre) (?:el|un) tratamiento (?:con|de)|tratamiento de interes|interesad[oa] en)"
    r"\s*:?) (?:the |el |la |o |a |an |your |su |this |that |esta |este )?(?:\w+ )?$")

# Said of a treatment after it, it was received: "I had three infusions", "did six sessions".
_RECEIVED_AFTER = re.compile(
    r"\b(?:had|did|done|received|got|went through|completed|finished|tuve|recibi|hice|me (?:hicieron|"
    r"pusieron|dieron)) (?:\w+ ){0,3}(?:infusions?|sessions?|treatments?|rounds?|doses?|courses?|"
    r"sprays?|infusiones|sesiones|tratamientos|dosis)\b(?! (?:of|de) (?:tms|ect|therapy|terapia|"
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

_FAMILY_HISTORY = re.compile(r"\b(?:family (?:history|hx)|fhx|fh:|antecedentes familiares|"
                             r"runs in (?:the|my|our) family|hereditar\w+)")

_PAST = re.compile(r"\b(?:took|tried|was on|been on|failed|had|done|received|stopped|quit|discontinued|"
                   r"put me on|gave me|started me on|tome|tomo|tomaba|dejo|deje|"
                   r"probe|probo|estuve|estuvo|recibi|recibio)\b")

# A plan's imperative at the start of a clause: "Start bupropion XL 150", "Iniciar sertralina".
_PLAN_START = re.compile(r"^\W*(?:plan:?\s*)?(?:start|begin|initiate|add|trial of|iniciar|"
                         r"comenzar|agregar|anadir)\b")

_PLANNED = re.compile(
    r"\b(?:about to start|going to start|gonna start|will start|start(?:ing)? (?:next|tomorrow|"
    r"on monday|soon)|"
    r"(?:wants?|wanted|would like|plans?|planning|going|thinking of|talked about|talking about|"
    r"(?:says|said|thinks|mentioned) (?:maybe|we could|we might|we should|i could|i might|i should)|"
    r"maybe|might|may|could|should) (?:to )?(?:add|adding|augment with|switch(?:ing)? (?:me )?to|"
    r"put(?:ting)? me on)|"
    r"(?:me )?quiere(?:n)? (?:dar|recetar|poner|agregar|anadir|cambiar a|probar(?: con)?|intentar(?: con)?)|"
    r"(?:wants?|wanted) to try(?: me on)?|"
    r"(?:quiere|quieren|va|van) a (?:agregar|anadir|poner|recetar|cambiar)|"
    r"(?:start|starting|try|trying) (?:\w+ ){0,2}(?:on )?(?:next|tomorrow|soon|monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday|this week|el lunes|manana|la proxima)|"
    r"never (?:\w+ )?(?:filled|picked (?:it |them )?up|started|took|taken|opened|used|tried)|"
    r"never (?:been|was|were) (?:on|prescribed|given|tried on)|nunca (?:he estado|estuve) (?:con|en)|"
    # A clinician's note: "Avoid lithium given renal fn", "Lamotrigine discussed, not started".
    r"avoid(?:ing)?|not (?:yet )?(?:started|initiated|begun|filled)|no (?:iniciad[oa]|empezad[oa])|"
    r"(?:estoy|estaba|esta) por (?:empezar|comenzar|iniciar|tomar)|"
    r"quiere(?:n)? que (?:empiece|comience|inicie|tome|pruebe)|"
    r"didnt (?:fill|start|pick (?:it |them )?up|open)|nunca (?:lo |la )?(?:compre|empece|tome|probe|use|abri|"
    r"compro|empezo|probo|uso|abrio)|"
    r"no (?:me )?(?:lo|la|los|las) (?:tome|tomo|compre|empece|probe|surti)|"
    r"no (?:la |lo |las |los |me (?:la|lo) )?(?:he|e|ha|hemos) (?:empezado|comenzado|iniciado|tomado|surtido|"
    r"comprado|recogido|"
    r"probado)|"
    r"todavia no (?:empezo|empece|empieza)|aun no (?:la |lo )?(?:ha empezado|empezo|empece)|"
    r"want(?:s|ed)? me to (?:start|try|take)|(?:offered|suggested|recommended|mentioned|discussed)\b(?: me)?(?!.*"
    r"(?:took|tried|was on|been on|taking))|supposed to start|"
    r"(?:just |was )?prescribed .{0,40}(?:havent|have not|not yet)|"
    r"(?:havent|have not|hasnt|has not) (?:yet )?(?:started|taken|tried|filled|picked up|opened)|never (?:took|taken|tried)|"
    r"voy a (?:empezar|comenzar|tomar)|(?:me )?(?:ofrecio|ofrecieron|sugirio|sugirieron|recomendo)"
    r" (?!.*(?:tome|probe|estuve))|empiezo|va a empezar|no he (?:empezado|tomado|probado)|"
    r"nunca (?:he tomado|tome|probe)|"
    # Weighed and set aside, not covered, still at the pharmacy, or a trial's placebo arm.
    r"(?:was |were |been )?considered(?=\s*(?:but|and|,|;|\.|$))|deferred|ruled out|held off|on hold|(?:se )?descart\w+|"
    r"(?:not|isnt|wasnt|no esta|no estaba|no fue) (?:\w+ )?(?:covered|cubiert[oa])|no (?:lo |la )?cubre|"
    r"pick(?:ing)? (?:it|them) up (?:tomorrow|today|later|this|next|on)|before i (?:start|take|begin) (?:it|them|"
    r"taking)\b|"
    r"la recojo|lo recojo|placebo|"
    # Waiting on the payer: "Awaiting insurance approval for Auvelity", "pending PA for".
    r"(?:awaiting|waiting (?:on|for)|pending|esperando|pendiente)(?: \w+){0,2} (?:approval|authorization|auth|pa|"
    r"aprobacion|autorizacion)(?: (?:for|of|para|de))?|"
    r"(?:me |le |nos )?iban a (?:dar|recetar|poner|agregar|cambiar)|(?:was|were) going to (?:give|put|start|add|"
    r"switch)|never (?:actually |really )?(?:got|received|had) (?:it|the (?:drug|"
    r"medication|medicine|real \w+|actual \w+)|one|any)|(?:is |are |she is |he is |shes |hes )switching "
    r"(?:me |him |her )?to|nunca (?:me )?(?:lo |la )?(?:dieron|recibi))\b")

_REFUSED = re.compile(
    r"\b(?:declined|refused|turned (?:it |that )?down|said no|did not want|didnt want|dont want|"
    r"do not want|wont take|would not take|wouldnt take|rechace|no (?:lo |la |los |las )?quise|"
    r"no quiero tomar(?:lo|la)?|no (?:lo |la )?acepte|(?:le |les )?dije que no|(?:ella|el) no quiere|"
    r"(?:he|she) (?:doesnt|does not|didnt) want|no quiso|no (?:se )?(?:lo |la )?ha querido)\b"
    # "has declined medication since": a refusal of medicine in general, not of the drug before.
    r"(?! (?:all |any |further |more |other )?(?:medications?|meds|medicines?|medicamentos?|medicacion|pills))")

_TAKEN = re.compile(
    r"\b(?:gave me|prescribed me|put me on|had me on|me recetaron|me dio|me dieron|took|taken|take|takes|taking|tried|trying|been on|was on|were on|am on|im on|is on|"
    r"currently on|on it|had|have had|did|done|received|failed|failure|trial|trials|course|"
    r"sessions?|infusions?|treatments?|doses?|dosed|stopped|quit|weaned|tapered|switched|"
    r"tome|tomo|tomaba|tomado|probe|probado|estuve|estoy con|recibi|sesiones|infusiones|"
    r"dejo|deje|me recetaron|me dieron|s/p|hx|history|adequate|x\d|mg|augment\w*)\b")

_RECEIVED = re.compile(
    r"\b(?:had|have had|did|done|received|got|went through|completed|finished|tried|sessions?|"
    r"infusions?|treatments?|rounds?|courses?|doses?|was on|been on|am on|im on|currently|"
    r"program|was in|did the|mg|weeks?|months?|took|used|"
    r"recibi|hice|tuve|sesiones|infusiones|tratamientos|probe|me pusieron|estuve|tome|tomaba|use|"
    r"semanas|meses)\b")

_RELATIVES = (r"(?:mom|mother|mum|dad|father|husband|wife|sister|brother|friend|son|daughter|"
              r"partner|boyfriend|girlfriend|fiance|cousin|aunt|uncle|grandma|grandmother|grandpa|"
              r"grandfather|roommate|teen|teenager|kid|child|mama|papa|madre|padre|esposo|esposa|"
              r"marido|hermano|hermana|hijo|hija|amigo|amiga|novio|novia|abuela|abuelo|tia|tio|"
              r"prima|primo|pareja|bf|gf|hubby)")

# Who a clause is about, nearest first: a relative, a pronoun for someone else, the patient of
# a referral, or the writer.
# "as a teenager", "when I was a kid" is a time of life, not a person; "Pt's mother" is.
_PERSON = re.compile(
    r"\b(?<!as )(?<!was )(?<!de )(?P<relative>(?:my|mi|his|her|their|our|su|sus|nuestr[oa]|a|an|the|"
    r"un|una|el|la|pts|patients|clients) (?:\w+ )?" + _RELATIVES + r")\b"
    r"|^\W*(?P<bare>" + _RELATIVES + r")\b"
    # "they tried Seroquel", "they put me on": the prescribers, not someone else.
    r"|\b(?P<third>he(?! (?:tomado|probado|estado|sido|tenido|intentado|usado|recibido|dejado))|"
    r"she|hes|shes|him|his|her|they(?! (?:tried|put|gave|started|prescribed|added|switched|increased|upped|"
    r"raised|had|have|also|then))|ella)\b"
    r"|\b(?P<patient>pt|pte|patient|paciente|the patient|la paciente|el paciente|mr|mrs|ms|sr|sra|client|cliente)\b"
    # "I think", "I believe" hedge what is said of someone else: "and I think the Ativan".
    r"|\b(?<!bipolar )(?<!type )(?<!bp )(?P<first>i(?! (?:think|believe|guess|suppose|recall|remember|"
    r"dont (?:know|remember)|m not sure|am not sure))|im(?! not sure)|ive|id|me|myself|(?<!\d )(?<!\d)yo(?! creo)|"
    r"tome|estoy|estuve|probe)\b")

_REFERRAL = re.compile(r"\b(?:pt|pte|(?<!new )patient|paciente|referral|referencia|referring|remito|"
                       r"refiero|dear (?:colleague|dr)|estimad[oa]s? (?:colega|dr)|"
                       r"\d{1,2} ?(?:yo|y/o|m|f)|\d{1,2} ?year ?old (?:male|female|man|woman))\b")

_FOR_A_RELATIVE = re.compile(
    r"\b(?:for|about|para|de parte de|on behalf of|regarding|sobre|por|"
    # "les escribo porque mi hermana...", "calling because my son..."
    r"(?:escribo|escribiendo|writing|calling|llamo|llamando|reaching out) (?:\w+ ){0,2}?(?:because|porque|ya que|"
    r"since|as))\s+(?:getting |helping |bringing |"
    r"ayudar a |(?:una cita|turno) para )?(?:my|mi|our|nuestr[oa])"
    r"\s+(?:\d+[ -]?(?:year[ -]old|yo|anos?)[ -])?(?P<who>" + _RELATIVES + r")\b"
    r"|^(?:\W*(?:hi|hello|hola|buenas|buenos dias|buenas tardes)\W+)?(?:my|mi|our) (?:\d+[ -]?(?:year[ -]"
    r"old|yo|anos?) )?(?P<subject>" + _RELATIVES + r")\b[^.?!]{0,40}?\b(?:needs|was diagnosed|"
    r"has been (?:on|diagnosed|depressed|struggling|suffering)|is struggling|is depressed|"
    r"is suffering|suffers|has (?:depression|anxiety|ocd|ptsd|bipolar|adhd|mdd|trd)|with "
    r"(?:depression|anxiety|ocd|ptsd|bipolar|adhd|mdd|trd|major depress\w*)|necesita|"
    r"tiene (?:depresion|ansiedad|toc|trastorno)|ha estado (?:deprimid\w+|en tratamiento|con)|"
    r"sufre|esta (?:deprimid\w+|en tratamiento)|fue diagnosticad\w+)")

_ILLNESS = (r"(?:depression|depresion|deprimid[oa]|depressed|anxiety|ansiedad|ocd|toc|ptsd|tept|"
            r"bipolar|adhd|tdah|mdd|trd|panic|panico|struggling|suffering)")

_PARENT_OF = re.compile(r"\b(?:soy|i am|im) (?:el|la|the|his|her) (?:padre|madre|mama|papa|father|"
                        r"mother|mom|dad|esposo|esposa|husband|wife|hermano|hermana|brother|sister|"
                        r"abuelo|abuela|grandfather|grandmother|tutor|guardian) (?:de|of)\b")

_RELATIVE_TAKING = re.compile(
    # After a heading-like opening too: "Che, una consulta: mi novio toma ...".
    r"^(?:[^.?!:]{0,30}:\s*)?(?:\W*(?:hi|hello|hola|buenas|buenos dias|buenas tardes|buenas noches)\W+)?(?:my|mi|our) "
    r"(?:\d+[ -]?(?:year[ -]old|yo|anos?) )?(?P<who>" + _RELATIVES + r")\b[^.?!]{0,40}?\b(?:takes|"
    r"took|has been through|went through|has tried|is on|was on|has been on|has taken|had|received|tried|toma|tomo|tomaba|ha tomado|"
    r"recibio|probo|esta con|estuvo con)\b")

# Words for the person written about ("¿le sirve?", "can he", "she is depressed")...
_FOR_THEM = re.compile(
    r"\b(?:(?:can|could|would|does|is|will) (?:he|she|they)\b|(?:he|she|they) (?:is|has been|has|"
    r"needs|wants|would|can|cant|isnt) |(?:help|treatment|appointment|tms|spravato|options?|"
    r"anything|something) for (?:him|her|them)\b|help (?:him|her|them)\b|"
    r"(?:worried|concerned|preocupad[oa]) (?:about|for|por) (?:him|her|them|el|ella)\b|"
    r"(?:open to|options for|try it for|good for) (?:it for )?(?:him|her|them)\b|"
    r"le (?:sirve|serviria|puede|podria|ayudaria|funcionaria)|(?:ella|el) (?:esta|tiene|necesita|"
    r"quiere)|lo pueden|la pueden|pueden (?:verlo|verla|atenderlo|atenderla)|"
    r"(?:esta|anda|sigue) (?:muy )?" + _ILLNESS + r"|(?:do you|can you) (?:see|treat|take) "
    r"(?:adolescents|teens|kids|children|minors|seniors|elderly)|atienden (?:adolescentes|"
    r"menores|ninos))")

# ... against words for the writer ("I myself have only tried", "creo que tengo depresión").
_FOR_ME = re.compile(
    r"\b(?:i (?:think i |feel like i )?(?:have|am|m) (?:\w+ )?" + _ILLNESS + r"|im (?:so |really )?"
    r"(?:depressed|struggling|anxious|worried i)|i myself|me myself|me:|i (?:need|want) (?:help|"
    r"tms|treatment|to try)|(?:i|yo) (?:have |he )?(?:only )?(?:tried|taken|tome|probado|tomado) |"
    r"(?:ive|i have|i ve) (?:only |also |just )?(?:tried|taken|been on|done|had|used)|"
    r"(?:i|ive|i have) never (?:taken|tried|been on) anything|(?:im|i am) (?:a |an )?(?:current |former |new |"
    r"\w+ )?patient|(?:im|i am) the (?:only )?one (?:who|that|in)|"
    r"(?:i|yo) (?:\w+ ){0,2}?(?:havent|no he|no|dont|do not) (?:taken|take|"
    r"tomado|tomo) (?:anything|nada|any|ningun\w*)|(?<!shes )(?<!hes )(?<!she has )(?<!he has )(?<!they have )"
    r"(?<!she )(?<!he )never been on|no he tomado (?:nada|ningun\w*)|"
    r"(?:im|i am) a \d+ ?(?:year|yo\b)|(?:my|mi) (?:own )?(?:depression|anxiety|ocd|ptsd|panic|bipolar|adhd|mood|"
    r"depresion|ansiedad|panico)|i (?:have |had )?never (?:taken|tried|been on)|"
    r"(?:yo )?nunca (?:he tomado|tome|he probado)|creo que (?:tengo|estoy|yo)|tengo " + _ILLNESS +
    r"|estoy " + _ILLNESS + r"|me interesa|i might (?:be|have)|i worry i)")


# The writer saying outright that the help is for them: weighs as much as "writing for my son".
# ... and that it is for someone else: "Es para él la cita", "the appointment is for my son".
_PLAINLY_THEM = re.compile(
    r"\b(?:(?:es|is|its|it is|la cita es|the appointment is|this is) (?:para|for) (?:el|ella|him|her|"
    r"(?:my|mi) " + _RELATIVES + r")\b)")

_PLAINLY_ME = re.compile(
    r"\b(?:(?:im|i am) the (?:only )?one (?:who|that) (?:needs|wants|is looking|is asking|needs)|"
    r"(?:this|it) is for me\b|its for me\b|(?:soy yo|es para mi)\b|"
    r"(?:appointment|help|cita|consulta|ayuda) (?:for|para) (?:me|mi|myself)\b)")


@dataclass(frozen=True)
class Patient:
    """Who the message is about: the writer, a relative the writer names, or a referral's
    patient."""
    kind: str  # "self" | "relative" | "referral"
    relative: str = ""


def who_is_patient(folded: str, first_drug_at: int) -> Patient:
    """Who the message asks the clinic about, by weighing the writer's words for another person
    ("escribo por mi abuela", "my son has been on...", "¿le sirve?") against words for
    themselves ("I have only tried", "creo que tengo depresión")."""
    opening = folded[:220]
    for_relative = _FOR_A_RELATIVE.search(opening)
    parent_of = _PARENT_OF.search(opening)
    relative_taking = _RELATIVE_TAKING.search(opening)
    for_them = len(_FOR_THEM.findall(folded)) + 3 * len(_PLAINLY_THEM.findall(folded)) + (
        3 if for_relative or parent_of else 0) + (
        1 if relative_taking else 0)
    for_me = len(_FOR_ME.findall(folded)) + 3 * len(_PLAINLY_ME.findall(folded))
    if for_them > for_me:
        if for_relative:
            return Patient("relative", for_relative.group("who") or for_relative.group("subject"))
        if relative_taking:
            return Patient("relative", relative_taking.group("who"))
        return Patient("relative", "")
    if _REFERRAL.search(opening) and for_me == 0:
        return Patient("referral")
    # A note about "he" or "she" with no word of the writer's own before the first drug.
    kinds = {p.lastgroup for p in _PERSON.finditer(folded[:first_drug_at])}
    if "third" in kinds and "first" not in kinds and for_me == 0:
        return Patient("referral")
    return Patient("self")


def _last(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    found = None
    for found in pattern.finditer(text):  # noqa: B007 - the last one is wanted
        pass
    return found


def _subject(text: str) -> tuple[str, str] | None:
    """The person nearest the end of `text`: (kind, words)."""
    last = _last(_PERSON, text)
    if last is None:
        return None
    kind = last.lastgroup or ""
    if kind == "bare":  # "sister has anxiety and takes Buspar" in a list of relatives
        return "relative", last.group(kind)
    return kind, last.group(kind)


def _belongs_to_patient(subject: tuple[str, str] | None, patient: Patient) -> bool:
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


# Drugs named as one list ("Abilify, Rexulti or Vraylar"): what is said of one is said of all.
_LIST_GAP = re.compile(r"(?:\s|,|/|&|\b(?:and|or|y|o|e|ou|nor)\b)*")

# A cue followed by these few words and then the drug is about that drug ("wants to add
# Rexulti"); any other cue is about the drug named last before it ("Abilify but I declined",
# "me recetó Abilify pero no me lo tomé").
_LEADS_TO = re.compile(r"(?:\s*\b[a-z]+\b){0,4}\s*")


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
    if after and _LEADS_TO.fullmatch(folded[cue.end():after[0][0].start]):
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


# A not-taken cue said of "it" in the next sentence, which names no drug: "Dr. Lee prescribed
# Auvelity last week; I haven't filled it yet."
# Only never-yet words: "he doesn't want to do it again", "ya no lo tomo" are about something
# else or a stop.
_NOT_YET_OF_IT = re.compile(
    r"\b(?:(?:havent|have not|hasnt|has not|never|didnt|did not|not yet) (?:yet |even |actually )?(?:filled|picked up|"
    r"started|taken|tried|opened|used|gotten|got)|pick(?:ing)? (?:it|them) up)(?: (?:it|them|that one))\b"
    r"|\b(?:(?:todavia|aun|nunca) )?no (?:la|lo|las|los) (?:he |ha )?(?:surtido|comprado|recogido|empezado|"
    r"tomado|probado)\b|\bnunca (?:la|lo|las|los) (?:surti|compre|empece|tome|probe)\b")


def _not_taken_next(folded: str, mention: Mention, mentions: list[Mention]) -> bool:
    if any(m.sentence == mention.sentence and m.start > mention.start for m in mentions):
        return False
    end = mention.sentence[1]
    following = SENTENCE_END.search(folded, end)
    stop = following.end() if following else len(folded)
    if any(end <= m.start < stop for m in mentions):
        return False
    return bool(_NOT_YET_OF_IT.search(folded, end, stop))


# A time to come said right after a drug (and its dose): "switching me from Zoloft to Lexapro
# next week", "empiezo con Lexapro 10 el lunes".
_FROM_A_LATER_DAY = re.compile(
    r"^[\s,]*(?:xr|xl|er|sr)?\s*(?:\d+(?:\.\d+)? ?(?:mg)?\s*)?(?:starting |beginning |from |a partir de(?:l)? |desde )?"
    r"(?:next (?:week|month|monday|tuesday|wednesday|thursday|friday|saturday|sunday)|tomorrow|"
    r"in (?:a|two|2|few) (?:days|weeks)|(?:la )?(?:proxima semana|semana que viene)|"
    r"el (?:lunes|martes|miercoles|jueves|viernes|sabado|domingo) que viene|manana)\b")


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
    for pattern in (_PLANNED, _REFUSED):
        for cue in pattern.finditer(folded, s0, s1):
            group = _attached(cue, groups, folded)
            if mention not in group:
                continue
            if pattern is _REFUSED:
                if group[-1].end <= cue.start() and _OTHER_TREATMENT.search(folded, group[-1].end, cue.start()):
                    continue
                # "received four sessions ... and did not want to go on": stopped, not refused.
                # Read from after a heading ("Meds tried: ... but I declined") or the drug before.
                before_group = [g for g in groups if g[-1].end <= group[0].start]
                start = max(s0, before_group[-1][-1].end if before_group else s0,
                            sentence.rfind(":", 0, group[0].start - s0) + 1 + s0)
                if _PAST.search(folded, start, cue.start()):
                    continue
            return True
    return False


def _received_after(folded: str, mention: Mention, mentions: list[Mention]) -> bool:
    """A treatment named, then said to have been received, before any other drug is named:
    "calling about ketamine. I had three infusions at a clinic"."""
    later = [m.start for m in mentions if m.start > mention.end]
    end = min(later[0] if later else len(folded), mention.sentence[1] + 200)
    next_end = SENTENCE_END.search(folded, mention.sentence[1])
    if next_end:
        end = min(end, next_end.end())
    return bool(_RECEIVED_AFTER.search(folded, mention.end, end))


def is_own_trial(folded: str, mention: Mention, patient: Patient,
                 mentions: list[Mention] | None = None) -> bool:
    """Whether `mention` (one of `mentions`, every drug the message names) is a trial of the
    patient's."""
    mentions = mentions if mentions is not None else [mention]
    s, e = mention.clause
    clause = folded[s:e]
    before = folded[s:mention.start]
    sentence = folded[mention.sentence[0]:mention.sentence[1]]
    if _not_taken(folded, mention, mentions) or _not_taken_next(folded, mention, mentions) or \
            _PLAN_START.search(before):
        return False
    # "stop my Klonopin", "his Zoloft": a medicine someone has is theirs, asked about or not.
    owned = re.search(r"\b(?:my|mi|mis|his|her|su|sus) (?:\w+ )?$", before[-30:])
    received_after = False
    if mention.drug.generic in ("ketamine", "esketamine"):
        # Received: said so in its own words (up to the drugs named beside it), or just after.
        previous = [m.end for m in mentions if m.clause == mention.clause and m.end <= mention.start]
        following = [m.start for m in mentions if m.clause == mention.clause and m.start >= mention.end]
        own_words = folded[previous[-1] if previous else s:following[0] if following else e]
        received_after = _received_after(folded, mention, mentions)
        if not received_after and not _RECEIVED.search(own_words):
            return False
    if mention.drug.generic == "ketamine" and re.search(r"\b(?:spravato|esketamin[ea])\b", sentence):
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
    taken_after = any(not (later and later[0] == window_end and _LEADS_TO.fullmatch(folded[t.end():window_end]))
                      for t in _TAKING_NOW.finditer(folded, max(e, mention.end), window_end))
    asking = _last(_ASKING, before)
    # "can I take Xanax if I'm on Lexapro": the words after the question say Lexapro is taken.
    # "I want to try ketamine because Prozac, Zoloft and Celexa all failed": a reason after the
    # question names what was taken.
    if asking and re.search(r"\b(?:because|since|after|given|porque|ya que|pues|despues de)\b", before[asking.end():]):
        asking = None
    if (asking and not owned and not received_after and not had_it and not _PAST.search(before[asking.end():])
            and not _TAKING_NOW.search(before[asking.end():]) and not taken_after):
        return False
    if clause.rstrip().endswith("?") and not owned and not had_it and not _TAKEN.search(clause) and not taken_after:
        return False
    if _FAMILY_HISTORY.search(sentence):
        return False
    # A drug's own words are no person: the "I" of "a bill if I" (Abilify heard as words).
    masked = _without_drug_names(folded, mentions)
    subject = _subject(masked[s:mention.start]) or _subject(masked[mention.sentence[0]:mention.start])
    # "she upped my Lexapro": the writer's own medicine, whoever changed it.
    if patient.kind == "self" and re.search(r"\b(?:my|mi|mis) (?:(?!" + _RELATIVES + r"\b)[a-z]+(?<!s) )?$",
                                            before[-30:]):
        subject = ("first", "my")
    return _belongs_to_patient(subject, patient)


def _without_drug_names(folded: str, mentions: list[Mention]) -> str:
    out = list(folded)
    for m in mentions:
        out[m.start:m.end] = "x" * (m.end - m.start)
    return "".join(out)


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
