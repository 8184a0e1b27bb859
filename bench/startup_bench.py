"""Start-up of a read command: `newsarchive query --limit 1` against `python -c "import sqlalchemy"`.

Both run as fresh processes, interleaved (pairs, in alternating order) so that machine noise
hits both alike; prints the median of each and their ratio. Issue 8's target: at most 1.3.
The archive is the bundled fixtures, ingested once into bench/out/startup.db.

    python bench/startup_bench.py [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
QUERY = [sys.executable, "-c", "from newsarchive.cli import cli; cli()"]


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    db = OUT / "startup.db"
    if not db.exists():
        subprocess.run([*QUERY, "ingest", str(REPO / "fixtures"), "--fetched-at",
                        "2026-03-17T12:00:00Z", "--db", str(db)], check=True)
    query = [*QUERY, "query", "--limit", "1", "--format", "jsonl", "--db", str(db)]
    baseline = [sys.executable, "-c", "import sqlalchemy"]
    timed(query), timed(baseline)  # warm the file cache
    times: dict[str, list[float]] = {"query": [], "import sqlalchemy": []}
    for run in range(args.runs):
        pair = [("query", query), ("import sqlalchemy", baseline)]
        for name, command in pair if run % 2 == 0 else reversed(pair):
            times[name].append(timed(command))
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, value in medians.items():
        print(f"{name:<20} median {value * 1000:7.1f} ms over {args.runs} runs")
    print(f"ratio query / import sqlalchemy: {medians['query'] / medians['import sqlalchemy']:.2f} "
          "(target <= 1.3)")


if __name__ == "__main__":
    main()
