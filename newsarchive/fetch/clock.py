"""The crawl's clock, injected: wall time (`now`), a steady time (`monotonic`) and `sleep`.

Politeness, back-off, lease expiry and due times all read this clock, so tests drive a
`ManualClock` and assert schedules by value instead of sleeping. Times shared between processes
and machines (a host's next allowed request, a lease's end) are wall time in Unix seconds
(`now().timestamp()`): machines crawling one archive need synchronised clocks (NTP).
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The wall time, UTC."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (durations, deadlines of this process)."""

    def sleep(self, seconds: float) -> None:
        """Wait this long (or return early: callers check again)."""

    def wait(self, event: threading.Event, seconds: float) -> None:
        """`sleep`, ending early once `event` is set."""


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)

    def wait(self, event: threading.Event, seconds: float) -> None:
        if seconds > 0:
            event.wait(seconds)


class ManualClock:
    """A clock that moves only when told to (`advance`) or slept on: for tests. Thread-safe."""

    def __init__(self, start: datetime = datetime(2026, 3, 17, 12, 0, tzinfo=timezone.utc)) -> None:
        self._now = start
        self._steady = 1000.0
        self._lock = threading.Lock()
        self.slept: list[float] = []  # every sleep asked for, in order

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def monotonic(self) -> float:
        with self._lock:
            return self._steady

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.slept.append(seconds)
        self.advance(max(seconds, 0.0))

    def wait(self, event: threading.Event, seconds: float) -> None:
        """No time passes when `event` is set already, else `sleep`."""
        if not event.is_set():
            self.sleep(seconds)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += timedelta(seconds=seconds)
            self._steady += seconds


def unix(moment: datetime) -> float:
    """A wall time as the Unix seconds the archive keeps politeness and lease times in."""
    return moment.timestamp()


def wall_time_of(clock: Clock, steady: float) -> float:
    """A moment of the clock's steady time (`monotonic`) as wall time in Unix seconds: what a
    host's next allowed request is kept in, for every crawl of the archive. The steady clock is
    read first, so a thread held up between the two reads makes the moment later, never
    earlier (another crawl then waits a little longer, never asks too soon)."""
    elapsed = clock.monotonic()
    return unix(clock.now()) + steady - elapsed
