"""The archive tables the query modules read, as SQLAlchemy Core tables."""

from __future__ import annotations

from ..store.tables import metadata

(ITEMS, PAGES, SIGHTINGS, AGENCIES, ITEM_AGENCIES, PLACES, ITEM_PLACES, REVISIONS) = (
    metadata.tables[name]
    for name in ("items", "pages", "sightings", "agencies", "item_agencies", "places",
                 "item_places", "item_revisions")
)
