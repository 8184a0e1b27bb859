"""`show_item`: one item with everything the archive knows about it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from ..items import iso
from ..store.reader import ArchiveReader
from .search import ItemRow, load_rows
from .tables import ITEM_LINKS, ITEMS, PAGES, REVISIONS, SIGHTINGS


@dataclass(frozen=True)
class SightingRow:
    """One time the item was shown: on which page, when, with which age."""

    page_id: int
    page_url: str | None
    page_source_path: str | None  # the file the page was ingested from, if any
    fetched_at: datetime
    position: int
    age_text: str | None
    window_earliest: datetime | None
    window_latest: datetime | None


@dataclass(frozen=True)
class LinkedItem:
    """The article of a teaser, or a teaser of an article (same story)."""

    id: int
    kind: str
    dateline: str | None
    title: str | None


@dataclass(frozen=True)
class Revision:
    """A value the item had before a later sighting changed it."""

    field: str
    old_value: str | None
    new_value: str | None
    page_id: int
    recorded_at: datetime


@dataclass(frozen=True)
class ItemDetail:
    item: ItemRow
    window_conflicts: int
    sightings: tuple[SightingRow, ...]
    linked: tuple[LinkedItem, ...]
    revisions: tuple[Revision, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.item.to_dict(),
            "window_conflicts": self.window_conflicts,
            "sightings": [_isoformat(asdict(s)) for s in self.sightings],
            "linked": [asdict(link) for link in self.linked],
            "revisions": [_isoformat(asdict(r)) for r in self.revisions],
        }


def _isoformat(data: dict[str, Any]) -> dict[str, Any]:
    return {k: iso(v) if isinstance(v, datetime) else v for k, v in data.items()}


def show_item(archive: ArchiveReader, item_id: int) -> ItemDetail | None:
    """The item `item_id`, or None when the archive has no such item."""
    with archive.engine.connect() as connection:
        rows = load_rows(connection, [item_id])
        if not rows:
            return None
        conflicts = connection.execute(
            select(ITEMS.c.window_conflicts).where(ITEMS.c.id == item_id)
        ).scalar_one()
        sightings = connection.execute(
            select(
                SIGHTINGS.c.page_id,
                PAGES.c.url,
                PAGES.c.source_path,
                PAGES.c.fetched_at,
                SIGHTINGS.c.position,
                SIGHTINGS.c.age_text,
                SIGHTINGS.c.window_earliest,
                SIGHTINGS.c.window_latest,
            )
            .join(PAGES, PAGES.c.id == SIGHTINGS.c.page_id)
            .where(SIGHTINGS.c.item_id == item_id)
            .order_by(PAGES.c.fetched_at, SIGHTINGS.c.page_id, SIGHTINGS.c.position)
        ).all()
        revisions = connection.execute(
            select(
                REVISIONS.c.field,
                REVISIONS.c.old_value,
                REVISIONS.c.new_value,
                REVISIONS.c.page_id,
                REVISIONS.c.recorded_at,
            )
            .where(REVISIONS.c.item_id == item_id)
            .order_by(REVISIONS.c.recorded_at, REVISIONS.c.id)
        ).all()
        return ItemDetail(
            item=rows[0],
            window_conflicts=conflicts,
            sightings=tuple(SightingRow(*row) for row in sightings),
            linked=_linked(connection, item_id, rows[0].kind),
            revisions=tuple(Revision(*row) for row in revisions),
        )


def _linked(connection: Any, item_id: int, kind: str) -> tuple[LinkedItem, ...]:
    own, other = (
        (ITEM_LINKS.c.teaser_id, ITEM_LINKS.c.article_id)
        if kind == "teaser"
        else (ITEM_LINKS.c.article_id, ITEM_LINKS.c.teaser_id)
    )
    statement = (
        select(ITEMS.c.id, ITEMS.c.kind, ITEMS.c.dateline, ITEMS.c.title)
        .join(ITEM_LINKS, other == ITEMS.c.id)
        .where(own == item_id)
        .order_by(ITEMS.c.id)
    )
    return tuple(LinkedItem(*row) for row in connection.execute(statement))
