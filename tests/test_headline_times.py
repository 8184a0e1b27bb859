"""Net binnen headlines: title matching and clock times to UTC minutes (summer, winter, DST)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from newsarchive.items import PublicationWindow, local_day
from newsarchive.store.headlines import (
    clock_windows,
    parse_clock,
    title_anchors,
    title_folded,
    titles_match,
)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def minute(*args: int) -> PublicationWindow:
    start = utc(*args)
    return PublicationWindow(start, start + timedelta(minutes=1))


@pytest.mark.parametrize(
    ("title", "folded"),
    [
        ("Hoekstra: we wilden meer", "hoekstra we wilden meer"),
        ("HOEKSTRA:  We wilden   méér!", "hoekstra we wilden meer"),
        ("“Brand” in Île-de-France", "brand in ile de france"),
        ("Financiën op orde", "financien op orde"),
    ],
)
def test_titles_fold_case_accents_punctuation_and_whitespace(title: str, folded: str) -> None:
    assert title_folded(title) == folded


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Hoekstra: we wilden meer", "hoekstra - We wilden meer.", True),  # exact once folded
        ("Kabinet wil snellere vergunningen", "Kabinet wil snelere vergunningen", True),  # 1 edit
        ("Kabinet wil snellere vergunningen", "Kabinet wilt snelere vergunningen", True),  # 2
        ("Kabinet wil snellere vergunningen", "Kabinet wilt snelere vergunning", False),  # 4
        ("Koers stijgt 2 procent op beurs", "Koers stijgt 3 procent op beurs", False),  # numbers
        ("Brand in Goes gemeld, twee doden", "Brand in Goes gemelt, twee doden", True),  # 30: 2
        ("Brand in Goes gemeld, twee doden", "Brand in Goes gemelt, twee dode", True),
        ("Brand in Goes gemeld, 2 doden", "Brand in Goes gemelt, 2 dode", False),  # 28: 1 edit
        ("Brand in Goes gemeld", "Brand in Goes gemelt", True),  # 20 characters: one edit
        ("Brand in Goes ge", "Brand in Goes ga", True),  # 16 characters
        ("Brand in Goes g", "Brand in Goes a", False),  # 15 characters: exact only
        ("Zon in Ede", "Zon in Edo", False),
        ("Zon in Ede", "zon in EDE", True),
    ],
)
def test_near_titles_match_within_the_documented_threshold(a: str, b: str, same: bool) -> None:
    assert titles_match(title_folded(a), title_folded(b)) is same
    assert titles_match(title_folded(b), title_folded(a)) is same


def test_a_near_match_keeps_one_anchor_intact() -> None:
    a, b = title_folded("Kabinet wil snellere vergunningen"), title_folded("Kabinet wil snelere vergunningen!")
    head_a, tail_a = title_anchors(a)
    head_b, tail_b = title_anchors(b)
    assert (head_a, tail_a) == ("kabinet wil ", "vergunningen")
    assert head_a == head_b and tail_a == tail_b


@pytest.mark.parametrize(("clock", "parsed"), [("9:31", (9, 31)), ("09:05", (9, 5)), ("23:59", (23, 59)),
                                               ("0:00", (0, 0)), ("24:00", None), ("9:60", None), ("x", None)])
def test_clock_times_parse_strictly(clock: str, parsed: tuple[int, int] | None) -> None:
    assert parse_clock(clock) == parsed


def test_winter_time_is_utc_plus_one() -> None:
    assert clock_windows("15:30", utc(2026, 1, 14, 16, 0)) == (minute(2026, 1, 14, 14, 30),)


def test_summer_time_is_utc_plus_two() -> None:
    assert clock_windows("15:30", utc(2026, 7, 14, 16, 0)) == (minute(2026, 7, 14, 13, 30),)


def test_a_clock_time_later_than_the_fetch_is_yesterday() -> None:
    # 00:20 local on 15 January; the headline says 23:50: the evening before.
    assert clock_windows("23:50", utc(2026, 1, 14, 23, 20)) == (minute(2026, 1, 14, 22, 50),)


def test_the_fetch_minute_itself_ends_at_the_fetch() -> None:
    fetched = utc(2026, 1, 14, 14, 30, 20)
    assert clock_windows("15:30", fetched) == (PublicationWindow(utc(2026, 1, 14, 14, 30), fetched),)
    # one second before the minute began: yesterday's 15:30
    assert clock_windows("15:30", utc(2026, 1, 14, 14, 29, 59)) == (minute(2026, 1, 13, 14, 30),)


def test_around_the_start_of_summer_time() -> None:
    # Sunday 29 March 2026: 02:00 CET becomes 03:00 CEST at 01:00 UTC.
    fetched = utc(2026, 3, 29, 6, 0)
    assert clock_windows("1:59", fetched) == (minute(2026, 3, 29, 0, 59),)
    assert clock_windows("3:00", fetched) == (minute(2026, 3, 29, 1, 0),)
    # 02:30 did not happen that night: the 02:30 of Saturday (CET)
    assert clock_windows("2:30", fetched) == (minute(2026, 3, 28, 1, 30),)
    # 23:00 on the Saturday was winter time
    assert clock_windows("23:00", fetched) == (minute(2026, 3, 28, 22, 0),)


def test_around_the_end_of_summer_time() -> None:
    # Sunday 25 October 2026: 03:00 CEST becomes 02:00 CET at 01:00 UTC; 02:00-02:59 twice.
    later = utc(2026, 10, 25, 8, 0)
    assert clock_windows("1:59", later) == (minute(2026, 10, 24, 23, 59),)
    assert clock_windows("2:30", later) == (minute(2026, 10, 25, 1, 30), minute(2026, 10, 25, 0, 30))
    assert clock_windows("3:00", later) == (minute(2026, 10, 25, 2, 0),)
    # fetched in the first 02:45 (CEST, 00:45 UTC): only the first 02:30 had begun
    assert clock_windows("2:30", utc(2026, 10, 25, 0, 45)) == (minute(2026, 10, 25, 0, 30),)


def test_a_date_only_is_the_local_day() -> None:
    assert local_day(utc(2026, 1, 14)) == PublicationWindow(utc(2026, 1, 13, 23), utc(2026, 1, 14, 22, 59, 59))
    assert local_day(utc(2026, 7, 14)) == PublicationWindow(utc(2026, 7, 13, 22), utc(2026, 7, 14, 21, 59, 59))
    # the day summer time begins has 23 hours
    assert local_day(utc(2026, 3, 29)) == PublicationWindow(utc(2026, 3, 28, 23), utc(2026, 3, 29, 21, 59, 59))
