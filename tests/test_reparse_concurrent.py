"""Reparse in processes of its own, at the same time as other work on one archive: beside a
crawl (SQLite and PostgreSQL), and as two shards at once (PostgreSQL). Each must finish, lose and
double nothing, and leave the archive a fresh ingest of its raw material in fetch order would
build."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from fixture_site import LISTING, FixtureSite
from reparse_corpus import (
    NEXT_VERSION,
    documents,
    fresh_ingest,
    raw_material,
    snapshot,
    use_next_parser,
)
from sqlalchemy import func, select, text

from newsarchive.fetch.frontier import FRONTIER
from newsarchive.pipeline import ingest_documents
from newsarchive.reparse import RUNS, STAGED
from newsarchive.store.archive import open_archive
from newsarchive.store.ingest import PAGES
from newsarchive.store.responses import RESPONSES

TESTS = Path(__file__).resolve().parent
NEWSARCHIVE = str(Path(sys.executable).parent / "newsarchive")
FAST = ["--delay", "0", "--timeout", "5", "--retries", "0"]
HELD = ["--delay", "0", "--timeout", "90", "--retries", "0"]  # a held answer is no failure


def count(archive, table) -> int:
    with archive.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_reparse_beside_a_crawl_loses_and_doubles_nothing(archive_url, tmp_path):
    site = FixtureSite(article_count=90, latency=0.1)
    site.now = site.origin + timedelta(minutes=17 * 30)  # 30 articles out; 60 more to come
    with site, open_archive(archive_url) as archive:
        first = subprocess.run([NEWSARCHIVE, "crawl", site.url(LISTING), "--pages", "3", *FAST,
                                "--quiet", "--db", archive_url], capture_output=True, text=True)
        assert first.returncode == 0, first.stderr
        before = count(archive, PAGES)
        assert before == 3 + 30
        site.advance(17 * 60)  # the next run finds 60 new articles on nine listing pages
        # its last article is answered once the reparse is over (however slow a loaded machine
        # makes the reparse): the crawl is still at work when it ends
        site.hold_after = len(site.article_requests()) + 59
        crawl = subprocess.Popen([NEWSARCHIVE, "crawl", site.url(LISTING), "--pages", "9",
                                  *HELD, "--quiet", "--db", archive_url],
                                 stderr=subprocess.PIPE, text=True)
        try:
            wait_for(lambda: count(archive, PAGES) > before + 9)  # its listings, some articles
            reparse = subprocess.run([NEWSARCHIVE, "reparse", "--all", "--db", archive_url],
                                     capture_output=True, text=True, timeout=120)
            crawling = crawl.poll() is None
        finally:
            site.release.set()
        assert (crawl.wait(120), crawl.stderr.read()) == (0, "")
        assert reparse.returncode == 0 and "archive rebuilt from" in reparse.stderr, reparse.stderr
        assert crawling  # the crawl went on storing pages while the reparse ran
        pages = count(archive, PAGES)
        assert pages == 3 + 30 + 9 + 60  # each fetched page once: nothing lost, nothing doubled
        assert sorted(site.article_requests()) == sorted(a.path for a in site.articles)
        with archive.engine.connect() as connection:
            answered = connection.execute(select(func.count(RESPONSES.c.page_id.distinct()))).scalar()
            articles = connection.execute(select(FRONTIER.c.state, func.count()).where(
                FRONTIER.c.kind == "article").group_by(FRONTIER.c.state)).all()
        assert (answered, articles) == (pages, [("done", 90)])
        assert count(archive, STAGED) == count(archive, RUNS) == 0
        assert snapshot(archive, with_ids=False) == fresh_ingest(str(tmp_path / "fresh.db"),
                                                                 raw_material(archive))


@pytest.fixture
def postgres_url(archive_url):
    if not archive_url.startswith("postgresql"):
        pytest.skip("shards on different machines share a PostgreSQL archive")
    return archive_url


def test_two_shards_at_the_same_time_give_the_result_of_one_run(postgres_url, tmp_path,
                                                                  monkeypatch):
    docs = [replace(doc, url=f"{doc.url}-{n}") for n, doc in enumerate(documents(300))]
    with open_archive(postgres_url) as archive:
        for ingested in ingest_documents(archive, docs):  # by today's parser
            assert ingested.result is not None
        brussel = sum(item[3] == "BRUSSEL" for item in snapshot(archive)["items"].values())
        assert brussel > 0
        runner = [sys.executable, str(TESTS / "next_parser.py"), "reparse", "--db", postgres_url]
        shards = [subprocess.Popen([*runner, "--shard", shard], stderr=subprocess.PIPE, text=True)
                  for shard in ("0/2", "1/2")]
        together = shards[0].poll() is None  # the first still runs as the second starts
        assert [process.wait(300) for process in shards] == [0, 0]
        assert together
        lines = sorted((process.stderr.read() for process in shards), key=lambda line: (
            not line.startswith("newsarchive: reparsed")))  # the shard that rebuilt first
        rebuilt = (f"newsarchive: reparsed 300 pages (150 parsed by this run), archive rebuilt "
                   f"from 300 pages: items 0 added, {brussel} removed, 0 changed\n")
        # the first to finish leaves the rebuild to the other; or, finishing in the same
        # moment, finds that the other rebuilt already
        assert lines[0] == rebuilt
        assert re.fullmatch(
            r"newsarchive: parsed 150 pages; (waiting for ([1-9]\d*) pages other shards have "
            r"still to parse \(the last shard to finish rebuilds the archive\)|another shard "
            r"rebuilt the archive)\n", lines[1]), lines[1]
        assert count(archive, STAGED) == count(archive, RUNS) == 0
        with archive.engine.connect() as connection:
            assert connection.execute(text("SELECT DISTINCT parser_version FROM pages")).all() == [
                (NEXT_VERSION,)]
        got = snapshot(archive, with_ids=False)
    use_next_parser(monkeypatch.setattr)  # the oracle: one fresh ingest by the next parser
    assert got == fresh_ingest(str(tmp_path / "one.db"), docs)
