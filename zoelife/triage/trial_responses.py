"""How a trial went, in the person's own words: side effects, no response, partial, worked;
said of one drug or once for a list ("none of them helped"). Used by `trials`."""

from __future__ import annotations

import re
from functools import cache

from ._text import compile_phrases

# Several drugs answered at once: "none of them helped", "ninguna me sirvió", "both made me numb".
ALL_OF_THEM = re.compile(r"\b(?:none of (?:them|these|those)|none (?:with|helped|worked|did|made)|neither|"
                          r"all (?:of them|without|with|d/?c|discontinued|stopped)|"
                          r"(?:(?<=[.;:,!?] )|(?<=\band )|(?<=\by )|(?<=\bpero )|(?<=\bbut )|(?<=\bque ))"
                          r"(?:nothing|nada)|"
                          r"both|ninguna|ninguno|ninguna de|todas|todos|ambas|ambos|each|nenhum|nenhuma)\b")

# "The Remeron was the only one that did anything": the others named before it did nothing.
ONLY_ONE = re.compile(
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


@cache
def _language_responses() -> dict[str, re.Pattern[str]]:
    """The other languages' words for how a trial went (data/languages/<code>.toml,
    [trial_responses]), one pattern for each response."""
    from zoelife.triage.languages import LANGUAGES

    words: dict[str, list[str]] = {}
    for language in LANGUAGES.values():
        for name, phrases in language.trial_responses.items():
            words.setdefault(name, []).extend(phrases)
    return {name: compile_phrases(phrases) for name, phrases in words.items()}


def response_said(text: str) -> str | None:
    others = _language_responses()
    for name, pattern in _RESPONSE_WORDS:
        if pattern.search(text) or (name in others and others[name].search(text)):
            return name
    if not text.isascii():
        for name, pattern in _RESPONSE_OTHER_SCRIPTS:
            if pattern.search(text):
                return name
    return "no_response" if _STILL_ILL.search(text) else None
