"""Politeness by value, with an injected clock: the back-off curve, Retry-After blocks, claims
and leases of URLs and hosts (who may ask which host when), on SQLite and PostgreSQL."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from newsarchive.fetch.clock import ManualClock, unix
from newsarchive.fetch.frontier import FRONTIER, Frontier, Work
from newsarchive.fetch.politeness import HOSTS, Hosts, backoff_block, retry_after_block
from newsarchive.fetch.settings import BackoffCurve, CrawlSettings, parse_duration
from newsarchive.store.crawl_models import FrontierState

CURVE = BackoffCurve()  # 60 s doubling, a day at most, forgiven after 30 quiet minutes
NOW = 1_800_000_000.0


def test_backoff_doubles_per_incident_from_60_seconds():
    level, blocks = 0, []
    quiet_since = None
    for _ in range(5):
        level, seconds = backoff_block(CURVE, level, quiet_since, NOW, spread=0.0)
        blocks.append(seconds)
        quiet_since = NOW  # the next incident comes right after the block
    assert blocks == [60.0, 120.0, 240.0, 480.0, 960.0]
    assert level == 5


def test_backoff_is_capped_at_a_day_jitter_included():
    assert backoff_block(CURVE, 10, NOW, NOW, spread=0.0) == (11, 61_440.0)
    assert backoff_block(CURVE, 11, NOW, NOW, spread=0.0) == (12, 86_400.0)
    assert backoff_block(CURVE, 11, NOW, NOW, spread=0.999) == (12, 86_400.0)
    assert backoff_block(CURVE, 500, NOW, NOW, spread=0.5) == (501, 86_400.0)


def test_jitter_adds_up_to_a_quarter():
    assert backoff_block(CURVE, 0, None, NOW, spread=0.5) == (1, 67.5)
    assert backoff_block(CURVE, 2, NOW, NOW, spread=0.999)[1] == pytest.approx(240 * 1.24975)


def test_backoff_is_forgiven_after_30_quiet_minutes():
    assert backoff_block(CURVE, 4, NOW - 1799, NOW, spread=0.0) == (5, 960.0)
    assert backoff_block(CURVE, 4, NOW - 1800, NOW, spread=0.0) == (1, 60.0)


def test_retry_after_is_honoured_up_to_a_day():
    assert retry_after_block(CURVE, 120) == 120
    assert retry_after_block(CURVE, 86_400) == 86_400
    assert retry_after_block(CURVE, 10**20) == 86_400
    assert retry_after_block(CURVE, -5) == 0


@pytest.mark.parametrize(("text", "seconds"), [("90", 90), ("90s", 90), ("10m", 600),
                                              ("1.5h", 5400), ("1d", 86400), (" 2M ", 120)])
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "0", "-5m", "10 minutes", "m", "1e3", "²", "5y", "1.2.3s"])
def test_bad_durations(text):
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration(text)


def test_settings_refuse_nonsense():
    with pytest.raises(ValueError):
        CrawlSettings(workers=0)
    with pytest.raises(ValueError):
        CrawlSettings(lease=0)
    assert CrawlSettings().max_new_links == 1000 and CrawlSettings().max_crawl_delay == 60


def test_manual_clock_moves_only_when_slept_or_advanced():
    clock = ManualClock()
    start, steady = clock.now(), clock.monotonic()
    clock.sleep(2.5)
    clock.advance(0.5)
    assert clock.now() - start == timedelta(seconds=3)
    assert clock.monotonic() - steady == 3.0
    assert clock.slept == [2.5]


# --- claims and leases in the archive ----------------------------------------------------------
A1, A2, B1 = "http://a.example/1", "http://a.example/2", "http://b.example/1"


def seeded(archive, clock):
    frontier = Frontier(archive.engine)
    frontier.add([A1, A2, B1], "article", None, clock.now())
    return frontier


def test_one_claim_per_host_at_a_time(archive):
    clock = ManualClock()
    frontier = seeded(archive, clock)
    first = frontier.claim("w1", Work(), clock.now(), lease=60)
    second = frontier.claim("w2", Work(), clock.now(), lease=60)
    third = frontier.claim("w3", Work(), clock.now(), lease=60)
    assert (first.url, first.host) == (A1, "a.example")
    assert (second.url, second.host) == (B1, "b.example")  # a.example is busy
    assert third is None


def test_a_host_is_not_claimed_before_the_next_allowed_time_its_release_wrote(archive):
    clock = ManualClock()
    frontier, hosts = seeded(archive, clock), Hosts(archive.engine, CURVE)
    claim = frontier.claim("w1", Work(), clock.now(), lease=60)
    with archive.engine.begin() as connection:
        frontier.mark_done(connection, claim.url, None, None, "article")
    hosts.release("a.example", "w1", unix(clock.now()) + 1.5)
    clock.advance(1.49)
    assert [c.url for c in claims_now(frontier, clock)] == [B1]
    clock.advance(0.01)
    assert [c.url for c in claims_now(frontier, clock)] == [A2]


def claims_now(frontier, clock):
    found = []
    while (claim := frontier.claim(f"w{len(found)}", Work(), clock.now(), lease=60)) is not None:
        found.append(claim)
    return found


def test_a_lease_runs_out_by_itself(archive):
    clock = ManualClock()
    frontier = seeded(archive, clock)
    assert frontier.claim("killed", Work(), clock.now(), lease=30).url == A1
    frontier.claim("killed", Work(), clock.now(), lease=30)
    clock.advance(29.9)
    assert frontier.claim("other", Work(), clock.now(), lease=30) is None
    clock.advance(0.2)
    assert frontier.claim("other", Work(), clock.now(), lease=30).url == A1


def test_a_blocked_host_is_not_claimed_until_its_block_ends(archive):
    clock = ManualClock()
    frontier, hosts = seeded(archive, clock), Hosts(archive.engine, CURVE, spread=lambda: 0.0)
    claim = frontier.claim("w1", Work(), clock.now(), lease=60)
    state = hosts.get(claim.host)
    values = hosts.block_values(state, unix(clock.now()), None, "HTTP 503")
    assert values["blocked_until"] == unix(clock.now()) + 60 and values["backoff_level"] == 1
    hosts.release(claim.host, "w1", unix(clock.now()) + 1, **values)
    frontier.release(claim.url, "w1")
    clock.advance(59.9)
    assert [c.host for c in claims_now(frontier, clock)] == ["b.example"]
    clock.advance(0.1)
    assert [c.url for c in claims_now(frontier, clock)] == [A1]
    assert hosts.get("a.example").backoff_level == 1


def test_outlook_says_how_long_until_work_and_when_there_is_none(archive):
    clock = ManualClock()
    frontier, hosts = seeded(archive, clock), Hosts(archive.engine, CURVE)
    assert frontier.outlook("w", Work(), clock.now(), horizon=60, include_leased=False) == 0
    hosts.release("a.example", "w", unix(clock.now()) + 5)
    hosts.release("b.example", "w", unix(clock.now()) + 3, blocked_until=unix(clock.now()) + 40)
    assert frontier.outlook("w", Work(), clock.now(), horizon=60, include_leased=False) == 5
    assert frontier.outlook("w", Work(), clock.now(), horizon=30,
                            include_leased=False) == 5  # b is blocked past the horizon
    with archive.engine.begin() as connection:
        connection.execute(update(FRONTIER).values(state=FrontierState.DONE.value))
    assert frontier.outlook("w", Work(), clock.now(), horizon=60, include_leased=False) is None


def test_leases_of_others_count_as_work_only_when_waiting(archive):
    clock = ManualClock()
    frontier = Frontier(archive.engine)
    frontier.add([A1], "article", None, clock.now())
    frontier.claim("other", Work(), clock.now(), lease=30)
    assert frontier.outlook("me", Work(), clock.now(), horizon=60, include_leased=False) is None
    assert frontier.outlook("me", Work(), clock.now(), horizon=60, include_leased=True) == 0
    assert frontier.outlook("other", Work(), clock.now(), horizon=60, include_leased=True) is None


def test_new_links_are_capped_known_ones_do_not_count(archive):
    clock = ManualClock()
    frontier = Frontier(archive.engine)
    frontier.add([A1], "article", None, clock.now())
    links = [A1] + [f"http://a.example/n{n}" for n in range(5)]
    assert frontier.add(links, "article", None, clock.now(), limit=3) == (3, 2)
    with archive.engine.connect() as connection:
        urls = set(connection.execute(select(FRONTIER.c.url)).scalars())
        hosts = set(connection.execute(select(HOSTS.c.host)).scalars())
    assert urls == {A1, "http://a.example/n0", "http://a.example/n1", "http://a.example/n2"}
    assert hosts == {"a.example"}


def test_urls_of_a_host_another_crawl_is_asking_are_left_to_it(archive):
    clock = ManualClock()
    frontier = seeded(archive, clock)
    frontier.claim("other", Work(), clock.now(), lease=30)  # A1, and a.example with it
    frontier.claim("other", Work(), clock.now(), lease=30)  # B1, and b.example
    assert frontier.outlook("me", Work(), clock.now(), horizon=60, include_leased=False) is None
    assert frontier.outlook("me", Work(), clock.now(), horizon=60, include_leased=True) == 0
    # A2: of a host `other` is asking, ready when it releases it (it knows when, we do not)
    assert frontier.outlook("other", Work(), clock.now(), horizon=60,
                            include_leased=False) == math.inf
    Hosts(archive.engine, CURVE).release("a.example", "other", unix(clock.now()) + 5)
    assert frontier.outlook("other", Work(), clock.now(), horizon=60, include_leased=False) == 5


def test_a_url_only_we_want_waits_for_the_host_another_crawl_is_asking(archive):
    """A next page found by our run, of a host another crawl is asking: no other crawl wants
    it, so it counts as our work (polled until the other's lease of the host ends at the
    latest), where the host's articles are left to the crawl asking it."""
    clock = ManualClock()
    frontier = seeded(archive, clock)
    page_two = "http://a.example/nieuws?page=2"
    frontier.add([page_two], "listing", None, clock.now())
    frontier.claim("other", Work(), clock.now(), lease=30)  # A1, and a.example with it
    wanted = Work(wanted=frozenset({page_two}), articles=False)
    assert frontier.claim("me", wanted, clock.now(), lease=30) is None
    assert frontier.outlook("me", wanted, clock.now(), horizon=60, include_leased=False) == 30
    clock.advance(12)
    assert frontier.outlook("me", wanted, clock.now(), horizon=60, include_leased=False) == 18
    # the articles of a.example are the other crawl's; b.example's B1 is ours, at once
    assert frontier.outlook("me", Work(), clock.now(), horizon=60, include_leased=False) == 0
    Hosts(archive.engine, CURVE).release("a.example", "other", unix(clock.now()) + 5)
    assert frontier.outlook("me", wanted, clock.now(), horizon=60, include_leased=False) == 5
    clock.advance(5)
    assert frontier.claim("me", wanted, clock.now(), lease=30).url == page_two
