"""The demo clinic's content calendar: what the clinic published over the two years, which
items carry a planted lift on their topic's inquiries (`LIFTS`, recorded in `demo_lifts`), and
where a request landed from (its page, UTM fields and credited item).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from importlib import resources

from zoelife.db.models import ContentItem, ContentTopic
from zoelife.demo.messages import TREATMENT_WEIGHTS
from zoelife.demo.people import HEARD_ABOUT
from zoelife.ingest.pipeline.store import insert_rows
from zoelife.intake.attribution import url_path_key

DAYS = 730
WEEKDAY_FACTOR = (1.20, 1.15, 1.10, 1.05, 0.92, 0.45, 0.35)
SITE = "https://zoelifepsychiatry.example"
SEED_ARTICLE_TITLE = "6 Powerful Benefits of Ketamine-Assisted Therapy"
LIFT_WINDOW_DAYS = 14

# --------------------------------------------------------------------------- content calendar

@dataclass(frozen=True)
class PlannedItem:
    day: int  # days after the start date
    channel: str
    topic: str
    title: str
    slug: str
    lift: float | None = None  # planted multiplier on the topic's daily rate


CONTENT_PLAN: tuple[tuple[str, str, str], ...] = (
    # (channel, topic, title); spread over two years in this order.
    ("blog", "spravato", "What to Expect at Your First Spravato Session"),
    ("social", "tms", "TMS myths, busted"),
    ("newsletter", "medication_management", "Winter check-in: keeping your medication on track"),
    ("blog", "tms", "Is NeuroStar TMS Right for You?"),
    ("video", "ketamine", "A walk through our ketamine suite"),
    ("ad", "spravato", "Treatment-resistant depression? Ask about Spravato"),
    ("blog", "medication_management", "How Medication Management Works at Zoelife"),
    ("social", "therapy", "Five small habits that support therapy"),
    ("blog", "ketamine", SEED_ARTICLE_TITLE),
    ("newsletter", "spravato", "Spring newsletter: Spravato and insurance"),
    ("video", "tms", "Patient story: life after TMS"),
    ("blog", "therapy", "Therapy and medication: better together"),
    ("ad", "tms", "Depression treatment without medication side effects"),
    ("social", "spravato", "Spravato in three minutes"),
    ("blog", "medication_management", "ADHD in Adults: Getting Evaluated"),
    ("video", "ketamine", "Ketamine-assisted therapy: questions answered"),
    ("newsletter", "tms", "Summer newsletter: TMS for OCD"),
    ("blog", "spravato", "Spravato and Insurance: A Practical Guide"),
    ("social", "medication_management", "Refill reminders that actually work"),
    ("blog", "tms", "TMS for OCD: What the Research Says"),
    ("ad", "ketamine", "Feel like yourself again: ketamine-assisted therapy"),
    ("video", "spravato", "Meet our Spravato team"),
    ("blog", "therapy", "Finding the Right Therapist"),
    ("social", "tms", "What a TMS session sounds like"),
    ("newsletter", "ketamine", "Autumn newsletter: ketamine and PTSD"),
    ("blog", "medication_management", "Understanding Antidepressant Side Effects"),
    ("ad", "medication_management", "New patients welcome: psychiatry appointments this week"),
    ("blog", "spravato", "Spravato for Suicidal Ideation with Depression"),
    ("video", "tms", "How TMS mapping works"),
    ("social", "ketamine", "Ketamine therapy: myths and facts"),
    ("blog", "tms", "Insurance Coverage for TMS Therapy"),
    ("newsletter", "spravato", "Winter newsletter: what's new at Zoelife"),
    ("blog", "ketamine", "Ketamine vs. Spravato: What's the Difference?"),
    ("social", "medication_management", "Questions to ask your psychiatrist"),
    ("video", "therapy", "What happens in a first therapy session"),
    ("ad", "tms", "NeuroStar TMS: now with evening hours"),
    ("blog", "medication_management", "Telehealth Psychiatry: How It Works"),
    ("social", "spravato", "A day in the Spravato clinic"),
    ("blog", "ketamine", "Preparing for Your First Ketamine Session"),
    ("newsletter", "tms", "Spring newsletter: TMS success stories"),
)
# Which items carry a planted lift, with its multiplier. Chosen so that no other item on the
# same topic is published within 45 days of them (the impact baseline plus window), and all
# have a full baseline before and a full window after.
LIFTS = {
    SEED_ARTICLE_TITLE: 2.6,
    "Is NeuroStar TMS Right for You?": 2.2,
    "Spravato and Insurance: A Practical Guide": 2.4,
    "ADHD in Adults: Getting Evaluated": 1.9,
    "Ketamine-assisted therapy: questions answered": 2.0,
    "Insurance Coverage for TMS Therapy": 2.8,
}


def _slug(title: str) -> str:
    out = []
    for ch in title.lower():
        if ch.isalnum() and ch.isascii():
            out.append(ch)
        elif out and out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-")


def content_plan() -> list[PlannedItem]:
    """The calendar: ~40 items spread over the two years, lifted ones spaced from their topic."""
    n = len(CONTENT_PLAN)
    items = []
    for i, (channel, topic, title) in enumerate(CONTENT_PLAN):
        # Evenly spaced from day 40 to day DAYS-25, nudged so that no two land on one day.
        day = 40 + round(i * (DAYS - 25 - 40) / (n - 1))
        items.append(PlannedItem(day, channel, topic, title, _slug(title), LIFTS.get(title)))
    return _space_lifts(items)


def _space_lifts(items: list[PlannedItem]) -> list[PlannedItem]:
    """Keep same-topic items at least 45 days from a lifted one (moved later, in order)."""
    lifted = [it for it in items if it.lift]
    out = []
    for it in items:
        day = it.day
        if not it.lift:
            for lf in lifted:
                if lf.topic == it.topic and abs(lf.day - day) < 45:
                    day = lf.day + 45 if day >= lf.day else lf.day - 45
        out.append(PlannedItem(day, it.channel, it.topic, it.title, it.slug, it.lift))
    return out


def seed_article_text() -> str:
    return resources.files("zoelife").joinpath("data/seed_article.txt").read_text("utf-8")


def item_url(item: PlannedItem) -> str:
    base = {"blog": "/blog/", "video": "/videos/", "newsletter": "/newsletter/",
            "social": "/social/", "ad": "/offers/"}[item.channel]
    return f"{SITE}{base}{item.slug}"



class Calendar:
    """The generator's content part (mixed into `zoelife.demo._Generator`)."""

    def load_content(self) -> list[dict]:
        items = []
        seed = seed_article_text()
        for plan in content_plan():
            cid = self.take_id("content")
            day = self.start + dt.timedelta(days=plan.day)
            published = self.local_moment(day, 10, 0, 0)
            url = item_url(plan)
            summary = (" ".join(seed.split()[:60]) + "…") if plan.title == SEED_ARTICLE_TITLE \
                else f"{plan.title}: an article from Zoelife Psychiatric Services."
            items.append({
                "id": cid, "url": url, "url_path": url_path_key(url), "campaign_key": plan.slug,
                "title": plan.title, "summary": summary, "published_at": published,
                "published_local_date": day, "channel": plan.channel, "import_batch_id": None,
                "created_at": published, "updated_at": published, "plan": plan,
            })
        insert_rows(self.session, ContentItem.__table__,
                    [{k: v for k, v in it.items() if k != "plan"} for it in items])
        insert_rows(self.session, ContentTopic.__table__, [
            {"content_id": it["id"], "topic": it["plan"].topic, "origin": "staff"}
            for it in items])
        self.content = items
        return items

    # ------------------------------------------------------------------ the day plan

    def day_weight(self, index: int, day: dt.date) -> float:
        growth = 0.75 + 0.5 * index / DAYS
        season = 1 + 0.1 * math.cos(2 * math.pi * (day.timetuple().tm_yday - 20) / 365)
        weight = growth * season * WEEKDAY_FACTOR[day.weekday()]
        if day == self.today:
            local_now = self.now.astimezone(self.zone)
            weight *= (local_now.hour * 60 + local_now.minute) / 1440
        return weight

    def plan_days(self) -> tuple[list[float], dict[int, list[tuple[int, float]]]]:
        """The base rate of each day (its weight), and for each lifted item the extra rate it
        adds to the days of its window: (lift - 1) x the day's weight x the topic's share."""
        days: list[float] = []
        extra: dict[int, list[tuple[int, float]]] = {}
        for i in range(DAYS):
            w = self.day_weight(i, self.start + dt.timedelta(days=i))
            days.append(w)
            for it in self.content:
                plan: PlannedItem = it["plan"]
                if plan.lift and 0 <= i - plan.day < LIFT_WINDOW_DAYS:
                    extra.setdefault(it["id"], []).append(
                        (i, (plan.lift - 1) * w * TREATMENT_WEIGHTS[plan.topic]))
        return days, extra

    # ------------------------------------------------------------------ one request

    def landing(self, channel: str, day: dt.date, lifted: dict | None
                ) -> tuple[str | None, dict, int | None, str | None]:
        """(landing page, utm fields, attributed content id, heard about)."""
        rng = self.streams.content
        heard = rng.choice(HEARD_ABOUT)
        item = None
        if lifted is not None and rng.random() < 0.55:
            item = lifted
        elif lifted is None and channel == "web_form" and rng.random() < 0.07:
            recent = [it for it in self.content
                      if 0 <= (day - it["published_local_date"]).days < 120]
            if recent:
                item = rng.choice(recent)
        if channel != "web_form":
            if item is not None or lifted is not None:
                heard = "Read your article online"
            return None, {}, None, heard
        service = "/" + rng.choice(("", "spravato", "tms-therapy", "ketamine-assisted-therapy",
                                    "psychiatry", "contact"))
        if item is None:
            page = f"{SITE}{service}"
            if rng.random() < 0.2:
                page += "?utm_source=google&utm_medium=cpc&utm_campaign=brand-search"
                return page, {"utm_source": "google", "utm_medium": "cpc",
                              "utm_campaign": "brand-search"}, None, heard
            return page, {}, None, heard
        plan: PlannedItem = item["plan"]
        if plan.channel in ("blog", "video"):
            return item["url"], {}, item["id"], heard
        source, medium = {"social": ("instagram", "social"), "ad": ("google", "cpc"),
                          "newsletter": ("newsletter", "email")}[plan.channel]
        utm = {"utm_source": source, "utm_medium": medium, "utm_campaign": plan.slug}
        page = (f"{SITE}{service}?utm_source={source}&utm_medium={medium}"
                f"&utm_campaign={plan.slug}")
        return page, utm, item["id"], heard

    # ------------------------------------------------------------------ what happened to it
