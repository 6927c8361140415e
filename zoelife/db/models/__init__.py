"""ORM models: the whole schema, decided once for every part of the product.

Times are `UTCDateTime` (UTC in, UTC out). Enumerated values come from `zoelife.vocabulary`
and are enforced by CHECK constraints in the database, not only in Python.
Nothing is deleted by a staff action: rows are closed, linked, or marked, never removed.

One module per part of the product: `base` (the declarative base, enumerated columns), `admin`
(staff, sign-ins, settings, audit), `people`, `requests`, `coverage`, `ingest` (file imports),
`content`, `conversations` (texts, calls, voicemails). Every model is importable from here
(`from zoelife.db.models import Request`).
"""

from zoelife.db.models.admin import (
    AuditEvent,
    Setting,
    SignInSession,
    StaffRole,
    StaffUser,
    WebhookSignature,
)
from zoelife.db.models.base import NAMING_CONVENTION, Base, check_choices, choice, one_of
from zoelife.db.models.content import ContentItem, ContentTopic, DemoLift
from zoelife.db.models.conversations import Conversation, Message, SmsConsentEvent, SmsTemplate
from zoelife.db.models.coverage import (
    Authorization,
    AuthorizationChange,
    BenefitCheck,
    CardImage,
    Coverage,
    CoverageEvent,
    Payer,
    PayerCriteria,
    SpravatoStart,
)
from zoelife.db.models.ingest import ImportBatch, QuarantinedRow
from zoelife.db.models.people import Person, PossibleMatch
from zoelife.db.models.requests import (
    NOT_INQUIRY_SQL,
    ContactAttempt,
    CrisisChange,
    EligibilityScreen,
    IntakeKey,
    Note,
    OnCallNotification,
    Request,
    RequestTreatment,
    StatusChange,
    Submission,
)

check_choices(Base.metadata)  # every model is defined by now

__all__ = [
    "AuditEvent",
    "Authorization",
    "AuthorizationChange",
    "Base",
    "BenefitCheck",
    "CardImage",
    "ContactAttempt",
    "ContentItem",
    "ContentTopic",
    "Conversation",
    "Coverage",
    "CoverageEvent",
    "CrisisChange",
    "DemoLift",
    "EligibilityScreen",
    "ImportBatch",
    "IntakeKey",
    "Message",
    "NAMING_CONVENTION",
    "NOT_INQUIRY_SQL",
    "Note",
    "OnCallNotification",
    "Payer",
    "PayerCriteria",
    "Person",
    "PossibleMatch",
    "QuarantinedRow",
    "Request",
    "RequestTreatment",
    "Setting",
    "SignInSession",
    "SmsConsentEvent",
    "SmsTemplate",
    "SpravatoStart",
    "StaffRole",
    "StaffUser",
    "StatusChange",
    "Submission",
    "WebhookSignature",
    "choice",
    "one_of",
]
