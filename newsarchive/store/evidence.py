"""An item's publication window, derived evidence by evidence.

Every piece of evidence is a set of candidate windows observed at a moment (a page's fetch
time): a relative age (`3 uur geleden`: one window), an article page's own date (metadata), a
`Net binnen` headline whose title matches (one minute; two in the repeated October hour).
Evidence is folded in the order it was observed, by the rule of `fold_window` (the one rule
ingest also applies): the window narrows to the overlap; evidence that meets no candidate of
the window so far is a conflict, and the newer evidence replaces the window. Of several
candidates the latest that meets the window so far is taken. Folding in observation order
makes the result independent of the order in which pages were ingested.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from ..items import PublicationWindow

__all__ = ["Derivation", "Evidence", "Step", "WindowSource", "derive_window"]


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

    def order_key(self) -> tuple[datetime, int, int]:
        return (self.observed_at, self.page_id, self.position)


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


def derive_window(evidence: Iterable[Evidence]) -> Derivation:
    """Fold the evidence in observation order (see the module docstring)."""
    window: PublicationWindow | None = None
    conflicts = 0
    steps: list[Step] = []
    sources: list[WindowSource] = []  # the sources of the evidence the window rests on
    for item in sorted(evidence, key=Evidence.order_key):
        if not item.candidates:
            continue
        meeting = [c for c in item.candidates if window is None or window.intersect(c)]
        taken = meeting[0] if meeting else item.candidates[0]
        overlap = window.intersect(taken) if window is not None else taken
        conflict = overlap is None
        if conflict:
            conflicts += 1
            sources = []
        window = overlap or taken
        sources.append(item.source)
        steps.append(Step(item, taken, window, conflict))
    return Derivation(window, _source_of(sources), conflicts, tuple(steps))


def _source_of(sources: list[WindowSource]) -> WindowSource:
    """The most exact kind of evidence the window rests on."""
    for source in (WindowSource.HEADLINE, WindowSource.METADATA, WindowSource.RELATIVE_AGE):
        if source in sources:
            return source
    return WindowSource.NONE
