"""Relative ages (`3 uur geleden`, `zojuist`) and the publication window they imply.

An age is the time since publication at the moment of the fetch, truncated to the unit
shown: `N <unit> geleden` fetched at t means published in [t - (N+1)·unit, t - N·unit];
`zojuist` / `net` mean [t - 1 minute, t]; `vandaag` and `gisteren` name a calendar day
of the site's clock (Europe/Amsterdam): vandaag is [that day's midnight, t], gisteren the
whole day before it, [midnight, midnight]. Windows are returned in UTC.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta, timezone
from functools import lru_cache

from ..items import PublicationWindow
from ..values import to_utc
from .vocabulary import (
    AGE_MAX,
    AGE_PARTS,
    AGE_UNITS,
    ANY_AGE,
    CALENDAR_DAYS,
    DIGIT_AGE,
    JUST_NOW,
    NUMBER_WORDS,
    SITE_ZONE,
)

__all__ = ["AGE_MAX", "AGE_PHRASE", "DIGIT_AGE_PHRASE", "age_window", "is_age", "is_age_line", "looks_like_age"]

_MINUTE = timedelta(minutes=1)
_NO_TIME = timedelta()

# Any known age phrase; one in digits (or `zojuist`), safe to find glued onto other text.
AGE_PHRASE = re.compile(ANY_AGE, re.IGNORECASE)
DIGIT_AGE_PHRASE = re.compile(DIGIT_AGE, re.IGNORECASE)
_AGE_PARTS = re.compile(AGE_PARTS, re.IGNORECASE)
# Something phrased like an age that the grammar does not know (`3 eeuwen geleden`).
_AGE_LIKE = re.compile(r"\S{1,12}\s+[^\W\d_]{1,12}\s+geleden", re.IGNORECASE)


def is_age(text: str) -> bool:
    """True when the whole of `text` is a relative age."""
    return len(text) <= AGE_MAX and AGE_PHRASE.fullmatch(text) is not None


# The longest age of one word (`eergisteren`); every other age ends in `geleden`.
_ONE_WORD_MAX = max(map(len, (*CALENDAR_DAYS, *JUST_NOW)))


def is_age_line(text: str) -> bool:
    """True for a line that is an age, known (`3 uur geleden`, `gisteren`) or not (`3 eeuwen
    geleden`); the cheap test first, as most lines are not."""
    if len(text) > AGE_MAX:
        return False
    if text[-7:].lower() != "geleden" and (len(text) > _ONE_WORD_MAX or " " in text):
        return False
    return AGE_PHRASE.fullmatch(text) is not None or _AGE_LIKE.fullmatch(text) is not None


def looks_like_age(text: str) -> bool:
    """True for a line phrased like an age, known or not (`3 eeuwen geleden`)."""
    return len(text) <= AGE_MAX and _AGE_LIKE.fullmatch(text) is not None


def age_window(text: str, fetched_at: datetime) -> PublicationWindow | None:
    """The publication window `text` implies at fetch time, or None if it is not an age."""
    t = fetched_at if fetched_at.tzinfo is timezone.utc else to_utc(fetched_at)  # parse_page's is UTC
    span = _span(text.strip())
    if span is None:
        return None
    if isinstance(span, int):
        return _calendar_day(span, t)
    older, newer = span
    try:
        return PublicationWindow(t - older, t - newer)
    except OverflowError:  # an age reaching back before year 1: not a real age
        return None


def _calendar_day(days_back: int, fetched_at: datetime) -> PublicationWindow | None:
    """The local day `days_back` days before the fetch's, up to the fetch for today."""
    try:
        day = fetched_at.astimezone(SITE_ZONE).date() - timedelta(days=days_back)
        start = datetime.combine(day, time(), SITE_ZONE)
        if days_back == 0:
            return PublicationWindow(to_utc(start), fetched_at)
        end = datetime.combine(day + timedelta(days=1), time(), SITE_ZONE)
        return PublicationWindow(to_utc(start), to_utc(end))
    except (OverflowError, ValueError):  # a fetch time at the edge of the calendar
        return None


@lru_cache(maxsize=512)
def _span(phrase: str) -> tuple[timedelta, timedelta] | int | None:
    """How far back before the fetch a phrase reaches: (N+1 units, N units) for `N <unit>
    geleden`, (1 minute, 0) for `zojuist`/`net`; the number of days back for a calendar
    day (`gisteren`); None for no age."""
    lowered = phrase.lower()
    days_back = CALENDAR_DAYS.get(lowered)
    if days_back is not None:
        return days_back
    if lowered in JUST_NOW:
        return _MINUTE, _NO_TIME
    match = _AGE_PARTS.fullmatch(phrase)
    if match is None:
        return None
    number, unit = match.group(1).lower(), match.group(2).lower()
    count = int(number) if number.isdigit() else NUMBER_WORDS[number]
    step = AGE_UNITS[unit]
    try:
        return (count + 1) * step, count * step
    except OverflowError:  # more units than a timedelta holds: no real age
        return None
