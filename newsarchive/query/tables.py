"""The archive tables the query modules read, as light SQLAlchemy Core tables.

Not the ORM models' metadata: importing the models (and SQLAlchemy's ORM) would cost every
read command a third of a second. Each table has every column of the model's table, in its order, with the same
kind of type (integer, text, UTC time); tests/test_query_tables.py checks them against the models.
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, Table, Text

from ..store.types import PreciseUTCDateTime, UTCDateTime

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
    *_ints("id"),
    *_texts("content_key", "kind", "title", "dateline", "dateline_folded", "body", "lead_key",
            "section", "url"),
    *_times("first_seen_at", "last_seen_at", "published_earliest", "published_latest"),
    *_texts("window_source"),
    *_ints("window_conflicts", "story_id"),
    *_texts("agencies"),
)
PAGES = _table(
    "pages",
    *_ints("id"),
    *_texts("url"),
    Column("fetched_at", PreciseUTCDateTime),
    *_texts("kind", "title", "section", "content_hash", "parser_version", "warnings"),
    *_times("page_published"),
    *_texts("page_published_source", "content_type", "source_path", "warc_record_id"),
)
SIGHTINGS = _table(
    "sightings",
    *_ints("page_id", "position", "item_id"),
    *_texts("age_text"),
    *_times("window_earliest", "window_latest"),
)
AGENCIES = _table("agencies", *_ints("id"), *_texts("name"))
ITEM_AGENCIES = _table("item_agencies", *_ints("item_id", "position", "agency_id"))
PLACES = _table("places", *_ints("id"), *_texts("name", "name_folded"))
ITEM_PLACES = _table("item_places", *_ints("item_id", "position", "place_id"))
REVISIONS = _table(
    "item_revisions",
    *_ints("id", "item_id"),
    *_texts("field", "old_value", "new_value"),
    *_ints("page_id"),
    *_times("recorded_at"),
)
# A view (see models.item_links): a teaser and the article of the same story.
ITEM_LINKS = _table("item_links", *_ints("teaser_id", "article_id"))
