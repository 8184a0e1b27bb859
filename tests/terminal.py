"""Run a command with its stderr on a pseudo-terminal, as a user at a terminal sees it."""

from __future__ import annotations

import os
import pty
import re
import subprocess


def run_on_terminal(command: list[str], timeout: float = 120) -> tuple[int, str]:
    """(exit status, everything written to the terminal): stderr is the terminal, stdout a pipe."""
    master, slave = pty.openpty()
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=slave)
    os.close(slave)
    shown = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # EIO: the command closed the terminal (it exited)
            break
        if not data:
            break
        shown.append(data)
    os.close(master)
    return process.wait(timeout), b"".join(shown).decode()


def bar_states(shown: str, label: str) -> list[str]:
    """Each state the status line labelled `label` was drawn in: `83% (50 of 60 pages)`."""
    return re.findall(rf"\r\x1b\[K{re.escape(label)}: (\d+% \([^)]*\))", shown)
