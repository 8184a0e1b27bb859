"""A simulated day on two local sites: minute windows from `Net binnen` headlines, stories of
edited versions, outlets with first-seen times, and the same result whatever the ingest order."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import pytest
from conftest import _postgres_schema
from news_day import LOCAL, REPUBLISH_DELAY, DaySite, Fetched, Story, Version, fetch_day, news_day, start
from sqlalchemy import select

from newsarchive.parse import parse_page
from newsarchive.query import ItemFilter
from newsarchive.query.stories import search_stories
from newsarchive.query.tables import ITEMS
from newsarchive.store.archive import Archive, open_archive

DAY_START = datetime(2026, 6, 10, 5, 0, tzinfo=timezone.utc)  # 07:00 local (summer time)
BATCH = 5  # pages per transaction: items meet again across many batches


def simulate(first: datetime, spacing: timedelta) -> Iterator[tuple[list[Story], list[Fetched], list[DaySite]]]:
    stories = news_day(first, spacing)
    sites = [start(DaySite(stories, "127.0.0.1")),
             start(DaySite(stories, "127.0.0.2", delay=REPUBLISH_DELAY, headlines=False))]
    last = max(v.published for s in stories for v in s.versions)
    pages = list(fetch_day(sites, first - timedelta(minutes=10), last + timedelta(hours=2)))
    yield stories, pages, sites
    for site in sites:
        assert site.server is not None
        site.server.shutdown()
        site.server.server_close()


@pytest.fixture(scope="module")
def day() -> Iterator[tuple[list[Story], list[Fetched], list[DaySite]]]:
    yield from simulate(DAY_START, timedelta(minutes=83))


# Nights of the clock change: stories every 20 minutes or so from half an hour before it.
# 29 March 2026: 02:00 CET becomes 03:00 CEST at 01:00 UTC; 25 October 2026: 03:00 CEST becomes
# 02:00 CET at 01:00 UTC, so that 02:00-02:59 local happens twice.
@pytest.fixture(scope="module", params=["2026-03-29T00:20:00+00:00", "2026-10-24T23:30:00+00:00"])
def clock_change_night(request) -> Iterator[tuple[list[Story], list[Fetched], list[DaySite]]]:
    yield from simulate(datetime.fromisoformat(request.param), timedelta(minutes=19))


def ingest(archive: Archive, pages: list[Fetched]) -> None:
    parsed = [(parse_page(p.body, p.fetched_at, p.url), p.body) for p in pages]
    # a listing fetched before anything was out holds no wire page
    results = list(archive.ingest_many([(page, body) for page, body in parsed if page.is_page],
                                       batch_pages=BATCH))
    assert len(results) > 50 and all(r.stored for r in results)


def items(archive: Archive) -> list:
    with archive.engine.connect() as connection:
        return connection.execute(select(ITEMS).order_by(ITEMS.c.id)).all()


def versions_of(row, stories: list[Story], sites: list[DaySite]) -> list[Version]:
    """The versions an item is (oracle: the simulation, not the archive): an article page is
    one; a teaser is every version with its text."""
    everything = [v for s in stories for v in s.versions]
    if row.kind == "article":
        return [v for v in everything for site in sites if site.url_of(v) == row.url]
    return [v for v in everything if v.dateline == row.dateline and v.paragraphs[0] == row.body]


def test_every_window_holds_its_true_minute_and_headlines_make_it_one_minute(archive, day) -> None:
    assert_minute_windows(archive, *day)


def test_minutes_across_the_clock_change(archive, clock_change_night) -> None:
    stories, pages, sites = clock_change_night
    published = sorted(v.published for s in stories for v in s.versions)
    change = published[0].replace(hour=1, minute=0) + timedelta(days=published[0].hour > 12)
    assert published[0] < change - timedelta(minutes=20) and published[-1] > change + timedelta(hours=1)
    # in October, local 02:00-02:59 twice: versions at the same clock time an hour apart
    clocks = [(t.astimezone(LOCAL).hour, t.astimezone(LOCAL).minute) for t in published]
    assert change.month == 3 or any(h == 2 for h, _ in clocks)
    assert_minute_windows(archive, stories, pages, sites)


def assert_minute_windows(archive: Archive, stories: list[Story], pages: list[Fetched],
                          sites: list[DaySite]) -> None:
    ingest(archive, pages)
    rows = items(archive)
    assert len(rows) > 40
    for row in rows:
        versions = versions_of(row, stories, sites)
        assert versions, row
        # a teaser an edit left alone is shown with the newest version's age: that is its time
        true_minute = max(v.published for v in versions)
        assert row.published_earliest <= true_minute <= row.published_latest, (row.id, row.url, row.body)
        assert row.window_source == "headline", (row.id, row.url, row.body)
        assert row.published_latest - row.published_earliest <= timedelta(minutes=1)


def test_every_version_lands_in_its_story_and_no_two_stories_merge(archive, day) -> None:
    stories, pages, sites = day
    ingest(archive, pages)
    story_of: dict[int, set[int]] = {}  # planned story -> story ids given
    for row in items(archive):
        planned = {v.story for v in versions_of(row, stories, sites)}
        assert len(planned) == 1
        story_of.setdefault(planned.pop(), set()).add(row.story_id)
    assert sorted(story_of) == list(range(len(stories)))
    assert all(len(ids) == 1 and None not in ids for ids in story_of.values()), story_of
    given = [next(iter(ids)) for ids in story_of.values()]
    assert len(set(given)) == len(stories)  # the follow-up and the other DEN HAAG story apart


def test_each_story_lists_both_sites_first_seen_when_they_first_showed_it(archive, day) -> None:
    stories, pages, sites = day
    ingest(archive, pages)
    listing_moments = {site.base: sorted(p.fetched_at for p in pages if p.url == f"{site.base}/regio")
                       for site in sites}
    rows = search_stories(archive, ItemFilter(limit=100))
    assert len(rows) == len(stories)
    for row in rows:
        planned = stories[_planned(row.versions[0], archive, stories, sites)]
        expected = []
        for site in sites:  # the first listing fetched after the site showed the first version
            shown = site.shown(planned.versions[0])
            first = next(m for m in listing_moments[site.base] if m >= shown)
            expected.append({"site": urlsplit(site.base).netloc, "first_seen_at": first})
        assert [{"site": o.site, "first_seen_at": o.first_seen_at} for o in row.outlets] == expected


def _planned(item_id: int, archive: Archive, stories: list[Story], sites: list[DaySite]) -> int:
    row = next(r for r in items(archive) if r.id == item_id)
    return versions_of(row, stories, sites)[0].story


@pytest.fixture(params=["sqlite", "postgresql"])
def two_archives(request: pytest.FixtureRequest, tmp_path) -> Iterator[tuple[Archive, Archive]]:
    if request.param == "sqlite":
        urls: Iterator[str] = iter([str(tmp_path / "forward.db"), str(tmp_path / "reverse.db")])
        first, second = open_archive(next(urls)), open_archive(next(urls))
        yield first, second
        first.close(), second.close()
        return
    forward, reverse = _postgres_schema(), _postgres_schema()
    first, second = open_archive(next(forward)), open_archive(next(reverse))
    yield first, second
    first.close(), second.close()
    for schema in (forward, reverse):
        next(schema, None)


def test_reverse_ingest_gives_the_same_stories_and_windows(two_archives, day) -> None:
    _, pages, _ = day
    forward, reverse = two_archives
    ingest(forward, pages)
    ingest(reverse, list(reversed(pages)))
    assert _outcome(forward) == _outcome(reverse)


def _outcome(archive: Archive) -> tuple[dict, set]:
    rows = items(archive)
    windows = {r.content_key: (r.published_earliest, r.published_latest, r.window_source,
                               r.window_conflicts, r.first_seen_at) for r in rows}
    groups: dict[int, set[str]] = {}
    for r in rows:
        groups.setdefault(r.story_id, set()).add(r.content_key)
    return windows, {frozenset(g) for g in groups.values()}
