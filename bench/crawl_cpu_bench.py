"""Where a crawl's CPU goes: CPU ms per page by stage, for the network of
bench/crawl_workers_bench.py (loopback hosts, latency, a delay per host, PostgreSQL).

The crawl runs in a subprocess (`newsarchive crawl`, the bench's command line) in which the
stages are timed by the CPU time of the thread that runs them (time.thread_time), each stage
without the stages it calls: frontier claims and outlooks, storing responses, storing pages,
parsing, discovery, the HTTP client, host releases, start-up (imports, opening the archive).
"other" is the rest of the process's CPU (threads' bookkeeping, the request watchdog, logging).

`--baseline DIR` crawls with the `newsarchive` package in DIR too (for instance
`git archive <commit> | tar -x -C DIR`), alternating with this tree's in each round so both
meet the same load, and prints every stage as before -> after, and the total as a ratio.

    python bench/crawl_cpu_bench.py [--hosts 20] [--articles 600] [--latency 0.2]
        [--delay 0.5] [--workers 8] [--db postgresql|sqlite] [--rounds 2] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import resource
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

# (module, attribute, stage): what is timed; an attribute missing from a tree is left out
STAGES = [
    ("newsarchive.fetch.frontier", "Frontier.claim", "frontier claim"),
    ("newsarchive.fetch.frontier", "Frontier.outlook", "frontier outlook (idle)"),
    ("newsarchive.fetch.frontier", "Frontier.add", "frontier add (links)"),
    ("newsarchive.fetch.frontier", "Frontier.store_response", "store response"),
    ("newsarchive.fetch.crawl", "_Run._store_batch", "store pages (ingest)"),
    ("newsarchive.fetch.crawl", "_Run.flush", "store pages (ingest)"),
    ("newsarchive.store.ingest", "_Batch._load_items", "store pages: items"),
    ("newsarchive.store.ingest", "_Batch._inherit_teaser_windows", "store pages: teaser windows"),
    ("newsarchive.store.ingest", "_Batch._derive_headline_windows", "store pages: headlines"),
    ("newsarchive.store.ingest", "_Batch._group_stories", "store pages: stories"),
    ("newsarchive.fetch.crawl", "prepare", "store pages: prepare"),
    ("newsarchive.fetch.crawl", "parse_document", "parse"),
    ("newsarchive.fetch.crawl", "discover", "discovery"),
    ("newsarchive.fetch.http", "HttpClient.get", "HTTP client"),
    ("newsarchive.fetch.politeness", "Hosts.release", "host release"),
    ("newsarchive.fetch.politeness", "Hosts.get", "host read"),
    ("newsarchive.fetch.crawl", "fetch_robots", "robots.txt"),
    ("newsarchive.cli", "open_archive_or_exit", "start-up: open archive"),
    ("newsarchive.fetch.crawl", "start_run", "run rows"),
    ("newsarchive.fetch.crawl", "end_run", "run rows"),
]
IMPORTS = "start-up: imports"
OTHER = "other"


def _timed(stage: str, function: Callable[..., Any], totals: dict[str, float],
           calls: dict[str, int], lock: threading.Lock, local: threading.local) -> Callable[..., Any]:
    @wraps(function)
    def timed(*args: Any, **kwargs: Any) -> Any:
        stack = local.__dict__.setdefault("stack", [])
        stack.append(0.0)
        started = time.thread_time()
        try:
            return function(*args, **kwargs)
        finally:
            spent = time.thread_time() - started
            inner = stack.pop()
            if stack:
                stack[-1] += spent
            with lock:
                totals[stage] += spent - inner
                calls[stage] += 1
    return timed


def inner(arguments: list[str]) -> None:
    """In the crawl's process: time the stages, run the CLI, print {stage: CPU seconds} and
    {stage: calls}."""
    started = time.thread_time()
    totals: dict[str, float] = defaultdict(float)
    calls: dict[str, int] = defaultdict(int)
    lock, local = threading.Lock(), threading.local()
    for module_name, attribute, stage in STAGES:
        module = importlib.import_module(module_name)
        owner_name, _, name = attribute.rpartition(".")
        owner = getattr(module, owner_name) if owner_name else module
        if hasattr(owner, name):
            setattr(owner, name, _timed(stage, getattr(owner, name), totals, calls, lock, local))
    totals[IMPORTS] = time.thread_time() - started
    from newsarchive.cli import cli

    try:
        cli.main(arguments, standalone_mode=False)
    except SystemExit:
        pass
    usage = resource.getrusage(resource.RUSAGE_SELF)
    totals[OTHER] = usage.ru_utime + usage.ru_stime - sum(totals.values())
    print(json.dumps({"seconds": totals, "calls": calls}))


def measure(args: argparse.Namespace, code: str | None) -> dict[str, Any]:
    import crawl_workers_bench as workers

    env, cwd = dict(os.environ), None
    if code is not None:
        env["PYTHONPATH"] = os.pathsep.join([code, *filter(None, [env.get("PYTHONPATH")])])
        cwd = code
    with workers.archive(args.db) as db, workers.network(args) as (sources, logs):
        command = workers.crawl_command(db, sources, args.workers, args)[3:]
        run = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--inner",
                              json.dumps(command)], env=env, cwd=cwd, capture_output=True,
                             text=True, check=False)
        requests = logs()
    if run.returncode != 0 or not run.stdout.strip():
        sys.exit(f"the crawl failed ({run.returncode}): {run.stderr.strip()[-500:]}")
    pages = sum(len(log) for log in requests.values())
    articles = sum(1 for log in requests.values() for _, path in log if "/bericht-" in path)
    return {**json.loads(run.stdout.splitlines()[-1]), "pages": pages,
            "articles": articles, "stderr": run.stderr.strip()}


def combined(runs: list[dict[str, Any]]) -> dict[str, Any]:
    stages: dict[str, float] = defaultdict(float)
    calls: dict[str, int] = defaultdict(int)
    for run in runs:
        for stage, seconds in run["seconds"].items():
            stages[stage] += seconds
        for stage, count in run["calls"].items():
            calls[stage] += count
    pages = sum(run["pages"] for run in runs)
    return {"ms": {stage: 1000 * seconds / pages for stage, seconds in stages.items()},
            "calls": {stage: count / pages for stage, count in calls.items()},
            "pages": pages, "articles": sum(run["articles"] for run in runs)}


def main() -> None:
    if sys.argv[1:2] == ["--inner"]:
        inner(json.loads(sys.argv[2]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--delay", type=float, default=0.5)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--db", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--baseline", metavar="DIR",
                        help="also crawl with the newsarchive package in DIR (before -> after)")
    args = parser.parse_args()
    codes = [None] if args.baseline is None else [args.baseline, None]
    runs: dict[str | None, list[dict[str, Any]]] = {code: [] for code in codes}
    for round_number in range(args.rounds):
        for code in codes if round_number % 2 == 0 else codes[::-1]:
            runs[code].append(measure(args, code))
    after = combined(runs[None])
    before = combined(runs[args.baseline]) if args.baseline is not None else None
    print(f"{args.hosts} hosts, {args.articles} articles, latency {args.latency * 1000:.0f} ms, "
          f"delay {args.delay} s, {args.workers} workers, {args.db}, {args.rounds} round(s): "
          f"{after['pages']} requests ({after['articles']} articles)"
          + ("" if before is None else f", baseline {before['pages']} ({before['articles']})"))
    order = sorted(after["ms"], key=lambda stage: -after["ms"][stage])
    if before is not None:
        order += [stage for stage in before["ms"] if stage not in after["ms"]]
    for stage in order:
        now = after["ms"].get(stage, 0.0)
        line = f"  {stage:<26} {now:6.2f} ms/page"
        if before is not None:
            line = (f"  {stage:<26} {before['ms'].get(stage, 0.0):6.2f} -> {now:6.2f} ms/page")
        if stage in after["calls"]:
            line += f" ({after['calls'][stage]:.2f} calls/page)"
        print(line)
    total = sum(after["ms"].values())
    if before is None:
        print(f"  {'total':<26} {total:6.2f} ms/page")
        return
    old = sum(before["ms"].values())
    print(f"  {'total':<26} {old:6.2f} -> {total:6.2f} ms/page ({total / old:.2f}x the baseline)")


if __name__ == "__main__":
    main()
