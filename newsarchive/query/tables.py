"""The archive tables the query modules read, as light SQLAlchemy Core tables.

Not the ORM models' metadata: importing the models (and SQLAlchemy's ORM) would cost every
read command a third of a second. Each table names the columns reads use, with the models'
types; a test checks every one against the models (name, type, and UTC times as UTCDateTime).
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, Table, Text

from ..store.types import UTCDateTime

metadata = MetaData()


def _table(name: str, *columns: Column) -> Table:
    return Table(name, metadata, *columns)


def _ints(*names: str) -> list[Column]:
    return [Column(name, Integer) for name in names]


def _texts(*names: str) -> list[Column]:
    return [Column(name, Text) for name in names]


def _times(*names: str) -> list[Column]:
    return [Column(name, UTCDateTime) for name in names]


ITEMS = _table(
    "items",
    *_ints("id", "window_conflicts", "story_id"),
    *_texts("kind", "title", "dateline", "dateline_folded", "body", "section", "url", "window_source"),
    *_times("published_earliest", "published_latest", "first_seen_at", "last_seen_at"),
)
PAGES = _table(
    "pages",
    *_ints("id"),
    *_texts("url", "kind", "title", "section", "warnings", "source_path", "content_hash"),
    *_times("fetched_at"),
)
SIGHTINGS = _table(
    "sightings",
    *_ints("page_id", "item_id", "position"),
    *_texts("age_text"),
    *_times("window_earliest", "window_latest"),
)
AGENCIES = _table("agencies", *_ints("id"), *_texts("name"))
ITEM_AGENCIES = _table("item_agencies", *_ints("item_id", "agency_id", "position"))
PLACES = _table("places", *_ints("id"), *_texts("name", "name_folded"))
ITEM_PLACES = _table("item_places", *_ints("item_id", "place_id", "position"))
REVISIONS = _table(
    "item_revisions",
    *_ints("id", "item_id", "page_id"),
    *_texts("field", "old_value", "new_value"),
    *_times("recorded_at"),
)
# A view (see models.item_links): a teaser and the article of the same story.
ITEM_LINKS = _table("item_links", *_ints("teaser_id", "article_id"))
