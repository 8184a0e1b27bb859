"""Relative ages for property tests: how pages print them and the window each means.

The windows are computed here from the rule of issue 2, independently of the parser's own
grammar, so a round trip through the parser checks it.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import strategies as st

FETCHED = datetime(2026, 3, 17, 12, 0, tzinfo=timezone.utc)
NUMBER_WORDS = {"een": 1, "één": 1, "twee": 2, "drie": 3, "tien": 10, "twaalf": 12}
UNITS = {  # singular, the plurals pages print, length (a month 30 days, a year 365)
    "seconde": ("seconde", ("seconden",), timedelta(seconds=1)),
    "minuut": ("minuut", ("minuten",), timedelta(minutes=1)),
    "uur": ("uur", ("uur",), timedelta(hours=1)),
    "dag": ("dag", ("dagen",), timedelta(days=1)),
    "week": ("week", ("weken",), timedelta(weeks=1)),
    "maand": ("maand", ("maanden",), timedelta(days=30)),
    "jaar": ("jaar", ("jaar", "jaren"), timedelta(days=365)),
}


@st.composite
def age(draw: st.DrawFn) -> tuple[str, tuple[datetime, datetime]]:
    """An age as printed and the window it means at FETCHED."""
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(st.sampled_from(["zojuist", "net"])), (FETCHED - timedelta(minutes=1), FETCHED)
    one, more, length = UNITS[draw(st.sampled_from(sorted(UNITS)))]
    if kind == 1:
        word, number = draw(st.sampled_from(sorted(NUMBER_WORDS.items())))
    else:
        number = draw(st.integers(1, 59))
        word = str(number)
    text = f"{word} {one if number == 1 else draw(st.sampled_from(more))} geleden"
    return text, (FETCHED - (number + 1) * length, FETCHED - number * length)
