"""The SQLite archive as other tools see it: Datasette, the sqlite3 shell, pandas; and reading
while another process writes."""

from __future__ import annotations

import asyncio
import json
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from store_pages import T0, hours, listing, teaser

from newsarchive.query import ItemFilter, search_items
from newsarchive.store.archive import open_archive

STORIES = [
    ("TEHERAN", ("ANP", "AFP"), "De raad komt bijeen over de haven van de stad."),
    ("LONDEN", ("ANP", "AFP", "RTR"), "Het parlement debatteert over drones en defensie."),
    ("BOGOTÁ", ("ANP", "RTR"), "De president opent een metrolijn in de hoofdstad."),
    ("DOMBURG", (), "Zorgen over de ambulancepost in het dorp."),
]


@pytest.fixture
def archive_path(tmp_path: Path) -> Path:
    path = tmp_path / "archive.db"
    with open_archive(str(path)) as archive:
        items = [teaser(d, body, agencies=a, window=(T0 - hours(n + 1), T0 - hours(n)))
                 for n, (d, a, body) in enumerate(STORIES)]
        archive.ingest(listing(T0, *items), b"a listing")
    return path


def datasette_get(path: Path, url: str) -> dict:
    from datasette.app import Datasette

    async def get() -> dict:
        response = await Datasette([str(path)]).client.get(url)
        assert response.status_code == 200, response.text
        return response.json()

    return asyncio.run(get())


def test_datasette_searches_items_through_items_fts(archive_path):
    data = datasette_get(archive_path, "/archive/items.json?_search=drones&_shape=objects")
    assert [row["dateline"] for row in data["rows"]] == ["LONDEN"]
    folded = datasette_get(archive_path, "/archive/items.json?_search=bogota&_shape=objects")
    assert [row["dateline"] for row in folded["rows"]] == ["BOGOTÁ"]


def test_datasette_facets_items_view_by_agency(archive_path):
    data = datasette_get(archive_path, "/archive/items_view.json?_facet_array=agencies")
    facet = {r["value"]: r["count"] for r in data["facet_results"]["agencies"]["results"]}
    assert facet == {"ANP": 3, "AFP": 2, "RTR": 2}
    afp = datasette_get(archive_path, "/archive/items_view.json?_shape=objects"
                                      "&agencies__arraycontains=AFP")
    assert sorted(row["dateline"] for row in afp["rows"]) == ["LONDEN", "TEHERAN"]


def test_sqlite3_shell_reads_the_views(archive_path):
    shell = shutil.which("sqlite3")
    if shell is None:
        pytest.skip("no sqlite3 command-line shell on PATH")
    def shell_json(sql: str) -> list[dict]:
        result = subprocess.run([shell, "-readonly", "-json", str(archive_path), sql],
                                capture_output=True, text=True, check=True)
        return json.loads(result.stdout)

    rows = shell_json("SELECT dateline, agencies, sightings FROM items_view ORDER BY dateline")
    assert rows[0] == {"dateline": "BOGOTÁ", "agencies": '["ANP","RTR"]', "sightings": 1}
    assert shell_json("SELECT count(*) AS n FROM sightings_view") == [{"n": 4}]


def test_pandas_reads_a_view(archive_path):
    pandas = pytest.importorskip("pandas")
    with sqlite3.connect(archive_path) as connection:
        frame = pandas.read_sql(
            "SELECT * FROM items_view", connection, parse_dates=["published_latest"]
        )
    assert sorted(frame["dateline"]) == ["BOGOTÁ", "DOMBURG", "LONDEN", "TEHERAN"]
    assert str(frame["published_latest"].dt.tz) == "UTC"
    assert frame["sightings"].sum() == 4


WRITER = textwrap.dedent("""
    import sys
    from datetime import timedelta
    sys.path.insert(0, sys.argv[2])
    from newsarchive.pipeline import store_records
    from newsarchive.store.archive import open_archive
    from newsarchive.store.db import write_transaction
    from store_pages import T0, listing, teaser
    with open_archive(sys.argv[1]) as archive:
        for n in range(int(sys.argv[3])):
            moment = T0 + timedelta(minutes=n)
            items = [teaser("GOES", f"Bericht {n}.{k} over de brug en de haven.",
                            window=(moment - timedelta(hours=1), moment)) for k in range(7)]
            records = archive.records([(listing(moment, *items), f"page {n}".encode())], "")
            with write_transaction(archive.engine) as connection:
                store_records(connection, records)
                print("writing", flush=True)  # the page is written, not committed
                sys.stdin.readline()  # until the reader has read meanwhile
            print("committed", flush=True)
""")
ROUNDS = 4


def test_queries_run_while_another_process_writes(archive_path):
    """In lock step: each round the writer holds a write transaction open with one more
    page while the reader queries (it sees what was committed, and is not locked out), then
    commits, and the reader sees the page."""
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(archive_path), str(Path(__file__).parent), str(ROUNDS)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )

    def goes_items() -> int:
        return len(search_items(archive, ItemFilter(dateline="goes", limit=10_000)))

    def brug_items() -> int:
        return len(search_items(archive, ItemFilter(search="brug", limit=10_000)))

    try:
        with open_archive(str(archive_path)) as archive:
            for committed in range(ROUNDS):
                assert writer.stdout.readline() == "writing\n", writer.stderr.read()
                assert (goes_items(), brug_items()) == (7 * committed, 7 * committed)
                writer.stdin.write("\n")
                writer.stdin.flush()
                assert writer.stdout.readline() == "committed\n", writer.stderr.read()
                assert (goes_items(), brug_items()) == (7 * (committed + 1), 7 * (committed + 1))
        out, err = writer.communicate(timeout=60)
    finally:
        writer.kill()
    assert (writer.returncode, out) == (0, ""), err
    assert "locked" not in err and "Traceback" not in err
