"""The crawl log file: one time format (ISO 8601 with offset) and a line when interrupted."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

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
