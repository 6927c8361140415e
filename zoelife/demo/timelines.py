"""What happened to each demo request: crisis acknowledgement, contact attempts at the
clinic's cadence, status moves by DESIGN.md's rules (scheduled, no-shows, closes), and now and
then the same form sent again (a duplicate submission attached).
"""

from __future__ import annotations

import datetime as dt
import math
import random

from zoelife.demo.content import DAYS
from zoelife.demo.messages import DUPLICATE_MESSAGE
from zoelife.demo.people import _PersonInfo
from zoelife.intake.assessment import crisis_rank, evidence_json
from zoelife.intake.duplicates import APPENDED_TEXT_MARKER

APPOINTMENT_KIND = {
    "spravato": "Spravato consultation", "tms": "TMS consultation",
    "ketamine": "Ketamine consultation", "medication_management": "Psychiatric evaluation",
    "therapy": "Therapy intake", "other": "Psychiatric evaluation",
}



class _Row:
    """A row dict read as attributes (`Schedule.next_step` reads a request's facts so)."""

    def __init__(self, values: dict) -> None:
        self.__dict__.update(values)



class Timelines:
    """The generator's lifecycle part (mixed into `zoelife.demo._Generator`)."""

    def lifecycle(self, row: dict, planted: str, merged_into: int | None,
                  treatments: list[str], waiting: bool = False) -> None:
        """Draw what happened to a request from what the generator planted: its crisis kind
        (the label of its message's pool: "urgent", "review", "none" or "spam") and its
        treatments. The detector's level (`row["crisis_level"]`) decides only the crisis rows,
        the acknowledgement and what follows from the stored level (`next_attempt_due_at`,
        the next step), none of which draws from the shared streams."""
        rng, now, sched = self.streams.timelines, self.now, self.schedule
        rid, received = row["id"], row["received_at"]
        level = "urgent" if planted == "urgent" else "none"  # the pace the desk works at
        status = "new"
        attempts: list[tuple[dt.datetime, str, str]] = []
        changes: list[dict] = []
        state = {"updated": received}

        def move(to: str, at: dt.datetime, *, reason: str | None = None,
                 close_reason: str | None = None, appointment: dt.datetime | None = None,
                 kind: str | None = None) -> None:
            nonlocal status
            changes.append({"id": self.take_id("change"), "request_id": rid,
                            "from_status": status, "to_status": to,
                            "close_reason": close_reason, "reason": reason,
                            "appointment_at": appointment, "appointment_kind": kind,
                            "changed_at": at, "changed_by": None})
            status = to
            state["updated"] = at

        def close(at: dt.datetime, why: str, reason: str | None = None) -> None:
            move("closed", at, close_reason=why, reason=reason)
            row["close_reason"], row["closed_at"] = why, at

        self.crisis_history(row, waiting)

        def finish() -> None:
            row["status"], row["is_open"] = status, status != "closed"
            count = len(attempts)
            row["attempt_count"] = count
            row["first_contact_at"] = attempts[0][0] if attempts else None
            reached = [a[0] for a in attempts if a[2] == "reached"]
            row["reached_at"] = reached[0] if reached else None
            row["last_attempt_at"] = attempts[-1][0] if attempts else None
            row["next_attempt_due_at"] = (
                sched.next_attempt_due(attempts[-1][0], row["crisis_level"], count)
                if attempts and not reached and status != "closed" else None)
            row["updated_at"] = max(state["updated"], attempts[-1][0] if attempts else received)
            # The worklist's next step, by the same rules as the app's own moves.
            no_show = status == "in_progress" and row.get("appointment_at") is not None
            row["next_step"] = "rebook" if no_show else None
            row["follow_up_at"] = sched.rebook_due(state["updated"]) if no_show else None
            row["next_step"], row["next_due_at"] = sched.next_step(_Row(row), now)
            for at, method, outcome in attempts:
                self.buf.attempts.append({
                    "id": self.take_id("attempt"), "request_id": rid, "attempted_at": at,
                    "staff_user_id": None, "method": method, "outcome": outcome,
                    "note": "Spoke in person at the front desk" if row["channel"] == "walk_in"
                    and outcome == "reached" and len(attempts) == 1 else None,
                    "created_at": at})
            self.buf.changes.extend(changes)
            self.stats.attempts += count

        if waiting:
            return finish()  # nobody has called yet: overdue, at the top of the queue
        if merged_into is not None:
            at = received + dt.timedelta(hours=rng.uniform(0.5, 6))
            if at < now:
                row["duplicate_of_id"] = merged_into
                close(at, "duplicate", "same person asked again")
                self.stats.merged_duplicates += 1
            return finish()
        if planted == "spam":
            at = received + dt.timedelta(hours=rng.uniform(0.5, 20))
            if at < now:
                close(at, "spam")
            return finish()

        # Speed to lead: the desk got faster over the two years.
        age_days = (now - received).days
        slowness = 0.8 + 0.8 * min(age_days, DAYS) / DAYS
        if row["channel"] == "walk_in":
            first = received + dt.timedelta(minutes=rng.uniform(1, 10))
        elif level == "urgent":
            first = received + dt.timedelta(minutes=rng.uniform(3, 25))
        else:
            delay = rng.lognormvariate(math.log(40 * slowness), 1.1)
            first = sched.add_business_time(received, dt.timedelta(minutes=min(delay, 4000)))
        at = first
        reached_at = None
        for n in range(sched.max_attempts):
            if at >= now:
                break
            if row["channel"] == "walk_in" and n == 0:
                method, outcome = "call", "reached"
            else:
                method = rng.choices(("call", "text", "email"), (0.75, 0.15, 0.10))[0]
                p_reach = (0.6, 0.45, 0.35)[min(n, 2)] + (0.25 if level == "urgent" else 0)
                if method == "call" and rng.random() < p_reach:
                    outcome = "reached"
                elif method == "call":
                    outcome = rng.choices(("no_answer", "left_voicemail", "wrong_number"),
                                          (0.5, 0.45, 0.05))[0]
                elif method == "email" and rng.random() < 0.05:
                    outcome = "bounced"
                elif rng.random() < 0.35 * p_reach:
                    # People answer a text or email by calling back: counted as reached.
                    outcome = "reached"
                else:
                    outcome = "message_sent"
            attempts.append((at, method, outcome))
            if outcome == "reached":
                reached_at = at
                if status in ("new", "attempted"):
                    move("in_progress", at, reason="contact attempt: reached")
                break
            if status == "new":
                move("attempted", at, reason=f"contact attempt: {outcome.replace('_', ' ')}")
            nxt = sched.next_attempt_due(at, level, len(attempts))
            if nxt is None:
                break
            at = max(at + dt.timedelta(minutes=30), nxt - dt.timedelta(hours=rng.uniform(0, 7)))

        if reached_at is None:
            if attempts and len(attempts) >= sched.max_attempts:
                at = attempts[-1][0] + dt.timedelta(days=rng.uniform(2, 7))
                if at < now:
                    close(at, "unreachable", "no answer after three attempts")
            return finish()

        main = treatments[0] if treatments else "other"
        p_schedule = {"spravato": 0.5, "tms": 0.5, "ketamine": 0.55,
                      "medication_management": 0.65, "therapy": 0.6}.get(main, 0.4)
        if row["channel"] in ("referral", "walk_in"):
            p_schedule = min(0.9, p_schedule * 1.25)
        if rng.random() < p_schedule:
            at = reached_at + dt.timedelta(hours=rng.uniform(0.2, 72))
            if at >= now:
                return finish()
            local_at = at.astimezone(self.zone)
            appt_day = local_at.date() + dt.timedelta(days=rng.randint(3, 21))
            while appt_day.weekday() >= 5:
                appt_day += dt.timedelta(days=1)
            appointment = self.local_moment(appt_day, rng.randint(9, 16),
                                             rng.choice((0, 15, 30, 45)), 0)
            kind = APPOINTMENT_KIND.get(main, "Psychiatric evaluation")
            move("scheduled", at, appointment=appointment, kind=kind)
            row["scheduled_at"], row["appointment_at"], row["appointment_kind"] = \
                at, appointment, kind
            roll = rng.random()
            if roll < 0.78:
                at = appointment + dt.timedelta(hours=rng.uniform(1, 48))
                if at < now:
                    close(at, "became_patient")
            elif roll < 0.9:
                at = appointment + dt.timedelta(hours=2)
                if at < now:
                    move("in_progress", at, reason="no-show")
                    at2 = at + dt.timedelta(days=rng.uniform(3, 10))
                    if at2 < now:
                        close(at2, "declined", "did not rebook after a no-show")
            else:
                at = appointment + dt.timedelta(days=1)
                if at < now:
                    close(at, "not_eligible", "not a candidate after evaluation")
            return finish()
        at = reached_at + dt.timedelta(days=rng.uniform(0.5, 10))
        if at < now:
            why = rng.choices(("declined", "not_eligible", "referred_elsewhere"),
                              (0.4, 0.33, 0.27))[0]
            close(at, why)
        return finish()

    def crisis_history(self, row: dict, waiting: bool) -> None:
        """The detector's level as `receive` records it: an "assessed" row for `urgent` and
        `review`, and an urgent request acknowledged within minutes unless it is one of the
        fresh ones left waiting. The delay comes from a stream of the request's own, so which
        requests the detector calls urgent moves no other draw."""
        rid, received, level = row["id"], row["received_at"], row["crisis_level"]
        ack_at = None
        if level != "none":
            self.buf.crisis.append({"id": self.take_id("crisis"), "request_id": rid,
                                    "kind": "assessed", "from_level": None, "to_level": level,
                                    "reason": None, "changed_at": received, "changed_by": None})
        if level == "urgent":
            own = random.Random(f"zoelife-demo:{self.seed}:acknowledged:{rid}")
            ack_at = received + dt.timedelta(minutes=own.randint(2, 20))
            if not waiting and ack_at < self.now:
                self.buf.crisis.append({"id": self.take_id("crisis"), "request_id": rid,
                                        "kind": "acknowledged", "from_level": "urgent",
                                        "to_level": "urgent", "reason": None,
                                        "changed_at": ack_at, "changed_by": None})
            else:
                ack_at = None
                self.stats.unacknowledged += 1
        row["crisis_acknowledged_at"] = ack_at
        row["crisis_rank"] = crisis_rank(level, ack_at is not None)

    def maybe_duplicate(self, row: dict, person: _PersonInfo, codes: set[str],
                        labels: tuple[str, ...]) -> None:
        """Now and then the same person submits the same form again within hours."""
        rng = self.streams.timelines
        if row["channel"] != "web_form" or rng.random() > 0.004:
            return
        at = row["received_at"] + dt.timedelta(minutes=rng.randint(10, 300))
        closed = row["closed_at"]
        if at >= self.now or (closed is not None and closed <= at):
            return
        sid = self.take_id("submission")
        result = self.assessed(DUPLICATE_MESSAGE, labels)
        external_id = self.external_id(row["source"])
        self.buf.submissions.append({
            "id": sid, "request_id": row["id"], "source": row["source"],
            "external_id": external_id, "channel": "web_form", "received_at": at,
            "first_name": person.first, "last_name": person.last, "email": person.email,
            "phone": person.phone, "message": DUPLICATE_MESSAGE,
            "treatments": sorted(codes), "fields": {"extra": {}},
            "crisis_level": result.crisis, "crisis_evidence": evidence_json(result),
            "import_batch_id": None, "created_at": at})
        self.buf.keys.append({
            "source": row["source"], "external_id": external_id, "kind": "submission",
            "request_id": row["id"], "submission_id": sid, "quarantined_row_id": None,
            "first_seen_at": at})
        when = at.strftime("%Y-%m-%d %H:%M UTC")
        row["message"] = (row["message"] or "") + APPENDED_TEXT_MARKER.format(when=when) \
            + DUPLICATE_MESSAGE
        self.stats.submissions += 1

    # ------------------------------------------------------------------ the run

