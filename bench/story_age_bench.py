"""Story grouping as an archive ages: CPU per batch of `derive.group_stories` in each fifth of
an ingest of the fixture site's 2,100 pages (tests/fixture_site.py: templated texts, so many
items share story keys), one page fetched every `--step` minutes (60: the run spans 87 days).
Only items first seen within 48 hours of each other can be versions of one story, so the cost
per batch should stay flat as the archive grows.

    python bench/story_age_bench.py [--step 60] [--baseline DIR]

`--baseline DIR` runs DIR's package too (`git archive <commit> | tar -x -C DIR`), in turn.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def fifths(step: float) -> list[float]:
    """In this process (the package first on sys.path): ms of grouping per batch, by fifth."""
    from fixture_site import FixtureSite

    from newsarchive.parse import parse_page
    from newsarchive.store import derive
    from newsarchive.store.archive import open_archive

    spent: list[float] = []
    group = derive.group_stories

    def timed(*args: Any, **kwargs: Any) -> None:
        started = time.thread_time()
        group(*args, **kwargs)
        spent.append(time.thread_time() - started)

    derive.group_stories = timed  # type: ignore[assignment]
    site = FixtureSite(article_count=2000, per_page=20, now=datetime(2026, 6, 1, 12, tzinfo=timezone.utc)).start()
    try:
        pages = []
        for page in range(1, site.pages + 1):
            pages.append(site.url("/nieuws/binnenland" + (f"?page={page}" if page > 1 else "")))
            pages += [site.url(article.path) for article in site.listing_articles(page)]
        bodies = [(url, urllib.request.urlopen(url).read()) for url in pages]
    finally:
        site.stop()
    start = datetime(2026, 6, 1, 12, 5, tzinfo=timezone.utc)
    parsed = [(p, body) for n, (url, body) in enumerate(bodies)
              if (p := parse_page(body, start + timedelta(minutes=step * n), url)).is_page]
    with tempfile.TemporaryDirectory() as folder, open_archive(str(Path(folder) / "a.db")) as archive:
        list(archive.ingest_many(parsed))
    size = len(spent) // 5
    return [1000 * sum(spent[i * size:(i + 1) * size]) / size for i in range(5)]


def run(root: Path, step: float) -> list[float]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), str(ROOT / "tests")])}
    done = subprocess.run([sys.executable, __file__, "--inner", "--step", str(step)], cwd=root,
                          env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{root}: the bench failed: {done.stderr.strip()[-500:]}")
    return [float(value) for value in done.stdout.split()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--step", type=float, default=60.0)
    parser.add_argument("--baseline", type=Path, metavar="DIR")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        print(" ".join(f"{value:.1f}" for value in fifths(args.step)))
        return
    for root in ([args.baseline.resolve()] if args.baseline else []) + [ROOT]:
        per_batch = run(root, args.step)
        print(f"{root}: grouping ms per batch by fifth of the run "
              f"{', '.join(f'{v:.0f}' for v in per_batch)}; fourth / first {per_batch[3] / per_batch[0]:.2f}x")


if __name__ == "__main__":
    main()
