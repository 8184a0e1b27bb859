"""`ingest --url` and the source path: a stored page can be traced to its file and its URL."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select

from newsarchive.cli import cli
from newsarchive.query.tables import PAGES
from newsarchive.store.archive import open_archive

REPO = Path(__file__).resolve().parent.parent
PAGE = REPO / "fixtures" / "pages" / "html" / "react_spans.html"
SEED = REPO / "fixtures" / "seeds" / "000_e73d07e3b0bfa2d9.txt"
URL = "https://regio.example.nl/nieuws/economie"
WHEN = "2026-03-17T12:00:00Z"


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def _pages(db: str) -> list[tuple[str | None, str | None]]:
    with open_archive(db) as archive, archive.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(
            select(PAGES.c.url, PAGES.c.source_path).order_by(PAGES.c.id))]


def test_ingest_url_is_stored_and_resolves_teaser_links(archive_url):
    result = invoke("ingest", str(PAGE), "--url", URL, "--fetched-at", WHEN, "--db", archive_url)
    assert result.exit_code == 0, result.output
    assert _pages(archive_url) == [(URL, str(PAGE))]
    listed = invoke("query", "--db", archive_url, "--format", "jsonl")
    urls = [json.loads(line)["url"] for line in listed.stdout.splitlines()]
    assert urls == ["https://regio.example.nl/nieuws/beurs-opent-hoger",
                    "https://regio.example.nl/nieuws/ecb-houdt-rente-gelijk",
                    "https://regio.example.nl/nieuws/pensioenfonds-belegt-duurzamer",
                    URL]  # the lead article (no window of its own, so last): the page itself


def test_without_url_links_stay_as_printed_and_the_path_is_kept(archive_url):
    assert invoke("ingest", str(PAGE), "--fetched-at", WHEN, "--db", archive_url).exit_code == 0
    assert _pages(archive_url) == [(None, str(PAGE))]
    listed = invoke("query", "--db", archive_url, "--format", "jsonl")
    assert [json.loads(line)["url"] for line in listed.stdout.splitlines()] == [
        "/nieuws/beurs-opent-hoger", "/nieuws/ecb-houdt-rente-gelijk",
        "/nieuws/pensioenfonds-belegt-duurzamer", None]


def test_a_relative_path_is_stored_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(SEED.parent)
    db = str(tmp_path / "a.db")
    assert invoke("ingest", SEED.name, "--fetched-at", WHEN, "--db", db).exit_code == 0
    assert _pages(db) == [(None, str(SEED))]


def test_url_with_several_files_or_a_folder_is_refused_before_opening(tmp_path):
    db = tmp_path / "a.db"
    for paths in ([str(PAGE), str(SEED)], [str(SEED.parent)]):
        result = invoke("ingest", *paths, "--url", URL, "--db", str(db))
        assert result.exit_code == 2
        assert result.stderr == ("newsarchive: --url names the URL of one page: "
                                 "give exactly one file with it\n")
    assert not db.exists()


def test_show_names_the_file_of_a_sighting_without_url(tmp_path):
    db = str(tmp_path / "a.db")
    assert invoke("ingest", str(SEED), "--fetched-at", WHEN, "--db", db).exit_code == 0
    shown = invoke("show", "1", "--db", db, "--format", "table")
    [sighting] = [line for line in shown.stdout.splitlines() if line.startswith("  2026")]
    assert sighting.endswith(f"#0 {SEED}")
    detail = json.loads(invoke("show", "1", "--db", db, "--format", "json").stdout)
    assert [(s["page_url"], s["page_source_path"]) for s in detail["sightings"]] == [(None, str(SEED))]
