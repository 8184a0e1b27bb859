"""The crawl run with an injected clock (due times, blocks and the host's next request asserted
by value), a crash while handling one URL, --max-crawl-delay and --max-runtime."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from fixture_site import LISTING
from hostile_server import HostileServer, page, response
from sqlalchemy import select, update

from newsarchive.fetch import crawl as crawl_module
from newsarchive.fetch.clock import ManualClock, unix
from newsarchive.fetch.crawl import crawl, fetch
from newsarchive.fetch.frontier import FRONTIER
from newsarchive.fetch.http import HttpPolicy
from newsarchive.fetch.politeness import HOSTS, ensure_hosts
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
    # the next request may go out the delay (and its margin) after the last one was sent, on
    # our clock (which stood still since: the run ended right after it)
    assert host.next_allowed_at == pytest.approx(unix(clock.now()) + 0.25 + POLICY.delay_margin)


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


def test_a_hosts_delay_counts_from_when_each_request_was_sent(fixture_site, archive):
    """On the injected clock every response takes 0.2 s: the requests to the host still go out
    2.05 s apart (the delay and its margin), not 2.25 s (the response's time is no part of it),
    within a job (robots.txt, then the page) and from one job to the next."""
    clock = ManualClock()
    fixture_site.clock, fixture_site.latency = clock, 0.2
    policy = HttpPolicy(delay=2.0, delay_margin=0.05, connect_timeout=2, timeout=2, retries=0)
    started = unix(clock.now())
    summary = crawl(archive, [fixture_site.url(LISTING)],
                    CrawlSettings(pages=1, policy=policy, idle_poll=60), clock=clock)
    requests = len(fixture_site.requests)
    assert (summary.fetched, requests) == (11, 12)  # robots.txt, the listing, 10 articles
    # the last request went out at 11 * 2.05 s: the next may at 12 * 2.05 s
    assert host_row(archive).next_allowed_at == pytest.approx(started + 12 * 2.05, abs=1e-5)
    assert unix(clock.now()) - started == pytest.approx(11 * 2.05 + 0.2, abs=1e-5)


ARTICLE = ("<!DOCTYPE html><html lang=\"nl\"><head><meta charset=\"utf-8\"></head><body><main>"
           "<article><h1>Dijk bij Kruiningen wordt verhoogd</h1><p><strong>KRUININGEN (ANP)"
           "</strong> - Het waterschap begint maandag met het verhogen van de dijk.</p>"
           "</article></main></body></html>")


def test_robots_txt_of_a_redirects_other_host_is_asked_under_that_hosts_politeness(archive):
    """`127.0.0.1:P` redirects to `localhost:P`, another host of the same site, which another
    crawl asked a moment ago: its robots.txt and the page wait for its next allowed time and
    keep its delay between them, its verdict is cached in its row, its lease is ended."""
    with HostileServer() as server:
        here, other = f"127.0.0.1:{server.port}", f"localhost:{server.port}"
        server.route("/robots.txt", response("200 OK", ["Content-Type: text/plain"],
                                             b"User-agent: *\nDisallow: /geheim/\n"))
        source = server.route("/oud", response("302 Found", [f"Location: http://{other}/nieuws/a"]))
        server.route("/nieuws/a", *page(ARTICLE))
        with archive.engine.begin() as connection:
            ensure_hosts(connection, {other})
            asked = time.time()  # another crawl's request went out just now: 1 s delay
            connection.execute(update(HOSTS).where(HOSTS.c.host == other)
                               .values(next_allowed_at=asked + 1.0))
        allowed = time.monotonic() + 1.0 - (time.time() - asked)  # on the servers' clock
        summary = fetch(archive, [source], CrawlSettings(policy=HttpPolicy(
            delay=0.3, connect_timeout=2, timeout=5, retries=0), idle_poll=0.05))
        hits = [(hit.headers["host"], hit.path, hit.at) for hit in server.hits]
    assert summary.failed == 0 and summary.fetched == 1
    assert [(host, path) for host, path, _ in hits] == [
        (here, "/robots.txt"), (here, "/oud"), (other, "/robots.txt"), (other, "/nieuws/a")]
    (_, _, robots_at), (_, _, page_at) = hits[2:]
    assert robots_at >= allowed - 0.005
    assert page_at - robots_at >= 0.3 - 0.005
    with archive.engine.connect() as connection:
        row = connection.execute(select(HOSTS).where(HOSTS.c.host == other)).one()
    assert (row.robots_status, row.robots_body) == (200, "User-agent: *\nDisallow: /geheim/\n")
    assert (row.lease_owner, row.lease_until) == (None, None)
    assert row.next_allowed_at > asked + 1.0 + 0.3  # after the page's request
