"""Whether a drug named in a message is a trial of the person the message is about: who that
is (the writer, a relative the writer names, a referral's patient), and the clause's words
that make a mention something other than a trial (asked about, planned, refused, family
history, someone else's). Used by `trials`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from zoelife.triage.drug_mentions import Mention

_ASKING = re.compile(
    r"\b(?:what about|how about|interested in|curious about|heard (?:about|of|that)|thinking "
    r"(?:about|of)|ask(?:ing)? about|wondering (?:about|if|whether)|would .{0,30}(?:help|work)|"
    r"could .{0,30}(?:help|work)|is .{0,30}an option|me interesa|quisiera saber|"
    r"(?:sirve|funciona) (?:el|la)|podria(?:n)? (?:probar|darme|recetarme)|considering|"
    r"want(?:s|ed)? to (?:try|start|get)|would like to (?:try|start)|instead of|rather than|"
    r"quiero (?:probar|empezar)|worth (?:trying|a try)|should i (?:try|take|ask)|can i (?:try|take|get)|"
    r"could i (?:try|take|get)|vale la pena|deberia (?:probar|tomar))\b")

# "Does TMS interact with Adderall? I take 30mg": the next words say it is taken.
_TAKING_NOW = re.compile(r"\b(?:i take|im on|i am on|ive been on|tomo|estoy con|i use)\b")

_FAMILY_HISTORY = re.compile(r"\b(?:family (?:history|hx)|fhx|fh:|antecedentes familiares|"
                             r"runs in (?:the|my|our) family|hereditar\w+)")

_PAST = re.compile(r"\b(?:took|tried|was on|been on|failed|had|done|received|tome|tomo|tomaba|"
                   r"probe|probo|estuve|estuvo|recibi|recibio)\b")

# A plan's imperative at the start of a clause: "Start bupropion XL 150", "Iniciar sertralina".
_PLAN_START = re.compile(r"^\W*(?:plan:?\s*)?(?:start|begin|initiate|add|trial of|iniciar|"
                         r"comenzar|agregar|anadir)\b")

_PLANNED = re.compile(
    r"\b(?:about to start|going to start|gonna start|will start|start(?:ing)? (?:next|tomorrow|"
    r"on monday|soon)|"
    r"(?:start|starting|try|trying) (?:\w+ ){0,2}(?:on )?(?:next|tomorrow|soon|monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday|this week|el lunes|manana|la proxima)|"
    r"never (?:\w+ )?(?:filled|picked up|started|took|taken|opened|used|tried)|"
    r"didnt (?:fill|start|pick up|open)|nunca (?:lo |la )?(?:compre|empece|tome|probe|use|abri)|"
    r"todavia no (?:empezo|empece|empieza)|aun no (?:la |lo )?(?:ha empezado|empezo|empece)|"
    r"wants? me to (?:start|try|take)|(?:offered|suggested|recommended|mentioned) (?:me )?(?!.*"
    r"(?:took|tried|was on|been on|taking))|supposed to start|"
    r"(?:just |was )?prescribed .{0,40}(?:havent|have not|not yet)|"
    r"havent (?:started|taken|tried)|have not (?:started|taken|tried)|never (?:took|taken|tried)|"
    r"voy a (?:empezar|comenzar|tomar)|(?:me )?(?:ofrecio|ofrecieron|sugirio|sugirieron|recomendo)"
    r" (?!.*(?:tome|probe|estuve))|empiezo|va a empezar|no he (?:empezado|tomado|probado)|"
    r"nunca (?:he tomado|tome|probe))\b")

_REFUSED = re.compile(
    r"\b(?:declined|refused|turned (?:it |that )?down|said no|did not want|didnt want|dont want|"
    r"do not want|wont take|would not take|wouldnt take|rechace|no (?:lo |la |los |las )?quise|"
    r"no quiero tomar(?:lo|la)?|no (?:lo |la )?acepte|(?:le |les )?dije que no|(?:ella|el) no quiere|"
    r"(?:he|she) (?:doesnt|does not|didnt) want|no quiso)\b")

_TAKEN = re.compile(
    r"\b(?:gave me|prescribed me|put me on|had me on|me recetaron|me dio|me dieron|took|taken|take|takes|taking|tried|trying|been on|was on|were on|am on|im on|is on|"
    r"currently on|on it|had|have had|did|done|received|failed|failure|trial|trials|course|"
    r"sessions?|infusions?|treatments?|doses?|dosed|stopped|quit|weaned|tapered|switched|"
    r"tome|tomo|tomaba|tomado|probe|probado|estuve|estoy con|recibi|sesiones|infusiones|"
    r"dejo|deje|me recetaron|me dieron|s/p|hx|history|adequate|x\d|mg|augment\w*)\b")

_RECEIVED = re.compile(
    r"\b(?:had|have had|did|done|received|got|went through|completed|finished|tried|sessions?|"
    r"infusions?|treatments?|rounds?|courses?|doses?|was on|been on|am on|im on|currently|"
    r"program|was in|did the|mg|weeks?|months?|"
    r"recibi|hice|tuve|sesiones|infusiones|tratamientos|probe|me pusieron|estuve)\b")

_RELATIVES = (r"(?:mom|mother|mum|dad|father|husband|wife|sister|brother|friend|son|daughter|"
              r"partner|boyfriend|girlfriend|fiance|cousin|aunt|uncle|grandma|grandmother|grandpa|"
              r"grandfather|roommate|teen|teenager|kid|child|mama|papa|madre|padre|esposo|esposa|"
              r"marido|hermano|hermana|hijo|hija|amigo|amiga|novio|novia|abuela|abuelo|tia|tio|"
              r"prima|primo|pareja)")

# Who a clause is about, nearest first: a relative, a pronoun for someone else, the patient of
# a referral, or the writer.
_PERSON = re.compile(
    r"\b(?P<relative>(?:my|mi|his|her|their|our|su|sus|nuestr[oa]|a|an|the|un|una|el|la) "
    r"(?:\w+ )?" + _RELATIVES + r")\b"
    r"|\b(?P<third>he(?! (?:tomado|probado|estado|sido|tenido|intentado|usado|recibido|dejado))|"
    r"she|hes|shes|him|his|her|they|ella)\b"
    r"|\b(?P<patient>pt|pte|patient|paciente|the patient|la paciente|el paciente|mr|mrs|ms|sr|sra)\b"
    r"|\b(?P<first>i|im|ive|id|me|myself|yo|tome|estoy|estuve|probe)\b")

_REFERRAL = re.compile(r"\b(?:pt|pte|patient|paciente|referral|referencia|referring|remito|"
                       r"refiero|dear (?:colleague|dr)|estimad[oa]s? (?:colega|dr)|"
                       r"\d{1,2} ?(?:yo|y/o|m|f)|\d{1,2} ?year ?old (?:male|female|man|woman))\b")

_FOR_A_RELATIVE = re.compile(
    r"\b(?:for|about|para|de parte de|on behalf of|regarding|sobre|por)\s+(?:my|mi|our|nuestr[oa])"
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
    r"^(?:\W*(?:hi|hello|hola|buenas|buenos dias|buenas tardes|buenas noches)\W+)?(?:my|mi|our) "
    r"(?:\d+[ -]?(?:year[ -]old|yo|anos?) )?(?P<who>" + _RELATIVES + r")\b[^.?!]{0,40}?\b(?:takes|"
    r"took|is on|was on|has been on|has taken|had|received|tried|toma|tomo|tomaba|ha tomado|"
    r"recibio|probo|esta con|estuvo con)\b")

# Words for the person written about ("¿le sirve?", "can he", "she is depressed")...
_FOR_THEM = re.compile(
    r"\b(?:(?:can|could|would|does|is|will) (?:he|she|they)\b|(?:he|she|they) (?:is|has been|has|"
    r"needs|wants|would|can|cant|isnt) |(?:help|treatment|appointment|tms|spravato|options?|"
    r"anything|something) for (?:him|her|them)\b|help (?:him|her|them)\b|"
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
    r"(?:ive|i have|i ve) (?:only )?(?:tried|taken|been on)|(?:i|yo) (?:havent|no he|no) (?:taken|"
    r"tomado|tomo) (?:anything|nada)|never been on|i (?:have |had )?never (?:taken|tried|been on)|"
    r"(?:yo )?nunca (?:he tomado|tome|he probado)|creo que (?:tengo|estoy|yo)|tengo " + _ILLNESS +
    r"|estoy " + _ILLNESS + r"|me interesa|i might (?:be|have)|yo tambien|i worry i)")


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
    for_them = len(_FOR_THEM.findall(folded)) + (3 if for_relative or parent_of else 0) + (
        1 if relative_taking else 0)
    for_me = len(_FOR_ME.findall(folded))
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


def is_own_trial(folded: str, mention: Mention, patient: Patient) -> bool:
    s, e = mention.clause
    clause = folded[s:e]
    before = folded[s:mention.start]
    sentence = folded[mention.sentence[0]:mention.sentence[1]]
    # Planned or refused: the whole sentence ("was offered Abilify but declined").
    refused = _REFUSED.search(sentence)
    if refused and _PAST.search(sentence[:refused.start()]):
        refused = None  # "received four sessions ... and did not want to go on": stopped, not refused
    if _PLANNED.search(sentence) or refused or _PLAN_START.search(before):
        return False
    if mention.drug.generic in ("ketamine", "esketamine") and not _RECEIVED.search(clause):
        return False
    if mention.drug.generic == "ketamine" and re.search(r"\b(?:spravato|esketamin[ea])\b", sentence):
        return False  # "the nasal spray ketamine thing (Spravato)": one drug, esketamine
    # "stop my Klonopin", "his Zoloft": a medicine someone has is theirs, asked about or not.
    owned = re.search(r"\b(?:my|mi|mis|his|her|su|sus) (?:\w+ )?$", before[-30:])
    asking = _last(_ASKING, before)
    if asking and not owned and not _PAST.search(before[asking.end():]):
        return False
    if clause.rstrip().endswith("?") and not owned and not _TAKEN.search(clause) and not \
            _TAKING_NOW.search(folded[mention.end:mention.sentence[1] + 80]):
        return False
    if _FAMILY_HISTORY.search(sentence):
        return False
    subject = _subject(before) or _subject(folded[mention.sentence[0]:mention.start])
    return _belongs_to_patient(subject, patient)
