"""The idle worker's sleep: until its outlook's time, or until a host one of our jobs released
may be asked, and at once when that host may be asked now (times asserted on an injected
clock)."""

from __future__ import annotations

import pytest

from newsarchive.fetch.clock import ManualClock, unix
from newsarchive.fetch.crawl import _Run
from newsarchive.fetch.settings import CrawlSettings


@pytest.fixture
def run(archive):
    return _Run(archive, CrawlSettings(), ManualClock(), None, articles=True)


def test_with_nothing_released_it_sleeps_its_whole_pause(run):
    run._wait(0.5)
    assert run.clock.slept == [0.5]


def test_a_host_released_with_its_delay_to_run_shortens_the_sleep_to_that_delay(run):
    run._look_again(unix(run.clock.now()) + 0.3)  # asked 0.2 s ago, delay 0.5 s
    run._wait(0.5)
    # woken by the release (no time passed), then asleep until that host may be asked
    assert run.clock.slept == [pytest.approx(0.3)]


def test_a_host_released_past_the_pause_leaves_the_pause_as_it_was(run):
    run._look_again(unix(run.clock.now()) + 2.0)
    run._wait(0.5)
    assert run.clock.slept == [pytest.approx(0.5)]


def test_a_host_that_may_be_asked_now_ends_the_sleep_at_once(run):
    run._look_again(None)  # no request was sent to it in the job
    run._wait(0.5)
    assert run.clock.slept == []
    run._look_again(unix(run.clock.now()) - 1.0)  # its delay ran out during the job
    run._wait(0.5)
    assert run.clock.slept == []


def test_the_earliest_of_several_releases_counts(run):
    now = unix(run.clock.now())
    for at in (now + 0.4, now + 0.1, now + 0.3):
        run._look_again(at)
    run._wait(0.5)
    assert run.clock.slept == [pytest.approx(0.1)]

