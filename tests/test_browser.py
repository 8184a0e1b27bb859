"""A real browser (Debian's headless Chromium) opens the report and the Datasette pages: each
renders what it should, without a script error. A screenshot of each (a phone's width) is
kept in test-output/browser/ for a person to look at."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from datasette_server import datasette_server
from report_archive import build_report_archive
from sqlalchemy import text

from newsarchive.cli import cli
from newsarchive.store.archive import open_archive

CHROMIUM = "/usr/bin/chromium"
OUTPUT = Path(os.environ.get("NEWSARCHIVE_TEST_OUTPUT",
                             Path(__file__).resolve().parent.parent / "test-output")) / "browser"
PHONE = "412,2400"  # a phone's width, tall enough to show the first rows

pytestmark = pytest.mark.skipif(
    not os.access(CHROMIUM, os.X_OK),
    reason=f"no Chromium at {CHROMIUM} (Debian: apt-get install -y chromium)")


def chromium(url: str, profile: Path, *action: str) -> subprocess.CompletedProcess[str]:
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
               "--no-first-run", "--disable-extensions", "--disable-sync",
               "--disable-background-networking", "--enable-logging=stderr", "--v=0",
               f"--user-data-dir={profile}", f"--window-size={PHONE}", *action, url]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)


def rendered(url: str, name: str, profile: Path) -> str:
    """The DOM after the page ran its scripts; a screenshot kept as OUTPUT/<name>.png."""
    page = chromium(url, profile, "--dump-dom")
    console = [line for line in page.stderr.splitlines() if "CONSOLE" in line]
    assert [line for line in console if "Uncaught" in line or "Error" in line] == []
    OUTPUT.mkdir(parents=True, exist_ok=True)
    shot = OUTPUT / f"{name}.png"
    shot.unlink(missing_ok=True)
    chromium(url, profile, f"--screenshot={shot}")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return page.stdout


@pytest.fixture(scope="module")
def news_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    db = tmp_path_factory.mktemp("browser") / "news.db"
    with open_archive(str(db)) as archive:
        build_report_archive(archive)
    yield db


def test_the_report_renders_in_a_browser(news_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = CliRunner().invoke(cli, ["report", "--db", str(news_db), "--out", str(out),
                                      "--since", "2026-03-15T12:00", "--until", "2026-03-17T02:00"])
    assert result.exit_code == 0, result.output
    dom = rendered(out.as_uri(), "report", tmp_path / "profile")
    assert dom.count("<svg") == 13
    assert "Top datelines of the period" in dom and "http://127.0.0.3/feed.xml" in dom


def test_datasette_pages_render_in_a_browser(news_db: Path, tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    with open_archive(str(news_db)) as archive, archive.engine.connect() as connection:
        sport, haven = (connection.execute(text(sql)).scalar_one() for sql in (
            "SELECT count(*) FROM items WHERE section = 'Sport'",
            "SELECT count(*) FROM items_fts WHERE items_fts MATCH 'haven'"))
    with datasette_server(news_db) as base:
        items = rendered(f"{base}/news/items_view", "datasette-items", profile)
        assert "Every wire item once, newest first" in items
        assert 'class="rows-and-columns"' in items and 'class="facet-info' in items

        facet = rendered(f"{base}/news/items_view?section=Sport", "datasette-facet", profile)
        assert f"{sport} rows where section = \"Sport\"" in facet and sport > 10
        assert ">Buitenland<" not in facet.split('class="rows-and-columns"')[1]

        search = rendered(f"{base}/news/items_view?_search=haven", "datasette-search", profile)
        assert f"{haven} rows where search matches \"haven\"" in search and haven > 10

        canned = rendered(f"{base}/news/items_per_day_by_agency?since=2026-03-16",
                          "datasette-canned-query", profile)
        assert "Items per day by agency" in canned and ">2026-03-16<" in canned
        assert ">2026-03-15<" not in canned
    shutil.rmtree(profile, ignore_errors=True)
