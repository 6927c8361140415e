"""What every part of the request page needs to draw itself: the request as this screen read
it, who is acting, the version the screen last showed (edits are checked against it), the
clinic's zone and the time of this run."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from zoelife.audit import Actor
from zoelife.db.models import Request
from zoelife.intake.queue import RequestDetail
from zoelife.ui.components import local_time


@dataclass(frozen=True)
class RequestView:
    detail: RequestDetail
    who: Actor
    seen_version: int
    zone: dt.tzinfo
    now: dt.datetime

    @property
    def request(self) -> Request:
        return self.detail.request

    def fmt(self, moment: dt.datetime | None) -> str:
        """A moment in the clinic's zone, to the minute; nothing for no moment."""
        return local_time(moment, self.zone, "%Y-%m-%d %H:%M") if moment else ""

    def staff(self, user_id: int | None) -> str:
        """A staff member's name; "system" for what no one did by hand."""
        return self.detail.staff_names.get(user_id, "system") if user_id else "system"
