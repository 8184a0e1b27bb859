"""Parse speed: pages per second on one core, HTML and text dumps, beside bare lxml.

    python bench/parse_bench.py [--repeats 5] [--seconds 1.0]

Builds realistic HTML pages of 80-150 KB (head with scripts, navigation, cookie banner, a
big footer, the article and its sidebar) from our own generated text in each markup shape
of tests/render_html.py, and text dumps (the two seeds, and generated layout-A pages); measures CPU time
(`time.process_time`) over several repeats and prints the best. Targets: HTML parse at most
3x a bare `lxml.html.fromstring` of the same bytes; text dumps at least 5,000 pages/s.
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

from render_html import LAYOUTS, SHAPES, Bulk, Headline, LeadStory, WireItem, WirePage, render  # noqa: E402

from newsarchive.parse import parse_page  # noqa: E402

FETCHED_AT = datetime(2026, 3, 17, 12, 0, tzinfo=timezone.utc)
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


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--repeats", type=int, default=5)
    options.add_argument("--seconds", type=float, default=1.0)
    args = options.parse_args()
    rng = random.Random(2026)
    html_pages = [render(page(rng, layout), shape, heavy(rng)).encode("utf-8")
                  for layout in LAYOUTS for shape in SHAPES]
    seeds = sorted((Path(__file__).resolve().parent.parent / "fixtures" / "seeds").glob("*.txt"))
    text_pages = [path.read_bytes() for path in seeds]
    text_pages += [text_dump(page(rng, "A")).encode("utf-8") for _ in range(10)]
    sizes = sorted(len(p) // 1024 for p in html_pages)
    print(f"{len(html_pages)} HTML pages of {sizes[0]}-{sizes[-1]} KB, "
          f"{len(text_pages)} text dumps of about {len(text_pages[-1]) // 1024} KB (the 2 seeds and 10 generated); "
          f"best of {args.repeats} x {args.seconds:.1f} s CPU")

    def run(label: str, function: Callable[[bytes], object], pages: list[bytes]) -> float:
        rate = best_rate(function, pages, args.repeats, args.seconds)
        print(f"{label:<34} {rate:>9,.0f} pages/s  {1000 / rate:7.3f} ms/page")
        return rate

    text = run("text dump, parse_page", lambda d: parse_page(d, FETCHED_AT), text_pages)
    html = run("HTML, parse_page", lambda d: parse_page(d, FETCHED_AT), html_pages)
    bare = run("HTML, bare lxml.html.fromstring", lxml.html.fromstring, html_pages)
    try:
        import trafilatura
    except ImportError:
        print("trafilatura: not installed")
    else:
        run("HTML, trafilatura.extract", trafilatura.extract, html_pages[:4])
    print(f"HTML parse / bare lxml: {bare / html:.2f}x (target <= 3x); "
          f"text dumps: {text:,.0f} pages/s (target >= 5,000)")


if __name__ == "__main__":
    main()
