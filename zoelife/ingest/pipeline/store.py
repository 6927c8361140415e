"""The store stage: a batch's decided rows written with executemany, the row shape prepared
once per table and batch (`insert_rows`), and the rows of the same batch that a later row
changed updated in one statement per table (`write`). Primary keys are handed out here, in
processing order, as the database would (`Ids`).
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Enum,
    Table,
    bindparam,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from zoelife.db.models import (
    CrisisChange,
    IntakeKey,
    Person,
    PossibleMatch,
    QuarantinedRow,
    Request,
    RequestTreatment,
    Submission,
)

# What a later submission of the same person can change on a request of the same batch.
CHANGING = ("message", "search_text", "crisis_level", "crisis_source", "crisis_evidence",
            "crisis_acknowledged_at", "crisis_acknowledged_by", "oncall_notified_at", "due_at",
            "next_due_at", "crisis_rank", "version", "updated_at")


@dataclass
class Pending:
    """Rows decided and not written yet, by table, in the order they are inserted."""
    people: list[dict] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)
    treatments: list[dict] = field(default_factory=list)
    crisis: list[dict] = field(default_factory=list)
    submissions: list[dict] = field(default_factory=list)
    quarantined: list[dict] = field(default_factory=list)
    keys: list[dict] = field(default_factory=list)
    matches: list[dict] = field(default_factory=list)


def write(session: Session, pending: Pending, changed_requests: Sequence[dict],
          changed_people: Sequence[tuple[int, dt.date]]) -> None:
    """Insert the pending rows; update the requests written earlier and changed since (their
    CHANGING columns) and give people written earlier their birth date where they had none."""
    for model, rows in ((Person, pending.people), (Request, pending.requests),
                        (RequestTreatment, pending.treatments), (CrisisChange, pending.crisis),
                        (Submission, pending.submissions), (QuarantinedRow, pending.quarantined),
                        (IntakeKey, pending.keys), (PossibleMatch, pending.matches)):
        insert_rows(session, model.__table__, rows)
    if changed_requests:
        rows = [{"b_id": values["id"]} | {f"v_{c}": values[c] for c in CHANGING}
                for values in changed_requests]
        session.execute(update(Request.__table__).where(Request.id == bindparam("b_id"))
                        .values({c: bindparam(f"v_{c}") for c in CHANGING}), rows)
    if changed_people:
        rows = [{"b_id": pid, "v_date_of_birth": born} for pid, born in changed_people]
        session.execute(update(Person.__table__).where(Person.id == bindparam("b_id"),
                                                       Person.date_of_birth.is_(None))
                        .values(date_of_birth=bindparam("v_date_of_birth")), rows)


class Ids:
    """Primary keys handed out in processing order, as the database would."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.pg = session.get_bind().dialect.name == "postgresql"
        self.next: dict[Any, int] = {}
        self.reserved: dict[Any, list[int]] = {}

    def reset(self) -> None:
        self.next.clear()
        self.reserved.clear()

    def take(self, model) -> int:
        if self.pg:
            pool = self.reserved.get(model)
            if not pool:
                table = model.__tablename__
                pool = list(self.session.execute(text(
                    f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "  # noqa: S608 - table names are ours
                    "FROM generate_series(1, 1000)")).scalars())
                pool.reverse()
                self.reserved[model] = pool
            return pool.pop()
        if model not in self.next:
            self.next[model] = (self.session.execute(select(func.max(model.id))).scalar() or 0) + 1
        value = self.next[model]
        self.next[model] = value + 1
        return value



def insert_rows(session: Session, table: Table, rows: list[dict[str, Any]],
                chunk: int = 5000) -> None:
    """INSERT `rows` (dicts with the same keys) into `table` in the session's transaction.

    On SQLite the values go through each column type's own bind processor and straight to the
    driver's executemany, column by column: SQLAlchemy's per-row parameter handling costs more
    than SQLite's insert itself. A column that is NULL in every row of a batch is left out of
    that batch's INSERT (binding a third of a request's columns to NULL cost SQLite a third of
    its time), unless the database would fill it with a default. Elsewhere, and when a column
    left out has a Python-side default, the rows go through SQLAlchemy Core's executemany.
    On PostgreSQL: COPY (`_copy`), unless a column left out has a Python-side default."""
    if not rows:
        return
    names = list(rows[0])
    columns = [table.c[name] for name in names]
    conn = session.connection()
    dialect = conn.dialect
    defaulted = any(c.default is not None and c.name not in rows[0] for c in table.columns)
    if dialect.name == "postgresql" and not defaulted:
        _copy(conn, table, columns, rows)
        return
    if dialect.name != "sqlite" or defaulted:
        for start in range(0, len(rows), chunk):
            session.execute(insert(table), rows[start:start + chunk])
        return
    processors, omittable = _row_shape(dialect, table, tuple(names))
    values_of = itemgetter(*names) if len(names) > 1 else (lambda row: (row[names[0]],))
    for start in range(0, len(rows), chunk):
        batch = rows[start:start + chunk]
        if any(len(row) != len(names) for row in batch):
            raise ValueError(f"{table.name}: rows of one insert differ in their columns")
        by_column = list(zip(*map(values_of, batch), strict=True))
        kept = [i for i, values in enumerate(by_column)
                if not (omittable[i] and values.count(None) == len(values))]
        sql = 'INSERT INTO "{}" ({}) VALUES ({})'.format(  # noqa: S608 - our own names
            table.name, ", ".join(f'"{names[i]}"' for i in kept),
            ", ".join("?" for _ in kept))
        converted = [_converted(processors[i], by_column[i]) if processors[i] else by_column[i]
                     for i in kept]
        conn.exec_driver_sql(sql, list(zip(*converted, strict=True)))


_SHAPES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _row_shape(dialect, table: Table, names: tuple[str, ...]) -> tuple[list, list[bool]]:
    """Each column's bind processor and whether leaving it out stores NULL, worked out once
    per dialect, table and set of columns (a webhook delivery is a batch of one: working them
    out per insert cost more than the insert)."""
    shapes = _SHAPES.get(dialect)
    if shapes is None:
        shapes = _SHAPES.setdefault(dialect, {})
    key = (table, names)
    shape = shapes.get(key)
    if shape is None:
        columns = [table.c[name] for name in names]
        processors = [_sqlite_processor(c.type.dialect_impl(dialect).bind_processor(dialect),
                                        c.type) for c in columns]
        # NULL is what the database stores for a column left out only where it has no default.
        omittable = [c.default is None and c.server_default is None for c in columns]
        shape = shapes[key] = (processors, omittable)
    return shape


def _copy(conn, table: Table, columns: list, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL's COPY FROM STDIN, in the connection's transaction, each value converted by
    its column type's own bind processor (UTC times, JSON text)."""
    dialect = conn.dialect
    processors = [None if isinstance(c.type, Enum | Boolean)  # the driver adapts them as they are
                  else c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
    pairs = [(c.name, p) for c, p in zip(columns, processors, strict=True)]
    names = ", ".join(f'"{c.name}"' for c in columns)
    raw = conn.connection.driver_connection
    with raw.cursor() as cur, cur.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            if len(row) != len(pairs):
                raise ValueError(f"{table.name}: rows of one insert differ in their columns")
            copy.write_row(tuple(row[n] if p is None or row[n] is None else p(row[n])
                                 for n, p in pairs))


def _sqlite_processor(process: Callable[[Any], Any] | None, column_type) -> Any:
    """SQLite's DATE processor formats a date field by field; `date.isoformat` writes the same
    text in one C call (an import writes hundreds of thousands of dates). Kept only if it
    agrees with the dialect's own format."""
    if process is None or not isinstance(column_type, Date) or isinstance(column_type, DateTime):
        return process
    samples = (dt.date(987, 6, 5), dt.date(2026, 11, 27), dt.datetime(2026, 1, 2, 3, 4, 5))
    if any(process(day) != dt.date.isoformat(day) for day in samples):
        return process
    return dt.date.isoformat


def _converted(process: Callable[[Any], Any], values: Sequence[Any]) -> list[Any]:
    """`process` applied to each value but NULL. Many rows share one value object (the
    import's `now`): it is converted once."""
    out = []
    last_in = last_out = None
    for value in values:
        if value is None:  # NULL for every column type here
            out.append(None)
        elif value is last_in:
            out.append(last_out)
        else:
            last_in, last_out = value, process(value)
            out.append(last_out)
    return out
