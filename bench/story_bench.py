"""Stories and minute times (issue 12): ingest speed with story grouping on and off, and the
share of one-minute windows on the simulated news day.

    python bench/story_bench.py [--pages 5000] [--rounds 2]

Speed: the page stream of bench/ingest_bench.py (layout A text dumps, every item seen about
ten times; parsing done before the clock starts) into fresh SQLite archives, `rounds` times
each way, alternating: `off` (story grouping skipped: `derive.group_stories` replaced by a
no-op for the run), `on` (everything the archive derives). Prints pages/s of the best run of
each, by wall clock and per CPU second, and the time ratios on/off (target: at most 1.3).

Minutes: the simulated day of tests/news_day.py (two loopback sites, stories edited one to
three times, fetched at irregular moments) ingested once; prints the share of items whose
window is at most one minute wide, how many came from a headline, and the stories found.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]

from ingest_bench import documents  # noqa: E402
from news_day import REPUBLISH_DELAY, DaySite, fetch_day, news_day, start  # noqa: E402

from newsarchive.parse import parse_page  # noqa: E402
from newsarchive.store import derive  # noqa: E402
from newsarchive.store.archive import open_archive  # noqa: E402

GROUP_STORIES = derive.group_stories


def timed_ingest(pages: list, folder: Path, name: str, grouping: bool) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one ingest; SQLite works in this process, so CPU time is
    the whole cost and is less disturbed by other work on a shared machine."""
    derive.group_stories = GROUP_STORIES if grouping else (lambda *args, **kwargs: None)  # type: ignore[assignment]
    try:
        with open_archive(str(folder / f"{name}.db")) as archive:
            begin, cpu = time.perf_counter(), time.process_time()
            for _ in archive.ingest_many(pages):
                pass
            return time.perf_counter() - begin, time.process_time() - cpu
    finally:
        derive.group_stories = GROUP_STORIES  # type: ignore[assignment]


def speed(count: int, rounds: int) -> None:
    pages = [(parse_page(data, fetched_at), data) for data, fetched_at in documents(count, "text")]
    wall = {"off": float("inf"), "on": float("inf")}
    cpu = dict(wall)
    with tempfile.TemporaryDirectory() as folder:
        for n in range(rounds):
            for mode in ("off", "on"):
                seconds, cpu_seconds = timed_ingest(pages, Path(folder), f"{mode}{n}", mode == "on")
                wall[mode], cpu[mode] = min(wall[mode], seconds), min(cpu[mode], cpu_seconds)
                print(f"  round {n + 1} grouping {mode:<3} {count / seconds:8,.0f} pages/s "
                      f"({count / cpu_seconds:,.0f} per CPU s)", flush=True)
    print(f"ingest {count} pages (best of {rounds}): grouping off {count / wall['off']:,.0f} pages/s "
          f"({count / cpu['off']:,.0f} per CPU s), on {count / wall['on']:,.0f} pages/s "
          f"({count / cpu['on']:,.0f} per CPU s); time on/off = {wall['on'] / wall['off']:.2f}x wall, "
          f"{cpu['on'] / cpu['off']:.2f}x CPU (target <= 1.3x)")


def minutes() -> None:
    from datetime import datetime, timezone

    first = datetime(2026, 6, 10, 5, 0, tzinfo=timezone.utc)
    stories = news_day(first)
    sites = [start(DaySite(stories, "127.0.0.1")),
             start(DaySite(stories, "127.0.0.2", delay=REPUBLISH_DELAY, headlines=False))]
    last = max(v.published for s in stories for v in s.versions)
    fetched = list(fetch_day(sites, first - timedelta(minutes=10), last + timedelta(hours=2)))
    parsed = [(parse_page(f.body, f.fetched_at, f.url), f.body) for f in fetched]
    with tempfile.TemporaryDirectory() as folder, open_archive(str(Path(folder) / "day.db")) as archive:
        list(archive.ingest_many([(p, b) for p, b in parsed if p.is_page]))
        with archive.engine.connect() as connection:
            rows = connection.exec_driver_sql(
                "SELECT published_earliest, published_latest, window_source, story_id FROM items").all()
    minute = sum(1 for e, latest, _, _ in rows if e and _seconds(e, latest) <= 60)
    headline = sum(1 for row in rows if row[2] == "headline")
    print(f"simulated day: {len(fetched)} pages, {len(rows)} items; one-minute windows "
          f"{minute}/{len(rows)} = {minute / len(rows):.0%} ({headline} from headlines); "
          f"{len({row[3] for row in rows})} stories of {len(stories)} written")
    for site in sites:
        assert site.server is not None
        site.server.shutdown()


def _seconds(earliest: str, latest: str) -> float:
    from datetime import datetime

    return (datetime.fromisoformat(latest.rstrip("Z")) - datetime.fromisoformat(earliest.rstrip("Z"))).total_seconds()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    speed(args.pages, args.rounds)
    minutes()


if __name__ == "__main__":
    main()
