"""Browsing at scale: `items.agencies`, the item's agency names as a JSON array kept by
triggers, and indexes on `agencies`, `section` and `kind`, so that Datasette's facets on
`items_view` count an index instead of building a JSON array per item.

`items_view.agencies` reads the column (same JSON as before: `["ANP","RTR"]`, in position
order). The triggers on `item_agencies` (insert, update, delete) and on `agencies` (a renamed
agency) are the only writers of the column: any write path keeps it right.

Revision ID: 0007_browse
Revises: 0006_page_source
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_browse"
down_revision: str | Sequence[str] | None = "0006_page_source"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXED = ("agencies", "section", "kind")


def _names_of(item_id: str, postgresql: bool) -> str:
    """The JSON array of an item's agency names in position order, as text."""
    if postgresql:
        return ("(SELECT coalesce(json_agg(agencies.name ORDER BY item_agencies.position)::text,"
                " '[]') FROM item_agencies JOIN agencies ON agencies.id = item_agencies.agency_id"
                f" WHERE item_agencies.item_id = {item_id})")
    return ("(SELECT json_group_array(name) FROM (SELECT agencies.name FROM item_agencies "
            "JOIN agencies ON agencies.id = item_agencies.agency_id "
            f"WHERE item_agencies.item_id = {item_id} ORDER BY item_agencies.position))")


def _refresh(item_id: str, postgresql: bool) -> str:
    return f"UPDATE items SET agencies = {_names_of(item_id, postgresql)} WHERE id = {item_id}"


def _renamed(postgresql: bool) -> str:
    return (f"UPDATE items SET agencies = {_names_of('items.id', postgresql)} WHERE id IN "
            "(SELECT item_id FROM item_agencies WHERE agency_id = NEW.id)")


def _sqlite_triggers() -> list[str]:
    return [
        "CREATE TRIGGER item_agencies_ai AFTER INSERT ON item_agencies BEGIN "
        f"{_refresh('NEW.item_id', False)}; END",
        "CREATE TRIGGER item_agencies_ad AFTER DELETE ON item_agencies BEGIN "
        f"{_refresh('OLD.item_id', False)}; END",
        "CREATE TRIGGER item_agencies_au AFTER UPDATE ON item_agencies BEGIN "
        f"{_refresh('OLD.item_id', False)}; {_refresh('NEW.item_id', False)}; END",
        "CREATE TRIGGER agencies_au AFTER UPDATE OF name ON agencies BEGIN "
        f"{_renamed(False)}; END",
    ]


def _postgres_triggers() -> list[str]:
    return [
        "CREATE FUNCTION item_agencies_refresh() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP <> 'INSERT' THEN {_refresh('OLD.item_id', True)}; END IF; "
        f"IF TG_OP <> 'DELETE' THEN {_refresh('NEW.item_id', True)}; END IF; "
        "RETURN NULL; END $$",
        "CREATE TRIGGER item_agencies_refresh AFTER INSERT OR UPDATE OR DELETE ON item_agencies "
        "FOR EACH ROW EXECUTE FUNCTION item_agencies_refresh()",
        "CREATE FUNCTION agencies_renamed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"{_renamed(True)}; RETURN NULL; END $$",
        "CREATE TRIGGER agencies_renamed AFTER UPDATE OF name ON agencies "
        "FOR EACH ROW EXECUTE FUNCTION agencies_renamed()",
    ]


def _items_view(postgresql: bool) -> str:
    places = (
        "(SELECT coalesce(json_agg(places.name ORDER BY item_places.position), '[]'::json) "
        "FROM item_places JOIN places ON places.id = item_places.place_id "
        "WHERE item_places.item_id = items.id)"
        if postgresql else
        "(SELECT json_group_array(name) FROM (SELECT places.name FROM item_places "
        "JOIN places ON places.id = item_places.place_id WHERE item_places.item_id = items.id "
        "ORDER BY item_places.position))"
    )
    agencies = "items.agencies::json" if postgresql else "items.agencies"
    return (
        "CREATE VIEW items_view AS SELECT items.id, items.kind, items.title, items.dateline, "
        f"{places} AS places, {agencies} AS agencies, items.body, items.section, items.url, "
        "items.published_earliest, items.published_latest, items.window_source, "
        "items.first_seen_at, items.last_seen_at, "
        "(SELECT count(*) FROM sightings WHERE sightings.item_id = items.id) AS sightings, "
        "items.story_id FROM items"
    )


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.execute("DROP VIEW items_view")
    op.add_column("items", sa.Column("agencies", sa.Text(), server_default="[]",
                                     nullable=False))
    op.execute(f"UPDATE items SET agencies = {_names_of('items.id', postgresql)} "
               "WHERE id IN (SELECT item_id FROM item_agencies)")
    for column in INDEXED:
        op.create_index(op.f(f"ix_items_{column}"), "items", [column])
    for statement in _postgres_triggers() if postgresql else _sqlite_triggers():
        op.execute(statement)
    op.execute(_items_view(postgresql))


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.execute("DROP VIEW items_view")
    if postgresql:
        op.execute("DROP TRIGGER agencies_renamed ON agencies")
        op.execute("DROP TRIGGER item_agencies_refresh ON item_agencies")
        op.execute("DROP FUNCTION agencies_renamed()")
        op.execute("DROP FUNCTION item_agencies_refresh()")
    else:
        for name in ("item_agencies_ai", "item_agencies_ad", "item_agencies_au", "agencies_au"):
            op.execute(f"DROP TRIGGER {name}")
    for column in INDEXED:
        op.drop_index(op.f(f"ix_items_{column}"), "items")
    op.execute("ALTER TABLE items DROP COLUMN agencies")  # no batch copy: items has triggers
    stories = importlib.import_module("newsarchive.store.migrations.versions.0004_stories")
    op.execute(stories._items_view(postgresql, with_story=True))
