"""The links of a fixed corpus of HTML pages, each with its role and normalised URL, and each
page's discovery, to compare two versions of the link reader: a speed change must find the
same links with the same roles and spellings on every page.

    python bench/links_oracle.py dump > mine.jsonl
    python bench/links_oracle.py compare /path/to/base/checkout   # dumps both, reports differences

The corpus: every page under fixtures/pages/html and the seeds; the listing pages of
bench/listing_bench.py (and more of their kind); wire pages in every HTML shape
(tests/render_html.py); the pages the network test sites serve (tests/fixture_site.py,
tests/news_network.py, tests/news_network2.py, tests/other_site.py: listings, fronts,
articles), rendered without a server on fixed ports; and generated pages of link soup: hrefs
in every spelling (absolute, root-relative, relative, protocol-relative, query, fragment,
dot segments, tracking parameters, other schemes, credentials, blanks, non-ASCII), in and
out of chrome by tag, class, id and role, with `<base>` and next-page signs. Each page is
read at several page URLs (and with none). `compare` runs this script once more with the
other checkout first on PYTHONPATH (the corpus is built by this checkout's helpers both times).
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from parse_oracle import compare  # noqa: E402

FETCHED_AT = datetime(2026, 3, 17, 12, 0, tzinfo=timezone.utc)
PAGE_URLS = (
    "https://regio.example.nl/nieuws/binnenland?page=2",
    "https://regio.example.nl/nieuws/binnenland",
    "http://127.0.0.1:8001/nieuws/binnenland",
    "https://Regio.Example.NL:443/nieuws/bin%c3%a9nland/../binnenland?utm_source=x#top",
)


def main() -> None:
    if sys.argv[1:2] == ["dump"]:
        for key, value in results():
            print(json.dumps([key, value], ensure_ascii=False, sort_keys=True))
    elif sys.argv[1:2] == ["compare"] and len(sys.argv) == 3:
        sys.exit(compare(Path(sys.argv[2]), __file__))
    else:
        sys.exit(__doc__)


def results() -> Iterator[tuple[str, object]]:
    from newsarchive.fetch.discover import discover
    from newsarchive.parse import parse_page, read_page_links

    def links(found: list | None) -> list | None:
        return None if found is None else [(link.url, link.role.value) for link in found]

    def result(body: bytes, own_url: str | None) -> object:
        answers = {}
        for url in (*PAGE_URLS, own_url):
            if url is None:
                continue
            page = parse_page(body, FETCHED_AT, url, with_links=True)
            found = discover(body, url, "text/html", page, "utf-8")
            answers[url] = {"links": links(page.links), "read_links": links(read_page_links(body, url)),
                            "discovery": [found.is_feed, found.articles, found.next_pages, found.feeds]}
        answers["no url"] = links(parse_page(body, FETCHED_AT, None, with_links=True).links)
        return answers

    for key, body, own_url in pages():
        yield key, result(body, own_url)


def pages() -> Iterator[tuple[str, bytes, str | None]]:
    """(key, HTML bytes, the URL the page is served at, if it has one)."""
    folders = [ROOT / "fixtures" / "pages" / "html", ROOT / "fixtures" / "seeds", ROOT.parent / "shared" / "seeds"]
    for folder in folders:
        for path in sorted(folder.glob("*")):
            if path.suffix != ".json":
                yield f"fixture {folder.parent.name}/{folder.name}/{path.name}", path.read_bytes(), None
    yield from _listings()
    yield from _shapes()
    yield from _fixture_sites()
    yield from _network2()
    yield from _other_site()
    yield from _link_soup()


def _listings() -> Iterator[tuple[str, bytes, str | None]]:
    from listing_bench import LISTING_LAYOUTS
    from parse_bench import TODAY_SHAPES, heavy, page
    from render_html import render

    for seed in (2026, 2027, 2028):
        rng = random.Random(seed)
        for layout in LISTING_LAYOUTS:
            for number, shape in enumerate(("portal", "portal", "portal", *TODAY_SHAPES)):
                body = render(page(rng, layout), shape, heavy(rng)).encode()
                yield f"listing {seed} {layout} {shape} {number}", body, None


def _shapes() -> Iterator[tuple[str, bytes, str | None]]:
    from parse_oracle import wire_page
    from render_html import ALL_SHAPES, LAYOUTS, Bulk, render

    rng = random.Random(2029)
    for number in range(120):
        shape = ALL_SHAPES[number % len(ALL_SHAPES)]
        bulk = Bulk(menu_links=rng.randint(0, 40), footer_links=rng.randint(0, 40), teaser_cards=rng.randint(0, 6))
        page = wire_page(rng, LAYOUTS[number % 4])
        yield f"shape {shape} {number}", render(page, shape, bulk).encode(), None


def _fixture_sites() -> Iterator[tuple[str, bytes, str | None]]:
    import fixture_site
    from news_network import make_sites

    sites = [fixture_site.FixtureSite(extra_links=["/nieuws/extra-bericht", "/oud/bericht-3", "/private/x"]),
             fixture_site.FixtureSite(article_count=7, per_page=3), *make_sites(3, article_count=25, per_page=10)]
    for number, site in enumerate(sites):
        site._server = SimpleNamespace(server_address=("", 8100 + number))  # a fixed port, no server
        for page in range(1, site.pages + 2):
            url = site.url(f"{fixture_site.LISTING}?page={page}")
            yield f"fixture site {number} listing {page}", fixture_site.render_listing(site, page).encode(), url
        for article in site.articles[:4]:
            yield (f"fixture site {number} article {article.number}",
                   fixture_site.render_article(site, article).encode(), site.url(article.path))


def _network2() -> Iterator[tuple[str, bytes, str | None]]:
    import news_network2

    for outlet in news_network2.make_outlets(10):
        outlet._port = 8200 + outlet.number
        outlet.elsewhere = "http://127.0.0.40:8299"
        key = f"network2 {outlet.number} {outlet.shape.name}"
        yield f"{key} front", news_network2.render_front(outlet).encode(), outlet.url("/")
        if outlet.listing:
            for page in range(1, outlet.pages + 1):
                yield (f"{key} listing {page}", news_network2.render_listing(outlet, page).encode(),
                       outlet.url(outlet.page_path(page)))
        for story in outlet.published[:3]:
            html, _ = news_network2.render_article(outlet, story)
            yield f"{key} article {story.slug}", html.encode(), outlet.url(story.path)


def _other_site() -> Iterator[tuple[str, bytes, str | None]]:
    import other_site

    site = other_site.OtherSite()
    site._server = SimpleNamespace(server_address=("", 8300))
    site.advance(45)
    for section in sorted({story.section for story in other_site.STORIES}):
        for page in range(1, site.pages(section) + 1):
            yield (f"other site {section} {page}", other_site.render_listing(site, section, page).encode(),
                   site.url(f"/nieuws/{section}?page={page}"))
    for story in site.stories()[:6]:
        yield f"other site article {story.slug}", other_site.render_article(site, story).encode(), site.url(story.path)


HREFS = [
    "/nieuws/{slug}", "/nieuws/{slug}#reacties", "/nieuws/{slug}?utm_source=x&id=3", "nieuws/{slug}",
    "../nieuws/{slug}", "./{slug}", "https://regio.example.nl/nieuws/{slug}", "HTTPS://REGIO.example.nl/{slug}",
    "//regio.example.nl/nieuws/{slug}", "//elders.example/{slug}", "http://regio.example.nl:80/{slug}",
    "https://regio.example.nl:8443/{slug}", "https://www.regio.example.nl/nieuws/{slug}?fbclid=1",
    "?page=3", "?page=2", "?pagina=3&sort=new", "?", "#", "", " ", "  /nieuws/{slug}  ", "\t/nieuws/{slug}\n",
    "javascript:void(0)", "mailto:redactie@regio.example.nl", "tel:+31101234567", "ftp://regio.example.nl/x",
    "https://user:pw@regio.example.nl/{slug}", "/nieuws/{slug};jsessionid=1", "/nieuws/caf\u00e9-{slug}",
    "/nieuws/%e2%82%ac-{slug}", "/nieuws/{slug}/../../x/{slug}", "https://regio.example.nl/a/./b/../{slug}",
    "https://xn--bcher-kva.example/{slug}", "https://b\u00fccher.example/{slug}", "http://[::1]:8080/{slug}",
    "https://regio.example.nl:99999/{slug}", "https://regio.example.nl/{slug}?a=1&utm_medium=2&b=%zz",
    "/nieuws/{slug}?q=a b", "/zoek?q=\u00e9t\u00e9&page=2", "/nieuws/binnenland?page=3", "/nieuws/binnenland?p=3",
    "https://regio.example.nl/nieuws/binnenland?page=3", "/nieuws/binnenland/2", "/{slug}.pdf", "/{slug}.JPG",
    "https://regio.example.nl/" + "x" * 2100, "http://", "https:///nieuws/{slug}", "https://.example.nl/{slug}",
    "/nieuws/{slug}?page=3&utm_source=y", "\\nieuws\\{slug}", "https://regio.example.nl\\{slug}",
]
TEXTS = [
    "Nieuwe brug over de rivier gaat open", "Brug", "Volgende", "volgende pagina", "Next", "Next page", "»",
    " › ", ">", "Oudere berichten", "Meer nieuws", "meer laden", "Meer", "Lees meer", "3", "Vorige", "",
    "Kabinet  wil\n snellere  vergunningen", "\u0130stanbul krijgt een nieuwe brug vandaag", "ouder nieuws",
    "GOES (ANP) - De gemeenteraad stemt in", "<b>Raad</b> stemt in met plan", "nextpage", "Volgende \u00bb",
]
CHROME = [
    "", "", "", "", 'class="menu"', 'class="mainnav-list"', 'class="subheader"', 'id="Kop"', 'role="navigation"',
    'role="Menu"', 'role="main"', 'class="card__header"', 'class="\u0130share"', 'class="share\u0130"',
    'class="has-navbar"', 'id="footer-links"', 'class="teaser"', 'class="pagination"', 'class="Breadcrumbs"',
    'class="x" id="delen"', 'class="onderdelen shared"', 'class="\u212aop"', 'class="cookie-bar"',
]
WRAPPERS = ["div", "div", "section", "article", "li", "span", "p", "h3", "nav", "header", "footer", "aside",
            "form", "menu", "button", "main", "td", "figure"]
EXTRAS = ["", "", "", "", ' rel="next"', ' rel="Next nofollow"', ' rel="prev"', ' aria-label="Volgende pagina"',
          ' title="next page"', ' title="Brug"', ' aria-label=""', ' class="nav-link"', ' rel="noopener"']


def _link_soup() -> Iterator[tuple[str, bytes, str | None]]:
    rng = random.Random(2030)
    for number in range(300):
        parts = []
        if rng.random() < 0.2:
            parts.append(f'<base href="{rng.choice(HREFS).format(slug="basis/")}">')
        if rng.random() < 0.3:
            parts.append(f'<link rel="{rng.choice(["next", "alternate", "Next", "canonical"])}" '
                         f'type="{rng.choice(["application/rss+xml", "application/atom+xml", "text/html", ""])}" '
                         f'href="{rng.choice(HREFS).format(slug="feed")}">')
        for index in range(rng.randint(1, 60)):
            parts.append(_nested(rng, index, rng.randint(0, 4)))
        body = "".join(parts)
        html = f"<!DOCTYPE html><html{rng.choice(['', ' class=menu'])}><head><title>x</title></head>" \
               f"<body{rng.choice(['', ' class=has-navbar', ' id=nav'])}>{body}</body></html>"
        yield f"soup {number}", html.encode(), None
    now = datetime(2026, 3, 17, 12, 0, tzinfo=timezone.utc)
    ages = [f"{(now - timedelta(minutes=m)).strftime('%H:%M')}" for m in (5, 90)] + ["3 uur geleden", "zojuist"]
    for number in range(60):  # teaser blocks: a title and an image link to one page, wire lines, ages
        blocks = []
        for index in range(rng.randint(1, 12)):
            slug = f"bericht-{number}-{index}"
            first, second = rng.choice(HREFS).format(slug=slug), rng.choice(HREFS[:4]).format(slug=slug)
            blocks.append(f'<div class="kaart"><a href="{first}"><img src="/i.jpg"></a><h3><a href="{second}">'
                          f'{rng.choice(TEXTS)}</a></h3><p>{rng.choice(["GOES (ANP) - Tekst.", "", "Tekst"])}</p>'
                          f'<span>{rng.choice(ages)}</span></div>')
        yield f"teasers {number}", f"<html><body><main>{''.join(blocks)}</main></body></html>".encode(), None


def _nested(rng: random.Random, index: int, depth: int) -> str:
    extra = rng.choice(EXTRAS)
    href = rng.choice(HREFS).format(slug=f"bericht-{index}")
    inner = f'<a href="{href}"{extra}>{rng.choice(TEXTS)}</a>' if rng.random() < 0.95 else f"<a{extra}>x</a>"
    if rng.random() < 0.15:
        inner += f" <time>{rng.choice(['12:30', '3 uur geleden'])}</time> GOES (ANP) - Het nieuws."
    for _ in range(depth):
        tag = rng.choice(WRAPPERS)
        inner = f"<{tag} {rng.choice(CHROME)}>{inner}</{tag}>"
    return inner


if __name__ == "__main__":
    main()
