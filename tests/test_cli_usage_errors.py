"""Every usage error of every command is one readable line on stderr and exit status 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from asleep import wait_until_asleep_in
from click.testing import CliRunner

from newsarchive.cli import cli

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("args, line", [
    (["query", "--lmit", "3"],
     "query: No such option '--lmit'. Did you mean '--limit'? (help: newsarchive query -h)"),
    (["query", "--limit", "x"],
     "query: Invalid value for '--limit': 'x' is not a valid integer (help: newsarchive query -h)"),
    (["query", "--limit", "0"],
     "query: Invalid value for '--limit': 0 is not in the range x>=1 (help: newsarchive query -h)"),
    (["query", "--kind", "blog"],
     "query: Invalid value for '--kind': 'blog' is not one of 'article', 'teaser' "
     "(help: newsarchive query -h)"),
    (["query", "--limit"],
     "query: Option '--limit' requires an argument (help: newsarchive query -h)"),
    (["ingest"], "ingest: Missing argument 'PATHS...' (help: newsarchive ingest -h)"),
    (["ingest", "x.html", "--fetched-at", "gisteren"],
     "ingest: Invalid value for '--fetched-at': not an ISO 8601 date and time: 'gisteren' "
     "(help: newsarchive ingest -h)"),
    (["show"], "show: Missing argument 'ID' (help: newsarchive show -h)"),
    (["show", "twelve"],
     "show: Invalid value for 'ID': 'twelve' is not a valid integer (help: newsarchive show -h)"),
    (["crawl", "--workers", "0", "http://127.0.0.1/"],
     "crawl: Invalid value for '--workers': 0 is not in the range 1<=x<=256 "
     "(help: newsarchive crawl -h)"),
    (["stats", "--format", "csv"],
     "stats: Invalid value for '--format': 'csv' is not one of 'table', 'json', 'jsonl' "
     "(help: newsarchive stats -h)"),
    (["db", "current", "--db"],
     "db current: Option '--db' requires an argument (help: newsarchive db current -h)"),
    (["db", "frob"], "db: No such command 'frob' (help: newsarchive db -h)"),
    (["frob"], "No such command 'frob' (help: newsarchive -h)"),
    (["datasette", "--port", "70000"],
     "datasette: Invalid value for '--port': 70000 is not in the range 0<=x<=65535 "
     "(help: newsarchive datasette -h)"),
])
def test_a_usage_error_is_one_line_and_exit_status_2(args, line, tmp_path):
    result = CliRunner().invoke(cli, args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"newsarchive: {line}\n")


def test_the_installed_command_gives_the_same_one_line(tmp_path):
    result = subprocess.run([sys.executable, "-c", "from newsarchive.cli import cli; cli()",
                             "query", "--order", "random"],
                            capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == ("newsarchive: query: Invalid value for '--order': 'random' is not one "
                             "of 'newest', 'oldest', 'relevance' (help: newsarchive query -h)\n")
    assert not (tmp_path / "newsarchive.db").exists()


def test_help_and_version_still_exit_0():
    assert CliRunner().invoke(cli, ["--version"]).stdout == "newsarchive, version 0.1.0\n"
    result = CliRunner().invoke(cli, ["query", "-h"])
    assert result.exit_code == 0 and result.stdout.startswith("Usage: ")


def test_a_group_without_a_command_shows_its_help():
    result = CliRunner().invoke(cli, ["db"])
    assert result.exit_code == 2 and result.stderr.startswith("Usage: ")
    assert "  current  " in result.stderr


def test_a_command_the_tests_start_gets_ctrl_c_as_from_a_terminal():
    """Whether or not the runner ignores SIGINT (started in the background, it does): else
    the tests of Ctrl-C send a signal their command ignores, and wait for it in vain."""
    shown = subprocess.run([sys.executable, "-c", "import signal; print(signal.getsignal("
                            "signal.SIGINT) is signal.default_int_handler)"],
                           capture_output=True, text=True, timeout=60)
    assert shown.stdout == "True\n"


def test_ctrl_c_that_no_command_handles_is_one_line_and_exit_130(tmp_path):
    """`parse` reading a FIFO nobody writes: SIGINT while it waits."""
    import errno
    import os
    import signal
    import time

    fifo = tmp_path / "page.txt"
    os.mkfifo(fifo)
    process = subprocess.Popen([sys.executable, "-c", "from newsarchive.cli import cli; cli()",
                                "parse", str(fifo), "--fetched-at", "2026-03-17T12:00Z"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while True:  # until the command has opened the FIFO to read (then it waits for data)
        try:
            writer = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            break
        except OSError as exc:
            assert exc.errno == errno.ENXIO and time.monotonic() < deadline
            time.sleep(0.01)
    try:
        # A SIGINT that lands between open(2) and read(2) is only acted on once the read returns
        # (never, here): wait until the process sleeps inside the read, as a person's Ctrl-C does.
        wait_until_asleep_in(process, "pipe_read")
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        os.close(writer)
    assert (process.returncode, stdout, stderr) == (130, "", "newsarchive: interrupted\n")
