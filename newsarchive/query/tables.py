"""The archive tables the query modules read, as SQLAlchemy Core tables."""

from __future__ import annotations

from sqlalchemy import Table

from ..store.models import Agency, Item, ItemAgency, ItemPlace, ItemRevision, Page, Place, Sighting

ITEMS: Table = Item.__table__  # type: ignore[assignment]
PAGES: Table = Page.__table__  # type: ignore[assignment]
SIGHTINGS: Table = Sighting.__table__  # type: ignore[assignment]
AGENCIES: Table = Agency.__table__  # type: ignore[assignment]
ITEM_AGENCIES: Table = ItemAgency.__table__  # type: ignore[assignment]
PLACES: Table = Place.__table__  # type: ignore[assignment]
ITEM_PLACES: Table = ItemPlace.__table__  # type: ignore[assignment]
REVISIONS: Table = ItemRevision.__table__  # type: ignore[assignment]
