"""Context rules that read who speaks and why: a term named rather than used ("what
'unaliving' means"), asked about in general or by a professional ("how do you screen for SI?"),
a procedure or a form's question ("suicide risk screening"), another person's crisis, or the
death of someone the writer lost. Words of data/crisis_context.toml.
"""

from __future__ import annotations

import re

from ._text import compile_phrases, load_toml
from .denials_and_dates import HIST_RECENT, WINDOW, sentence_around

_CTX = load_toml("crisis_context.toml")

_INFO = _CTX["informational"]
_INFO_CUES = re.compile(_INFO["cues"])
_MENTION_BEFORE = re.compile(_INFO["mention_before"])
_MENTION_AFTER = re.compile(_INFO["mention_after"])
_MENTION_NAMED = re.compile(_INFO["mention_named"])
_INFO_PERSONAL = re.compile(_INFO["personal"])
INFO_ALLOWED = re.compile(_INFO["allowed"])
INFO_VETO = re.compile(_INFO["veto"])
INFO_TERMS = frozenset(_INFO["term_categories"])
PROFESSIONAL = re.compile(_INFO["professional"])
_PROCESS = re.compile(_INFO["process"])
_OWN_RISK = re.compile(_INFO["own_risk"])
_PROCEDURE_AFTER = re.compile(_INFO["procedure_after"])
_PROCEDURE_BEFORE = re.compile(_INFO["procedure_before"])
_PROCEDURE_VETO = re.compile(_INFO["procedure_veto"])
_TREATMENT_WORDS = re.compile(
    r"\b(?:spravato|es ?ketamine|ketamine|tms|neurostar|therapy|treatment|medication|infusion|nasal spray|esketamina|ketamina)\b"
)
_THIRD = re.compile(_CTX["third_party"]["markers"])
BEREAVEMENT = compile_phrases(_CTX["bereavement"]["patterns"])
# Asking about treatments for work or study (a journalist, a thesis): terms are informational.
AUDIENCE = compile_phrases(load_toml("treatments.toml")["audience"]["patterns"])


# A question about what happens to someone in general: "what is your protocol if a patient
# reports suicidal thoughts?", "¿atienden a personas con pensamientos suicidas?".
_HYPOTHETICAL = re.compile(
    r"\b(?:if|when|whether|someone|somebody|anyone|a patient|patients|people|persons|teens|"
    r"si alguien|alguien|personas|pacientes|un paciente|si un|que hacen|does|do you|do u|do yall|"
    r"can you|could you|is there|are there|ask about|"
    # Italian and German (data/languages/): "se un paziente ...?", "wenn ein Patient ...?"
    r"se un|se una|qualcuno|un paziente|una paziente|pazienti|persone|"
    r"wenn ein|wenn eine|falls ein|falls eine|jemand|ein patient|eine patientin|patienten|"
    r"patientinnen|menschen)\b")
OWN_NOW = re.compile(
    r"\b(?:i|im|ive|i am|my) (?:have|having|has|feel|feeling|get|getting|been|am)\b(?! (?:a|my|no) )"
    # "would I have to go somewhere else": an obligation, not something one has
    # (round 15: "do i have to answer the suicide question")
    r"(?! to (?:go|wait|pay|call|be|do|get|see|find|fill|say|tell|answer|complete|sign|redo|"
    r"disclose|list|mark|check|put)\b)"
    r"|\btengo\b|\bsiento\b"
    r"|\b(?:ho|sto|mi sento|ich habe|ich hab|ich hatte|ich bin|ich fuhle|mir geht)\b")

# A question asked without a question mark ("asked me whether", "calling to ask if", "quería
# saber si") about a group of people who have had something ("teens who have self-harmed in
# the past", "people who have had suicide thoughts before", "pacientes que ..."): an
# eligibility question about nobody in particular, unless the writer says it of themself.
_ASKS_INDIRECTLY = re.compile(
    r"\b(?:ask(?:ed|ing|s)? (?:me |you |us |him |her )?(?:if|whether)|wonder(?:ing|ed)? (?:if|whether)"
    r"|(?:want|wanted|like|love|need) to know (?:if|whether)|curious (?:if|whether)"
    r"|quer(?:ia|iamos|emos|ria) saber si|pregunt\w* si|saber si"
    # ... or how the clinic handles such a person (round 13): "calling to ask how your clinic
    # handles someone who...", "quería saber qué hacen si alguien...".
    r"|ask(?:ed|ing|s)? (?:you )?(?:how|what)|(?:want|wanted|like|need) to know (?:how|what)"
    r"|wonder(?:ing|ed)? (?:how|what)|saber (?:que|como|cual))\b")
_GROUP_WHO = re.compile(
    r"\b(?:people|persons|patients|teens|teenagers|kids|children|adolescents|adults|students|"
    r"clients|veterans|someone|anyone|somebody|anybody|personas|pacientes|adolescentes|jovenes|"
    r"ninos|alguien|(?:a|an|any|un|una) (?:patient|person|client|student|member|paciente|persona"
    r"|estudiante|alumno|alumna))\s+(?:\w+\s+){0,2}?(?:who|that|with|que|con)\b")

# A term named as the topic of something published or studied (round 13): "I read your blog
# post on ketamine and suicidal ideation", "un trabajo para la universidad sobre ... la ideación
# suicida". The writer's own state is not in it unless the sentence says so.
_TOPIC_OF = re.compile(
    r"\b(?:blog|post|article|study|studies|research|paper|podcast|video|episode|piece|"
    r"presentation|webinar|book|findings|articulo|estudio|estudios|investigacion|publicacion|"
    r"tesis|ensayo|presentacion|"
    # a workshop, a talk or a training on it (round 15): "un taller sobre prevencion del
    # suicidio", "a workshop on suicide prevention"; German research: "recherchiere uber"
    r"workshop|workshops|talk|talks|training|trainings|seminar|taller|talleres|charla|charlas|"
    r"platica|platicas|capacitacion|recherchiere|recherchieren|recherche|artikel|bericht|studie)"
    r"\s+(?:\w+\s+){0,3}?"
    r"(?:on|about|regarding|into|sobre|acerca de|uber|zu|zur|zum)\s+(?:[\w-]+\s+){0,5}?$")

# A question goes on after a dash or a colon: "what's your protocol if a patient endorses
# suicidal ideation - do you pause treatment?"
_QUESTION_GOES_ON = re.compile(r"\s[-–—]\s|:")
_QUESTION_END = re.compile(r"[.!?\n]")


def _asks(f: str, end: int, e: int) -> bool:
    """Whether the sentence holding a match that ends at ``end`` (sentence end ``e``) is a
    question, reading on across dashes and colons to its end mark."""
    if "?" in f[end : min(len(f), e + 1)]:
        return True
    if not _QUESTION_GOES_ON.match(f, e):
        return False
    m = _QUESTION_END.search(f, e + 1, min(len(f), e + WINDOW))
    return bool(m) and m.group(0) == "?"


def procedure(f: str, start: int, end: int, s: int, e: int) -> bool:
    """The term names a procedure or a form's question, and the sentence reports nothing: "suicide
    risk screening", "the questionnaire asks about suicide"."""
    if not (_PROCEDURE_AFTER.match(f, end) or _PROCEDURE_BEFORE.search(f, max(s, start - 80), start)):
        return False
    if _QUESTION_GOES_ON.match(f, e):  # "Self-harm screening item: positive."
        e = sentence_around(f, e + 1, e + 1)[1]
    return not (_PROCEDURE_VETO.search(f, s, e) or OWN_NOW.search(f, s, e))


def informational(f: str, start: int, end: int, s: int, e: int, veto: bool) -> bool:
    if veto:
        return False
    sent = f[s:e]
    # (not when the match itself is the writer's: "can you explain why I keep wanting to kill
    # myself?" asks about the writer's own wish, round 15's near miss)
    if (_asks(f, end, e) and _HYPOTHETICAL.search(sent)
            and not OWN_NOW.search(sent) and not _WRITERS_OWN.search(f, start, end)):
        return True
    if (_ASKS_INDIRECTLY.search(sent) and _GROUP_WHO.search(sent) and not OWN_NOW.search(sent)
            and not FIRST_PERSON.search(f, start, end) and not HIST_RECENT.search(f, s, e)):
        return True
    if not _INFO_CUES.search(sent):
        return False
    if not (
        "?" in f[end : min(len(f), e + 1)]
        or _TREATMENT_WORDS.search(sent)
        or "patients" in sent
        or "people" in sent
        or "adults" in sent
    ):
        return False
    return not _INFO_PERSONAL.search(INFO_ALLOWED.sub(" ", sent))


def asked_by_a_professional(f: str, start: int, end: int, s: int, e: int) -> bool:
    """A term in a question about how the clinic assesses or handles risk, from someone who
    introduced themself in a role, about nobody's risk now ("I'm a nurse, how do you screen for
    SI during Spravato monitoring?")."""
    return bool(_PROCESS.search(f, s, e)) and not (
        FIRST_PERSON.search(f, start, end) or OWN_NOW.search(f, s, e) or _OWN_RISK.search(f, s, e)
        or HIST_RECENT.search(f, s, e))


def topic_of_a_publication(f: str, start: int, end: int, s: int, e: int) -> bool:
    """The term is what a post, a study or a paper is about, and the sentence says nothing of the
    writer's own state or of anything recent: "I read your blog post on ketamine and suicidal
    ideation." (not "... and now I'm having them")."""
    m = _TOPIC_OF.search(f, max(s, start - 80), start)
    return bool(m) and not (
        FIRST_PERSON.search(f, m.end(), end) or FIRST_PERSON.search(f, end, e)
        or OWN_NOW.search(f, s, e) or _OWN_RISK.search(f, s, e) or HIST_RECENT.search(f, s, e))


# A term that names a service, a line or a workplace (round 16): "I work on a suicide crisis
# line", "volunteer at a suicide prevention center", "trabajo en una línea de prevención del
# suicidio". The term is a modifier of the service noun right after it, in one compound (no
# comma between: "thinking about suicide, hotline numbers don't help" is not one), or, in
# Spanish, the service noun comes before it.
_SERVICE_AFTER = re.compile(
    r"[\s\-]{1,3}(?:(?:prevention|awareness|support|crisis|risk)[\s\-]+){0,2}(?:hot\s?line|"
    r"help\s?line|life\s?line|text\s?line|chat\s?line|line|center|centre|team|services?|"
    r"organi[sz]ation|nonprofit|non profit|charity|foundation|coalition|network|program|programme)"
    r"s?\b")
_SERVICE_BEFORE = re.compile(
    r"\b(?:linea|lineas|centro|centros|servicio|servicios|organizacion|fundacion|programa|equipo)"
    r"\s+(?:\w+\s+){0,3}?(?:del?|contra el|sobre el)\s+$")
# The writer works or volunteers for it: the work verb governs the compound ("I work on a",
# "volunteering at the", "my job is at a", "trabajo en una"); not "I can't work, ...".
_WORKS_FOR = re.compile(
    r"\b(?:i|ive|im|i am|i have|we|weve|i used to|i still|i also)\s+(?:(?:also|still|currently|now|"
    r"been|used to|have|started|just|recently|actually|part time|full time)\s+){0,2}"
    r"(?:work|worked|working|volunteer|volunteered|volunteering|intern|interned|interning|staff|"
    r"staffed|answer phones|answered phones|take calls|took calls)\s+(?:as an? \w+\s+)?"
    r"(?:on|at|for|in|with)\s+(?:(?:a|an|the|our|my|this|that|one|local|national|county|state|"
    r"regional|24/7|24 hour|text)\s+){0,3}$"
    r"|\bmy (?:job|shift|shifts|work|internship|placement) (?:is|was|are|were) (?:on|at|for|in|with)"
    r"\s+(?:(?:a|an|the|our|this|that|one|local)\s+){0,2}$"
    r"|\b(?:trabajo|trabajaba|trabaje|colaboro|colaboraba|soy voluntari[oa]|era voluntari[oa])"
    r"\s+(?:como \w+\s+)?(?:en|para|con)\s+(?:(?:una|un|la|el|nuestra|nuestro|esta|esa)\s+)?$")
# The writer denies it of themself, in so many words: "I'm not suicidal myself".
_DENIES_SELF = re.compile(
    r"\b(?:i|im|i am)\s+(?:\w+\s+)?(?:not|never|am not)\s+(?:\w+\s+)?suicidal\b"
    r"|\bno (?:soy|estoy) suicida\b|\bno tengo (?:ideas|pensamientos) suicidas\b")
# ... and then reaching a line is what a person in crisis does: kept urgent.
_REACHED_A_LINE = re.compile(
    r"\b(?:called|call|calling|texted|text|texting|reached out|contacted|llame|llamo|llamar)\b")


def workplace(f: str, start: int, end: int, s: int, e: int) -> bool:
    """The term names a service or a line the writer works or volunteers for ("I work on a
    suicide crisis line"), or a service named in a message where the writer denies being
    suicidal, without reaching out to it or a recent word ("... I'm not suicidal myself")."""
    if FIRST_PERSON.search(f, start, end):
        return False
    if _SERVICE_AFTER.match(f, end):
        head = start
    else:
        m = _SERVICE_BEFORE.search(f, max(s, start - 60), start)
        if not m:
            return False
        head = m.start()
    if _WORKS_FOR.search(f, max(s, head - 80), head):
        return True
    return bool(_DENIES_SELF.search(f)) and not (_REACHED_A_LINE.search(f, s, e)
                                                 or HIST_RECENT.search(f, s, e))


def mentioned(f: str, start: int, end: int, s: int) -> bool:
    """The term is named, not used: "what 'unaliving' means", "the word suicidal"."""
    before = f[max(s, start - 40):start]
    return bool(_MENTION_NAMED.search(before) or (
        _MENTION_BEFORE.search(before) and _MENTION_AFTER.match(f, end)))



# The match itself is the writer's act: "kill myself", "hurt myself" (not a quoted "I").
_WRITERS_OWN = re.compile(r"\b(?:myself|my self|my life|matarme|suicidarme|quitarme la vida)\b")
FIRST_PERSON = re.compile(r"\b(?:i|im|ive|id|me|myself|my self)\b")
# The writer in a sentence, in either language (a professional asking generally is not in it).
WRITER = re.compile(r"\b(?:i|im|ive|id|me|my|mine|myself|yo|mi|mis|tengo|estoy|siento)\b")
_REFLEXIVE_3 = re.compile(r"\b(?:himself|herself|themselves|themself|him self|her self)\b")


def is_third_party(f: str, fs: int, fe: int, s: int, e: int) -> bool:
    if _REFLEXIVE_3.search(f, fs, fe):
        return True
    return bool(_THIRD.search(f, s, e)) and not FIRST_PERSON.search(f, s, e)


def asked_in_language(f: str, start: int, end: int, s: int, e: int, ctx) -> bool:
    """``asked_by_a_professional`` in a read language's own words (round 16: "sou enfermeira ...
    qual é o protocolo de vocês quando um paciente relata ideação suicida"): the sentence asks
    how the clinic handles risk, and says neither the writer's own experience nor anything
    recent."""
    return bool(ctx.info_process.search(f, s, e)) and not (
        FIRST_PERSON.search(f, start, end) or OWN_NOW.search(f, s, e)
        or _OWN_RISK.search(f, s, e) or ctx.hist_recent.search(f, s, e)
        or (ctx.info_own is not None and ctx.info_own.search(f, s, e)))
