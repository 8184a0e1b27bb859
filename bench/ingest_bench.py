"""Ingest speed: generated pages into a fresh SQLite archive (issue 3).

    python bench/ingest_bench.py [--pages 20000] [--modes text,html,store,bare] [--keep DIR]

Generates article pages of layout A from a wire stream: a lead and seven sidebar items each,
the stream advancing so that every item is seen about ten times (its age growing from page to
page), the leads repeating ten times too. One run a mode, each in its own process and its own fresh
archive: `text` (text dumps, parse + store), `html` (realistic HTML of 80-150 KB in the markup
shapes of tests/render_html.py, parse + store), `store` (parsing not timed: storage alone) and
`bare` (`store` without the triggers that keep the report's daily counts, store/rollups.py:
what they cost). Page generation is not timed. Prints pages/s, items/s, sightings/s, peak RSS
(and RSS at half-way: memory must stay flat), and archive bytes per item with every index, then per table
(with its indexes; SQLite's dbstat).
Targets: html >= 200 pages/s, text >= 2,000 pages/s, store >= 3,000 pages/s, RSS < 200 MB,
< 1 KB per item.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]

from parse_bench import heavy, paragraph, sentence, text_dump  # noqa: E402
from render_html import SHAPES, LeadStory, WireItem, WirePage, render  # noqa: E402
from store_pages import WireStory, age_text  # noqa: E402

from newsarchive.parse import parse_page  # noqa: E402
from newsarchive.store import rollups  # noqa: E402
from newsarchive.store.archive import open_archive  # noqa: E402

START = datetime(2026, 3, 1, 6, 0, tzinfo=timezone.utc)
PLACES = ("DEN HAAG", "TEHERAN", "IZJOEM/LONDEN", "MEXICO-STAD", "ÎLE LONGUE", "GOES", "BRUSSEL",
          "WASHINGTON", "BERLIJN", "KYIV", "PARIJS", "MIDDELBURG")
AGENCIES = (("ANP",), ("ANP", "RTR"), ("ANP", "AFP", "RTR"), ("ANP", "AFP"), ("ANP", "DPA"))
SIDEBAR = 7
SEEN = 10  # how many pages show each item
FETCH_EVERY = timedelta(minutes=3)


class Wire:
    """The stream: page n shows the 7 stories from n * 7 / 10 on, so each is seen ~10 times."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.stories: dict[int, WireStory] = {}
        self.leads: dict[int, LeadStory] = {}

    def story(self, index: int) -> WireStory:
        if index not in self.stories:
            published = START + index * FETCH_EVERY * SEEN / SIDEBAR - timedelta(minutes=1)
            self.stories[index] = WireStory(
                self.rng.choice(PLACES), self.rng.choice(AGENCIES),
                f"{paragraph(self.rng)} ({index})", published,
            )
            self.stories.pop(index - 2 * SEEN * SIDEBAR, None)  # keep memory flat
        return self.stories[index]

    def lead(self, index: int) -> LeadStory:
        if index not in self.leads:
            self.leads[index] = LeadStory(
                f"{sentence(self.rng, 6)[:-1]} {index}", self.rng.choice(PLACES), ("ANP",),
                tuple(paragraph(self.rng) for _ in range(5)),
            )
            self.leads.pop(index - 2, None)
        return self.leads[index]

    def page(self, n: int) -> tuple[WirePage, datetime]:
        fetched_at = START + n * FETCH_EVERY
        first = n * SIDEBAR // SEEN
        stories = [self.story(first + k) for k in range(SIDEBAR - 1, -1, -1)]  # newest first
        items = tuple(
            WireItem(s.dateline, s.agencies, s.body, age_text(s, fetched_at)) for s in stories
        )
        return WirePage("A", "Buitenland", self.lead(n // SEEN), items), fetched_at


def documents(count: int, kind: str) -> Iterator[tuple[bytes, datetime]]:
    wire = Wire(2026)
    rng = random.Random(7)
    for n in range(count):
        page, fetched_at = wire.page(n)
        if kind == "html":
            data = render(page, SHAPES[n % len(SHAPES)], heavy(rng)).encode("utf-8")
        else:
            data = text_dump(page).encode("utf-8")
        yield data, fetched_at


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def run(mode: str, count: int, folder: Path) -> None:
    """One measured run in this process; prints one line."""
    db = folder / f"{mode}.db"
    kind = "html" if mode == "html" else "text"
    untimed = untimed_cpu = 0.0  # page generation, and in `store` mode parsing too
    half_rss = 0.0

    def pages() -> Iterator[tuple[object, bytes]]:
        nonlocal untimed, untimed_cpu, half_rss
        source = documents(count, kind)
        for n in range(count):
            before, before_cpu = time.perf_counter(), time.process_time()
            data, fetched_at = next(source)
            if mode in ("store", "bare"):
                page = parse_page(data, fetched_at)
            untimed += time.perf_counter() - before
            untimed_cpu += time.process_time() - before_cpu
            if mode not in ("store", "bare"):
                page = parse_page(data, fetched_at)
            if n == count // 2:
                half_rss = rss_mb()
            yield page, data

    with open_archive(str(db)) as archive:
        if mode == "bare":
            with archive.engine.begin() as connection:
                for trigger in rollups.TRIGGERS:
                    connection.exec_driver_sql(f"DROP TRIGGER {trigger}")
        start, cpu = time.perf_counter(), time.process_time()
        results = list(archive.ingest_many(pages()))
        elapsed = time.perf_counter() - start - untimed
        cpu = time.process_time() - cpu - untimed_cpu
        with archive.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            items = connection.exec_driver_sql("SELECT count(*) FROM items").scalar()
            sightings = connection.exec_driver_sql("SELECT count(*) FROM sightings").scalar()
    size = sum(p.stat().st_size for p in folder.glob(f"{mode}.db*"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    stored = sum(r.stored for r in results)
    print(
        f"{mode:<5} {stored:>6} pages {elapsed:6.1f} s  {stored / elapsed:8,.0f} pages/s "
        f"({stored / cpu:,.0f} per CPU s) "
        f"{sum(r.sightings for r in results) / elapsed:9,.0f} sightings/s "
        f"{sum(r.new_items for r in results) / elapsed:8,.0f} new items/s | "
        f"{items:,} items, {sightings:,} sightings | RSS half-way {half_rss:.0f} MB, "
        f"peak {peak:.0f} MB | {size / 2**20:.1f} MB = {size / items:,.0f} B/item "
        f"({size / sightings:,.0f} B/sighting)",
        flush=True,
    )
    print(f"      bytes/item by table (with its indexes): {table_sizes(db, items)}", flush=True)


def table_sizes(db: Path, items: int) -> str:
    """Each table's pages with its indexes', per item, largest first (FTS shadows as one)."""
    query = (
        "SELECT coalesce(s.tbl_name, d.name), sum(d.pgsize) FROM dbstat AS d "
        "LEFT JOIN sqlite_schema AS s ON s.name = d.name GROUP BY 1"
    )
    try:
        with sqlite3.connect(db) as connection:
            rows = connection.execute(query).fetchall()
    except sqlite3.OperationalError:  # an SQLite built without dbstat
        return "(dbstat not available)"
    sizes: dict[str, int] = {}
    for name, size in rows:
        table = "items_fts" if name.startswith("items_fts") else name
        sizes[table] = sizes.get(table, 0) + size
    largest = sorted(sizes.items(), key=lambda pair: -pair[1])
    return ", ".join(f"{name} {size / items:,.0f}" for name, size in largest if size / items >= 1)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--pages", type=int, default=20_000)
    options.add_argument("--modes", default="text,html,store,bare")
    options.add_argument("--keep", type=Path, help="write the archives here and keep them")
    options.add_argument("--run", help=argparse.SUPPRESS)  # one mode, in a child process
    args = options.parse_args()
    if args.run:
        run(args.run, args.pages, args.keep)
        return
    print(f"{args.pages:,} generated pages, {SIDEBAR} sidebar items + a lead each, "
          f"each item seen ~{SEEN} times; parse + store unless `store`; fresh SQLite archives")
    with tempfile.TemporaryDirectory() as temporary:
        folder = args.keep or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        for mode in args.modes.split(","):
            for old in folder.glob(f"{mode}.db*"):
                old.unlink()
            subprocess.run(
                [sys.executable, __file__, "--run", mode, "--pages", str(args.pages),
                 "--keep", str(folder)],
                check=True,
            )
    print("targets: html >= 200 pages/s, text >= 2,000, store >= 3,000; RSS < 200 MB; "
          "< 1 KB per item")


if __name__ == "__main__":
    main()
