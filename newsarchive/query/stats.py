"""`archive_stats`: what the archive holds, counted."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, literal_column, select, text
from sqlalchemy.engine import make_url

from ..store.reader import ArchiveReader
from ..values import iso
from .tables import AGENCIES, ITEM_AGENCIES, ITEMS, PAGES, SIGHTINGS


@dataclass(frozen=True)
class Count:
    """Items and their sightings for one agency, dateline, section or day."""

    name: str | None
    items: int
    sightings: int


@dataclass(frozen=True)
class PageWarning:
    page_id: int
    url: str | None
    fetched_at: datetime
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class ArchiveStats:
    items: int
    sightings: int
    pages: int
    first_fetch: datetime | None
    last_fetch: datetime | None
    size_bytes: int
    per_agency: tuple[Count, ...]
    per_dateline: tuple[Count, ...]  # the top N
    per_section: tuple[Count, ...]
    per_day: tuple[Count, ...]  # by first sight (UTC day), the most recent days
    pages_with_warnings: int
    warning_pages: tuple[PageWarning, ...]  # the most recent ones

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["first_fetch"], data["last_fetch"] = iso(self.first_fetch), iso(self.last_fetch)
        for page in data["warning_pages"]:
            page["fetched_at"] = iso(page["fetched_at"])
            page["warnings"] = list(page["warnings"])
        return data


def archive_stats(archive: ArchiveReader, *, top: int = 10, days: int = 14) -> ArchiveStats:
    with archive.engine.connect() as connection:
        first_fetch, last_fetch, pages = connection.execute(
            select(func.min(PAGES.c.fetched_at), func.max(PAGES.c.fetched_at), func.count())
        ).one()
        with_warnings = PAGES.c.warnings.not_in(["[]", ""])
        return ArchiveStats(
            items=_count(connection, ITEMS),
            sightings=_count(connection, SIGHTINGS),
            pages=pages,
            first_fetch=first_fetch,
            last_fetch=last_fetch,
            size_bytes=_size(connection, archive),
            per_agency=_per_agency(connection),
            per_dateline=_counts(connection, ITEMS.c.dateline, ITEMS, top),
            per_section=_counts(connection, ITEMS.c.section, ITEMS, None),
            per_day=_per_day(connection, days),
            pages_with_warnings=connection.execute(
                select(func.count()).where(with_warnings)
            ).scalar_one(),
            warning_pages=tuple(
                PageWarning(page_id, url, fetched_at, tuple(json.loads(warnings or "[]")))
                for page_id, url, fetched_at, warnings in connection.execute(
                    select(PAGES.c.id, PAGES.c.url, PAGES.c.fetched_at, PAGES.c.warnings)
                    .where(with_warnings)
                    .order_by(PAGES.c.fetched_at.desc(), PAGES.c.id.desc())
                    .limit(top)
                )
            ),
        )


def _count(connection: Connection, table: Any) -> int:
    return connection.execute(select(func.count()).select_from(table)).scalar_one()


def _sightings_per_item() -> Any:
    return (
        select(SIGHTINGS.c.item_id, func.count().label("n"))
        .group_by(SIGHTINGS.c.item_id)
        .subquery()
    )


def _counts(connection: Connection, key: Any, joined: Any, limit: int | None) -> tuple[Count, ...]:
    seen = _sightings_per_item()
    statement = (
        select(key, func.count(), func.coalesce(func.sum(seen.c.n), 0))
        .select_from(joined.outerjoin(seen, seen.c.item_id == ITEMS.c.id))
        .group_by(key)
        .order_by(func.count().desc(), key)
        .limit(limit)
    )
    return tuple(Count(name, items, int(sightings)) for name, items, sightings in
                 connection.execute(statement))


def _per_agency(connection: Connection) -> tuple[Count, ...]:
    joined = AGENCIES.join(ITEM_AGENCIES, ITEM_AGENCIES.c.agency_id == AGENCIES.c.id).join(
        ITEMS, ITEMS.c.id == ITEM_AGENCIES.c.item_id
    )
    return _counts(connection, AGENCIES.c.name, joined, None)


def _per_day(connection: Connection, days: int) -> tuple[Count, ...]:
    if connection.dialect.name == "sqlite":
        day = func.substr(ITEMS.c.first_seen_at, 1, 10)
    else:
        day = func.to_char(
            ITEMS.c.first_seen_at.op("AT TIME ZONE")(literal_column("'UTC'")), "YYYY-MM-DD"
        )
    recent = _counts(connection, day.label("day"), ITEMS, None)
    return tuple(sorted(recent, key=lambda count: count.name or "", reverse=True)[:days])


def _size(connection: Connection, archive: ArchiveReader) -> int:
    """Bytes on disk: the SQLite file and its WAL, or the PostgreSQL tables and indexes."""
    if connection.dialect.name == "sqlite":
        path = make_url(str(archive.engine.url)).database or ""
        return sum(os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p))
    from ..store.tables import metadata  # every table of the models: only PostgreSQL needs them

    names = [name for name in metadata.tables if not metadata.tables[name].info.get("is_view")]
    total = 0
    for name in names:
        total += connection.execute(
            text("SELECT coalesce(pg_total_relation_size(to_regclass(:name)), 0)"), {"name": name}
        ).scalar_one()
    return int(total)
