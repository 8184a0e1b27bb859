"""HTTP client benchmark: the guarded client (deadline watchdog, address checks, strict headers)
against a bare requests Session, fetching the same pages from the local fixture site.

The site runs in a subprocess (tests/fixture_site.py), so the CPU time measured is the
client's. Prints CPU ms per request of each and their ratio, measured in the same run.

    python bench/http_bench.py [--requests 600] [--rounds 3]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsarchive.fetch.http import HttpClient, HttpPolicy  # noqa: E402


def article_paths(count: int) -> list[str]:
    """Paths of the fixture site's 200 articles, round and round."""
    return [f"/nieuws/bericht-{n % 200}-ANP{2026000000 + n % 200}" for n in range(count)]


def guarded(base: str, paths: list[str]) -> float:
    with HttpClient(HttpPolicy(delay=0.0)) as client:
        started = time.process_time()
        for path in paths:
            assert client.get(base + path).ok
        return time.process_time() - started


def bare(base: str, paths: list[str]) -> float:
    with requests.Session() as session:
        started = time.process_time()
        for path in paths:
            with session.get(base + path, stream=True, timeout=20) as response:
                assert response.status_code == 200
                b"".join(response.iter_content(64 * 1024))
        return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    site = subprocess.Popen([sys.executable, str(ROOT / "tests" / "fixture_site.py"),
                             "--articles", "200"], stdout=subprocess.PIPE, text=True)
    try:
        base = site.stdout.readline().strip() if site.stdout else ""
        paths = article_paths(args.requests)
        ours, theirs = [], []
        for _ in range(args.rounds):  # interleaved, so both see the same machine load
            theirs.append(bare(base, paths))
            ours.append(guarded(base, paths))
    finally:
        site.kill()
        site.wait()
    best_ours, best_theirs = min(ours), min(theirs)
    print(f"{args.requests} GETs from {base}, best of {args.rounds} rounds, CPU time")
    print(f"  requests.Session (baseline): {1000 * best_theirs / args.requests:.3f} ms per request")
    print(f"  HttpClient (guarded):        {1000 * best_ours / args.requests:.3f} ms per request")
    print(f"  ratio guarded / baseline:    {best_ours / best_theirs:.2f}")


if __name__ == "__main__":
    main()
