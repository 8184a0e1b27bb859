"""Crawl benchmark: 2,000 articles (and their listing pages) from the local fixture site.

The site runs in a subprocess (tests/fixture_site.py) so that the CPU time measured here is the
crawler's alone: HTTP, parsing, discovery and storing, with the delay at 0. Prints pages/s and
CPU ms per page.

    python bench/crawl_bench.py [--articles 2000] [--per-page 20] [--db PATH]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsarchive.fetch.crawl import CrawlOptions, crawl  # noqa: E402
from newsarchive.fetch.http import HttpPolicy  # noqa: E402
from newsarchive.store.archive import open_archive  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--per-page", type=int, default=20)
    parser.add_argument("--db", help="archive to crawl into (default: a new temporary file)")
    args = parser.parse_args()
    pages = -(-args.articles // args.per_page)
    site = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "fixture_site.py"), "--articles",
         str(args.articles), "--per-page", str(args.per_page)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        base = site.stdout.readline().strip()
        with tempfile.TemporaryDirectory() as tmp:
            db = args.db or os.path.join(tmp, "bench.db")
            with open_archive(db) as archive:
                options = CrawlOptions(pages=pages, max_new_links=args.articles,
                                       policy=HttpPolicy(delay=0.0))
                wall, cpu = time.perf_counter(), time.process_time()
                summary = crawl(archive, [base + "/nieuws/binnenland"], options)
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                again = crawl(archive, [base + "/nieuws/binnenland"], options)
            size = os.path.getsize(db)
    finally:
        site.kill()
        site.wait()
    fetched = summary.fetched + summary.not_modified
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"crawled {fetched} pages ({args.articles} articles, {pages} listing pages) "
          f"from {base}, delay 0, SQLite")
    print(f"  {summary.line()}")
    print(f"  wall {wall:.1f} s: {fetched / wall:.0f} pages/s")
    print(f"  CPU {cpu:.1f} s: {1000 * cpu / fetched:.2f} ms per page (fetch, parse, discover, "
          f"store)")
    print(f"  second run (listings only, conditional): {again.line()}")
    print(f"  archive {size / 1e6:.1f} MB ({size / fetched / 1024:.1f} KB per page, raw responses "
          f"included); peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
