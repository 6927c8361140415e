"""Response targets over business hours, holidays and the clinic's time zone, and the next step
of every open request.

Business-hour arithmetic is not portable SQL, so `due_at`, `next_attempt_due_at` and the next
step's `next_due_at` are computed here and stored on the request; `recompute_all` refreshes them
when the settings change (`change_setting`, the one way a setting is changed).

Nothing open is without a due time (`Schedule.next_step`; stored per request by
`zoelife.intake.next_steps`): new → first contact within
`first_response_minutes` business minutes (urgent: `urgent_response_minutes`); attempted → the
next attempt by the cadence, then "close as unreachable or try again" at the close of the
cadence's day after the last one; in progress → the follow-up date the user set (default
`follow_up_business_days` after the move), a rebook within one business day after a no-show, or
a date to chase when waiting on the person or someone else; scheduled → a confirmation call by
the close of the business day before the appointment, then "record whether they came" at the
appointment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from zoelife import audit
from zoelife import settings as settings_mod
from zoelife.coverage import reminders as coverage_reminders
from zoelife.db.models import Request, RequestTreatment
from zoelife.vocabulary import FOLLOW_UP_STEPS

# Long enough for 72 business hours of a clinic open half an hour a week; a clinic with no
# hours at all falls back to plain time.
MAX_DAYS_SEARCHED = 1100


@dataclass(frozen=True)
class Schedule:
    zone: ZoneInfo
    hours: dict[int, tuple[dt.time, dt.time] | None]  # weekday (Mon=0) -> (open, close)
    holidays: frozenset[dt.date]
    first_response_minutes: int = 60
    urgent_response_minutes: int = 0
    cadence_business_days: int = 1
    max_attempts: int = 3
    follow_up_business_days: int = 2

    @classmethod
    def from_settings(cls, values: dict) -> Schedule:
        hours: dict[int, tuple[dt.time, dt.time] | None] = {}
        for i, day in enumerate(settings_mod.WEEKDAYS):
            span = values["business_hours"].get(day)
            hours[i] = (
                (dt.time.fromisoformat(span[0]), dt.time.fromisoformat(span[1])) if span else None
            )
        return cls(
            zone=ZoneInfo(values["time_zone"]),
            hours=hours,
            holidays=frozenset(dt.date.fromisoformat(d) for d in values["holidays"]),
            first_response_minutes=int(values["first_response_minutes"]),
            urgent_response_minutes=int(values["urgent_response_minutes"]),
            cadence_business_days=int(values["attempt_cadence_business_days"]),
            max_attempts=int(values["max_contact_attempts"]),
            follow_up_business_days=int(values["follow_up_business_days"]),
        )

    @classmethod
    def load(cls, session: Session) -> Schedule:
        return cls.from_settings(settings_mod.load(session))

    def __post_init__(self) -> None:
        # Each day's opening, worked out once: every due time asks for it (an import of
        # 100,000 rows asks 150,000 times, for a few hundred days).
        object.__setattr__(self, "_openings", {})

    # -- business time ----------------------------------------------------------------
    # Arithmetic runs on UTC instants: a business hour is an hour that elapses while the clinic
    # is open, so the day the clocks go forward has one hour less and the day they go back one
    # more. (Python subtracts and adds aware times of one zone by the wall clock, which would
    # land due times in the missing hour and count the doubled one once.)

    def opening(self, day: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
        """The day's opening and closing instants (UTC), or None when closed."""
        try:
            return self._openings[day]
        except KeyError:
            pass
        span = None if day in self.holidays else self.hours.get(day.weekday())
        found = (self._instant(day, span[0]), self._instant(day, span[1])) if span else None
        self._openings[day] = found
        return found

    def _instant(self, day: dt.date, wall: dt.time) -> dt.datetime:
        """The instant the clinic's clocks show `wall` on `day`: the first one when the hour is
        doubled, and the moment the clocks jump when `wall` falls in the hour they skip."""
        naive = dt.datetime.combine(day, wall)
        moment = naive.replace(tzinfo=self.zone).astimezone(dt.UTC)
        if moment.astimezone(self.zone).replace(tzinfo=None) == naive:
            return moment
        # Skipped: fold=1 reads `wall` with the later offset, an instant before the jump; the
        # jump is the first minute from there whose wall time is past `wall`.
        low = naive.replace(tzinfo=self.zone, fold=1).astimezone(dt.UTC)
        high = moment
        while high - low > dt.timedelta(seconds=1):
            mid = low + (high - low) / 2
            if mid.astimezone(self.zone).replace(tzinfo=None) >= naive:
                high = mid
            else:
                low = mid
        return high.replace(microsecond=0) if high.microsecond else high

    def is_business_time(self, moment: dt.datetime) -> bool:
        span = self.opening(moment.astimezone(self.zone).date())
        return bool(span and span[0] <= moment < span[1])

    def add_business_time(self, start: dt.datetime, delta: dt.timedelta) -> dt.datetime:
        """`start` plus `delta` of open hours. Zero delta still waits for the next opening.
        Without enough open hours in MAX_DAYS_SEARCHED days (a clinic with no hours set),
        `delta` of plain time."""
        start = start.astimezone(dt.UTC)
        remaining = delta
        day = start.astimezone(self.zone).date()
        for _ in range(MAX_DAYS_SEARCHED):
            span = self.opening(day)
            if span:
                begin = max(span[0], start)
                if begin < span[1]:
                    available = span[1] - begin
                    if remaining <= available:
                        return begin + remaining
                    remaining -= available
            day += dt.timedelta(days=1)
        return start + delta

    def close_of_business_day_after(self, start: dt.datetime, days: int) -> dt.datetime:
        """The closing time of the `days`-th business day after `start`'s local date
        (0: the same day if it is a business day and still open, else the next one)."""
        start = start.astimezone(dt.UTC)
        first_day = day = start.astimezone(self.zone).date()
        counted = 0
        for _ in range(MAX_DAYS_SEARCHED):
            span = self.opening(day)
            if span:
                if days == 0 and span[1] > start:
                    return span[1]
                if day > first_day:
                    counted += 1
                    if counted >= days:
                        return span[1]
            day += dt.timedelta(days=1)
        return start + dt.timedelta(days=max(days, 1))

    # -- targets --------------------------------------------------------------------

    def first_contact_due(self, received_at: dt.datetime, crisis_level: str) -> dt.datetime:
        if crisis_level == "urgent":
            return received_at + dt.timedelta(minutes=self.urgent_response_minutes)
        return self.add_business_time(
            received_at, dt.timedelta(minutes=self.first_response_minutes)
        )

    def next_attempt_due(self, last_attempt_at: dt.datetime, crisis_level: str,
                         attempts: int) -> dt.datetime | None:
        """When the next try is due after an unanswered attempt; None after the last one."""
        if attempts >= self.max_attempts:
            return None
        if crisis_level == "urgent":
            # Urgent people are tried again within the hour, business hours or not.
            return last_attempt_at + dt.timedelta(hours=1)
        return self.close_of_business_day_after(last_attempt_at, self.cadence_business_days)

    def business_day_before(self, moment: dt.datetime) -> dt.datetime | None:
        """The closing instant of the last business day before `moment`'s local date."""
        day = moment.astimezone(self.zone).date()
        for _ in range(MAX_DAYS_SEARCHED):
            day -= dt.timedelta(days=1)
            span = self.opening(day)
            if span:
                return span[1]
        return None

    def follow_up_due(self, since: dt.datetime) -> dt.datetime:
        """A follow-up's default: the close of the `follow_up_business_days`-th business day."""
        return self.close_of_business_day_after(since, self.follow_up_business_days)

    def rebook_due(self, since: dt.datetime) -> dt.datetime:
        """After a no-show: rebook within one business day."""
        return self.close_of_business_day_after(since, 1)

    def confirm_due(self, appointment_at: dt.datetime, scheduled_at: dt.datetime
                    ) -> dt.datetime | None:
        """The confirmation call: by the close of the business day before the appointment;
        None when that day had already closed when the appointment was made."""
        due = self.business_day_before(appointment_at)
        if due is None or due <= scheduled_at:
            return None
        return due

    def next_step(self, r, now: dt.datetime) -> tuple[str | None, dt.datetime | None]:
        """The next step of a request and its due time, from its stored facts (an ORM row or a
        result row with the columns `recompute_all` reads). `follow_up_at` and a stored
        `next_step` carry what the user chose (a follow-up date, waiting, the confirmation call
        done); `now` stands in for the move's time where a row predates these columns."""
        status = r.status
        if status == "closed":
            return None, None
        if status == "new":
            return "first_contact", r.due_at or self.first_contact_due(r.received_at,
                                                                        r.crisis_level)
        if status == "attempted":
            if r.next_attempt_due_at is not None:
                return "next_attempt", r.next_attempt_due_at
            if r.reached_at is None and r.last_attempt_at is not None:
                # The cadence ran out: close as unreachable, or decide to try again.
                return "close_unreachable", self.close_of_business_day_after(
                    r.last_attempt_at, self.cadence_business_days)
            return "follow_up", r.follow_up_at or self.follow_up_due(r.updated_at or now)
        if status == "in_progress":
            step = r.next_step if r.next_step in (*FOLLOW_UP_STEPS, "rebook") else "follow_up"
            if r.follow_up_at is not None:
                return step, r.follow_up_at
            since = r.reached_at or r.last_attempt_at or r.updated_at or now
            return step, (self.rebook_due(since) if step == "rebook"
                          else self.follow_up_due(since))
        # scheduled
        if r.appointment_at is None:
            return "follow_up", r.follow_up_at or self.follow_up_due(r.updated_at or now)
        if r.next_step == "outcome":
            return "outcome", r.appointment_at
        if r.next_step == "confirm" and r.follow_up_at is not None:
            return "confirm", r.follow_up_at
        confirm = self.confirm_due(r.appointment_at, r.scheduled_at or now)
        if confirm is None or r.appointment_at <= now:
            return "outcome", r.appointment_at
        return "confirm", confirm

    def local_parts(self, moment: dt.datetime) -> tuple[dt.date, int, int]:
        local = moment.astimezone(self.zone)
        return local.date(), local.hour, local.weekday()


def change_setting(session: Session, name: str, value, *, actor: audit.Actor | None = None
                   ) -> bool:
    """Store a clinic setting with what follows from it, in the caller's transaction: the
    audit row (old and new value; settings are not patient data) and, for a setting that
    shapes due times or local dates, `recompute_all`. False when nothing changed."""
    change = settings_mod.set_value(session, name, value,
                                    user_id=getattr(actor, "user_id", None))
    if change is None:
        return False
    audit.record(session, actor, "settings.change", "setting", name,
                 {name: {"old": change.old, "new": change.new}})
    if settings_mod.spec(name).affects_schedule:
        recompute_all(session)
    return True


def recompute_all(session: Session, batch: int = 2000, now: dt.datetime | None = None) -> int:
    """Refresh stored due times and next steps of open requests and local dates of every
    request. Dates the user chose (`follow_up_at`) stay as they are.

    Runs in the caller's transaction (a settings change), in id-ordered batches.
    Returns the number of requests touched.
    """
    now = now or dt.datetime.now(dt.UTC)
    schedule = Schedule.load(session)
    touched = 0
    facts = select(
        Request.id, Request.received_at, Request.crisis_level, Request.is_open,
        Request.first_contact_at, Request.reached_at, Request.attempt_count,
        Request.last_attempt_at, Request.received_local_date, Request.status,
        Request.due_at, Request.next_attempt_due_at, Request.next_step,
        Request.follow_up_at, Request.appointment_at, Request.scheduled_at,
        Request.updated_at,
    )
    for rows in request_batches(session, facts, batch):
        coverage = coverage_reminders.earliest_for(
            session, [r.id for r in rows if r.is_open], schedule)
        for r in rows:
            local_date, hour, weekday = schedule.local_parts(r.received_at)
            values: dict = {
                "received_local_date": local_date,
                "received_local_hour": hour,
                "received_local_weekday": weekday,
            }
            if r.is_open:
                values["due_at"] = schedule.first_contact_due(r.received_at, r.crisis_level)
                fresh = {"due_at": values["due_at"],
                         "next_attempt_due_at": r.next_attempt_due_at}
                if r.first_contact_at is not None and r.reached_at is None and r.last_attempt_at:
                    values["next_attempt_due_at"] = schedule.next_attempt_due(
                        r.last_attempt_at, r.crisis_level, r.attempt_count
                    )
                    fresh["next_attempt_due_at"] = values["next_attempt_due_at"]
                step, due = schedule.next_step(_Facts(r, fresh), now)
                values |= coverage_reminders.combined(step, due, coverage.get(r.id))
            else:
                values |= coverage_reminders.combined(None, None, None)
            session.execute(update(Request).where(Request.id == r.id).values(**values))
            if local_date != r.received_local_date:
                session.execute(
                    update(RequestTreatment)
                    .where(RequestTreatment.request_id == r.id)
                    .values(received_local_date=local_date)
                )
            touched += 1
    return touched


def request_batches(session: Session, query: Select, batch: int) -> Iterator[list]:
    """The rows of `query` (its first column `Request.id`), in id order, `batch` at a time;
    each batch read after the caller is done with the one before (it may update them)."""
    last_id = 0
    while True:
        rows = session.execute(query.where(Request.id > last_id).order_by(Request.id)
                               .limit(batch)).all()
        if not rows:
            return
        yield rows
        last_id = rows[-1].id


class _Facts:
    """A result row seen with some of its columns replaced (the ones just recomputed)."""

    def __init__(self, row, replaced: dict) -> None:
        self._row, self._replaced = row, replaced

    def __getattr__(self, name: str):
        if name in self._replaced:
            return self._replaced[name]
        return getattr(self._row, name)
