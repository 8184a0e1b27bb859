"""Storing parsed pages: identity, sightings, windows, links and change history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text
from store_pages import T0, article, hours, listing, teaser

from newsarchive.items import ParsedPage
from newsarchive.store.archive import Archive
from newsarchive.store.ingest import ITEMS
from newsarchive.store.tables import metadata

TEHERAN = "De leider van de veiligheidsraad is omgekomen bij een aanval op de hoofdstad."
LONDEN = "Meer dan tweehonderd drone-experts zijn naar het gebied gestuurd."


def snapshot(archive: Archive) -> dict[str, list[tuple]]:
    """Every row of every archive table, for comparing the whole archive before and after."""
    with archive.engine.connect() as connection:
        return {
            table.name: sorted(map(tuple, connection.execute(table.select()).all()), key=repr)
            for table in metadata.sorted_tables
            if not table.info.get("is_view")
        }


def rows(archive: Archive, sql: str, **params) -> list:
    with archive.engine.connect() as connection:
        return connection.execute(text(sql), params).all()


def the_item(archive: Archive, body: str):
    [item] = rows(archive, "SELECT * FROM items WHERE body = :body", body=body)
    return item


def stored_window(archive: Archive, kind: str) -> tuple:
    """(published_earliest, published_latest, window_source, window_conflicts) of the one
    item of `kind`, read as datetimes on either database."""
    query = select(
        ITEMS.c.published_earliest, ITEMS.c.published_latest, ITEMS.c.window_source, ITEMS.c.window_conflicts
    ).where(ITEMS.c.kind == kind)
    with archive.engine.connect() as connection:
        [row] = connection.execute(query).all()
    return tuple(row)


def store(archive: Archive, page: ParsedPage, data: bytes | None = None):
    return archive.ingest(page, data if data is not None else repr(page).encode())


def test_same_page_at_same_fetch_time_changes_nothing(archive):
    page = listing(T0, teaser("TEHERAN", TEHERAN, window=(T0 - hours(2), T0 - hours(1))))
    first = store(archive, page)
    before = snapshot(archive)
    again = store(archive, page)
    assert (first.stored, again.stored) == (True, False)
    assert again.page_id == first.page_id
    assert snapshot(archive) == before


def test_same_page_fetched_later_adds_sightings_not_items(archive):
    item = teaser("TEHERAN", TEHERAN, window=(T0 - hours(2), T0 - hours(1)))
    store(archive, listing(T0, item), b"same bytes")
    later = store(archive, listing(T0 + hours(1), item), b"same bytes")
    assert later.stored and later.new_items == 0 and later.sightings == 1
    assert rows(archive, "SELECT count(*) FROM items")[0][0] == 1
    assert rows(archive, "SELECT count(*) FROM sightings")[0][0] == 2
    stored = the_item(archive, TEHERAN)
    assert stored.first_seen_at != stored.last_seen_at


def test_teaser_key_ignores_quote_style_and_whitespace(archive):
    store(archive, listing(T0, teaser("TEHERAN", 'Hij noemde het "een keerpunt" in  de oorlog.')))
    store(archive, listing(T0 + hours(1), teaser("TEHERAN", "Hij noemde het \u201ceen keerpunt\u201d in de\noorlog.")))
    assert rows(archive, "SELECT count(*) FROM items")[0][0] == 1
    assert rows(archive, "SELECT count(*) FROM item_revisions")[0][0] == 0


def test_different_dateline_is_a_different_teaser(archive):
    store(archive, listing(T0, teaser("TEHERAN", TEHERAN), teaser("BAGDAD", TEHERAN)))
    assert rows(archive, "SELECT count(*) FROM items")[0][0] == 2


def test_one_teaser_twice_on_a_page_is_one_item_with_two_sightings(archive):
    result = store(archive, listing(T0, teaser("TEHERAN", TEHERAN), teaser("TEHERAN", TEHERAN)))
    assert (result.new_items, result.sightings) == (1, 2)


def test_article_is_keyed_by_its_url_and_keeps_text_changes(archive):
    url = "https://example.nl/nieuws/kabinet?utm_source=x#boven"
    store(archive, article(T0, "DEN HAAG", ("Het kabinet wil iets.",), url=url))
    store(archive, article(T0 + hours(1), "DEN HAAG", ("Het kabinet wil iets anders.",),
                           url="https://EXAMPLE.nl/nieuws/kabinet"))
    [item] = rows(archive, "SELECT * FROM items")
    assert item.body == "Het kabinet wil iets anders."
    assert rows(archive, "SELECT field, old_value, new_value FROM item_revisions") == [
        ("body", "Het kabinet wil iets.", "Het kabinet wil iets anders.")
    ]


def test_article_without_url_is_keyed_by_dateline_and_full_text(archive):
    store(archive, article(T0, "DEN HAAG", ("Eerste alinea.", "Tweede alinea.")))
    store(archive, article(T0 + hours(1), "DEN HAAG", ("Eerste alinea.", "Andere tweede alinea.")))
    assert rows(archive, "SELECT count(*) FROM items WHERE kind = 'article'")[0][0] == 2


def test_new_title_wins_and_the_old_one_is_recorded(archive):
    store(archive, listing(T0, teaser("TEHERAN", TEHERAN, title="Leider gedood")))
    later = store(archive, listing(T0 + hours(1), teaser("TEHERAN", TEHERAN, title="Leider veiligheidsraad gedood")))
    assert the_item(archive, TEHERAN).title == "Leider veiligheidsraad gedood"
    assert rows(archive, "SELECT field, old_value, new_value, page_id FROM item_revisions") == [
        ("title", "Leider gedood", "Leider veiligheidsraad gedood", later.page_id)
    ]


def test_title_from_an_older_page_arriving_late_is_recorded_not_applied(archive):
    store(archive, listing(T0 + hours(1), teaser("TEHERAN", TEHERAN, title="Nieuwe kop")))
    store(archive, listing(T0, teaser("TEHERAN", TEHERAN, title="Oude kop")))
    assert the_item(archive, TEHERAN).title == "Nieuwe kop"
    assert rows(archive, "SELECT old_value, new_value FROM item_revisions") == [("Oude kop", "Nieuwe kop")]


def test_missing_title_does_not_erase_a_known_one(archive):
    store(archive, listing(T0, teaser("TEHERAN", TEHERAN, title="Kop")))
    store(archive, listing(T0 + hours(1), teaser("TEHERAN", TEHERAN)))
    assert the_item(archive, TEHERAN).title == "Kop"
    assert rows(archive, "SELECT count(*) FROM item_revisions")[0][0] == 0


def test_changed_agency_list_is_kept_newest_with_history(archive):
    store(archive, listing(T0, teaser("TEHERAN", TEHERAN, agencies=("ANP",))))
    store(archive, listing(T0 + hours(1), teaser("TEHERAN", TEHERAN, agencies=("ANP", "AFP"))))
    item = the_item(archive, TEHERAN)
    names = rows(
        archive,
        "SELECT a.name FROM item_agencies ia JOIN agencies a ON a.id = ia.agency_id "
        "WHERE ia.item_id = :id ORDER BY ia.position",
        id=item.id,
    )
    assert [n for (n,) in names] == ["ANP", "AFP"]
    assert rows(archive, "SELECT field, old_value, new_value FROM item_revisions") == [
        ("agencies", "ANP", "ANP/AFP")
    ]


def test_agency_and_place_rows_find_items_without_scanning_text(archive):
    store(archive, listing(
        T0,
        teaser("IZJOEM/LONDEN", LONDEN, agencies=("ANP", "AFP", "RTR")),
        teaser("TEHERAN", TEHERAN, agencies=("ANP",)),
    ))
    by_agency = rows(
        archive,
        "SELECT i.body FROM items i JOIN item_agencies ia ON ia.item_id = i.id "
        "JOIN agencies a ON a.id = ia.agency_id WHERE a.name = 'AFP'",
    )
    by_place = rows(
        archive,
        "SELECT i.body FROM items i JOIN item_places ip ON ip.item_id = i.id "
        "JOIN places p ON p.id = ip.place_id WHERE p.name_folded = 'londen'",
    )
    assert by_agency == by_place == [(LONDEN,)]
    assert rows(archive, "SELECT count(*) FROM agencies")[0][0] == 3


def test_window_is_the_intersection_of_the_sightings_in_any_order(archive):
    first = teaser("TEHERAN", TEHERAN, window=(T0 - hours(3), T0 - hours(2)))
    second = teaser("TEHERAN", TEHERAN, window=(T0 - timedelta(minutes=150), T0 - timedelta(minutes=90)))
    store(archive, listing(T0 + hours(1), second))
    store(archive, listing(T0, first))
    # [T0 - 3 h, T0 - 2 h] and [T0 - 2.5 h, T0 - 1.5 h] overlap in [T0 - 2.5 h, T0 - 2 h]
    assert stored_window(archive, "teaser") == (T0 - hours(2.5), T0 - hours(2), "relative_age", 0)


@pytest.mark.parametrize("newest_last", [True, False], ids=["in_order", "out_of_order"])
def test_disjoint_windows_keep_the_newest_sighting_and_count_a_conflict(archive, newest_last):
    old = listing(T0, teaser("TEHERAN", TEHERAN, window=(T0 - hours(3), T0 - hours(2))))
    new = listing(T0 + hours(1), teaser("TEHERAN", TEHERAN, window=(T0 - hours(1), T0)))
    results = [store(archive, page) for page in ([old, new] if newest_last else [new, old])]
    assert [r.window_conflicts for r in results] == [0, 1]
    # the newer page's window, [T0 - 1 h, T0], whichever arrived last
    assert stored_window(archive, "teaser") == (T0 - hours(1), T0, "relative_age", 1)


def test_article_date_from_metadata_is_a_degenerate_window(archive):
    published = T0 - hours(5)
    store(archive, article(T0, "DEN HAAG", ("Het kabinet wil iets.",), url="https://e.nl/a",
                           published=published))
    assert stored_window(archive, "article") == (published, published, "metadata", 0)


def test_teaser_and_article_are_linked_both_ways_and_article_takes_the_window(archive):
    window = (T0 - hours(3), T0 - hours(2))
    store(archive, listing(T0, teaser("TEHERAN", TEHERAN, agencies=("ANP", "AFP"), window=window)))
    store(archive, article(T0 + hours(1), "TEHERAN", (TEHERAN, "Een tweede alinea."),
                           url="https://e.nl/teheran", agencies=("ANP", "AFP")))
    links = rows(archive, "SELECT teaser_id, article_id FROM item_links")
    kinds = dict(rows(archive, "SELECT id, kind FROM items"))
    assert [(kinds[t], kinds[a]) for t, a in links] == [("teaser", "article")]
    assert stored_window(archive, "teaser") == (T0 - hours(3), T0 - hours(2), "relative_age", 0)
    assert stored_window(archive, "article") == (T0 - hours(3), T0 - hours(2), "teaser", 0)


def test_article_stored_first_takes_the_window_of_a_later_teaser(archive):
    store(archive, article(T0, "TEHERAN", (TEHERAN, "Meer."), url="https://e.nl/t"))
    store(archive, listing(T0 + hours(1), teaser("TEHERAN", TEHERAN, window=(T0 - hours(1), T0))))
    assert stored_window(archive, "article") == (T0 - hours(1), T0, "teaser", 0)


def test_article_metadata_wins_over_the_teaser_window(archive):
    store(archive, listing(T0, teaser("TEHERAN", TEHERAN, window=(T0 - hours(3), T0 - hours(2)))))
    store(archive, article(T0 + hours(1), "TEHERAN", (TEHERAN,), url="https://e.nl/t",
                           published=T0 - hours(2.5)))
    assert stored_window(archive, "article") == (T0 - hours(2.5), T0 - hours(2.5), "metadata", 0)


def test_batch_of_pages_is_stored_like_one_page_at_a_time(archive_url, tmp_path):
    from newsarchive.store.archive import open_archive

    pages = [
        listing(T0 + hours(n), teaser("TEHERAN", TEHERAN, title=f"Kop {n % 2}",
                                      window=(T0 - hours(3), T0 + hours(n))))
        for n in range(6)
    ]
    with open_archive(archive_url) as batched:
        results = list(batched.ingest_many([(p, repr(p).encode()) for p in pages], batch_pages=4))
        assert [r.stored for r in results] == [True] * 6
        together = snapshot(batched)
    with open_archive(str(tmp_path / "one_by_one.db")) as single:
        for page in pages:
            store(single, page)
        alone = snapshot(single)
    assert together["items"] == alone["items"] and together["sightings"] == alone["sightings"]
    assert together["item_revisions"] == alone["item_revisions"]


def test_not_a_page_is_refused(archive):
    with pytest.raises(ValueError):
        store(archive, ParsedPage("unknown", None, T0))


def test_teaser_link_learned_later_is_kept(archive):
    store(archive, listing(T0, teaser("TEHERAN", TEHERAN)))
    store(archive, listing(T0 + hours(1), teaser("TEHERAN", TEHERAN, url="https://e.nl/teheran")))
    assert the_item(archive, TEHERAN).url == "https://e.nl/teheran"


def test_twin_pages_in_one_batch_are_one_observation(archive):
    page = listing(T0, teaser("TEHERAN", TEHERAN))
    results = list(archive.ingest_many([(page, b"same"), (page, b"same")]))
    assert [r.stored for r in results] == [True, False]
    assert results[0].page_id == results[1].page_id
    assert rows(archive, "SELECT count(*) FROM sightings")[0][0] == 1


def test_item_urls_are_stored_in_the_spelling_the_crawler_uses(archive):
    link = "HTTPS://E.nl:443/nieuws/café?utm_source=home&id=3#reacties"
    store(archive, listing(T0, teaser("TEHERAN", TEHERAN, url=link)))
    store(archive, article(T0, "LONDEN", ("Een alinea.",), url="https://e.nl/nieuws/x?fbclid=1"))
    assert the_item(archive, TEHERAN).url == "https://e.nl/nieuws/caf%C3%A9?id=3"
    assert rows(archive, "SELECT url FROM items WHERE kind = 'article'") == [
        ("https://e.nl/nieuws/x",)
    ]
