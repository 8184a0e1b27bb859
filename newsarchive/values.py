"""Plain values every stage shares: moments in UTC, the agency spelling, what an item is.

Their home is here rather than in items.py so that a read command
(`query`, `show`, `stats`) can use them without building items.py's dataclasses, which cost
more at start-up than the query itself.
"""

from __future__ import annotations

from datetime import datetime, timezone
from enum import Enum
from zoneinfo import ZoneInfo

# The wall clock of the sites: their dates, clock times and calendar days are read on it.
SITE_ZONE = ZoneInfo("Europe/Amsterdam")


def to_utc(moment: datetime) -> datetime:
    """A timezone-aware UTC datetime; a naive one is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with an explicit offset: ``2026-03-17T09:00:00+00:00``."""
    return None if moment is None else to_utc(moment).isoformat()


def canonical_agency(name: str) -> str:
    """The one spelling an agency is stored, counted and matched under: its words in capitals
    with single spaces, as the wire writes agencies (`dpa`, `Dpa` and `DPA` are one agency,
    `DPA`). Migration 0012_agency_spelling brought older archives to it."""
    return " ".join(name.split()).upper()


class ItemKind(str, Enum):
    """What a stored item is (the `items.kind` column, the same text)."""

    ARTICLE = "article"  # a page's own lead article
    TEASER = "teaser"  # a sidebar or listing teaser
