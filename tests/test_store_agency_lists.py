"""`items.agencies` (migration 0008_browse): the JSON list of an item's agencies, kept by
triggers, equal at every moment to what `item_agencies` says, whoever writes."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import text
from store_pages import T0, listing, teaser

from newsarchive.store.archive import Archive


def lists(archive: Archive) -> dict[int, tuple[list[str], list[str], list[str]]]:
    """Per item: the stored column, items_view's column, and the names read from
    item_agencies in position order (the oracle)."""
    with archive.engine.connect() as connection:
        stored = dict(connection.execute(text("SELECT id, agencies FROM items")).all())
        view = dict(connection.execute(text("SELECT id, agencies FROM items_view")).all())
        links = connection.execute(text(
            "SELECT item_id, name FROM item_agencies JOIN agencies ON agencies.id = agency_id "
            "ORDER BY item_id, position")).all()
    oracle: dict[int, list[str]] = {item_id: [] for item_id in stored}
    for item_id, name in links:
        oracle[item_id].append(name)

    def loaded(value: object) -> list[str]:
        return json.loads(value) if isinstance(value, str) else list(value)  # type: ignore[arg-type]

    return {item_id: (loaded(stored[item_id]), loaded(view[item_id]), oracle[item_id])
            for item_id in stored}


def assert_in_step(archive: Archive) -> dict[int, list[str]]:
    current = lists(archive)
    for item_id, (stored, view, oracle) in current.items():
        assert stored == view == oracle, item_id
    return {item_id: oracle for item_id, (_, _, oracle) in current.items()}


def test_the_list_follows_ingest_renames_and_deletes(archive: Archive) -> None:
    archive.ingest(listing(
        T0,
        teaser("TEHERAN", "Eerste bericht over de haven.", agencies=("ANP", "RTR")),
        teaser("DEN HAAG", "Tweede bericht over de dijk.", agencies=("ANP",)),
        teaser("MIDDELBURG", "Derde bericht over de markt.", agencies=()),
    ), b"one")
    first = assert_in_step(archive)
    assert sorted(first.values()) == [[], ["ANP"], ["ANP", "RTR"]]

    # A later page credits the first item to three agencies: the list follows.
    archive.ingest(listing(
        T0 + timedelta(hours=1),
        teaser("TEHERAN", "Eerste bericht over de haven.", agencies=("ANP", "AFP", "RTR")),
    ), b"two")
    assert sorted(assert_in_step(archive).values()) == [[], ["ANP"], ["ANP", "AFP", "RTR"]]

    with archive.engine.begin() as connection:  # a renamed agency, a removed link
        connection.execute(text("UPDATE agencies SET name = 'Reuters' WHERE name = 'RTR'"))
        connection.execute(text(
            "DELETE FROM item_agencies WHERE position = 0 AND agency_id = "
            "(SELECT id FROM agencies WHERE name = 'ANP') AND item_id IN "
            "(SELECT id FROM items WHERE dateline = 'DEN HAAG')"))
    assert sorted(assert_in_step(archive).values()) == [[], [], ["ANP", "AFP", "Reuters"]]


def test_items_view_keeps_its_json_arrays(archive: Archive) -> None:
    archive.ingest(listing(T0, teaser("IZJOEM/LONDEN", "Een bericht.", agencies=("ANP", "DPA"))),
                   b"page")
    with archive.engine.connect() as connection:
        row = connection.execute(text("SELECT places, agencies FROM items_view")).one()
    as_lists = [json.loads(v) if isinstance(v, str) else v for v in row]
    assert as_lists == [["IZJOEM", "LONDEN"], ["ANP", "DPA"]]
