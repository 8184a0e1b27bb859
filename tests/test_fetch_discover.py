"""Link discovery: teaser, sidebar and feed links on the same site; next pages of listings."""

from __future__ import annotations

import io
from datetime import datetime, timezone

import feedparser
import pytest
import requests
from feedparser.encodings import convert_to_utf8
from fixture_site import FEED, LISTING

from newsarchive.fetch.discover import discover, feed_links, without_internal_subset
from newsarchive.items import Item, ParsedPage

BASE = "https://www.example.nl/nieuws/binnenland"


def fetched(site, path):
    response = requests.get(site.url(path), timeout=5)
    return response.content, site.url(path), response.headers["content-type"].split(";")[0]


def test_listing_yields_its_teasers_not_navigation_or_footer(fixture_site):
    found = discover(*fetched(fixture_site, LISTING))
    assert not found.is_feed
    assert found.articles == [fixture_site.url(a.path) for a in fixture_site.listing_articles(1)]
    assert found.next_pages == [fixture_site.url(LISTING + "?page=2")]


def test_last_listing_page_has_no_next_page(fixture_site):
    found = discover(*fetched(fixture_site, f"{LISTING}?page={fixture_site.pages}"))
    assert found.next_pages == []
    assert len(found.articles) == len(fixture_site.listing_articles(fixture_site.pages))


def test_feed_entries_on_the_same_site_without_tracking_parameters(fixture_site):
    found = discover(*fetched(fixture_site, FEED))
    assert found.is_feed
    assert found.articles == [fixture_site.url(a.path) for a in fixture_site.articles[:10]]


def test_atom_feed_is_read_too():
    atom = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Sport</title>
<entry><title>Beachduo wint</title><link rel="alternate" href="/nieuws/beachduo-wint"/></entry>
<entry><title>Elders</title><link href="https://ander.example/x"/></entry></feed>"""
    found = discover(atom, "https://www.example.nl/atom.xml", "application/xml")
    assert found.is_feed and found.articles == ["https://www.example.nl/nieuws/beachduo-wint"]


def test_article_page_yields_its_sidebar_items(fixture_site):
    article = fixture_site.articles[3]
    found = discover(*fetched(fixture_site, article.path))
    others = [a for a in fixture_site.articles if a.number != article.number][:5]
    assert found.articles == [fixture_site.url(a.path) for a in others]


def test_volgende_link_and_page_number_are_next_pages():
    html = b"""<html><body><main>
<ul><li><a href="/nieuws/trein-rijdt-weer">UTRECHT (ANP) - De trein rijdt weer.</a></li></ul>
<p><a href="/nieuws/binnenland?page=3">3</a> <a href="/nieuws/binnenland?page=2">2</a>
<a href="/nieuws/binnenland/archief">Volgende &raquo;</a></p></main></body></html>"""
    found = discover(html, BASE, "text/html")
    assert found.next_pages == [
        "https://www.example.nl/nieuws/binnenland?page=2",
        "https://www.example.nl/nieuws/binnenland/archief",
    ]
    assert found.articles == ["https://www.example.nl/nieuws/trein-rijdt-weer"]


def test_short_link_counts_when_its_block_holds_a_wire_line():
    html = b"""<html><body><div><p>GOES- Zorgen over de ambulancepost in de regio.
<a href="/nieuws/ambulancepost">Lees</a></p><p><a href="/over">Over ons</a></p></div></body></html>"""
    found = discover(html, BASE, "text/html")
    assert found.articles == ["https://www.example.nl/nieuws/ambulancepost"]


def test_links_the_parser_attached_to_items_are_articles():
    page = ParsedPage("listing", BASE, datetime(2026, 3, 17, tzinfo=timezone.utc), items=[
        Item(None, "GOES", ("GOES",), (), "Kort.", None, None, url="/nieuws/kort#top"),
    ])
    found = discover(b"<html><body><p>x</p></body></html>", BASE, "text/html", page)
    assert found.articles == ["https://www.example.nl/nieuws/kort"]


def test_base_href_resolves_relative_links():
    html = b"""<html><head><base href="https://www.example.nl/archief/"></head><body>
<article><a href="oud-bericht-over-de-dijkversterking">Oud bericht over de dijkversterking hier</a>
</article></body></html>"""
    found = discover(html, BASE, "text/html")
    assert found.articles == ["https://www.example.nl/archief/oud-bericht-over-de-dijkversterking"]


def test_section_link_in_a_sidebar_heading_is_not_an_article():
    html = b"""<html><body><aside><h2>Meer uit <a href="/nieuws/buitenland">Buitenland</a></h2>
<ul><li><a href="/nieuws/a">TEHERAN (ANP) - Een bericht over de stad.</a></li>
<li><a href="/nieuws/b">LONDEN (ANP/RTR) - Een ander bericht.</a></li></ul>
<div><p>BRUSSEL (ANP) - Geen link in dit blok, wel <a href="/nieuws/belgie">hier</a>.</p>
<p><a href="/nieuws/meer">Meer</a> <a href="/nieuws/anders">Anders</a></p></div></aside>
</body></html>"""
    found = discover(html, BASE, "text/html")
    assert found.articles == ["https://www.example.nl/nieuws/a", "https://www.example.nl/nieuws/b",
                              "https://www.example.nl/nieuws/belgie"]


def test_short_title_in_a_heading_counts_when_its_teaser_holds_a_wire_line():
    html = b"""<html><body><main><article class="teaser"><div class="teaser__body">
<h3><a href="/nieuws/beurs-vlak-ANP100000002">Beurs vlak</a></h3></div>
<p>AMSTERDAM (ANP) - De beurs sloot vrijwel onveranderd.</p><p>2 uur geleden</p></article>
<article class="teaser"><h3><a href="/nieuws/dijk-ANP100000003">Dijk dicht</a></h3></article>
</main></body></html>"""
    found = discover(html, BASE, "text/html")
    assert found.articles == ["https://www.example.nl/nieuws/beurs-vlak-ANP100000002"]


def test_image_link_with_a_tracking_parameter_does_not_split_the_teaser():
    html = b"""<html><body><main><article>
<a href="/nieuws/sluis-dicht-ANP100000004?utm_source=beeld#foto"><img src="/s.jpg" alt=""></a>
<h3><a href="/nieuws/sluis-dicht-ANP100000004">Sluis dicht</a></h3>
<p>WEMELDINGE - De sluis is een week dicht.</p></article>
<article><h3><a href="/nieuws/markt-ANP100000005">Markt</a></h3><a href="/nieuws/x">x</a>
<p>KAPELLE - De markt verhuist.</p></article></main></body></html>"""
    found = discover(html, BASE, "text/html")
    assert found.articles == ["https://www.example.nl/nieuws/sluis-dicht-ANP100000004"]


def test_a_page_parsed_with_its_links_is_not_read_again(fixture_site):
    from newsarchive.parse import parse_page

    for path in (LISTING, fixture_site.articles[3].path):
        body, url, content_type = fetched(fixture_site, path)
        page = parse_page(body, datetime(2026, 3, 17, tzinfo=timezone.utc), url, with_links=True)
        from_parse = discover(b"", url, content_type, page)  # no body: only the parse's links
        assert from_parse == discover(body, url, content_type)
        assert from_parse.articles and from_parse.articles == discover(body, url, content_type, page).articles


def test_parsed_links_carry_their_roles():
    from newsarchive.items import LinkRole, PageLink
    from newsarchive.parse import parse_page

    html = b"""<html><head><link rel="alternate" type="application/rss+xml" href="/rss.xml">
<link rel="next" href="?page=2"></head><body><nav><a href="/nieuws/menu-link-met-veel-woorden-erin">Menu link met veel woorden</a></nav>
<main><h1>Binnenland</h1><div><a href="/nieuws/trein">Trein</a><p>UTRECHT (ANP) - De trein rijdt weer.</p><span>1 uur geleden</span></div>
</main></body></html>"""
    page = parse_page(html, datetime(2026, 3, 17, tzinfo=timezone.utc), BASE, with_links=True)
    assert page.links == [
        PageLink("https://www.example.nl/nieuws/binnenland?page=2", LinkRole.NEXT_PAGE),
        PageLink("https://www.example.nl/nieuws/trein", LinkRole.TEASER),
        PageLink("https://www.example.nl/rss.xml", LinkRole.FEED),
    ]
    assert parse_page(html, datetime(2026, 3, 17, tzinfo=timezone.utc), BASE).links is None
    found = discover(b"", BASE, "text/html", page)
    assert (found.articles, found.next_pages, found.feeds) == (
        ["https://www.example.nl/nieuws/trein"], ["https://www.example.nl/nieuws/binnenland?page=2"],
        ["https://www.example.nl/rss.xml"],
    )


def test_a_text_dump_parsed_with_links_has_none_but_its_items_links():
    from newsarchive.parse import parse_page

    page = parse_page(b"Titel\nGOES (ANP) - Tekst.", datetime(2026, 3, 17, tzinfo=timezone.utc), BASE, with_links=True)
    assert page.links == []
    assert discover(b"Titel\nGOES (ANP) - Tekst.", BASE, "text/plain", page) == discover(
        b"Titel\nGOES (ANP) - Tekst.", BASE, "text/plain")


# --- entity bombs: the internal subset of a feed's DOCTYPE is never read -------------------
def bomb_subset(levels: int) -> str:
    """Entities of ten times the one before (billion laughs: 10 ** levels characters)."""
    return "\n".join(['<!ENTITY e0 "kade">', *(
        f'<!ENTITY e{n} "' + f"&e{n - 1};" * 10 + '">' for n in range(1, levels + 1))])


def bomb_feed(subset: str, encoding: str = "utf-8") -> str:
    return (f'<?xml version="1.0" encoding="{encoding}"?>\n<!DOCTYPE rss [\n{subset}\n]>\n'
            '<rss version="2.0"><channel><title>&e3;</title>'
            "<item><title>&e0;&e3;</title><link>https://www.example.nl/nieuws/dijk</link></item>"
            "<item><link>https://www.example.nl/nieuws/kade</link></item></channel></rss>")


def stripped(feed: str) -> str:
    """The feed without its subset, cut by hand (the subset is written to end just before the
    root element)."""
    return feed.replace(feed[feed.index(" ["):feed.index("\n]>\n<rss") + 2], "")


@pytest.mark.parametrize("subset", [
    bomb_subset(3),
    '<!ENTITY e3 "a ]> in a value">',  # `]>` inside a quoted value does not end the subset
    "<!-- a ] in a comment --><!ENTITY e3 'kade'><?pi ]> ?>",
])
def test_the_internal_subset_of_a_feed_is_dropped_and_its_entities_not_expanded(subset):
    feed = bomb_feed(subset)
    assert without_internal_subset(feed.encode()) == stripped(feed).encode()
    assert "<!DOCTYPE rss>\n<rss" in stripped(feed)
    assert feed_links(feed.encode()) == ["https://www.example.nl/nieuws/dijk",
                                         "https://www.example.nl/nieuws/kade"]
    # what feedparser reads of the entry's title: the reference, not 1,000 times `kade`
    parsed = feedparser.parse(io.BytesIO(without_internal_subset(feed.encode())))
    assert "kade" not in parsed.entries[0].get("title", "")


def test_a_utf16_bomb_is_found_in_its_text():
    """Encoded as UTF-16 the subset's bytes are no ASCII pattern: it is found once decoded."""
    feed = bomb_feed(bomb_subset(3), "utf-16")
    data = feed.encode("utf-16")
    assert feed_links(data) == ["https://www.example.nl/nieuws/dijk",
                                "https://www.example.nl/nieuws/kade"]
    assert b"ENTITY" not in without_internal_subset(convert_to_utf8({}, data, {}))


@pytest.mark.parametrize("document", [
    b'<?xml version="1.0"?>\n<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
    b'"http://my.netscape.com/publish/formats/rss-0.91.dtd">\n<rss version="0.91"></rss>',  # no subset
    b'<?xml version="1.0"?><rss version="2.0"><![CDATA[<!DOCTYPE x [ ]>]]></rss>',  # no DOCTYPE
    b"<!-- [ --><?pi [ ?>\n<rss/>",
])
def test_a_feed_without_an_internal_subset_is_left_as_it_is(document):
    assert without_internal_subset(document) == document


def test_a_doctype_that_never_ends_leaves_nothing_after_it():
    assert without_internal_subset(b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "x">') == (
        b'<?xml version="1.0"?>')


def test_a_feed_body_is_never_taken_for_a_file_name_or_url(tmp_path):
    """feedparser opens a string that names a file (or a URL): a body is only ever a body."""
    path = tmp_path / "feed.xml"
    path.write_text(bomb_feed('<!ENTITY e3 "kade">'), encoding="utf-8")
    assert feedparser.parse(str(path)).entries != []  # what a body naming it would have read
    assert feed_links(str(path).encode()) == []


RSS_091_DOCTYPE = ('<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"\n'
                   ' "http://my.netscape.com/publish/formats/rss-0.91.dtd">\n')


@pytest.mark.parametrize("content_type", ["text/html", "text/plain", None])
@pytest.mark.parametrize(("doctype", "expected"), [
    (RSS_091_DOCTYPE, True),
    ("<!DOCTYPE rss [\n<!ENTITY a \"b\">\n]>\n", True),
    ("<!DOCTYPE html>\n", False),  # a DOCTYPE before a root that is not a feed's
])
def test_a_feed_after_its_doctype_is_a_feed_whatever_type_it_is_served_as(
        content_type, doctype, expected):
    root = ('<rss version="0.91"><channel><item><link>https://www.example.nl/nieuws/dijk</link>'
            "</item></channel></rss>" if expected else "<html><body><p>rss</p></body></html>")
    body = f'<?xml version="1.0"?>\n{doctype}{root}'.encode()
    found = discover(body, BASE, content_type)
    assert found.is_feed is expected
    assert found.articles == (["https://www.example.nl/nieuws/dijk"] if expected else [])
