"""The words of docs/vocabulary.md as code: every enumerated value the database constrains.

Kept in one place so the ORM's CHECK constraints, the forms and the importers agree.
"""

from __future__ import annotations

# The request fields every way in maps onto (`full_name` is split into first and last):
# `RequestInput`'s own fields, less its bookkeeping (docs/ingest.md).
CANONICAL_FIELDS = (
    "external_id", "received_at", "first_name", "last_name", "full_name", "email", "phone",
    "date_of_birth", "treatments", "message", "channel", "submitter", "submitter_name",
    "heard_about", "referring_provider", "landing_page", "utm_source", "utm_medium",
    "utm_campaign", "utm_content", "utm_term", "insurance", "sms_consent",
    "preferred_contact_time",
)
# A mapping target that drops a column from the request's fields (the raw row keeps it).
IGNORE = "(ignore)"

CHANNELS = ("web_form", "phone", "referral", "email", "walk_in", "text", "other")
SUBMITTERS = ("self", "parent_guardian", "spouse_partner", "provider", "other")
TREATMENTS = ("spravato", "tms", "ketamine", "medication_management", "therapy", "other")
STATUSES = ("new", "attempted", "in_progress", "scheduled", "closed")
OPEN_STATUSES = ("new", "attempted", "in_progress", "scheduled")
CLOSE_REASONS = (
    "became_patient",
    "not_eligible",
    "declined",
    "unreachable",
    "referred_elsewhere",
    "duplicate",
    "spam",
)
CRISIS_LEVELS = ("urgent", "review", "none")
CRISIS_SOURCES = ("auto", "manual")
ATTEMPT_METHODS = ("call", "text", "email")
ATTEMPT_OUTCOMES = (
    "reached",
    "no_answer",
    "left_voicemail",
    "wrong_number",
    "message_sent",
    "bounced",
)
PRIOR_AUTH_STATUSES = ("not_needed", "needed", "submitted", "approved", "denied", "unknown")
CONTENT_CHANNELS = ("blog", "social", "video", "newsletter", "ad", "other")
ROLES = ("front_desk", "manager", "admin")
MATCH_STATUSES = ("open", "linked", "dismissed")
QUARANTINE_STATUSES = ("open", "reimported", "dismissed")
INTAKE_KEY_KINDS = ("request", "submission", "quarantine")
# Conversations (docs/conversations.md): texts both ways, missed calls and voicemails.
MESSAGE_DIRECTIONS = ("inbound", "outbound")
MESSAGE_KINDS = ("sms", "missed_call", "voicemail")
# What is to be done next on an open request (docs/front-desk.md, "The worklist"); every open
# request has one and its due time (`next_step`, `next_due_at`), a closed one neither.
NEXT_STEPS = ("first_contact", "next_attempt", "close_unreachable", "follow_up", "rebook",
              "wait_person", "wait_other", "confirm", "outcome")
# A coverage reminder shown as a request's next step when it is due first
# (zoelife.coverage.reminders; stored in `coverage_step`, never in `next_step`).
COVERAGE_STEPS = ("coverage_records", "coverage_decision", "coverage_extension", "coverage_start")
# The steps a user may set on a request that is in progress (the rest follow from its moves).
FOLLOW_UP_STEPS = ("follow_up", "wait_person", "wait_other")

# Coverage (docs/coverage.md).
COVERAGE_RANKS = ("primary", "secondary")
SUBSCRIBER_RELATIONS = ("self", "spouse", "child", "other")
CARD_SIDES = ("front", "back")
BENEFIT_ROUTES = ("medical", "pharmacy")
VERIFY_METHODS = ("call", "electronic", "portal")
# The prior-authorization status machine of one treatment course.
AUTH_STATUSES = ("not_needed", "gathering", "submitted", "in_review", "approved", "denied",
                 "appeal")
AUTH_MOVES: dict[str, tuple[str, ...]] = {
    "not_needed": ("gathering",),
    "gathering": ("submitted", "not_needed"),
    "submitted": ("in_review", "approved", "denied"),
    "in_review": ("approved", "denied"),
    "denied": ("appeal",),
    "appeal": ("approved", "denied"),
    "approved": (),
}

# Allowed status moves (docs/vocabulary.md). `closed -> in_progress` is a reopen and needs a reason.
STATUS_MOVES: dict[str, tuple[str, ...]] = {
    "new": ("attempted", "in_progress", "scheduled", "closed"),
    "attempted": ("attempted", "in_progress", "scheduled", "closed"),
    "in_progress": ("scheduled", "closed"),
    "scheduled": ("in_progress", "closed"),
    "closed": ("in_progress",),
}

LABELS: dict[str, str] = {
    "web_form": "Web form",
    "phone": "Phone",
    "referral": "Referral",
    "email": "Email",
    "walk_in": "Walk-in",
    "other": "Other",
    "self": "Self",
    "parent_guardian": "Parent / guardian",
    "spouse_partner": "Spouse / partner",
    "provider": "Provider",
    "spravato": "Spravato",
    "tms": "TMS",
    "ketamine": "Ketamine",
    "medication_management": "Medication management",
    "therapy": "Therapy",
    "new": "New",
    "attempted": "Attempted",
    "in_progress": "In progress",
    "scheduled": "Scheduled",
    "closed": "Closed",
    "became_patient": "Became patient",
    "not_eligible": "Not eligible",
    "declined": "Declined",
    "unreachable": "Unreachable",
    "referred_elsewhere": "Referred elsewhere",
    "duplicate": "Duplicate",
    "spam": "Spam",
    "urgent": "Urgent",
    "review": "Review",
    "none": "None",
    "front_desk": "Front desk",
    "manager": "Manager",
    "admin": "Admin",
    "first_contact": "First contact",
    "next_attempt": "Next attempt",
    "close_unreachable": "Close as unreachable or try again",
    "follow_up": "Follow up",
    "rebook": "Rebook after a no-show",
    "wait_person": "Chase: waiting on them",
    "wait_other": "Chase: waiting on someone else",
    "confirm": "Confirmation call",
    "outcome": "Record whether they came",
    "coverage_records": "Coverage: chase the missing records",
    "coverage_decision": "Coverage: ask the payer for its decision",
    "coverage_extension": "Coverage: request an extension",
    "coverage_start": "Coverage: booked first treatment not ready",
    "booking_not_ready": "Booked first treatment not ready",
    "booking_settled": "Booked first treatment settled",
    "first_treatment_not_had": "First treatment moved back",
    "chased": "Chased",
    "tms_override": "First TMS session override",
    "not_needed": "Not needed",
    "gathering": "Gathering records",
    "submitted": "Submitted",
    "in_review": "In review",
    "approved": "Approved",
    "denied": "Denied",
    "appeal": "Appeal",
    "primary": "Primary",
    "secondary": "Secondary",
}


def label(value: str | None) -> str:
    if value is None:
        return ""
    return LABELS.get(value, value.replace("_", " ").capitalize())
