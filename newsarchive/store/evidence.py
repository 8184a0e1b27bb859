"""An item's publication window, derived evidence by evidence.

An item's own evidence (`Evidence` of source relative_age or metadata: its sightings' ages,
its page's own date) is folded in the
order it was observed, by the rule ingest applies too (`narrow_window`): the window narrows to the
overlap; evidence that does not meet the window so far is a conflict, and the newer evidence
replaces the window.

Then the headlines whose title matches (source headline) are one more piece of evidence with
several candidate minutes: every minute any of them can mean (two for a clock time in the
repeated October hour; another for a same-titled later version). The latest that meets the
window so far is taken and narrows it to that minute; when none meets, that is a conflict and
the item's own evidence stands. An item without a window of its own (an article page without
a date) takes the latest minute that began before the item was first seen: a later one is
another version's. Everything is sorted first, so the result does
not depend on the order in which pages were ingested.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from ..items import PublicationWindow
from ..values import to_utc

__all__ = ["Derivation", "Evidence", "Step", "WindowSource", "ceil_second", "derive_window", "floor_second",
           "stored_window", "whole_seconds"]


def floor_second(moment: datetime) -> datetime:
    moment = to_utc(moment)
    return moment.replace(microsecond=0) if moment.microsecond else moment


def ceil_second(moment: datetime) -> datetime:
    moment = to_utc(moment)
    return moment.replace(microsecond=0) + timedelta(seconds=math.ceil(moment.microsecond / 1e6))


def whole_seconds(window: PublicationWindow) -> PublicationWindow:
    """The window widened to whole seconds, the archive's resolution (never narrower)."""
    if not (window.earliest.microsecond or window.latest.microsecond):
        return window
    return PublicationWindow(floor_second(window.earliest), ceil_second(window.latest))


def stored_window(window: PublicationWindow | None) -> PublicationWindow | None:
    return None if window is None else whole_seconds(window)


class WindowSource(str, Enum):
    """How an item's window was found (the `items.window_source` column)."""

    HEADLINE = "headline"  # a `Net binnen` headline whose title matches: one minute
    METADATA = "metadata"  # the article page's own date
    RELATIVE_AGE = "relative_age"  # ages such as `3 uur geleden`
    TEASER = "teaser"  # an article taking the window of its linked teasers
    NONE = "none"


@dataclass(frozen=True)
class Evidence:
    """One observation bearing on an item's window."""

    source: WindowSource  # relative_age, metadata or headline
    observed_at: datetime  # the fetch time of the page that showed it
    page_id: int
    position: int
    candidates: tuple[PublicationWindow, ...]  # what it allows; the latest first
    detail: str  # as printed: the age text, the metadata source, the headline line

    def order_key(self) -> tuple[datetime, ...]:
        """Observation order; at one moment (two pages fetched together), by what the
        evidence says, so that ties do not depend on which page was archived first."""
        first = self.candidates[:1]
        return (self.observed_at, *(bound for c in first for bound in (c.earliest, c.latest)))


@dataclass(frozen=True)
class Step:
    """What one piece of evidence did: the candidate taken, the window after, a conflict."""

    evidence: Evidence
    taken: PublicationWindow
    window: PublicationWindow
    conflict: bool


@dataclass(frozen=True)
class Derivation:
    window: PublicationWindow | None
    source: WindowSource
    conflicts: int
    steps: tuple[Step, ...]


def narrow_window(current: PublicationWindow | None, seen: PublicationWindow) -> tuple[PublicationWindow, bool]:
    """One more window, the newest so far: the overlap, or on none (a conflict) the new one."""
    if current is None:
        return seen, False
    overlap = current.intersect(seen)
    return (overlap, False) if overlap else (seen, True)


def derive_window(evidence: Iterable[Evidence], first_seen_at: datetime | None = None) -> Derivation:
    """The window of the evidence (see the module docstring)."""
    window: PublicationWindow | None = None
    conflicts = 0
    steps: list[Step] = []
    sources: list[WindowSource] = []  # the sources of the evidence the window rests on
    ordered = sorted(evidence, key=Evidence.order_key)
    for item in ordered:
        if item.source is WindowSource.HEADLINE or not item.candidates:
            continue
        window, conflict = narrow_window(window, item.candidates[0])
        if conflict:
            conflicts += 1
            sources = []
        sources.append(item.source)
        steps.append(Step(item, item.candidates[0], window, conflict))
    minutes = sorted(
        {(c, item) for item in ordered if item.source is WindowSource.HEADLINE for c in item.candidates},
        key=lambda pair: (pair[0].earliest, pair[0].latest, pair[1].order_key()),
        reverse=True,
    )
    if window is None and first_seen_at is not None:
        minutes = [(c, e) for c, e in minutes if c.earliest <= first_seen_at]
    if minutes:
        meeting = [(c, e) for c, e in minutes if window is None or window.intersect(c)]
        taken, by = meeting[0] if meeting else minutes[0]
        if meeting:
            window = window.intersect(taken) if window is not None else taken
            sources.append(WindowSource.HEADLINE)
        else:
            conflicts += 1
        assert window is not None
        steps.append(Step(by, taken, window, not meeting))
    return Derivation(window, _source_of(sources), conflicts, tuple(steps))
def _source_of(sources: list[WindowSource]) -> WindowSource:
    """The most exact kind of evidence the window rests on."""
    for source in (WindowSource.HEADLINE, WindowSource.METADATA, WindowSource.RELATIVE_AGE):
        if source in sources:
            return source
    return WindowSource.NONE
