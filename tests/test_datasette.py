"""`newsarchive datasette`: our metadata, served by a real Datasette on loopback; facets,
search and canned queries answer what the archive holds (counted here from raw rows)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner
from datasette_server import datasette_server
from report_archive import SOURCES, build_report_archive
from sqlalchemy import text

from newsarchive.cli import cli
from newsarchive.store.archive import Archive, open_archive


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Archive]]:
    db = tmp_path_factory.mktemp("datasette") / "news.db"
    with open_archive(str(db)) as archive:
        build_report_archive(archive)
        with datasette_server(db) as base:
            yield base, archive


def get(base: str, path: str, **params: Any) -> Any:
    response = requests.get(f"{base}/news{path}", params=params, timeout=30)
    assert response.status_code == 200, response.text[:300]
    return response.json()


def rows(archive: Archive, sql: str) -> list[tuple[Any, ...]]:
    with archive.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


def test_items_view_comes_newest_first_with_facets(served: tuple[str, Archive]) -> None:
    base, archive = served
    page = get(base, "/items_view.json", _shape="objects", _size=5)
    newest = rows(archive, "SELECT id FROM items WHERE published_earliest IS NOT NULL "
                           "ORDER BY published_earliest DESC, id DESC")
    assert [row["id"] for row in page["rows"]][:1] == [newest[0][0]]
    starts = [row["published_earliest"] for row in page["rows"]]
    assert starts == sorted(starts, reverse=True)
    facets = page["facet_results"]
    assert list(facets) == ["agencies", "section", "kind"]
    for column in ("agencies", "section", "kind"):
        counted = {str(value): n for value, n in rows(
            archive, f"SELECT {column}, count(*) FROM items GROUP BY {column}")}
        assert {r["value"]: r["count"] for r in facets[column]["results"]} == counted
    assert page["filtered_table_rows_count"] == rows(archive, "SELECT count(*) FROM items")[0][0]


def test_a_facet_value_filters_the_items(served: tuple[str, Archive]) -> None:
    base, archive = served
    page = get(base, "/items_view.json", _shape="objects", _size=200, agencies='["ANP","RTR"]')
    expected = {item_id for item_id, names in rows(archive, "SELECT id, agencies FROM items")
                if json.loads(names) == ["ANP", "RTR"]}
    assert {row["id"] for row in page["rows"]} == expected and len(expected) > 3


def test_search_finds_the_word_in_title_dateline_or_body(served: tuple[str, Archive]) -> None:
    base, archive = served
    page = get(base, "/items_view.json", _shape="objects", _size=500, _search="haven")
    expected = {item_id for item_id, body in rows(archive, "SELECT id, body FROM items")
                if "haven" in body.lower().replace(".", " ").split()}
    assert {row["id"] for row in page["rows"]} == expected and len(expected) > 5


def test_canned_queries_answer_from_the_archive(served: tuple[str, Archive]) -> None:
    base, archive = served
    per_day = get(base, "/items_per_day_by_agency.json", _shape="array", since="")
    items = rows(archive, "SELECT coalesce(published_earliest, first_seen_at), name FROM items "
                          "JOIN item_agencies ON item_agencies.item_id = items.id "
                          "JOIN agencies ON agencies.id = agency_id")
    expected = Counter((moment[:10], name) for moment, name in items)
    assert {(r["day"], r["agency"]): r["items"] for r in per_day} == expected
    assert [r["day"] for r in per_day] == sorted((r["day"] for r in per_day), reverse=True)

    failing = get(base, "/failing_sources.json", _shape="array")
    assert [(r["url"], r["is_source"], r["state"]) for r in failing] == [
        (SOURCES[2], 1, "failed"), (SOURCES[3], 1, "given_up"),
        ("http://127.0.0.3/artikel/9", 0, "failed"), ("http://127.0.0.3/artikel/8", 0, "given_up")]

    newest = get(base, "/newest_from_dateline.json", _shape="array", dateline="ile longue")
    expected_ids = [item_id for item_id, in rows(
        archive, "SELECT id FROM items WHERE dateline = 'ÎLE LONGUE' "
                 "ORDER BY published_earliest DESC, id DESC LIMIT 50")]
    assert [r["id"] for r in newest] == expected_ids and len(expected_ids) > 3
    stories = get(base, "/stories_with_several_outlets.json", _shape="array")
    hosts: dict[int, set[str]] = {}
    for story_id, url in rows(archive, "SELECT items.story_id, pages.url FROM items "
                                       "JOIN sightings ON sightings.item_id = items.id "
                                       "JOIN pages ON pages.id = sightings.page_id"):
        hosts.setdefault(story_id, set()).add(url.split("/")[2])
    several = {story_id: len(names) for story_id, names in hosts.items() if len(names) > 1}
    assert {r["story_id"]: r["outlet_count"] for r in stories} == several and len(several) > 5


VIEWS = ["items_view", "stories_view", "sightings_view", "pages_view", "revisions_view",
         "crawl_runs_view", "crawl_frontier_view", "crawl_responses_view", "item_links"]
INTERNAL = {"content_key", "lead_key", "dateline_folded", "title_folded", "name_folded",
            "lease_owner", "lease_until", "etag", "last_modified", "headers", "data",
            "content_hash", "compression", "owner"}


def test_people_browse_views_in_order_and_the_tables_are_hidden(served: tuple[str, Archive]) -> None:
    base, archive = served
    database = get(base, ".json")
    with archive.engine.connect() as connection:
        tables = set(connection.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'table'")).scalars())
    assert {t["name"] for t in database["tables"] if not t["hidden"]} == set()
    assert {t["name"] for t in database["tables"]} == tables
    assert [view["name"] for view in database["views"]] == VIEWS
    page = requests.get(f"{base}/news", timeout=30).text
    assert 'class="db-table"' not in page  # no table listed before the views
    assert f'{len(tables)} hidden tables' in page
    links = re.findall(r'<li><a href="/news/(\w+)">', page.split('id="views"')[1])
    assert links == VIEWS
    for view in VIEWS[:-1]:
        shown = get(base, f"/{view}.json", _size=1)
        assert shown["columns"] and INTERNAL.isdisjoint(shown["columns"]), view
        html = requests.get(f"{base}/news/{view}", timeout=30).text
        assert set(re.findall(r'data-column="(\w+)"', html)) <= set(shown["columns"]), view
        assert not shown["rows"] or set(re.findall(r'data-column="(\w+)"', html)) == set(shown["columns"]), view
    assert "body" not in get(base, "/crawl_responses_view.json", _size=1)["columns"]  # the raw bytes


def test_the_items_page_describes_itself_and_suggests_no_slow_facet(served: tuple[str, Archive]) -> None:
    base, _ = served
    page = requests.get(f"{base}/news/items_view", timeout=30).text
    assert "Every wire item once, newest first" in page
    assert 'name="_search"' in page  # the search box is on the view people browse
    assert get(base, "/items_view.json", _size=1)["suggested_facets"] == []
    assert "_facet_array" not in page


def test_metadata_is_printed_for_running_datasette_yourself(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["datasette", str(tmp_path / "news.db"), "--metadata"])
    assert result.exit_code == 0
    metadata = json.loads(result.output)
    tables = metadata["databases"]["news"]["tables"]
    assert tables["items_view"]["sort_desc"] == "published_earliest"
    assert tables["items_view"]["facets"] == ["agencies", "section", "kind"]
    assert (tables["items_view"]["fts_table"], tables["items_view"]["fts_pk"]) == (
        "items_fts", "id")
    assert tables["items"] == {"hidden": True}
    assert sorted(metadata["databases"]["news"]["queries"]) == [
        "failing_sources", "items_per_day_by_agency", "newest_from_dateline",
        "stories_with_several_outlets"]


@pytest.mark.parametrize(("target", "message"), [
    ("missing.db", "missing.db: no archive there"),
    ("postgresql+psycopg://postgres@127.0.0.1/test", "Datasette serves SQLite files only"),
])
def test_what_datasette_cannot_serve_is_one_line(tmp_path: Path, target: str,
                                                 message: str) -> None:
    where = str(tmp_path / target) if target.endswith(".db") else target
    command = [str(Path(sys.executable).with_name("newsarchive")), "datasette", where]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.endswith(message + "\n") and result.stderr.count("\n") == 1
