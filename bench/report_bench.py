"""`newsarchive report` and `newsarchive datasette` on big archives (issue 13).

Builds (once; cached in bench/out/) archives of generated items with query_bench's builder
(two years of section listings) plus a crawl frontier, then prints:

- the report's time (a `newsarchive report` process, start-up included) for the default period
  (7 days) and for the whole archive, at each size, with the time of one plain scan of the
  items (`SELECT count(*), sum(length(body)) FROM items`) and of `newsarchive --version` as
  baselines measured in the same run;
- at the largest size, through a real `newsarchive datasette` process: the items_view first
  page with its three facets, the page without facets, the facets Datasette suggests (none:
  suggestions are off), each facet alone (Datasette's own facet SQL, run on the archive), and
  the per-agency array facet for comparison (not offered: it cannot be fast); baseline a
  request for /-/versions.json.

Every item is made a story of its own (as ingest does), so that the report's stories section
counts what it counts on a real archive.

    python bench/report_bench.py [--sizes 100000,1000000] [--runs 3]
"""

from __future__ import annotations

import argparse
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))

import requests  # noqa: E402
from datasette_server import datasette_server  # noqa: E402
from query_bench import START, Builder  # noqa: E402

from newsarchive.store.archive import open_archive  # noqa: E402

OUT = Path(__file__).parent / "out"
NEWSARCHIVE = str(Path(sys.executable).with_name("newsarchive"))
HOSTS = ("wire.example", "regio.example", "sport.example")


def build(path: Path, items: int) -> None:
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)
    started = time.perf_counter()
    with open_archive(str(path)) as archive:
        Builder(archive, items, random.Random(20260317)).build()
        rng = random.Random(13)
        with archive.engine.begin() as connection:
            # every item is a story of its own, as ingest makes it (query_bench writes no stories)
            connection.exec_driver_sql("INSERT INTO stories (id) SELECT id FROM items")
            connection.exec_driver_sql("UPDATE items SET story_id = id")
            rows = []
            for index in range(3000):
                host = HOSTS[index % len(HOSTS)]
                state = rng.choice(("done", "done", "done", "failed", "given_up", "pending"))
                rows.append((f"https://{host}/a/{index}", "article", state,
                             f"https://{host}/", START.strftime("%Y-%m-%dT%H:%M:%SZ"), 0))
            rows += [(f"https://{host}/", "listing", "done", None,
                      START.strftime("%Y-%m-%dT%H:%M:%SZ"), 0) for host in HOSTS]
            connection.exec_driver_sql(
                "INSERT INTO crawl_frontier (url, kind, state, discovered_from, first_seen_at, "
                "failure_count) VALUES (?, ?, ?, ?, ?, ?)", rows)
        with archive.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    print(f"built {items:,} items in {time.perf_counter() - started:.0f} s: "
          f"{path.stat().st_size / 1e6:.0f} MB", flush=True)


def archive_of(items: int) -> Path:
    OUT.mkdir(exist_ok=True)
    path = OUT / f"report_bench_{items}.db"
    done = Path(f"{path}.done")
    if not done.exists():
        build(path, items)
        done.write_text("built\n")
    open_archive(str(path), upgrade_to_heads=True).close()  # built by an older newsarchive
    return path


def median_seconds(work: Callable[[], Any], runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def child_cpu_seconds(work: Callable[[], Any], runs: int) -> float:
    """The median CPU time (user + system) of the processes `work` runs: less swayed by
    other load on the machine than the wall-clock time."""
    samples = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        work()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        samples.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(samples)


def run(*args: str) -> None:
    subprocess.run([NEWSARCHIVE, *args], check=True, capture_output=True)


def scan(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("SELECT count(*), sum(length(body)) FROM items").fetchall()
    connection.close()


def report_times(path: Path, items: int, runs: int) -> None:
    out = OUT / "report_bench.html"
    start_up = median_seconds(lambda: run("--version"), runs)
    plain = median_seconds(lambda: scan(path), runs)
    week = median_seconds(lambda: run("report", "--db", str(path), "--out", str(out)), runs)
    whole = median_seconds(lambda: run("report", "--db", str(path), "--out", str(out),
                                       "--since", START.date().isoformat()), runs)
    week_cpu = child_cpu_seconds(lambda: run("report", "--db", str(path), "--out", str(out)),
                                 runs)
    whole_cpu = child_cpu_seconds(lambda: run("report", "--db", str(path), "--out", str(out),
                                              "--since", START.date().isoformat()), runs)
    start_up_cpu = child_cpu_seconds(lambda: run("--version"), runs)
    print(f"{items:>9,} items: report, 7 days {week:6.2f} s (CPU {week_cpu:.2f} s) ({week / plain:4.1f}x a scan), "
          f"whole archive (2 years, per day) {whole:6.2f} s (CPU {whole_cpu:.2f} s) "
          f"({whole / plain:4.1f}x a scan); baselines: scan {plain:.2f} s, newsarchive --version "
          f"{start_up:.2f} s (CPU {start_up_cpu:.2f} s)", flush=True)


FACET_SQL = {  # Datasette 0.6x's SQL for a column facet and for an array facet
    "column": "select {col} as value, count(*) as count from (select * from items_view) "
              "where {col} is not null group by {col} order by count desc, value limit 31",
    "array": "with inner as (select * from items_view), deduped_array_items as (select "
             "distinct j.value, inner.* from json_each([inner].{col}) j join inner) select "
             "value as value, count(*) as count from deduped_array_items group by value "
             "order by count(*) desc, value limit 31",
}


def datasette_times(path: Path, items: int, runs: int) -> None:
    connection = sqlite3.connect(path)
    for kind, column in (("column", "agencies"), ("column", "section"), ("column", "kind"),
                         ("array", "agencies")):
        sql = FACET_SQL[kind].format(col=column)
        seconds = median_seconds(lambda sql=sql: connection.execute(sql).fetchall(), runs)
        print(f"{items:>9,} items: {kind} facet on {column:<9} {seconds * 1000:8.1f} ms "
              f"(Datasette's limit: 200 ms)", flush=True)
    connection.close()
    with datasette_server(path) as base:
        name = path.stem

        def get(url: str) -> Any:
            response = requests.get(url, timeout=120)
            response.raise_for_status()
            return response.json()

        baseline = median_seconds(lambda: get(f"{base}/-/versions.json"), runs)
        page = f"{base}/{name}/items_view.json?_size=50"
        with_facets = median_seconds(lambda: get(page), runs)
        bare = median_seconds(lambda: get(page + "&_nofacet=1&_nocount=1"), runs)
        shown = get(page)
        suggested = [facet["name"] for facet in shown.get("suggested_facets", [])]
        print(f"{items:>9,} items: items_view first page (50 rows, newest first) with the "
              f"facets agencies, section, kind and the count {with_facets * 1000:.0f} ms, "
              f"without {bare * 1000:.0f} ms; facets timed out: "
              f"{shown.get('facets_timed_out') or 'none'}; facets suggested: "
              f"{suggested or 'none'}; baseline /-/versions.json {baseline * 1000:.0f} ms",
              flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--report-only", action="store_true", help="no Datasette figures")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    print(f"SQLite {sqlite3.sqlite_version}, Python {sys.version.split()[0]}, median of "
          f"{args.runs} runs", flush=True)
    for items in sizes:
        report_times(archive_of(items), items, args.runs)
    if not args.report_only:
        datasette_times(archive_of(sizes[-1]), sizes[-1], args.runs)


if __name__ == "__main__":
    main()
