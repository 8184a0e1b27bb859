"""Reparse and WARC speed, and bytes per stored page (issue 11).

    python bench/reparse_bench.py [--pages 20000]   # the issue's size; 2,000 by default

Ingests the generated HTML pages of bench/ingest_bench.py (80-150 KB each) through the pipeline
into a fresh SQLite archive: that run is the baseline (pages/s, MB/s of HTML). Then, on the same
archive, in the same process: `reparse --all` with 1 worker and with 2 (pages/s, ratio to
ingest), `warc export` (MB/s of WARC written) and `ingest` of that WARC into a fresh archive
(MB/s of WARC read). Last, bytes per page of the kept raw bodies (zstandard with the trained
dictionary) against zlib level 6 of the same bodies, and of the kept parses.

Each step is timed by the wall clock and by this process's CPU time: on a machine shared with
other work the wall clock of two steps minutes apart varies by 2x (a WARC import measured
0.52x, 0.61x and 1.09x ingest in three runs, same code); the CPU ratio is the one to compare
(2 workers: wall only, their CPU is the children's). The generated pages are held in memory
compressed (zlib level 1, 20,000 pages in ~0.4 GB instead of 2.3 GB): the ingest baseline
includes decompressing them, about 1 % of its time.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import TypeVar

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]

from ingest_bench import documents  # noqa: E402
from sqlalchemy import text  # noqa: E402

from newsarchive.items import RawDocument  # noqa: E402
from newsarchive.pipeline import ingest_documents, ingest_files  # noqa: E402
from newsarchive.reparse import Selection, reparse  # noqa: E402
from newsarchive.store.archive import open_archive  # noqa: E402
from newsarchive.warc import export_warc  # noqa: E402

MB = 2**20
T = TypeVar("T")


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--pages", type=int, default=2_000, help="20,000 in the issue")
    args = options.parse_args()
    packed = [(zlib.compress(data, 1), moment) for data, moment in documents(args.pages, "html")]
    count = len(packed)
    html_mb = sum(len(zlib.decompress(data)) for data, _ in packed) / MB

    def pages() -> Iterator[RawDocument]:
        for n, (data, moment) in enumerate(packed):
            yield RawDocument(zlib.decompress(data), moment, f"https://wire.example/nieuws/{n}",
                              "text/html; charset=utf-8")

    print(f"{count:,} generated HTML pages, {html_mb:,.0f} MB; fresh SQLite archives")
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "a.db"
        with open_archive(str(db)) as archive:
            _, wall, cpu = timed(lambda: [i.result for i in ingest_documents(archive, pages())])
            base = Speed(count / wall, count / cpu)
            print(f"ingest (baseline)       {base.line()}  {html_mb / wall:6.1f} MB/s of HTML (wall)")
            for workers in (1, 2):
                summary, wall, cpu = timed(partial(reparse, archive, Selection(everything=True),
                                                   workers=workers))
                assert summary.rebuilt and summary.reparsed == count
                speed = Speed(count / wall, count / cpu if workers == 1 else None)
                print(f"reparse --workers {workers}     {speed.line(base)}")
            warc = Path(folder) / "out.warc.gz"

            def export() -> None:
                with open(warc, "wb") as out:
                    export_warc(archive, out, warc.name)

            _, wall, cpu = timed(export)
            warc_mb = warc.stat().st_size / MB
            print(f"warc export             {Speed(count / wall, count / cpu).line(base)}; "
                  f"{warc_mb / wall:.1f} MB/s of WARC ({warc_mb:,.1f} MB), "
                  f"{html_mb / wall:.1f} MB/s of HTML (wall)")
            sizes(archive, count)
        with open_archive(str(Path(folder) / "b.db")) as other:
            imported, wall, cpu = timed(partial(ingest_files, other, [warc]))
            assert imported.stored == count, imported.line()
            print(f"warc import (ingest)    {Speed(count / wall, count / cpu).line(base)}; "
                  f"{warc_mb / wall:.1f} MB/s of WARC, {html_mb / wall:.1f} MB/s of HTML (wall)")


def timed(work: Callable[[], T]) -> tuple[T, float, float]:
    """What `work()` returns, its wall seconds and the CPU seconds of this process."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, time.perf_counter() - wall, time.process_time() - cpu


class Speed:
    def __init__(self, wall: float, cpu: float | None) -> None:
        self.wall, self.cpu = wall, cpu

    def line(self, base: Speed | None = None) -> str:
        text = f"{self.wall:7,.1f} pages/s wall"
        if base is not None:
            text += f" ({self.wall / base.wall:.2f}x ingest)"
        if self.cpu is not None:
            text += f", {self.cpu:7,.1f} pages/s of CPU"
            if base is not None and base.cpu is not None:
                text += f" ({self.cpu / base.cpu:.2f}x ingest)"
        return text


def sizes(archive, count: int) -> None:
    with archive.engine.connect() as connection:
        raw = connection.execute(text("SELECT sum(length(body)), count(*) FROM raw_bodies")).one()
        parses = connection.execute(text("SELECT sum(length(data)) FROM page_parses")).scalar()
        dictionary = connection.execute(text("SELECT coalesce(sum(length(data)), 0) FROM "
                                             "raw_dictionaries")).scalar()
        bodies = connection.execute(text("SELECT body, compression, dictionary_id FROM raw_bodies"))
        zlib_total = sum(len(zlib.compress(archive.codec.unpack(connection, row), 6))
                         for row in bodies)
    print(f"raw bodies: {raw[0] / raw[1]:,.0f} B/page zstandard + dictionary "
          f"(+ {dictionary:,} B dictionary once) vs {zlib_total / raw[1]:,.0f} B/page zlib-6 "
          f"({raw[0] / zlib_total:.2f}x); kept parses {parses / count:,.0f} B/page")


if __name__ == "__main__":
    main()
