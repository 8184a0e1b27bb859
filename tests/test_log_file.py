"""The crawl log file: one time format (ISO 8601 with offset) and a line when interrupted."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from asleep import wait_until_asleep_in

from newsarchive.cli import _run_fetching

ISO_WITH_OFFSET = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d"


def test_an_interrupted_run_says_so_in_the_log_in_the_one_time_format(tmp_path: Path, capsys):
    log = tmp_path / "crawl.log"

    def work(archive, progress):
        import logging

        logging.getLogger("newsarchive.crawl").info("GET http://127.0.0.1/robots.txt 200")
        raise KeyboardInterrupt

    with pytest.raises(SystemExit) as stopped:
        _run_fetching(str(tmp_path / "a.db"), False, log, work)
    assert stopped.value.code == 130
    lines = log.read_text(encoding="utf-8").splitlines()
    assert [re.sub(ISO_WITH_OFFSET, "T", line) for line in lines] == [
        "T INFO GET http://127.0.0.1/robots.txt 200",
        "T INFO INTERRUPTED the next run resumes where this one stopped",
    ]
    assert capsys.readouterr().err == "newsarchive: interrupted; the next run resumes where this one stopped\n"


LINE = re.compile(rf"^({ISO_WITH_OFFSET}) (INFO|WARNING|ERROR|SUMMARY) (.*)$")


def log_lines(log: Path) -> list[tuple[str, str]]:
    """(level, message) of every line, each of which must start with the one time format."""
    lines = log.read_text(encoding="utf-8").splitlines()
    matches = [LINE.match(line) for line in lines]
    assert all(matches), [line for line, match in zip(lines, matches) if not match]
    return [(match.group(2), match.group(3)) for match in matches if match]


def body_size(url: str) -> int:
    import urllib.request

    with urllib.request.urlopen(url, timeout=10) as response:  # the oracle: another client
        return len(response.read())


def test_every_request_is_a_line_robots_txt_and_redirect_hops_included(fixture_site, tmp_path):
    from click.testing import CliRunner

    from newsarchive.cli import cli

    article = fixture_site.articles[0]
    moved, gone = fixture_site.url("/oud/" + article.slug), fixture_site.url("/fault/gone")
    log = tmp_path / "crawl.log"
    result = CliRunner().invoke(cli, ["fetch", moved, gone, fixture_site.url("/private/x"),
                                      "--delay", "0", "--retries", "0", "--log-file", str(log),
                                      "--db", str(tmp_path / "a.db")])
    assert result.exit_code == 1, result.output
    served = [fixture_site.url(request.path) for request in fixture_site.requests]
    sizes = {url: body_size(url) for url in (fixture_site.url("/robots.txt"),
                                             fixture_site.url(article.path))}
    requests = [message for level, message in log_lines(log) if message.startswith("GET ")]
    assert requests == [
        f"GET {served[0]} HTTP 200, {sizes[served[0]]} bytes",
        f"GET {moved} HTTP 301 to /nieuws/{article.slug}",
        f"GET {fixture_site.url(article.path)} HTTP 200, {sizes[fixture_site.url(article.path)]} bytes",
        f"GET {gone} HTTP 404",
    ]
    assert served == [fixture_site.url("/robots.txt"), moved, fixture_site.url(article.path), gone]


def test_ctrl_c_leaves_an_interrupted_line(fixture_site, tmp_path):
    import signal
    import subprocess
    import sys
    import time

    fixture_site.slow_seconds = 30
    log = tmp_path / "crawl.log"
    process = subprocess.Popen(
        [sys.executable, "-c", "from newsarchive.cli import cli; cli()", "fetch",
         fixture_site.url("/fault/slow"), "--delay", "0", "--timeout", "60", "--log-file",
         str(log), "--db", str(tmp_path / "a.db")], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while fixture_site.count("/fault/slow") == 0:
        assert process.poll() is None and time.monotonic() < deadline, process.stderr
        time.sleep(0.01)
    # the request is sent; Ctrl-C once the fetch sleeps waiting for the answer (a SIGINT
    # before the wait began would be acted on only when the answer comes, 30 s later)
    wait_until_asleep_in(process, "poll")
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 130
    assert process.stderr is not None
    assert process.stderr.read() == (
        "newsarchive: interrupted; the next run resumes where this one stopped\n")
    assert log_lines(log) == [
        ("INFO", f"GET {fixture_site.url('/robots.txt')} HTTP 200, "
                 f"{body_size(fixture_site.url('/robots.txt'))} bytes"),
        ("INFO", "INTERRUPTED the next run resumes where this one stopped"),
    ]


def test_a_traceback_in_the_log_keeps_the_time_format_on_every_line(tmp_path: Path):
    log = tmp_path / "crawl.log"

    def work(archive, progress):
        import logging

        try:
            {}["meta"]
        except KeyError as exc:
            logging.getLogger("newsarchive.crawl").info("the crash on %s", "http://x/", exc_info=exc)
        raise KeyboardInterrupt

    with pytest.raises(SystemExit):
        _run_fetching(str(tmp_path / "a.db"), True, log, work)
    messages = log_lines(log)
    assert messages[0] == ("INFO", "the crash on http://x/")
    assert messages[1] == ("INFO", "  Traceback (most recent call last):")
    assert messages[-2] == ("INFO", "  KeyError: 'meta'")
    assert messages[-1] == ("INFO", "INTERRUPTED the next run resumes where this one stopped")
