"""The status line of a terminal: progress rewritten in place at the bottom of stderr, and
every message printed meanwhile (a failed file, a crawl warning) on a line of its own above
it. Without an active status line, messages are plain lines on stderr.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

CLEAR_LINE = "\r\x1b[K"  # back to the start of the line, and erase it

_active: StatusLine | None = None


class StatusLine:
    """One line of progress on `stream` (a terminal), never wrapped, shared by threads."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.text = ""
        self._lock = threading.RLock()

    def show(self, text: str) -> None:
        """Replace the status line by `text` (cut to the terminal's width)."""
        with self._lock:
            self.text = text[: max(1, self._width() - 1)]
            self.stream.write(CLEAR_LINE + self.text)
            self.stream.flush()

    def _width(self) -> int:
        try:
            columns = os.get_terminal_size(self.stream.fileno()).columns
        except (AttributeError, ValueError, OSError):  # not a file, or not a terminal
            columns = 0
        if columns:
            return columns
        import shutil  # a terminal that reports no size (0 columns): $COLUMNS, else 80

        return shutil.get_terminal_size().columns

    def print(self, line: str) -> None:
        """`line` on a line of its own above the status line, which is then drawn again."""
        with self._lock:
            self.stream.write((CLEAR_LINE if self.text else "") + line + "\n" + self.text)
            self.stream.flush()

    def close(self) -> None:
        """Leave the last status on the screen and end its line."""
        with self._lock:
            if self.text:
                self.stream.write("\n")
                self.stream.flush()
            self.text = ""


@contextmanager
def status_line(stream: TextIO | None = None) -> Iterator[StatusLine]:
    """A status line on `stream` (stderr) while the block runs; `print_line` writes above it."""
    global _active
    line = StatusLine(stream or sys.stderr)
    _active = line
    try:
        yield line
    finally:
        _active = None
        line.close()


def print_line(line: str) -> None:
    """One line on stderr, above the status line when there is one."""
    if _active is not None:
        _active.print(line)
    else:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()


def counter(status: StatusLine, label: str, noun: str) -> Callable[[object], None]:
    """A callback that counts calls on the status line: `fetching: 3 URLs done`."""
    from .words import count

    done, lock = [0], threading.Lock()

    def advance(_: object) -> None:
        with lock:
            done[0] += 1
            status.show(f"{label}: {count(done[0], noun)} done")

    return advance


def share_meter(status: StatusLine, label: str, total: int, noun: str | None = None
                ) -> Callable[[int], None]:
    """A callback of work done, shown as a share of `total`: bytes (`importing WARC: 62% (3.1 of
    5.0 MB)`), or counted `noun`s (`reparsing: 83% (50 of 60 pages)`)."""
    from .words import count

    done = [0]
    unit, scale = ("MB", 1e6) if total >= 1e6 else ("KB", 1e3)

    def advance(size: int) -> None:
        done[0] += size
        amount = (f"{done[0]} of {count(total, noun)}" if noun else
                  f"{done[0] / scale:.1f} of {total / scale:.1f} {unit}")
        status.show(f"{label}: {100 * done[0] // max(total, 1)}% ({amount})")

    advance(0)
    return advance
