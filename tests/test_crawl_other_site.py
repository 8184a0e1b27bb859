"""`newsarchive crawl` against a second site shaped like the real portal and unlike our own
fixture site (`other_site.py`): what it fetches, how often, what it stores and what it records."""

from __future__ import annotations

import json
import re
import time
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner
from other_site import (
    ATOM,
    BUSY_LONG,
    BUSY_ONCE,
    CONSENT,
    GONE,
    NAV_PATHS,
    RSS,
    SECTIONS,
    SLASHED,
    STORIES,
    WALLED,
    OtherSite,
    render_listing,
)
from reparse_corpus import kept_responses
from sqlalchemy import func, select

from newsarchive.cli import cli
from newsarchive.fetch.discover import discover
from newsarchive.fetch.frontier import FRONTIER
from newsarchive.fetch.politeness import HOSTS
from newsarchive.store.archive import open_archive
from newsarchive.store.tables import metadata

ITEMS = metadata.tables["items"]
SIGHTINGS = metadata.tables["sightings"]

SUMMARY = re.compile(r"^fetched (\d+), not modified (\d+), failed (\d+), new items (\d+), "
                     r"sightings (\d+) in \d+\.\d s$")
FAST = ["--delay", "0", "--timeout", "3", "--retries", "1", "--pages", "5"]
LISTINGS = ["/nieuws/soccer", "/nieuws/geld", "/nieuws/regio/goes"]
FETCHABLE = [s for s in STORIES if s.slug not in (GONE, BUSY_LONG)]


def story_path(story) -> str:
    return story.path + ("/" if story.slug in SLASHED else "")


def sources(site: OtherSite) -> list[str]:
    return [site.url(path) for path in [*LISTINGS, ATOM, RSS]]


def crawl(site: OtherSite, db: str, *extra: str):
    result = CliRunner().invoke(cli, ["crawl", *sources(site), *FAST, *extra, "--db", db],
                                catch_exceptions=False)
    counts = SUMMARY.match(result.stderr.rstrip("\n").splitlines()[-1])
    assert counts, result.stderr
    return result, [int(n) for n in counts.groups()]


@pytest.fixture
def site():
    with OtherSite(crawl_delay=0.02) as served:
        yield served


@pytest.fixture
def db(tmp_path) -> str:
    return str(tmp_path / "news.db")


def frontier_row(db: str, url: str):
    with open_archive(db) as archive, archive.engine.connect() as connection:
        return connection.execute(select(FRONTIER).where(FRONTIER.c.url == url)).one()


# --- the first run -----------------------------------------------------------------------------
def test_every_article_is_fetched_once_whatever_the_form_of_its_links(site, db):
    result, _ = crawl(site, db)
    got = site.paths_got()
    for story in FETCHABLE:
        # a 503 with Retry-After, then a 200; a consent wall, then the page
        expected = 2 if story.slug in (BUSY_ONCE, WALLED) else 1
        assert got.count(story_path(story)) == expected, story.slug
    assert got.count("/robots.txt") == 1


def test_non_ascii_slug_is_requested_percent_encoded_as_utf8(site, db):
    crawl(site, db)
    sent = [hit.path for hit in site.gets() if "caf" in hit.path]
    assert sent == ["/nieuws/caf%C3%A9-in-malm%C3%B6"]


def test_navigation_footer_and_pagination_links_are_not_crawled_as_articles(site, db):
    crawl(site, db)
    known = {story_path(s) for s in STORIES} | {s.path for s in STORIES} | {
        "/robots.txt", ATOM, RSS, CONSENT}
    listing_pages = {f"/nieuws/{section}" + end for section in SECTIONS for end in ("", "/")}
    for path in site.paths_got():
        bare = path.split("?")[0]
        assert bare in known or bare in listing_pages, path
    assert not set(NAV_PATHS) - set(LISTINGS) & {p.split("?")[0] for p in site.paths_got()}


def test_listings_are_followed_by_numbered_page_links_and_by_volgende(site, db):
    crawl(site, db)
    got = site.paths_got()
    assert [p for p in got if p.startswith("/nieuws/soccer")] == [
        "/nieuws/soccer", "/nieuws/soccer?page=2", "/nieuws/soccer?page=3"]
    assert [p for p in got if p.startswith("/nieuws/geld")] == [
        "/nieuws/geld", "/nieuws/geld?page=2", "/nieuws/geld?page=3", "/nieuws/geld?page=4"]


def test_head_is_never_used(site, db):
    crawl(site, db)
    assert all(hit.method == "GET" for hit in site.hits)


def test_summary_counts_and_failures_named_with_exit_1(site, db):
    result, (fetched, not_modified, failed, new_items, sightings) = crawl(site, db)
    assert result.exit_code == 1
    listing_pages = 3 + 4 + 1
    assert (fetched, not_modified, failed) == (listing_pages + 2 + len(FETCHABLE), 0, 2)
    assert new_items > len(FETCHABLE) and sightings > new_items
    failures = [line for line in result.stderr.splitlines()
                if line.startswith("newsarchive: failed")]
    assert failures == [
        f"newsarchive: failed {site.url('/nieuws/' + GONE)}: HTTP 410 (given up)",
        f"newsarchive: failed {site.url('/nieuws/' + BUSY_LONG)}: HTTP 503 "
        "(Retry-After 86400 s is over the cap)",
    ]


def test_frontier_records_gone_for_good_and_a_retry_after_date(site, db):
    crawl(site, db)
    gone = frontier_row(db, site.url("/nieuws/" + GONE))
    assert (gone.state, gone.last_status, gone.given_up_reason) == ("given_up", 410, "HTTP 410")
    busy = frontier_row(db, site.url("/nieuws/" + BUSY_LONG))
    assert (busy.state, busy.failure_count, busy.last_status) == ("failed", 1, 503)
    due_in = busy.next_due_at - datetime.now(timezone.utc)
    assert timedelta(hours=23) < due_in <= timedelta(days=1)
    redirected = frontier_row(db, site.url("/nieuws/regio/goes"))
    assert redirected.state == "done"


def test_every_fetched_page_is_stored_with_its_sidebar_sightings(site, db):
    crawl(site, db)
    with open_archive(db) as archive, archive.engine.connect() as connection:
        rows = connection.execute(
            select(FRONTIER.c.url, FRONTIER.c.kind, FRONTIER.c.page_id)
            .where(FRONTIER.c.state == "done")).all()
        sightings = dict(connection.execute(
            select(SIGHTINGS.c.page_id, func.count())
            .group_by(SIGHTINGS.c.page_id)).all())
    articles = [row for row in rows if row.kind == "article"]
    assert len(articles) == len(FETCHABLE) + len(SLASHED & {s.slug for s in STORIES})
    for row in articles:
        assert sightings.get(row.page_id, 0) >= 4, row.url  # the lead and its sidebar items


def test_responses_are_stored_decoded_and_whole(site, db):
    crawl(site, db)
    assert any(hit.headers.get("accept-encoding", "").find("gzip") >= 0 for hit in site.gets())
    with open_archive(db) as archive:
        stored = kept_responses(archive.engine).values()
    assert stored
    for row in stored:
        assert row["body"].lstrip().startswith((b"<!DOCTYPE", b"<?xml")), row["url"]
        assert "content-encoding" not in json.loads(row["headers"]), row["url"]


def test_windows_1252_page_without_charset_is_read_right(site, db):
    crawl(site, db)
    with open_archive(db) as archive, archive.engine.connect() as connection:
        bodies = connection.execute(select(ITEMS.c.body).where(
            ITEMS.c.dateline == "YERSEKE")).scalars().all()
    assert bodies and all("café aan de kade schenkt “echte” koffie" in b for b in bodies)


# --- later runs ---------------------------------------------------------------------------------
def test_second_run_asks_listings_conditionally_and_fetches_no_archived_article(site, db):
    crawl(site, db)
    site.hits.clear()
    result, (fetched, not_modified, failed, new_items, sightings) = crawl(site, db)
    assert result.exit_code == 0, result.stderr
    got = site.paths_got()
    assert not [p for p in got if p.split("?")[0] in {story_path(s) for s in STORIES}]
    assert (fetched, not_modified, failed, new_items, sightings) == (2, 8, 0, 0, 0)
    for hit in site.gets():
        if hit.path.startswith("/nieuws/") and not hit.path.startswith("/nieuws/regio/goes?"):
            assert hit.headers.get("if-modified-since"), hit.path


def test_listings_refetched_when_changed_add_sightings_but_no_article(site, db):
    crawl(site, db)
    site.advance(30)
    site.hits.clear()
    result, (fetched, not_modified, failed, new_items, sightings) = crawl(site, db)
    assert result.exit_code == 0, result.stderr
    assert (fetched, not_modified, failed) == (10, 0, 0)
    assert sightings > 0
    assert {p.split("?")[0] for p in site.paths_got()} <= {*LISTINGS, "/nieuws/regio/goes/",
                                                           "/robots.txt", ATOM, RSS}


# --- feeds and robots.txt -----------------------------------------------------------------------
@pytest.mark.parametrize("feed, section", [(ATOM, "soccer"), (RSS, "geld")])
def test_feed_with_relative_links_leads_to_its_articles(site, db, feed, section):
    CliRunner().invoke(cli, ["crawl", site.url(feed), *FAST, "--db", db])
    got = site.paths_got()
    for story in site.stories(section):
        if story.slug not in (GONE, BUSY_LONG):
            assert story_path(story) in got, story.slug


def test_robots_group_for_newsarchive_wins_and_its_crawl_delay_spaces_requests(db):
    with OtherSite(crawl_delay=0.3) as site:
        result = CliRunner().invoke(cli, ["fetch", *(site.url(s.path) for s in STORIES[:3]),
                                          "--delay", "0", "--db", db])
        assert result.exit_code == 0, result.stderr
        hits = site.gets()
    assert [hit.path.split("/")[-1] for hit in hits][0] == "robots.txt"
    starts = [hit.at for hit in hits]
    assert all(later - earlier >= 0.29 for earlier, later in zip(starts, starts[1:]))


def test_robots_disallow_in_our_group_is_obeyed(site, db):
    result = CliRunner().invoke(cli, ["crawl", site.url("/nieuws/regio/middelburg"), *FAST,
                                      "--db", db])
    assert result.exit_code == 1
    assert "disallowed by robots.txt" in result.stderr
    assert site.paths_got() == ["/robots.txt"]


# --- discovery on this site's markup ------------------------------------------------------------
def test_net_binnen_lines_with_short_titles_are_article_links(site):
    html = render_listing(site, "regio/goes", 1).encode()
    found = discover(html, site.url("/nieuws/regio/goes/"), "text/html", charset="utf-8")
    expected = {site.url(story_path(s)).replace("café-in-malmö", "caf%C3%A9-in-malm%C3%B6")
                for s in site.stories()[:8]}
    assert expected <= set(found.articles)
    assert not {site.url(path) for path in NAV_PATHS} & set(found.articles)


def test_navigation_marked_by_a_dutch_class_name_is_not_read():
    html = (b"<html><body><div class='hoofdmenu'><a href='/nieuws/alles-over-de-regio-vandaag'>"
            b"Alles over de regio vandaag</a></div><div id='voettekst'><a href='/colofon/"
            b"wie-maakt-deze-krant'>Wie maakt deze krant eigenlijk</a></div><div class='x'>"
            b"<a href='/nieuws/dijk-versterkt-ANP100000001'>Dijk wordt versterkt vandaag</a>"
            b"</div></body></html>")
    found = discover(html, "https://www.example.nl/nieuws/regio/goes", "text/html")
    assert found.articles == ["https://www.example.nl/nieuws/dijk-versterkt-ANP100000001"]


# --- what the user types ------------------------------------------------------------------------
def test_non_ascii_url_on_the_command_line_is_fetched(site, db):
    result = CliRunner().invoke(cli, ["fetch", site.url("/nieuws/café-in-malmö"), *FAST[:-2],
                                      "--db", db])
    assert result.exit_code == 0, result.stderr
    assert [hit.path for hit in site.gets()][1:] == ["/nieuws/caf%C3%A9-in-malm%C3%B6"]


def test_sources_file_with_a_byte_order_mark_and_crlf_is_read(site, db, tmp_path):
    listed = tmp_path / "bronnen.txt"
    listed.write_bytes(("\ufeff# bronnen\r\n" + "\r\n".join(sources(site)) + "\r\n")
                       .encode("utf-8"))
    result = CliRunner().invoke(cli, ["crawl", "--sources", str(listed), *FAST, "--db", db])
    assert result.exit_code == 1, result.stderr  # the 410 and the 503 of the site
    assert SUMMARY.match(result.stderr.splitlines()[-1]).group(1) == str(10 + len(FETCHABLE))


# --- a server that asks us to stay away ---------------------------------------------------------
def test_rate_limit_with_a_long_retry_after_stops_all_requests_to_the_host(site, db):
    site.requests_allowed = 14  # robots.txt, the sources and a few articles
    result, (fetched, _, failed, *_rest) = crawl(site, db)
    assert result.exit_code == 0  # nothing failed: the host's pages wait for the host
    assert len(site.gets()) == 15  # the one answered 429, then nothing more this run
    assert (fetched, failed) == (12, 0)
    limited = site.gets()[-1].path
    assert f"{site.base.removeprefix('http://')} asked for a pause (HTTP 429" in result.stderr
    waiting = frontier_row(db, site.url(limited))
    assert waiting.state == "failed" and waiting.failure_reason == "retry_after_too_long"
    assert waiting.next_due_at - datetime.now(timezone.utc) > timedelta(hours=23)
    with open_archive(db) as archive, archive.engine.connect() as connection:
        blocked_until, reason = connection.execute(
            select(HOSTS.c.blocked_until, HOSTS.c.block_reason)).one()
        pending = connection.execute(select(func.count()).select_from(FRONTIER).where(
            FRONTIER.c.state == "pending")).scalar_one()
    assert blocked_until - time.time() > 23 * 3600 and "HTTP 429" in reason
    assert pending == 10 + len(STORIES) + 1 - 13  # the others wait for the host, not failed
    again, (fetched, _, failed, *_rest) = crawl(site, db)  # the block holds for later runs
    assert (again.exit_code, fetched, failed, len(site.gets())) == (0, 0, 0, 15)


def test_source_that_asked_for_a_day_is_not_asked_again_by_the_next_runs(site, db):
    site.down.add("/nieuws/geld")
    result, _ = crawl(site, db)
    assert result.exit_code == 1 and f"failed {site.url('/nieuws/geld')}: HTTP 503" in result.stderr
    assert site.paths_got().count("/nieuws/geld") == 1
    result, _ = crawl(site, db)
    assert result.exit_code == 0, result.stderr
    assert site.paths_got().count("/nieuws/geld") == 1


def test_link_redirecting_to_an_archived_page_is_not_fetched_again(site, db):
    crawl(site, db)
    slug = next(iter(SLASHED & {s.slug for s in STORIES}))
    assert site.paths_got().count(f"/nieuws/{slug}") == 1  # the feed's link: a 301, not followed
    assert site.paths_got().count(f"/nieuws/{slug}/") == 1  # the listing's link
    alias = frontier_row(db, site.url(f"/nieuws/{slug}"))
    canonical = frontier_row(db, site.url(f"/nieuws/{slug}/"))
    assert (alias.state, alias.last_status) == ("done", 301)
    assert alias.page_id == canonical.page_id is not None
