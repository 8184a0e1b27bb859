"""A fetch moment to the microsecond, end to end: crawled, ingested from a file, imported from a
WARC, the moment the page was fetched is stored as it was (pages and crawl_responses), so
two fetches of one URL in one second keep their order and the later one is the newer content,
in whichever order they reach the archive. WARC export writes WARC-Date with the fraction
(WARC/1.1) and import reads it. Archives whose responses were kept to the second migrate
(0015) and read as before.
"""

from __future__ import annotations

import io
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from reparse_corpus import documents, snapshot
from sqlalchemy import select, text

from newsarchive.fetch.clock import ManualClock
from newsarchive.fetch.crawl import fetch
from newsarchive.fetch.http import HttpPolicy
from newsarchive.fetch.settings import CrawlSettings
from newsarchive.pipeline import ingest_files
from newsarchive.reparse import Selection, reparse
from newsarchive.store.models import ITEMS, PAGES, SIGHTINGS
from newsarchive.store.responses import RESPONSES
from newsarchive.warc import export_warc

SETTINGS = CrawlSettings(policy=HttpPolicy(delay=0.0, connect_timeout=2, timeout=2, retries=0))
EARLIER = datetime(2026, 3, 17, 12, 0, 0, 200_000, tzinfo=timezone.utc)
LATER = datetime(2026, 3, 17, 12, 0, 0, 700_000, tzinfo=timezone.utc)
OLD_TITLE, NEW_TITLE = "Dijkversterking uitgesteld", "Dijkversterking uitgesteld tot na de zomer"


def article_titles(archive) -> list[str]:
    with archive.engine.connect() as connection:
        return connection.execute(text("SELECT title FROM items WHERE kind = 'article'")).scalars().all()


def title_revisions(archive) -> list[tuple[str, str]]:
    with archive.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(
            "SELECT old_value, new_value FROM item_revisions WHERE field = 'title'"))]


def moments(archive, column) -> list[datetime]:
    with archive.engine.connect() as connection:
        return sorted(connection.execute(select(column)).scalars())


# --- crawled ----------------------------------------------------------------------------------


def test_two_crawled_fetches_in_one_second_the_later_ones_content_wins(archive, fixture_site):
    """The site revises an article's headline between two fetches 0.5 s apart: the item has
    the later fetch's headline, the revision goes from old to new, each fetch keeps its moment
    (from the injected clock), and a reparse of the raw material in fetch order agrees."""
    article = fixture_site.articles[3]
    url = fixture_site.url(article.path)
    for moment, title in [(EARLIER, OLD_TITLE), (LATER, NEW_TITLE)]:
        fixture_site.titles[article.number] = title
        summary = fetch(archive, [url], SETTINGS, clock=ManualClock(moment))
        assert (summary.fetched, summary.failed) == (1, 0)
    assert article_titles(archive) == [NEW_TITLE]
    assert title_revisions(archive) == [(OLD_TITLE, NEW_TITLE)]
    assert moments(archive, PAGES.c.fetched_at) == [EARLIER, LATER]
    assert moments(archive, RESPONSES.c.fetched_at) == [EARLIER, LATER]
    before = snapshot(archive)
    reparse(archive, Selection(everything=True))
    assert snapshot(archive) == before


@pytest.mark.parametrize("crawled_at, imported_at", [(LATER, EARLIER), (EARLIER, LATER)],
                         ids=["older_fetch_arrives_late", "newer_fetch_arrives_late"])
def test_a_crawled_fetch_and_another_crawlers_fetch_of_the_same_second(
        archive, fixture_site, tmp_path, crawled_at, imported_at):
    """Our crawl fetched the article; a WARC of another crawler's fetch of it in the same
    second, imported afterwards, brings the other headline. Whichever arrives last, the
    content of the later fetch wins (to the second, the late one would always win)."""
    article = fixture_site.articles[3]
    url = fixture_site.url(article.path)
    titles = {crawled_at: NEW_TITLE if crawled_at == LATER else OLD_TITLE}
    titles[imported_at] = OLD_TITLE if crawled_at == LATER else NEW_TITLE
    fixture_site.titles[article.number] = titles[crawled_at]
    fetch(archive, [url], SETTINGS, clock=ManualClock(crawled_at))
    path = tmp_path / "ander.warc.gz"
    path.write_bytes(warc_of([(imported_at.isoformat().replace("+00:00", "Z"), url,
                               article_html(fixture_site, titles[imported_at]))]))
    assert ingest_files(archive, [path]).stored == 1
    assert article_titles(archive) == [NEW_TITLE]
    assert title_revisions(archive) == [(OLD_TITLE, NEW_TITLE)]
    assert moments(archive, PAGES.c.fetched_at) == [EARLIER, LATER]


def test_the_crawls_clock_moments_reach_the_archive_to_the_microsecond(archive, fixture_site):
    url = fixture_site.url(fixture_site.articles[0].path)
    moment = datetime(2026, 3, 17, 12, 0, 0, 1, tzinfo=timezone.utc)  # one microsecond past
    fetch(archive, [url], SETTINGS, clock=ManualClock(moment))
    assert moments(archive, PAGES.c.fetched_at) == moments(archive, RESPONSES.c.fetched_at) == [moment]
    if archive.engine.dialect.name == "sqlite":  # one width: text order is time order
        with archive.engine.connect() as connection:
            assert connection.execute(text("SELECT fetched_at FROM crawl_responses")).scalars().all() == [
                "2026-03-17T12:00:00.000001Z"]


def test_a_crawled_sub_second_fetch_widens_its_windows_outward_to_whole_seconds(archive, fixture_site):
    """The listing's newest teaser says `zojuist` to a crawl fetching at 12:00:00.700: the
    minute before the fetch, [11:59:00.700, 12:00:00.700], kept as [11:59:00, 12:00:01] on
    the sighting and the item (never narrower); the page keeps the fetch moment in full."""
    from fixture_site import LISTING

    fixture_site.now = fixture_site.articles[0].published + timedelta(seconds=30)
    fetch(archive, [fixture_site.url(LISTING)], SETTINGS, clock=ManualClock(LATER))
    widened = (datetime(2026, 3, 17, 11, 59, tzinfo=timezone.utc), datetime(2026, 3, 17, 12, 0, 1, tzinfo=timezone.utc))
    with archive.engine.connect() as connection:
        rows = connection.execute(
            select(SIGHTINGS.c.window_earliest, SIGHTINGS.c.window_latest, ITEMS.c.published_earliest,
                   ITEMS.c.published_latest, PAGES.c.fetched_at)
            .join(ITEMS, ITEMS.c.id == SIGHTINGS.c.item_id).join(PAGES, PAGES.c.id == SIGHTINGS.c.page_id)
            .where(SIGHTINGS.c.age_text == "zojuist")).all()
    assert [tuple(row) for row in rows] == [(*widened, *widened, LATER)]


# --- ingested from a file -----------------------------------------------------------------------


def test_a_files_modification_time_is_its_fetch_moment_to_the_microsecond(archive, tmp_path):
    page = tmp_path / "pagina.html"
    page.write_bytes(documents(1)[0].data)
    nanoseconds = int(datetime(2026, 3, 17, 12, 0, tzinfo=timezone.utc).timestamp()) * 10**9 + 123_456_789
    os.utime(page, ns=(nanoseconds, nanoseconds))
    assert ingest_files(archive, [page]).stored == 1
    # floored to the microsecond (the 789 nanoseconds dropped), not to the second
    assert moments(archive, PAGES.c.fetched_at) == [datetime(2026, 3, 17, 12, 0, 0, 123_456, tzinfo=timezone.utc)]


# --- WARC ---------------------------------------------------------------------------------------


def warc_of(responses: list[tuple[str, str, bytes]]) -> bytes:
    """A WARC/1.1 file as another tool writes it: (WARC-Date as written, URI, HTML) each."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True, warc_version="1.1")
    for date, uri, body in responses:
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                           ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            uri, "response", payload=io.BytesIO(body), length=len(body), http_headers=http,
            warc_headers_dict={"WARC-Date": date}))
    return out.getvalue()


def article_html(fixture_site, title: str) -> bytes:
    from fixture_site import render_article

    return render_article(fixture_site, fixture_site.articles[3], title=title).encode("utf-8")


def test_a_warc_with_fractional_dates_imports_in_fetch_order(archive, fixture_site, tmp_path):
    """The newer content first in the file (WARC files need not be in date order), its
    WARC-Date with one fraction digit, the older one's with nine (nanoseconds, to the
    microsecond): the item has the later fetch's headline; export writes the dates back."""
    uri = "https://nieuws.example/nieuws/bericht-3"
    path = tmp_path / "ander.warc.gz"
    path.write_bytes(warc_of([
        ("2026-03-17T12:00:00.7Z", uri, article_html(fixture_site, NEW_TITLE)),
        ("2026-03-17T12:00:00.200000999Z", uri, article_html(fixture_site, OLD_TITLE)),
    ]))
    assert ingest_files(archive, [path]).stored == 2
    assert moments(archive, PAGES.c.fetched_at) == moments(archive, RESPONSES.c.fetched_at) == [EARLIER, LATER]
    assert article_titles(archive) == [NEW_TITLE]
    assert title_revisions(archive) == [(OLD_TITLE, NEW_TITLE)]

    exported = tmp_path / "uit.warc.gz"
    with open(exported, "wb") as out:
        export_warc(archive, out, exported.name)
    assert dates(exported, "response") == ["2026-03-17T12:00:00.200000Z", "2026-03-17T12:00:00.700000Z"]


def dates(path: Path, kind: str) -> list[str]:
    from warcio.archiveiterator import ArchiveIterator

    with open(path, "rb") as stream:
        return [record.rec_headers.get_header("WARC-Date") for record in ArchiveIterator(stream)
                if record.rec_type == kind]


def test_whole_second_fetches_are_exported_without_a_fraction(archive, fixture_site, tmp_path):
    """As WARC/1.0 readers expect, and as before: a whole second is written without `.000000`."""
    url = fixture_site.url(fixture_site.articles[0].path)
    fetch(archive, [url], SETTINGS, clock=ManualClock(datetime(2026, 3, 17, 12, 0, tzinfo=timezone.utc)))
    exported = tmp_path / "uit.warc.gz"
    with open(exported, "wb") as out:
        export_warc(archive, out, exported.name)
    assert dates(exported, "response") == dates(exported, "request") == ["2026-03-17T12:00:00Z"]


# --- old archives -------------------------------------------------------------------------------


def test_responses_kept_to_the_second_migrate_and_read_as_before(archive_url):
    """An archive at 0014 (crawl_responses to the second) upgraded: every moment reads the
    same, on SQLite written with six fraction digits (text order stays time order beside new
    precise rows); downgrading writes them to the second again."""
    from alembic import command

    from newsarchive.store.db import make_engine
    from newsarchive.store.migrate import alembic_config, upgrade

    engine = make_engine(archive_url)
    sqlite = engine.dialect.name == "sqlite"
    whole = [datetime(2026, 3, 17, 12, 0, tzinfo=timezone.utc) + timedelta(seconds=n) for n in (0, 1, 59)]
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0014_fetch_precision")
        for n, moment in enumerate(whole):
            connection.execute(text(
                "INSERT INTO crawl_responses (url, final_url, status, headers, fetched_at) "
                "VALUES (:u, :u, 304, '{}', :t)"),
                {"u": f"http://a.example/{n}", "t": moment.strftime("%Y-%m-%dT%H:%M:%SZ") if sqlite else moment})
    with engine.begin() as connection:
        upgrade(connection)
        connection.execute(RESPONSES.insert().values(
            url="http://a.example/new", final_url="http://a.example/new", status=304, headers="{}",
            fetched_at=whole[0] + timedelta(microseconds=500_000)))
    with engine.connect() as connection:
        read = connection.execute(select(RESPONSES.c.fetched_at).order_by(RESPONSES.c.id)).scalars().all()
        in_order = connection.execute(select(RESPONSES.c.url).order_by(RESPONSES.c.fetched_at)).scalars().all()
        stored = connection.execute(text("SELECT fetched_at FROM crawl_responses ORDER BY id")).scalars().all()
    assert read == [*whole, whole[0] + timedelta(microseconds=500_000)]
    assert in_order == ["http://a.example/0", "http://a.example/new", "http://a.example/1", "http://a.example/2"]
    if not sqlite:
        return
    assert stored == ["2026-03-17T12:00:00.000000Z", "2026-03-17T12:00:01.000000Z",
                      "2026-03-17T12:00:59.000000Z", "2026-03-17T12:00:00.500000Z"]
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0014_fetch_precision")
        stored = connection.execute(text("SELECT fetched_at FROM crawl_responses ORDER BY id")).scalars().all()
        declared = connection.execute(text(
            "SELECT sql FROM sqlite_master WHERE name = 'crawl_responses'")).scalar_one()
    assert stored == ["2026-03-17T12:00:00Z", "2026-03-17T12:00:01Z", "2026-03-17T12:00:59Z",
                      "2026-03-17T12:00:00Z"]
    assert "fetched_at VARCHAR(20) NOT NULL" in declared
    engine.dispose()


# --- the report ---------------------------------------------------------------------------------


def test_the_reports_responses_in_period_count_fetch_moments_at_its_bounds(archive):
    """[since, until) over sub-second fetch moments (SQLite compares the bound as text: it
    must be written as the column is): at since and half a second before until count, half a
    second before since and at until do not; the source's last success is the one before until."""
    from newsarchive.report.crawl_health import crawl_sections
    from newsarchive.report.model import Period

    since, until = datetime(2026, 3, 17, 12, tzinfo=timezone.utc), datetime(2026, 3, 17, 13, tzinfo=timezone.utc)
    half = timedelta(microseconds=500_000)
    url = "http://127.0.0.2/nieuws/binnenland"
    with archive.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO crawl_frontier (url, kind, state, first_seen_at, failure_count) "
            "VALUES (:url, 'listing', 'pending', :at, 0)"), {"url": url, "at": "2026-03-17T11:00:00Z"
                                                             if archive.dialect == "sqlite" else since})
        for moment in (since - half, since, until - half, until):
            connection.execute(RESPONSES.insert().values(
                url=url, final_url=url, status=200, headers="{}", fetched_at=moment))
        hour_before = {s.key: s for s in crawl_sections(connection, Period(since - timedelta(hours=1), since))}
        sections = {s.key: s for s in crawl_sections(connection, Period(since, until))}
    assert hour_before["crawl_hosts"].table.rows == (("127.0.0.2", 1, 0, 0, 0, 0, 1),)
    assert sections["crawl_hosts"].table.rows == (("127.0.0.2", 2, 0, 0, 0, 0, 1),)
    assert sections["source_last_success"].table.rows == ((url, "listing", "pending", "2026-03-17 12:59", 0.0),)
