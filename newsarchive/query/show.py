"""`show_item`: one item with everything the archive knows about it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from ..store.derive import explain_window
from ..store.evidence import Step
from ..store.reader import ArchiveReader
from ..values import iso
from .search import ItemRow, load_rows
from .stories import Outlet, Version, story_versions
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
class EvidenceStep:
    """One piece of evidence for the window, in the order it was folded in."""

    source: str  # relative_age, metadata, headline
    observed_at: datetime  # the fetch time of the page that showed it
    page_id: int
    detail: str  # the age as printed, the metadata's source, or the headline line
    earliest: datetime  # the window this evidence allows (for a headline: the minute taken)
    latest: datetime
    window_earliest: datetime  # the window after it
    window_latest: datetime
    conflict: bool  # it did not meet the window so far

    @classmethod
    def of(cls, step: Step) -> EvidenceStep:
        evidence = step.evidence
        return cls(evidence.source.value, evidence.observed_at, evidence.page_id, evidence.detail,
                   step.taken.earliest, step.taken.latest, step.window.earliest, step.window.latest,
                   step.conflict)


@dataclass(frozen=True)
class ItemDetail:
    item: ItemRow
    window_conflicts: int
    sightings: tuple[SightingRow, ...]
    linked: tuple[LinkedItem, ...]
    revisions: tuple[Revision, ...]
    evidence: tuple[EvidenceStep, ...] = ()
    versions: tuple[Version, ...] = ()  # the versions of the item's story, in time order
    outlets: tuple[Outlet, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.item.to_dict(),
            "window_conflicts": self.window_conflicts,
            "window_evidence": [_isoformat(asdict(e)) for e in self.evidence],
            "sightings": [_isoformat(asdict(s)) for s in self.sightings],
            "linked": [asdict(link) for link in self.linked],
            "revisions": [_isoformat(asdict(r)) for r in self.revisions],
            "story": {
                "story_id": self.item.story_id,
                "versions": [v.to_dict() for v in self.versions],
                "outlets": [o.to_dict() for o in self.outlets],
            },
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
        derivation = explain_window(connection, item_id)
        story_id = rows[0].story_id
        versions, outlets = story_versions(connection, story_id) if story_id is not None else ((), ())
        return ItemDetail(
            item=rows[0],
            window_conflicts=conflicts,
            sightings=tuple(SightingRow(*row) for row in sightings),
            linked=_linked(connection, item_id, rows[0].kind),
            revisions=tuple(Revision(*row) for row in revisions),
            evidence=tuple(EvidenceStep.of(step) for step in derivation.steps) if derivation else (),
            versions=versions,
            outlets=outlets,
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
