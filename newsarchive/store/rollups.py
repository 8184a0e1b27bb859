"""Daily counts of the items for `newsarchive report` (SQLite): three small tables kept by
triggers, so that a report over months or years sums a few rows per day instead of reading
every item (a million items: 15 s by reading them, well under a second from the counts).

- `report_item_days`: items per (day, section, agency list, window source, window-width
  class, lag class);
- `report_dateline_days`: items per (day, dateline);
- `report_place_days`: item places per (day, place);
- `report_item_sites`: sightings per (item, site): the hosts of the pages that showed an item,
  which the report's stories with several outlets count.

An item's day is the UTC day of the start of its publication window, or of its first sight
when the window is unknown: the report's rule for which period an item belongs to. An empty
section is stored as '' and an unknown class as -1 (a key cannot be NULL). The triggers on
`items` and `item_places` are the only writers, so every write path keeps the counts right;
`fill` computes them from scratch (the migration that adds them). PostgreSQL has no such
tables: the report reads its items there.

Changing a class bound changes what the triggers store: it takes a migration that drops and
creates the triggers again and refills the tables.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection

# Upper bounds in seconds of the window-width and lag classes: class n is the first bound the
# number fits under, len(bounds) the class of the longer ones.
WIDTH_BOUNDS = (60, 3600, 86400, 604800)
LAG_BOUNDS = (900, 3600, 10800, 43200, 86400, 259200)
UNKNOWN_CLASS = -1
EMPTY_SECTION = ""
ITEM_DAYS, DATELINE_DAYS, PLACE_DAYS = "report_item_days", "report_dateline_days", "report_place_days"
ITEM_SITES = "report_item_sites"
ITEM_KEYS = ("day", "section", "agencies", "window_source", "width_class", "lag_class")
TABLES = {ITEM_DAYS: ITEM_KEYS, DATELINE_DAYS: ("day", "dateline"), PLACE_DAYS: ("day", "place_id"),
          ITEM_SITES: ("item_id", "site")}
# An items update that changes none of these leaves the counts alone (a sighting's last_seen_at).
COUNTED = ("published_earliest", "published_latest", "first_seen_at", "section", "agencies",
           "window_source", "dateline")


def sqlite_seconds(start: str, end: str) -> str:
    """`end - start` in whole seconds on SQLite's ISO text times (NULL when either is)."""
    return f"CAST(round((julianday({end}) - julianday({start})) * 86400) AS INTEGER)"


def class_of(seconds: str, bounds: Sequence[int]) -> str:
    whens = " ".join(f"WHEN {seconds} <= {bound} THEN {n}" for n, bound in enumerate(bounds))
    return f"CASE {whens} ELSE {len(bounds)} END"


def width_class(row: str, seconds: str) -> str:
    """The class of a row's window width; `seconds` is that width as SQL."""
    return (f"CASE WHEN {row}published_earliest IS NULL THEN {UNKNOWN_CLASS} "
            f"ELSE {class_of(seconds, WIDTH_BOUNDS)} END")


def lag_class(row: str, seconds: str) -> str:
    """The class of the time from the end of a row's window to its first sight."""
    return (f"CASE WHEN {row}published_latest IS NULL THEN {UNKNOWN_CLASS} "
            f"ELSE {class_of(seconds, LAG_BOUNDS)} END")


def _day(row: str) -> str:
    return f"substr(coalesce({row}published_earliest, {row}first_seen_at), 1, 10)"


def _item_key(row: str) -> tuple[str, ...]:
    """The SQL of ITEM_KEYS for an items row (`NEW.`, `OLD.`, `items.`)."""
    width = sqlite_seconds(f"{row}published_earliest", f"{row}published_latest")
    lag = sqlite_seconds(f"{row}published_latest", f"{row}first_seen_at")
    return (_day(row), f"coalesce({row}section, '{EMPTY_SECTION}')", f"{row}agencies",
            f"{row}window_source", width_class(row, width), lag_class(row, lag))


def _add(table: str, values: Sequence[str], where: str = "true", source: str = "",
         amount: str = "1") -> str:
    keys = TABLES[table]
    return (f"INSERT INTO {table} ({', '.join(keys)}, items) SELECT {', '.join(values)}, "
            f"{amount} {source} WHERE {where} ON CONFLICT ({', '.join(keys)}) "
            "DO UPDATE SET items = items + excluded.items")


def _remove(table: str, values: Sequence[str], amount: str = "1") -> list[str]:
    match = " AND ".join(f"{key} = {value}" for key, value in zip(TABLES[table], values))
    return [f"UPDATE {table} SET items = items - {amount} WHERE {match}",
            f"DELETE FROM {table} WHERE {match} AND items <= 0"]


def _places_of(row: str, item_id: str, add: bool) -> list[str]:
    """Add or remove every place of an item (its item_places rows) at the item's day."""
    if add:
        return [_add(PLACE_DAYS, (_day(row), "item_places.place_id"),
                     f"item_places.item_id = {item_id} GROUP BY item_places.place_id",
                     "FROM item_places", "count(*)")]
    each = (f"(SELECT count(*) FROM item_places WHERE item_places.item_id = {item_id} "
            f"AND item_places.place_id = {PLACE_DAYS}.place_id)")
    match = (f"day = {_day(row)} AND place_id IN (SELECT place_id FROM item_places "
             f"WHERE item_places.item_id = {item_id})")
    return [f"UPDATE {PLACE_DAYS} SET items = items - {each} WHERE {match}",
            f"DELETE FROM {PLACE_DAYS} WHERE {match} AND items <= 0"]


def _place_of_link(row: str, add: bool) -> list[str]:
    """One item_places row added or removed, at its item's day (none once the item is
    deleted: the items trigger removed its places before the cascade)."""
    day = f"(SELECT {_day('items.')} FROM items WHERE items.id = {row}item_id)"
    if add:
        return [_add(PLACE_DAYS, (day, f"{row}place_id"), f"{day} IS NOT NULL")]
    return _remove(PLACE_DAYS, (day, f"{row}place_id"))


def sqlite_host(column: str) -> str:
    """The host (with port) of a URL column: `https://a.example:8080/x` -> `a.example:8080`."""
    rest = f"substr({column}, instr({column}, '://') + 3)"
    return f"substr({rest}, 1, instr({rest} || '/', '/') - 1)"


def _site_of_sighting(row: str, add: bool) -> list[str]:
    site = f"(SELECT {sqlite_host('pages.url')} FROM pages WHERE pages.id = {row}page_id)"
    if add:
        return [_add(ITEM_SITES, (f"{row}item_id", site), f"{site} IS NOT NULL")]
    return _remove(ITEM_SITES, (f"{row}item_id", site))


def _trigger(name: str, when: str, body: list[str], condition: str = "") -> str:
    statements = "; ".join(body)
    return f"CREATE TRIGGER {name} {when} {condition} BEGIN {statements}; END"


def _changed(columns: Sequence[str]) -> str:
    return "WHEN " + " OR ".join(f"OLD.{name} IS NOT NEW.{name}" for name in columns)


def _counted(row: str, add: bool) -> list[str]:
    """The item's rows of report_item_days and report_dateline_days, added or removed."""
    key, dateline = _item_key(row), (_day(row), f"{row}dateline")
    if add:
        return [_add(ITEM_DAYS, key), _add(DATELINE_DAYS, dateline, f"{row}dateline IS NOT NULL")]
    return [*_remove(ITEM_DAYS, key), *_remove(DATELINE_DAYS, dateline)]


TRIGGERS = {
    "report_items_ai": ("AFTER INSERT ON items", _counted("NEW.", add=True), ""),
    "report_items_bd": ("BEFORE DELETE ON items", _places_of("OLD.", "OLD.id", add=False), ""),
    "report_items_ad": ("AFTER DELETE ON items", _counted("OLD.", add=False), ""),
    "report_items_au": (f"AFTER UPDATE OF {', '.join(COUNTED)} ON items",
                        [*_counted("OLD.", add=False), *_counted("NEW.", add=True)],
                        _changed(COUNTED)),
    "report_items_day_au": (
        "AFTER UPDATE OF published_earliest, first_seen_at ON items",
        [*_places_of("OLD.", "NEW.id", add=False), *_places_of("NEW.", "NEW.id", add=True)],
        f"WHEN {_day('OLD.')} IS NOT {_day('NEW.')}"),
    "report_item_places_ai": ("AFTER INSERT ON item_places", _place_of_link("NEW.", add=True), ""),
    "report_item_places_ad": ("AFTER DELETE ON item_places", _place_of_link("OLD.", add=False), ""),
    "report_item_places_au": ("AFTER UPDATE OF item_id, place_id ON item_places",
                              [*_place_of_link("OLD.", add=False),
                               *_place_of_link("NEW.", add=True)], ""),
    "report_sightings_ai": ("AFTER INSERT ON sightings", _site_of_sighting("NEW.", add=True), ""),
    "report_sightings_ad": ("AFTER DELETE ON sightings", _site_of_sighting("OLD.", add=False), ""),
    "report_sightings_au": ("AFTER UPDATE OF item_id, page_id ON sightings",
                            [*_site_of_sighting("OLD.", add=False),
                             *_site_of_sighting("NEW.", add=True)], ""),
}


def create(connection: Connection) -> None:
    """The tables and their triggers, filled from the items (SQLite only)."""
    for table, keys in TABLES.items():
        types = {"day": "TEXT", "width_class": "INTEGER", "lag_class": "INTEGER",
                 "place_id": "INTEGER", "item_id": "INTEGER"}
        columns = ", ".join(f"{key} {types.get(key, 'TEXT')} NOT NULL" for key in keys)
        connection.exec_driver_sql(
            f"CREATE TABLE {table} ({columns}, items INTEGER NOT NULL, "
            f"PRIMARY KEY ({', '.join(keys)})) WITHOUT ROWID")
    fill(connection)
    for name, (when, body, condition) in TRIGGERS.items():
        connection.exec_driver_sql(_trigger(name, when, body, condition))


def drop(connection: Connection) -> None:
    for name in TRIGGERS:
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    for table in TABLES:
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")


def fill(connection: Connection) -> None:
    """The counts computed from the items, replacing what the tables hold."""
    key = _item_key("items.")
    statements = {
        ITEM_DAYS: f"SELECT {', '.join(key)}, count(*) FROM items GROUP BY 1, 2, 3, 4, 5, 6",
        DATELINE_DAYS: f"SELECT {_day('items.')}, dateline, count(*) FROM items "
                       "WHERE dateline IS NOT NULL GROUP BY 1, 2",
        PLACE_DAYS: f"SELECT {_day('items.')}, item_places.place_id, count(*) FROM items "
                    "JOIN item_places ON item_places.item_id = items.id GROUP BY 1, 2",
        ITEM_SITES: f"SELECT sightings.item_id, {sqlite_host('pages.url')}, count(*) FROM sightings "
                    "JOIN pages ON pages.id = sightings.page_id WHERE pages.url IS NOT NULL "
                    "GROUP BY 1, 2",
    }
    for table, select in statements.items():
        connection.exec_driver_sql(f"DELETE FROM {table}")
        connection.exec_driver_sql(
            f"INSERT INTO {table} ({', '.join(TABLES[table])}, items) {select}")
