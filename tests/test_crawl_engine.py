"""The crawl run with an injected clock (due times, blocks and the host's next request asserted
by value), a crash while handling one URL, --max-crawl-delay and --max-runtime."""

from __future__ import annotations

from datetime import timedelta

from fixture_site import LISTING
from sqlalchemy import select

from newsarchive.fetch import crawl as crawl_module
from newsarchive.fetch.clock import ManualClock, unix
from newsarchive.fetch.crawl import crawl
from newsarchive.fetch.frontier import FRONTIER
from newsarchive.fetch.http import HttpPolicy
from newsarchive.fetch.politeness import HOSTS
from newsarchive.fetch.settings import BackoffCurve, CrawlSettings

POLICY = HttpPolicy(delay=0.25, connect_timeout=2, timeout=2, retries=0)


def host_row(archive):
    with archive.engine.connect() as connection:
        return connection.execute(select(HOSTS)).one()


def frontier_row(archive, url):
    with archive.engine.connect() as connection:
        return connection.execute(select(FRONTIER).where(FRONTIER.c.url == url)).one()


def test_block_and_due_times_follow_the_injected_clock(fixture_site, archive):
    fixture_site.extra_links = ["/fault/overloaded"]
    clock = ManualClock()
    settings = CrawlSettings(pages=1, policy=POLICY, backoff=BackoffCurve(base=90, jitter=0))
    summary = crawl(archive, [fixture_site.url(LISTING)], settings, clock=clock)
    assert summary.failed == 0
    host = host_row(archive)
    # the 503 came at `last_incident_at` on our clock: the host is blocked 90 s from then
    assert host.blocked_until == host.last_incident_at + 90
    assert host.backoff_level == 1 and host.block_reason == "HTTP 503"
    assert host.robots_status == 200 and host.robots_fetched_at <= host.last_incident_at
    waiting = frontier_row(archive, fixture_site.url("/fault/overloaded"))
    assert waiting.state == "failed" and waiting.failure_count == 0
    assert unix(waiting.next_due_at) == int(host.blocked_until) + 1
    # the run did not wait 90 s for it (over --max-crawl-delay's 60): the clock never slept
    # that long, and every other article is archived
    assert max(clock.slept, default=0) < 1
    assert all(frontier_row(archive, fixture_site.url(a.path)).state == "done"
               for a in fixture_site.listing_articles(1))
    # the next request may go out the delay after the last one ended, on our clock
    assert host.next_allowed_at <= unix(clock.now()) + 0.25


def test_a_crash_while_handling_a_url_is_recorded_and_not_retried(fixture_site, archive,
                                                                   monkeypatch):
    broken = fixture_site.url(fixture_site.articles[3].path)
    real = crawl_module.parse_document

    def parse_document(document, **options):  # a bug that only this page triggers
        if document.url == broken:
            raise KeyError("meta")
        return real(document, **options)

    monkeypatch.setattr(crawl_module, "parse_document", parse_document)
    settings = CrawlSettings(pages=1, policy=HttpPolicy(delay=0.0, retries=0))
    summary = crawl(archive, [fixture_site.url(LISTING)], settings)
    assert summary.failures == [(broken, "crashed the crawler: KeyError: 'meta' (given up)")]
    row = frontier_row(archive, broken)
    assert (row.state, row.failure_reason) == ("given_up", "handler_crashed")
    others = [fixture_site.url(a.path) for a in fixture_site.listing_articles(1)]
    assert {frontier_row(archive, url).state for url in others if url != broken} == {"done"}
    again = crawl(archive, [fixture_site.url(LISTING)], settings)
    assert again.failed == 0
    assert fixture_site.count(fixture_site.articles[3].path) == 1


def test_a_crawl_delay_over_the_cap_skips_the_host_for_the_run(fixture_site, archive):
    fixture_site.crawl_delay = 100000
    summary = crawl(archive, [fixture_site.url(LISTING)],
                    CrawlSettings(policy=HttpPolicy(delay=0.0), max_crawl_delay=60))
    host = fixture_site.base.removeprefix("http://")
    assert summary.skipped_hosts == [
        (host, "robots.txt asks for a Crawl-delay of 100000 s, over --max-crawl-delay 60 s")]
    assert [request.path for request in fixture_site.requests] == ["/robots.txt"]
    assert frontier_row(archive, fixture_site.url(LISTING)).state == "pending"
    assert host_row(archive).crawl_delay == 100000  # cached: the next run asks no robots.txt
    crawl(archive, [fixture_site.url(LISTING)],
          CrawlSettings(policy=HttpPolicy(delay=0.0), max_crawl_delay=60))
    assert [request.path for request in fixture_site.requests] == ["/robots.txt"]


def test_a_crawl_delay_at_the_cap_is_kept(fixture_site, archive):
    fixture_site.crawl_delay = 0.3
    summary = crawl(archive, [fixture_site.url(LISTING)],
                    CrawlSettings(pages=1, policy=HttpPolicy(delay=0.0), max_crawl_delay=0.3))
    assert summary.skipped_hosts == [] and summary.failed == 0
    arrivals = sorted(request.at for request in fixture_site.requests)
    assert min(b - a for a, b in zip(arrivals, arrivals[1:])) >= 0.3 - 0.005


def test_robots_txt_is_asked_again_after_a_day(fixture_site, archive):
    clock = ManualClock()
    settings = CrawlSettings(pages=1, policy=HttpPolicy(delay=0.0))
    crawl(archive, [fixture_site.url(LISTING)], settings, clock=clock)
    clock.advance(timedelta(hours=23, minutes=59).total_seconds())
    crawl(archive, [fixture_site.url(LISTING)], settings, clock=clock)
    assert fixture_site.count("/robots.txt") == 1
    clock.advance(61)
    crawl(archive, [fixture_site.url(LISTING)], settings, clock=clock)
    assert fixture_site.count("/robots.txt") == 2


def test_max_runtime_stops_claiming_at_the_deadline_of_the_injected_clock(fixture_site, archive):
    clock = ManualClock()
    settings = CrawlSettings(pages=1, max_runtime=10, policy=HttpPolicy(delay=0.0))
    # each URL takes 4 s on this clock: the third ends past the deadline
    summary = crawl(archive, [fixture_site.url(LISTING)], settings,
                    lambda url: clock.advance(4), clock=clock)
    assert summary.stopped_at_deadline
    assert summary.fetched == 3  # the listing and two articles
    rest = crawl(archive, [fixture_site.url(LISTING)], settings, clock=clock)
    assert not rest.stopped_at_deadline
    assert (rest.fetched, rest.not_modified) == (8, 1)  # the listing asked conditionally
