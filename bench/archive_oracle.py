"""Archives built from fixed page streams, to compare two versions of the store and the crawler:
a speed change must leave every table as it was.

    python bench/archive_oracle.py dump OUT.json              # this checkout's package
    python bench/archive_oracle.py compare /path/to/base      # dumps both, reports the tables that differ
    python bench/archive_oracle.py diff BASE.json NEW.json     # two dumps made before

Three streams, each into a fresh SQLite archive:
- `wire`: the ingest benchmark's wire pages (bench/ingest_bench.py, `--pages` of them, text
  dumps and HTML in turn), parsed and stored by `Archive.ingest_many`;
- `day`: the simulated news day of two sites (tests/news_day.py), fetched as bench/story_bench.py
  fetches it and stored the same way;
- `site`: a crawl of the fixture site (tests/fixture_site.py, `--articles` articles) by one
  worker with a manual clock, so every stored moment is the clock's.
The sites listen on fixed ports (47011-47013, held by a lock file while a dump runs) so that
stored URLs and raw bodies do not depend on the run. Every table is dumped whole, rows sorted
(binary values as their SHA-256). `compare` runs `dump` once with the other checkout's package
first on PYTHONPATH and once with this one's (the streams are built by this checkout's tests/
and bench/ helpers both times), then prints each table that differs with a few of its rows.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if not os.environ.get("PYTHONPATH"):  # `compare` puts the package to dump on PYTHONPATH
    sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "tests"))

PORTS = {"site": 47011, "day-a": 47012, "day-b": 47013}
LOCK = Path(tempfile.gettempdir()) / "newsarchive-archive-oracle.lock"
SAMPLE = 3  # differing rows shown per table
SERVER_DATE = "Thu, 09 Apr 2026 17:45:00 GMT"  # the fixture site's Date header, not the real time
# columns that name the process that wrote a row (host:pid:random), masked in dumps
RUN_SPECIFIC = {("crawl_runs", "owner"), ("crawl_frontier", "lease_owner"), ("crawl_hosts", "lease_owner")}


def wire_stream(folder: Path, pages: int) -> Path:
    from ingest_bench import documents

    from newsarchive.parse import parse_page
    from newsarchive.store.archive import open_archive

    db = folder / "wire.db"
    halves = (documents(pages - pages // 2, "text"), documents(pages // 2, "html"))
    with open_archive(str(db)) as archive:
        list(archive.ingest_many(
            (parse_page(data, fetched_at), data) for data, fetched_at in _alternate(*halves)))
    return db


def _alternate(first: Iterator[Any], second: Iterator[Any]) -> Iterator[Any]:
    for one in first:
        yield one
        yield from (other for other in [next(second, None)] if other is not None)
    yield from second


def day_stream(folder: Path) -> Path:
    from news_day import REPUBLISH_DELAY, DaySite, fetch_day, news_day

    from newsarchive.parse import parse_page
    from newsarchive.store.archive import open_archive

    first = datetime(2026, 6, 10, 5, 0, tzinfo=timezone.utc)
    stories = news_day(first)
    sites = [DaySite(stories, "127.0.0.1"),
             DaySite(stories, "127.0.0.2", delay=REPUBLISH_DELAY, headlines=False)]
    for site, port in zip(sites, (PORTS["day-a"], PORTS["day-b"])):
        _serve_day(site, port)
    try:
        last = max(v.published for s in stories for v in s.versions)
        fetched = list(fetch_day(sites, first - timedelta(minutes=10), last + timedelta(hours=2)))
    finally:
        for site in sites:
            assert site.server is not None
            site.server.shutdown()
            site.server.server_close()
    db = folder / "day.db"
    parsed = [(parse_page(f.body, f.fetched_at, f.url), f.body) for f in fetched]
    with open_archive(str(db)) as archive:
        list(archive.ingest_many([(page, body) for page, body in parsed if page.is_page]))
    return db


def _serve_day(site: Any, port: int) -> None:
    from news_day import _DayHandler

    bound = type("Handler", (_DayHandler,), {"site": site})
    site.server = ThreadingHTTPServer((site.host, port), bound)
    site.server.daemon_threads = True
    threading.Thread(target=site.server.serve_forever, args=(0.05,), daemon=True).start()


def site_stream(folder: Path, articles: int) -> Path:
    import fixture_site

    from newsarchive.fetch.clock import ManualClock
    from newsarchive.fetch.crawl import CrawlSettings, crawl
    from newsarchive.fetch.http import HttpPolicy
    from newsarchive.store.archive import open_archive

    per_page = 20
    site = fixture_site.FixtureSite(article_count=articles, per_page=per_page)
    bound = type("Handler", (fixture_site._SiteHandler,),
                 {"site": site, "date_time_string": lambda self, timestamp=None: SERVER_DATE})
    site._server = fixture_site._QuietServer(("127.0.0.1", PORTS["site"]), bound)
    threading.Thread(target=site._server.serve_forever, args=(0.05,), daemon=True).start()
    db = folder / "site.db"
    settings = CrawlSettings(pages=site.pages, max_new_links=articles, policy=HttpPolicy(delay=0.0))
    try:
        with open_archive(str(db)) as archive:
            clock = ManualClock(site.now + timedelta(minutes=5))
            crawl(archive, [site.url(fixture_site.LISTING)], settings, clock=clock)
            clock.advance(3600)
            crawl(archive, [site.url(fixture_site.LISTING)], settings, clock=clock)
    finally:
        site.stop()
    return db


def tables_of(db: Path) -> dict[str, list[str]]:
    """Every table's rows (virtual tables apart: their shadow tables hold the data), sorted."""
    connection = sqlite3.connect(db)
    try:
        names = [name for name, sql in connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name")
            if not (sql or "").upper().startswith("CREATE VIRTUAL")]
        return {name: _rows(connection, name) for name in names}
    finally:
        connection.close()


def _rows(connection: sqlite3.Connection, table: str) -> list[str]:
    columns = [row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')]
    masked = [(table, column) in RUN_SPECIFIC for column in columns]
    return sorted(json.dumps(["<run>" if mask and value is not None else _plain(value)
                              for mask, value in zip(masked, row)], ensure_ascii=False)
                  for row in connection.execute(f'SELECT * FROM "{table}"'))


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return "sha256:" + hashlib.sha256(value).hexdigest()
    return value


def dump(out: Path, pages: int, articles: int) -> None:
    LOCK.touch(exist_ok=True)
    with open(LOCK) as held, tempfile.TemporaryDirectory() as tmp:
        fcntl.flock(held, fcntl.LOCK_EX)  # the fixed ports: one dump at a time on this machine
        folder = Path(tmp)
        streams = {"wire": wire_stream(folder, pages), "day": day_stream(folder),
                   "site": site_stream(folder, articles)}
        out.write_text(json.dumps({name: tables_of(db) for name, db in streams.items()},
                                  ensure_ascii=False))


def compare(base: Path, pages: int, articles: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        dumps = []
        for tree in (base.resolve(), ROOT):
            out = Path(tmp) / f"{len(dumps)}.json"
            env = {**os.environ, "PYTHONPATH": str(tree)}
            subprocess.run([sys.executable, __file__, "dump", str(out), "--pages", str(pages),
                            "--articles", str(articles)], env=env, check=True)
            dumps.append(json.loads(out.read_text()))
    return report(*dumps)


def report(before: dict[str, dict[str, list[str]]], after: dict[str, dict[str, list[str]]]) -> int:
    same = differing = 0
    for stream in before:
        for table in sorted(set(before[stream]) | set(after[stream])):
            old, new = before[stream].get(table), after[stream].get(table)
            if old == new:
                same += 1
                continue
            differing += 1
            if old is None or new is None:
                print(f"{stream}.{table}: only in the {'new' if old is None else 'base'} archive")
                continue
            gone, added = sorted(set(old) - set(new)), sorted(set(new) - set(old))
            print(f"{stream}.{table}: {len(old)} rows -> {len(new)}, {len(gone)} only in the base, "
                  f"{len(added)} only in the new")
            for row in gone[:SAMPLE]:
                print(f"  - {row[:300]}")
            for row in added[:SAMPLE]:
                print(f"  + {row[:300]}")
    print(f"{same} tables identical, {differing} differing")
    return 1 if differing else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["dump", "compare", "diff"])
    parser.add_argument("path", type=Path, help="dump: the JSON to write; compare: the base checkout; "
                        "diff: the base dump")
    parser.add_argument("other", type=Path, nargs="?", help="diff: the new dump")
    parser.add_argument("--pages", type=int, default=3000, help="pages of the wire stream")
    parser.add_argument("--articles", type=int, default=2000, help="articles of the fixture site")
    args = parser.parse_args()
    if args.command == "dump":
        dump(args.path, args.pages, args.articles)
    elif args.command == "compare":
        sys.exit(compare(args.path, args.pages, args.articles))
    else:
        if args.other is None:
            parser.error("diff needs two dumps")
        sys.exit(report(*(json.loads(path.read_text()) for path in (args.path, args.other))))


if __name__ == "__main__":
    main()
