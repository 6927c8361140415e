"""The records request: a letter to the referring provider listing only what the authorization's
checklist still misses, as a PDF (fpdf2). Building it records the request on the coverage
timeline and restarts the "records still missing" reminder from today."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF
from sqlalchemy.orm import Session

from zoelife import audit, settings
from zoelife.coverage import checklist, records
from zoelife.db.models import Authorization, Payer, Request
from zoelife.intake.next_steps import refresh_coverage
from zoelife.vocabulary import label

# A Unicode font, so names such as "Peña" or "Nguyễn" print as written (the PDF core fonts
# are Latin-1 only). Debian's fonts-dejavu-core; the core font is the fallback.
FONT_PATHS = (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),)


@dataclass(frozen=True)
class Letter:
    clinic: str
    today: dt.date
    provider: str
    patient: str
    date_of_birth: dt.date | None
    treatment: str
    payer: str
    missing: tuple[str, ...]


def render(letter: Letter) -> bytes:
    pdf = FPDF(format="Letter")
    pdf.set_margins(22, 22, 22)
    pdf.add_page()
    font = next((p for p in FONT_PATHS if p.exists()), None)
    if font is not None:
        pdf.add_font("body", fname=str(font))
        family = "body"
    else:
        family = "helvetica"

    def line(text: str, size: int = 11, gap: float = 6) -> None:
        if family == "helvetica":
            text = text.encode("latin-1", "replace").decode("latin-1")
        pdf.set_font(family, size=size)
        pdf.multi_cell(0, gap, text, new_x="LMARGIN", new_y="NEXT")

    line(letter.clinic, 14, 8)
    line(letter.today.strftime("%B %d, %Y"))
    pdf.ln(4)
    line(f"To: {letter.provider}")
    line(f"Re: {letter.patient}" + (f", born {letter.date_of_birth.isoformat()}"
                                    if letter.date_of_birth else ""))
    line(f"Request for records: prior authorization for {letter.treatment} ({letter.payer})")
    pdf.ln(4)
    line("Your patient was referred to us for the treatment above. To submit the prior "
         "authorization their insurer requires, we still need the following from your "
         "records:")
    pdf.ln(2)
    for item in letter.missing:
        line(f"  •  {item[0].upper()}{item[1:]}" if family != "helvetica"
             else f"  -  {item[0].upper()}{item[1:]}")
    pdf.ln(4)
    line("Please send them to our office by fax or secure message. Thank you for your help.")
    pdf.ln(6)
    line(f"{letter.clinic}, intake team")
    return bytes(pdf.output())


class NothingMissing(records.CoverageError):
    pass


def records_request(session: Session, authorization_id: int, *, actor: audit.Actor,
                    now: dt.datetime | None = None) -> bytes:
    """The letter for one authorization; recorded on the timeline and audited."""
    now = now or dt.datetime.now(dt.UTC)
    auth = session.get(Authorization, authorization_id)
    if auth is None:
        raise records.CoverageError("That authorization does not exist.")
    request = session.get(Request, auth.request_id)
    items = records.checklist_of(session, auth)
    missing = checklist.missing(items)
    if not missing:
        raise NothingMissing("The checklist misses nothing: there is no records request to send.")
    payer = session.get(Payer, auth.payer_id) if auth.payer_id else None
    zone = settings.clinic_zone(session)
    letter = Letter(
        clinic=settings.get(session, "clinic_name"), today=now.astimezone(zone).date(),
        provider=request.referring_provider or "the referring provider",
        patient=" ".join(p for p in (request.first_name, request.last_name) if p) or "(no name)",
        date_of_birth=request.date_of_birth, treatment=label(auth.treatment),
        payer=payer.name if payer else "their insurer", missing=tuple(missing))
    pdf = render(letter)
    auth.records_requested_at = now
    records.event(session, auth.request_id, "records_requested", actor=actor, now=now,
                  authorization_id=auth.id,
                  detail=f"Records request letter for {label(auth.treatment)}: "
                         + "; ".join(missing))
    audit.record(session, actor, "coverage.records_request", "request", auth.request_id,
                 {"treatments": auth.treatment, "count": len(missing), "format": "pdf"})
    session.flush()
    refresh_coverage(session, auth.request_id, now)
    return pdf
