"""Every length and count limit of the wire grammar and of link reading, on both sides, through
`parse_page`.

Each test parses a small page (a text dump; HTML for links) twice: with the part that the
limit bounds exactly at the limit, and one past it. The limits are imported from where they live, so a test follows a
changed limit, and fails when a limit stops working at all (or moves without its constant).

Not tested here, because no input can reach them once whitespace is collapsed: `AGE_MAX` and
`wire._AGE_PREFIX_MAX` (40), which bound age phrases whose longest form (`twaalf seconden
geleden`, or an unknown `<12 chars> <12 letters> geleden`) is at most 33 characters.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from newsarchive.items import LinkRole
from newsarchive.parse import parse_page
from newsarchive.parse.encoding import _MOSTLY
from newsarchive.parse.layout import (
    _BYLINE_WORDS,
    _HEADLINE_SECTION_WORDS,
    _KICKER_WORDS,
    _QUOTE_PREVIEW,
    _SECTION_WORDS,
    _SHORT_LINE,
    READ_MORE_MAX,
)
from newsarchive.parse.links import HEADLINE_WORDS, TEASER_DEPTH, TEASER_TEXT_MAX
from newsarchive.parse.wire import _HEAD_MAX, _HEAD_SPACES, _MIXED_MAX, _MIXED_WORDS

FETCHED = datetime(2026, 3, 17, 12, 0, tzinfo=timezone.utc)
AT_LIMIT, PAST_LIMIT = 0, 1
SIDES = pytest.mark.parametrize("past", [AT_LIMIT, PAST_LIMIT], ids=["at_limit", "past_limit"])
LONG_PLACES = [
    "OOSTERSCHELDE", "WESTERSCHELDE", "NOORDOOSTPOLDER", "HAARLEMMERMEER", "IJSSELMONDE", "ALBLASSERWAARD",
    "KRIMPENERWAARD", "VIJFHEERENLANDEN", "MIDDELHARNIS", "ZUIDERZEEPOLDER",
]
PLACES = ["ZUID", "OOST", "WEST", "NOORD", "BOVEN", "BENEDEN", "GROOT", "KLEIN", "NIEUW", "OUD", "SINT", "HOOG", "LAAG"]


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


def parse(text: str):
    return parse_page(text, FETCHED)


def capitals(length: int) -> str:
    """An upper-case place name of exactly `length` characters (a few hyphenated words)."""
    name = "-".join(LONG_PLACES)[:length]
    return name if name[-1] != "-" else name[:-1] + "X"


def word(length: int, first: str = "Z") -> str:
    """A capitalised word of exactly `length` letters."""
    return (first + "eeland" * length)[:length]


def article(lead_line: str, *after: str, above: str = "Kabinet wil snellere vergunningen") -> str:
    return "\n".join([above, lead_line, "Gemeenten krijgen daarvoor extra geld.", *after]) + "\n"


# --- the head of a wire line -------------------------------------------------------------


@SIDES
def test_wire_line_separator_within_the_head(past):
    # `_may_be_wire` looks for `- ` within the first _HEAD_MAX characters: the dash at
    # index _HEAD_MAX - 2 is the last place where both characters fit.
    dateline = capitals(_HEAD_MAX - 2 - len(" (ANP) ") + past)
    line = f"{dateline} (ANP) - Het kabinet wil dat vergunningen sneller worden afgehandeld."
    assert line.index("- ") == _HEAD_MAX - 2 + past
    page = parse(article(line))
    if past:
        assert (page.kind, page.lead) == ("unknown", None)
    else:
        assert (page.kind, page.lead.dateline, page.lead.agencies) == ("article", dateline, ("ANP",))


@SIDES
def test_wire_line_spaces_before_the_separator(past):
    # Spaces before the dash: those between the dateline's words, before `(` and before `-`.
    words = PLACES[: _HEAD_SPACES - 1 + past]
    dateline = " ".join(words)
    line = f"{dateline} (ANP) - Het kabinet wil dat vergunningen sneller worden afgehandeld."
    assert line[: line.index("- ")].count(" ") == _HEAD_SPACES + past
    page = parse(article(line))
    if past:
        assert page.kind == "unknown"
    else:
        assert (page.kind, page.lead.dateline, page.lead.places) == ("article", dateline, (dateline,))


@SIDES
def test_dateline_words(past):
    # A dateline of twelve words is read, thirteen are not (the pattern). Hyphenated, so that
    # the spaces before the separator stay far below _HEAD_SPACES.
    dateline = "-".join(PLACES[: 12 + past])
    page = parse(article(f"{dateline} - Het kabinet wil dat vergunningen sneller worden afgehandeld."))
    assert page.kind == ("unknown" if past else "article")
    if not past:
        assert (page.lead.dateline, page.lead.agencies) == (dateline, ())


@pytest.mark.parametrize(
    ("agencies", "read"),
    [
        # up to eight agencies
        ("ANP/AFP/RTR/DPA/AP/BELGA/EFE/ANSA", ("ANP", "AFP", "RTR", "DPA", "AP", "BELGA", "EFE", "ANSA")),
        ("ANP/AFP/RTR/DPA/AP/BELGA/EFE/ANSA/TASS", None),
        # an agency of up to three words
        ("Omroep Zeeland Noord", ("Omroep Zeeland Noord",)),
        ("Omroep Zeeland Noord Oost", None),
        # words of two to twelve letters
        (f"ANP/{word(12)}", ("ANP", word(12))),
        (f"ANP/{word(13)}", None),
        ("ANP/Zo", ("ANP", "Zo")),
        ("ANP/Z", None),
    ],
    ids=["8_agencies", "9_agencies", "3_words", "4_words", "12_letters", "13_letters", "2_letters", "1_letter"],
)
def test_agency_list_limits(agencies, read):
    page = parse(article(f"GOES ({agencies}) - Het kabinet wil dat vergunningen sneller worden afgehandeld."))
    if read is None:
        assert page.kind == "unknown"
    else:
        assert (page.kind, page.lead.dateline, page.lead.agencies) == ("article", "GOES", read)


@SIDES
def test_text_before_the_dateline_set_off_by_a_bar(past):
    # `8 januari 2024 | AMSTERDAM (ANP) - ...`: up to 60 characters before the bar are left out.
    before = ("Bijgewerkt op dinsdag 17 maart 2026 " + "z" * 60)[: 60 + past]
    page = parse(article(f"{before} | AMSTERDAM (ANP) - Het kabinet wil iets."))
    if past:
        assert page.kind == "unknown"
    else:
        assert (page.lead.dateline, page.lead.paragraphs[0]) == ("AMSTERDAM", "Het kabinet wil iets.")


# --- mixed-case datelines (`Borsele - ...`) ------------------------------------------------


def mixed_listing(place: str) -> str:
    return f"Zeeland\n{place} - De dijk wordt verhoogd.\n2 uur geleden\nGOES (ANP) - In de haven is brand.\n1 uur geleden\n"


@SIDES
def test_mixed_case_dateline_words(past):
    place = " ".join(["Sint", "Jans", "Steen", "Oost"][: _MIXED_WORDS + past])
    page = parse(mixed_listing(place))
    expected = ["GOES"] if past else [place, "GOES"]
    assert [item.dateline for item in page.items] == expected


@SIDES
def test_mixed_case_dateline_length(past):
    place = "Sint " + word(_MIXED_MAX - len("Sint ") + past)
    assert len(place) == _MIXED_MAX + past
    page = parse(mixed_listing(place))
    assert [item.dateline for item in page.items] == (["GOES"] if past else [place, "GOES"])


# --- headings: `Meer uit`, `Net binnen` ----------------------------------------------------


@SIDES
def test_meer_uit_section_words(past):
    section = " ".join(["Zuid", "en", "West", "Brabant", "Noord"][: _SECTION_WORDS + past])
    page = parse(article(
        "DEN HAAG (ANP) - Het kabinet wil dat vergunningen sneller worden afgehandeld.",
        f"Meer uit {section}", "GOES (ANP) - In de haven is brand.", "1 uur geleden",
    ))
    if past:  # no sidebar heading: a page of two dated items is a listing
        assert (page.kind, page.section, page.lead) == ("listing", None, None)
    else:
        assert (page.kind, page.section, [i.dateline for i in page.items]) == ("article", section, ["GOES"])


def net_binnen(headline: str) -> str:
    return f"Binnenland\nNet binnen\n{headline}\nGOES (ANP) - In de haven is brand.\n1 uur geleden\n"


@SIDES
def test_headline_section_words(past):
    section = " ".join(["Zuid", "en", "West", "Brabant", "Noord"][: _HEADLINE_SECTION_WORDS + past])
    page = parse(net_binnen(f"- {section} 9:31 Beachduo begint WK met winst"))
    expected = [] if past else [(section, "9:31", "Beachduo begint WK met winst")]
    assert [(h.section, h.time, h.title) for h in page.headlines] == expected


@SIDES
def test_short_line_limit_for_the_webmail_banner(past):
    # Only lines of at most _SHORT_LINE characters can be a banner (or heading, date, read-more
    # link). A `Net binnen` headline is not bound by it: headlines are read from plain lines.
    banner = "Kies je webmail " + "z" * (_SHORT_LINE - 16 + past)
    assert len(banner) == _SHORT_LINE + past
    page = parse(f"{banner}\nStorm op komst\nDE BILT (ANP) - Het KNMI geeft code oranje af.\nMeer volgt.\n")
    assert page.title == (banner if past else "Storm op komst")


@SIDES
def test_short_line_limit_for_cross_references(past):
    # A `Lees ook:` line between the paragraphs is dropped when it is short; longer, it is text.
    reference = "Lees ook: Gemeenten " + "z" * (_SHORT_LINE - 20 + past)
    assert len(reference) == _SHORT_LINE + past
    page = parse(article("DEN HAAG (ANP) - Het kabinet wil iets.", reference, "Slotalinea."))
    middle = ("Gemeenten krijgen daarvoor extra geld.", reference) if past else ("Gemeenten krijgen daarvoor extra geld.",)
    assert page.lead.paragraphs == ("Het kabinet wil iets.", *middle, "Slotalinea.")


@SIDES
def test_read_more_link_length(past):
    read_more = "Lees het hele artikel " + "»" * (READ_MORE_MAX - 22 + past)
    assert len(read_more) == READ_MORE_MAX + past
    page = parse(article("DEN HAAG (ANP) - Het kabinet wil iets.", read_more))
    extra = (read_more,) if past else ()
    assert page.lead.paragraphs == ("Het kabinet wil iets.", "Gemeenten krijgen daarvoor extra geld.", *extra)


# --- the lead: byline and kicker ---------------------------------------------------------


@SIDES
def test_byline_words(past):
    byline = " ".join(["BIJDRAGE", "VAN", "ANNE", "DE", "GROOT", "EN", "JAN", "DE", "BOER"][: _BYLINE_WORDS + past])
    page = parse(article("DEN HAAG (ANP) - Het kabinet wil iets.", byline))
    paragraphs = ("Het kabinet wil iets.", "Gemeenten krijgen daarvoor extra geld.")
    if past:
        assert (page.lead.paragraphs, page.lead.byline) == ((*paragraphs, byline), None)
    else:
        assert (page.lead.paragraphs, page.lead.byline) == (paragraphs, byline)


@SIDES
def test_kicker_words(past):
    kicker = " ".join(["BUITENLAND", "NIEUWS", "VAN", "VANDAAG"][: _KICKER_WORDS + past])
    page = parse(f"{kicker}\nRusland wil Izjoem veroveren\nIZJOEM (ANP/RTR) - Het leger trekt op.\nMeer volgt.\n")
    assert page.title == (kicker if past else "Rusland wil Izjoem veroveren")


# --- listings: the title vote, warnings ----------------------------------------------------


TITLED_LISTING_ITEMS = [
    ("Brand in haven", "ROTTERDAM (ANP) - In de haven woedt een grote brand."),
    ("Dijk verhoogd", "GOES (ANP) - De dijk wordt verhoogd."),
    ("Trein rijdt weer", "UTRECHT (ANP) - Tussen Utrecht en Amersfoort rijden weer treinen."),
    ("Begroting rond", "BRUSSEL (ANP/BELGA) - De regering is het eens over de begroting."),
    ("Storm op komst", "DE BILT (ANP) - Het KNMI geeft code oranje af."),
]


@pytest.mark.parametrize("titled_after_first", [1, 2, 3])
def test_a_listing_has_titles_when_half_the_items_after_the_first_have_a_line_above(titled_after_first):
    # The vote: items 2..5 (four) decide; two of four is half and enough, one is not.
    lines = ["Binnenland"]
    has_title = [True] + [n < titled_after_first for n in range(4)]
    for (title, wire), titled in zip(TITLED_LISTING_ITEMS, has_title):
        lines += [title, wire, "1 uur geleden"] if titled else [wire, "1 uur geleden"]
    page = parse("\n".join(lines) + "\n")
    titled_page = 2 * titled_after_first >= 4
    expected = [title if titled_page and t else None for (title, _), t in zip(TITLED_LISTING_ITEMS, has_title)]
    assert [item.title for item in page.items] == expected


@SIDES
def test_warning_quotes_the_start_of_a_skipped_line(past):
    skipped = "Teheran (ANP) - " + "z" * (_QUOTE_PREVIEW - 16 + past)
    assert len(skipped) == _QUOTE_PREVIEW + past
    page = parse(f"Buitenland\nGOES (ANP) - In de haven is brand.\n1 uur geleden\n{skipped}\n")
    assert page.warnings == [f"skipped a line that looks like a wire item: {skipped[:_QUOTE_PREVIEW]!r}"]


@pytest.mark.parametrize("digits", [4, 5])
def test_age_numbers_have_up_to_four_digits(digits):
    # 1000 minutes are 16 h 40 min: [19:19, 19:20] the day before; `01000` is no age.
    age = f"{1000:0{digits}d} minuten geleden"
    page = parse(f"Buitenland\nGOES (ANP) - In de haven is brand.\n{age}\nASSEN (ANP) - Een brand.\n1 uur geleden\n")
    goes = page.items[0]
    window = (goes.window.earliest, goes.window.latest) if goes.window else None
    if digits == 4:
        assert (goes.age_text, window) == (age, (utc(2026, 3, 16, 19, 19), utc(2026, 3, 16, 19, 20)))
        assert page.warnings == []
    else:
        assert (goes.age_text, window) == (age, None)
        assert page.warnings == [f"unknown age phrase {age!r} of item 'GOES'"]


# --- bytes: UTF-8 with a few invalid bytes ------------------------------------------------


@SIDES
def test_utf8_with_stray_bytes_needs_enough_valid_characters(past):
    # One windows-1252 byte (0x93, a curly quote) among valid UTF-8 `ë`s: read as UTF-8 when
    # there are _MOSTLY valid characters per invalid byte, else as windows-1252.
    valid = "ë" * (_MOSTLY - past)
    data = f"Kop\nGOES (ANP) - Het Zeeuwse {valid} en \x93 staan hier.\nTweede alinea.\n".encode().replace(b"\xc2\x93", b"\x93")
    page = parse_page(data, FETCHED)
    if past:
        assert page.lead.body.startswith("Het Zeeuwse " + "Ã«" * len(valid) + " en “ staan")
        assert "page is UTF-8 with a few invalid bytes; they were replaced" not in page.warnings
    else:
        assert page.lead.body.startswith(f"Het Zeeuwse {valid} en \ufffd staan")
        assert "page is UTF-8 with a few invalid bytes; they were replaced" in page.warnings


# --- links: which ones are teasers -------------------------------------------------------


def teaser_links(body: str) -> list[str]:
    html = f"<html><head><title>Nieuws</title></head><body><main>{body}</main></body></html>"
    page = parse_page(html.encode(), FETCHED, "https://wire.example/nieuws/", with_links=True)
    return [link.url for link in page.links if link.role is LinkRole.TEASER]


@SIDES
def test_a_link_reading_like_a_headline_has_enough_words(past):
    words = " ".join(["Kabinet", "wil", "snellere", "vergunningen", "voor", "huizen"][: HEADLINE_WORDS - 1 + past])
    found = teaser_links(f'<section><p>Uitgelicht</p><a href="/nieuws/a">{words}</a></section>')
    assert found == (["https://wire.example/nieuws/a"] if past else [])
    found = teaser_links(f'<section><p>Uitgelicht</p><a href="/nieuws/a">{words} woord</a></section>')
    assert found == ["https://wire.example/nieuws/a"]  # one more word is always enough


@SIDES
def test_a_teasers_age_is_looked_for_a_few_ancestors_up(past):
    # The age stands in the article block; the link is wrapped in `wrappers` more elements.
    wrappers = TEASER_DEPTH - 1 + past
    link = '<a href="/nieuws/a">Lees dit</a>'
    for _ in range(wrappers):
        link = f"<div>{link}</div>"
    found = teaser_links(f"<article>{link}<p>12 minuten geleden</p></article>")
    assert found == ([] if past else ["https://wire.example/nieuws/a"])


@SIDES
def test_a_teasers_text_is_read_up_to_its_limit(past):
    # The age is the last thing in the block: cut off one character early, it is no age.
    age = " 12 minuten geleden"
    padding = "x" * (TEASER_TEXT_MAX + past - len("Lees dit ") - len(age))
    found = teaser_links(f'<article><a href="/nieuws/a">Lees dit</a><p> {padding}{age}</p></article>')
    assert found == ([] if past else ["https://wire.example/nieuws/a"])
