"""Start-up of a read command: `newsarchive query --limit 1` against `python -c "import sqlalchemy"`.

Both run as fresh processes, interleaved (pairs, in alternating order) so that machine noise
hits both alike; prints the median wall time of each, the median CPU time (user + system, less
disturbed by other processes on a busy machine), the fastest wall time (the run least
disturbed: on a shared machine the steadiest of the three) and their ratios. Issue 8's target: at most 1.3.
The archive is the bundled fixtures, ingested once into bench/out/startup.db.

The package's modules are compiled to bytecode first, as `pip install` does for SQLAlchemy: with
PYTHONDONTWRITEBYTECODE set (as on our machines) an editable install would otherwise compile
newsarchive from source on every start, which no installed copy does.

With `--instructions` it also counts the instructions each executes under valgrind
(callgrind): a ratio that does not move with the machine's load (wall and CPU time do, a
lot, on a shared machine), though it weighs instructions alike whatever they cost.

    python bench/startup_bench.py [--runs 15] [--instructions]
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
QUERY = [sys.executable, "-c", "from newsarchive.cli import cli; cli()"]


def timed(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one run of `command`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def instructions(command: list[str]) -> int:
    """Instructions executed by one run of `command`, counted by valgrind's callgrind: the
    same count however busy the machine is (hash randomisation off, so runs repeat)."""
    result = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONHASHSEED": "0"})
    found = re.search(r"Collected : (\d+)", result.stderr)
    if found is None:
        raise SystemExit("valgrind printed no instruction count")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--instructions", action="store_true",
                        help="also count instructions with valgrind (slow; immune to load)")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    compileall.compile_dir(REPO / "newsarchive", quiet=1)
    db = OUT / "startup.db"
    if not db.exists():
        subprocess.run([*QUERY, "ingest", str(REPO / "fixtures"), "--fetched-at",
                        "2026-03-17T12:00:00Z", "--db", str(db)], check=True)
    query = [*QUERY, "query", "--limit", "1", "--format", "jsonl", "--db", str(db)]
    baseline = [sys.executable, "-c", "import sqlalchemy"]
    timed(query), timed(baseline)  # warm the file cache
    times: dict[str, list[tuple[float, float]]] = {"query": [], "import sqlalchemy": []}
    for run in range(args.runs):
        pair = [("query", query), ("import sqlalchemy", baseline)]
        for name, command in pair if run % 2 == 0 else reversed(pair):
            times[name].append(timed(command))
    wall = {name: statistics.median(t[0] for t in values) for name, values in times.items()}
    cpu = {name: statistics.median(t[1] for t in values) for name, values in times.items()}
    fastest = {name: min(t[0] for t in values) for name, values in times.items()}
    for name in times:
        print(f"{name:<20} median {wall[name] * 1000:7.1f} ms wall, {cpu[name] * 1000:7.1f} ms CPU, "
              f"fastest {fastest[name] * 1000:7.1f} ms wall, over {args.runs} runs")
    print(f"ratio query / import sqlalchemy: {wall['query'] / wall['import sqlalchemy']:.2f} wall, "
          f"{cpu['query'] / cpu['import sqlalchemy']:.2f} CPU, "
          f"{fastest['query'] / fastest['import sqlalchemy']:.2f} fastest (target <= 1.3)")
    if args.instructions and shutil.which("valgrind"):
        counted = {"query": instructions(query), "import sqlalchemy": instructions(baseline)}
        print(f"instructions: query {counted['query']:,}, import sqlalchemy "
              f"{counted['import sqlalchemy']:,}; ratio "
              f"{counted['query'] / counted['import sqlalchemy']:.2f} (target <= 1.3)")


if __name__ == "__main__":
    main()
