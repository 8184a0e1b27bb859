"""Parse speed: pages per second on one core, HTML and text dumps, beside bare lxml and selectolax.

    python bench/parse_bench.py [--repeats 5] [--seconds 1.0]

Builds realistic HTML pages of 80-150 KB from our own generated text (tests/render_html.py):
today's shapes (semantic, soup, table: head with scripts, navigation, cookie banner, a big
footer, the article and its sidebar) and the portal shape (a header mega-menu of a few
hundred links, one reading "Net binnen", breadcrumbs, a label above the `<h1>`, cards in
grids inside `<main>`, ad slots, a most-read list); text dumps (the two seeds, and generated
layout-A pages); and a 1 MB page whose one start tag has tens of thousands of attributes.
HTML is parsed with a URL, as the crawler does (links resolved). Measures CPU time
(`time.process_time`) over several repeats and prints the best, with ratios to a bare
`lxml.html.fromstring` and to selectolax (lexbor) parse + text of the same bytes, measured in
the same run (`pip install -e '.[bench]'` for selectolax). Targets: at most 2x bare lxml on
today's shapes, 3x on the portal shape; text dumps at least 8,000 pages/s; the 1 MB page
under 1 s.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import lxml.html

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from render_html import LAYOUTS, Bulk, Headline, LeadStory, WireItem, WirePage, render  # noqa: E402

from newsarchive.parse import parse_page  # noqa: E402

FETCHED_AT = datetime(2026, 3, 17, 12, 0, tzinfo=timezone.utc)
URL = "https://regio.example.nl/nieuws/kabinet-wil-snellere-vergunningen"  # links resolved as a crawl does
TODAY_SHAPES = ("semantic", "soup", "table")  # the bench pages of before the portal shape
WORDS = (
    "de het een kabinet minister gemeente provincie plan besluit week jaar inwoners haven "
    "regering overleg nieuwe afspraak vanavond morgen volgens woordvoerder onderzoek dijk "
    "water polder brug trein station school ziekenhuis raad wethouder begroting"
).split()
PLACES = ("DEN HAAG", "TEHERAN", "IZJOEM/LONDEN", "MEXICO-STAD", "ÎLE LONGUE", "GOES", "BRUSSEL")
AGENCIES = (("ANP",), ("ANP", "RTR"), ("ANP", "AFP", "RTR"), ())
AGES = ("3 minuten geleden", "1 uur geleden", "5 uur geleden", "2 dagen geleden", "1 week geleden")


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng, rng.randint(8, 16)) for _ in range(rng.randint(2, 4)))


def page(rng: random.Random, layout: str) -> WirePage:
    titled = layout in ("B", "D")
    items = tuple(
        WireItem(
            rng.choice(PLACES), rng.choice(AGENCIES[:3]), paragraph(rng), rng.choice(AGES),
            ("ANP " if layout == "D" else "") + sentence(rng, 5)[:-1] if titled else None,
        )
        for _ in range(8)
    )
    lead = None
    if layout in ("A", "B"):
        lead = LeadStory(sentence(rng, 6)[:-1], rng.choice(PLACES), ("ANP",),
                         tuple(paragraph(rng) for _ in range(6)))
    headlines = tuple(Headline("Sport", f"{h}:{rng.randint(10, 59)}", sentence(rng, 5)[:-1])
                      for h in range(8, 16)) if layout == "C" else ()
    return WirePage(layout, "Buitenland", lead, items, headlines)


def heavy(rng: random.Random) -> Bulk:
    """Boilerplate for a page of about 80-150 KB, as real news pages weigh."""
    scale = rng.uniform(1.05, 2.1)
    return Bulk(menu_links=int(150 * scale), footer_links=int(150 * scale),
                script_kb=int(40 * scale), teaser_cards=int(80 * scale))


def text_dump(wire_page: WirePage) -> str:
    """Layout A as a text dump: ages glued onto the next item's line."""
    lead = wire_page.lead
    assert lead is not None
    lines = [lead.title, f"{lead.prefix} {lead.paragraphs[0]}", *lead.paragraphs[1:],
             f"Meer uit {wire_page.section}"]
    age = ""
    for item in wire_page.items:
        lines.append(f"{age}{item.prefix} {item.body}")
        age = item.age_text
    lines.append(age)
    return "\n".join(lines)


def best_rate(function: Callable[[bytes], object], pages: list[bytes], repeats: int, seconds: float) -> float:
    """Pages per CPU second, best of `repeats` runs of at least `seconds` each."""
    best = 0.0
    for _ in range(repeats):
        done, start = 0, time.process_time()
        while (elapsed := time.process_time() - start) < seconds:
            for data in pages:
                function(data)
            done += len(pages)
        best = max(best, done / elapsed)
    return best


def crowded_page(size: int) -> bytes:
    """A page of about `size` bytes whose one start tag has as many distinct attributes as fit."""
    attributes = []
    total = 0
    while total < size:
        attributes.append(f'data-v{len(attributes)}="x"')
        total += len(attributes[-1]) + 1
    return (f"<html><body><h1>Titel</h1><div {' '.join(attributes)}><p>GOES (ANP) - Tekst.</p></div>"
            "</body></html>").encode()


def selectolax_text() -> Callable[[bytes], object] | None:
    try:
        from selectolax.lexbor import LexborHTMLParser
    except ImportError:
        return None
    return lambda data: LexborHTMLParser(data).body.text(separator="\n")


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--repeats", type=int, default=5)
    options.add_argument("--seconds", type=float, default=1.0)
    args = options.parse_args()
    rng = random.Random(2026)
    today = [render(page(rng, layout), shape, heavy(rng)).encode("utf-8")
             for layout in LAYOUTS for shape in TODAY_SHAPES]
    portal = [render(page(rng, layout), "portal", heavy(rng)).encode("utf-8") for layout in LAYOUTS for _ in range(3)]
    seeds = sorted((Path(__file__).resolve().parent.parent / "fixtures" / "seeds").glob("*.txt"))
    text_pages = [path.read_bytes() for path in seeds]
    text_pages += [text_dump(page(rng, "A")).encode("utf-8") for _ in range(10)]
    for label, pages in (("today's shapes", today), ("portal shape", portal)):
        sizes = sorted(len(p) // 1024 for p in pages)
        elements = sorted(len(list(lxml.html.fromstring(p).iter())) for p in pages)
        print(f"{label}: {len(pages)} HTML pages of {sizes[0]}-{sizes[-1]} KB, {elements[0]}-{elements[-1]} elements")
    print(f"{len(text_pages)} text dumps of about {len(text_pages[-1]) // 1024} KB (the 2 seeds and 10 generated); "
          f"best of {args.repeats} x {args.seconds:.1f} s CPU")

    def run(label: str, function: Callable[[bytes], object], pages: list[bytes]) -> float:
        rate = best_rate(function, pages, args.repeats, args.seconds)
        print(f"{label:<46} {rate:>9,.0f} pages/s  {1000 / rate:7.3f} ms/page")
        return rate

    lexbor = selectolax_text()
    text = run("text dump, parse_page", lambda d: parse_page(d, FETCHED_AT), text_pages)
    ratios = []
    for label, pages in (("today", today), ("portal", portal)):
        parsed = run(f"{label}: parse_page with URL", lambda d: parse_page(d, FETCHED_AT, URL), pages)
        linked = run(f"{label}: parse_page with URL and links",
                     lambda d: parse_page(d, FETCHED_AT, URL, with_links=True), pages)
        bare = run(f"{label}: bare lxml.html.fromstring", lxml.html.fromstring, pages)
        fast = run(f"{label}: selectolax parse + text", lexbor, pages) if lexbor else None
        ratios.append((label, bare / parsed, bare / linked, fast / parsed if fast else None))
    if lexbor is None:
        print("selectolax: not installed (pip install -e '.[bench]')")
    crowded = crowded_page(1 << 20)
    crowded_cost = min(_cpu(lambda: parse_page(crowded, FETCHED_AT, URL)) for _ in range(3))
    print(f"{'1 MB page, one tag of many attributes':<46} {crowded_cost:9.3f} s (target < 1 s)")
    for label, to_lxml, with_links, to_lexbor in ratios:
        lexbor_ratio = f", {to_lexbor:.1f}x selectolax" if to_lexbor else ""
        target = "3x" if label == "portal" else "2x"
        print(f"{label}: parse_page {to_lxml:.2f}x bare lxml (target <= {target}), "
              f"{with_links:.2f}x with links{lexbor_ratio}")
    print(f"text dumps: {text:,.0f} pages/s (target >= 8,000)")


def _cpu(function: Callable[[], object]) -> float:
    start = time.process_time()
    function()
    return time.process_time() - start


if __name__ == "__main__":
    main()
