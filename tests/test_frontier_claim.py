"""The claim's order: wanted URLs first (whatever their id and kind), then due articles by id;
and on SQLite the claim walks the workable index instead of sorting every URL to work on."""

from __future__ import annotations

import pytest
from conftest import migrated_archive, new_archive_url
from sqlalchemy import event, update

from newsarchive.fetch.clock import ManualClock
from newsarchive.fetch.frontier import FRONTIER, Frontier, Work
from newsarchive.store.crawl_models import FrontierState

A1, A2, B1 = "http://a.example/1", "http://a.example/2", "http://b.example/1"
LISTING, DONE_ARTICLE = "http://c.example/listing", "http://c.example/done"


@pytest.fixture
def sqlite_archive(request, tmp_path):
    for url in new_archive_url("sqlite", tmp_path):
        with migrated_archive(request, url) as opened:
            yield opened


def seeded(archive, clock):
    """Articles A1, A2, B1 (in that id order), then a listing and an archived article."""
    frontier = Frontier(archive.engine)
    frontier.add([A1, A2, B1], "article", None, clock.now())
    frontier.add([LISTING], "listing", None, clock.now())
    frontier.add([DONE_ARTICLE], "article", None, clock.now())
    with archive.engine.begin() as connection:
        connection.execute(update(FRONTIER).where(FRONTIER.c.url == DONE_ARTICLE)
                           .values(state=FrontierState.DONE.value))
    return frontier


def claimed(frontier, clock, work):
    urls = []
    while (claim := frontier.claim(f"w{len(urls)}", work, clock.now(), lease=60)) is not None:
        urls.append(claim.url)
    return urls


def test_without_wanted_urls_due_articles_are_claimed_by_id_one_per_host(archive):
    clock = ManualClock()
    frontier = seeded(archive, clock)
    assert claimed(frontier, clock, Work()) == [A1, B1]  # a.example is busy with A1


def test_wanted_urls_come_first_whatever_their_id_and_state(archive):
    clock = ManualClock()
    frontier = seeded(archive, clock)
    work = Work(wanted=frozenset({LISTING, DONE_ARTICLE}))
    # both of c.example: one at a time, the lower id first; then the articles
    assert claimed(frontier, clock, work) == [LISTING, A1, B1]


def test_a_wanted_url_of_a_busy_host_leaves_the_claim_to_the_articles(archive):
    clock = ManualClock()
    frontier = seeded(archive, clock)
    assert frontier.claim("other", Work(), clock.now(), lease=60).url == A1
    work = Work(wanted=frozenset({A2}))  # of a.example, which `other` is asking
    assert claimed(frontier, clock, work) == [B1]


def test_a_wanted_article_is_claimed_before_lower_ids(archive):
    clock = ManualClock()
    frontier = seeded(archive, clock)
    assert claimed(frontier, clock, Work(wanted=frozenset({B1}))) == [B1, A1]


def test_only_wanted_urls_without_articles(archive):
    clock = ManualClock()
    frontier = seeded(archive, clock)
    assert claimed(frontier, clock, Work(wanted=frozenset({A2}), articles=False)) == [A2]


def test_on_sqlite_the_claim_walks_the_workable_index_and_sorts_nothing(sqlite_archive):
    clock = ManualClock()
    frontier = seeded(sqlite_archive, clock)
    frontier.add([f"http://d.example/{n}" for n in range(50)], "article", None, clock.now())
    for work in (Work(), Work(wanted=frozenset({LISTING}))):
        plan = claim_plan(sqlite_archive.engine, frontier, work, clock)
        assert "ix_crawl_frontier_workable" in plan
        assert "TEMP B-TREE" not in plan


def claim_plan(engine, frontier, work, clock) -> str:
    """EXPLAIN QUERY PLAN of the statements a claim sends, as one text."""
    sent = []

    def record(_connection, _cursor, statement, parameters, _context, _many):
        if not statement.startswith("BEGIN"):
            sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        assert frontier.claim("planner", work, clock.now(), lease=60) is not None
    finally:
        event.remove(engine, "before_cursor_execute", record)
    with engine.connect() as connection:
        driver = connection.connection.driver_connection
        return "\n".join(str(row) for statement, parameters in sent
                         for row in driver.execute(f"EXPLAIN QUERY PLAN {statement}", parameters))
