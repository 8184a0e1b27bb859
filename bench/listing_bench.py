"""The listing step of a crawl (parse + discovery) beside a bare lxml parse of the same page.

    python bench/listing_bench.py [--repeats 5] [--seconds 1.0]

A crawl decodes and parses a fetched listing once, with its links (`pipeline.parse_document`
`with_links`), then finds the articles and next pages to queue (`fetch.discover.discover`), as
`fetch/crawl.py` does for every listing it fetches. The pages: realistic section listings of
80-150 KB in the portal shape (tests/render_html.py: a header mega-menu of a few hundred links,
breadcrumbs, cards in grids, ad slots, a big footer of links) and in today's shapes, built from
our own generated text (bench/parse_bench.py). Measures CPU time (`time.process_time`), best of
several repeats, and prints the step's cost as a ratio to a bare `lxml.html.fromstring` of the
same bytes in the same run, with its two parts; the four are measured in turn in each round, so
a burst of load on a shared machine slows both sides of a ratio (the median of the rounds'
ratios is printed too). Target: the step at most 4x the bare parse.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from collections.abc import Callable
from pathlib import Path

import lxml.html

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from parse_bench import FETCHED_AT, TODAY_SHAPES, best_rate, heavy, page  # noqa: E402
from render_html import render  # noqa: E402

from newsarchive.fetch.discover import discover  # noqa: E402
from newsarchive.items import RawDocument  # noqa: E402
from newsarchive.pipeline import parse_document  # noqa: E402

URL = "https://regio.example.nl/nieuws/binnenland"
CONTENT_TYPE = "text/html; charset=utf-8"
LISTING_LAYOUTS = ("C", "D")  # LAYOUTS.md: the section listings (no lead story)


def parse(body: bytes):
    return parse_document(RawDocument(body, FETCHED_AT, URL, CONTENT_TYPE), with_links=True)


def listing_step(body: bytes) -> object:
    """What crawl.py does with a fetched listing: parse it with links, then discover."""
    return discover(body, URL, "text/html", parse(body), "utf-8")


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--repeats", type=int, default=5)
    options.add_argument("--seconds", type=float, default=1.0)
    args = options.parse_args()
    rng = random.Random(2026)
    sets = {
        "portal listings": [render(page(rng, layout), "portal", heavy(rng)).encode("utf-8")
                            for layout in LISTING_LAYOUTS for _ in range(3)],
        "today's listings": [render(page(rng, layout), shape, heavy(rng)).encode("utf-8")
                             for layout in LISTING_LAYOUTS for shape in TODAY_SHAPES],
    }
    print(f"best of {args.repeats} rounds, each step {args.seconds:.1f} s CPU a round")
    for label, pages in sets.items():
        sizes = sorted(len(p) // 1024 for p in pages)
        links = sorted(len(lxml.html.fromstring(p).xpath("//a[@href]")) for p in pages)
        found = sorted(len(listing_step(p).articles) for p in pages)
        print(f"{label}: {len(pages)} pages of {sizes[0]}-{sizes[-1]} KB, {links[0]}-{links[-1]} "
              f"links, {found[0]}-{found[-1]} articles found")
        parsed = {id(p): parse(p) for p in pages}
        steps = {
            "bare": lxml.html.fromstring,
            "step": listing_step,
            "parse": parse,
            "discovery": lambda p, known=parsed: discover(p, URL, "text/html", known[id(p)], "utf-8"),  # type: ignore[misc]
        }
        best, ratios = _paired(steps, pages, args.repeats, args.seconds)
        print(f"  bare lxml.html.fromstring  {1000 / best['bare']:7.3f} ms/page")
        print(f"  listing step               {1000 / best['step']:7.3f} ms/page  "
              f"{best['bare'] / best['step']:.2f}x bare lxml (target <= 4x); "
              f"median of the rounds {statistics.median(ratios):.2f}x")
        print(f"    of which parse (links)   {1000 / best['parse']:7.3f} ms/page  {best['bare'] / best['parse']:.2f}x")
        print(f"    of which discovery       {1000 / best['discovery']:7.3f} ms/page  "
              f"{best['bare'] / best['discovery']:.2f}x")


def _paired(steps: dict[str, Callable[[bytes], object]], pages: list[bytes], repeats: int,
            seconds: float) -> tuple[dict[str, float], list[float]]:
    """Pages per CPU second of each step, best of `repeats` rounds in which every step runs once
    in turn (a burst of load on a shared machine then slows both sides of a ratio), and each
    round's ratio of the listing step to the bare parse."""
    best = dict.fromkeys(steps, 0.0)
    ratios = []
    for _ in range(repeats):
        rates = {name: best_rate(function, pages, 1, seconds) for name, function in steps.items()}
        best = {name: max(best[name], rates[name]) for name in steps}
        ratios.append(rates["bare"] / rates["step"])
    return best, ratios


if __name__ == "__main__":
    main()
