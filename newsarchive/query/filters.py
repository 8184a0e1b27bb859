"""What a query asks for: `ItemFilter`, and the parsing of its time bounds.

Time filters on the publication window use overlap: an item whose window is [earliest, latest]
matches `since S` when latest >= S (it may have been published at or after S) and `until U`
when earliest <= U (it may have been published at or before U). An item whose window is
unknown matches no publication-time bound. With `by="seen"` both bounds apply to the moment
the archive first saw the item (first_seen_at), a single point.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Literal

from ..items import to_utc

Order = Literal["newest", "oldest", "relevance"]
TimeAxis = Literal["published", "seen"]
Kind = Literal["article", "teaser"]

RELATIVE_UNITS = {
    "s": timedelta(seconds=1),
    "m": timedelta(minutes=1),
    "min": timedelta(minutes=1),
    "h": timedelta(hours=1),
    "d": timedelta(days=1),
    "w": timedelta(weeks=1),
}
RELATIVE = re.compile(r"^\s*(\d+)\s*(s|m|min|h|d|w)\s*$", re.IGNORECASE)
DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class QueryError(ValueError):
    """A query that cannot be run as asked (bad time, bad full-text syntax); one line."""


@dataclass(frozen=True)
class ItemFilter:
    """Every filter of `newsarchive query`; all are combined with AND.

    `agencies` and `places` match when the item has every one of them.
    """

    dateline: str | None = None
    places: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    section: str | None = None
    kind: Kind | None = None
    since: datetime | None = None
    until: datetime | None = None
    by: TimeAxis = "published"
    search: str | None = None
    order: Order = "newest"
    limit: int = 20
    offset: int = 0

    def __post_init__(self) -> None:
        if self.limit < 1:
            raise QueryError("limit must be a positive number")
        if self.offset < 0:
            raise QueryError("offset must not be negative")
        if self.order == "relevance" and not self.search:
            raise QueryError("order 'relevance' needs a full-text search")


def parse_moment(text: str, *, now: datetime, end_of_day: bool = False) -> datetime:
    """A time bound: relative (`90m`, `24h`, `7d`, `2w`: that long before `now`), an ISO date
    (midnight UTC; the last moment of that day when `end_of_day`), or an ISO date-time
    (without an offset it is UTC)."""
    relative = RELATIVE.match(text)
    if relative:
        amount, unit = int(relative.group(1)), relative.group(2).lower()
        return to_utc(now) - amount * RELATIVE_UNITS[unit]
    value = text.strip()
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise QueryError(
            f"not a time: {text!r} (use an ISO date or time, or 30m, 24h, 7d, 2w)"
        ) from None
    if DATE_ONLY.match(value):
        moment = moment.replace(tzinfo=timezone.utc)
        if end_of_day:
            moment += timedelta(days=1) - timedelta(microseconds=1)
    return to_utc(moment)
