"""Several news sites on distinct loopback addresses (127.0.0.2, 127.0.0.3, ...): a small news
network for the tests of concurrent, polite crawling and for bench/crawl_workers_bench.py.

Each site is a `FixtureSite` (listings, feed, articles, robots.txt) with its own name, so no two
sites serve the same bytes, and an optional latency per response. Every site records each
request with its arrival time; `gaps()` and `violations()` read politeness off those logs.

Run as a script it serves a network until its stdin closes or says `log`, then prints every
site's request log as one JSON object {base: [[arrival, path], ...]}.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from fixture_site import LISTING, FixtureSite


@dataclass
class NewsNetwork:
    sites: list[FixtureSite]

    @property
    def sources(self) -> list[str]:
        return [site.url(LISTING) for site in self.sites]

    def article_requests(self) -> list[str]:
        """Every article URL requested, once per request (so doubles show)."""
        return sorted(site.url(path) for site in self.sites for path in site.article_requests())

    def article_urls(self) -> list[str]:
        return sorted(site.url(article.path) for site in self.sites for article in site.articles)

    def stop(self) -> None:
        for site in self.sites:
            site.stop()


def gaps(arrivals: list[float]) -> list[float]:
    """Seconds between consecutive requests to one host."""
    ordered = sorted(arrivals)
    return [later - earlier for earlier, later in zip(ordered, ordered[1:])]


def violations(logs: dict[str, list[float]], delay: float, slack: float = 0.005) -> dict[str, list[float]]:
    """Per host, the gaps shorter than `delay` (less `slack` for timer granularity)."""
    found = {host: [gap for gap in gaps(times) if gap < delay - slack] for host, times in logs.items()}
    return {host: short for host, short in found.items() if short}


def request_times(network: NewsNetwork) -> dict[str, list[float]]:
    return {site.base: [request.at for request in site.requests] for site in network.sites}


def make_sites(count: int, **options: Any) -> list[FixtureSite]:
    return [FixtureSite(address=f"127.0.0.{2 + number}", name=f"Het Wiernieuws {number + 1}",
                        **options) for number in range(count)]


@contextmanager
def news_network(count: int, **options: Any) -> Iterator[NewsNetwork]:
    """`count` sites on 127.0.0.2 ... each on a free port; options as for FixtureSite."""
    network = NewsNetwork([site.start() for site in make_sites(count, **options)])
    try:
        yield network
    finally:
        network.stop()


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=4)
    parser.add_argument("--articles", type=int, default=30, help="per host")
    parser.add_argument("--per-page", type=int, default=10)
    parser.add_argument("--latency", type=float, default=0.0)
    args = parser.parse_args()
    with news_network(args.hosts, article_count=args.articles, per_page=args.per_page,
                      latency=args.latency) as network:
        print(json.dumps([site.base for site in network.sites]), flush=True)
        for line in sys.stdin:
            if line.strip() == "log":
                break
        logs = {site.base: [[request.at, request.path] for request in site.requests]
                for site in network.sites}
        print(json.dumps(logs), flush=True)


if __name__ == "__main__":
    main()
