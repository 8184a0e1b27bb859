"""Several workers and several crawl processes on one archive (SQLite and PostgreSQL), against a
network of news sites on 127.0.0.2, 127.0.0.3, ...: every host's own request log shows its delay
kept whoever sent the requests, robots.txt fetched once per host, pauses a host asked for held
by every worker, every article fetched and archived once, and a kill -9 that loses nothing."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter

import pytest
from fixture_site import LISTING, monotonic_of
from news_network import news_network, request_times, violations
from sqlalchemy import func, select

from newsarchive.fetch.crawl import crawl
from newsarchive.fetch.frontier import FRONTIER, RESPONSES
from newsarchive.fetch.http import HttpPolicy
from newsarchive.fetch.politeness import Hosts
from newsarchive.fetch.settings import BackoffCurve, CrawlSettings
from newsarchive.store.archive import open_archive
from newsarchive.store.ingest import ITEMS
from newsarchive.urls import host_of

DELAY = 0.15
SITE = {"article_count": 12, "per_page": 6, "latency": 0.01}
POLICY = HttpPolicy(delay=DELAY, connect_timeout=2, timeout=2, retries=0)


def crawl_process(db: str, sources: list[str], workers: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", "from newsarchive.cli import cli; cli()", "crawl", *sources,
         "--workers", str(workers), "--delay", str(DELAY), "--timeout", "2", "--retries", "0",
         "--quiet", "--db", db],
        stderr=subprocess.PIPE, text=True)


def archived(db: str) -> tuple[set[tuple], dict[str, int], set[str]]:
    """The archive's article items, responses per URL and frontier states. (Whether a teaser
    is its own item or already its article's depends on which page was stored first: the store's
    business, not the crawl's.)"""
    with open_archive(db) as archive, archive.engine.connect() as connection:
        items = set(connection.execute(
            select(ITEMS.c.dateline, ITEMS.c.body, ITEMS.c.url).where(ITEMS.c.kind == "article")
        ).all())
        responses = dict(connection.execute(
            select(RESPONSES.c.url, func.count()).group_by(RESPONSES.c.url)).all())
        states = set(connection.execute(select(FRONTIER.c.state).distinct()).scalars())
    return items, responses, states


def robots_requests(network) -> list[int]:
    return [site.count("/robots.txt") for site in network.sites]


@pytest.mark.parametrize("processes", [2, 4])
def test_processes_with_several_workers_keep_every_host_delay(archive_url, processes, tmp_path):
    with news_network(4, **SITE) as network:
        runs = [crawl_process(archive_url, network.sources, workers=3) for _ in range(processes)]
        assert [run.wait(120) for run in runs] == [0] * processes
        assert [run.stderr.read() for run in runs] == [""] * processes
        assert violations(request_times(network), DELAY) == {}
        assert robots_requests(network) == [1, 1, 1, 1]
        assert network.article_requests() == network.article_urls()  # each once
        items, responses, states = archived(archive_url)
        assert {url: responses.get(url) for url in network.article_urls()} == {
            url: 1 for url in network.article_urls()}
        assert states == {"done"}

        alone = str(tmp_path / "alone.db")
        with open_archive(alone) as archive:
            summary = crawl(archive, network.sources, CrawlSettings(policy=POLICY))
        assert summary.failed == 0
        assert archived(alone)[0] == items  # the same archive as one worker makes


def served_meanwhile(network, held_site, deadline: float = 30.0) -> list[bool]:
    """Hold the first article request of `held_site` until another site is asked for something;
    the result says whether that happened (False: released by the deadline, nothing else ran)."""
    held_site.hold_after = 0
    outcome: list[bool] = []

    def watch() -> None:
        give_up = time.monotonic() + deadline
        while not held_site.article_requests() and time.monotonic() < give_up:
            time.sleep(0.005)
        held_at = max((r.at for r in held_site.requests), default=0.0)
        while time.monotonic() < give_up:
            if any(r.at > held_at for site in network.sites if site is not held_site
                   for r in site.requests):
                outcome.append(True)
                break
            time.sleep(0.005)
        else:
            outcome.append(False)
        held_site.release.set()

    threading.Thread(target=watch, daemon=True).start()
    return outcome


def test_workers_of_one_process_keep_every_host_delay_and_fetch_at_once(archive):
    with news_network(4, **SITE) as network:
        meanwhile = served_meanwhile(network, network.sites[0])
        summary = crawl(archive, network.sources, CrawlSettings(workers=4, policy=POLICY))
        assert (summary.failed, summary.fetched) == (0, 4 * (2 + 12))
        assert violations(request_times(network), DELAY) == {}
        assert robots_requests(network) == [1, 1, 1, 1]
        assert network.article_requests() == network.article_urls()
    # while one worker waited on a held response, another fetched from another host
    assert meanwhile == [True]


def test_a_pause_a_host_asked_for_holds_for_every_worker(archive):
    with news_network(2, extra_links=["/fault/busy", "/fault/overloaded"], **SITE) as network:
        settings = CrawlSettings(workers=4, policy=POLICY,
                                 backoff=BackoffCurve(base=0.6, jitter=0.0))
        summary = crawl(archive, network.sources, settings)
        for site in network.sites:
            log = sorted(site.requests, key=lambda request: request.at)
            busy = next(r.at for r in log if r.path == "/fault/busy")  # 429, Retry-After: 1
            assert [r.path for r in log if busy < r.at < busy + 1.0] == []
            overloaded = next(r.at for r in log if r.path == "/fault/overloaded")  # 503
            assert [r.path for r in log if overloaded < r.at < overloaded + 0.6] == []
        assert violations(request_times(network), DELAY) == {}
        assert network.article_requests() == network.article_urls()  # the run waited for them
        faults = {site.url(path) for site in network.sites
                  for path in ("/fault/busy", "/fault/overloaded")}
        # the pause is the host's, not the URL's: asked again when it ended, in this run
        assert summary.failed == 0
        assert {site.served.get(path) for site in network.sites
                for path in ("/fault/busy", "/fault/overloaded")} == {1}
        with archive.engine.connect() as connection:
            rows = connection.execute(select(FRONTIER.c.state, FRONTIER.c.failure_count)
                                      .where(FRONTIER.c.url.in_(faults))).all()
        assert set(rows) == {("done", 0)}


PAUSING_CRAWL = """
import json, sys
from newsarchive.fetch.crawl import crawl
from newsarchive.fetch.http import HttpPolicy
from newsarchive.fetch.settings import BackoffCurve, CrawlSettings
from newsarchive.store.archive import open_archive
db, sources, delay = json.loads(sys.argv[1])
with open_archive(db) as archive:
    summary = crawl(archive, sources, CrawlSettings(
        workers=2, policy=HttpPolicy(delay=delay, connect_timeout=2, timeout=2, retries=0),
        backoff=BackoffCurve(base=0.6, jitter=0.0)))
print(json.dumps([summary.fetched, summary.failed]))
"""


def test_a_pause_a_host_asked_for_holds_for_every_process(archive_url):
    """Three processes of two workers: the 429 (Retry-After: 1) and the 503 (no Retry-After:
    the back-off's first 0.6 s) one of them got block the host for all of them: the host's log
    shows nothing asked of it while blocked, and each paused URL answered once, later."""
    with news_network(2, extra_links=["/fault/busy", "/fault/overloaded"], **SITE) as network:
        runs = [subprocess.Popen([sys.executable, "-c", PAUSING_CRAWL,
                                  json.dumps([archive_url, network.sources, DELAY])],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for _ in range(3)]
        outcomes = [run.communicate(timeout=120) for run in runs]
        assert [run.returncode for run in runs] == [0, 0, 0], outcomes
        fetched, failed = map(sum, zip(*(json.loads(out) for out, _ in outcomes)))
        assert (fetched, failed) == (2 * (2 + 12 + 2), 0)  # listings, articles, the two faults
        for site in network.sites:
            log = sorted(site.requests, key=lambda request: request.at)
            busy = [r.at for r in log if r.path == "/fault/busy"]  # 429, then the page
            assert [r.path for r in log if busy[0] < r.at < busy[0] + 1.0] == []
            assert busy[1] >= busy[0] + 1.0
            overloaded = [r.at for r in log if r.path == "/fault/overloaded"]  # 503, the page
            assert [r.path for r in log if overloaded[0] < r.at < overloaded[0] + 0.6] == []
            assert overloaded[1] >= overloaded[0] + 0.6
        assert {site.served.get(path) for site in network.sites
                for path in ("/fault/busy", "/fault/overloaded")} == {1}
        assert violations(request_times(network), DELAY) == {}
        assert robots_requests(network) == [1, 1]
        assert network.article_requests() == network.article_urls()  # each once


def test_a_source_of_a_host_another_live_crawl_is_asking_is_waited_for(archive):
    """Only this run wants its sources (and the next pages it finds): when another crawl holds
    their host, the run waits for it to let go instead of ending with them undone (seen as a
    next page and its articles missing from a crawl of three processes)."""
    with news_network(1, **SITE) as network:
        (site,), (source,) = network.sites, network.sources
        other = f"{socket.gethostname()}:{os.getpid()}:another-crawl"  # alive: this process
        held_until = time.time() + 1.0
        monotonic_end = monotonic_of(held_until)  # on the servers' clock, read as one moment
        assert Hosts(archive.engine, BackoffCurve()).lease(
            host_of(source), other, time.time(), held_until) is None
        summary = crawl(archive, network.sources, CrawlSettings(policy=POLICY))
        assert (summary.failed, summary.fetched) == (0, 2 + 12)
        assert network.article_requests() == network.article_urls()
        assert min(request.at for request in site.requests) >= monotonic_end - 0.005


def test_kill_9_of_a_worker_loses_nothing_and_a_rerun_completes(archive_url, tmp_path):
    with news_network(3, **{**SITE, "latency": 0.05}) as network:
        victim = crawl_process(archive_url, network.sources, workers=2)
        other = crawl_process(archive_url, network.sources, workers=2)
        deadline = time.monotonic() + 60
        while len(network.article_requests()) < 10 and time.monotonic() < deadline:
            time.sleep(0.01)
        victim.send_signal(signal.SIGKILL)
        victim.wait(10)
        assert other.wait(120) == 0, other.stderr.read()
        rerun = crawl_process(archive_url, network.sources, workers=2)
        assert rerun.wait(120) == 0, rerun.stderr.read()
        for process in (victim, other, rerun):
            process.stderr.close()
        assert violations(request_times(network), DELAY) == {}
        fetched = Counter(network.article_requests())
        assert set(fetched) == set(network.article_urls())
        assert sum(count - 1 for count in fetched.values()) <= 2  # the victim's two claims
        items, responses, states = archived(archive_url)
        assert {url: responses.get(url) for url in network.article_urls()} == {
            url: 1 for url in network.article_urls()}
        assert states == {"done"}
        alone = str(tmp_path / "alone.db")
        with open_archive(alone) as archive:
            crawl(archive, network.sources, CrawlSettings(policy=POLICY))
        assert archived(alone)[0] == items


def test_a_listing_with_more_new_links_than_allowed_queues_only_the_allowed(archive):
    with news_network(1, article_count=30, per_page=30) as network:
        summary = crawl(archive, [network.sites[0].url(LISTING)],
                        CrawlSettings(max_new_links=7, policy=HttpPolicy(delay=0.0)))
        assert summary.links_left_out == 30 - 7
        assert len(network.article_requests()) == 7
        again = crawl(archive, [network.sites[0].url(LISTING)],
                      CrawlSettings(max_new_links=7, policy=HttpPolicy(delay=0.0)))
        assert again.links_left_out == 30 - 14 and len(network.article_requests()) == 14
