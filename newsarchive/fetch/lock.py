"""One crawl at a time per archive: an advisory lock on a file beside the archive.

For a SQLite archive `news.db` the lock file is `news.db.lock`; for a server database (a URL)
it is `newsarchive-<hash of the URL>.lock` in the temporary directory. The operating system
drops the lock when the process ends, however it ends (kill -9 included), so a stale lock file
never blocks a later run; the file itself stays and holds the last holder's process id.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..store.db import database_url

SQLITE_PREFIX = "sqlite:///"


class AlreadyRunning(Exception):
    """Another process holds the archive's crawl lock."""


def lock_path(db: str) -> Path:
    url = database_url(db)
    if url.startswith(SQLITE_PREFIX) and url != SQLITE_PREFIX + ":memory:":
        return Path(url.removeprefix(SQLITE_PREFIX).split("?")[0] + ".lock")
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"newsarchive-{digest}.lock"


@contextmanager
def crawl_lock(db: str, *, wait: bool = False) -> Iterator[Path]:
    """Hold the crawl lock of archive `db`; AlreadyRunning when taken and `wait` is false."""
    path = lock_path(db)
    with open(path, "a+", encoding="ascii") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise AlreadyRunning(f"a crawl of this archive is already running (pid {holder})"
                                 ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield path
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
