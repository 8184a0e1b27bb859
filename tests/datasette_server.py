"""`newsarchive datasette` as a real process on a free loopback port, for the tests."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

READY = re.compile(r"Datasette at (http://127\.0\.0\.1:\d+)/")


@contextmanager
def datasette_server(db: Path) -> Iterator[str]:
    """The base URL (http://127.0.0.1:PORT) of `newsarchive datasette DB --port 0`."""
    command = [str(Path(sys.executable).with_name("newsarchive")), "datasette", str(db),
               "--port", "0"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        found = READY.search(line)
        assert found, line
        # The socket listens before the line is printed: a request waits in its backlog.
        yield found.group(1)
    finally:
        process.terminate()
        process.wait(timeout=10)
