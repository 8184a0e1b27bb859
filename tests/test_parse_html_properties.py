"""Properties of the HTML path: odd input never raises; rendered pages parse back exactly.

Pages are rendered from random items in each layout (A, B, C, D) and each markup shape of
render_html.py (those of real sites too: ALL_SHAPES), then parsed with parse_page: the items, their windows, the lead and the
headlines must come back exactly as they went in. The lead may carry a photo caption and credit,
a clock time and an embedded post: none of them is body, in any shape or in the text dump.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from age_strategies import FETCHED, age
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from render_html import ALL_SHAPES, LAYOUTS, Headline, LeadStory, WireItem, WirePage, render

from newsarchive.parse import parse_page
from newsarchive.parse.html import html_to_document

PROPERTY_SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- never raises ------------------------------------------------------------------------------

FRAGMENTS = st.sampled_from([
    "<p>", "</p>", "<div class='cookie'>", "</div>", "<br>", "<br/>", "<time datetime='2026-13-99'>",
    "</time>", "<a href='http://[::1'>", "<a href=''>", "</a>", "<h1>", "</h1>", "<script>", "</script>",
    "<!--", "-->", '<?xml version="1.0" encoding="latin-1"?>', "<![CDATA[", "]]>", "&amp;", "&#xD800;",
    "&#0;", "&bogus;", "\x00", "\ufeff", "<base href='::'>", "<pre>", "\n", "3 uur geleden", "zojuist",
    "DEN HAAG (ANP) - ", "Meer uit Sport", "<span>", "</span>", "<li>", "<table><tr><td>", "<svg>",
    '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "x"}</script>',
    '<meta property="article:published_time" content="2026-02-30T25:61">', "<main>", "<footer>",
    "<div hidden>", "<div style='display:none'>", "<div role='dialog'>", "<form>", "é", "e\u0301",
])
HTMLISH = st.lists(st.one_of(FRAGMENTS, st.text(max_size=12)), max_size=40).map("".join)


@PROPERTY_SETTINGS
@given(text=st.one_of(HTMLISH, st.text()))
def test_html_to_document_never_raises_and_gives_clean_lines(text: str) -> None:
    document = html_to_document(text, base_url="https://regio.example.nl/nieuws/x")
    assert len(document.links) == len(document.lines)
    assert all(line and line == " ".join(line.split()) for line in document.lines)


@PROPERTY_SETTINGS
@given(
    data=st.one_of(st.binary(max_size=2000), HTMLISH.map(lambda t: t.encode("utf-8", "surrogatepass"))),
    charset=st.sampled_from([None, "utf-8", "windows-1252", "utf-16", "x-bogus"]),
)
def test_parse_page_never_raises_on_arbitrary_bytes(data: bytes, charset: str | None) -> None:
    page = parse_page(data, datetime(2026, 3, 17, 12, tzinfo=timezone.utc), http_charset=charset)
    assert page.kind in ("article", "listing", "unknown")


# --- rendered pages parse back ------------------------------------------------------------------

WORDS = (
    "de het een gemeente provincie kabinet minister haven dijk inwoners plan besluit overleg "
    "vanavond morgen volgens woordvoerder onderzoek water polder brug trein school raad begroting"
).split()
TRICKY = [
    "Oranje - VS eindigde in 1-1.", "De politie (NCTV) onderzoekt het.", "Dat gebeurde twee weken geleden.",
    "Om 16.00 uur begint de zitting.", "De trein van 9:31 reed niet.", 'Hij zei: "Wij gaan door."',
    "Kosten: a < b & c > d.", "Een jaar geleden was dat anders.", "„Dit is pas het begin”, zei de wethouder.",
    "De raad noemt het plan ‘onhaalbaar’.", "Het is ’s avonds druk op de brug.",
]
PLACES = [
    "TEHERAN", "IZJOEM/LONDEN", "WASHINGTON/JERUZALEM", "DEN HAAG", "WEST PALM BEACH", "MEXICO-STAD",
    "ÎLE LONGUE", "BOGOTÁ", "MALMÖ", "'S HEER ARENDSKERKE", "GOES", "VLISSINGEN",
]
WIRE_AGENCIES = [("ANP",), ("ANP", "RTR"), ("ANP", "AFP", "RTR"), ("ANP", "RTR", "AFP", "DPA"), ("ANP", "BLOOMBERG")]
# Photo credits as sites print them, and the clock times articles show (no body, no title).
CREDITS = ["Foto: ANP / Jan Smit", "Beeld: Rijkswaterstaat", "(Foto: Omroep Zeeland)", "Foto ANP", "© ANP",
           "Foto: ANP / R. de Vries", "Foto: archief"]
CLOCKS = ["09:12", "9:05", "23:59", "17 maart 2026, 09:12", "Bijgewerkt: 17-3-2026 om 10.05 uur"]
SECTIONS = ["Buitenland", "Binnenland", "Financieel", "Sport", "Voetbal", "Middelburg", "Beveland"]



@st.composite
def sentence(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 4)) == 0:
        return draw(st.sampled_from(TRICKY))
    words = draw(st.lists(st.sampled_from(WORDS), min_size=3, max_size=12))
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


@st.composite
def paragraph(draw: st.DrawFn) -> str:
    """Sentences; a teaser may also end without punctuation (cut off by the site)."""
    text = " ".join(draw(st.lists(sentence(), min_size=1, max_size=3)))
    return text.rstrip(".") if draw(st.booleans()) else text


@st.composite
def title(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 4)) == 0:
        return draw(st.sampled_from(TITLES))
    words = draw(st.lists(st.sampled_from(WORDS), min_size=2, max_size=7))
    return (" ".join(words)).capitalize()


CAPITALS = "ABCDEFGHIJKLMNOPRSTUVWZÉÖÜÎÁ"
MIXED_PLACES = ["Borsele", "Den Haag", "'s-Gravenpolder", "Sint Annaland"]
TITLES = ["Oranje - VS speelt gelijk", "NAVO - top begint", "Kabinet: meer geld voor dijken", "‘Dijk moet omhoog’",
          "Raad: “geen geld voor de brug”"]


@st.composite
def place(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        return draw(st.sampled_from(PLACES))
    words = draw(st.lists(st.text(CAPITALS, min_size=2, max_size=9), min_size=1, max_size=3))
    return " ".join(words)


@st.composite
def wire_page(draw: st.DrawFn, layout: str) -> tuple[WirePage, list[tuple]]:
    """A page and the (title, dateline, agencies, body, age, window bounds) of its items."""
    items, expected = [], []
    for _ in range(draw(st.integers(1, 7))):
        regional = layout == "C" and draw(st.booleans())
        agencies = () if regional else draw(st.sampled_from(WIRE_AGENCIES))
        dateline = draw(st.sampled_from(MIXED_PLACES) if regional and draw(st.booleans()) else place())
        age_text, window = draw(age())
        item_title = draw(title()) if layout in ("B", "D") else None
        shown_title = f"ANP {item_title}" if layout == "D" else item_title
        body = draw(paragraph())
        items.append(WireItem(dateline, agencies, body, age_text, shown_title))
        expected.append((item_title, dateline, agencies, body, age_text, window))
    lead = None
    if layout in ("A", "B"):
        lead = LeadStory(
            draw(title()), draw(place()), draw(st.sampled_from(WIRE_AGENCIES)),
            tuple(draw(st.lists(paragraph(), min_size=1, max_size=4))),
            draw(st.sampled_from([None, "BIJDRAGE ANNE DE GROOT"])) if layout == "B" else None,
            photo=draw(st.none() | st.tuples(sentence(), st.sampled_from(CREDITS))),
            clock=draw(st.none() | st.sampled_from(CLOCKS)),
            embed=draw(st.none() | sentence()),
        )
    headlines = ()
    if layout == "C":
        headlines = tuple(
            Headline(draw(st.sampled_from(SECTIONS)), f"{draw(st.integers(0, 23))}:{draw(st.integers(0, 59)):02d}", draw(title()))
            for _ in range(8)
        )
    page = WirePage(layout, draw(st.sampled_from(SECTIONS)), lead, tuple(items), headlines,
                    title_twice=draw(st.booleans()))
    return page, expected




def parsed_items(parsed) -> list[tuple]:
    """What `wire_page` expects of each item: (title, dateline, agencies, body, age, window)."""
    return [
        (item.title, item.dateline, item.agencies, item.body, item.age_text,
         (item.window.earliest, item.window.latest) if item.window else None)
        for item in parsed.items
    ]


@pytest.mark.parametrize("shape", ALL_SHAPES)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_rendered_page_parses_back_to_its_items_and_windows(layout: str, shape: str) -> None:
    @PROPERTY_SETTINGS
    @given(case=wire_page(layout))
    def check(case: tuple[WirePage, list[tuple]]) -> None:
        page, expected = case
        parsed = parse_page(render(page, shape).encode("utf-8"), FETCHED, "https://regio.example.nl/nieuws/x")
        assert parsed_items(parsed) == expected
        assert [item.places for item in parsed.items] == [tuple(e[1].split("/")) for e in expected]
        assert parsed.kind == ("article" if layout in ("A", "B") else "listing")
        assert parsed.section == page.section
        if page.lead is not None:
            lead = parsed.lead
            assert lead is not None
            assert (lead.title, lead.dateline, lead.agencies, lead.paragraphs, lead.byline) == (
                page.lead.title, page.lead.dateline, page.lead.agencies, page.lead.paragraphs, page.lead.byline,
            )
            assert parsed.title == page.lead.title
        assert [(h.section, h.time, h.title) for h in parsed.headlines] == [
            (h.section, h.time, h.title) for h in page.headlines
        ]

    check()


def _without_links(result: dict) -> dict:
    """A text dump has no links and no markup dates, so item and headline URLs and the page
    date (pinned by the fixtures) are left out."""
    for entry in result["items"] + result["headlines"]:
        entry.pop("url", None)
    result.pop("page_date", None)
    return result


@pytest.mark.parametrize("layout", LAYOUTS)
def test_one_page_in_every_markup_shape_and_as_a_text_dump_parses_to_one_result(layout: str) -> None:
    """The document the grammar reads does not depend on the markup: the same random page as
    a text dump and in each HTML shape gives one and the same parse."""
    from render_text import render_text

    @PROPERTY_SETTINGS
    @given(case=wire_page(layout))
    def check(case: tuple[WirePage, list[tuple]]) -> None:
        page, expected = case
        url = "https://regio.example.nl/nieuws/x"
        as_text = parse_page(render_text(page).encode("utf-8"), FETCHED, url)
        assert parsed_items(as_text) == expected  # the one result is also the right one
        results = {"text": _without_links(as_text.to_dict())}
        for shape in ALL_SHAPES:
            results[shape] = _without_links(parse_page(render(page, shape).encode("utf-8"), FETCHED, url).to_dict())
        different = {shape: result for shape, result in results.items() if result != results["text"]}
        assert different == {}, f"text: {results['text']}"

    check()
