"""Query support: indexes behind every `newsarchive query` filter, full-text search, views.

SQLite: the FTS5 table `items_fts` in the sqlite-utils convention (external content `items`,
rowid = items.id, triggers items_ai / items_ad / items_au, diacritics folded) so that Datasette's
search box works on `items`. PostgreSQL: a GIN index on `item_search_vector(title, dateline,
body)` (the `simple` configuration over accent-folded text: no extension needed, the same
matching as SQLite's `remove_diacritics 2`). Both: the views `items_view` and
`sightings_view` for people who open the archive in Datasette, sqlite3 or pandas.

Index names start with `ix_query_`: no model describes them (some are on expressions), so the
models==migrations comparison leaves them out.

Revision ID: 0003_query
Revises: 0002_crawl
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from alembic import op

revision: str = "0003_query"
down_revision: str | Sequence[str] | None = "0002_crawl"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FTS_COLUMNS = ("title", "dateline", "body")
# (name, leading column or expression): each indexed with each sort column below.
# Each order of `newsarchive query` has a sort column (newest first: the window's start,
# descending; oldest first: its end, ascending; --by seen: first sight) and an index on it
# alone and after each equality filter, so that a first page is an index range scan.
SORT_KEYS = (("newest", "published_earliest"), ("oldest", "published_latest"),
             ("seen", "first_seen_at"))
FILTER_KEYS = (("dateline", "dateline_folded"), ("section", "lower(section)"))
UNINDEXED = {("section", "seen")}  # rarely asked for: not worth an index on every item


def _accent_table() -> tuple[str, str]:
    """Latin letters with diacritics and their bare letter, for PostgreSQL's translate()."""
    accented, bare = [], []
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        if len(base) == 1 and base.isascii() and base.isalpha() and base != char:
            accented.append(char)
            bare.append(base)
    return "".join(accented), "".join(bare)


def _sort_index_columns(sort_name: str, column: str, postgresql: bool) -> str:
    if not postgresql:
        return column  # SQLite: NULLs sort first ascending, and the rowid ends every index
    # PostgreSQL sorts NULLs last ascending; undated items sort as the oldest in both orders.
    return {
        "newest": f"{column} DESC NULLS LAST, id DESC",
        "oldest": f"{column} ASC NULLS FIRST, id",
    }.get(sort_name, f"{column}, id")


def _index_names() -> list[tuple[str, str, str | None]]:
    """(index name, sort name, filter key or None) of every index of this revision."""
    names: list[tuple[str, str, str | None]] = []
    for sort_name, _ in SORT_KEYS:
        names.append((f"ix_query_items_{sort_name}", sort_name, None))
        names += [(f"ix_query_items_{key_name}_{sort_name}", sort_name, key)
                  for key_name, key in FILTER_KEYS if (key_name, sort_name) not in UNINDEXED]
    return names


def _index_statements(postgresql: bool) -> list[str]:
    columns = dict(SORT_KEYS)
    statements = []
    for name, sort_name, key in _index_names():
        sort = _sort_index_columns(sort_name, columns[sort_name], postgresql)
        statements.append(f"CREATE INDEX {name} ON items ({key + ', ' if key else ''}{sort})")
    return statements


def _fts_statements() -> list[str]:
    columns = ", ".join(f"[{name}]" for name in FTS_COLUMNS)
    new = ", ".join(f"new.[{name}]" for name in FTS_COLUMNS)
    old = ", ".join(f"old.[{name}]" for name in FTS_COLUMNS)
    changed = " OR ".join(f"old.[{name}] IS NOT new.[{name}]" for name in FTS_COLUMNS)
    return [
        f"CREATE VIRTUAL TABLE [items_fts] USING FTS5 (\n    {columns},\n"
        "    tokenize='unicode61 remove_diacritics 2',\n    content=[items]\n)",
        "INSERT INTO [items_fts] ([items_fts]) VALUES ('rebuild')",
        f"CREATE TRIGGER [items_ai] AFTER INSERT ON [items] BEGIN\n"
        f"  INSERT INTO [items_fts] (rowid, {columns}) VALUES (new.rowid, {new});\nEND",
        f"CREATE TRIGGER [items_ad] AFTER DELETE ON [items] BEGIN\n"
        f"  INSERT INTO [items_fts] ([items_fts], rowid, {columns}) "
        f"VALUES ('delete', old.rowid, {old});\nEND",
        # Only when the text changes: a new sighting updates items but must not re-index it.
        f"CREATE TRIGGER [items_au] AFTER UPDATE OF {columns} ON [items] WHEN {changed} BEGIN\n"
        f"  INSERT INTO [items_fts] ([items_fts], rowid, {columns}) "
        f"VALUES ('delete', old.rowid, {old});\n"
        f"  INSERT INTO [items_fts] (rowid, {columns}) VALUES (new.rowid, {new});\nEND",
    ]


def _postgres_search_statements() -> list[str]:
    accented, bare = _accent_table()

    def folded(text: str) -> str:
        return f"lower(translate({text}, '{accented}', '{bare}'))"

    all_text = "coalesce(title, '') || ' ' || coalesce(dateline, '') || ' ' || coalesce(body, '')"
    return [
        "CREATE FUNCTION search_fold(value text) RETURNS text LANGUAGE sql IMMUTABLE "
        f"PARALLEL SAFE RETURN {folded('value')}",
        "CREATE FUNCTION item_search_vector(title text, dateline text, body text) "
        "RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE "
        f"RETURN to_tsvector('simple'::regconfig, {folded(all_text)})",
        "CREATE INDEX ix_query_items_search ON items "
        "USING gin (item_search_vector(title, dateline, body))",
    ]


def _names(link: str, names: str, key: str, postgresql: bool) -> str:
    """An item's agency or place names in order, as a JSON array."""
    if postgresql:
        aggregate = f"coalesce(json_agg({names}.name ORDER BY {link}.position), '[]'::json)"
        return (
            f"(SELECT {aggregate} FROM {link} JOIN {names} ON {names}.id = {link}.{key} "
            f"WHERE {link}.item_id = items.id)"
        )
    return (
        f"(SELECT json_group_array(name) FROM (SELECT {names}.name FROM {link} "
        f"JOIN {names} ON {names}.id = {link}.{key} WHERE {link}.item_id = items.id "
        f"ORDER BY {link}.position))"
    )


def _view_statements(postgresql: bool) -> list[str]:
    places = _names("item_places", "places", "place_id", postgresql)
    agencies = _names("item_agencies", "agencies", "agency_id", postgresql)
    return [
        "CREATE VIEW items_view AS SELECT items.id, items.kind, items.title, items.dateline, "
        f"{places} AS places, {agencies} AS agencies, items.body, items.section, items.url, "
        "items.published_earliest, items.published_latest, items.window_source, "
        "items.first_seen_at, items.last_seen_at, "
        "(SELECT count(*) FROM sightings WHERE sightings.item_id = items.id) AS sightings "
        "FROM items",
        "CREATE VIEW sightings_view AS SELECT sightings.page_id, sightings.item_id, items.kind, "
        "items.dateline, items.title, pages.url AS page_url, pages.fetched_at, "
        "pages.section AS page_section, sightings.position, sightings.age_text, "
        "sightings.window_earliest, sightings.window_latest "
        "FROM sightings JOIN items ON items.id = sightings.item_id "
        "JOIN pages ON pages.id = sightings.page_id",
    ]


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    search = _postgres_search_statements() if postgresql else _fts_statements()
    for statement in [*_index_statements(postgresql), *search, *_view_statements(postgresql)]:
        op.execute(statement)


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    statements = ["DROP VIEW sightings_view", "DROP VIEW items_view"]
    if postgresql:
        statements += [
            "DROP INDEX ix_query_items_search",
            "DROP FUNCTION item_search_vector(text, text, text)",
            "DROP FUNCTION search_fold(text)",
        ]
    else:
        statements += [f"DROP TRIGGER items_{suffix}" for suffix in ("ai", "ad", "au")]
        statements.append("DROP TABLE items_fts")
    statements += [f"DROP INDEX {name}" for name, _, _ in _index_names()]
    for statement in statements:
        op.execute(statement)
