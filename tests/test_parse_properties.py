"""Properties of the text path: odd input never raises; rendered pages parse back exactly.

Random pages in layouts A, B, C and D (render_text.py) with the tricky parts of real pages:
varied datelines (mixed case too), up to four agencies, hyphen / en dash / em dash / `GOES- `
separators, ` - ` and `(NCTV)` inside titles and bodies, smart quotes, ages in words, optional
blank lines; and the same dump as other tools write it (line ends, BOM, invisible and odd spaces).
"""

from __future__ import annotations

import pytest
from age_strategies import FETCHED, age
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from render_html import Headline, LeadStory, WireItem, WirePage
from render_text import render_text

from newsarchive.parse import parse_page

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- never raises ---------------------------------------------------------------------------

PIECES = st.sampled_from([
    "\n", "\n\n", " ", "DEN HAAG (ANP) - ", "GOES- ", "Borsele - ", "3 uur geleden", "zojuist", "net",
    "Meer uit ", "Net binnen", "- Sport 9:31 ", "ANP ", "Webmail", "Editie: ", "maandag 3 november 2025",
    "(ANP/RTR)", "(", ")", "/", " – ", "ƫ", "\ufeff", "\x00", "\r", "9999 jaar geleden", "BIJDRAGE ",
    "'S ", "ÎLE", "e\u0301", "<", "geleden",
])
WIRE_NOISE = st.lists(st.one_of(PIECES, st.text(max_size=15)), max_size=60).map("".join)


@SETTINGS
@given(text=st.one_of(st.text(), WIRE_NOISE))
def test_parse_page_never_raises_on_arbitrary_text(text: str) -> None:
    page = parse_page(text, FETCHED)
    assert page.kind in ("article", "listing", "unknown")
    page.to_dict()


@SETTINGS
@given(data=st.one_of(st.binary(), WIRE_NOISE.map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_parse_page_never_raises_on_arbitrary_bytes(data: bytes) -> None:
    assert parse_page(data, FETCHED).kind in ("article", "listing", "unknown")


# --- random pages -----------------------------------------------------------------------------

CAPITALS = "ABCDEFGHIJKLMNOPRSTUVWZÉÖÜÎÁ"
AGENCY_CODES = ["ANP", "RTR", "AFP", "DPA", "BLOOMBERG", "BELGA", "AFN"]
MIXED_PLACES = ["Borsele", "Den Haag", "'s-Gravenpolder", "Sint Annaland", "Nieuw-Namen"]
WORDS = "de het een raad plan dijk haven trein brug school water polder minister overleg morgen".split()
TRICKY_SENTENCES = [
    "Oranje - VS eindigde in 1-1.", "De NCTV (NCTV) waarschuwt opnieuw.", "Dat was twee weken geleden.",
    "Om 16.00 uur begint de zitting.", "Sinds 9:31 rijden er weer treinen.", "Het werd geannuleerd.De rest niet.",
    "Hij zei: ‘Wij gaan door’.", "Een jaar geleden was dat anders.", "De brug - een oud ontwerp - blijft dicht.",
    "„Dit is pas het begin”, zei de wethouder.", "De raad noemt het plan “onhaalbaar”.", "Het is ’s avonds druk.",
]
TRICKY_TITLES = ["Oranje - VS speelt gelijk", "NAVO - top begint", "Brand in Goes - niemand gewond",
                 "Kabinet: meer geld voor dijken", "Explosies in havenstad gemeld", "‘Dijk moet omhoog’",
                 "Raad: “geen geld voor de brug”"]
SUBHEADINGS = ["Kosten", "Reactie", "Waterschap", "Bewoners"]
SECTIONS = ["Buitenland", "Binnenland", "Sport", "Voetbal", "Middelburg", "Beveland", "Walcheren"]



@st.composite
def place(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.text(CAPITALS, min_size=2, max_size=9), min_size=1, max_size=3))
    joined = words[0] + "".join(draw(st.sampled_from([" ", "-"])) + word for word in words[1:])
    return draw(st.sampled_from(["", "", "", "'S ", "’S-", "ST. "])) + joined


@st.composite
def dateline_and_agencies(draw: st.DrawFn, regional: bool) -> tuple[str, tuple[str, ...]]:
    if regional and draw(st.integers(0, 3)) == 0:
        return draw(st.sampled_from(MIXED_PLACES)), ()
    dateline = "/".join(draw(st.lists(place(), min_size=1, max_size=2)))
    if regional:
        return dateline, ()
    return dateline, ("ANP", *draw(st.lists(st.sampled_from(AGENCY_CODES[1:]), max_size=3)))


@st.composite
def sentence(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 3)) == 0:
        return draw(st.sampled_from(TRICKY_SENTENCES))
    text = " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=2, max_size=10)))
    return text[0].upper() + text[1:] + "."


@st.composite
def body(draw: st.DrawFn) -> str:
    text = " ".join(draw(st.lists(sentence(), min_size=1, max_size=3)))
    return text.rstrip(".") if draw(st.booleans()) else text  # teasers get cut off


@st.composite
def title(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 3)) == 0:
        return draw(st.sampled_from(TRICKY_TITLES))
    return " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=2, max_size=7))).capitalize()


@st.composite
def wire_page(draw: st.DrawFn, layout: str) -> tuple[WirePage, list[tuple]]:
    """A page and, per item, what the parser must give back: (title, dateline, places,
    agencies, body, age, window)."""
    items, expected = [], []
    for _ in range(draw(st.integers(1, 7))):
        dateline, agencies = draw(dateline_and_agencies(regional=layout == "C" or draw(st.booleans())))
        age_text, window = draw(age())
        item_title = draw(title()) if layout in ("B", "D") else None
        shown = f"ANP {item_title}" if layout == "D" else item_title
        item_body = draw(body())
        items.append(WireItem(dateline, agencies, item_body, age_text, shown))
        places = tuple(dateline.split("/"))
        expected.append((item_title, dateline, places, agencies, item_body, age_text, window))
    lead = None
    if layout in ("A", "B"):
        lead_dateline, lead_agencies = draw(dateline_and_agencies(regional=False))
        if draw(st.booleans()):
            lead_agencies = ()
        paragraphs = [draw(body())]
        for _ in range(draw(st.integers(0, 3))):
            if draw(st.booleans()):
                paragraphs.append(draw(st.sampled_from(SUBHEADINGS)))
            paragraphs.append(draw(body()))
        byline = draw(st.sampled_from([None, "BIJDRAGE ANNE DE GROOT"])) if layout == "B" else None
        lead = LeadStory(draw(title()), lead_dateline, lead_agencies, tuple(paragraphs), byline)
    headlines = ()
    if layout == "C":
        headlines = tuple(
            Headline(draw(st.sampled_from(SECTIONS)), f"{draw(st.integers(0, 23))}:{draw(st.integers(0, 59)):02d}",
                     draw(title()))
            for _ in range(draw(st.integers(0, 8)))
        )
    page = WirePage(layout, draw(st.sampled_from(SECTIONS)), lead, tuple(items), headlines,
                    title_twice=draw(st.booleans()))
    return page, expected


def parsed_items(page) -> list[tuple]:
    return [
        (item.title, item.dateline, item.places, item.agencies, item.body, item.age_text,
         (item.window.earliest, item.window.latest) if item.window else None)
        for item in page.items
    ]


@pytest.mark.parametrize("layout", ["A", "B", "C", "D"])
def test_rendered_text_page_parses_back_to_its_items_and_windows(layout: str) -> None:
    @SETTINGS
    @given(
        case=wire_page(layout),
        separators=st.lists(st.sampled_from([" - ", " – ", " — ", "- "]), min_size=1, max_size=3),
        editor_line=st.booleans(),
        squeeze=st.booleans(),
    )
    def check(case, separators, editor_line, squeeze) -> None:
        page, expected = case
        text = render_text(page, separators=tuple(separators), editor_line=editor_line)
        if squeeze:  # the same page without its blank lines
            text = text.replace("\n\n", "\n")
        parsed = parse_page(text, FETCHED)
        assert parsed_items(parsed) == expected, text
        assert parsed.warnings == [], text
        assert parsed.kind == ("article" if layout in ("A", "B") else "listing")
        assert parsed.section == page.section
        if page.lead is not None:
            lead = page.lead
            assert parsed.title == lead.title
            assert (parsed.lead.title, parsed.lead.dateline, parsed.lead.agencies,
                    parsed.lead.paragraphs, parsed.lead.byline) == (
                lead.title, lead.dateline, lead.agencies, lead.paragraphs, lead.byline), text
        else:
            assert parsed.title == page.section
        assert [(h.section, h.time, h.title) for h in parsed.headlines] == [
            (h.section, h.time, h.title) for h in page.headlines
        ]

    check()


# --- the same dump as other tools write it ------------------------------------------------------


def _in_long_words(text: str, mark: str, length: int) -> str:
    """`mark` in the middle of every word of at least `length` characters."""
    return " ".join(w[: len(w) // 2] + mark + w[len(w) // 2 :] if len(w) >= length else w for w in text.split(" "))


def _every_other_space(text: str, space: str) -> str:
    words = text.split(" ")
    return "".join(word + (space if i % 2 else " ") for i, word in enumerate(words[:-1])) + words[-1]


# How other tools write the same dump: line ends, a byte-order mark, no-break and narrow
# no-break spaces, zero-width spaces and word joiners, soft hyphens, tabs, trailing blanks.
DUMP_VARIANTS = {
    "crlf": lambda text: text.replace("\n", "\r\n"),
    "cr": lambda text: text.replace("\n", "\r"),
    "bom": lambda text: "\ufeff" + text,
    "nbsp": lambda text: _every_other_space(text, "\u00a0"),
    "narrow nbsp": lambda text: _every_other_space(text, "\u202f"),
    "zero-width": lambda text: _in_long_words(_in_long_words(text, "\u200b", 6), "\u2060", 10),
    "soft hyphens": lambda text: _in_long_words(text, "\u00ad", 8),
    "tabs": lambda text: "\n".join("\t" + _every_other_space(line, "\t") for line in text.split("\n")),
    "trailing blanks": lambda text: text.replace("\n", " \t\n"),
}


@pytest.mark.parametrize("layout", ["A", "B", "C", "D"])
def test_one_dump_written_by_other_tools_parses_to_one_result(layout: str) -> None:
    @SETTINGS
    @given(case=wire_page(layout), variants=st.lists(st.sampled_from(sorted(DUMP_VARIANTS)), min_size=1, max_size=4))
    def check(case, variants) -> None:
        page, expected = case
        text = render_text(page)
        clean = parse_page(text, FETCHED)
        assert parsed_items(clean) == expected, text
        for variant in variants:
            text = DUMP_VARIANTS[variant](text)
        assert parse_page(text, FETCHED).to_dict() == clean.to_dict(), repr(text)
        assert parse_page(text.encode("utf-8"), FETCHED).to_dict() == clean.to_dict(), repr(text)

    check()
