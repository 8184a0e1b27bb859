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

from ..values import to_utc

Order = Literal["newest", "oldest", "relevance"]
TimeAxis = Literal["published", "seen"]
Kind = Literal["article", "teaser"]  # the values of values.ItemKind
# How `search` is read: `words` (every word must occur, each as written: `Midden-Oosten`,
# `Khamenei's`, `16.00` match those words in that order), or `fts`, the database's own query
# syntax (SQLite FTS5: OR, NOT, "phrases", prefix*; PostgreSQL: websearch_to_tsquery).
SearchSyntax = Literal["words", "fts"]
SEARCH_SYNTAXES: tuple[SearchSyntax, ...] = ("words", "fts")

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
# A bound beyond what a datetime can hold is clamped to these (every item lies between them).
EARLIEST = datetime.min.replace(tzinfo=timezone.utc)
LATEST = datetime.max.replace(tzinfo=timezone.utc)


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
    search_syntax: SearchSyntax = "words"
    order: Order = "newest"
    limit: int = 20
    offset: int = 0

    def __post_init__(self) -> None:
        texts: dict[str, list[str | None]] = {"dateline": [self.dateline], "place": list(self.places),
                 "agency": list(self.agencies), "section": [self.section], "search": [self.search]}
        for name, values in texts.items():
            for value in values:
                if value is None:
                    continue
                if not value.strip():
                    raise QueryError(f"an empty --{name} selects nothing: give a value or leave it out")
                try:
                    value.encode("utf-8")
                except UnicodeEncodeError:
                    raise QueryError(f"--{name} {value!r} is not valid UTF-8 text") from None
        if self.limit < 1:
            raise QueryError("limit must be a positive number")
        if self.offset < 0:
            raise QueryError("offset must not be negative")
        if self.order == "relevance" and not self.search:
            raise QueryError("order 'relevance' needs a full-text search")
        if self.search is not None and not search_words(self.search):
            raise QueryError(f"nothing to search for in {self.search!r}: give a word")

    @property
    def fts5_query(self) -> str:
        """`search` as an FTS5 expression: in `words` syntax each word a quoted phrase (FTS5
        splits it into the same tokens as the text, so it matches as written), all required."""
        assert self.search is not None
        if self.search_syntax == "fts":
            return self.search
        return " ".join('"' + word.replace('"', '""') + '"' for word in search_words(self.search))


def search_words(text: str) -> list[str]:
    """The words of a `words` search: whitespace-separated, each with a letter or digit."""
    return [word for word in text.split() if any(char.isalnum() for char in word)]


def parse_moment(text: str, *, now: datetime, end_of_day: bool = False) -> datetime:
    """A time bound: relative (`90m`, `24h`, `7d`, `2w`: that long before `now`), an ISO date
    (midnight UTC; the last moment of that day when `end_of_day`), or an ISO date-time
    (without an offset it is UTC)."""
    if not text.strip():
        raise QueryError("an empty time bound selects nothing: give a time or leave it out")
    relative = RELATIVE.match(text)
    if relative:
        amount, unit = int(relative.group(1)), relative.group(2).lower()
        try:
            return to_utc(now) - amount * RELATIVE_UNITS[unit]
        except OverflowError:  # further back than the calendar goes: since the beginning
            return EARLIEST
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
            moment = moment.replace(hour=23, minute=59, second=59, microsecond=999999)
    try:
        return to_utc(moment)
    except OverflowError:  # 0001-01-01T00:00+01:00 is before the calendar's first UTC moment
        return EARLIEST if moment.year == 1 else LATEST
