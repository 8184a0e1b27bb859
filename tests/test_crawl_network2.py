"""`newsarchive crawl` over a second simulated news network (`news_network2.py`): 32 outlets on
127.0.0.2 ... 127.0.0.33 in five shapes (RSS, Atom, listings paginated by rel=next, by
"Volgende", by ?page=N), validators of every kind, tracked links, wire copy on several outlets,
redirects on and off the site, and hosts that fail mid-run. Every count is read off the servers'
own request logs and compared with what the network serves (the oracle), on SQLite and
PostgreSQL."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta

import pytest
from click.testing import CliRunner
from news_network import violations
from news_network2 import REDIRECTS, WIRE, Fault, Network, Outlet, Shape, make_outlets, news_network2
from sqlalchemy import func, select

from newsarchive.cli import cli
from newsarchive.fetch.clock import SystemClock
from newsarchive.fetch.crawl import crawl
from newsarchive.fetch.frontier import FRONTIER, RESPONSES
from newsarchive.fetch.headers import decode_header, encode_header
from newsarchive.fetch.http import HttpPolicy
from newsarchive.fetch.settings import CrawlSettings
from newsarchive.store.archive import open_archive
from newsarchive.store.tables import metadata

ITEMS = metadata.tables["items"]
SIGHTINGS = metadata.tables["sightings"]
RUNS = metadata.tables["crawl_runs"]
DELAY = 0.05
TIMEOUT = 10.0  # no request of a loaded machine misses it ...
SHORT = 2.0  # ... and the slow faults (SLOW_SECONDS) miss this one
SLOW_SECONDS = 4.0
SUMMARY = re.compile(r"^fetched (\d+), not modified (\d+), failed (\d+), new items (\d+), "
                     r"sightings (\d+) in \d+\.\d s$")
PAGES = 3  # --pages, the default
LONG = {13: 10, 24: 10}  # outlets with more listing pages than --pages (a VOLGENDE, a PAGED)


def run_crawl(network: Network, db: str, *extra: str, sources: list[str] | None = None,
              timeout: float = TIMEOUT) -> tuple[int, list[str], list[int]]:
    """`newsarchive crawl` of the network's sources: exit code, stderr lines, summary counts."""
    result = CliRunner().invoke(cli, [
        "crawl", *(network.sources if sources is None else sources), "--delay", str(DELAY),
        "--timeout", str(timeout), "--retries", "1", "--workers", "8", "--db", db, *extra],
        catch_exceptions=False)
    lines = result.stderr.rstrip("\n").splitlines()
    counts = SUMMARY.match(lines[-1]) if lines else None
    assert counts, result.stderr
    return result.exit_code, lines[:-1], [int(n) for n in counts.groups()]


# --- the oracle: what the network serves --------------------------------------------------------
def listing_pages(outlet: Outlet) -> list[str]:
    if not outlet.listing:
        return []
    return [outlet.page_path(page) for page in range(1, min(outlet.pages, PAGES) + 1)]


def expected_articles(outlet: Outlet) -> list[str]:
    """The slugs the crawl must archive: those on the listing pages it reads and in the feed."""
    slugs = [s.slug for page in range(1, min(outlet.pages, PAGES) + 1)
             for s in outlet.on_page(page)] if outlet.listing else []
    if outlet.feed:
        slugs += [s.slug for s in outlet.in_feed()]
    return list(dict.fromkeys(slugs))


def redirected(outlet: Outlet) -> list[str]:
    """Slugs linked by their old path `/artikel/<slug>` (301 to `/nieuws/<slug>`)."""
    if outlet.shape is not Shape.PAGED:
        return []
    return [s.slug for page in range(1, min(outlet.pages, PAGES) + 1)
            for index, s in enumerate(outlet.on_page(page)) if page > 1 or index == 0]


def article_paths(outlet: Outlet) -> Counter[str]:
    """Article requests per path, query and all (a tracked spelling would show as its own)."""
    return Counter(outlet.article_hits())


def archived_articles(db: str) -> dict[str, int]:
    """Article items by URL, with how many rows each URL has."""
    with open_archive(db) as archive, archive.engine.connect() as connection:
        return dict(connection.execute(
            select(ITEMS.c.url, func.count()).where(ITEMS.c.kind == "article")
            .group_by(ITEMS.c.url)).all())


def responses_per_url(db: str, status: int = 200) -> dict[str, int]:
    with open_archive(db) as archive, archive.engine.connect() as connection:
        return dict(connection.execute(
            select(RESPONSES.c.url, func.count()).where(RESPONSES.c.status == status)
            .group_by(RESPONSES.c.url)).all())


def wire_teasers(db: str) -> dict[str, tuple[int, int]]:
    """Per wire story (by title): (teaser item rows of its text, sightings of those rows)."""
    found = {}
    with open_archive(db) as archive, archive.engine.connect() as connection:
        for story in WIRE:
            ids = connection.execute(select(ITEMS.c.id).where(
                ITEMS.c.kind == "teaser", ITEMS.c.dateline == story.dateline,
                ITEMS.c.body == story.body)).scalars().all()
            seen = connection.execute(select(func.count()).select_from(SIGHTINGS).where(
                SIGHTINGS.c.item_id.in_(ids))).scalar_one()
            found[story.slug] = (len(ids), seen)
    return found


def wire_stories(db: str) -> dict[str, tuple[set[int], set[str]]]:
    """Per wire story: the story ids of its items (the teaser and every outlet's article), and
    the URLs of its article items."""
    found = {}
    with open_archive(db) as archive, archive.engine.connect() as connection:
        for story in WIRE:
            rows = connection.execute(select(ITEMS.c.story_id, ITEMS.c.kind, ITEMS.c.url).where(
                ITEMS.c.dateline == story.dateline,
                ITEMS.c.body.startswith(story.body, autoescape=True))).all()
            found[story.slug] = ({row.story_id for row in rows},
                                 {row.url for row in rows if row.kind == "article"})
    return found


def frontier(db: str) -> dict[str, tuple]:
    with open_archive(db) as archive, archive.engine.connect() as connection:
        return {row.url: (row.state, row.failure_reason) for row in connection.execute(
            select(FRONTIER.c.url, FRONTIER.c.state, FRONTIER.c.failure_reason))}


@pytest.fixture
def network():
    outlets = make_outlets()
    for number, own in LONG.items():
        outlets[number] = Outlet(number, outlets[number].shape, outlets[number].validator,
                                 own=own, carries=outlets[number].carries)
    with news_network2(outlets) as served:
        yield served


# --- one network, three runs ---------------------------------------------------------------------
def first_run(network: Network, db: str) -> None:
    """The first run: every article archived and fetched once whatever its spelling, nothing
    off the site asked, one wire item for the wire story on several outlets."""
    code, lines, (fetched, not_modified, failed, new_items, sightings) = run_crawl(
        network, db)
    assert (code, lines) == (0, [])
    pages = sum(len(listing_pages(o)) + bool(o.feed) for o in network.outlets)
    articles = sum(len(expected_articles(o)) for o in network.outlets)
    assert (fetched, not_modified, failed) == (pages + articles, 0, 0)
    for outlet in network.outlets:
        expected = Counter({f"/nieuws/{slug}": 1 for slug in expected_articles(outlet)})
        expected.update({f"/artikel/{slug}": 1 for slug in redirected(outlet)})
        assert article_paths(outlet) == expected, outlet.number
        others = Counter(hit.path for hit in outlet.got()
                         if not hit.path.startswith(("/nieuws/", "/artikel/")))
        sources = Counter({"/robots.txt": 1, **{p: 1 for p in listing_pages(outlet)}})
        if outlet.feed:
            sources[outlet.feed] = 1
        assert others == sources, outlet.number  # no menu, footer, front page or page 4
    assert network.elsewhere.paths == []  # neither the canonical links nor the feeds' link
    assert violations(network.request_times(), DELAY) == {}
    # an article is its URL as fetched (tracking and fragments dropped), one row each
    assert archived_articles(db) == {
        outlet.url(f"/nieuws/{slug}"): 1 for outlet in network.outlets
        for slug in expected_articles(outlet)}
    # one wire item, seen on every page that showed it
    assert wire_teasers(db) == {
        story.slug: (1, network.sightings_shown(story.slug)) for story in WIRE}
    assert {slug: network.sightings_shown(slug) >= 2 for slug in (s.slug for s in WIRE)} == {
        story.slug: True for story in WIRE}
    # the outlets' articles of one wire story and its teaser are versions of one story
    stories = wire_stories(db)
    assert {slug: len(ids) for slug, (ids, _) in stories.items()} == {s.slug: 1 for s in WIRE}
    assert {slug: urls for slug, (_, urls) in stories.items()} == {
        story.slug: {o.url(story.path) for o in network.outlets
                     if story.slug in expected_articles(o)} for story in WIRE}
    assert new_items > articles and sightings > new_items


def test_three_runs_fetch_all_then_nothing_then_only_the_new(network, archive_url):
    first_run(network, archive_url)
    network.clear()
    code, lines, (fetched, not_modified, failed, new_items, sightings) = run_crawl(
        network, archive_url)
    assert (code, lines, failed, new_items) == (0, [], 0, 0)
    answered = Counter()
    for outlet in network.outlets:
        assert outlet.article_hits() == [], outlet.number
        for hit in outlet.got():
            sent = {name for name in ("if-none-match", "if-modified-since") if name in hit.headers}
            asked = {"etag": {"if-none-match"}, "modified": {"if-modified-since"},
                     "both": {"if-none-match", "if-modified-since"}, "none": set()}
            assert sent == asked[outlet.validator], (outlet.number, hit.path)
            answered[hit.status] += 1
    without = sum(len(listing_pages(o)) + bool(o.feed) for o in network.outlets
                  if o.validator == "none")
    assert answered == {304: not_modified, 200: fetched}
    assert fetched == without and not_modified > 0
    assert sum(responses_per_url(archive_url, 304).values()) == not_modified
    assert wire_teasers(archive_url) == {  # the 304s add no sightings, the 200s do
        story.slug: (1, network.sightings_shown(story.slug)) for story in WIRE}

    before = set(archived_articles(archive_url))
    network.clear()
    fresh = {outlet.number: outlet.publish(2) for outlet in network.outlets[::3]}
    code, lines, (fetched, not_modified, failed, new_items, sightings) = run_crawl(
        network, archive_url)
    assert (code, lines, failed) == (0, [], 0)
    for outlet in network.outlets:
        new = [s.slug for s in fresh.get(outlet.number, [])]
        assert Counter(p for p in outlet.article_hits() if p.startswith("/nieuws/")) == Counter(
            {f"/nieuws/{slug}": 1 for slug in new}), outlet.number
        # a story pushed to page 2 of a PAGED listing is linked by its old path: one redirect,
        # the archived target not asked again
        assert {hit.status for hit in outlet.got() if hit.path.startswith("/artikel/")} <= set(
            REDIRECTS)
    assert set(archived_articles(archive_url)) - before == {
        network.outlets[number].url(f"/nieuws/{s.slug}") for number, stories in fresh.items()
        for s in stories}
    assert new_items >= sum(map(len, fresh.values()))
    assert wire_teasers(archive_url) == {
        story.slug: (1, network.sightings_shown(story.slug)) for story in WIRE}
    assert violations(network.request_times(), DELAY) == {}


# --- hosts failing mid-run, and coming back ------------------------------------------------------
class Later(SystemClock):
    """The real clock, `ahead` seconds on: the next run, an hour after the last."""

    def __init__(self, ahead: float) -> None:
        self.ahead = timedelta(seconds=ahead)

    def now(self) -> datetime:
        return super().now() + self.ahead


def served_once(outlet: Outlet) -> Counter[str]:
    """200 answers per article path over every log of the outlet."""
    return Counter(hit.path for hit in [*outlet.history, *outlet.got()]
                   if hit.status == 200 and hit.path.startswith("/nieuws/"))


def test_hosts_failing_mid_run_lose_nothing_and_come_back_on_the_next_run(archive_url):
    outlets = make_outlets(10)
    outlets[1] = Outlet(1, outlets[1].shape, outlets[1].validator, own=3)  # fewer resets to wait
    with news_network2(outlets) as network:
        down, resetting, erring, slow, flaky, offsite, going, no_listing, late = network.outlets[:9]
        late.faults["/robots.txt"] = Fault.SLOW  # over the deadline: the host waits a run
        slow.slow_seconds = late.slow_seconds = SLOW_SECONDS
        down.down()
        going.down_after = 4  # robots.txt, the feed, two articles; then gone (refused)
        resetting.reset_after = 3  # robots.txt, the feed, one article; then every request reset
        erring.faults["/nieuws/o2-bericht-1"] = Fault.ERROR
        slow.faults["/nieuws/o3-bericht-1"] = Fault.SLOW  # over the deadline
        slow.faults["/laatste/2"] = Fault.ERROR  # its articles and page 3 wait for the next run
        flaky.faults["/nieuws/o4-bericht-0"] = Fault.FLAKY  # 500, then 200 on the retry
        offsite.faults["/nieuws/o5-bericht-2"] = Fault.OFFSITE  # 302 to Elsewhere
        no_listing.faults["/nieuws"] = Fault.RESET  # its feed still leads to its articles

        code, lines, (fetched, _, failed, _, _) = run_crawl(network, archive_url, timeout=SHORT)
        assert code == 1
        assert served_once(slow) == {f"/nieuws/{s.slug}": 1 for s in slow.on_page(1)
                                     if s.path != "/nieuws/o3-bericht-1"}
        reset_articles = [f"/nieuws/{slug}" for slug in expected_articles(resetting)
                          if served_once(resetting)[f"/nieuws/{slug}"] == 0]
        assert len(reset_articles) == len(expected_articles(resetting)) - 1
        expected = {
            down.url(down.feed): ("failed", "robots_unavailable"),
            **{resetting.url(path): ("failed", "connect_failed") for path in reset_articles},
            erring.url("/nieuws/o2-bericht-1"): ("failed", "http_status"),
            slow.url("/nieuws/o3-bericht-1"): ("failed", "deadline"),
            slow.url("/laatste/2"): ("failed", "http_status"),
            offsite.url("/nieuws/o5-bericht-2"): ("given_up", "redirect_off_site"),
            no_listing.url("/nieuws"): ("failed", "connect_failed"),
            **{going.url(f"/nieuws/{slug}"): ("failed", "connect_failed")
               for slug in expected_articles(going)[2:]},
            late.url(late.listing): ("failed", "robots_unavailable"),
        }
        states = frontier(archive_url)
        assert {url: state for url, state in states.items() if state[0] != "done"} == expected
        assert failed == len(expected)
        assert sorted(line.split()[2].rstrip(":") for line in lines
                      if line.startswith("newsarchive: failed ")) == sorted(expected)
        # each attempt once more (--retries 1), the flaky one answered on its retry
        assert [erring.count("/nieuws/o2-bericht-1"), slow.count("/nieuws/o3-bericht-1"),
                slow.count("/laatste/2"), flaky.count("/nieuws/o4-bericht-0"),
                no_listing.count("/nieuws")] == [2, 2, 2, 2, 2]
        assert {path: resetting.count(path) for path in reset_articles} == {
            path: 2 for path in reset_articles}
        assert down.got() == [] and network.elsewhere.paths == []
        assert [hit.path for hit in late.got()] == ["/robots.txt"] * 2  # retried once, no more
        # the request that found it going was reset, those after it were refused: not logged
        assert [hit.status for hit in going.got()] == [200, 200, 200, 200, 0]


        # an hour later everything is back (but the off-site redirect, given up)
        down.up()
        going.down_after = None
        going.up()
        resetting.reset_after = None
        for outlet in (erring, slow, flaky, no_listing, late):
            outlet.faults.clear()
        with open_archive(archive_url) as archive:
            summary = crawl(archive, network.sources, CrawlSettings(
                workers=8, policy=HttpPolicy(delay=DELAY, timeout=TIMEOUT, retries=1)),
                clock=Later(3600))
        assert (summary.failed, summary.failures) == (0, [])
        assert network.elsewhere.paths == []
        assert violations(network.request_times(), DELAY) == {}
        for outlet in network.outlets:  # every article answered once over both runs
            wanted = {f"/nieuws/{slug}": 1 for slug in expected_articles(outlet)
                      if not (outlet is offsite and slug == "o5-bericht-2")}
            assert served_once(outlet) == wanted, outlet.number
        assert archived_articles(archive_url) == {
            outlet.url(path): 1 for outlet in network.outlets for path in served_once(outlet)}
        states = frontier(archive_url)
        assert {url: state for url, state in states.items() if state[0] != "done"} == {
            offsite.url("/nieuws/o5-bericht-2"): ("given_up", "redirect_off_site")}
        with open_archive(archive_url) as archive, archive.engine.connect() as connection:
            statuses = connection.execute(select(RUNS.c.exit_status).order_by(RUNS.c.id)).scalars()
            assert list(statuses) == [1, 0]


# --- validators the server sent in UTF-8 ---------------------------------------------------------
@pytest.mark.parametrize("text", ["☃", "café"])
def test_an_etag_of_utf8_bytes_is_sent_back_as_those_bytes(text, tmp_path):
    """RFC 9110 allows bytes over 0x7F in an entity tag: a rerun sends back the bytes it got
    (an ETag outside Latin-1 crashed the source's rerun and gave it up; one inside it was sent
    in Latin-1 and never matched)."""
    outlets = make_outlets(3)
    for outlet in outlets:
        outlet.etag_text = text
    db = str(tmp_path / "news.db")
    with news_network2(outlets) as network:
        assert run_crawl(network, db)[0] == 0
        network.clear()
        code, lines, (fetched, not_modified, failed, new_items, _) = run_crawl(network, db)
        assert (code, lines, fetched, failed, new_items) == (0, [], 0, 0, 0)
        pages = sum(len(listing_pages(o)) + bool(o.feed) for o in outlets)
        assert not_modified == pages
        assert [hit.status for o in network.outlets for hit in o.got()] == [304] * pages


@pytest.mark.parametrize("sent", [b'"abc"', '"caf\u00e9"'.encode(), '"\u2603"'.encode(),
                                  "W/\"\U0001f30a\"".encode(), b"Tue, 09 Jun 2026 10:00:00 GMT"])
def test_a_validator_goes_back_as_the_bytes_it_came_as(sent):
    as_received = sent.decode("latin-1")  # how http.client hands header bytes over
    assert encode_header(decode_header(as_received)).encode("latin-1") == sent


# --- a redirect's target, linked directly as well ------------------------------------------------
@pytest.mark.parametrize("workers", ["1", "4"])
def test_an_article_reached_by_a_redirect_is_not_fetched_again_by_its_own_link(workers, tmp_path):
    """The first teaser of a PAGED listing links `/artikel/<slug>` (301 to `/nieuws/<slug>`), its
    feed `/nieuws/<slug>` itself, later in the frontier: the redirect's target was left pending
    until its page was stored, and fetched a second time meanwhile."""
    paged = next(o for o in make_outlets(5) if o.shape is Shape.PAGED)
    first = paged.on_page(1)[0].slug
    with news_network2([paged]) as network:
        code, lines, (fetched, _, failed, _, _) = run_crawl(
            network, str(tmp_path / "news.db"), "--workers", workers)
        assert (code, lines, failed) == (0, [], 0)
        assert (paged.count(f"/artikel/{first}"), paged.count(f"/nieuws/{first}")) == (1, 1)
        assert served_once(paged) == {f"/nieuws/{slug}": 1 for slug in expected_articles(paged)}
        assert fetched == len(listing_pages(paged)) + 1 + len(expected_articles(paged))


# --- --max-new-links, on both sides of the limit -------------------------------------------------
def test_max_new_links_holds_per_source_and_the_rest_comes_next_run(tmp_path):
    """A feed of exactly 8 articles under `--max-new-links 8` queues them all; a listing of 9
    over three pages queues 8 and leaves its oldest for the next run."""
    feed = Outlet(0, Shape.RSS, "etag", own=8)  # 8 entries (the off-site one is no new link)
    listing = Outlet(3, Shape.VOLGENDE, "modified", own=9)
    db = str(tmp_path / "news.db")
    with news_network2([feed, listing]) as network:
        assert len(feed.in_feed()) == 8 and len(expected_articles(listing)) == 9
        code, lines, (fetched, _, failed, _, _) = run_crawl(network, db, "--max-new-links", "8")
        assert (code, failed) == (0, 0)
        assert lines == [f"newsarchive: {listing.url('/laatste/3')}: 1 new links over "
                         "--max-new-links 8 (per source and run) not queued"]
        oldest = listing.published[-1].slug
        assert served_once(feed) == {f"/nieuws/{s.slug}": 1 for s in feed.in_feed()}
        assert served_once(listing) == {f"/nieuws/{slug}": 1 for slug in expected_articles(listing)
                                        if slug != oldest}
        assert fetched == 1 + 3 + 8 + 8
        network.clear()
        code, lines, (fetched, not_modified, failed, _, _) = run_crawl(
            network, db, "--max-new-links", "8")
        assert (code, lines, fetched, not_modified, failed) == (0, [], 1, 4, 0)
        assert listing.article_hits() == [f"/nieuws/{oldest}"] and feed.article_hits() == []


# --- a 304 nobody asked for ----------------------------------------------------------------------
def test_a_304_to_a_request_without_validators_is_a_failure_not_an_archived_page(tmp_path):
    """A broken cache answers 304 to a first, unconditional request: there is no copy the 304
    could refer to, so the article is not done (it was marked done without a page, lost for
    good), but failed and fetched on a later run."""
    atom = Outlet(1, Shape.ATOM, "etag")
    broken = atom.published[0].path
    atom.faults[broken] = Fault.UNASKED_304
    db = str(tmp_path / "news.db")
    with news_network2([atom]) as network:
        code, lines, (fetched, not_modified, failed, _, _) = run_crawl(network, db)
        assert (code, fetched, not_modified, failed) == (1, len(atom.in_feed()), 0, 1)
        assert lines == [f"newsarchive: failed {atom.url(broken)}: HTTP 304 Not Modified to a "
                         "request without If-None-Match or If-Modified-Since"]
        assert frontier(db)[atom.url(broken)] == ("failed", "http_status")
        assert atom.count(broken) == 1  # not tried again at once: the cache is broken for now
        atom.faults.clear()
        with open_archive(db) as archive:
            summary = crawl(archive, network.sources, CrawlSettings(
                policy=HttpPolicy(delay=DELAY, timeout=TIMEOUT, retries=1)), clock=Later(3600))
        assert (summary.fetched, summary.not_modified, summary.failed) == (1, 1, 0)
        assert served_once(atom) == {f"/nieuws/{s.slug}": 1 for s in atom.in_feed()}
        assert archived_articles(db) == {atom.url(s.path): 1 for s in atom.in_feed()}


# --- --refresh over links that redirect -----------------------------------------------------------
def test_refresh_asks_each_article_once_even_by_a_link_that_redirects_to_it(tmp_path):
    """With --refresh every archived article is asked again, conditionally, once: an old path
    `/artikel/<slug>` redirecting to an article refreshed this run is not followed (the article
    was asked twice, and in full when the old path had no validator of its own)."""
    outlets = [o for o in make_outlets(20) if o.shape is Shape.PAGED]  # etag, modified, both, none
    db = str(tmp_path / "news.db")
    with news_network2(outlets) as network:
        assert run_crawl(network, db)[0] == 0
        network.clear()
        code, lines, (fetched, not_modified, failed, new_items, _) = run_crawl(
            network, db, "--refresh")
        assert (code, lines, failed, new_items) == (0, [], 0, 0)
        for outlet in outlets:
            asked = Counter(p for p in outlet.article_hits() if p.startswith("/nieuws/"))
            assert asked == {f"/nieuws/{slug}": 1 for slug in expected_articles(outlet)}, (
                outlet.number)
            statuses = {hit.status for hit in outlet.got() if hit.path.startswith("/nieuws/")}
            assert statuses == ({200} if outlet.validator == "none" else {304}), outlet.number
