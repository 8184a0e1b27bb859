"""Plain data passed between the stages: fetch -> parse -> store -> query.

Every stage takes and returns these dataclasses and nothing richer, so a stage can be
tested or replaced alone. All datetimes are timezone-aware and in UTC.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from typing import Any, Literal, TypeVar

from .values import SITE_ZONE, canonical_agency, iso, to_utc

PageKind = Literal["article", "listing", "unknown"]

_Frozen = TypeVar("_Frozen")


def _one_step_init(cls: type[_Frozen]) -> type[_Frozen]:
    """A frozen dataclass whose __init__ sets its fields in one step, the whole instance dict:
    the generated __init__ calls object.__setattr__ once per field, and for the classes a
    parse builds many of (an item, its window, a lead) made up a tenth of a text dump's parse.
    The new __init__ is written from `dataclasses.fields`, as @dataclass writes its own, so the
    field list stays the class body's; tests/test_items_frozen.py holds each class to the
    generated one (same fields, equality, hash, immutability)."""
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    if any(not f.init or f.default_factory is not dataclasses.MISSING for f in fields):
        raise TypeError(f"{cls.__name__}: only plain fields, with or without a default")
    defaults = {f"_default_{f.name}": f.default for f in fields if f.default is not dataclasses.MISSING}
    parameters = ", ".join(f.name if f"_default_{f.name}" not in defaults else f"{f.name}=_default_{f.name}"
                           for f in fields)
    values = ", ".join(f"{f.name!r}: {f.name}" for f in fields)
    namespace: dict[str, Any] = {"_set_fields": object.__setattr__, **defaults}
    exec(f"def __init__(self, {parameters}):\n    _set_fields(self, '__dict__', {{{values}}})", namespace)  # noqa: S102
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__annotations__ = {f.name: f.type for f in fields} | {"return": None}
    cls.__init__ = init  # type: ignore[method-assign]
    return cls


def canonical_agencies(names: tuple[str, ...]) -> tuple[str, ...]:
    """An item's agencies in their canonical spelling, in order, each once (`ANP/dpa/DPA` is
    `ANP/DPA`)."""
    return tuple(dict.fromkeys(canonical_agency(name) for name in names))


def charset_of(content_type: str | None) -> str | None:
    """The `charset` parameter of a Content-Type header value, if any."""
    for parameter in (content_type or "").split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


@_one_step_init
@dataclass(frozen=True)
class PublicationWindow:
    """The closed interval [earliest, latest] in which an item was published."""

    earliest: datetime
    latest: datetime

    def intersect(self, other: PublicationWindow) -> PublicationWindow | None:
        """The overlap of two windows, or None when they do not overlap."""
        earliest = max(self.earliest, other.earliest)
        latest = min(self.latest, other.latest)
        return PublicationWindow(earliest, latest) if earliest <= latest else None

    def contains(self, moment: datetime) -> bool:
        return self.earliest <= moment <= self.latest


@_one_step_init
@dataclass(frozen=True)
class Lead:
    """The page's own article: the story the page is about."""

    title: str | None
    dateline: str | None
    places: tuple[str, ...]
    agencies: tuple[str, ...]
    paragraphs: tuple[str, ...]
    byline: str | None = None

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "dateline": self.dateline,
            "places": list(self.places),
            "agencies": list(self.agencies),
            "body": self.body,
            "byline": self.byline,
        }


@_one_step_init
@dataclass(frozen=True)
class Item:
    """One wire item shown as a teaser: a `Meer uit` sidebar entry or a listing entry."""

    title: str | None
    dateline: str
    places: tuple[str, ...]
    agencies: tuple[str, ...]
    body: str
    age_text: str | None
    window: PublicationWindow | None
    url: str | None = None  # where the page links the item to, when it does

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "dateline": self.dateline,
            "places": list(self.places),
            "agencies": list(self.agencies),
            "body": self.body,
            "age_text": self.age_text,
            "published_earliest": iso(self.window.earliest) if self.window else None,
            "published_latest": iso(self.window.latest) if self.window else None,
            "url": self.url,
        }


@dataclass(frozen=True)
class Headline:
    """A `Net binnen` line of a listing: ``- Sport 9:31 Beachduo begint WK met winst``."""

    section: str
    time: str
    title: str
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"section": self.section, "time": self.time, "title": self.title, "url": self.url}


@dataclass(frozen=True)
class RawDocument:
    """A document as it entered the archive, with what is needed to parse it again.

    `content_type` is the HTTP Content-Type header as received (None for a file);
    `source_path` the file it was read from; `warc_record_id` the WARC record it came in.
    """

    data: bytes
    fetched_at: datetime
    url: str | None = None
    content_type: str | None = None
    source_path: str | None = None
    warc_record_id: str | None = None

    @property
    def http_charset(self) -> str | None:
        return charset_of(self.content_type)


class StoredPageKind(str, Enum):
    """The kinds of page the archive stores (`pages.kind`): PageKind less `unknown`."""

    ARTICLE = "article"
    LISTING = "listing"


def sql_in(column: str, values: type[Enum]) -> str:
    """`column IN ('a', 'b')`: a CHECK constraint that holds the enumeration's own text."""
    return f"{column} IN ({', '.join(repr(member.value) for member in values)})"


class LinkRole(str, Enum):
    """What a link of a page leads to, as link discovery reads it."""

    TEASER = "teaser"  # an article the page shows a teaser of
    NEXT_PAGE = "next_page"  # the next page of a listing
    FEED = "feed"  # a feed the page names in its head


@dataclass(frozen=True)
class PageLink:
    """A link of a page: its absolute, normalised URL and its role."""

    url: str
    role: LinkRole


@dataclass(frozen=True)
class PageDate:
    """A publication time the page states about itself in its metadata."""

    published: datetime
    source: str  # e.g. "article:published_time", "json-ld", "time"
    precision: str = "second"  # what the page stated: "second", "minute" or "day" (a date alone)


def local_day(moment: datetime) -> PublicationWindow:
    """The Europe/Amsterdam calendar day of a date (given as midnight of that date, any zone),
    as a UTC window from its first to its last second."""
    date = moment.date()
    start = datetime(date.year, date.month, date.day, tzinfo=SITE_ZONE)
    following = date + timedelta(days=1)
    end = datetime(following.year, following.month, following.day, tzinfo=SITE_ZONE)
    return PublicationWindow(to_utc(start), to_utc(end) - timedelta(seconds=1))


def page_date_window(date: PageDate) -> PublicationWindow:
    """The window a stated date gives (an article page's own, a teaser's `<time datetime>`):
    that second, that minute, or (a date without a time) that day in Europe/Amsterdam."""
    if date.precision == "day":
        return local_day(date.published)
    if date.precision == "minute":
        start = date.published.replace(second=0, microsecond=0)
        return PublicationWindow(start, start + timedelta(minutes=1))
    return PublicationWindow(date.published, date.published)


@dataclass
class ParsedPage:
    """Everything the parser found on one fetched document."""

    kind: PageKind
    url: str | None
    fetched_at: datetime
    title: str | None = None
    section: str | None = None
    lead: Lead | None = None
    items: list[Item] = field(default_factory=list)
    headlines: list[Headline] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    page_date: PageDate | None = None
    # The page's links by role, when the caller asked for them (None: not read).
    links: list[PageLink] | None = None

    @property
    def is_page(self) -> bool:
        """False for input that held no wire page at all (binary, empty, unrelated text)."""
        return self.kind != "unknown"

    def to_dict(self) -> dict[str, Any]:
        """The public JSON shape of `newsarchive parse` (documented in the README)."""
        return {
            "kind": self.kind,
            "url": self.url,
            "fetched_at": iso(self.fetched_at),
            "title": self.title,
            "section": self.section,
            "page_date": (
                {"published": iso(self.page_date.published), "source": self.page_date.source}
                if self.page_date else None
            ),
            "lead": self.lead.to_dict() if self.lead else None,
            "items": [item.to_dict() for item in self.items],
            "headlines": [headline.to_dict() for headline in self.headlines],
            "warnings": list(self.warnings),
        }
