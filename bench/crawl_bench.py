"""Crawl benchmark: 2,000 articles (and their listing pages) from the local fixture site.

The site runs in a subprocess (tests/fixture_site.py) so that the CPU time measured here is the
crawler's alone: HTTP, parsing, discovery and storing, with the delay at 0. Prints pages/s and
CPU ms per page.

    python bench/crawl_bench.py [--articles 2000] [--per-page 20] [--db PATH]
        [--baseline DIR] [--rounds 2]

`--baseline DIR` runs DIR's own bench/crawl_bench.py with DIR's `newsarchive` (for instance
`git archive <commit> | tar -x -C DIR`) and this one in turn, `--rounds` times each, the order
swapped every round so both meet the same load, and prints CPU ms per page of both and their
ratio. The issue's "today's 9.7 ms" is this bench at b97c5a1.
"""

from __future__ import annotations

import argparse
import os
import re
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

CPU_LINE = re.compile(r"CPU [0-9.]+ s: ([0-9.]+) ms per page")


def cpu_ms_per_page(root: Path, articles: int, per_page: int) -> float:
    """One run of `root`'s bench/crawl_bench.py with `root`'s package: its CPU ms per page."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    run = subprocess.run([sys.executable, str(root / "bench" / "crawl_bench.py"), "--articles",
                          str(articles), "--per-page", str(per_page)], cwd=root, env=env,
                         capture_output=True, text=True, check=False)
    found = CPU_LINE.search(run.stdout)
    if run.returncode != 0 or found is None:
        sys.exit(f"{root}: the bench failed ({run.returncode}): {run.stderr.strip()[-500:]}")
    print(f"  {root}: {found.group(1)} ms per page", flush=True)
    return float(found.group(1))


def paired(baseline: Path, args: argparse.Namespace) -> None:
    runs: dict[Path, list[float]] = {baseline: [], ROOT: []}
    for round_number in range(args.rounds):
        for root in (baseline, ROOT) if round_number % 2 == 0 else (ROOT, baseline):
            runs[root].append(cpu_ms_per_page(root, args.articles, args.per_page))
    before, after = (sum(runs[root]) / len(runs[root]) for root in (baseline, ROOT))
    print(f"CPU ms per page, mean of {args.rounds} run(s) each: baseline {before:.2f}, "
          f"this tree {after:.2f} ({after / before:.2f}x the baseline)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--per-page", type=int, default=20)
    parser.add_argument("--db", help="archive to crawl into (default: a new temporary file)")
    parser.add_argument("--baseline", type=Path, metavar="DIR",
                        help="also run DIR's bench and package, in turn with this tree's")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if args.baseline is not None:
        paired(args.baseline.resolve(), args)
        return
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
