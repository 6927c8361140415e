"""Medication trials from the person's own words: what a prior authorization asks for.

A payer approving TMS or Spravato wants the antidepressant trials behind the request: which
drugs, at what dose, for how long, and how they went. People write that history in their first
message ("tried Zoloft 100 mg for 3 months, then Lexapro, Wellbutrin didn't help"; a referral's
"failed sertraline 200 x 12 wks"). This module suggests those trials with the words they came
from; staff confirm each one before it counts for anything.

How it reads (docs/triage.md, "Medication trials"):

* **Drugs** come from `data/drugs.toml` (US generic names, brands, Spanish and Portuguese
  names, the literature's abbreviations). A word close to a name, as written or vowel-blind, is
  read as that drug (rapidfuzz), unless it is an ordinary English, Spanish, Portuguese or
  French word (simplemma's dictionaries), so "zolft" is sertraline and "ability" is not aripiprazole;
  ordinary words a voicemail transcript made of a name ("Sarah quell") are read by how they
  sound (Metaphone) where a medicine is talked of.
  Gabapentin, pregabalin, clonidine and pramipexole count only when taken for a psychiatric
  reason.
* **Numbers written in words** ("fifty milligrams", "tres meses") become digits first
  (text2num), then a dose is a number with mg beside the drug, a duration a number of days,
  weeks, months or years.
* **Only the person's own trials.** A drug asked about, planned, refused or someone else's is
  not a trial (a plan or refusal is about the drug its words lead to or follow, not the whole
  sentence), nor is a name taken back ("I wrote Paxil but I meant Prozac"); ketamine and esketamine count only when the words say they were received (they
  are what many people ask the clinic for, "calling about ketamine").

Pure and deterministic: no database, no network, no logging of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zoelife.triage.dose_words import hundreds_said_short
from zoelife.triage.drug_mentions import SENTENCE_END, Mention, clause_bounds, find_mentions
from zoelife.triage.taken_back import disowned
from zoelife.triage.trial_owner import is_own_trial
from zoelife.triage.trial_patient import who_is_patient

from ._text import Folded

RESPONSES = ("no_response", "partial", "side_effects", "worked")


@dataclass(frozen=True)
class Trial:
    drug: str  # lower-case US generic name; a combination as its generics joined by "-"
    drug_class: str
    dose_mg: float | None
    weeks: int | None
    response: str | None  # one of RESPONSES
    spans: tuple[tuple[int, int], ...]  # where the drug is named in the original text

    @property
    def response_words(self) -> str:
        """The response as staff read it: "no response", "side effects", or ""."""
        return (self.response or "").replace("_", " ")

    def as_json(self) -> dict:
        dose = self.dose_mg
        if dose is not None and dose == int(dose):
            dose = int(dose)
        return {"drug": self.drug, "dose_mg": dose, "weeks": self.weeks,
                "response": self.response}


_CURRENT = re.compile(r"\b(?:currently|now|still|actualmente|ahora|todavia|sigo)\b")

_MG = r"(?:mg|mgs|milligrams?|miligramos?|miligramas?|мг|毫克)"

_NUMBER = r"(\d+(?:\.\d+)?|\.\d+)"  # ".5" too: "klonopin .5 at night"

_DOSE_ANY = re.compile(r"(?<![\w.])" + _NUMBER + r" ?" + _MG + r"(?![a-z])")

# A number right after the name is its dose ("sertraline 200", "Effexor XR 150").
# "sertralina de 100": Spanish names a tablet's strength with "de"; "upped my Zoloft to 100",
# "me subió la venlafaxina a 225" say the dose it went to.
# A voicemail's fillers and an article may stand between ("Zoloft uh one fifty", "the sertraline
# the fifty", "la sertralina la de cien").
_DOSE_BARE_AFTER = re.compile(r"^\s*(?:xr|xl|er|sr|cr|odt|ir|,)?\s*(?:(?:uh|um|er|the|la|el)\s+){0,2}"
                              r"(?:(?:de|a|to|hasta)\s+)?" + _NUMBER + r"(?!\.?\d)\b(?! ?(?:days?|"
                              r"weeks?|wks?|months?|mos?|years?|yrs?|dias?|semanas?|sem|mes(?:es)?|"
                              r"anos?|%|am|pm|yo|times|veces|sessions?|sesiones|infusions?|/))")

_DOSE_BEFORE = re.compile(r"(\d+(?:\.\d+)?) ?" + _MG + r" (?:of |de )?(?:la |el )?$")

# How many times a day a dose is taken: the daily dose is what a payer asks for ("pregabalin
# 150 bid" is 300 mg a day, "buspirona 10 mg dos veces al día" 20).
_TIMES_A_DAY = (
    (2, r"bid|b\.i\.d\.?|twice (?:a |per |each )?day|twice daily|2 ?x ?(?:a |per )?day|2 ?times (?:a |per )?day|"
        r"2 ?times daily|two times (?:a |per )?day|two times daily|dos veces (?:al|por|a|en el) dia|"
        r"2 veces (?:al|por|a) dia|duas vezes (?:ao|por) dia|cada 12 horas"),
    (3, r"tid|t\.i\.d\.?|3 ?x ?(?:a |per )?day|3 ?times (?:a |per )?day|3 ?times daily|three times (?:a |per )?day|"
        r"three times daily|tres veces (?:al|por|a) dia|3 veces (?:al|por|a) dia|tres vezes (?:ao|por) dia|"
        r"cada 8 horas"),
    (4, r"qid|q\.i\.d\.?|4 ?times (?:a |per )?day|four times (?:a |per )?day|cuatro veces al dia"),
)
_DOSE_TIMES = re.compile(_NUMBER + r" ?(?:" + _MG + r")?(?: (?:po|orally|by mouth|tabs?|tablets?|pills?))? "
                         r"(?:" + "|".join(f"(?P<x{n}>{words})" for n, words in _TIMES_A_DAY) + r")\b")

_DOSE_WORDS = re.compile(r"\b(one|two|three|four|five|six|seven|eight|nine|ten|dos|tres|cuatro|cinco|"
                         r"seis|siete|ocho|nueve|diez|dois|duas|quatro) " + _MG + r"(?![a-z])")

# "10 → 20", "75 -> 150 -> 225", "upped it to 20", "(max 200)": the dose it went to.
_RAISED_TO = re.compile(r"(?:\b(?:up to|went up to|(?:increased|raised|upped|bumped) (?:it |him |her |me )?(?:up )?to|"
                        r"titrated to|then|luego|subi a|subieron a|aumentaron a|hasta|max|maximum)|→|->|=>) ?"
                        r"(\d+(?:\.\d+)?)\b")

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

_SMALL = {"dois": 2, "duas": 2, "quatro": 4, "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
          "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "un": 1,
          "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7,
          "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12, "couple of": 2, "few": 3}

_UNIT_WEEKS = (("d", 1 / 7), ("ja", 52.0), ("j", 1 / 7), ("w", 1.0), ("mo", 4.33), ("mt", 4.33), ("me", 4.33), ("y", 52.0),
               ("a", 52.0), ("s", 1.0), ("t", 1 / 7), ("g", 1 / 7))

# Several drugs answered at once: "none of them helped", "ninguna me sirvió", "both made me numb".
_ALL_OF_THEM = re.compile(r"\b(?:none of (?:them|these|those)|none (?:with|helped|worked|did|made)|neither|"
                          r"all (?:of them|without|with|d/?c|discontinued|stopped)|"
                          r"(?:(?<=[.;:,!?] )|(?<=\band )|(?<=\by )|(?<=\bpero )|(?<=\bbut )|(?<=\bque ))"
                          r"(?:nothing|nada)|"
                          r"both|ninguna|ninguno|ninguna de|todas|todos|ambas|ambos|each|nenhum|nenhuma)\b")

# "The Remeron was the only one that did anything": the others named before it did nothing.
_ONLY_ONE = re.compile(
    r"\b(?:was|is|has been) (?:the )?only (?:one|thing|med\w*|drug|pill) (?:that|which|to) (?:\w+ ){0,2}?"
    r"(?:helped|worked|did (?:anything|something|much)|made (?:a|any) difference|ever helped)|"
    r"(?:fue|es|ha sido) (?:el|la) unic[oa] que (?:me )?(?:\w+ )?(?:ayudo|sirvio|funciono|hizo algo)")

# The person's own words for how a medicine went. Side effects first: "failed due to weight
# gain" is a side effect; then no response, then partial, then worked.
_RESPONSE_WORDS = (
    ("side_effects", re.compile(
        r"\b(?:side ?effects?|nause\w*|vomit\w*|weight gain|gain(?:ed)? (?:\d+|weight|so much)|"
        r"couldnt tolerate|could not tolerate|intoleran\w*|not tolerated|poorly tolerated|"
        r"made me (?:sick|numb|a zombie|zombie|feel (?:worse|awful|terrible|numb|flat|weird))|"
        r"zombie|numb(?:ness|ed)?|flat|dizz\w*|insomnia|sexual|libido|headaches?|rash|tremors?|shak\w+|"
        r"restless\w*|akathisia|groggy|drowsy|sedat\w*|sweat\w*|dry mouth|constipat\w*|"
        # "for anxiety", "help with anxiety" is why it was taken, not what it did.
        r"agitat\w*|anxious|(?<!for )(?<!with )(?<!my )anxiety|jittery|irritab\w*|manic|hair (?:loss|fell out)|lethargic|"
        r"wt gain|weight|efectos (?:secundarios|adversos)|no (?:lo|la) tolere|mareos?|nauseas?|subi de peso|"
        r"engorde|temblor\w*|temblaban?|me temblaban|(?<!para la )(?<!por la )(?<!con la )(?<!mi )ansiedad|sudor\w*|somnolencia|se me caia el "
        r"pelo|me dejo (?:como )?(?:zombi|plan[oa])|insomnio|"
        r"(?:subi|aumente|gane) (?:\w+ )?de peso|(?:me )?engordo|engordei|ganho de peso|prise de poids|"
        r"appetite|apetito|hambre|ate (?:everything|constantly|all the time|nonstop)|"
        r"gi (?:se|upset|issues|problems|side effects)|sexual se|upset stomach|stomach|diarrh?ea|"
        r"estomago|couldnt (?:pee|sleep|think|function)|could not (?:pee|sleep)|cant sleep|"
        r"no podia dormir|urinary|hungover|hangover|resaca|presion alta|"
        r"(?:raised|increased|high|spiked|elevated) (?:my )?blood pressure|blood pressure (?:went up|spiked|rose)|"
        r"heart (?:racing|raced|was racing|palpitations)|palpitations?|corazon|maread[oa]|mareaba|"
        r"sedacion|sarpullido|erupcion|acatisia|insonia|liver|higado|transaminasas|seizures?|"
        r"hypothyroid\w*|boca seca|estrenimiento|efeitos colaterais|effetti collaterali|tontura|enjoo|"
        r"(?:too |so |very )?sleepy|intolerable|anticholinergic|skin irritation|"
        r"(?:had|gave me|caused|got|triggered) (?:a |an )?panic attacks?|n/v|"
        r"inquietud|aumento de peso|dolor(?:es)? de cabeza|zugenommen|gewichtszunahme|nebenwirkungen)\b")),
    ("no_response", re.compile(
        # Texting: "never rly did nothin", "didnt rly do anything"; Spanish "sigo igual".
        r"\b(?:(?:didnt|did not|never) (?:really |rly |realy )?(?:did|do) (?:anything|nothing|nothin|much)|"
        r"never (?:rly|realy) (?:did|helped|worked)|did nothin|(?:sigo|sigue|estoy|esta) igual|"
        r"didnt (?:help|work|do)|did not (?:help|work|do)|doesnt (?:help|work|do)|does not "
        r"(?:help|work|do)|hasnt (?:really )?(?:done|helped|worked)|has not (?:really )?(?:done|"
        r"helped|worked)|never (?:really )?(?:did|helped|worked)|not (?:made )?(?:one bit of |any )?"
        r"difference|no (?:real |meaningful |significant |noticeable |much )?(?:effect|response|resp|"
        r"improvement|benefit|change|difference|help|relief)|(?<!on )nothing|"
        r"didnt feel (?:any )?(?:different|better)|not (?:really )?doing (?:much|anything)|"
        r"nao (?:funcionou|ajudou|fez efeito)|sem melhora|ohne wirkung|"
        r"(?:none of them|none|neither|ninguna|ninguno) (?:\w+ )?(?:helped|worked|did|sirvio|funciono|"
        r"ayudo|me sirvio|me funciono|me ayudo)|without (?:\w+ )?(?:response|benefit|improvement)|"
        r"(?:hasnt|has not|havent|have not|didnt|did not|never) (?:really )?improved|"
        r"failed|failure|non ?responder|nr|ineffective|not effective|useless|did zero|zero effect|"
        r"none (?:with|had) (?:a |any )?(?:\w+ )?(?:response|benefit|improvement|effect)|"
        r"nothing (?:has |have |ever )?(?:worked|helped)|nada (?:ha |me ha )?(?:funcionado|servido|ayudado)|"
        r"stopped working|quit working|no me (?:sirvio|funciono|ayudo|hizo)|"
        r"sin (?:\w+ )?(?:efecto|respuesta|mejoria|resultado|cambio)|no funciono|no sirvio|nada|"
        r"no (?:siento|senti|note|vi) (?:ninguna |ningun )?(?:mejoria|diferencia|cambio)|"
        r"no (?:ve|veo|vio) (?:ninguna |ningun )?(?:mejoria|cambio)|"
        r"no (?:me |le )?hace (?:nada|efecto)|no (?:me |le )?sirve|no le (?:ayudo|sirvio|funciono)|"
        r"not (?:really )?(?:helping|doing it)|never touched|no (?:added|addl|add l|additional) benefit|"
        r"minimal (?:response|resp)|(?:not|none) adequately effective|didnt really (?:help|work)|"
        r"none of (?:it|them) (?:helped|worked)|(?:neither|none) (?:has|have|had) (?:made|done) (?:a|any)|"
        r"w/?o (?:sig\w*|significant|meaningful|any) (?:improvement|benefit|response)|failing|"
        r"(?:has |have |had )?not responded|hasnt responded|did not respond|didnt respond|no respondio|"
        r"no (?:me |le )?funciona|ohne (?:\w+ )?wirkung)\b")),
    ("partial", re.compile(
        r"\b(?:partial\w*|helped (?:a little|a bit|some|somewhat|slightly|for a while|maybe)|"
        # A referral's "(PR)", "- PR" beside "(NR)"; a benefit said to be small.
        r"(?:(?<=\()|(?<=- )|(?<=-))pr\b|(?:slight|minimal|limited|modest|mild|small) (?:benefit|improvement|"
        r"response|relief|effect)|improved (?:briefly|slightly|a little|somewhat)|some lift|"
        r"helps? (?:a little|a bit|some|somewhat)|a little|a bit|somewhat|some improvement|"
        r"some help|took the edge off|takes the edge off|okay ?ish|ok ?ish|kind of helped|sort of "
        r"helped|only helped|barely|\d+ ?%|me ayudo (?:un poco|algo)|me ha ayudado (?:algo|un "
        r"poco)|un poco|algo de mejoria|parcial\w*|a medias|mas o menos|moderate (?:benefit|response|"
        r"improvement)|some (?:benefit|response)|(?:a )?(?:lil|little|bit|tad) better|somewhat better|"
        # "kind of works but not all the way", "helped my energy but not my mood".
        r"(?:kind of|sort of) works?|(?:works?|working) kind of|not all the way|but not enough|"
        r"slight(?:ly)? (?:improvement|better)|un poquito|ayudo algo|"
        r"helped (?:my|with|me with) (?:\w+ ){1,2}but not|me ayudo con (?:\w+ ){1,2}pero no)\b")),
    ("worked", re.compile(
        r"\b(?:worked|works|helped|helps|good response|responded|improved|remission|great|"
        r"funciono|funciona|me ayudo|me sirvio|mejore|me fue bien|le fue bien|stable|estable|"
        r"(?<!not )(?<!not very )helpful|life ?chang\w*|lets me sleep|sleeps? better|amazing|"
        r"(?<!not )working (?:well|great)|me ayuda|me ayudaron|le ayuda|si me ayuda|(?:boa|grande|otima|muita) melhora|melhorei|(?:been|was|is) working|responder|(?:significant|robust|great) "
        r"(?:relief|response)|relief|(?<!in)effective|funcionou|ajudou|melhorou)\b")),
)


# Gabapentin, pregabalin, clonidine and pramipexole are trials only when taken for a psychiatric
# reason ("for anxiety", "for ADHD", to augment an antidepressant), not for pain, fibromyalgia,
# seizures, restless legs or blood pressure, nor with no reason given.
_FOR_MIND = re.compile(r"\b(?:anxiety|anxious|panic|mood|depress\w*|bipolar|ptsd|ocd|insomnia|sleep|"
                       r"alcohol|agitation|ansiedad|ansiedade|panico|animo|depresion|depressao|"
                       r"insomnio|insonia|dormir|humor|adhd|tdah|attention|focus|"
                       # Given beside an antidepressant: "Augment w/ pramipexole".
                       r"augment\w*|adjunct\w*|potencia\w*)\b")

# A bodily reason said of it first wins: "gabapentin 600 for nerve pain, prazosin for
# nightmares, and hydroxyzine when I'm anxious" is gabapentin for pain.
_FOR_BODY = re.compile(r"\b(?:pain|nerve|neuropath\w*|seizures?|epilep\w*|migraines?|headaches?|"
                       r"blood pressure|hypertension|bp|fibro\w*|shingles|restless legs|rls|"
                       r"parkinson\w*|piernas inquietas|hot flash\w*|"
                       r"back|surgery|sciatica|diabet\w*|dolor|convulsion\w*|presion|neuropatia|"
                       r"cirugia|espalda)\b")


# One length said for a list: "failed Lexapro, Zoloft and Cymbalta, each for at least eight
# weeks", "cada uno por más de ocho semanas", "both for about a year".
_EACH_FOR = re.compile(r"\b(?:each|each one|all|both|cada uno|cada una|todos|todas|ambos|ambas)\b(?: of them)?"
                       r"[\s,]*(?:(?:tried|taken|given|trialed|probad[oa]s?|tomad[oa]s?) )?(?:for|por|x|durante)\s+"
                       r"(?:at least |more than |over |about |around |mas de |al menos |por lo menos |unos |unas )?")


# An augmentation named with the drug it was added to, its length and response said after
# that: "Abilify 2mg added to Cymbalta, 4 weeks: no change", "Wellbutrin 150 agregado al
# Lexapro, 4 semanas, nada", "abilify 5 with the cymbalta (4 wks, nothing)".
_ADDED_TO = re.compile(r"[\s\d.,]*(?:mg|mgs)?\s*(?:was |were )?(?:added to|agregad[oa] al?|anadid[oa] al?|"
                       r"with|con|on top of|plus|alongside)\s*(?:(?:the|my|el|la|mi|her|his)\s+)?")


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


def _indication_said(scope: str) -> bool:
    end = _OWN_WORDS_END.search(scope)
    return bool(_SAID_FOR_MIND.search(scope[:end.start() if end else len(scope)]))


def _number(word: str) -> float:
    return float(_SMALL[word]) if word in _SMALL else float(word)


def _weeks(match: re.Match[str]) -> int:
    amount = _number(match.group(1))
    if "and a half" in match.group(0) or match.group("half"):
        amount += 0.5
    unit = match.group(2)
    for prefix, factor in _UNIT_WEEKS:
        if unit.startswith(prefix):
            return max(round(amount * factor), 1 if prefix in ("d", "j") else 0)
    return round(amount)


# Lengths of time in Russian and Chinese, said the English way before the duration is read:
# "полгода" (half a year), "2 недели", "3 месяца", "一年", "三个月", "两周", "半年".
_HAN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_OTHER_SCRIPT_UNITS = (
    (re.compile(r"(?<![а-яё])полгода(?![а-яё])"), lambda m: "6 months"),
    (re.compile(r"(\d+) ?(?:недел[а-яё]*)"), lambda m: m.group(1) + " weeks"),
    (re.compile(r"(\d+) ?(?:месяц[а-яё]*)"), lambda m: m.group(1) + " months"),
    (re.compile(r"(\d+) ?(?:год|года|лет)(?![а-яё])"), lambda m: m.group(1) + " years"),
    (re.compile(r"(\d+) ?(?:день|дня|дней)(?![а-яё])"), lambda m: m.group(1) + " days"),
    (re.compile(r"半年"), lambda m: " 6 months "),
    (re.compile(r"([一二两三四五六七八九十]|\d+)(?:个)?(月|年|周|星期|天)"),
     lambda m: " " + str(_HAN_DIGITS.get(m.group(1)) or m.group(1)) + " "
     + {"月": "months", "年": "years", "周": "weeks", "星期": "weeks", "天": "days"}[m.group(2)] + " "),
)


def _other_script_units(text: str) -> str:
    if text.isascii():
        return text
    for pattern, said in _OTHER_SCRIPT_UNITS:
        text = pattern.sub(said, text)
    return text


def _digits(text: str) -> str:
    """Numbers written in words as digits, in both languages, lengths unchanged where possible
    (only the dose and duration windows are read from this copy)."""
    from text_to_num import alpha2digit

    text = _other_script_units(text)
    # "2 25 mg tablets" (50), counted in digits as written; "two twenty mg tablets" is read below
    # as words, the strength alone.
    text = _TABLETS[2][0].sub(_TABLETS[2][1], text)
    # "three hundred three times a day" must not read as 303.
    text = re.sub(r"\b(two|three|four)(?= times\b)", lambda m: str(_SMALL[m.group(1)]), text)
    text = hundreds_said_short(text)
    # "a hundred and fifty": the "a" is the number one.
    text = re.sub(r"\ba (?=hundred\b)", "one ", text)
    # Half a milligram: "medio miligramo", "half a mg".
    text = re.sub(r"\b(?:medio|half an?|meio)(?= (?:mg|milligram|miligramo|miligrama))", "0.5", text)
    try:
        text = alpha2digit(alpha2digit(alpha2digit(text, "en"), "es"), "pt")
    except Exception:  # noqa: BLE001 - a library failure must not lose the message's drugs
        return text
    # "point five" (.5) and a decimal comma before mg ("0,5 mg").
    text = re.sub(r"\bpoint (?:(\d)|(one|two|three|four|five|six|seven|eight|nine)\b)",
                  lambda m: "." + (m.group(1) or str(_SMALL[m.group(2)])), text)
    text = re.sub(r"(\d),(\d+ ?" + _MG + r")", r"\1.\2", text)
    return _tablets(text)


def _mg(amount: float) -> str:
    return f"{amount:g} mg"


# A dose said as tablets: "half of a 100 mg tablet" (50), "two 150s" (300), "2 50 mg tablets"
# (100), "medio comprimido de 50 mg" (25).
_TABLETS = (
    (re.compile(r"\b(?:half|medio|media|meio|meia)(?: (?:of|de))?(?: (?:a|an|one|the|un|una|um|uma))? "
                r"(?:(?:tablet|tab|pill|comprimido|pastilla|tableta|capsula)s? (?:of |de )?)?(\d+(?:\.\d+)?) ?mg"
                r"(?: (?:tablet|tab|pill|comprimido|pastilla|tableta)s?\b)?"),
     lambda m: _mg(float(m.group(1)) / 2)),
    (re.compile(r"\b([2-4]) (\d{2,4})s\b"), lambda m: _mg(int(m.group(1)) * int(m.group(2)))),
    (re.compile(r"\b([2-4]) (\d+(?:\.\d+)?) ?mg (?:tablets|tabs|pills|capsules|caps|comprimidos|pastillas|tabletas)\b"),
     lambda m: _mg(int(m.group(1)) * float(m.group(2)))),
)


def _tablets(text: str) -> str:
    for pattern, said in _TABLETS[:2]:
        text = pattern.sub(said, text)
    return text


def _scope(folded: str, mentions: list[Mention], i: int) -> str:
    """What is said of mention i: from it to the next drug named, within its sentence, and the
    next sentence too when that one names no drug ("I was on Lexapro for a year. It never did
    much.")."""
    m = mentions[i]
    following = mentions[i + 1].start if i + 1 < len(mentions) else len(folded)
    end = min(following, m.sentence[1])
    if following > m.sentence[1]:
        after_sentence = clause_bounds(folded[m.sentence[1]:], SENTENCE_END)
        if after_sentence:
            next_end = m.sentence[1] + after_sentence[0][1]
            if next_end <= following:
                end = next_end
    return folded[m.end:end]


def _duration(text: str) -> re.Match[str] | None:
    """The first length of time in `text` that is not how often ("a day", "once a week")."""
    for m in _DURATION.finditer(text):
        if (m.group(1) in ("a", "an", "un", "una") and re.match(r"d|w|n|s", m.group(2))
                and _HOW_OFTEN.search(text[:m.start()])):
            continue
        if m.group(1) == "once" and re.match(r" ?(?:a|per|an) ", text[m.end(1):]):
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


def _started_ago(text: str) -> re.Match[str] | None:
    for m in _STARTED_AGO.finditer(text):
        said = _duration(m.group("en") or m.group("es") or m.group("now") or "")
        if said is not None:
            return said
    return None


def _plausible(number: float) -> bool:
    """A bare number that can be a daily dose in mg (Depakote 1500, gabapentin 3600), not a year."""
    return 0 < number <= 4000 and not (1950 <= number <= 2039 and number == int(number))


def _dose(scope: str, before: str) -> float | None:
    digits = _digits(scope)
    bare = _DOSE_BARE_AFTER.search(digits)
    if bare and re.match(r"\W*once\b(?! (?:mg|miligramos?)\b)", scope):
        bare = None  # English "once" ("Ativan once"), not Spanish eleven
    found = [float(x) for x in _DOSE_ANY.findall(digits)]
    found += [float(_SMALL[x]) for x in _DOSE_WORDS.findall(digits)]
    for m in _DOSE_TIMES.finditer(digits, 0, 40):
        if m.start() > 25:
            break  # only the drug's own dose, said right after it
        times = next(int(k[1:]) for k, v in m.groupdict().items() if k.startswith("x") and v)
        found.append(float(m.group(1)) * times)
    found += [float(x) for x in _RAISED_TO.findall(digits) if _plausible(float(x))]
    if bare and _plausible(float(bare.group(1))):
        found.append(float(bare.group(1)))
    if not found:
        m = _DOSE_BEFORE.search(_digits(before))
        return float(m.group(1)) if m else None
    return max(found)


# Still ill, said with no other word for how it went: "still very depressed", "sigue
# deprimido", "ancora molto triste" (after "helped a little" it is partial, as said).
_STILL_ILL = re.compile(
    r"\b(?:(?:still|remains?) (?:very |really |so |just as |as )?(?:depressed|down|sad|hopeless)|"
    r"(?:depression|mood) (?:is|got|has gotten|has been getting) worse|"
    r"(?:sigue|sigo|sigues) (?:igual|muy |tan )?(?:deprimid[oa]|triste|igual|mal)|"
    r"(?:depresion|animo) sigue igual|ancora (?:molto )?(?:triste|depress[oa]))\b")


# How it went, in Russian and Chinese (Chinese has no spaces, so no word boundaries).
_RESPONSE_OTHER_SCRIPTS = (
    ("side_effects", re.compile(r"побочн[а-яё]*|сонливост[а-яё]*|сухость во рту|тошнот[а-яё]*|головокружени[а-яё]*|"
                                r"набрал[аи]? вес|副作用|嗜睡|恶心|头晕|口干|体重增加")),
    ("no_response", re.compile(r"без (?:эффекта|улучшени[а-яё]*|результата)|не помог[а-яё]*|никакого эффекта|"
                               r"没有效果|没效果|无效|没有用|没用|没有改善|没有帮助")),
    ("partial", re.compile(r"немного помог[а-яё]*|частичн[а-яё]*|有点(?:帮助|效果|用)|好一点|部分")),
    ("worked", re.compile(r"(?<!не )помог(?:ает|ло|ал|ла|ли)(?![а-яё])|有效|有帮助|好多了")),
)


def _response(text: str) -> str | None:
    for name, pattern in _RESPONSE_WORDS:
        if pattern.search(text):
            return name
    if not text.isascii():
        for name, pattern in _RESPONSE_OTHER_SCRIPTS:
            if pattern.search(text):
                return name
    return "no_response" if _STILL_ILL.search(text) else None


def _said_of_all(folded: str, mentions: list[Mention], i: int, in_clause: list[Mention],
                 clause_text: str) -> str | None:
    """A response said once for a list: "tried Zoloft, Prozac and Lexapro, none of them
    helped", "...fluoxetine, paroxetine and desvenlafaxine, none with a meaningful response",
    "Meds tried: Lexapro, Zoloft. None of them worked."."""
    m, last = mentions[i], in_clause[-1]
    end = m.clause[1]
    if end >= m.sentence[1]:  # the next sentence too, when it names no drug
        end = max(end, last.end + len(_scope(folded, mentions, mentions.index(last))))
    cue = _ALL_OF_THEM.search(folded, m.end, end)
    if cue is None:
        if not _ALL_OF_THEM.search(clause_text[:in_clause[0].start - m.clause[0]]):
            return None
        return _response(folded[last.end:end])
    stop = next((o.start for o in mentions if o.start >= cue.end()), end)
    return _response(folded[cue.start():min(stop, end) if stop > cue.start() else end])


def extract_trials(text: str | None) -> list[Trial]:
    """The psychiatric medication trials `text` describes, in the order first named."""
    if not text or not isinstance(text, str) or not text.strip():
        return []
    f = Folded(text)
    folded = f.folded
    mentions = find_mentions(f)
    if not mentions:
        return []
    patient = who_is_patient(folded, mentions[0].start, tuple(m.start for m in mentions))
    merged: dict[str, dict] = {}
    taken_back = disowned(folded, mentions)
    said = {m.drug.generic for i, m in enumerate(mentions)
            if m.drug.indication_said and _indication_said(_scope(folded, mentions, i)[:m.sentence[1] - m.end])}
    unsaid = {m.drug.generic for m in mentions if m.drug.indication_said} - said
    for i, m in enumerate(mentions):
        if m.drug.generic in taken_back or not is_own_trial(folded, m, patient, mentions):
            continue
        scope = _scope(folded, mentions, i)
        in_clause = [o for o in mentions if o.clause == m.clause]
        previous_end = mentions[i - 1].end if i and mentions[i - 1].clause == m.clause else m.clause[0]
        before = folded[previous_end:m.start]
        if m.drug.only_for_mind:
            reason = before + " " + scope[:m.sentence[1] - m.end]
            mind, body = _FOR_MIND.search(reason), _FOR_BODY.search(reason, len(before))
            if not mind or (body and body.start() < mind.start()):
                continue
        # Its reason said at any of its mentions counts for all ("Tomo hidroxicina 25 para la
        # ansiedad ... La hidroxicina me calma un poco": how it went is said at the second).
        if m.drug.generic in unsaid:
            continue
        dose = _dose(scope[:80], before[-40:])
        # A duration belongs to the drug when it follows it ("sertraline for 3 months") or,
        # with one drug in the clause, anywhere in the clause ("3 months of sertraline").
        alone = len(in_clause) == 1
        duration = _duration(_digits(scope if not alone else
                                     folded[m.clause[0]:m.start] + " . " + scope)) \
            or _started_ago(_digits(scope if not alone else folded[m.clause[0]:m.end] + scope))
        response = _response(scope)
        if i + 1 < len(mentions) and any(o.drug == mentions[i + 1].drug for o in mentions[:i]) \
                and _ADDED_TO.fullmatch(folded[m.end:mentions[i + 1].start]):
            added_to = _scope(folded, mentions, i + 1)
            duration = duration or _duration(_digits(added_to))
            response = response or _response(added_to)
        clause_text = folded[m.clause[0]:m.clause[1]]
        if response is None and len(in_clause) > 1:
            response = _said_of_all(folded, mentions, i, in_clause, clause_text)
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
    for cue in _EACH_FOR.finditer(folded):
        said = _duration(_digits(folded[cue.end():cue.end() + 30]))
        if said is None or said.start() > 0:
            continue
        for m in mentions:
            entry = merged.get(m.drug.generic)
            if entry and entry["weeks"] is None and m.sentence[0] <= cue.start() < m.sentence[1] \
                    and m.end <= cue.start():
                entry["weeks"] = _weeks(said)
    only = _ONLY_ONE.search(folded)
    named_before = [m for m in mentions if only and m.end <= only.start()]
    if named_before and named_before[-1].sentence[0] <= only.start() < named_before[-1].sentence[1]:
        for m in named_before[:-1]:
            entry = merged.get(m.drug.generic)
            if entry and entry["response"] is None and m.drug != named_before[-1].drug:
                entry["response"] = "no_response"
    return [Trial(e["drug"].generic, e["drug"].drug_class, e["dose"], e["weeks"], e["response"],
                  tuple(e["spans"])) for e in merged.values()]
