"""The declarative base, its naming convention, and the enumerated columns (`choice`, checked
by a CHECK constraint written by `one_of`, added to every table by `check_choices`)."""

from __future__ import annotations

import re

from sqlalchemy import CheckConstraint, Enum, MetaData
from sqlalchemy.orm import DeclarativeBase

from zoelife import vocabulary as v

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def choice(values: tuple[str, ...], name: str) -> Enum:
    """A string column limited to `values`, in Python and by a CHECK constraint named `name`
    (portable, no native enum); the constraint is `one_of`'s, added by `check_choices`."""
    return Enum(
        *values,
        name=name,
        native_enum=False,
        create_constraint=False,
        validate_strings=True,
        length=max(len(x) for x in values),
    )


def one_of(column: str, values: tuple[str, ...]) -> str:
    """The CHECK condition limiting `column` to `values`: `column = 'a' OR column = 'b' ...`.

    Not `column IN ('a', 'b', 'c')`: SQLite builds a temporary table for an IN list of three
    or more values every time a statement runs, and an executemany INSERT runs its statement
    once per row. That cost 2 µs per constrained column per row: over a third of an
    import's insert time."""
    for value in values:
        if not _PLAIN_VALUE.fullmatch(value):
            raise ValueError(f"{column}: {value!r} is not a plain lowercase word")
    return " OR ".join(f"{column} = '{value}'" for value in values)


_PLAIN_VALUE = re.compile(r"[a-z][a-z_]*")

ChannelType = choice(v.CHANNELS, "channel")

SubmitterType = choice(v.SUBMITTERS, "submitter")

TreatmentType = choice(v.TREATMENTS, "treatment")

StatusType = choice(v.STATUSES, "status")

CloseReasonType = choice(v.CLOSE_REASONS, "close_reason")

CrisisLevelType = choice(v.CRISIS_LEVELS, "crisis_level")

CrisisSourceType = choice(v.CRISIS_SOURCES, "crisis_source")

AttemptMethodType = choice(v.ATTEMPT_METHODS, "attempt_method")

AttemptOutcomeType = choice(v.ATTEMPT_OUTCOMES, "attempt_outcome")

PriorAuthType = choice(v.PRIOR_AUTH_STATUSES, "prior_auth_status")

ContentChannelType = choice(v.CONTENT_CHANNELS, "content_channel")

RoleType = choice(v.ROLES, "role")

MatchStatusType = choice(v.MATCH_STATUSES, "match_status")

QuarantineStatusType = choice(v.QUARANTINE_STATUSES, "quarantine_status")

IntakeKeyKindType = choice(v.INTAKE_KEY_KINDS, "intake_key_kind")

MessageDirectionType = choice(v.MESSAGE_DIRECTIONS, "message_direction")

MessageKindType = choice(v.MESSAGE_KINDS, "message_kind")


def check_choices(metadata: MetaData) -> None:
    """Every `choice` column gets its CHECK constraint, named after the choice."""
    for table in metadata.tables.values():
        for column in table.columns:
            if isinstance(column.type, Enum):
                table.append_constraint(CheckConstraint(
                    one_of(column.name, tuple(column.type.enums)), name=column.type.name))
