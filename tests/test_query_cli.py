"""`newsarchive query`, `show` and `stats`: output formats and one-line errors."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from store_pages import T0, article, hours, listing, teaser

from newsarchive.cli import cli
from newsarchive.store.archive import open_archive

LONDEN = "Het parlement debatteert over drones en defensie."
PARAGRAPH = "De minister van Defensie wil meer drones kopen voor de marine."


@pytest.fixture
def db(archive_url: str) -> str:
    with open_archive(archive_url) as archive:
        londen = teaser("LONDEN", LONDEN, agencies=("ANP", "AFP", "RTR"), title="Debat",
                        window=(T0 - hours(3), T0 - hours(2)))
        goes = teaser("GOES", PARAGRAPH, agencies=("ANP",), window=(T0 - hours(5), T0 - hours(4)))
        archive.ingest(listing(T0, londen, goes), b"listing at T0")
        renamed = teaser("LONDEN", LONDEN, agencies=("ANP", "AFP"), title="Debat over drones",
                         window=(T0 - hours(2), T0 - hours(1)))
        page = listing(T0 + hours(1), renamed)
        page.warnings.append("an unknown age phrase: 'eergisteren'")
        archive.ingest(page, b"listing an hour later")
        archive.ingest(article(T0 + hours(2), "GOES", (PARAGRAPH, "Een tweede alinea."),
                               url="https://wire.example/nieuws/drones-marine"), b"article page")
    return archive_url


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_piped_output_is_json_lines_with_lists_kept(db):
    code, out, err = run("query", "--db", db, "--agency", "afp")
    assert code == 0, err
    [line] = out.splitlines()
    item = json.loads(line)
    assert item["dateline"] == "LONDEN" and item["agencies"] == ["ANP", "AFP"]
    assert item["places"] == ["LONDEN"] and item["sightings"] == 2
    assert list(item)[:7] == ["id", "kind", "title", "dateline", "places", "agencies", "body"]


def test_json_is_one_array_and_csv_has_a_header_and_wire_style_lists(db):
    code, out, _ = run("query", "--db", db, "--format", "json", "--order", "oldest")
    assert code == 0
    assert [item["dateline"] for item in json.loads(out)] == ["GOES", "GOES", "LONDEN"]
    code, out, _ = run("query", "--db", db, "--format", "csv", "--dateline", "londen")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["dateline"], r["agencies"], r["title"]) for r in rows] == [
        ("LONDEN", "ANP/AFP", "Debat over drones")]
    code, out, _ = run("query", "--db", db, "--format", "json", "--search", "tulpen")
    assert (code, json.loads(out)) == (0, [])


def test_table_is_aligned_and_shortens_bodies(db):
    code, out, _ = run("query", "--db", db, "--format", "table", "--kind", "teaser")
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == ["id", "published", "dateline", "agencies",
                                              "section", "kind", "text"]
    assert lines[0].index("dateline") == lines[2].index("LONDEN")
    assert all(len(line) <= 120 for line in lines)


def test_since_accepts_relative_and_iso_times(db):
    code, out, _ = run("query", "--db", db, "--since", (T0 - hours(2.5)).isoformat())
    assert code == 0 and [json.loads(line)["dateline"] for line in out.splitlines()] == ["LONDEN"]
    code, out, _ = run("query", "--db", db, "--since", "3650d", "--until", "2026-03-17")
    assert code == 0 and len(out.splitlines()) == 3


@pytest.mark.parametrize("args, message", [
    (("--search", 'drones AND ("', "--search-syntax", "fts"), "cannot search for"),
    (("--since", "gisteren"), "not a time"),
    (("--order", "relevance"), "needs a full-text search"),
])
def test_a_query_that_cannot_run_is_one_line_on_stderr(db, args, message):
    if "--search" in args and not db.endswith(".db"):
        pytest.skip("PostgreSQL's websearch syntax accepts any text")
    code, out, err = run("query", "--db", db, *args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_limit_must_be_positive(db):
    code, _, err = run("query", "--db", db, "--limit", "0")
    assert code == 2 and "--limit" in err


def test_show_gives_sightings_links_and_earlier_values(db):
    _, out, _ = run("query", "--db", db, "--dateline", "londen")
    londen = json.loads(out)["id"]
    code, out, err = run("show", str(londen), "--db", db, "--format", "json")
    assert code == 0, err
    detail = json.loads(out)
    assert [s["age_text"] for s in detail["sightings"]] == ["1 uur geleden", "1 uur geleden"]
    assert detail["published_earliest"] == (T0 - hours(2)).isoformat()
    assert {(r["field"], r["old_value"]) for r in detail["revisions"]} >= {("title", "Debat")}
    _, out, _ = run("query", "--db", db, "--kind", "teaser", "--dateline", "goes")
    goes = json.loads(out)["id"]
    code, out, _ = run("show", str(goes), "--db", db, "--format", "table")
    assert code == 0 and "linked teaser/article:" in out and "article" in out


def test_show_of_a_missing_item_is_one_line_and_exit_1(db):
    code, out, err = run("show", "999999", "--db", db)
    assert (code, out) == (1, "") and "no item 999999" in err


def test_stats_counts_per_agency_dateline_section_day_and_names_warning_pages(db):
    code, out, err = run("stats", "--db", db, "--format", "json")
    assert code == 0, err
    stats = json.loads(out)
    assert (stats["items"], stats["sightings"], stats["pages"]) == (3, 4, 3)
    agencies = {a["name"]: (a["items"], a["sightings"]) for a in stats["per_agency"]}
    assert agencies == {"ANP": (3, 4), "AFP": (1, 2)}
    assert stats["per_dateline"][0] == {"name": "GOES", "items": 2, "sightings": 2}
    assert stats["per_day"] == [{"name": "2026-03-17", "items": 3, "sightings": 4}]
    assert stats["pages_with_warnings"] == 1
    assert stats["warning_pages"][0]["warnings"] == ["an unknown age phrase: 'eergisteren'"]
    assert stats["size_bytes"] > 0
    code, out, _ = run("stats", "--db", db, "--format", "table")
    assert code == 0 and "ANP" in out and "pages with warnings: 1" in out
