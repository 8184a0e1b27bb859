"""Deriving a window evidence by evidence: the fold in observation order, candidates, sources."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from newsarchive.items import PublicationWindow
from newsarchive.store.evidence import Evidence, WindowSource, derive_window
from newsarchive.store.headlines import clock_windows


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def age(seen: datetime, hours: int, page: int) -> Evidence:
    window = PublicationWindow(seen - timedelta(hours=hours + 1), seen - timedelta(hours=hours))
    return Evidence(WindowSource.RELATIVE_AGE, seen, page, 1, (window,), f"{hours} uur geleden")


def headline(clock: str, seen: datetime, page: int) -> Evidence:
    return Evidence(WindowSource.HEADLINE, seen, page, 0, clock_windows(clock, seen), clock)


def test_a_headline_narrows_an_age_window_to_its_minute() -> None:
    seen = utc(2026, 1, 14, 16, 0)
    result = derive_window([age(seen, 1, 1), headline("15:30", seen, 2)])
    assert result.window == PublicationWindow(utc(2026, 1, 14, 14, 30), utc(2026, 1, 14, 14, 31))
    assert (result.source, result.conflicts) == (WindowSource.HEADLINE, 0)
    assert [step.conflict for step in result.steps] == [False, False]


def test_the_order_of_the_input_does_not_matter() -> None:
    seen = utc(2026, 1, 14, 16, 0)
    evidence = [age(seen, 1, 1), headline("15:30", seen, 2), age(seen + timedelta(hours=3), 3, 3)]
    assert derive_window(evidence) == derive_window(list(reversed(evidence)))


def test_other_evidence_chooses_between_the_two_october_minutes() -> None:
    # 02:30 local on 25 October 2026 happened at 00:30 and at 01:30 UTC.
    seen = utc(2026, 10, 25, 4, 10)
    first = PublicationWindow(utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 0, 31))
    second = PublicationWindow(utc(2026, 10, 25, 1, 30), utc(2026, 10, 25, 1, 31))
    # `3 uur geleden` at 04:10 UTC: [00:10, 01:10] -> the first 02:30
    assert derive_window([age(seen, 3, 1), headline("2:30", seen, 2)]).window == first
    # `2 uur geleden`: [01:10, 02:10] -> the second
    assert derive_window([age(seen, 2, 1), headline("2:30", seen, 2)]).window == second
    # nothing else known: the latest
    assert derive_window([headline("2:30", seen, 2)]).window == second


def test_a_clash_is_a_conflict_and_the_newer_evidence_wins() -> None:
    seen = utc(2026, 1, 14, 16, 0)
    result = derive_window([headline("15:30", seen, 1), age(seen + timedelta(minutes=5), 5, 2)])
    assert result.conflicts == 1
    assert result.source == WindowSource.RELATIVE_AGE
    assert result.window == PublicationWindow(utc(2026, 1, 14, 10, 5), utc(2026, 1, 14, 11, 5))
    assert [step.conflict for step in result.steps] == [False, True]


def test_no_evidence_no_window() -> None:
    result = derive_window([])
    assert (result.window, result.source, result.conflicts) == (None, WindowSource.NONE, 0)


def test_a_minute_after_the_first_sight_is_another_version_and_dropped() -> None:
    # Two versions share a title: headlines at 10:05 and 11:40 (local). The item first seen at
    # 09:20 UTC (10:20 local) can only be the 10:05 one; one first seen later takes the latest.
    early = headline("10:05", utc(2026, 1, 14, 9, 10), 1)
    late = headline("11:40", utc(2026, 1, 14, 10, 45), 2)
    first = derive_window([early, late], first_seen_at=utc(2026, 1, 14, 9, 20))
    assert first.window == PublicationWindow(utc(2026, 1, 14, 9, 5), utc(2026, 1, 14, 9, 6))
    assert first.conflicts == 0
    second = derive_window([early, late], first_seen_at=utc(2026, 1, 14, 10, 50))
    assert second.window == PublicationWindow(utc(2026, 1, 14, 10, 40), utc(2026, 1, 14, 10, 41))
    # its own age says the later minute too; with an age around the first, the first wins
    aged = age(utc(2026, 1, 14, 10, 50), 1, 3)  # [08:50, 09:50]
    assert derive_window([early, late, aged], utc(2026, 1, 14, 10, 50)).window == first.window
