"""`search_items`: every filter, their combinations, ordering and paging (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from store_pages import T0, article, hours, listing, teaser

from newsarchive.query import ItemFilter, QueryError, search_items
from newsarchive.query import search as search_module
from newsarchive.store.archive import Archive

# Invented wire copy: (dateline, agencies, body, hours before T0 the window starts, section).
STORIES = [
    ("TEHERAN", ("ANP", "AFP"), "De raad van ministers komt vandaag bijeen over de haven.", 2,
     "Buitenland"),
    ("ÎLE LONGUE", ("ANP",), "Frankrijk wil meer onderzeeboten bouwen in de werf.", 3,
     "Buitenland"),
    ("IZJOEM/LONDEN", ("ANP", "RTR"), "Honderd drone-experts vertrekken naar het front.", 5,
     "Buitenland"),
    ("LONDEN", ("ANP", "AFP", "RTR"), "Het parlement debatteert over drones en defensie.", 7,
     "Buitenland"),
    ("BOGOTÁ", ("ANP", "DPA"), "De president opent een nieuwe metrolijn in de hoofdstad.", 26,
     "Buitenland"),
    ("Teheran", ("ANP", "AFP"), "Demonstranten trekken door de straten van het centrum.", 30,
     "Buitenland"),
    ("DOMBURG", (), "Zorgen over de ambulancepost in het dorp aan zee.", 50, "Walcheren"),
]
LEAD = "De regering van Ecuador heeft een noodtoestand afgekondigd na overstromingen."


def fill(archive: Archive) -> dict[str, int]:
    """The stories on two section listings and one article page (whose lead has no date);
    returns the item id of each body's first word."""
    teasers = {
        section: [teaser(dateline, body, agencies=agencies,
                         window=(T0 - hours(start), T0 - hours(start - 1)))
                  for dateline, agencies, body, start, s in STORIES if s == section]
        for section in ("Buitenland", "Walcheren")
    }
    archive.ingest(listing(T0, *teasers["Buitenland"]), b"buitenland at T0")
    archive.ingest(listing(T0, *teasers["Walcheren"], section="Walcheren"), b"walcheren at T0")
    archive.ingest(article(T0 + hours(1), "QUITO", (LEAD,), url="https://wire.example/quito"),
                   b"article page")
    with archive.engine.connect() as connection:
        from sqlalchemy import text

        return {body.split()[0] + " " + body.split()[1]: item_id
                for item_id, body in connection.execute(text("SELECT id, body FROM items"))}


@pytest.fixture
def filled(archive: Archive) -> Archive:
    fill(archive)
    return archive


def datelines(archive: Archive, **filters) -> list[str]:
    return [row.dateline for row in search_items(archive, ItemFilter(**filters))]


def test_no_filter_lists_every_item_newest_first_undated_last(filled):
    assert datelines(filled) == ["TEHERAN", "ÎLE LONGUE", "IZJOEM/LONDEN", "LONDEN", "BOGOTÁ",
                                 "Teheran", "DOMBURG", "QUITO"]


def test_oldest_first_puts_undated_items_first(filled):
    assert datelines(filled, order="oldest") == ["QUITO", "DOMBURG", "Teheran", "BOGOTÁ",
                                                 "LONDEN", "IZJOEM/LONDEN", "ÎLE LONGUE",
                                                 "TEHERAN"]


def test_dateline_is_whole_and_case_and_accent_insensitive(filled):
    assert datelines(filled, dateline="teheran") == ["TEHERAN", "Teheran"]
    assert datelines(filled, dateline="ile longue") == ["ÎLE LONGUE"]
    assert datelines(filled, dateline="  Bogota ") == ["BOGOTÁ"]
    assert datelines(filled, dateline="londen") == ["LONDEN"]


def test_place_finds_any_place_of_a_multi_place_dateline(filled):
    assert datelines(filled, places=("londen",)) == ["IZJOEM/LONDEN", "LONDEN"]
    assert datelines(filled, places=("izjoem", "Londen")) == ["IZJOEM/LONDEN"]
    assert datelines(filled, places=("nergensdorp",)) == []


def test_agency_finds_partner_agencies_and_repeated_agencies_must_all_match(filled):
    assert datelines(filled, agencies=("AFP",)) == ["TEHERAN", "LONDEN", "Teheran"]
    assert datelines(filled, agencies=("afp", "rtr")) == ["LONDEN"]
    assert datelines(filled, agencies=("BELGA",)) == []


def test_section_ignores_case_and_kind_separates_articles(filled):
    assert datelines(filled, section="walcheren") == ["DOMBURG"]
    assert datelines(filled, kind="article") == ["QUITO"]
    assert "QUITO" not in datelines(filled, kind="teaser")


def test_since_and_until_select_windows_that_overlap(filled):
    # LONDEN's window is [T0-7h, T0-6h]; a bound inside it keeps it, one beyond it drops it.
    assert "LONDEN" in datelines(filled, since=T0 - hours(6.5))
    assert "LONDEN" not in datelines(filled, since=T0 - hours(5.9))
    assert "LONDEN" in datelines(filled, until=T0 - hours(6.5))
    assert "LONDEN" not in datelines(filled, until=T0 - hours(7.1))
    assert datelines(filled, since=T0 - hours(6.5), until=T0 - hours(4.5)) == [
        "IZJOEM/LONDEN", "LONDEN"]


def test_time_bounds_never_match_an_unknown_window(filled):
    assert "QUITO" not in datelines(filled, since=T0 - hours(1000))
    assert "QUITO" not in datelines(filled, until=T0 + hours(1000))


def test_by_seen_filters_and_orders_on_first_sight(filled):
    assert datelines(filled, by="seen", since=T0 + hours(0.5)) == ["QUITO"]
    assert datelines(filled, by="seen", until=T0)[0] != "QUITO"
    assert datelines(filled, by="seen")[0] == "QUITO"


def test_search_matches_words_with_diacritics_folded(filled):
    assert datelines(filled, search="drones") == ["LONDEN"]
    assert datelines(filled, search="bogota") == ["BOGOTÁ"]
    assert datelines(filled, search="onderzeeboten werf") == ["ÎLE LONGUE"]
    assert datelines(filled, search="tulpenbollen") == []


def test_search_ranked_by_relevance_returns_only_matches(filled):
    ranked = datelines(filled, search="de", order="relevance")
    assert sorted(ranked) == sorted(datelines(filled, search="de"))
    assert "IZJOEM/LONDEN" not in ranked


def test_relevance_needs_a_search_and_limit_must_be_positive():
    with pytest.raises(QueryError):
        ItemFilter(order="relevance")
    with pytest.raises(QueryError):
        ItemFilter(limit=0)


def test_bad_full_text_syntax_is_a_query_error(filled):
    if filled.dialect != "sqlite":
        pytest.skip("PostgreSQL's websearch syntax accepts any text")
    with pytest.raises(QueryError, match="cannot search"):
        search_items(filled, ItemFilter(search='drones AND ("', search_syntax="fts"))


def test_filters_combine(filled):
    assert datelines(filled, dateline="teheran", agencies=("afp",), since=T0 - hours(3)) == [
        "TEHERAN"]
    assert datelines(filled, places=("londen",), agencies=("AFP",), search="drones") == ["LONDEN"]
    assert datelines(filled, section="buitenland", kind="teaser", until=T0 - hours(20),
                     agencies=("ANP",)) == ["BOGOTÁ", "Teheran"]


def test_pages_of_limit_and_offset_add_up_to_the_whole_order(filled):
    whole = datelines(filled)
    pages = [datelines(filled, limit=3, offset=offset) for offset in (0, 3, 6, 9)]
    assert [d for page in pages for d in page] == whole
    assert pages[-1] == []
    assert len(datelines(filled, limit=10**9)) == len(whole)


def test_rows_carry_the_parse_names_lists_and_sighting_counts(filled):
    [row] = search_items(filled, ItemFilter(dateline="londen"))
    data = row.to_dict()
    assert data["places"] == ["LONDEN"] and data["agencies"] == ["ANP", "AFP", "RTR"]
    assert data["published_earliest"] == (T0 - hours(7)).isoformat()
    assert data["published_latest"] == (T0 - hours(6)).isoformat()
    assert (data["kind"], data["section"], data["sightings"]) == ("teaser", "Buitenland", 1)
    assert data["window_source"] == "relative_age"
    [lead] = search_items(filled, ItemFilter(kind="article"))
    assert lead.published_earliest is None and lead.url == "https://wire.example/quito"


@pytest.mark.parametrize("cutoff", [1, 10**9])
def test_collecting_and_walking_strategies_give_the_same_rows(filled, monkeypatch, cutoff):
    """Small id sets are collected and sorted, large ones tested while walking the time index;
    whichever is chosen, the answer is the same."""
    expected = {
        "agency": datelines(filled, agencies=("ANP",)),
        "place": datelines(filled, places=("londen",), order="oldest"),
        "search": datelines(filled, search="de", limit=3, offset=1),
    }
    monkeypatch.setattr(search_module, "LINK_SET_CUTOFF", cutoff)
    monkeypatch.setattr(search_module, "SEARCH_SET_CUTOFF", cutoff)
    assert datelines(filled, agencies=("ANP",)) == expected["agency"]
    assert datelines(filled, places=("londen",), order="oldest") == expected["place"]
    assert datelines(filled, search="de", limit=3, offset=1) == expected["search"]


def test_a_sighting_later_is_counted_and_search_sees_a_changed_title(archive):
    first = teaser("GOES", "De brug gaat dicht voor onderhoud.", title="Brug dicht",
                   window=(T0 - hours(2), T0 - hours(1)))
    archive.ingest(listing(T0, first), b"one")
    renamed = teaser("GOES", "De brug gaat dicht voor onderhoud.", title="Brug langer dicht",
                     window=(T0 - hours(1), T0))
    archive.ingest(listing(T0 + hours(1), renamed), b"two")
    [row] = search_items(archive, ItemFilter(search="langer"))
    assert row.title == "Brug langer dicht" and row.sightings == 2
    assert search_items(archive, ItemFilter(dateline="goes", since=T0 + timedelta(minutes=1))) == []
    assert isinstance(row.first_seen_at, datetime)


def test_order_puts_first_what_is_certainly_newest_or_oldest(archive):
    """A wide window (an item only seen as `2 dagen geleden`) and a narrow one inside it: the
    narrow one is certainly newer than the wide one's start and certainly older than its end."""
    wide = teaser("GOES", "Het veer vaart weer volgens de dienstregeling.",
                  window=(T0 - hours(48), T0 - hours(1)))
    narrow = teaser("TERNEUZEN", "De sluis is weer open voor de scheepvaart.",
                    window=(T0 - hours(3), T0 - hours(2)))
    archive.ingest(listing(T0, wide, narrow), b"two windows")
    assert datelines(archive) == ["TERNEUZEN", "GOES"]
    assert datelines(archive, order="oldest") == ["TERNEUZEN", "GOES"]
    assert datelines(archive, since=T0 - hours(1.5)) == ["GOES"]
    assert datelines(archive, until=T0 - hours(47)) == ["GOES"]
