"""Parse results of a fixed corpus, to compare two versions of the parser: a speed change must
give every page the same result.

    python bench/parse_oracle.py dump > mine.jsonl
    python bench/parse_oracle.py compare /path/to/base/checkout   # dumps both, reports differences

The corpus: every page under fixtures/pages and fixtures/seeds and ../shared/seeds; random
wire pages (seeded) rendered as text dumps (tests/render_text.py, every separator, with and
without blank lines) and in every HTML shape (tests/render_html.py, the shapes of real sites
apart); the same text dumps
damaged line by line (lines glued, split, dropped, doubled, wire pieces inserted); noise
texts made of wire pieces; and the bench pages (bench/parse_bench.py). Each page's result is
its `newsarchive parse` JSON, its links by role, and for HTML its discovery (articles, next
pages, feeds). `compare` runs this script once more with the other checkout first on
PYTHONPATH (the corpus is built by this checkout's tests/ helpers both times).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from render_html import LAYOUTS, REAL_SHAPES, SHAPES, Bulk, Headline, LeadStory, WireItem, WirePage, render  # noqa: E402
from render_text import render_text  # noqa: E402

FETCHED_AT = datetime(2026, 3, 17, 12, 0, tzinfo=timezone.utc)
URL = "https://regio.example.nl/nieuws/binnenland?page=2"
CAPITALS = "ABCDEFGHIJKLMNOPRSTUVWZÉÖÜÎÁ"
AGENCIES = ["ANP", "RTR", "AFP", "DPA", "BLOOMBERG", "BELGA", "AFN", "Novum", "dpa", "Omroep Zeeland"]
MIXED_PLACES = ["Borsele", "Den Haag", "'s-Gravenpolder", "Sint Annaland", "Nieuw-Namen", "Goes"]
WORDS = "de het een raad plan dijk haven trein brug school water polder minister overleg morgen".split()
TRICKY = [
    "Oranje - VS eindigde in 1-1.", "De NCTV (NCTV) waarschuwt opnieuw.", "Dat was twee weken geleden.",
    "Om 16.00 uur begint de zitting.", "Sinds 9:31 rijden er weer treinen.", "Het werd geannuleerd.De rest niet.",
    "Hij zei: ‘Wij gaan door’.", "Een jaar geleden was dat anders.", "De brug - een oud ontwerp - blijft dicht.",
    "Lees ook: Dijk bij Goes versterkt", "Meer uit de regio leest u hier.", "BIJDRAGE ANNE DE GROOT",
]
TITLES = ["Oranje - VS speelt gelijk", "NAVO - top begint", "Brand in Goes - niemand gewond", "ECONOMIE",
          "Kabinet: meer geld voor dijken", "Explosies in havenstad gemeld", "Buitenland", "Clicky"]
SECTIONS = ["Buitenland", "Binnenland", "Sport", "Voetbal", "Middelburg", "de regio", "Zeeland & Brabant"]
AGES = ["3 minuten geleden", "1 uur geleden", "5 uur geleden", "2 dagen geleden", "1 week geleden",
        "een uur geleden", "twaalf maanden geleden", "zojuist", "net", "gisteren", "vandaag",
        "eergisteren", "3 eeuwen geleden", "9999 jaar geleden", "1 seconde geleden", "10 jaren geleden"]
SEPARATORS = [" - ", " – ", " — ", "- ", " ‒ ", " − "]
PIECES = [
    "\n", "\n\n", " ", "  ", "\t", "DEN HAAG (ANP) - ", "GOES- ", "Borsele - ", "3 uur geleden", "zojuist",
    "net", "Meer uit ", "Meer uit: ", "Net binnen", "- Sport 9:31 ", "ANP ", "Webmail", "Editie: ",
    "maandag 3 november 2025", "(ANP/RTR)", "(", ")", "/", " – ", "ƫ", "\ufeff", "\x00", "\r",
    "9999 jaar geleden", "BIJDRAGE ", "'S ", "ÎLE", "e\u0301", "<", "geleden", "Lees meer »", "Door ANP - ",
    "5-9-2016, 14:50", "8 januari 2024 | ", "gisteren", "Lees ook: ", "» ", "16:30", "\u00a0", "\u200b",
    "(Omroep Zeeland) ", " · ", "Vorige", "Pagina 2 van 14", "N i e u w bericht", "alinea", "ANPMinister",
]


def main() -> None:
    if sys.argv[1:2] == ["dump"]:
        for key, value in results():
            print(json.dumps([key, value], ensure_ascii=False, sort_keys=True))
    elif sys.argv[1:2] == ["compare"] and len(sys.argv) == 3:
        sys.exit(compare(Path(sys.argv[2])))
    else:
        sys.exit(__doc__)


def compare(other: Path, script: str = __file__) -> int:
    """Dump `script`'s results with this checkout and with `other`; report the differences."""
    mine = _dump(None, script)
    theirs = _dump(other, script)
    differ = [key for key in theirs if mine.get(key) != theirs[key]]
    missing = set(mine) ^ set(theirs)
    for key in differ[:10]:
        print(f"differs: {key}\n  base: {theirs[key]}\n  mine: {mine.get(key)}")
    print(f"{len(theirs)} results compared: {len(differ)} differ, {len(missing)} in one dump only")
    return 1 if differ or missing else 0


def _dump(checkout: Path | None, script: str) -> dict[str, object]:
    environment = dict(os.environ)
    if checkout is not None:
        environment["PYTHONPATH"] = str(checkout)
    output = subprocess.run([sys.executable, script, "dump"], env=environment, check=True,
                            capture_output=True, text=True).stdout
    return dict(json.loads(line) for line in output.splitlines())


def results() -> Iterator[tuple[str, object]]:
    from newsarchive.fetch.discover import discover
    from newsarchive.parse import parse_page, read_page_links

    def result(data: bytes | str, html: bool) -> object:
        plain = parse_page(data, FETCHED_AT).to_dict()
        if not html:
            return plain
        page = parse_page(data, FETCHED_AT, URL, with_links=True)
        body = data if isinstance(data, bytes) else data.encode("utf-8")
        found = discover(body, URL, "text/html", page, "utf-8")
        alone = discover(body, URL, "text/html", None, "utf-8")
        return {
            "plain": plain, "with_url": page.to_dict(),
            "links": [(link.url, link.role.value) for link in page.links or ()],
            "read_links": [(link.url, link.role.value) for link in read_page_links(body, URL) or ()],
            "discovery": [found.is_feed, found.articles, found.next_pages, found.feeds],
            "discovery_alone": [alone.articles, alone.next_pages, alone.feeds],
        }

    folders = [ROOT / "fixtures" / "pages" / "html", ROOT / "fixtures" / "pages" / "text",
               ROOT / "fixtures" / "seeds", ROOT.parent / "shared" / "seeds"]
    for folder in folders:
        for path in sorted(folder.glob("*")):
            if path.suffix != ".json":  # keyed on two folders: fixtures/seeds and shared/seeds hold the same names
                key = f"fixture {folder.parent.name}/{folder.name}/{path.name}"
                yield key, result(path.read_bytes(), path.suffix != ".txt")
    rng = random.Random(2026)
    for number in range(600):
        page = wire_page(rng, LAYOUTS[number % 4])
        separators = tuple(rng.choice(SEPARATORS) for _ in range(rng.randint(1, 3)))
        text = render_text(page, separators=separators, editor_line=rng.random() < 0.3)
        yield f"text {number}", result(text, False)
        yield f"text squeezed {number}", result(text.replace("\n\n", "\n"), False)
        for damage in range(3):
            yield f"text damaged {number}.{damage}", result(damaged(rng, text), False)
        if number % 3 == 0:
            shape = SHAPES[number // 3 % len(SHAPES)]
            yield f"html {shape} {number}", result(render(page, shape, Bulk(teaser_cards=rng.randint(0, 6))), True)
    for number in range(1500):
        noise = "".join(rng.choice(PIECES) if rng.random() < 0.7 else rng.choice(WORDS).upper()
                        for _ in range(rng.randint(0, 60)))
        yield f"noise {number}", result(noise, False)
    from parse_bench import TODAY_SHAPES, heavy
    from parse_bench import page as bench_page
    rng = random.Random(2026)
    for number, layout in enumerate(LAYOUTS * 2):
        for shape in (*TODAY_SHAPES, "portal"):
            yield f"bench {shape} {layout} {number}", result(render(bench_page(rng, layout), shape, heavy(rng)), True)
    rng = random.Random(2027)  # the shapes of real sites, apart: the cases above stay as they were
    for number in range(160):
        page = wire_page(rng, LAYOUTS[number % 4])
        shape = REAL_SHAPES[number // 4 % len(REAL_SHAPES)]
        yield f"html {shape} {number}", result(render(page, shape, Bulk(teaser_cards=rng.randint(0, 6))), True)


def wire_page(rng: random.Random, layout: str) -> WirePage:
    items = []
    for _ in range(rng.randint(1, 8)):
        dateline, agencies = dateline_and_agencies(rng, regional=layout == "C" or rng.random() < 0.5)
        item_title = title(rng) if layout in ("B", "D") else None
        shown = f"ANP {item_title}" if layout == "D" and item_title else item_title
        items.append(WireItem(dateline, agencies, body(rng), rng.choice(AGES), shown))
    lead = None
    if layout in ("A", "B"):
        dateline, agencies = dateline_and_agencies(rng, regional=False)
        paragraphs = [body(rng) for _ in range(rng.randint(1, 5))]
        byline = rng.choice([None, "BIJDRAGE ANNE DE GROOT"]) if layout == "B" else None
        lead = LeadStory(title(rng), dateline, agencies if rng.random() < 0.7 else (), tuple(paragraphs), byline)
    headlines = ()
    if layout == "C":
        headlines = tuple(Headline(rng.choice(SECTIONS), f"{rng.randint(0, 23)}:{rng.randint(0, 59):02d}", title(rng))
                          for _ in range(rng.randint(0, 8)))
    return WirePage(layout, rng.choice(SECTIONS), lead, tuple(items), headlines, title_twice=rng.random() < 0.5)


def dateline_and_agencies(rng: random.Random, regional: bool) -> tuple[str, tuple[str, ...]]:
    if regional and rng.random() < 0.3:
        return rng.choice(MIXED_PLACES), ()
    places = []
    for _ in range(rng.randint(1, 2)):
        words = ["".join(rng.choice(CAPITALS) for _ in range(rng.randint(2, 9))) for _ in range(rng.randint(1, 3))]
        joined = words[0] + "".join(rng.choice([" ", "-"]) + word for word in words[1:])
        places.append(rng.choice(["", "", "", "'S ", "’S-", "ST. "]) + joined)
    if regional:
        return "/".join(places), ()
    return "/".join(places), ("ANP", *rng.sample(AGENCIES[1:], rng.randint(0, 3)))


def sentence(rng: random.Random) -> str:
    if rng.random() < 0.25:
        return rng.choice(TRICKY)
    text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 12)))
    return text[0].upper() + text[1:] + "."


def body(rng: random.Random) -> str:
    text = " ".join(sentence(rng) for _ in range(rng.randint(1, 4)))
    return text.rstrip(".") if rng.random() < 0.5 else text


def title(rng: random.Random) -> str:
    if rng.random() < 0.25:
        return rng.choice(TITLES)
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 7))).capitalize()


def damaged(rng: random.Random, text: str) -> str:
    """The text with a few lines glued, split, dropped, doubled or given a wire piece."""
    lines = text.split("\n")
    for _ in range(rng.randint(1, 4)):
        if not lines:
            break
        at = rng.randrange(len(lines))
        action = rng.randrange(6)
        if action == 0 and at + 1 < len(lines):
            lines[at : at + 2] = [lines[at] + rng.choice(["", " "]) + lines[at + 1]]
        elif action == 1 and len(lines[at]) > 2:
            cut = rng.randrange(1, len(lines[at]))
            lines[at : at + 1] = [lines[at][:cut], lines[at][cut:]]
        elif action == 2:
            del lines[at]
        elif action == 3:
            lines.insert(at, lines[at])
        elif action == 4:
            cut = rng.randrange(len(lines[at]) + 1)
            lines[at] = lines[at][:cut] + rng.choice(PIECES) + lines[at][cut:]
        else:
            lines.insert(at, rng.choice(AGES + TITLES + TRICKY))
    return "\n".join(lines)


if __name__ == "__main__":
    main()
