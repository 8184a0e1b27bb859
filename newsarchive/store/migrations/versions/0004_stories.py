"""Minute times and stories: `headlines`, `item_keys`, `stories`, `items.story_id`, the
`headline` window source, and the views `items_view` (gains `story_id`) and `stories_view`.

Every existing item becomes a story of its own; `newsarchive reparse` (or ingesting again)
groups them. The window_source CHECK is widened in place. On SQLite the schema text of `items` is edited
(SQLite's documented procedure for changing constraints without rebuilding a table: rebuilding
`items` would cascade-delete its sightings inside the migration's transaction); the story_id
foreign key is added the same way, as a named table constraint.

Revision ID: 0004_stories
Revises: 0003_query
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_stories"
down_revision: str | Sequence[str] | None = "0003_query"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_SOURCES = "window_source IN ('metadata', 'relative_age', 'teaser', 'none')"
NEW_SOURCES = "window_source IN ('headline', 'metadata', 'relative_age', 'teaser', 'none')"
STORY_KEY = ("CONSTRAINT fk_items_story_id_stories FOREIGN KEY(story_id) REFERENCES stories (id) "
             "ON DELETE SET NULL")


def _items_view(postgresql: bool, with_story: bool) -> str:
    if postgresql:
        def names(link: str, table: str, key: str) -> str:
            return (f"(SELECT coalesce(json_agg({table}.name ORDER BY {link}.position), '[]'::json) "
                    f"FROM {link} JOIN {table} ON {table}.id = {link}.{key} "
                    f"WHERE {link}.item_id = items.id)")
    else:
        def names(link: str, table: str, key: str) -> str:
            return (f"(SELECT json_group_array(name) FROM (SELECT {table}.name FROM {link} "
                    f"JOIN {table} ON {table}.id = {link}.{key} WHERE {link}.item_id = items.id "
                    f"ORDER BY {link}.position))")
    story = ", items.story_id" if with_story else ""
    return (
        "CREATE VIEW items_view AS SELECT items.id, items.kind, items.title, items.dateline, "
        f"{names('item_places', 'places', 'place_id')} AS places, "
        f"{names('item_agencies', 'agencies', 'agency_id')} AS agencies, "
        "items.body, items.section, items.url, "
        "items.published_earliest, items.published_latest, items.window_source, "
        "items.first_seen_at, items.last_seen_at, "
        "(SELECT count(*) FROM sightings WHERE sightings.item_id = items.id) AS sightings"
        f"{story} FROM items"
    )


def _time_order(alias: str, direction: str = "") -> str:
    """Versions in time order (as newsarchive.query.stories): publication, sight, identity."""
    suffix = f" {direction}" if direction else ""
    return ", ".join(f"{column}{suffix}" for column in (
        f"coalesce({alias}.published_earliest, {alias}.first_seen_at)", f"{alias}.first_seen_at",
        f"{alias}.content_key"))


def _stories_view(postgresql: bool) -> str:
    """One row per story: its newest version's text, its versions in time order, its first
    version's window, and its outlets (the host of each site that showed it, first seen)."""
    if postgresql:
        host = "substring(pages.url from '^[^:/?#]+://(?:[^@/?#]*@)?([^/?#]+)')"
        versions = (f"(SELECT json_agg(v.id ORDER BY {_time_order('v')}) "
                    "FROM items v WHERE v.story_id = stories.id)")
        outlets = ("(SELECT coalesce(json_agg(json_build_object('site', o.site, 'first_seen_at', "
                   "o.first_seen_at) ORDER BY o.first_seen_at, o.site), '[]'::json) FROM (")
    else:
        rest = "substr(pages.url, instr(pages.url, '://') + 3)"
        host = f"substr({rest}, 1, instr({rest} || '/', '/') - 1)"
        versions = ("(SELECT json_group_array(id) FROM (SELECT v.id FROM items v "
                    f"WHERE v.story_id = stories.id ORDER BY {_time_order('v')}))")
        outlets = ("(SELECT json_group_array(json_object('site', o.site, 'first_seen_at', "
                   "o.first_seen_at)) FROM (")
    outlets += (
        f"SELECT {host} AS site, min(pages.fetched_at) AS first_seen_at FROM items m "
        "JOIN sightings ON sightings.item_id = m.id JOIN pages ON pages.id = sightings.page_id "
        "WHERE m.story_id = stories.id AND pages.url IS NOT NULL "
        f"GROUP BY {host} ORDER BY min(pages.fetched_at), {host}) o)"
    )

    def version(which: str, order: str) -> str:
        return (f"(SELECT {which}.id FROM items {which} WHERE {which}.story_id = stories.id "
                f"ORDER BY {_time_order(which, order)} LIMIT 1)")

    return (
        "CREATE VIEW stories_view AS SELECT stories.id AS story_id, newest.dateline, "
        "newest.title, newest.body, "
        f"{versions} AS versions, "
        "(SELECT min(s.first_seen_at) FROM items s WHERE s.story_id = stories.id) AS first_seen_at, "
        "(SELECT max(s.last_seen_at) FROM items s WHERE s.story_id = stories.id) AS last_seen_at, "
        "first.published_earliest, first.published_latest, "
        f"{outlets} AS outlets "
        f"FROM stories JOIN items newest ON newest.id = {version('n', 'DESC')} "
        f"JOIN items first ON first.id = {version('f', 'ASC')}"
    )


def _edit_items_schema(postgresql: bool, old: str, new: str, story_key: bool) -> None:
    """Widen (or narrow back) the window_source CHECK; on SQLite also add the story_id
    foreign key as a named table constraint (ALTER TABLE can add neither)."""
    if postgresql:
        op.execute("ALTER TABLE items DROP CONSTRAINT ck_items_window_source")
        op.execute(f"ALTER TABLE items ADD CONSTRAINT ck_items_window_source CHECK ({new})")
        return
    bind = op.get_bind()
    sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'items'"
    ).scalar_one()
    sql = sql.replace(old, new)
    if story_key:
        sql = sql.rstrip()[:-1].rstrip() + f", \n\t{STORY_KEY}\n)"
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'items'", (sql,)
    )
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stories")),
    )
    op.create_table(
        "item_keys",
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('story', 'title_head', 'title_tail')",
                           name=op.f("ck_item_keys_kind")),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], name=op.f("fk_item_keys_item_id_items"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("kind", "key", "item_id", name=op.f("pk_item_keys")),
        sqlite_with_rowid=False,
    )
    op.create_index(op.f("ix_item_keys_item_id"), "item_keys", ["item_id"])
    op.create_table(
        "headlines",
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("section", sa.Text(), nullable=False),
        sa.Column("clock", sa.String(length=8), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("title_folded", sa.Text(), nullable=False),
        sa.Column("title_head", sa.Text(), nullable=False),
        sa.Column("title_tail", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["page_id"], ["pages.id"], name=op.f("fk_headlines_page_id_pages"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("page_id", "position", name=op.f("pk_headlines")),
        sqlite_with_rowid=False,
    )
    op.create_index(op.f("ix_headlines_title_head"), "headlines", ["title_head"])
    op.create_index(op.f("ix_headlines_title_tail"), "headlines", ["title_tail"])
    op.execute("DROP VIEW items_view")
    op.add_column("items", sa.Column("story_id", sa.Integer(), nullable=True))
    if postgresql:
        op.create_foreign_key(op.f("fk_items_story_id_stories"), "items", "stories",
                              ["story_id"], ["id"], ondelete="SET NULL")
    op.create_index(op.f("ix_items_story_id"), "items", ["story_id"])
    # Every item so far: a story of its own, with the item's id (a story's id is its smallest
    # item id; `stories` holds nothing else: first and last sightings are its items').
    op.execute("INSERT INTO stories (id) SELECT id FROM items")
    op.execute("UPDATE items SET story_id = id")
    _edit_items_schema(postgresql, OLD_SOURCES, NEW_SOURCES, story_key=True)
    op.execute(_items_view(postgresql, with_story=True))
    op.execute(_stories_view(postgresql))


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    if not postgresql:
        # items.story_id is a foreign key: SQLite can drop it only by rebuilding items, which
        # would cascade-delete the sightings inside this transaction.
        raise NotImplementedError("0004_stories cannot be downgraded on SQLite")
    op.execute("DROP VIEW stories_view")
    op.execute("DROP VIEW items_view")
    op.execute("UPDATE items SET window_source = 'relative_age' WHERE window_source = 'headline'")
    _edit_items_schema(postgresql, NEW_SOURCES, OLD_SOURCES, story_key=False)
    op.drop_index(op.f("ix_items_story_id"), "items")
    op.drop_column("items", "story_id")
    op.execute(_items_view(postgresql, with_story=False))
    op.drop_table("headlines")
    op.drop_table("item_keys")
    op.drop_table("stories")
