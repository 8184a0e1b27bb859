"""The structured document between markup and grammar: blocks with their role, landmark,
nesting and inline joints, and the grammar grouping an item by the element it stands in."""

from __future__ import annotations

import unicodedata
from datetime import datetime, timezone

import pytest

from newsarchive.parse import parse_page, text_to_document
from newsarchive.parse.document import Block, Landmark, Role
from newsarchive.parse.html import html_to_document

FETCHED = datetime(2026, 3, 17, 12, 0, tzinfo=timezone.utc)


def blocks(body: str) -> list[Block]:
    return html_to_document(f"<html><body>{body}</body></html>").blocks


def test_each_block_says_its_role_heading_level_and_landmark() -> None:
    body = (
        "<header><h1>Titel</h1></header><main><p>alinea</p><ul><li>punt</li></ul>"
        "<table><tr><td>cel</td></tr></table><div>los</div><pre>vast</pre></main>"
        "<aside><h3>Meer uit Sport</h3><article><p>ASSEN (ANP) - Regen.</p>"
        "<footer><time datetime='2026-03-17T09:00Z'>3 uur geleden</time></footer></article></aside>"
    )
    assert [(b.text, b.role, b.level, b.landmark) for b in blocks(body)] == [
        ("Titel", Role.HEADING, 1, Landmark.HEADER),
        ("alinea", Role.PARAGRAPH, 0, Landmark.MAIN),
        ("punt", Role.LIST_ITEM, 0, Landmark.MAIN),
        ("cel", Role.CELL, 0, Landmark.MAIN),
        ("los", Role.LINE, 0, Landmark.MAIN),
        ("vast", Role.PREFORMATTED, 0, Landmark.MAIN),
        ("Meer uit Sport", Role.HEADING, 3, Landmark.ASIDE),
        ("ASSEN (ANP) - Regen.", Role.PARAGRAPH, 0, Landmark.MAIN),  # an article in the aside
        ("3 uur geleden", Role.TIME, 0, Landmark.FOOTER),
    ]


def test_blocks_of_one_card_share_its_element_and_no_other_card_does() -> None:
    card = "<div class='card'><h3>Titel {0}</h3><p>GOES - Bericht {0}.</p></div>"
    first_title, first_wire, second_title, second_wire = blocks(f"<div>{card.format(1)}{card.format(2)}</div>")
    first, second = set(first_title.containers), set(second_title.containers)
    assert set(first_wire.containers) >= first - {first_title.containers[-1]}
    assert (first & set(first_wire.containers)) - second != set()  # the card of item 1
    assert set(second_wire.containers) & first == set(first_title.containers[:-2])  # only the page around both


def test_a_teaser_card_link_is_an_element_of_its_own() -> None:
    title, wire = blocks("<a href='/1'><h3>Titel</h3><p>GOES - Bericht.</p></a><p>na</p>")[:2]
    assert (title.role, wire.link) == (Role.HEADING, "/1")
    assert title.containers[0] == wire.containers[0]


def test_joints_mark_inline_elements_that_meet_without_whitespace() -> None:
    glued, spaced, dateline, invisible = blocks(
        "<p><span>ANP</span><span>Minister</span> zwijgt</p><p><span>ANP</span> <span>Minister</span></p>"
        "<p><b>GOES</b>- Brand.</p><p><span>Meer uit</span>\u200b<span>Sport</span></p>"
    )
    assert (glued.text, glued.joints) == ("ANPMinister zwijgt", (3,))
    assert (spaced.text, spaced.joints) == ("ANP Minister", ())
    assert (dateline.text, dateline.joints) == ("GOES- Brand.", (4,))
    assert (invisible.text, invisible.joints) == ("Meer uitSport", (8,))


def test_deep_nesting_keeps_only_the_innermost_elements_of_a_block() -> None:
    (block,) = blocks("<div>" * 500 + "diep" + "</div>" * 500)
    assert block.text == "diep" and 0 < len(block.containers) <= 64


def test_a_text_dump_line_is_a_block_that_says_nothing_more() -> None:
    document = text_to_document("Titel\nGOES - Bericht.\n3 uur geleden\n")
    assert document.blocks == [Block("Titel"), Block("GOES - Bericht."), Block("3 uur geleden")]


def test_items_are_grouped_by_their_card_whatever_the_order_inside() -> None:
    """Age below the wire line in one card, above it in the next: only the cards say which
    age is whose (read by position, the second card's age would go to the first item)."""
    cards = (
        "<article><h3>Brand in schuur</h3><p>GOES - Niemand gewond.</p><span>3 uur geleden</span></article>"
        "<article><span>1 dag geleden</span><h3>Dijk wordt hoger</h3><p>VEERE (ANP) - Werk begint.</p></article>"
        "<article><h3>Veer vaart weer</h3><p>VLISSINGEN - Dienst hervat.</p><span>1 week geleden</span></article>"
    )
    page = parse_page(f"<html><body><h1>Zeeland</h1><main>{cards}</main></body></html>", FETCHED)
    assert [(i.title, i.dateline, i.age_text) for i in page.items] == [
        ("Brand in schuur", "GOES", "3 uur geleden"),
        ("Dijk wordt hoger", "VEERE", "1 dag geleden"),
        ("Veer vaart weer", "VLISSINGEN", "1 week geleden"),
    ]
    assert (page.kind, page.section, page.warnings) == ("listing", "Zeeland", [])


def test_items_sharing_one_element_are_read_by_position() -> None:
    soup = "<div>GOES - Niemand gewond.<br>3 uur geleden<br>VEERE (ANP) - Werk begint.<br>1 dag geleden</div>"
    page = parse_page(f"<html><body><h1>Zeeland</h1>{soup}</body></html>", FETCHED)
    assert [(i.dateline, i.age_text) for i in page.items] == [("GOES", "3 uur geleden"), ("VEERE", "1 dag geleden")]


def test_a_title_in_the_row_above_the_item_row_is_its_title() -> None:
    rows = (
        "<tr><td colspan=2>Brand in schuur</td></tr><tr><td>GOES - Niemand gewond.</td><td>3 uur geleden</td></tr>"
        "<tr><td colspan=2>Dijk wordt hoger</td></tr><tr><td>VEERE (ANP) - Werk begint.</td><td>1 dag geleden</td></tr>"
    )
    page = parse_page(f"<html><body><h1>Zeeland</h1><table>{rows}</table></body></html>", FETCHED)
    assert [(i.title, i.dateline, i.age_text) for i in page.items] == [
        ("Brand in schuur", "GOES", "3 uur geleden"), ("Dijk wordt hoger", "VEERE", "1 dag geleden"),
    ]


def test_the_page_header_is_dropped_whole_but_a_header_of_an_article_is_content() -> None:
    site_header = (
        "<header><a href='/'>Omroep Voorbeeld</a><div class='mega'><h4>Regio</h4><ul>"
        "<li><a href='/net-binnen'>Net binnen</a></li><li><a href='/goes'>Goes</a></li></ul>"
        "<p>Zoek in het nieuws</p></div></header>"
    )
    article = "<main><article><header><p>Regio</p><h2>Dijk wordt hoger</h2></header><p>VEERE (ANP) - Werk.</p></article></main>"
    assert [b.text for b in blocks(site_header + article)] == ["Regio", "Dijk wordt hoger", "VEERE (ANP) - Werk."]


def test_a_page_header_holding_wire_copy_or_the_heading_is_kept() -> None:
    wire = "<header><p>Net binnen</p><p>- Sport 9:31 Beachduo wint</p></header><main><p>tekst</p></main>"
    assert [b.text for b in blocks(wire)] == ["Net binnen", "- Sport 9:31 Beachduo wint", "tekst"]
    heading = "<header><nav><a href='/'>Home</a></nav><h1>Titel</h1></header><p>tekst</p>"
    assert [b.text for b in blocks(heading)] == ["Titel", "tekst"]


def test_a_source_prefix_glued_by_markup_is_found_by_its_joint_not_by_its_letters() -> None:
    cards = (
        "<article><h3><abbr>ANP</abbr><span>O-ploeg wint</span></h3><p>DEN HAAG (ANP) - Winst.</p>"
        "<span>1 uur geleden</span></article>"
        "<article><h3>ANPMinister zwijgt</h3><p>KOPENHAGEN (ANP) - Geen reactie.</p><span>1 maand geleden</span></article>"
    )
    page = parse_page(f"<html><body><h1>Politiek</h1><main>{cards}</main></body></html>", FETCHED)
    assert [i.title for i in page.items] == ["O-ploeg wint", "ANPMinister zwijgt"]


def test_meer_uit_glued_to_its_section_by_markup_opens_the_sidebar_whatever_its_case() -> None:
    sidebar = "<aside><h2><span>Meer uit</span><span>de regio</span></h2><p>ASSEN (ANP) - Iets.</p><span>1 uur geleden</span></aside>"
    page = parse_page(f"<html><body><h1>Titel</h1><p>GOES - Het bericht.</p>{sidebar}</body></html>", FETCHED)
    assert (page.kind, page.section, [i.dateline for i in page.items]) == ("article", "de regio", ["ASSEN"])
    one_word = "<p>Meer uitgaven dan gepland</p>"
    page = parse_page(f"<html><body><h1>Titel</h1><p>GOES - Het bericht.</p>{one_word}</body></html>", FETCHED)
    assert (page.section, page.lead.paragraphs) == (None, ("Het bericht.", "Meer uitgaven dan gepland"))


# --- a headline split over blocks, joined by the element holding its parts ---------------------

ITEMS_BELOW_HEADLINES = "<ul><li>DOMBURG - Zorgen over de post.<br><small>1 week geleden</small></li></ul>"


def headlines_of(markup: str) -> list[tuple[str, str, str, str | None]]:
    page = parse_page(f"<html><body><h2>Net binnen</h2>{markup}{ITEMS_BELOW_HEADLINES}</body></html>", FETCHED)
    return [(h.section, h.time, h.title, h.url) for h in page.headlines]


def test_a_headline_in_a_label_cell_and_a_text_cell_is_one_headline() -> None:
    rows = (
        "<table><tr><td>Tholen</td><td><a href='https://x.example/a'>16:30 Lijsttrekker gekozen</a></td></tr>"
        "<tr><td>Sport</td><td><a href='https://x.example/b'>9:31 Beachduo wint</a></td></tr></table>"
    )
    assert headlines_of(rows) == [
        ("Tholen", "16:30", "Lijsttrekker gekozen", "https://x.example/a"),
        ("Sport", "9:31", "Beachduo wint", "https://x.example/b"),
    ]


def test_a_headline_in_three_blocks_of_one_list_item_is_one_headline() -> None:
    items = (
        "<ol><li><div>Tholen</div><div>16:30</div><div>Lijsttrekker gekozen</div></li>"
        "<li><div>Sport</div><div>9:31</div><div>Beachduo wint</div></li></ol>"
    )
    assert headlines_of(items) == [
        ("Tholen", "16:30", "Lijsttrekker gekozen", None), ("Sport", "9:31", "Beachduo wint", None),
    ]


def test_a_headline_split_between_a_term_and_its_description_is_one_headline() -> None:
    pairs = "<dl><dt>Tholen 16:30</dt><dd>Lijsttrekker gekozen</dd><dt>Sport 9:31</dt><dd>Beachduo wint</dd></dl>"
    assert headlines_of(pairs) == [
        ("Tholen", "16:30", "Lijsttrekker gekozen", None), ("Sport", "9:31", "Beachduo wint", None),
    ]


def test_parts_of_a_headline_are_not_taken_from_outside_its_element() -> None:
    # `Tholen` stands alone in its list item: the next item is no part of it (the list holds
    # a third item too), so the run of headlines ends before it
    items = "<ul><li>Tholen</li><li>16:30 Lijsttrekker gekozen</li><li>Sport 9:31 Beachduo wint</li></ul>"
    assert headlines_of(items) == []
    assert headlines_of(items.replace("<li>Tholen</li><li>", "<li>Tholen ")) == [
        ("Tholen", "16:30", "Lijsttrekker gekozen", None), ("Sport", "9:31", "Beachduo wint", None),
    ]


def test_a_headline_of_spans_glued_by_markup_is_read_at_their_joints() -> None:
    items = (
        "<ul><li><span>Tholen</span><span>16:30</span><span>Lijsttrekker gekozen</span></li>"
        "<li><span>Sport</span><span>9:31</span><span>Beachduo wint</span></li></ul>"
    )
    assert headlines_of(items) == [
        ("Tholen", "16:30", "Lijsttrekker gekozen", None), ("Sport", "9:31", "Beachduo wint", None),
    ]


# --- the sidebar and the title decided by the document's structure -----------------------------

LEAD = "<h1>Storm op komst</h1><p>DE BILT (ANP) - Code oranje.</p><p>Het waait hard.</p>"
SIDEBAR_ITEMS = (
    "<div><p>ASSEN (ANP) - Regen.</p><span>1 uur geleden</span></div>"
    "<div><p>ZWOLLE (ANP/DPA) - Hagel.</p><span>2 uur geleden</span></div>"
)


def article(body: str, head: str = ""):
    page = parse_page(f"<html><head>{head}</head><body>{body}</body></html>", FETCHED)
    lead = page.lead
    return (
        page.title, page.section, lead and (lead.dateline, lead.agencies, lead.body),
        [(item.dateline, item.agencies, item.body, item.age_text) for item in page.items],
    )


STORM = ("Storm op komst", "Binnenland", ("DE BILT", ("ANP",), "Code oranje.\n\nHet waait hard."), [
    ("ASSEN", ("ANP",), "Regen.", "1 uur geleden"), ("ZWOLLE", ("ANP", "DPA"), "Hagel.", "2 uur geleden"),
])


def test_an_aside_holding_meer_uit_is_the_sidebar_though_other_text_opens_it() -> None:
    aside = f"<aside><p>Download onze app.</p><h2>Meer uit Binnenland</h2>{SIDEBAR_ITEMS}</aside>"
    assert article(f"{aside}<main>{LEAD}</main>") == STORM
    assert article(f"<main>{LEAD}</main>{aside}") == STORM


def test_the_element_meer_uit_opens_is_the_sidebar_before_the_lead_and_teasers_after_are_no_lead() -> None:
    sidebar = f"<div><div>Meer uit Binnenland</div>{SIDEBAR_ITEMS}</div>"
    later = "<div><div>Eerder</div><div><p>DE BILT (ANP) - Code geel.</p><span>1 dag geleden</span></div></div>"
    assert article(f"{sidebar}<div><div>{LEAD}</div>{later}</div>") == STORM


def test_a_meer_uit_heading_sharing_its_element_with_the_lead_leaves_the_sidebar_to_position() -> None:
    # one table cell holds the lead, the heading and the items: what follows the heading is the sidebar
    cell = f"<table><tr><td>{LEAD}<h3>Meer uit Binnenland</h3>{SIDEBAR_ITEMS}</td></tr></table>"
    assert article(cell) == STORM


def test_without_an_h1_the_json_ld_headline_names_the_title_over_the_lines_above_it() -> None:
    json_ld = '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Storm op komst"}</script>'
    body = (
        "<div>Weerbericht vandaag</div><div>Storm op komst</div><p>DE BILT (ANP) - Code oranje.</p><p>Het waait hard.</p>"
        f"<div><div>Meer uit Binnenland</div>{SIDEBAR_ITEMS}</div>"
    )
    assert article(body, json_ld) == STORM
    assert article(body)[0] == "Weerbericht vandaag"  # without it, the first line that is no kicker
    document = html_to_document(f"<html><head>{json_ld}</head><body>{body}</body></html>")
    assert (document.heading, document.title) == ("Storm op komst", "Storm op komst")


def test_an_h1_broken_over_lines_is_one_heading_block_and_the_title() -> None:
    h1 = "<h1><span>Storm</span><br><span>op komst</span></h1>"
    assert [(b.text, b.role, b.level) for b in blocks(f"<main>{h1}</main>")] == [("Storm op komst", Role.HEADING, 1)]
    body = f"<main>{LEAD.replace('<h1>Storm op komst</h1>', h1)}<aside><h2>Meer uit Binnenland</h2>{SIDEBAR_ITEMS}</aside></main>"
    assert article(body) == STORM


def test_a_logo_h1_is_the_heading_but_no_title_the_markup_states() -> None:
    document = html_to_document("<html><body><h1>Kustkrant</h1><div>Storm op komst</div><p>DE BILT (ANP) - Code.</p></body></html>")
    assert (document.heading, document.title) == ("Kustkrant", None)
    main = html_to_document("<html><body><h1>Kustkrant</h1><main><h1>Storm op komst</h1></main></body></html>")
    assert (main.heading, main.title) == ("Storm op komst", "Storm op komst")


def test_a_kicker_glued_onto_the_h1_by_inline_markup_is_no_part_of_the_title() -> None:
    def title(h1: str) -> str | None:
        return parse_page(f"<html><body><main><h1>{h1}</h1><p>DE BILT (ANP) - Code oranje.</p></main></body></html>", FETCHED).title

    assert title("<span class='label'>Binnenland</span>Storm op komst") == "Storm op komst"
    assert title("<span>ANP</span>Storm op komst") == "Storm op komst"
    assert title("<span>WEER</span>Storm op komst") == "Storm op komst"
    # a drop cap, a name in capitals: the h1 as it reads
    assert title("<span class='initiaal'>S</span>torm op komst") == "Storm op komst"
    assert title("<b>Post</b>NL bezorgt later") == "PostNL bezorgt later"
    assert title("<span>Zware storm</span>Op komst") == "Zware stormOp komst"  # two words: no kicker


@pytest.mark.parametrize("h1", [
    "<small>Binnenland</small> Storm op komst", "<span class='label'>Binnenland</span> Storm op komst",
    "<a href='/binnenland'><small>WEER</small> Storm op komst</a>", "<em>Binnenland</em>\n  Storm op komst",
])
def test_a_kicker_set_apart_by_inline_markup_and_a_space_is_no_part_of_the_title(h1: str) -> None:
    page = f"<html><body><main><h1>{h1}</h1><p>DE BILT (ANP) - Code oranje.</p></main></body></html>"
    assert parse_page(page, FETCHED).title == "Storm op komst"


@pytest.mark.parametrize(("h1", "title"), [
    ("<b>Ajax</b> wint van PSV", "Ajax wint van PSV"),  # a stressed first word: a lower-case word follows
    ("<span>Storm</span> <span>Op komst</span>", "Storm Op komst"),  # one headline in like markup
    ("<small>Zware storm</small> Op komst", "Zware storm Op komst"),  # two words in lower case: no label
    ("Storm <small>Binnenland</small> Op komst", "Storm Binnenland Op komst"),  # not at the start
])
def test_a_headline_whose_first_words_are_only_marked_up_stays_whole(h1: str, title: str) -> None:
    page = f"<html><body><main><h1>{h1}</h1><p>DE BILT (ANP) - Code oranje.</p></main></body></html>"
    assert parse_page(page, FETCHED).title == title


def test_a_kicker_on_a_line_of_its_own_inside_the_h1_is_a_line_above_the_heading() -> None:
    def heading_blocks(h1: str) -> list[tuple[str, Role, int]]:
        return [(b.text, b.role, b.level) for b in blocks(f"<main><h1>{h1}</h1></main>")]

    kicked = [("Binnenland", Role.LINE, 0), ("Storm op komst", Role.HEADING, 1)]
    assert heading_blocks("<span class='kicker'>Binnenland</span><br>Storm op komst") == kicked
    assert heading_blocks("<div class='kicker'>Binnenland</div><div>Storm op komst</div>") == kicked
    assert heading_blocks("<a href='/s'><small>Binnenland</small><br>Storm op komst</a>") == kicked
    assert heading_blocks("<div>BINNENLAND</div>Storm op komst") == [("BINNENLAND", Role.LINE, 0), kicked[1]]
    # a headline broken alike, a lower-case continuation, a label ending in a colon: one heading
    for h1, text in [
        ("<span>Storm</span><br><span>Op komst</span>", "Storm Op komst"),
        ("<span class='kicker'>Storm</span><br>op komst", "Storm op komst"),
        ("<span class='kicker'>Weer:</span><br>Storm op komst", "Weer: Storm op komst"),
        ("<span class='kicker'>Zware storm</span><br>Op komst", "Zware storm Op komst"),
    ]:
        assert heading_blocks(h1) == [(text, Role.HEADING, 1)], h1
    body = f"<main>{LEAD.replace('<h1>Storm op komst</h1>', '<h1><span class=kicker>Weer</span><br>Storm op komst</h1>')}"
    body += f"<aside><h2>Meer uit Binnenland</h2>{SIDEBAR_ITEMS}</aside></main>"
    assert article(body) == STORM
    document = html_to_document(f"<html><body>{body}</body></html>")
    assert (document.heading, document.title) == ("Storm op komst", "Storm op komst")


def test_without_an_h1_or_metadata_the_title_is_the_heading_of_the_highest_rank_above_the_dateline() -> None:
    lead = "<p>DE BILT (ANP) - Code oranje.</p><p>Het waait hard.</p>"
    sidebar = f"<div><div>Meer uit Binnenland</div>{SIDEBAR_ITEMS}</div>"
    for top in [
        "<div>Het weer in de regio, elke dag</div><h2>Storm op komst</h2>",
        "<h3>Het weer in de regio</h3><h2>Storm op komst</h2><h4>Code oranje voor de kust</h4>",
        "<h2>Het weer in de regio</h2><div>Nieuws</div><h2>Storm op komst</h2>",  # the nearer of one rank
        "<h2>WEER</h2><h3>Storm op komst</h3>",  # a kicker in a heading is still a kicker
    ]:
        assert article(f"{top}{lead}{sidebar}", "<title>Kustkrant</title>") == STORM, top
    # no heading at all: the first line that is no kicker, as in a text dump
    assert article(f"<div>Het weer</div><div>Storm op komst</div>{lead}{sidebar}")[0] == "Het weer"


def reference_lines(text: str) -> list[str]:
    """What text_to_document promises, written out the slow way: every line break of
    str.splitlines, whitespace collapsed, invisible characters gone, NFC, no blank lines."""
    invisible = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
    lines = (" ".join(line.translate(invisible).split()) for line in text.removeprefix("\ufeff").splitlines())
    return [unicodedata.normalize("NFC", line) for line in lines if line]


@pytest.mark.parametrize("brk", ["\n", "\r\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"])
def test_a_text_dump_is_split_at_every_line_break_there_is(brk: str) -> None:
    for text in (f"Titel{brk}GOES - Bericht.{brk}", f"Titel{brk}{brk}GOES - Bericht. Financiën{brk}x"):
        assert [block.text for block in text_to_document(text).blocks] == reference_lines(text)


def test_latin1_dumps_need_no_nfc_and_only_their_odd_spaces_collapsed() -> None:
    latin1 = "".join(map(chr, range(0x20, 0x100)))
    assert unicodedata.normalize("NFC", latin1) == latin1
    odd = "".join(ch for ch in map(chr, range(0x80, 0x100)) if ch.isspace() or not ch.isprintable())
    for text in ("Caf\u00e9 in M\u00e1lm\u00f6\nGOES - x", "Cafe\u0301\nGOES - x\u0301", "e\u200b\u0301 \u00e9\nGOES - x",
                 *(f"Caf\u00e9{ch}in{ch}{ch}Goes\nGOES - x" for ch in odd), f"Caf\u00e9 {odd} Goes\nGOES - x"):
        assert [block.text for block in text_to_document(text).blocks] == reference_lines(text)
