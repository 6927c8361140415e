"""Medication trials from the person's own words: what a prior authorization asks for.

A payer approving TMS or Spravato wants the antidepressant trials behind the request: which
drugs, at what dose, for how long, and how they went. People write that history in their first
message ("tried Zoloft 100 mg for 3 months, then Lexapro, Wellbutrin didn't help"; a referral's
"failed sertraline 200 x 12 wks"). This module suggests those trials with the words they came
from; staff confirm each one before it counts for anything.

How it reads (docs/triage.md, "Medication trials"):

* **Drugs** come from `data/drugs.toml` (US generic names, brands, Spanish names). A word close
  to a name is read as that drug (rapidfuzz), unless it is an ordinary English or Spanish word
  (simplemma's dictionaries), so "zolft" is sertraline and "ability" is not aripiprazole.
* **Numbers written in words** ("fifty milligrams", "tres meses") become digits first
  (text2num), then a dose is a number with mg beside the drug, a duration a number of days,
  weeks, months or years.
* **Only the person's own trials.** A drug in a clause that asks about it, plans it, refuses it
  or gives it to someone else is not a trial; ketamine and esketamine count only when the words
  say they were received (they are what many people ask the clinic for).

Pure and deterministic: no database, no network, no logging of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ._text import Folded, load_toml

RESPONSES = ("no_response", "partial", "side_effects", "worked")
# A word at least this close (rapidfuzz ratio, 0-100) to a drug name is that drug.
FUZZY_AT = 82
FUZZY_MIN_LENGTH = 5


@dataclass(frozen=True)
class Trial:
    drug: str  # lower-case US generic name; a combination as its generics joined by "-"
    drug_class: str
    dose_mg: float | None
    weeks: int | None
    response: str | None  # one of RESPONSES
    spans: tuple[tuple[int, int], ...]  # where the drug is named in the original text

    def as_json(self) -> dict:
        dose = self.dose_mg
        if dose is not None and dose == int(dose):
            dose = int(dose)
        return {"drug": self.drug, "dose_mg": dose, "weeks": self.weeks,
                "response": self.response}


@dataclass(frozen=True)
class _Drug:
    generic: str
    drug_class: str


@cache
def _drug_list() -> dict[str, dict]:
    return load_toml("drugs.toml")


@cache
def _names() -> dict[str, _Drug]:
    table: dict[str, _Drug] = {}
    for generic, entry in _drug_list().items():
        drug = _Drug(generic, entry["class"])
        for name in (generic, *entry.get("names", ())):
            table[name] = drug
    return table


@cache
def _short_names() -> dict[str, _Drug]:
    table: dict[str, _Drug] = {}
    for generic, entry in _drug_list().items():
        for name in entry.get("short", ()):
            table[name] = _Drug(generic, entry["class"])
    return table


@cache
def _name_pattern() -> re.Pattern[str]:
    # A name may run into its dose ("celexa20mg"), never into another word.
    names = sorted(_names(), key=len, reverse=True)
    short = sorted(_short_names(), key=len, reverse=True)
    return re.compile(
        r"(?<![\w-])(?:(?P<name>" + "|".join(re.escape(n) for n in names) + r")(?![a-z-])"
        r"|(?P<short>" + "|".join(re.escape(n) for n in short) + r")(?= ?\d))")


@cache
def _single_word_names() -> tuple[str, ...]:
    return tuple(n for n in _names() if " " not in n and len(n) >= FUZZY_MIN_LENGTH)


@cache
def _by_prefix(word: str) -> _Drug | None:
    """The one drug whose generic name (English or Spanish) begins with `word` ("sert",
    "dulox", "nortrip"), or None when none or several do."""
    table = _drug_list()
    found = {generic for generic, entry in table.items()
             for name in (generic, *entry.get("names", ()))
             if name.startswith(word) and _looks_generic(name, generic)}
    if len(found) != 1:
        return None
    (generic,) = found
    return _Drug(generic, table[generic]["class"])


def _looks_generic(name: str, generic: str) -> bool:
    """A name that is the generic itself or its Spanish form, not a brand: abbreviations
    shorten generic names ("DULOX"), and a brand's first letters ("DOB...") are other words."""
    return name == generic or name[:4] == generic[:4]


@cache
def _is_ordinary_word(word: str) -> bool:
    import simplemma

    return simplemma.is_known(word, lang=("en", "es"))


@cache
def _close_name(word: str) -> str | None:
    from rapidfuzz import fuzz, process

    if len(word) < FUZZY_MIN_LENGTH or word.isdigit() or _is_ordinary_word(word):
        return None
    found = process.extractOne(word, _single_word_names(), scorer=fuzz.ratio,
                               score_cutoff=FUZZY_AT)
    return found[0] if found else None


# --------------------------------------------------------------------------- clauses
_SENTENCE_END = re.compile(r"[.;!?\n]+(?=\s|$)|\n")
_CLAUSE_END = re.compile(r"[.;!?\n]+(?=\s|$)|\n|\s(?:but|pero|however|although|aunque|sin embargo)\s")

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

# --------------------------------------------------------------------------- dose, time, response
_CURRENT = re.compile(r"\b(?:currently|now|still|actualmente|ahora|todavia|sigo)\b")
_MG = r"(?:mg|mgs|milligrams?|miligramos?)"
_DOSE_ANY = re.compile(r"\b(\d+(?:\.\d+)?) ?" + _MG + r"(?![a-z])")
# A number right after the name is its dose ("sertraline 200", "Effexor XR 150").
_DOSE_BARE_AFTER = re.compile(r"^\s*(?:xr|xl|er|sr|cr|odt|ir|,)?\s*(\d+(?:\.\d+)?)\b(?! ?(?:days?|"
                              r"weeks?|wks?|months?|mos?|years?|yrs?|dias?|semanas?|sem|mes(?:es)?|"
                              r"anos?|%|am|pm|yo|times|veces|sessions?|sesiones|infusions?|/))")
_DOSE_BEFORE = re.compile(r"(\d+(?:\.\d+)?) ?" + _MG + r" (?:of |de )?(?:la |el )?$")
_RAISED_TO = re.compile(r"\b(?:up to|went up to|increased to|raised to|titrated to|subi a|"
                        r"subieron a|aumentaron a|hasta) (\d+(?:\.\d+)?)\b")
_DURATION = re.compile(
    r"(?<!hace )(?<!hace unos )(?<!hace como )(?:(?<=x)|\b)(\d+(?:\.\d+)?|a|an|one|two|three|four|five|six|"
    r"seven|eight|nine|ten|eleven|twelve|un|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|"
    r"once|doce|couple of|few)(?: and a half)? ?(?:-| )?(days?|weeks?|wks?|wk|months?|mos?|mths?|"
    r"years?|yrs?|y|w(?!/)|dias?|semanas?|sems?|mes(?:es)?|anos?)\b(?P<half> and a half| y medio)?"
    r"(?![ -](?:ago|old)\b|-old)")
_SMALL = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
          "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "un": 1,
          "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7,
          "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12, "couple of": 2, "few": 3}
_UNIT_WEEKS = (("d", 1 / 7), ("w", 1.0), ("mo", 4.33), ("mt", 4.33), ("me", 4.33), ("y", 52.0),
               ("a", 52.0), ("s", 1.0))
# Several drugs answered at once: "none of them helped", "ninguna me sirvió", "both made me numb".
_ALL_OF_THEM = re.compile(r"\b(?:none of (?:them|these|those)|neither|all (?:of them|without|with)|"
                          r"both|ninguna|ninguno|ninguna de|todas|todos|ambas|ambos|each)\b")

# The person's own words for how a medicine went. Side effects first: "failed due to weight
# gain" is a side effect; then no response, then partial, then worked.
_RESPONSE_WORDS = (
    ("side_effects", re.compile(
        r"\b(?:side ?effects?|nause\w*|vomit\w*|weight gain|gain(?:ed)? (?:\d+|weight|so much)|"
        r"couldnt tolerate|could not tolerate|intoleran\w*|not tolerated|poorly tolerated|"
        r"made me (?:sick|numb|a zombie|zombie|feel (?:worse|awful|terrible|numb|flat|weird))|"
        r"zombie|numb\w*|flat|dizz\w*|insomnia|sexual|libido|headaches?|rash|tremors?|shak\w+|"
        r"restless\w*|akathisia|groggy|drowsy|sedat\w*|sweat\w*|dry mouth|constipat\w*|"
        r"agitat\w*|anxious|anxiety|jittery|irritab\w*|manic|hair (?:loss|fell out)|lethargic|"
        r"wt gain|weight|efectos (?:secundarios|adversos)|no (?:lo|la) tolere|mareos?|nauseas?|subi de peso|"
        r"engorde|temblor\w*|temblaban?|me temblaban|ansiedad|sudor\w*|somnolencia|se me caia el "
        r"pelo|me dejo (?:como )?(?:zombi|plan[oa])|insomnio)\b")),
    ("no_response", re.compile(
        r"\b(?:didnt (?:help|work|do)|did not (?:help|work|do)|doesnt (?:help|work|do)|does not "
        r"(?:help|work|do)|hasnt (?:really )?(?:done|helped|worked)|has not (?:really )?(?:done|"
        r"helped|worked)|never (?:really )?(?:did|helped|worked)|not (?:made )?(?:one bit of |any )?"
        r"difference|no (?:effect|response|improvement|benefit|change|difference|help)|nothing|"
        r"(?:none of them|neither|ninguna|ninguno) (?:\w+ )?(?:helped|worked|did|sirvio|funciono|"
        r"ayudo|me sirvio|me funciono|me ayudo)|without (?:\w+ )?(?:response|benefit|improvement)|"
        r"failed|failure|non ?responder|nr|ineffective|not effective|useless|did zero|zero effect|"
        r"stopped working|quit working|no me (?:sirvio|funciono|ayudo|hizo)|"
        r"sin (?:\w+ )?(?:efecto|respuesta|mejoria|resultado|cambio)|no funciono|no sirvio|nada|"
        r"no (?:siento|senti|note|vi) (?:ninguna |ningun )?(?:mejoria|diferencia|cambio))\b")),
    ("partial", re.compile(
        r"\b(?:partial\w*|helped (?:a little|a bit|some|somewhat|slightly|for a while|maybe)|"
        r"helps? (?:a little|a bit|some|somewhat)|a little|a bit|somewhat|some improvement|"
        r"some help|took the edge off|takes the edge off|okay ?ish|ok ?ish|kind of helped|sort of "
        r"helped|only helped|barely|\d+ ?%|me ayudo (?:un poco|algo)|me ha ayudado (?:algo|un "
        r"poco)|un poco|algo de mejoria|parcial\w*|a medias|mas o menos)\b")),
    ("worked", re.compile(
        r"\b(?:worked|works|helped|helps|good response|responded|improved|remission|great|"
        r"funciono|funciona|me ayudo|me sirvio|mejore|me fue bien|le fue bien)\b")),
)


def _number(word: str) -> float:
    return float(_SMALL[word]) if word in _SMALL else float(word)


def _weeks(match: re.Match[str]) -> int:
    amount = _number(match.group(1))
    if "and a half" in match.group(0) or match.group("half"):
        amount += 0.5
    unit = match.group(2)
    for prefix, factor in _UNIT_WEEKS:
        if unit.startswith(prefix):
            return max(round(amount * factor), 1 if prefix == "d" else 0)
    return round(amount)


def _digits(text: str) -> str:
    """Numbers written in words as digits, in both languages, lengths unchanged where possible
    (only the dose and duration windows are read from this copy)."""
    from text_to_num import alpha2digit

    try:
        return alpha2digit(alpha2digit(text, "en"), "es")
    except Exception:  # noqa: BLE001 - a library failure must not lose the message's drugs
        return text


def _clauses(folded: str, ends: re.Pattern[str] = _CLAUSE_END) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for m in ends.finditer(folded):
        bounds.append((start, m.end()))
        start = m.end()
    bounds.append((start, len(folded)))
    return [(s, e) for s, e in bounds if e > s]


@dataclass
class _Mention:
    drug: _Drug
    start: int  # offsets in the folded text
    end: int
    clause: tuple[int, int]
    sentence: tuple[int, int]


def _mentions(f: Folded) -> list[_Mention]:
    folded = f.folded
    clauses = _clauses(folded)
    sentences = _clauses(folded, _SENTENCE_END)
    found: list[tuple[int, int, _Drug]] = []
    taken = [False] * len(folded)
    for m in _name_pattern().finditer(folded):
        drug = _names()[m.group("name")] if m.group("name") else _short_names()[m.group("short")]
        found.append((m.start(), m.end(), drug))
        taken[m.start():m.end()] = [True] * (m.end() - m.start())
    for m in re.finditer(r"(?<![\w-])([a-z]{3,8})(?![a-z-])(?=( ?(?:xr|xl|er|sr|carb )?\d)?)", folded):
        # Clinicians' abbreviations: a generic's first letters in capitals ("SERT 200 x12wk",
        # "Failed: ESC, DULOX") or before a dose ("nortrip 100", "mirt 45").
        if any(taken[m.start():m.end()]):
            continue
        written = f.text[slice(*f.span(m.start(), m.end()))]
        if written.isupper() or (m.group(2) and len(m.group(1)) >= 4
                                 and not _is_ordinary_word(m.group(1))):
            drug = _by_prefix(m.group(1))
            if drug:
                found.append((m.start(), m.end(), drug))
                taken[m.start():m.end()] = [True] * (m.end() - m.start())
    for m in re.finditer(rf"[a-z][a-z-]{{{FUZZY_MIN_LENGTH - 1},}}", folded):
        if any(taken[m.start():m.end()]):
            continue
        name = _close_name(m.group(0))
        # "Señor" folds to "senor": the word as written must not be an ordinary word either.
        if name and not _is_ordinary_word(f.text[slice(*f.span(m.start(), m.end()))].lower()):
            found.append((m.start(), m.end(), _names()[name]))
    found.sort(key=lambda f: f[0])
    out = []
    for start, end, drug in found:
        clause = next(((s, e) for s, e in clauses if s <= start < e), (0, len(folded)))
        sentence = next(((s, e) for s, e in sentences if s <= start < e), (0, len(folded)))
        out.append(_Mention(drug, start, end, clause, sentence))
    return out


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
class _Patient:
    """Who the message is about: the writer, a relative the writer names, or a referral's
    patient."""
    kind: str  # "self" | "relative" | "referral"
    relative: str = ""


def _patient(folded: str, first_drug_at: int) -> _Patient:
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
            return _Patient("relative", for_relative.group("who") or for_relative.group("subject"))
        if relative_taking:
            return _Patient("relative", relative_taking.group("who"))
        return _Patient("relative", "")
    if _REFERRAL.search(opening) and for_me == 0:
        return _Patient("referral")
    # A note about "he" or "she" with no word of the writer's own before the first drug.
    kinds = {p.lastgroup for p in _PERSON.finditer(folded[:first_drug_at])}
    if "third" in kinds and "first" not in kinds and for_me == 0:
        return _Patient("referral")
    return _Patient("self")


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


def _belongs_to_patient(subject: tuple[str, str] | None, patient: _Patient) -> bool:
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


def _is_own_trial(folded: str, mention: _Mention, patient: _Patient) -> bool:
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


def _scope(folded: str, mentions: list[_Mention], i: int) -> str:
    """What is said of mention i: from it to the next drug named, within its sentence, and the
    next sentence too when that one names no drug ("I was on Lexapro for a year. It never did
    much.")."""
    m = mentions[i]
    following = mentions[i + 1].start if i + 1 < len(mentions) else len(folded)
    end = min(following, m.sentence[1])
    if following > m.sentence[1]:
        after_sentence = _clauses(folded[m.sentence[1]:], _SENTENCE_END)
        if after_sentence:
            next_end = m.sentence[1] + after_sentence[0][1]
            if next_end <= following:
                end = next_end
    return folded[m.end:end]


def _dose(scope: str, before: str) -> float | None:
    digits = _digits(scope)
    bare = _DOSE_BARE_AFTER.search(digits)
    found = [float(x) for x in _DOSE_ANY.findall(digits)]
    found += [float(x) for x in _RAISED_TO.findall(digits) if float(x) <= 1200]
    if bare and 0 < float(bare.group(1)) <= 1200:
        found.append(float(bare.group(1)))
    if not found:
        m = _DOSE_BEFORE.search(_digits(before))
        return float(m.group(1)) if m else None
    return max(found)


def _response(text: str) -> str | None:
    for name, pattern in _RESPONSE_WORDS:
        if pattern.search(text):
            return name
    return None


def extract_trials(text: str | None) -> list[Trial]:
    """The psychiatric medication trials `text` describes, in the order first named."""
    if not text or not isinstance(text, str) or not text.strip():
        return []
    f = Folded(text)
    folded = f.folded
    mentions = _mentions(f)
    if not mentions:
        return []
    patient = _patient(folded, mentions[0].start)
    merged: dict[str, dict] = {}
    for i, m in enumerate(mentions):
        if not _is_own_trial(folded, m, patient):
            continue
        scope = _scope(folded, mentions, i)
        in_clause = [o for o in mentions if o.clause == m.clause]
        previous_end = mentions[i - 1].end if i and mentions[i - 1].clause == m.clause else m.clause[0]
        before = folded[previous_end:m.start]
        dose = _dose(scope[:80], before[-40:])
        # A duration belongs to the drug when it follows it ("sertraline for 3 months") or,
        # with one drug in the clause, anywhere in the clause ("3 months of sertraline").
        alone = len(in_clause) == 1
        duration = _DURATION.search(_digits(scope if not alone else
                                            folded[m.clause[0]:m.start] + " . " + scope))
        response = _response(scope)
        clause_text = folded[m.clause[0]:m.clause[1]]
        if response is None and len(in_clause) > 1:
            # "tried Zoloft, Prozac and Lexapro, none of them helped": said of all of them.
            last = in_clause[-1]
            tail = folded[last.end:m.clause[1]]
            if _ALL_OF_THEM.search(tail) or _ALL_OF_THEM.search(clause_text[:in_clause[0].start - m.clause[0]]):
                response = _response(tail)
        if response is None and not _CURRENT.search(before):
            # "failed sertraline 200, escitalopram 20": a cue before a list covers the list,
            # up to a drug taken now ("..., currently on bupropion").
            response = _response(folded[m.clause[0]:in_clause[0].start])
        entry = merged.setdefault(m.drug.generic, {"drug": m.drug, "dose": None, "weeks": None,
                                                   "response": None, "spans": []})
        entry["spans"].append(f.span(m.start, m.end))
        if dose is not None:
            entry["dose"] = max(dose, entry["dose"] or 0)
        if duration and entry["weeks"] is None:
            entry["weeks"] = _weeks(duration)
        if response and entry["response"] is None:
            entry["response"] = response
    return [Trial(e["drug"].generic, e["drug"].drug_class, e["dose"], e["weeks"], e["response"],
                  tuple(e["spans"])) for e in merged.values()]
