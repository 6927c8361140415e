"""Which content item a request is credited to: its landing page or its UTM campaign points at
the item (DESIGN.md, "attribution"); otherwise only topic and timing relate them.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from zoelife.db.models import ContentItem
from zoelife.intake.normalize import split_url


def url_path_key(url: str | None) -> str | None:
    """The lowercased path of a URL without trailing slash: how pages are compared."""
    parts = split_url(url)
    if parts is None:
        return None
    path = parts.path if (parts.scheme or parts.netloc) else url.split("?")[0].split("#")[0]
    path = path.rstrip("/").lower()
    return path or "/"


def attributed_content_id(session: Session, landing_page: str | None,
                          utm_campaign: str | None) -> int | None:
    """Credit a content item when the landing page or the UTM campaign points at it."""
    path = url_path_key(landing_page)
    if path and path != "/":
        found = session.execute(
            select(ContentItem.id).where(ContentItem.url_path == path).limit(1)
        ).scalar()
        if found:
            return found
    if utm_campaign:
        found = session.execute(
            select(ContentItem.id)
            .where(ContentItem.campaign_key == utm_campaign.strip().lower())
            .limit(1)
        ).scalar()
        if found:
            return found
    return None
