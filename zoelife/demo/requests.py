"""What each demo request is: its channel and hour (weekday and hour patterns), its message and
treatments, where it came from, who wrote it, and its row with its treatments and intake key.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from itertools import accumulate
from typing import Any

from zoelife.demo.messages import (
    MESSAGES,
    REVIEW_MESSAGES,
    SPAM_MESSAGES,
    TREATMENT_LABELS,
    URGENT_MESSAGES,
)
from zoelife.demo.people import CONTACT_TIMES, FIRST_NAMES, INSURERS, PROVIDERS
from zoelife.intake.assessment import evidence_json
from zoelife.intake.normalize import search_text

CHANNEL_WEIGHTS_WEEKDAY = {"web_form": 0.55, "phone": 0.22, "referral": 0.10, "email": 0.08,
                           "walk_in": 0.05}
CHANNEL_WEIGHTS_WEEKEND = {"web_form": 0.78, "phone": 0.08, "referral": 0.02, "email": 0.11,
                           "walk_in": 0.01}
# Local hour weights (0..23): forms arrive around the clock with evening use; calls, walk-ins
# and faxes in business hours.
HOURS_FORM = (1, .6, .4, .3, .3, .5, 1.5, 3, 5, 6, 6, 5.5, 5, 5.5, 5.5, 5, 4.5, 4, 4, 4.5, 4.5,
              4, 3, 2)
HOURS_OFFICE = (0, 0, 0, 0, 0, 0, .1, .6, 6, 9, 9, 8, 6, 7, 8, 7, 6, 2, .4, .1, 0, 0, 0, 0)
HOURS = tuple(range(24))
HOURS_WEEKEND_FORM = (1.5, 1, .6, .4, .3, .3, .6, 1.5, 3, 4.5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5,
                      4.5, 3.5, 2.5)
HOURS_FORM_CUM = tuple(accumulate(HOURS_FORM))
HOURS_OFFICE_CUM = tuple(accumulate(HOURS_OFFICE))
HOURS_WEEKEND_FORM_CUM = tuple(accumulate(HOURS_WEEKEND_FORM))


@lru_cache(maxsize=4096)
def _search_part(part: str) -> str:
    return search_text(part)


def _search_text(*parts: str | None) -> str:
    """`normalize.search_text`, with names and message texts (few distinct ones) cached."""
    return " ".join(_search_part(p) if len(p) < 400 else search_text(p) for p in parts if p)


class Requests:
    """The generator's requests part (mixed into `zoelife.demo._Generator`)."""

    def local_moment(self, day: dt.date, hour: int, minute: int, second: int) -> dt.datetime:
        return dt.datetime(day.year, day.month, day.day, hour, minute, second,
                           tzinfo=self.zone).astimezone(dt.UTC)

    def external_id(self, source: str) -> str:
        n = self.source_seq.get(source, 0) + 1
        self.source_seq[source] = n
        prefix = {"website-contact-form": "wcf", "spravato-landing-form": "slf",
                  "phone": "call", "referral-fax": "fax", "intake-email": "mail",
                  "front-desk": "walkin"}[source]
        return f"{prefix}-{n:07d}"

    def sample_time(self, day: dt.date, channel: str) -> dt.datetime:
        rng = self.streams.arrivals
        weekend = day.weekday() >= 5
        if channel in ("phone", "walk_in", "referral"):
            table = HOURS_OFFICE_CUM
        else:
            table = HOURS_WEEKEND_FORM_CUM if weekend else HOURS_FORM_CUM
        for _ in range(20):
            hour = rng.choices(HOURS, cum_weights=table)[0]
            moment = self.local_moment(day, hour, rng.randrange(60), rng.randrange(60))
            if moment < self.now:
                return moment
        return self.now - dt.timedelta(minutes=rng.randint(1, 30))

    def arrival(self, day: dt.date, lifted: dict | None) -> tuple[str, dt.datetime, bool]:
        """(channel, received, waiting): when and how a request comes in, and whether it is
        one of the few fresh urgent ones nobody has acknowledged yet (the queue's banner)."""
        rng = self.streams.arrivals
        if lifted is not None:
            channel = rng.choices(("web_form", "phone", "email"), (0.75, 0.15, 0.10))[0]
        else:
            mix = CHANNEL_WEIGHTS_WEEKEND if day.weekday() >= 5 else CHANNEL_WEIGHTS_WEEKDAY
            channel = rng.choices(tuple(mix), tuple(mix.values()))[0]
        received = self.sample_time(day, channel)
        waiting = (lifted is None and self.waiting < 3
                   and self.now - received < dt.timedelta(days=2) and rng.random() < 0.4)
        if waiting:
            self.waiting += 1
            received = self.now - dt.timedelta(minutes=rng.randint(10, 300))
        return channel, received, waiting

    def what_they_write(self, channel: str, lifted: dict | None, topic: str | None,
                        waiting: bool) -> tuple[list[str], str, str]:
        """(treatments asked about, planted crisis kind, message). The kind is the label of
        the pool the message comes from: "urgent", "review", "spam" or "none"."""
        rng = self.streams.messages
        treatments = [lifted["plan"].topic if lifted is not None else topic]
        if rng.random() < 0.12:
            extra = rng.choice(("medication_management", "therapy", "spravato", "tms"))
            if extra not in treatments:
                treatments.append(extra)
        roll = rng.random()
        kind = "urgent" if roll < 0.005 or waiting else "review" if roll < 0.015 else "none"
        if kind == "urgent":
            message = rng.choice(URGENT_MESSAGES)
        elif kind == "review":
            message = rng.choice(REVIEW_MESSAGES)
        elif channel == "web_form" and lifted is None and rng.random() < 0.02:
            message, kind = rng.choice(SPAM_MESSAGES), "spam"
        else:
            pool = MESSAGES[treatments[0]] if rng.random() < 0.7 else MESSAGES[""]
            message = rng.choice(pool)
        return treatments, kind, message

    def make_request(self, day: dt.date, lifted: dict | None, topic: str | None) -> None:
        """One request on `day`: brought by `lifted` (a content item's extra inquiries, about
        its topic) or one of the day's base requests, asking about `topic`."""
        details = self.streams.details
        channel, received, waiting = self.arrival(day, lifted)
        treatments, kind, message = self.what_they_write(channel, lifted, topic, waiting)
        person, repeat_of = self.pick_person(received)
        rid = self.take_id("request")

        # The product's path: every message is assessed; treatments found in the text are
        # added to the request. Nothing below draws by the assessment (see Streams).
        labels = tuple(sorted(TREATMENT_LABELS[t] for t in treatments))
        if channel != "web_form":
            labels = ()  # calls and emails have no treatment field; staff note what was said
        result = self.assessed(message, labels)
        form_set = set(treatments) if channel == "web_form" else set()
        codes = set(result.treatments) | set(treatments)
        treatment_list = sorted(codes)

        # Where it came from.
        if channel == "web_form":
            landing_form = details.random() < 0.5
            source = ("spravato-landing-form" if "spravato" in treatments and landing_form
                      else "website-contact-form")
        else:
            source = {"phone": "phone", "referral": "referral-fax", "email": "intake-email",
                      "walk_in": "front-desk"}[channel]
        landing, utm, attributed, heard = self.landing(channel, day, lifted)

        submitter, submitter_name, provider = "self", None, None
        if channel == "referral":
            submitter, provider = "provider", details.choice(PROVIDERS)
            submitter_name = provider.split(",")[0]
        elif details.random() < 0.08:
            submitter = details.choice(("parent_guardian", "spouse_partner"))
            submitter_name = f"{details.choice(FIRST_NAMES)} {person.last}"
        with_email = channel != "phone" or details.random() < 0.5
        insurance = details.choice(INSURERS)
        # Drawn for every request so that the stream's position never depends on treatments.
        prior_auth = details.choice(("needed", "submitted", "approved", "unknown"))
        if not (set(treatments) & {"spravato", "tms"} and details.random() < 0.4):
            prior_auth = None
        sms_consent = details.random() < 0.6 if channel == "web_form" else None
        contact_time = details.choice(CONTACT_TIMES)

        level = result.crisis
        row: dict[str, Any] = {
            "id": rid, "source": source, "external_id": self.external_id(source),
            "channel": channel, "submitter": submitter, "submitter_name": submitter_name,
            "person_id": person.id, "received_at": received,
            "first_name": person.first, "last_name": person.last,
            "email": person.email if with_email else None,
            "phone": person.phone, "date_of_birth": person.dob,
            "message": message or None, "heard_about": heard,
            "referring_provider": provider, "landing_page": landing,
            "utm_source": utm.get("utm_source"), "utm_medium": utm.get("utm_medium"),
            "utm_campaign": utm.get("utm_campaign"), "utm_content": None, "utm_term": None,
            "insurance": insurance, "prior_auth_status": prior_auth,
            "sms_consent": sms_consent, "preferred_contact_time": contact_time,
            "extra": {}, "crisis_level": level, "crisis_source": "auto",
            "crisis_evidence": evidence_json(result),
            "crisis_acknowledged_at": None, "crisis_acknowledged_by": None,
            "oncall_notified_at": None, "assignee_id": None,
            "duplicate_of_id": None, "repeat_of_id": repeat_of,
            "attributed_content_id": attributed, "import_batch_id": None,
            "treatment_list": ";".join(treatment_list), "created_at": received, "version": 1,
            "due_at": self.schedule.first_contact_due(received, level),
            "appointment_at": None, "appointment_kind": None, "closed_at": None,
            "close_reason": None, "scheduled_at": None,
        }
        if row["email"] is None and row["phone"] is None:
            row["email"] = person.email
        local_date, hour, weekday = self.schedule.local_parts(received)
        row.update(received_local_date=local_date, received_local_hour=hour,
                   received_local_weekday=weekday, has_usable_contact=True)
        if repeat_of is not None:
            self.stats.repeats += 1

        # Staff-merged duplicates: a returning person's request soon after their last one.
        merged_into = None
        if (repeat_of is not None and received - person.last_received < dt.timedelta(days=5)
                and self.streams.timelines.random() < 0.5):
            merged_into = repeat_of
        self.lifecycle(row, kind, merged_into, treatments, waiting)

        self.maybe_duplicate(row, person, codes, labels)
        row["search_text"] = _search_text(row["first_name"], row["last_name"], row["email"],
                                          row["phone"], row["message"])
        self.buf.requests.append(row)
        for t in treatment_list:
            self.buf.treatments.append({"request_id": rid, "treatment": t,
                                        "origin": "form" if t in form_set else "text",
                                        "received_local_date": local_date})
        self.buf.keys.append({"source": source, "external_id": row["external_id"],
                              "kind": "request", "request_id": rid, "submission_id": None,
                              "quarantined_row_id": None, "first_seen_at": received})
        person.last_request_id = rid
        person.last_received = received
        self.stats.requests += 1
        self.stats.open += row["is_open"]
        self.stats.urgent += level == "urgent"
        self.stats.review += level == "review"
