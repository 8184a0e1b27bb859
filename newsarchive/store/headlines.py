"""`Net binnen` headlines: matching their titles to items, and their clock times in UTC.

A headline (`- Buitenland 15:30 Hoekstra: we wilden meer`) gives the minute an article was
published, in Europe/Amsterdam local time, without a date.

Titles match when their folded forms (`title_folded`: case, accents, punctuation and
whitespace ignored) are equal, or near: at most `near_distance(length)` edits apart (2 for
titles of 30 folded characters or more, 1 from 16, none below) with the same numbers in the
same order (`Koers stijgt 2 procent` is not `Koers stijgt 3 procent`). Candidates are found
through two anchors, the first and the last `ANCHOR` folded characters: a near match differs
in a character or two, so one of its ends is intact.

The minute: the latest local minute with that clock time that began at or before the listing's
fetch time (`clock_windows`). In the repeated hour of the last Sunday of October a clock time
happened twice; both minutes are candidates, and the other evidence of the item chooses
(`newsarchive.store.evidence`). A clock time that did not happen on a day (the skipped hour of
the last Sunday of March) is taken from the day before.
"""

from __future__ import annotations

import functools
import re
from datetime import datetime, timedelta, timezone

from rapidfuzz.distance import Levenshtein

from ..items import PublicationWindow
from ..values import SITE_ZONE, to_utc
from .keys import fold

LOCAL_ZONE = SITE_ZONE
MINUTE = timedelta(minutes=1)
ANCHOR = 12  # folded characters at each end of a title that find its near matches
NEAR_LONG, NEAR_SHORT = 30, 16  # folded lengths from which 2 edits, 1 edit are near
CLOCK = re.compile(r"^\s*([01]?\d|2[0-3])[:.]([0-5]\d)\s*$")
_PUNCTUATION = re.compile(r"[^\w\s]|_")
_NUMBERS = re.compile(r"\d+")


@functools.lru_cache(maxsize=8192)
def title_folded(title: str) -> str:
    """`Hoekstra: "We wilden méér"` -> `hoekstra we wilden meer`."""
    return " ".join(_PUNCTUATION.sub(" ", fold(title)).split())


def title_anchors(folded: str) -> tuple[str, str]:
    """The first and the last ANCHOR characters of a folded title."""
    return folded[:ANCHOR], folded[-ANCHOR:]


def near_distance(length: int) -> int:
    """How many edits two folded titles of (the shorter) `length` may be apart."""
    return 2 if length >= NEAR_LONG else 1 if length >= NEAR_SHORT else 0


def titles_match(a: str, b: str) -> bool:
    """Two folded titles name the same article: equal, or near (see the module docstring)."""
    if a == b:
        return True
    allowed = near_distance(min(len(a), len(b)))
    if not allowed or _NUMBERS.findall(a) != _NUMBERS.findall(b):
        return False
    return Levenshtein.distance(a, b, score_cutoff=allowed) <= allowed


def parse_clock(clock: str) -> tuple[int, int] | None:
    """`9:31` -> (9, 31); None for anything that is not a clock time."""
    match = CLOCK.match(clock)
    return (int(match.group(1)), int(match.group(2))) if match else None


def clock_windows(clock: str, fetched_at: datetime) -> tuple[PublicationWindow, ...]:
    """The one-minute windows (UTC) a headline's clock time can mean on a listing fetched at
    `fetched_at`: the latest local day on which that minute began at or before the fetch. Two
    windows (the later first) in the repeated October hour; none for a malformed clock. A
    window ends at the fetch time when the fetch fell inside its minute."""
    parsed = parse_clock(clock)
    if parsed is None:
        return ()
    hour, minute = parsed
    fetched = to_utc(fetched_at)
    day = fetched.astimezone(LOCAL_ZONE).date()
    for back in range(3):  # today, else yesterday; a skipped hour can push it one day more
        date = day - timedelta(days=back)
        starts = {
            _utc_if_real(datetime(date.year, date.month, date.day, hour, minute, fold=fold_))
            for fold_ in (0, 1)
        }
        found = sorted((s for s in starts if s is not None and s <= fetched), reverse=True)
        if found:
            return tuple(PublicationWindow(s, min(s + MINUTE, fetched)) for s in found)
    return ()


def _utc_if_real(local: datetime) -> datetime | None:
    """The UTC moment of a naive local time, or None when that local time never happened."""
    aware = local.replace(tzinfo=LOCAL_ZONE)
    moment = aware.astimezone(timezone.utc)
    if moment.astimezone(LOCAL_ZONE).replace(tzinfo=None) != local:
        return None  # in the hour skipped when summer time begins
    return moment


