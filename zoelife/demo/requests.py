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
    TREATMENT_WEIGHTS,
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
        rng = self.rng
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

    def make_request(self, day: dt.date, lifted: dict | None) -> None:
        rng = self.rng
        weekend = day.weekday() >= 5
        if lifted is not None:
            channel = rng.choices(("web_form", "phone", "email"), (0.75, 0.15, 0.10))[0]
            topic = lifted["plan"].topic
            treatments = [topic]
        else:
            mix = CHANNEL_WEIGHTS_WEEKEND if weekend else CHANNEL_WEIGHTS_WEEKDAY
            channel = rng.choices(tuple(mix), tuple(mix.values()))[0]
            treatments = [rng.choices(tuple(TREATMENT_WEIGHTS),
                                      tuple(TREATMENT_WEIGHTS.values()))[0]]
        if rng.random() < 0.12:
            extra = rng.choice(("medication_management", "therapy", "spravato", "tms"))
            if extra not in treatments:
                treatments.append(extra)
        received = self.sample_time(day, channel)
        forced_urgent = False
        if (lifted is None and self.forced_urgent < 3 and self.now - received < dt.timedelta(
                days=2) and self.rng.random() < 0.4):
            # A few fresh urgent messages nobody has acknowledged yet: the queue's banner.
            forced_urgent = True
            self.forced_urgent += 1
            received = self.now - dt.timedelta(minutes=self.rng.randint(10, 300))
        person, repeat_of = self.pick_person(received)
        rid = self.take_id("request")

        # What they wrote.
        roll = rng.random()
        crisis_kind = "urgent" if roll < 0.005 else "review" if roll < 0.015 else None
        if forced_urgent:
            crisis_kind = "urgent"
        if crisis_kind == "urgent":
            message = rng.choice(URGENT_MESSAGES)
        elif crisis_kind == "review":
            message = rng.choice(REVIEW_MESSAGES)
        elif channel == "web_form" and lifted is None and rng.random() < 0.02:
            message = rng.choice(SPAM_MESSAGES)
            crisis_kind = "spam"
        else:
            pool = MESSAGES[treatments[0]] if rng.random() < 0.7 else MESSAGES[""]
            message = rng.choice(pool)
        labels = tuple(sorted(TREATMENT_LABELS[t] for t in treatments))
        if channel != "web_form":
            labels = ()  # calls and emails have no treatment field; staff note what was said
        result = self.assessed(message, labels)
        form_set = set(treatments) if channel == "web_form" else set()
        codes = set(result.treatments) | set(treatments)
        treatment_list = sorted(codes)

        # Where it came from.
        if channel == "web_form":
            source = ("spravato-landing-form" if "spravato" in codes and rng.random() < 0.5
                      else "website-contact-form")
        else:
            source = {"phone": "phone", "referral": "referral-fax", "email": "intake-email",
                      "walk_in": "front-desk"}[channel]
        landing, utm, attributed, heard = self.landing(channel, day, lifted, treatment_list)

        submitter, submitter_name, provider = "self", None, None
        if channel == "referral":
            submitter, provider = "provider", rng.choice(PROVIDERS)
            submitter_name = provider.split(",")[0]
        elif rng.random() < 0.08:
            submitter = rng.choice(("parent_guardian", "spouse_partner"))
            submitter_name = f"{rng.choice(FIRST_NAMES)} {person.last}"

        level = result.crisis
        row: dict[str, Any] = {
            "id": rid, "source": source, "external_id": self.external_id(source),
            "channel": channel, "submitter": submitter, "submitter_name": submitter_name,
            "person_id": person.id, "received_at": received,
            "first_name": person.first, "last_name": person.last,
            "email": person.email if (channel != "phone" or rng.random() < 0.5) else None,
            "phone": person.phone, "date_of_birth": person.dob,
            "message": message or None, "heard_about": heard,
            "referring_provider": provider, "landing_page": landing,
            "utm_source": utm.get("utm_source"), "utm_medium": utm.get("utm_medium"),
            "utm_campaign": utm.get("utm_campaign"), "utm_content": None, "utm_term": None,
            "insurance": rng.choice(INSURERS),
            "prior_auth_status": (rng.choice(("needed", "submitted", "approved", "unknown"))
                                  if codes & {"spravato", "tms"} and rng.random() < 0.4
                                  else None),
            "sms_consent": rng.random() < 0.6 if channel == "web_form" else None,
            "preferred_contact_time": rng.choice(CONTACT_TIMES),
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
                and rng.random() < 0.5):
            merged_into = repeat_of
        self.lifecycle(row, crisis_kind, merged_into, treatment_list, forced_urgent)

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
