"""Crawl runs in the archive: each `crawl` or `fetch` writes a `crawl_runs` row at its start and
end (exit status, new items) and its counts per host in `crawl_run_hosts`; a run killed with
kill -9 keeps no end, one interrupted with Ctrl-C ends with 130. The counts are checked
against what the archive's own tables say the run did (its responses, the frontier)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from datetime import datetime
from typing import Any

from fixture_site import LISTING
from news_network import news_network
from sqlalchemy import text

from newsarchive.fetch.clock import ManualClock
from newsarchive.fetch.crawl import crawl, fetch
from newsarchive.fetch.http import HttpPolicy
from newsarchive.fetch.settings import CrawlSettings
from newsarchive.store.archive import Archive, open_archive
from newsarchive.store.types import UTCDateTime

SETTINGS = CrawlSettings(policy=HttpPolicy(delay=0.0, connect_timeout=2, timeout=2, retries=0))
COUNTS = ("fetched", "not_modified", "failed", "given_up")


def query(archive: Archive, sql: str, **values: Any) -> list[tuple[Any, ...]]:
    with archive.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql), values)]


def moment(archive: Archive, value: Any) -> datetime | None:
    return UTCDateTime().process_result_value(value, archive.engine.dialect)


def runs(archive: Archive) -> list[tuple[Any, ...]]:
    return [(run_id, command, moment(archive, started), moment(archive, ended), status, sources,
             new_items) for run_id, command, started, ended, status, sources, new_items in query(
        archive, "SELECT id, command, started_at, ended_at, exit_status, sources, new_items "
                 "FROM crawl_runs ORDER BY id")]


def host_counts(archive: Archive, run_id: int) -> dict[str, tuple[int, ...]]:
    return {host: tuple(counts) for host, *counts in query(
        archive, f"SELECT host, {', '.join(COUNTS)} FROM crawl_run_hosts WHERE run_id = :run",
        run=run_id)}


def responses_between(archive: Archive, since: datetime, until: datetime) -> dict[str, list[int]]:
    """Per host, the statuses of the responses stored in [since, until]: what the run fetched."""
    found: dict[str, list[int]] = {}
    for url, status, fetched in query(archive, "SELECT url, status, fetched_at FROM crawl_responses"):
        at = moment(archive, fetched)
        assert at is not None
        if since <= at <= until:
            found.setdefault(url.split("/")[2], []).append(status)
    return found


def responses_stored(archive: Archive, after_id: int, upto_id: int) -> dict[str, list[int]]:
    """Per host, the statuses of the responses with ids in (after_id, upto_id]: what one run of
    runs that followed each other stored (their fetch times are whole seconds, so two runs in
    one second cannot be told apart by time)."""
    found: dict[str, list[int]] = {}
    for url, status in query(archive, "SELECT url, status FROM crawl_responses WHERE id > "
                                      f"{after_id} AND id <= {upto_id}"):
        found.setdefault(url.split("/")[2], []).append(status)
    return found


def last_response_id(db: str) -> int:
    with open_archive(db) as archive:
        return query(archive, "SELECT coalesce(max(id), 0) FROM crawl_responses")[0][0]


def test_a_run_records_its_start_end_and_counts_per_host(archive: Archive) -> None:
    with news_network(2, article_count=6, per_page=6,
                      extra_links=["/fault/flaky", "/fault/gone"]) as network:
        first_site, second_site = (site.url(LISTING).split("/")[2] for site in network.sites)
        clock = ManualClock()
        first = crawl(archive, network.sources, SETTINGS, clock=clock)
        clock.advance(3600)
        second = crawl(archive, network.sources, SETTINGS, clock=clock)
        clock.advance(60)
        fetch(archive, [network.sites[1].url("/fault/gone")], SETTINGS, clock=clock)

    recorded = runs(archive)
    assert [(command, status, sources) for _, command, _, _, status, sources, _ in recorded] == [
        ("crawl", 1, 2), ("crawl", 0, 2), ("fetch", 1, 1)]
    assert [new for *_, new in recorded[:2]] == [first.new_items, second.new_items]
    assert first.new_items > 0
    for (run_id, _, started, ended, _, _, _), summary in zip(recorded, (first, second)):
        assert started is not None and ended is not None and started <= ended
        statuses = responses_between(archive, started, ended)
        counts = host_counts(archive, run_id)
        assert {host: row[:2] for host, row in counts.items()} == {
            host: (sum(s != 304 for s in found), found.count(304))
            for host, found in statuses.items()}
        assert tuple(sum(row[n] for row in counts.values()) for n in range(4)) == (
            summary.fetched, summary.not_modified, summary.failed - summary.given_up,
            summary.given_up)
    # Run 1: each site's listing and 6 articles; flaky failed (tried again later), gone gave up.
    assert host_counts(archive, recorded[0][0]) == {
        first_site: (7, 0, 1, 1), second_site: (7, 0, 1, 1)}
    # Run 2: the listings not modified, flaky due again and fetched, gone left alone.
    assert host_counts(archive, recorded[1][0]) == {
        first_site: (1, 1, 0, 0), second_site: (1, 1, 0, 0)}
    assert host_counts(archive, recorded[2][0]) == {second_site: (0, 0, 0, 1)}
    assert query(archive, "SELECT state FROM crawl_frontier WHERE url LIKE '%/fault/flaky'") == [
        ("done",), ("done",)]


def crawl_process(db: str, sources: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", "from newsarchive.cli import cli; cli()", "crawl", *sources,
         "--delay", "0.05", "--timeout", "2", "--retries", "0", "--quiet", "--db", db],
        stderr=subprocess.PIPE, text=True)


def test_a_killed_run_shows_no_end_and_an_interrupted_one_ends_with_130(tmp_path) -> None:
    db = str(tmp_path / "news.db")
    open_archive(db).close()
    boundaries = [last_response_id(db)]  # the last response id before each run and after all
    with news_network(1, article_count=40, per_page=40, latency=0.05) as network:
        for how, sent in ((signal.SIGKILL, -9), (signal.SIGINT, 130)):
            before = len(network.article_requests())
            process = crawl_process(db, network.sources)
            deadline = time.monotonic() + 60
            while len(network.article_requests()) < before + 3 and time.monotonic() < deadline:
                time.sleep(0.01)
            process.send_signal(how)
            assert process.wait(30) == sent
            process.stderr.close()
            boundaries.append(last_response_id(db))
        rerun = crawl_process(db, network.sources)
        assert rerun.wait(120) == 0, rerun.stderr.read()
        rerun.stderr.close()
        boundaries.append(last_response_id(db))
    with open_archive(db) as archive:
        recorded = runs(archive)
        assert [(ended is None, status) for _, _, _, ended, status, _, _ in recorded] == [
            (True, None), (False, 130), (False, 0)]
        assert host_counts(archive, recorded[0][0]) == {}  # killed: no counts, but its responses
        assert responses_stored(archive, boundaries[0], boundaries[1]) != {}
        for (run_id, *_), after_id, upto_id in zip(recorded[1:], boundaries[1:], boundaries[2:]):
            assert {host: row[:2] for host, row in host_counts(archive, run_id).items()} == {
                host: (sum(s != 304 for s in found), found.count(304))
                for host, found in responses_stored(archive, after_id, upto_id).items()}
