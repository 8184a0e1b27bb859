"""Relative ages: which phrases are ages, and the publication window each implies."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from newsarchive.parse.ages import age_window, is_age, looks_like_age

T = datetime(2026, 3, 17, 12, 0, tzinfo=timezone.utc)
MINUTE, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)


@pytest.mark.parametrize(
    ("phrase", "unit", "count"),
    [
        ("1 minuut geleden", MINUTE, 1),
        ("10 minuten geleden", MINUTE, 10),
        ("3 uur geleden", HOUR, 3),
        ("1 dag geleden", DAY, 1),
        ("4 dagen geleden", DAY, 4),
        ("1 week geleden", 7 * DAY, 1),
        ("2 weken geleden", 7 * DAY, 2),
        ("1 maand geleden", 30 * DAY, 1),
        ("11 maanden geleden", 30 * DAY, 11),
        ("1 jaar geleden", 365 * DAY, 1),
        ("5 jaar geleden", 365 * DAY, 5),
        ("een uur geleden", HOUR, 1),
        ("Twee dagen geleden", DAY, 2),
        ("twaalf weken geleden", 7 * DAY, 12),
    ],
)
def test_n_units_ago_is_the_unit_wide_window_before_n_units(phrase, unit, count) -> None:
    window = age_window(phrase, T)
    assert (window.earliest, window.latest) == (T - (count + 1) * unit, T - count * unit)


@pytest.mark.parametrize("phrase", ["zojuist", "net", "Zojuist"])
def test_just_now_is_the_last_minute(phrase) -> None:
    window = age_window(phrase, T)
    assert (window.earliest, window.latest) == (T - MINUTE, T)


def test_window_is_in_utc_whatever_the_fetch_time_zone() -> None:
    amsterdam = T.astimezone(timezone(timedelta(hours=1)))
    window = age_window("3 uur geleden", amsterdam)
    assert window.latest == T - 3 * HOUR and window.latest.utcoffset() == timedelta(0)


def test_naive_fetch_time_is_utc() -> None:
    assert age_window("1 uur geleden", T.replace(tzinfo=None)).latest == T - HOUR


def test_window_contains_the_moments_the_age_allows() -> None:
    window = age_window("3 uur geleden", T)
    assert window.contains(T - 3 * HOUR - 59 * MINUTE)
    assert not window.contains(T - 2 * HOUR)


@pytest.mark.parametrize(
    "text", ["3 eeuwen geleden", "geleden", "3 uur", "ongeveer 3 uur geleden", "netjes", "", "9999 jaar geleden"]
)
def test_not_an_age_has_no_window(text) -> None:
    assert age_window(text, T) is None


def test_unknown_phrase_shaped_like_an_age_is_recognised_as_such() -> None:
    assert looks_like_age("3 eeuwen geleden") and not is_age("3 eeuwen geleden")
    assert not looks_like_age("Het gebeurde lang geleden, zei hij")


@pytest.mark.parametrize("text", ["twee weken geleden gebeurde het", "16.00 uur", "Net binnen"])
def test_text_around_an_age_is_not_an_age(text) -> None:
    assert not is_age(text)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("fetched_at", "phrase", "earliest", "latest"),
    [
        # winter time: local midnight is 23:00 UTC the evening before
        (utc(2026, 3, 17, 12), "vandaag", utc(2026, 3, 16, 23), utc(2026, 3, 17, 12)),
        (utc(2026, 3, 17, 12), "gisteren", utc(2026, 3, 15, 23), utc(2026, 3, 16, 23)),
        (utc(2026, 3, 17, 12), "eergisteren", utc(2026, 3, 14, 23), utc(2026, 3, 15, 23)),
        # 23:30 UTC is already the next day in Amsterdam
        (utc(2026, 3, 16, 23, 30), "Vandaag", utc(2026, 3, 16, 23), utc(2026, 3, 16, 23, 30)),
        (utc(2026, 3, 16, 22, 59), "vandaag", utc(2026, 3, 15, 23), utc(2026, 3, 16, 22, 59)),
        # summer time: midnight is 22:00 UTC; the day the clocks change has 23 hours
        (utc(2026, 7, 1, 8), "gisteren", utc(2026, 6, 29, 22), utc(2026, 6, 30, 22)),
        (utc(2026, 3, 30, 8), "gisteren", utc(2026, 3, 28, 23), utc(2026, 3, 29, 22)),
    ],
)
def test_vandaag_and_gisteren_are_local_calendar_days(
    fetched_at: datetime, phrase: str, earliest: datetime, latest: datetime
) -> None:
    assert is_age(phrase)
    window = age_window(phrase, fetched_at)
    assert (window.earliest, window.latest) == (earliest, latest)
