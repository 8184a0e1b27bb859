"""The report's daily counts (store/rollups.py, SQLite): after ingesting, and after items are
changed, moved to another day, given other places or sightings, or deleted, every count equals
the same count done here in Python from the items and sightings themselves."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import pytest
from report_archive import build_report_archive
from sqlalchemy import text

from newsarchive.store import rollups
from newsarchive.store.archive import Archive, open_archive
from newsarchive.store.types import UTCDateTime


def rows(archive: Archive, sql: str) -> list[tuple[Any, ...]]:
    with archive.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


def moment(value: str | None) -> datetime | None:
    return UTCDateTime().process_result_value(value, None)  # type: ignore[arg-type]


def class_of(seconds: float | None, bounds: tuple[int, ...]) -> int:
    if seconds is None:
        return rollups.UNKNOWN_CLASS
    return next((n for n, bound in enumerate(bounds) if seconds <= bound), len(bounds))


def expected(archive: Archive) -> dict[str, Counter[tuple[Any, ...]]]:
    items, datelines, places = Counter(), Counter(), Counter()
    day_of = {}
    for (item_id, earliest, latest, first, section, agencies, source, dateline) in rows(
            archive, "SELECT id, published_earliest, published_latest, first_seen_at, section, "
                     "agencies, window_source, dateline FROM items"):
        start, end, seen = moment(earliest), moment(latest), moment(first)
        day = (start or seen).strftime("%Y-%m-%d")
        day_of[item_id] = day
        width = (end - start).total_seconds() if start and end else None
        lag = (seen - end).total_seconds() if end else None
        items[day, section or "", agencies, source, class_of(width, rollups.WIDTH_BOUNDS),
              class_of(lag, rollups.LAG_BOUNDS)] += 1
        if dateline is not None:
            datelines[day, dateline] += 1
    for item_id, place_id in rows(archive, "SELECT item_id, place_id FROM item_places"):
        places[day_of[item_id], place_id] += 1
    sites = Counter((item_id, urlsplit(url).netloc) for item_id, url in rows(
        archive, "SELECT item_id, url FROM sightings JOIN pages ON pages.id = page_id"))
    return {rollups.ITEM_DAYS: items, rollups.DATELINE_DAYS: datelines,
            rollups.PLACE_DAYS: places, rollups.ITEM_SITES: sites}


def stored(archive: Archive) -> dict[str, Counter[tuple[Any, ...]]]:
    return {table: Counter({tuple(row[:-1]): row[-1] for row in rows(
        archive, f"SELECT {', '.join(keys)}, items FROM {table}")}) for table, keys in rollups.TABLES.items()}


@pytest.fixture
def counted(tmp_path) -> Archive:
    archive = open_archive(str(tmp_path / "news.db"))
    build_report_archive(archive)
    yield archive
    archive.close()


def test_the_counts_follow_every_ingested_sighting(counted: Archive) -> None:
    counts = stored(counted)
    assert counts == expected(counted)
    assert sum(counts[rollups.ITEM_DAYS].values()) == rows(counted, "SELECT count(*) FROM items")[0][0]
    assert len({site for _, site in counts[rollups.ITEM_SITES]}) == 2
    widths = {key[4] for key in counts[rollups.ITEM_DAYS]}
    assert {0, 1, rollups.UNKNOWN_CLASS} <= widths  # minute and hour windows, articles without


def test_the_counts_follow_changes_moves_and_deletes(counted: Archive) -> None:
    with counted.engine.begin() as connection:
        for sql in (
            "UPDATE items SET section = 'Economie' WHERE id % 5 = 0",
            "UPDATE items SET section = NULL, dateline = NULL WHERE id % 11 = 0",
            "UPDATE items SET published_earliest = '2026-01-02T10:00:00Z', "
            "published_latest = '2026-01-02T10:00:00Z' WHERE id % 7 = 0",
            "UPDATE items SET published_earliest = NULL, published_latest = NULL, "
            "window_source = 'none' WHERE id % 13 = 0",
            "UPDATE items SET last_seen_at = '2027-01-01T00:00:00Z' WHERE id % 2 = 0",
            "DELETE FROM item_places WHERE item_id % 3 = 0 AND position = 0",
            "UPDATE item_places SET place_id = (SELECT min(id) FROM places) WHERE item_id % 4 = 1",
            "DELETE FROM item_agencies WHERE item_id % 6 = 1 AND position = 0",
            "DELETE FROM sightings WHERE item_id % 8 = 0 AND position = 0",
            "UPDATE sightings SET item_id = item_id + 1 WHERE item_id % 10 = 3",
            "DELETE FROM items WHERE id % 9 = 0",
        ):
            connection.execute(text(sql))
    assert stored(counted) == expected(counted)
    with counted.engine.begin() as connection:
        connection.execute(text("DELETE FROM items"))
    assert stored(counted) == {table: Counter() for table in rollups.TABLES}


def test_fill_computes_what_the_triggers_keep(counted: Archive) -> None:
    before = stored(counted)
    with counted.engine.begin() as connection:
        rollups.fill(connection)
    assert stored(counted) == before
