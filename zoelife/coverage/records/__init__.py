"""Coverage in the database: payers and their criteria, insurance and card images, benefits,
authorizations and their moves, the Spravato start. Every function takes a session, runs in the
caller's transaction (`write_session`) and audits what it changes: field names only for patient
data (member ids, names, images), values only for the statuses `audit.redact_changes` allows.

One module per record: `payer_admin` (payers and their criteria), `insurance` (coverage, cards,
benefits, what the request page says of them), `authorizations` (with chases), `first_treatment`
(the Spravato start and its gate, the first TMS session's approval gate, scheduling any
treatment appointment through them); what they share
is in `common`. Every public name is reachable from here (`records.save_coverage`).
"""

from zoelife.coverage.records.authorizations import (
    authorizations_of,
    chase_authorization,
    checklist_of,
    history_of,
    move_authorization,
    open_authorization,
    record_units,
    set_evidence,
    timeline,
)
from zoelife.coverage.records.booked import (
    booking_canceled,
    gate_booking,
    open_flags,
    settle_booking,
    settle_ready,
)
from zoelife.coverage.records.common import (
    BENEFITS_FRESH_DAYS,
    CoverageError,
    checked_treatment,
    clean,
    event,
    request_or_refuse,
)
from zoelife.coverage.records.first_treatment import (
    FIRST_TREATMENTS,
    KEPT_ONLY,
    Gate,
    approved_for,
    first_treatment_of_appointment,
    judged_not_needed,
    pa_required,
    record_first_treatment,
    save_spravato_start,
    schedule_appointment,
    schedule_first_spravato,
    schedule_first_treatment,
    spravato_gate,
    spravato_start,
    started_courses,
    tms_gate,
)
from zoelife.coverage.records.insurance import (
    RequestCoverage,
    coverage_of,
    latest_benefits,
    latest_cards,
    record_benefits,
    request_coverage,
    save_coverage,
    upload_card,
)
from zoelife.coverage.records.payer_admin import (
    add_payer,
    criteria_changes,
    criteria_for,
    payers,
    set_criteria,
    set_payer_active,
)

__all__ = [
    "BENEFITS_FRESH_DAYS",
    "CoverageError",
    "FIRST_TREATMENTS",
    "Gate",
    "KEPT_ONLY",
    "RequestCoverage",
    "add_payer",
    "approved_for",
    "authorizations_of",
    "booking_canceled",
    "gate_booking",
    "open_flags",
    "settle_booking",
    "settle_ready",
    "chase_authorization",
    "checked_treatment",
    "checklist_of",
    "clean",
    "coverage_of",
    "criteria_changes",
    "criteria_for",
    "event",
    "history_of",
    "judged_not_needed",
    "latest_benefits",
    "latest_cards",
    "move_authorization",
    "open_authorization",
    "pa_required",
    "payers",
    "record_benefits",
    "record_first_treatment",
    "record_units",
    "request_coverage",
    "request_or_refuse",
    "save_coverage",
    "save_spravato_start",
    "schedule_first_spravato",
    "first_treatment_of_appointment",
    "schedule_appointment",
    "schedule_first_treatment",
    "started_courses",
    "set_criteria",
    "set_evidence",
    "set_payer_active",
    "spravato_gate",
    "spravato_start",
    "timeline",
    "tms_gate",
    "upload_card",
]
