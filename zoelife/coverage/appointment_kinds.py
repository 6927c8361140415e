"""Which treatment course an appointment's kind schedules, read from its words (pure).

The appointment kind is free text: the Status tab's field ("e.g. TMS consultation"), the
kinds the first-session forms write ("TMS first session", "Spravato first dose"), a
scheduling tool's event name. A kind is a treatment session of a course unless it is clearly
something else (docs/coverage.md, "Treatment appointments and the gates"):

- a consultation, evaluation, intake, screening or call ("TMS consultation", "Psychiatric
  evaluation", "Follow-up call") is not a treatment, unless it also says session, dose,
  infusion or mapping ("Follow-up TMS session");
- a kind naming another service and no course ("Therapy intake", "Medication management") is
  not one of the courses;
- otherwise it is a treatment session: of the course it names ("Spravato dose 1"), or, when it
  names none ("Treatment", "Session 1", "booked online"), of the course the request is for.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Words naming a course, as staff and scheduling tools write them.
COURSE_WORDS = {
    "tms": {"tms", "rtms", "dtms", "itbs", "theta", "magnetic", "neurostar", "brainsway",
            "saint"},
    "spravato": {"spravato", "esketamine", "esketamina"},
    "ketamine": {"ketamine", "ketamina"},
}
# Words that make a kind clearly not a treatment session.
NOT_TREATMENT_WORDS = {
    "consult", "consultation", "consulta", "evaluation", "eval", "evaluacion", "assessment",
    "intake", "screening", "screen", "call", "llamada", "phone", "follow", "followup",
    "check", "orientation", "info", "information", "meeting", "review",
}
# Words that say a session of treatment is given, whatever else the kind says.
SESSION_WORDS = {"session", "sessions", "sesion", "dose", "dosing", "dosis", "infusion",
                 "mapping", "induction"}
# Services that are not one of the courses.
OTHER_SERVICE_WORDS = {"therapy", "psychotherapy", "counseling", "counselling", "terapia",
                       "management", "med", "meds", "medication"}


def words_of(kind: str) -> set[str]:
    folded = "".join(c for c in unicodedata.normalize("NFKD", kind.casefold())
                     if not unicodedata.combining(c))
    return set(re.findall(r"[a-z0-9]+", folded))


@dataclass(frozen=True)
class KindReading:
    """What a kind says: whether it is a treatment session, and the courses it names."""

    treatment: bool
    courses: tuple[str, ...]


def read_kind(kind: str) -> KindReading:
    words = words_of(kind)
    courses = tuple(c for c, names in COURSE_WORDS.items() if words & names)
    if words & NOT_TREATMENT_WORDS and not words & SESSION_WORDS:
        return KindReading(False, courses)
    if not courses and words & OTHER_SERVICE_WORDS:
        return KindReading(False, ())
    return KindReading(True, courses)
