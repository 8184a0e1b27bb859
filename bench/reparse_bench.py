"""Reparse and WARC speed, and bytes per stored page (issue 11).

    python bench/reparse_bench.py [--pages 20000]

Ingests the generated HTML pages of bench/ingest_bench.py (80-150 KB each) through the pipeline
into a fresh SQLite archive: that run is the baseline (pages/s, MB/s of HTML). Then, on the same
archive, in the same process: `reparse --all` with 1 worker and with 2 (pages/s, ratio to
ingest), `warc export` (MB/s of WARC written) and `ingest` of that WARC into a fresh archive
(MB/s of WARC read). Last, bytes per page of the kept raw bodies (zstandard with the trained
dictionary) against zlib level 6 of the same bodies, and of the kept parses.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import zlib
from pathlib import Path

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


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--pages", type=int, default=20_000)
    args = options.parse_args()
    pages = [RawDocument(data, moment, f"https://wire.example/nieuws/{n}", "text/html; charset=utf-8")
             for n, (data, moment) in enumerate(documents(args.pages, "html"))]
    html_mb = sum(len(p.data) for p in pages) / MB
    print(f"{len(pages):,} generated HTML pages, {html_mb:,.0f} MB; fresh SQLite archives")
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "a.db"
        with open_archive(str(db)) as archive:
            start = time.perf_counter()
            for ingested in ingest_documents(archive, pages):
                assert ingested.result is not None
            ingest = time.perf_counter() - start
            base = len(pages) / ingest
            print(f"ingest (baseline)       {base:8,.0f} pages/s  {html_mb / ingest:6.1f} MB/s of HTML")
            for workers in (1, 2):
                start = time.perf_counter()
                summary = reparse(archive, Selection(everything=True), workers=workers)
                seconds = time.perf_counter() - start
                assert summary.rebuilt and summary.reparsed == len(pages)
                print(f"reparse --workers {workers}     {len(pages) / seconds:8,.0f} pages/s "
                      f"({len(pages) / seconds / base:.2f}x ingest)")
            warc = Path(folder) / "out.warc.gz"
            start = time.perf_counter()
            with open(warc, "wb") as out:
                export_warc(archive, out, warc.name)
            seconds = time.perf_counter() - start
            warc_mb = warc.stat().st_size / MB
            print(f"warc export             {warc_mb / seconds:8.1f} MB/s of WARC ({warc_mb:,.1f} MB; "
                  f"{html_mb / seconds:.1f} MB/s of HTML, {html_mb / seconds / (html_mb / ingest):.2f}x "
                  "ingest)")
            sizes(archive, len(pages))
        with open_archive(str(Path(folder) / "b.db")) as other:
            start = time.perf_counter()
            summary = ingest_files(other, [warc])
            seconds = time.perf_counter() - start
            assert summary.stored == len(pages), summary.line()
            print(f"warc import (ingest)    {warc_mb / seconds:8.1f} MB/s of WARC "
                  f"({html_mb / seconds:.1f} MB/s of HTML, {len(pages) / seconds / base:.2f}x ingest)")


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
