"""The content items a batch's requests are credited to (`Content`), as
`service.attributed_content_id` credits them.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from zoelife.db.models import ContentItem
from zoelife.intake import service


class Content:
    """The content items requests are credited to (`service.attributed_content_id`), read
    once per import; `Content.asked(session)`: looked up per request (a batch of one)."""

    def __init__(self, session: Session) -> None:
        self.session: Session | None = None
        self.by_path: dict[str, int] = {}
        self.by_campaign: dict[str, int] = {}
        query = select(ContentItem.id, ContentItem.url_path,
                       ContentItem.campaign_key).order_by(ContentItem.id)
        for cid, path, campaign in session.execute(query):
            if path:
                self.by_path.setdefault(path, cid)
            if campaign:
                self.by_campaign.setdefault(campaign, cid)

    @classmethod
    def asked(cls, session: Session) -> Content:
        content = cls.__new__(cls)
        content.session = session
        return content

    def credited(self, path: str | None, utm_campaign: str | None) -> int | None:
        """`path`: the landing page's `url_path_key`."""
        if self.session is not None:
            return service.attributed_content_id(self.session, path, utm_campaign)
        if path and path != "/" and path in self.by_path:
            return self.by_path[path]
        if utm_campaign:
            found = self.by_campaign.get(utm_campaign.strip().lower())
            if found:
                return found
        return None
