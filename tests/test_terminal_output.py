"""On a terminal, progress is one line rewritten in place and every failure is a line of its own
above it: what the screen shows, through a real pseudo-terminal and a terminal emulator."""

from __future__ import annotations

import fcntl
import io
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pyte
from reparse_corpus import documents

from newsarchive.store.archive import open_archive
from newsarchive.terminal import StatusLine
from newsarchive.warc import export_warc

COLUMNS, ROWS = 300, 40  # wide: no message wraps
SUMMARY_TIME = re.compile(r" in \d+\.\d s$")


def screen_of(args: list[str], cwd: Path) -> tuple[int, list[str]]:
    """Run newsarchive with stderr on a pseudo-terminal of COLUMNS x ROWS; the exit status
    and the lines the screen shows at the end (trailing blanks cut)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    process = subprocess.Popen([sys.executable, "-c", "from newsarchive.cli import cli; cli()",
                                *args], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=slave, cwd=cwd, env=env)
    os.close(slave)
    output = bytearray()
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        assert ready, "no output for 60 s"
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the process closed the terminal
            break
        if not chunk:
            break
        output += chunk
    os.close(master)
    status = process.wait(timeout=60)
    screen = pyte.Screen(COLUMNS, ROWS)
    pyte.ByteStream(screen).feed(bytes(output))
    lines = [line.rstrip() for line in screen.display]
    while lines and not lines[-1]:
        lines.pop()
    return status, lines


def test_ingest_prints_failures_above_the_warc_progress(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    with open_archive(str(tmp_path / "source.db")) as source:
        from newsarchive.pipeline import ingest_documents

        list(ingest_documents(source, documents(4)))
        with open(pages / "b-good.warc.gz", "wb") as out:
            export_warc(source, out, "b-good.warc.gz")
    (pages / "a-broken.warc.gz").write_bytes(b"\x1f\x8b\x08 not really gzip")
    (pages / "c-empty.txt").write_bytes(b"")
    total = sum(path.stat().st_size for path in pages.glob("*.warc.gz"))
    status, lines = screen_of(["ingest", str(pages), "--fetched-at", "2026-03-17T12:00Z",
                               "--db", str(tmp_path / "a.db")], tmp_path)
    assert status == 1
    broken, empty, progress, summary = lines
    assert broken.startswith(f"newsarchive: {pages / 'a-broken.warc.gz'}: not a readable WARC "
                             "file (")
    assert empty == f"newsarchive: {pages / 'c-empty.txt'}: empty file"
    assert progress == f"importing WARC: 100% ({total / 1e3:.1f} of {total / 1e3:.1f} KB)"
    assert summary == ("newsarchive: ingested 3 files: 4 pages stored, 0 already archived, "
                       "2 failed; 9 new items, 32 sightings")


def test_crawl_prints_failures_above_its_counter(fixture_site, tmp_path):
    gone = fixture_site.url("/fault/gone")
    status, lines = screen_of(["fetch", gone, fixture_site.url(fixture_site.articles[0].path),
                               "--delay", "0", "--retries", "0", "--db", str(tmp_path / "a.db")],
                              tmp_path)
    assert status == 1
    assert [SUMMARY_TIME.sub(" in T", line) for line in lines] == [
        f"newsarchive: failed {gone}: HTTP 404 (given up)",
        "fetching: 2 URLs done",
        "fetched 1, not modified 0, failed 1, new items 6, sightings 6 in T",
    ]


def test_the_status_line_is_cut_to_the_terminal_and_messages_go_above_it():
    out = io.StringIO()
    line = StatusLine(out)
    line.print("before any progress")
    line.show("fetching: 1 URL done")
    line.print("newsarchive: failed x")
    line.show("fetching: 2 URLs done")
    line.close()
    assert out.getvalue() == ("before any progress\n"
                              "\r\x1b[Kfetching: 1 URL done"
                              "\r\x1b[Knewsarchive: failed x\nfetching: 1 URL done"
                              "\r\x1b[Kfetching: 2 URLs done\n")
