"""Waiting until a process sleeps inside a blocking call, so that a signal sent then is acted on
at once: a SIGINT that lands between Python's check for signals and the blocking syscall is
only acted on when the syscall returns (as a person's Ctrl-C, which comes while a command
waits, is not)."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path


def wait_until_asleep_in(process: subprocess.Popen, kernel_wait: str, seconds: float = 60) -> None:
    """Until the process's main thread sleeps in a kernel function whose name holds
    `kernel_wait` (its /proc/PID/wchan: `pipe_read` for a pipe or FIFO read, `poll` for a
    socket read with a timeout). The deadline only bounds a hang, which fails."""
    wchan = Path(f"/proc/{process.pid}/wchan")
    deadline = time.monotonic() + seconds
    while kernel_wait not in wchan.read_text():
        assert process.poll() is None, "the process ended"
        assert time.monotonic() < deadline, f"not asleep in {kernel_wait}: {wchan.read_text()}"
        time.sleep(0.01)
