"""Concurrent crawl benchmark: a news network of 20 loopback hosts (127.0.0.2 ...), 200 ms
latency per response, a delay of 0.5 s per host, 2,000 articles in all.

Crawls the whole network into a fresh archive with 1 worker (the baseline), 8 workers in one
process, and 3 processes of 4 workers on one archive, and prints for each: pages/s, its ratio
to the baseline and to the politeness limits, CPU ms per page, and the politeness violations
read off the hosts' own request logs (two requests to one host closer than the delay).

Two limits are printed: hosts / delay (a request every `delay` seconds per host: what a crawler
can reach that counts the delay from the start of the previous request, as this one does), and
hosts / (delay + latency), what one can reach that counts it from the end of the previous
response (as this crawler did before).

`--baseline DIR` runs every configuration a second time, in the same run, with the
`newsarchive` package found in DIR (for instance `git archive main | tar -x -C DIR`), and prints
both: figures as a ratio to a baseline measured in the same run, CPU ms per page before/after.

    python bench/crawl_workers_bench.py [--hosts 20] [--articles 2000] [--latency 0.2]
        [--delay 0.5] [--db postgresql|sqlite] [--skip-single] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from news_network import gaps  # noqa: E402

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
POSTGRES_DSN = "host=127.0.0.1 port=5432 dbname=test user=postgres"
PER_PAGE = 50


@contextmanager
def archive(kind: str):
    """A fresh archive: a PostgreSQL schema or a SQLite file."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield os.path.join(tmp, "bench.db")
        return
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_DSN, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(POSTGRES_DSN, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


@contextmanager
def network(args: argparse.Namespace):
    """The news network in a subprocess (its CPU is not the crawler's); yields (sources, logs)
    where logs() ends it and returns {base: [[arrival, path], ...]}."""
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "news_network.py"), "--hosts", str(args.hosts),
         "--articles", str(args.articles // args.hosts), "--per-page", str(PER_PAGE),
         "--latency", str(args.latency)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        bases = json.loads(server.stdout.readline())

        def logs() -> dict[str, list[list]]:
            server.stdin.write("log\n")
            server.stdin.flush()
            return json.loads(server.stdout.readline())

        yield [base + "/nieuws/binnenland" for base in bases], logs
    finally:
        server.kill()
        server.wait()


def crawl_command(db: str, sources: list[str], workers: int, args: argparse.Namespace) -> list[str]:
    return [sys.executable, "-c", "from newsarchive.cli import cli; cli()", "crawl", *sources,
            "--workers", str(workers), "--delay", str(args.delay), "--pages", "10",
            "--max-new-links", str(args.articles), "--quiet", "--db", db]


def measure(label: str, processes: int, workers: int, args: argparse.Namespace,
            code: str | None = None) -> dict:
    """One configuration; `code`: a directory whose `newsarchive` package the crawls run."""
    env, cwd = dict(os.environ), None
    if code is not None:  # run there: `python -c` looks in its working directory first
        env["PYTHONPATH"] = os.pathsep.join([code, *filter(None, [env.get("PYTHONPATH")])])
        cwd = code
    with archive(args.db) as db, network(args) as (sources, logs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        runs = [subprocess.Popen(crawl_command(db, sources, workers, args), env=env, cwd=cwd)
                for _ in range(processes)]
        codes = [run.wait() for run in runs]
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        requests = logs()
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    pages = sum(len(log) for log in requests.values())
    short = [gap for log in requests.values() for gap in gaps([at for at, _ in log])
             if gap < args.delay - 0.005]
    articles = sum(1 for log in requests.values() for _, path in log if "/bericht-" in path)
    return {"label": label, "codes": codes, "wall": wall, "pages": pages, "articles": articles,
            "rate": pages / wall, "cpu_ms": 1000 * cpu / pages, "violations": len(short),
            "closest": min((gap for log in requests.values()
                            for gap in gaps([at for at, _ in log])), default=0.0)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--delay", type=float, default=0.5)
    parser.add_argument("--db", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--skip-single", action="store_true",
                        help="no 1-worker run (it takes minutes); ratios then to 8 workers")
    parser.add_argument("--single-only", action="store_true",
                        help="only the 1-worker run (the baseline of the ratios)")
    parser.add_argument("--baseline", metavar="DIR",
                        help="also run each configuration with the newsarchive package in DIR")
    args = parser.parse_args()
    limit = args.hosts / args.delay
    reachable = args.hosts / (args.delay + args.latency)
    print(f"{args.hosts} hosts, {args.articles} articles, latency {args.latency * 1000:.0f} ms, "
          f"delay {args.delay} s, {args.db}; limits: hosts/delay {limit:.1f} pages/s, "
          f"hosts/(delay+latency) {reachable:.1f} pages/s")
    configurations = [("8 workers", 1, 8), ("3 processes x 4 workers", 3, 4)]
    if args.single_only:
        configurations = []
    if not args.skip_single:
        configurations.insert(0, ("1 worker", 1, 1))
    results = [measure(label, processes, workers, args)
               for label, processes, workers in configurations]
    before = ([measure(f"{label} (baseline)", processes, workers, args, args.baseline)
               for label, processes, workers in configurations] if args.baseline else [])
    baseline = results[0]
    for result in results + before:
        print(f"  {result['label']:<24} {result['rate']:6.2f} pages/s "
              f"({result['rate'] / baseline['rate']:.2f}x {baseline['label']}, "
              f"{result['rate'] / limit:.0%} of hosts/delay, "
              f"{result['rate'] / reachable:.0%} of hosts/(delay+latency)); "
              f"{result['pages']} requests ({result['articles']} articles) in "
              f"{result['wall']:.1f} s; CPU {result['cpu_ms']:.1f} ms/page; "
              f"politeness violations {result['violations']} (closest gap "
              f"{result['closest']:.3f} s); exit {result['codes']}")
    for new, old in zip(results, before):
        print(f"  {new['label']:<24} vs baseline: {new['rate'] / old['rate']:.2f}x pages/s, "
              f"CPU {old['cpu_ms']:.1f} -> {new['cpu_ms']:.1f} ms/page "
              f"({new['cpu_ms'] / old['cpu_ms']:.2f}x)")


if __name__ == "__main__":
    main()
