"""A crawl run against the local fixture site, through the library API, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fixture_site import FEED, LISTING
from sqlalchemy import select, update

from newsarchive.fetch.crawl import CrawlOptions, crawl, fetch
from newsarchive.fetch.frontier import FRONTIER, MAX_FAILURES, RESPONSES
from newsarchive.fetch.http import HttpPolicy
from newsarchive.store.ingest import ITEMS, PAGES

POLICY = HttpPolicy(delay=0.0, connect_timeout=2, timeout=2, retries=2, backoff=0.05,
                    max_bytes=50_000)
OPTIONS = CrawlOptions(pages=3, policy=POLICY)


def frontier(archive) -> dict[str, dict]:
    with archive.engine.connect() as connection:
        return {row.url: row._asdict() for row in connection.execute(select(FRONTIER))}


def stored_urls(archive) -> list[str]:
    with archive.engine.connect() as connection:
        return list(connection.execute(select(RESPONSES.c.url)).scalars())


def article_urls(site, articles=None) -> set[str]:
    return {site.url(a.path) for a in (site.articles if articles is None else articles)}


def test_listing_source_archives_every_article_once(fixture_site, archive):
    summary = crawl(archive, [fixture_site.url(LISTING)], OPTIONS)
    assert summary.failed == 0 and summary.fetched == 3 + 30
    assert sorted(fixture_site.article_requests()) == sorted(a.path for a in fixture_site.articles)
    states = frontier(archive)
    assert {url for url, row in states.items() if row["kind"] == "article"} == article_urls(
        fixture_site)
    assert {row["state"] for row in states.values()} == {"done"}
    with archive.engine.connect() as connection:
        archived = set(connection.execute(
            select(ITEMS.c.url).where(ITEMS.c.kind == "article")).scalars())
    assert archived == article_urls(fixture_site)
    assert summary.new_items == 60  # 30 articles and the 30 teasers of the listings
    assert summary.sightings == 30 + 30 * 6  # listings, then each article's lead and sidebar


def test_next_page_links_are_followed_up_to_the_page_limit(fixture_site, archive):
    crawl(archive, [fixture_site.url(LISTING)], CrawlOptions(pages=2, policy=POLICY))
    assert fixture_site.count(f"{LISTING}?page=2") == 1
    assert fixture_site.count(f"{LISTING}?page=3") == 0
    fetched = {fixture_site.url(path) for path in fixture_site.article_requests()}
    assert fetched == article_urls(fixture_site, fixture_site.articles[:20])


def test_second_run_fetches_no_archived_article(fixture_site, archive):
    crawl(archive, [fixture_site.url(LISTING)], OPTIONS)
    before = len(fixture_site.article_requests())
    summary = crawl(archive, [fixture_site.url(LISTING)], OPTIONS)
    assert len(fixture_site.article_requests()) == before
    assert (summary.fetched, summary.not_modified, summary.failed) == (0, 3, 0)
    listing = fixture_site.requested(LISTING)[-1]
    assert listing.headers["if-none-match"]  # the stored ETag made it a conditional request


def test_new_articles_and_changed_sidebars_are_picked_up_as_the_clock_moves(fixture_site, archive):
    fixture_site.article_count = 40
    fixture_site.now = fixture_site.origin + timedelta(minutes=17 * 30 - 1)  # 30 out, 10 to come
    first = crawl(archive, [fixture_site.url(LISTING)], OPTIONS)
    assert first.fetched == 3 + 30
    fixture_site.advance(17 * 2)  # two new articles; every age on every page grows
    second = crawl(archive, [fixture_site.url(LISTING)], OPTIONS)
    new = {f"/nieuws/{a.slug}" for a in fixture_site.articles[:2]}
    assert set(fixture_site.article_requests()[30:]) == new
    assert second.fetched == 3 + 2 and second.new_items == 2 * 2  # two articles, two teasers
    assert second.sightings == 30 + 2 * 6


def test_refresh_fetches_archived_articles_again_conditionally(fixture_site, archive):
    crawl(archive, [fixture_site.url(LISTING)], CrawlOptions(pages=1, policy=POLICY))
    summary = crawl(archive, [fixture_site.url(LISTING)],
                    CrawlOptions(pages=1, refresh=True, policy=POLICY))
    assert summary.not_modified == 1 + 10 and summary.fetched == 0
    again = fixture_site.requested(fixture_site.articles[0].path)
    assert len(again) == 2 and again[1].headers["if-none-match"]


def test_feed_source_fetches_its_entries(fixture_site, archive):
    summary = crawl(archive, [fixture_site.url(FEED)], OPTIONS)
    assert summary.failed == 0 and summary.fetched == 1 + 10
    assert set(fixture_site.article_requests()) == {a.path for a in fixture_site.articles[:10]}
    assert frontier(archive)[fixture_site.url(FEED)]["kind"] == "feed"


def test_article_source_fetches_its_sidebar_items(fixture_site, archive):
    source = fixture_site.articles[7]
    crawl(archive, [fixture_site.url(source.path)], OPTIONS)
    sidebar = [a for a in fixture_site.articles if a.number != source.number][:5]
    assert set(fixture_site.article_requests()) == {source.path} | {a.path for a in sidebar}


def test_requests_to_the_site_are_spaced_by_the_delay(fixture_site, archive):
    fixture_site.article_count = 6
    crawl(archive, [fixture_site.url(LISTING)],
          CrawlOptions(pages=1, policy=HttpPolicy(**{**POLICY.__dict__, "delay": 0.1})))
    times = sorted(request.at for request in fixture_site.requests)
    assert len(times) == 1 + 1 + 6  # robots.txt, the listing, six articles
    assert min(later - earlier for earlier, later in zip(times, times[1:])) >= 0.1 - 0.01


def test_each_fault_ends_with_the_right_outcome_and_nothing_lost(fixture_site, archive):
    fixture_site.slow_seconds = 0.6
    fixture_site.extra_links = ["/fault/flaky", "/fault/busy", "/fault/slow", "/fault/loop-a",
                                "/fault/huge", "/fault/charset", "/fault/cut", "/fault/gone",
                                "/private/geheim"]
    policy = HttpPolicy(**{**POLICY.__dict__, "timeout": 0.3, "retries": 1})
    summary = crawl(archive, [fixture_site.url(LISTING)], CrawlOptions(pages=1, policy=policy))
    states = frontier(archive)

    def outcome(path):
        row = states[fixture_site.url(path)]
        return row["state"], row["last_error"] or row["given_up_reason"] or ""

    assert outcome("/fault/flaky") == ("done", "")
    assert outcome("/fault/busy") == ("done", "")
    assert outcome("/fault/cut") == ("done", "")
    assert outcome("/fault/charset") == ("done", "")
    state, error = outcome("/fault/slow")
    assert state == "failed" and "timed out" in error
    assert states[fixture_site.url("/fault/slow")]["next_due_at"] is not None
    assert outcome("/fault/loop-a")[0] == "given_up" and "redirect loop" in outcome("/fault/loop-a")[1]
    assert outcome("/fault/huge")[0] == "given_up" and "cap" in outcome("/fault/huge")[1]
    assert outcome("/fault/gone") == ("given_up", "HTTP 404")
    assert outcome("/private/geheim") == ("given_up", "disallowed by robots.txt")
    assert fixture_site.count("/private/geheim") == 0
    failed = {url for url, _ in summary.failures}
    assert failed == {fixture_site.url(p) for p in
                      ("/fault/slow", "/fault/loop-a", "/fault/huge", "/fault/gone")}
    assert summary.failed == 4
    # nothing lost: every regular article and every recovered fault is stored, with its text
    with archive.engine.connect() as connection:
        titles = dict(connection.execute(select(PAGES.c.url, PAGES.c.title)).all())
    for article in fixture_site.listing_articles(1):
        assert fixture_site.url(article.path) in titles
    assert titles[fixture_site.url("/fault/charset")].startswith("Financiën en café")
    assert titles[fixture_site.url("/fault/flaky")].startswith("Hersteld")
    stored = stored_urls(archive)
    assert fixture_site.url("/fault/huge") not in stored


def test_failing_url_backs_off_then_is_given_up(fixture_site, archive):
    # a deadline a loaded machine still meets for the listing and robots.txt, not the slow page
    fixture_site.slow_seconds = 1.5
    fixture_site.article_count = 1
    fixture_site.extra_links = ["/fault/slow"]
    slow = fixture_site.url("/fault/slow")
    options = CrawlOptions(pages=1, policy=HttpPolicy(**{**POLICY.__dict__, "timeout": 0.5,
                                                         "retries": 0}))
    crawl(archive, [fixture_site.url(LISTING)], options)
    crawl(archive, [fixture_site.url(LISTING)], options)  # not due yet: not asked again
    assert fixture_site.count("/fault/slow") == 1
    for attempt in range(2, MAX_FAILURES + 1):
        with archive.engine.begin() as connection:  # let the backoff time pass
            connection.execute(update(FRONTIER).where(FRONTIER.c.url == slow).values(
                next_due_at=FRONTIER.c.last_fetched_at))
        crawl(archive, [fixture_site.url(LISTING)], options)
        assert fixture_site.count("/fault/slow") == attempt
    row = frontier(archive)[slow]
    assert row["state"] == "given_up" and row["failure_count"] == MAX_FAILURES
    assert row["given_up_reason"].startswith(f"{MAX_FAILURES} failures")


def test_fetch_stores_exactly_the_given_pages(fixture_site, archive):
    article = fixture_site.articles[0]
    summary = fetch(archive, [fixture_site.url("/oud/" + article.slug)], OPTIONS)
    assert summary.fetched == 1 and fixture_site.article_requests() == [article.path]
    (response,) = stored_responses_final(archive)
    assert response == (fixture_site.url("/oud/" + article.slug), fixture_site.url(article.path))


def test_redirect_target_is_archived_under_both_urls(fixture_site, archive):
    article = fixture_site.articles[0]
    fetch(archive, [fixture_site.url("/oud/" + article.slug)], OPTIONS)
    states = frontier(archive)
    assert states[fixture_site.url(article.path)]["state"] == "done"
    crawl(archive, [fixture_site.url(LISTING)], CrawlOptions(pages=1, policy=POLICY))
    assert fixture_site.article_requests().count(article.path) == 1


def stored_responses_final(archive):
    with archive.engine.connect() as connection:
        return connection.execute(select(RESPONSES.c.url, RESPONSES.c.final_url)).all()


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_unreachable_robots_txt_skips_the_host_without_counting_against_urls(
        fixture_site, archive, status):
    fixture_site.robots_status = status
    summary = crawl(archive, [fixture_site.url(LISTING)], OPTIONS)
    assert summary.failed == 1 and "robots.txt unavailable" in summary.failures[0][1]
    assert fixture_site.count(LISTING) == 0
    assert frontier(archive)[fixture_site.url(LISTING)]["failure_count"] == 0


def test_response_stored_but_page_not_is_ingested_next_run_without_download(fixture_site, archive):
    fixture_site.article_count = 3
    crawl(archive, [fixture_site.url(LISTING)], OPTIONS)
    article = fixture_site.url(fixture_site.articles[1].path)
    with archive.engine.begin() as connection:  # as if killed between the two transactions
        page_id = connection.execute(select(FRONTIER.c.page_id).where(FRONTIER.c.url == article)
                                     ).scalar_one()
        connection.execute(PAGES.delete().where(PAGES.c.id == page_id))
        connection.execute(update(FRONTIER).where(FRONTIER.c.url == article).values(
            state="fetched", page_id=None))
    requests_before = len(fixture_site.article_requests())
    crawl(archive, [fixture_site.url(LISTING)], OPTIONS)
    assert len(fixture_site.article_requests()) == requests_before
    row = frontier(archive)[article]
    assert row["state"] == "done" and row["page_id"] is not None
    with archive.engine.connect() as connection:
        fetched_at = connection.execute(select(PAGES.c.fetched_at).where(
            PAGES.c.id == row["page_id"])).scalar_one()
        stored_at = connection.execute(select(RESPONSES.c.fetched_at).where(
            RESPONSES.c.url == article)).scalar_one()
    assert fetched_at == stored_at


def test_disallowed_next_page_is_skipped_but_a_disallowed_source_is_an_error(fixture_site,
                                                                              archive):
    fixture_site.disallow = ["/private/", f"{LISTING}?page="]
    summary = crawl(archive, [fixture_site.url(LISTING), fixture_site.url("/private/bron")],
                    OPTIONS)
    assert fixture_site.count(f"{LISTING}?page=2") == 0 and fixture_site.count("/private/bron") == 0
    assert summary.failures == [(fixture_site.url("/private/bron"),
                                 "disallowed by robots.txt (given up)")]
    assert frontier(archive)[fixture_site.url(f"{LISTING}?page=2")]["given_up_reason"] == (
        "disallowed by robots.txt")
    assert summary.fetched == 1 + 10
