"""`newsarchive crawl` and `fetch` for cron: exit codes, summary line, quiet, log file, runs that
overlap (no lock: they share the work; --wait), --max-runtime, and a run killed half-way that
resumes without fetching anything twice."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner
from fixture_site import FEED, LISTING
from sqlalchemy import func, select, update

from newsarchive.cli import cli
from newsarchive.fetch.frontier import FRONTIER, RESPONSES, Frontier
from newsarchive.fetch.runs import RUNS
from newsarchive.store.archive import open_archive

SUMMARY = re.compile(
    r"^fetched (\d+), not modified (\d+), failed (\d+), new items (\d+), sightings (\d+) "
    r"in \d+\.\d s$"
)
FAST = ["--delay", "0", "--timeout", "2", "--retries", "0"]


@pytest.fixture
def db(tmp_path) -> str:
    return str(tmp_path / "news.db")


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def last_line(text: str) -> str:
    return text.rstrip("\n").splitlines()[-1]


def test_crawl_ends_with_the_summary_line_and_exit_0(fixture_site, db):
    result = run("crawl", fixture_site.url(LISTING), "--pages", "1", *FAST, "--db", db)
    assert result.exit_code == 0, result.output
    counts = SUMMARY.match(last_line(result.stderr))
    assert counts and counts.groups() == ("11", "0", "0", "20", "70")
    assert result.stdout == ""


def test_failed_pages_are_named_one_line_each_and_exit_1(fixture_site, db):
    result = run("fetch", fixture_site.url("/fault/gone"), fixture_site.url("/fault/loop-a"),
                 fixture_site.url(fixture_site.articles[0].path), *FAST, "--db", db)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[:2] == [
        f"newsarchive: failed {fixture_site.url('/fault/gone')}: HTTP 404 (given up)",
        f"newsarchive: failed {fixture_site.url('/fault/loop-a')}: redirect loop: "
        f"{fixture_site.url('/fault/loop-a')} -> {fixture_site.url('/fault/loop-b')} -> "
        f"{fixture_site.url('/fault/loop-a')} (given up)",
    ]
    assert SUMMARY.match(lines[2]).groups()[:3] == ("1", "0", "2")


@pytest.mark.parametrize("args, message", [
    (["ftp://example.nl/nieuws"], "not an http or https URL: ftp://example.nl/nieuws"),
    (["nieuws/binnenland"], "not an http or https URL: nieuws/binnenland"),
    ([], "no sources: give URLs or --sources FILE"),
])
def test_bad_sources_are_a_usage_error_exit_2(db, args, message):
    result = run("crawl", *args, "--db", db)
    assert result.exit_code == 2
    assert result.stderr == f"newsarchive: {message}\n"


def test_missing_sources_file_is_a_usage_error(db, tmp_path):
    result = run("crawl", "--sources", str(tmp_path / "nergens.txt"), "--db", db)
    assert result.exit_code == 2 and "nergens.txt" in result.stderr


def test_sources_file_with_comments(fixture_site, db, tmp_path):
    sources = tmp_path / "sources.txt"
    sources.write_text(f"# Binnenland, first page only\n\n{fixture_site.url(LISTING)}  # listing\n"
                       f"   {fixture_site.url(FEED)}\n", encoding="utf-8")
    result = run("crawl", "--sources", str(sources), "--pages", "1", *FAST, "--db", db)
    assert result.exit_code == 0, result.stderr
    assert fixture_site.count(LISTING) == 1 and fixture_site.count(FEED) == 1


def test_quiet_prints_nothing_when_all_went_well(fixture_site, db):
    result = run("crawl", fixture_site.url(FEED), "--quiet", *FAST, "--db", db)
    assert result.exit_code == 0 and result.output == ""


def test_quiet_still_prints_errors(fixture_site, db):
    result = run("fetch", fixture_site.url("/fault/gone"), "-q", *FAST, "--db", db)
    assert result.exit_code == 1
    assert result.stderr == f"newsarchive: failed {fixture_site.url('/fault/gone')}: HTTP 404 (given up)\n"


def test_log_file_records_every_request_and_the_summary(fixture_site, db, tmp_path):
    log = tmp_path / "crawl.log"
    result = run("crawl", fixture_site.url(FEED), "--quiet", "--log-file", str(log), *FAST,
                 "--db", db)
    assert result.exit_code == 0
    text = log.read_text(encoding="utf-8")
    assert f"fetched {fixture_site.url(FEED)}" in text
    assert all(f"fetched {fixture_site.url(a.path)}" in text for a in fixture_site.articles[:10])
    assert SUMMARY.match(last_line(text).split(" SUMMARY ")[1])


def test_fetch_twice_is_not_modified_the_second_time(fixture_site, db):
    url = fixture_site.url(fixture_site.articles[0].path)
    assert run("fetch", url, *FAST, "--db", db).exit_code == 0
    again = run("fetch", url, *FAST, "--db", db)
    assert SUMMARY.match(last_line(again.stderr)).groups()[:2] == ("0", "1")


def test_contact_url_goes_into_the_user_agent(fixture_site, db):
    run("fetch", fixture_site.url(FEED), "--contact", "mailto:redactie@example.nl", *FAST,
        "--db", db)
    assert fixture_site.requested(FEED)[0].headers["user-agent"].endswith(
        "(+mailto:redactie@example.nl)")


def crawl_process(db: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "from newsarchive.cli import cli; cli()",
                             "crawl", *args, "--db", db], stderr=subprocess.PIPE, text=True)


def wait_for(event, process: subprocess.Popen) -> None:
    """Until `event()` holds (something the test observes: requests, rows); the deadline only
    bounds a hang, which fails."""
    deadline = time.monotonic() + 60
    while not event():
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        assert time.monotonic() < deadline, "the event did not come"
        time.sleep(0.01)


def runs_started(db: str) -> int:
    with open_archive(db) as archive, archive.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(RUNS)).scalar_one()


def test_overlapping_runs_share_the_work_and_leave_no_lock_file(fixture_site, db, tmp_path):
    temporary = set(os.listdir(tempfile.gettempdir()))
    fixture_site.hold_after = 1  # the first crawl's second article waits: it is mid-articles
    first = crawl_process(db, fixture_site.url(LISTING), "--delay", "0.02", "--quiet")
    wait_for(lambda: len(fixture_site.article_requests()) == 2, first)
    second = crawl_process(db, fixture_site.url(LISTING), "--delay", "0.02", "--quiet")
    wait_for(lambda: runs_started(db) == 2, second)  # the second runs beside the first
    fixture_site.release.set()
    assert (first.wait(60), second.wait(60)) == (0, 0)
    assert (first.stderr.read(), second.stderr.read()) == ("", "")
    assert sorted(fixture_site.article_requests()) == sorted(a.path for a in fixture_site.articles)
    assert not [name for name in os.listdir(tmp_path) if name not in
                ("news.db", "news.db-wal", "news.db-shm")]
    assert not [name for name in set(os.listdir(tempfile.gettempdir())) - temporary
                if name.startswith("newsarchive")]


def lease_article(db: str, url: str, owner: str, seconds: float) -> None:
    """Put `url` in the frontier as a due article, claimed by `owner` for `seconds`."""
    with open_archive(db) as archive:
        Frontier(archive.engine).add([url], "article", None, datetime.now(timezone.utc))
        with archive.engine.begin() as connection:
            connection.execute(update(FRONTIER).where(FRONTIER.c.url == url).values(
                lease_owner=owner, lease_until=time.time() + seconds))


def test_a_url_another_crawl_holds_is_theirs_unless_wait(fixture_site, db):
    fixture_site.now -= timedelta(minutes=2 * 17)  # the newest article not yet out
    assert run("crawl", fixture_site.url(FEED), *FAST, "--db", db).exit_code == 0
    fixture_site.advance(17)  # one new article, held by a crawl on another machine
    newest = fixture_site.articles[0]
    lease_article(db, fixture_site.url(newest.path), "elsewhere:1:feedbeef", 60)
    assert run("crawl", fixture_site.url(FEED), *FAST, "--db", db).exit_code == 0
    assert fixture_site.count(newest.path) == 0

    lease_article(db, fixture_site.url(newest.path), "elsewhere:1:feedbeef", 1.0)
    waited = run("crawl", fixture_site.url(FEED), "--wait", *FAST, "--db", db)
    assert waited.exit_code == 0 and fixture_site.count(newest.path) == 1


def test_claims_of_a_killed_crawl_on_this_machine_are_taken_over_at_once(fixture_site, db):
    fixture_site.now -= timedelta(minutes=2 * 17)  # the newest article not yet out
    assert run("crawl", fixture_site.url(FEED), *FAST, "--db", db).exit_code == 0
    fixture_site.advance(17)
    newest = fixture_site.articles[0]
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    lease_article(db, fixture_site.url(newest.path), f"{socket.gethostname()}:{gone}:0", 600)
    assert run("crawl", fixture_site.url(FEED), *FAST, "--db", db).exit_code == 0
    assert fixture_site.count(newest.path) == 1


def test_max_runtime_stops_claiming_and_the_next_run_goes_on(fixture_site, db):
    result = run("crawl", fixture_site.url(LISTING), "--pages", "1", "--delay", "0.2",
                 "--max-runtime", "1s", "--db", db)
    assert result.exit_code == 0
    assert "--max-runtime reached" in result.stderr
    first = len(fixture_site.article_requests())
    assert 1 <= first < 10
    again = run("crawl", fixture_site.url(LISTING), "--pages", "1", *FAST, "--db", db)
    assert again.exit_code == 0
    assert sorted(fixture_site.article_requests()) == sorted(
        a.path for a in fixture_site.listing_articles(1))


def test_overlapping_runs_with_max_runtime_end_cleanly_and_the_next_run_goes_on(
        fixture_site, archive_url):
    """Cron starts a run while the last one is still going: the second leaves the host the
    first is asking to it (no --wait) and ends; the first reaches --max-runtime with a request
    in flight, ends it, gives its claims and its host back and exits 0; the next run does the
    rest at once (not after a lease ran out), and nothing is asked twice."""
    fixture_site.hold_after = 1  # the first run's second article waits: it is mid-run
    first = crawl_process(archive_url, fixture_site.url(LISTING), "--pages", "1", "--delay",
                          "0.05", "--max-runtime", "1s")
    wait_for(lambda: len(fixture_site.article_requests()) == 2, first)
    held_since = time.monotonic()
    second = crawl_process(archive_url, fixture_site.url(LISTING), "--pages", "1", "--delay",
                           "0.05", "--quiet")
    assert second.wait(60) == 0
    while time.monotonic() < held_since + 1.0:  # the first run's deadline is behind it
        time.sleep(0.05)
    fixture_site.release.set()
    assert first.wait(60) == 0
    first_lines = first.stderr.read().splitlines()
    assert first_lines[0] == ("newsarchive: --max-runtime reached: no new URLs claimed; the "
                              "next run goes on")
    assert re.fullmatch(r"fetched 3, not modified 0, failed 0, new items \d+, sightings \d+ in "
                        r"[0-9.]+ s", first_lines[1]), first_lines
    assert (len(first_lines), second.stderr.read()) == (2, "")
    assert len(fixture_site.article_requests()) == 2
    following = crawl_process(archive_url, fixture_site.url(LISTING), "--pages", "1",
                              "--delay", "0.05", "--quiet")
    assert (following.wait(60), following.stderr.read()) == (0, "")
    listed = sorted(a.path for a in fixture_site.listing_articles(1))
    assert sorted(fixture_site.article_requests()) == listed  # each once


def test_bad_max_runtime_is_a_usage_error(fixture_site, db):
    result = run("crawl", fixture_site.url(FEED), "--max-runtime", "soon", "--db", db)
    assert result.exit_code == 2 and "not a duration: 'soon'" in result.stderr
    assert fixture_site.requests == []


def test_killed_run_resumes_and_fetches_nothing_twice(fixture_site, db):
    command = [sys.executable, "-c", "from newsarchive.cli import cli; cli()", "crawl",
               fixture_site.url(LISTING),
               "--delay", "0", "--quiet", "--db", db]
    fixture_site.hold_after = 12  # the 13th article request waits: the crawl is killed there
    process = subprocess.Popen(command, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while len(fixture_site.article_requests()) <= 12 and time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read().decode()
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    process.stderr.close()
    fixture_site.release.set()
    assert len(fixture_site.article_requests()) == 13  # one worker: one request in flight
    with open_archive(db) as archive, archive.engine.connect() as connection:
        stored_first = set(connection.execute(select(RESPONSES.c.url)).scalars())
    assert len(stored_first & {fixture_site.url(a.path) for a in fixture_site.articles}) == 12
    before = len(fixture_site.requests)

    result = run("crawl", fixture_site.url(LISTING), "--delay", "0", "--db", db)
    assert result.exit_code == 0, result.stderr
    second_run = {fixture_site.url(r.path) for r in fixture_site.requests[before:]}
    articles = {fixture_site.url(a.path) for a in fixture_site.articles}
    assert not (second_run & stored_first & articles), "an archived article was fetched again"
    with open_archive(db) as archive, archive.engine.connect() as connection:
        per_url = dict(connection.execute(
            select(RESPONSES.c.url, func.count()).group_by(RESPONSES.c.url)).all())
        states = dict(connection.execute(select(FRONTIER.c.url, FRONTIER.c.state)).all())
    assert {url: per_url.get(url) for url in articles} == {url: 1 for url in articles}
    assert {states[url] for url in articles} == {"done"}


def test_progress_bar_only_when_stderr_is_a_terminal(fixture_site, db, monkeypatch):
    plain = run("crawl", fixture_site.url(FEED), *FAST, "--db", db)
    assert "fetching" not in plain.stderr
    monkeypatch.setattr("newsarchive.cli._stderr_is_terminal", lambda: True)
    fixture_site.advance(17)  # one new article to fetch
    shown = run("crawl", fixture_site.url(FEED), *FAST, "--db", db)
    assert "fetching" in shown.stderr
    quiet = run("crawl", fixture_site.url(FEED), "--quiet", *FAST, "--db", db)
    assert quiet.stderr == ""


def test_archive_that_cannot_be_opened_is_a_configuration_error(fixture_site, tmp_path):
    not_an_archive = tmp_path / "other.db"
    sqlite_with_a_table(not_an_archive)
    result = run("crawl", fixture_site.url(FEED), *FAST, "--db", str(not_an_archive))
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1
    assert "not a newsarchive archive" in result.stderr
    assert fixture_site.requests == []


def sqlite_with_a_table(path):
    import sqlite3

    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE boodschappen (naam TEXT)")
