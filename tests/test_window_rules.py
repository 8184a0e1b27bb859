"""The archive's window rules, by value, from real documents through the one ingest path.

Every expected window here is written out by hand from the rule it pins (no production
window or intersection code computes an expected value):

- an age `N <unit> geleden` fetched at t: [t - (N+1) unit, t - N unit], a week 7 days, a
  month 30 days, a year 365 days (not calendar months or years);
- a page's own date: that second, that minute, or its Europe/Amsterdam day;
- an article without a date takes its teaser's window, and narrows as the teaser does;
- the archive keeps whole seconds: a window is widened outward (earliest down, latest up),
  never inward;
- two sightings in one second: the one fetched later is the newer content and wins, in one
  batch or stored in either order (the archive keeps a page's fetch to the microsecond).
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select, text

from newsarchive.items import RawDocument
from newsarchive.pipeline import ingest_documents
from newsarchive.store.archive import Archive
from newsarchive.store.ingest import ITEMS, PAGES, SIGHTINGS

URL = "https://wire.example/nieuws/teheran"
BODY = "De leider van de veiligheidsraad is omgekomen bij een aanval op de hoofdstad."


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


def listing(age: str, body: str = BODY, title: str | None = None) -> str:
    """A listing text dump (layout A, or B with a title) whose one teaser shows `age`."""
    heading = f"{title}\n" if title else ""
    return (
        "Buitenland\n"
        f"{heading}TEHERAN (ANP) - {body}\n{age}\n"
        f"{'Brand in haven' + chr(10) if title else ''}ROTTERDAM (ANP) - In de haven woedt een grote brand.\n1 uur geleden\n"
    )


def article_text(body: str = BODY) -> str:
    """An article text dump whose lead's first paragraph is the teaser's body (no date)."""
    return (
        "Leider veiligheidsraad gedood\n"
        f"TEHERAN (ANP) - {body}\nEen tweede alinea van het artikel.\n"
        "Meer uit Buitenland\nROTTERDAM (ANP) - In de haven woedt een grote brand.\n1 uur geleden\n"
    )


def article_html(published: str) -> str:
    return (
        "<html><head><title>Kabinet wil snellere vergunningen</title>"
        f'<meta property="article:published_time" content="{published}"></head><body>'
        "<h1>Kabinet wil snellere vergunningen</h1>"
        "<p>DEN HAAG (ANP) - Het kabinet wil dat vergunningen sneller worden afgehandeld.</p>"
        "<p>Gemeenten krijgen daarvoor extra geld.</p></body></html>"
    )


def ingest(archive: Archive, page: str, fetched_at: datetime, url: str | None = None) -> None:
    [done] = ingest_documents(archive, [RawDocument(page.encode(), fetched_at, url)])
    assert done.result is not None and done.result.stored, done.page.warnings


def item(archive: Archive, kind: str, body_start: str) -> tuple:
    """(earliest, latest, window_source, window_conflicts, title, body) of the one item."""
    query = select(
        ITEMS.c.published_earliest, ITEMS.c.published_latest, ITEMS.c.window_source,
        ITEMS.c.window_conflicts, ITEMS.c.title, ITEMS.c.body,
    ).where(ITEMS.c.kind == kind, ITEMS.c.body.startswith(body_start))
    with archive.engine.connect() as connection:
        [row] = connection.execute(query).all()
    return tuple(row)


def sightings(archive: Archive, body_start: str) -> list[tuple]:
    """(fetched_at, earliest, latest) of the item's sightings, in fetch order."""
    query = (
        select(PAGES.c.fetched_at, SIGHTINGS.c.window_earliest, SIGHTINGS.c.window_latest)
        .join(PAGES, PAGES.c.id == SIGHTINGS.c.page_id)
        .join(ITEMS, ITEMS.c.id == SIGHTINGS.c.item_id)
        .where(ITEMS.c.body.startswith(body_start))
        .order_by(PAGES.c.fetched_at)
    )
    with archive.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query)]


# --- an article's window from its own date ------------------------------------------------


@pytest.mark.parametrize(
    ("published", "earliest", "latest"),
    [
        # a second, given in local time: that second in UTC
        ("2026-03-17T10:15:42+01:00", utc(2026, 3, 17, 9, 15, 42), utc(2026, 3, 17, 9, 15, 42)),
        # a fraction of a second: widened outward to the whole second it falls in
        ("2026-03-17T10:15:42.250+01:00", utc(2026, 3, 17, 9, 15, 42), utc(2026, 3, 17, 9, 15, 43)),
        # a minute: that whole minute
        ("2026-03-17T10:15+01:00", utc(2026, 3, 17, 9, 15), utc(2026, 3, 17, 9, 16)),
        # a date alone: the Amsterdam calendar day, its first to its last second (winter: UTC+1)
        ("2026-03-17", utc(2026, 3, 16, 23), utc(2026, 3, 17, 22, 59, 59)),
        # summer time: UTC+2
        ("2026-07-01", utc(2026, 6, 30, 22), utc(2026, 7, 1, 21, 59, 59)),
    ],
    ids=["second", "fraction", "minute", "winter_day", "summer_day"],
)
def test_article_window_is_its_pages_own_date(archive, published, earliest, latest):
    ingest(archive, article_html(published), utc(2026, 7, 2, 12), url="https://wire.example/kabinet")
    assert item(archive, "article", "Het kabinet")[:4] == (earliest, latest, "metadata", 0)


# --- an article's window from its teaser ---------------------------------------------------


def test_article_without_a_date_takes_its_teasers_window_and_narrows_with_it(archive):
    ingest(archive, listing("3 uur geleden"), utc(2026, 3, 17, 12))
    ingest(archive, article_text(), utc(2026, 3, 17, 12, 10), url=URL)
    # 3 uur geleden at 12:00: [08:00, 09:00]
    expected = (utc(2026, 3, 17, 8), utc(2026, 3, 17, 9), "teaser", 0)
    assert item(archive, "article", BODY)[:4] == expected

    # the teaser seen again at 12:30, still `3 uur geleden`: [08:30, 09:30], so [08:30, 09:00]
    ingest(archive, listing("3 uur geleden"), utc(2026, 3, 17, 12, 30))
    assert item(archive, "teaser", BODY)[:4] == (utc(2026, 3, 17, 8, 30), utc(2026, 3, 17, 9), "relative_age", 0)
    assert item(archive, "article", BODY)[:4] == (utc(2026, 3, 17, 8, 30), utc(2026, 3, 17, 9), "teaser", 0)


def test_article_after_its_stored_teaser_is_written_with_its_window_not_updated(archive):
    if archive.engine.dialect.name != "sqlite":
        pytest.skip("counts updates with a SQLite trigger")
    ingest(archive, listing("3 uur geleden"), utc(2026, 3, 17, 12))
    with archive.engine.begin() as connection:
        connection.execute(text("CREATE TABLE window_updates (item_id INTEGER)"))
        connection.execute(text(
            "CREATE TRIGGER count_window_updates AFTER UPDATE OF window_source ON items "
            "BEGIN INSERT INTO window_updates VALUES (NEW.id); END"))
    ingest(archive, article_text(), utc(2026, 3, 17, 12, 10), url=URL)
    assert item(archive, "article", BODY)[:4] == (utc(2026, 3, 17, 8), utc(2026, 3, 17, 9), "teaser", 0)
    with archive.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM window_updates")).scalar() == 0


def test_article_stored_first_takes_the_window_of_a_teaser_seen_later(archive):
    ingest(archive, article_text(), utc(2026, 3, 17, 11), url=URL)
    assert item(archive, "article", BODY)[:3] == (None, None, "none")
    ingest(archive, listing("45 minuten geleden"), utc(2026, 3, 17, 12))
    # 45 minuten geleden at 12:00: [11:14, 11:15]
    assert item(archive, "article", BODY)[:4] == (utc(2026, 3, 17, 11, 14), utc(2026, 3, 17, 11, 15), "teaser", 0)


def test_article_date_wins_over_its_teasers_window(archive):
    ingest(archive, listing("3 uur geleden"), utc(2026, 3, 17, 12))
    page = article_html("2026-03-17T09:40:00+01:00").replace(
        "DEN HAAG (ANP) - Het kabinet wil dat vergunningen sneller worden afgehandeld.", f"TEHERAN (ANP) - {BODY}"
    )
    ingest(archive, page, utc(2026, 3, 17, 12, 10), url=URL)
    assert item(archive, "article", BODY)[:4] == (utc(2026, 3, 17, 8, 40), utc(2026, 3, 17, 8, 40), "metadata", 0)


# --- whole seconds, outward -------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "fetched_at", "earliest", "latest"),
    [
        # [08:00:00.700, 09:00:00.700] widened to [08:00:00, 09:00:01]
        ("3 uur geleden", utc(2026, 3, 17, 12, 0, 0, 700_000),
         utc(2026, 3, 17, 8, 0, 0), utc(2026, 3, 17, 9, 0, 1)),
        # [11:59:00.001, 12:00:00.001] widened to [11:59:00, 12:00:01]
        ("zojuist", utc(2026, 3, 17, 12, 0, 0, 1_000),
         utc(2026, 3, 17, 11, 59, 0), utc(2026, 3, 17, 12, 0, 1)),
        # [11:58:59.999, 11:59:59.999] widened to [11:58:59, 12:00:00]
        ("1 minuut geleden", utc(2026, 3, 17, 12, 0, 59, 999_999),
         utc(2026, 3, 17, 11, 58, 59), utc(2026, 3, 17, 12, 0, 0)),
        # on a whole second nothing moves
        ("1 minuut geleden", utc(2026, 3, 17, 12, 0, 0), utc(2026, 3, 17, 11, 58), utc(2026, 3, 17, 11, 59)),
    ],
    ids=["700ms", "1ms", "999999us", "whole_second"],
)
def test_sub_second_fetch_widens_the_window_outward_to_whole_seconds(archive, age, fetched_at, earliest, latest):
    ingest(archive, listing(age), fetched_at)
    assert item(archive, "teaser", BODY)[:2] == (earliest, latest)
    # the page keeps its fetch moment in full, its sighting the widened window
    assert sightings(archive, BODY) == [(fetched_at, earliest, latest)]


def test_sub_second_sightings_intersect_on_their_widened_windows(archive):
    # 12:00:00.700 `zojuist`: [11:59:00, 12:00:01]; 12:00:59.300 `1 minuut geleden`:
    # [11:58:59.300, 11:59:59.300] -> [11:58:59, 12:00:00]; together [11:59:00, 12:00:00]
    ingest(archive, listing("zojuist"), utc(2026, 3, 17, 12, 0, 0, 700_000))
    ingest(archive, listing("1 minuut geleden"), utc(2026, 3, 17, 12, 0, 59, 300_000))
    assert item(archive, "teaser", BODY)[:4] == (utc(2026, 3, 17, 11, 59), utc(2026, 3, 17, 12), "relative_age", 0)



def test_a_headline_minute_cut_short_by_a_sub_second_fetch_widens_outward(archive):
    # `12:00` in Amsterdam (UTC+1) on a page fetched at 11:00:30.250 UTC: [11:00:00, 11:00:30.250],
    # widened to [11:00:00, 11:00:31]; the teaser's `zojuist` [10:59:30, 11:00:31] holds it
    page = ("Buitenland\nNet binnen\n- Buitenland 12:00 Leider veiligheidsraad gedood\n"
            "- Sport 9:31 Beachduo begint WK met winst\n" + listing("zojuist", title="Leider veiligheidsraad gedood")
            .removeprefix("Buitenland\n"))
    ingest(archive, page, utc(2026, 3, 17, 11, 0, 30, 250_000))
    assert item(archive, "teaser", BODY)[:4] == (utc(2026, 3, 17, 11), utc(2026, 3, 17, 11, 0, 31), "headline", 0)

def test_a_teaser_keeps_the_headline_of_an_archived_article_when_another_article_joins_it(archive):
    # Two articles (two URLs) open with the teaser's text: the teaser takes the headlines of
    # both titles, also when the batch holds only the other article. `12:00` in Amsterdam on a
    # listing fetched at 11:00:30 UTC: [11:00:00, 11:00:30] (the minute up to the fetch); the
    # teaser's `zojuist`, [10:59:30, 11:00:30], holds it.
    page = ("Buitenland\nNet binnen\n- Buitenland 12:00 Kabinet valt over stikstof\n"
            + listing("zojuist").removeprefix("Buitenland\n"))
    ingest(archive, page, utc(2026, 3, 17, 11, 0, 30))
    assert item(archive, "teaser", BODY)[:3] == (utc(2026, 3, 17, 10, 59, 30), utc(2026, 3, 17, 11, 0, 30), "relative_age")
    minute = (utc(2026, 3, 17, 11), utc(2026, 3, 17, 11, 0, 30))
    ingest(archive, titled_article("Kabinet valt over stikstof"), utc(2026, 3, 17, 11, 5), url=URL)
    assert item(archive, "teaser", BODY)[:4] == (*minute, "headline", 0)
    ingest(archive, titled_article("Een heel ander bericht"), utc(2026, 3, 17, 11, 10), url=URL + "-2")
    assert item(archive, "teaser", BODY)[:4] == (*minute, "headline", 0)
    assert article_titled(archive, "Een heel ander bericht") == (*minute, "teaser")
    assert article_titled(archive, "Kabinet valt over stikstof") == (*minute, "headline")


def titled_article(title: str) -> str:
    return article_text().replace("Leider veiligheidsraad gedood", title, 1)


def article_titled(archive: Archive, title: str) -> tuple:
    """(earliest, latest, window_source) of the one article with this title."""
    query = select(ITEMS.c.published_earliest, ITEMS.c.published_latest, ITEMS.c.window_source).where(
        ITEMS.c.kind == "article", ITEMS.c.title == title)
    with archive.engine.connect() as connection:
        [row] = connection.execute(query).all()
    return tuple(row)


# --- two sightings in one second --------------------------------------------------------


SAME_SECOND_OLD = (listing("zojuist", title="Leider gedood"), utc(2026, 3, 17, 12, 0, 0, 200_000))
SAME_SECOND_NEW = (listing("zojuist", title="Leider veiligheidsraad gedood"), utc(2026, 3, 17, 12, 0, 0, 700_000))


@pytest.mark.parametrize(
    ("order", "one_batch"),
    [
        ((SAME_SECOND_OLD, SAME_SECOND_NEW), False),
        ((SAME_SECOND_OLD, SAME_SECOND_NEW), True),
        ((SAME_SECOND_NEW, SAME_SECOND_OLD), True),
        ((SAME_SECOND_NEW, SAME_SECOND_OLD), False),
    ],
    ids=["in_order", "in_order_one_batch", "newer_first_one_batch", "newer_first"],
)
def test_in_one_second_the_later_fetch_is_the_newer_content(archive, order, one_batch):
    documents = [RawDocument(page.encode(), fetched_at) for page, fetched_at in order]
    for batch in [documents] if one_batch else [[d] for d in documents]:
        assert all(done.result.stored for done in ingest_documents(archive, batch))
    earliest, latest, source, conflicts, title, _ = item(archive, "teaser", BODY)
    assert title == "Leider veiligheidsraad gedood"
    # both `zojuist` within one second: [11:59:00, 12:00:01] twice
    assert (earliest, latest, source, conflicts) == (utc(2026, 3, 17, 11, 59), utc(2026, 3, 17, 12, 0, 1), "relative_age", 0)
    with archive.engine.connect() as connection:
        revisions = connection.execute(text("SELECT field, old_value, new_value FROM item_revisions")).all()
    assert [tuple(r) for r in revisions] == [("title", "Leider gedood", "Leider veiligheidsraad gedood")]


FETCHES_IN_ONE_SECOND = [  # out of order, the earliest last
    utc(2026, 3, 17, 12, 0, 0, 999_999), utc(2026, 3, 17, 12, 0, 0, 500_000), utc(2026, 3, 17, 12, 0, 1),
    utc(2026, 3, 17, 12, 0, 0), utc(2026, 3, 17, 12, 0, 0, 1),
]


def test_a_pages_fetch_moment_survives_the_archive_to_the_microsecond(archive):
    for n, fetched_at in enumerate(FETCHES_IN_ONE_SECOND):
        ingest(archive, listing("zojuist", body=f"Bericht nummer {n} over de brand."), fetched_at)
    with archive.engine.connect() as connection:
        stored = connection.execute(select(PAGES.c.fetched_at).order_by(PAGES.c.id)).scalars().all()
        in_order = connection.execute(select(PAGES.c.fetched_at).order_by(PAGES.c.fetched_at)).scalars().all()
        raw = connection.execute(text("SELECT fetched_at FROM pages ORDER BY id")).scalars().all()
    assert stored == FETCHES_IN_ONE_SECOND
    assert in_order == sorted(FETCHES_IN_ONE_SECOND)
    if archive.engine.dialect.name == "sqlite":  # one width, so that text order is time order
        assert raw == ["2026-03-17T12:00:00.999999Z", "2026-03-17T12:00:00.500000Z", "2026-03-17T12:00:01.000000Z",
                       "2026-03-17T12:00:00.000000Z", "2026-03-17T12:00:00.000001Z"]


def test_the_migration_keeps_an_older_archives_fetch_times_readable_as_dates(archive_url):
    from alembic import command

    from newsarchive.store.archive import open_archive
    from newsarchive.store.migrate import alembic_config, upgrade

    stored_text = text("SELECT CAST(fetched_at AS TEXT) FROM pages" if archive_url.endswith(".db") else
                       "SELECT CAST(fetched_at AT TIME ZONE 'UTC' AS TEXT) FROM pages")
    with open_archive(archive_url) as archive:
        ingest(archive, SAME_SECOND_OLD[0], utc(2026, 3, 17, 12, 0, 0, 400_000))
        with archive.engine.begin() as connection:  # what an older newsarchive kept: the second
            command.downgrade(alembic_config(connection), "0013_report")
            before = connection.execute(stored_text).scalar_one()
        with archive.engine.begin() as connection:
            upgrade(connection)
            after = connection.execute(stored_text).scalar_one()
            if archive.engine.dialect.name == "sqlite":  # sqlite3's (and so Datasette's) date functions
                read = connection.execute(text("SELECT datetime(fetched_at), julianday(fetched_at) "
                                               "- julianday('2026-03-17 12:00:00') FROM pages")).one()
                assert tuple(read) == ("2026-03-17 12:00:00", 0.0)
        if archive.engine.dialect.name == "sqlite":
            assert (before, after) == ("2026-03-17T12:00:00Z", "2026-03-17T12:00:00.000000Z")
        else:
            assert (before, after) == ("2026-03-17 12:00:00", "2026-03-17 12:00:00")
        # a page later in that second is the newer content
        ingest(archive, SAME_SECOND_NEW[0], utc(2026, 3, 17, 12, 0, 0, 1))
        assert item(archive, "teaser", BODY)[4] == "Leider veiligheidsraad gedood"
        assert [row[0] for row in sightings(archive, BODY)] == [utc(2026, 3, 17, 12), utc(2026, 3, 17, 12, 0, 0, 1)]


# --- long ages: weeks, months, years -----------------------------------------------------


@pytest.mark.parametrize(
    ("age", "earliest", "latest"),
    [
        # a week is 7 days: 12:00 on 17 March less 14 and 7 days
        ("één week geleden", utc(2026, 3, 3, 12), utc(2026, 3, 10, 12)),
        ("5 weken geleden", utc(2026, 2, 3, 12), utc(2026, 2, 10, 12)),
        # a month is 30 days, not a calendar month: less 60 and 30 days
        ("1 maand geleden", utc(2026, 1, 16, 12), utc(2026, 2, 15, 12)),
        ("3 maanden geleden", utc(2025, 11, 17, 12), utc(2025, 12, 17, 12)),
        # a year is 365 days: less 730 and 365 (no leap day in between)
        ("1 jaar geleden", utc(2024, 3, 17, 12), utc(2025, 3, 17, 12)),
        # less 1,095 days reaches back over 29 February 2024: the 18th, not the 17th
        ("2 jaren geleden", utc(2023, 3, 18, 12), utc(2024, 3, 17, 12)),
    ],
)
def test_ages_in_weeks_months_and_years(archive, age, earliest, latest):
    ingest(archive, listing(age), utc(2026, 3, 17, 12))
    assert item(archive, "teaser", BODY)[:4] == (earliest, latest, "relative_age", 0)
