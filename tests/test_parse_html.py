"""HTML front end: every HTML fixture, then the block walk, boilerplate, links, dates, hints."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from page_fixtures import assert_matches_fixture, page_fixtures

from newsarchive.parse import parse_page
from newsarchive.parse.html import SiteHints, html_to_document, looks_like_html, parse_datetime

HTML_FIXTURES = page_fixtures("pages/html")
FETCHED = datetime(2026, 3, 17, 12, 0, tzinfo=timezone.utc)


def utc(hour: int, minute: int = 0) -> datetime:
    """A moment on the day of FETCHED."""
    return FETCHED.replace(hour=hour, minute=minute)


@pytest.mark.parametrize("page", HTML_FIXTURES, ids=[p.name for p in HTML_FIXTURES])
def test_html_fixture_parses_to_its_expected_json(page: Path) -> None:
    assert_matches_fixture(page)


def test_html_seeds_parse_to_the_same_json_as_the_text_seeds() -> None:
    seeds = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
    html = Path(__file__).resolve().parent.parent / "fixtures" / "pages" / "html"
    for html_name, seed in [("seed_000_semantic", "000_e73d07e3b0bfa2d9"), ("seed_002_div_soup", "002_1978b2613e5581e2")]:
        text_page = parse_page((seeds / f"{seed}.txt").read_bytes(), FETCHED)
        html_page = parse_page((html / f"{html_name}.html").read_bytes(), FETCHED)
        # The same wire content; only the markup links its teasers (a text dump has no links).
        assert [item.url for item in text_page.items] == [None] * 7
        assert all(item.url and "/nieuws/" in item.url for item in html_page.items)
        html_dict, text_dict = html_page.to_dict(), text_page.to_dict()
        for item in html_dict["items"]:
            item["url"] = None
        # ... and states a date of its own in its head, where a text dump has none.
        assert text_dict["page_date"] is None
        html_dict["page_date"] = None
        assert html_dict == text_dict
        assert len(html_page.items) == 7


def lines(body: str, **options) -> list[str]:
    return html_to_document(f"<html><body>{body}</body></html>", **options).lines


# --- the block walk --------------------------------------------------------------------------


def test_each_block_is_a_line_and_br_breaks_a_line() -> None:
    assert lines("<h2>Kop</h2><div>een<p>twee</p>drie</div><ul><li>vier</li><li>vijf<br>zes</li></ul>") == [
        "Kop", "een", "twee", "drie", "vier", "vijf", "zes",
    ]


def test_table_cells_are_lines() -> None:
    assert lines("<table><tr><td>links</td><td>rechts</td></tr><tr><th>kop</th></tr></table>") == [
        "links", "rechts", "kop",
    ]


def test_row_of_short_cells_is_one_line_like_a_headline() -> None:
    table = (
        "<table><tr><td>Tholen</td><td><b>16:30</b></td><td><a href='/a'>Lijsttrekker gekozen</a></td></tr>"
        "<tr><td><p>lang</p></td><td>b</td><td>c</td></tr></table>"
    )
    assert lines(table) == ["Tholen 16:30 Lijsttrekker gekozen", "lang", "b", "c"]
    item_row = "<table><tr><td>Regen</td><td>ASSEN (ANP) - Het regent.</td><td>3 uur geleden</td></tr></table>"
    assert lines(item_row) == ["Regen", "ASSEN (ANP) - Het regent.", "3 uur geleden"]


def test_headlines_in_table_cells_parse_as_headlines() -> None:
    page = parse_page(
        "<html><body><h1>Walcheren</h1><h2>Net binnen</h2><table>"
        "<tr><td>Tholen</td><td>16:30</td><td><a href='/a'>Lijsttrekker gekozen</a></td></tr>"
        "<tr><td>Sport</td><td>9:31</td><td><a href='/b'>Beachduo wint</a></td></tr></table>"
        "<ul><li>DOMBURG - Zorgen over de post.<br><small>1 week geleden</small></li></ul></body></html>",
        FETCHED,
    )
    assert [(h.section, h.time, h.title) for h in page.headlines] == [
        ("Tholen", "16:30", "Lijsttrekker gekozen"), ("Sport", "9:31", "Beachduo wint"),
    ]


@pytest.mark.parametrize("terms", [
    "<dt>Tholen 16:30</dt><dd><a href='/a'>Lijsttrekker gekozen</a></dd><dt>Sport 9:31</dt><dd>Beachduo wint</dd>",
    "<dt>Tholen</dt><dd><a href='/a'>16:30 Lijsttrekker gekozen</a></dd><dt>Sport</dt><dd>9:31 Beachduo wint</dd>",
    "<dt>Tholen</dt><dd>16:30</dd><dd><a href='/a'>Lijsttrekker gekozen</a></dd><dt>Sport</dt><dd>9:31</dd><dd>Beachduo wint</dd>",
])
def test_headlines_in_a_definition_list_are_read_by_term_and_its_definitions(terms: str) -> None:
    page = parse_page(
        f"<html><body><h1>Walcheren</h1><h2>Net binnen</h2><dl>{terms}</dl>"
        "<ul><li>DOMBURG - Zorgen over de post.<br><small>1 week geleden</small></li></ul></body></html>",
        FETCHED, "https://regio.example.nl/",
    )
    assert [(h.section, h.time, h.title, h.url) for h in page.headlines] == [
        ("Tholen", "16:30", "Lijsttrekker gekozen", "https://regio.example.nl/a"), ("Sport", "9:31", "Beachduo wint", None),
    ]
    assert [(item.dateline, item.age_text) for item in page.items] == [("DOMBURG", "1 week geleden")]


def test_a_definition_list_of_items_groups_each_term_with_its_definitions() -> None:
    page = parse_page(
        "<html><body><h1>Sport</h1><dl><dt>Beachduo wint</dt><dd>GOES - Het duo won.</dd><dd>1 uur geleden</dd>"
        "<dt>Roeiers tweede</dt><dd>VEERE - De roeiers werden tweede.</dd><dd>2 uur geleden</dd></dl></body></html>",
        FETCHED,
    )
    assert [(item.title, item.dateline, item.body, item.age_text) for item in page.items] == [
        ("Beachduo wint", "GOES", "Het duo won.", "1 uur geleden"),
        ("Roeiers tweede", "VEERE", "De roeiers werden tweede.", "2 uur geleden"),
    ]


def test_dateline_in_strong_is_joined_without_invented_space() -> None:
    assert lines("<p><strong>TEHERAN (ANP)</strong> - Iran waarschuwt.</p>") == ["TEHERAN (ANP) - Iran waarschuwt."]
    assert lines("<p><b>GOES</b>- Bij een brand.</p>") == ["GOES- Bij een brand."]


def test_inline_text_and_tail_keep_exactly_the_spacing_of_the_markup() -> None:
    assert lines("<p>Het <em>kabinet</em> wil <a href='x'>meer</a>, zegt <span>de</span><span>minister</span>.</p>") == [
        "Het kabinet wil meer, zegt deminister."
    ]


def test_whitespace_is_collapsed_and_invisible_characters_removed() -> None:
    assert lines("<p>\n  twee\u00a0\u00a0 woorden\t en\u00adzo\u200b \n</p>") == ["twee woorden enzo"]


def test_character_references_are_decoded_and_text_is_nfc() -> None:
    assert lines("<p>Caf&eacute; &amp; e&#769;n &#8220;quote&#8221; &#x00CE;LE</p>") == ["Café & én “quote” ÎLE"]
    assert all(line == line.__class__(line) for line in lines("<p>e\u0301</p>"))
    assert lines("<p>e\u0301</p>") == ["\u00e9"]


def test_pre_keeps_its_line_breaks() -> None:
    assert lines("<pre>eerste regel\ntweede   regel</pre>") == ["eerste regel", "tweede regel"]


def test_custom_elements_and_unknown_tags_are_inline() -> None:
    assert lines("<p>een <x-label>twee</x-label> drie</p>") == ["een twee drie"]


def test_links_wrapping_several_elements_side_by_side_are_lines_of_their_own() -> None:
    cards = "<a href='/1'><span>Tholen</span><span>16:30</span><span>Titel een</span></a>" \
            "<a href='/2'><span>Sport</span> <span>9:31</span> <span>Titel twee</span></a>"
    assert lines(f"<div>{cards}</div>") == ["Tholen16:30Titel een", "Sport 9:31 Titel twee"]


def test_link_with_several_elements_inside_running_text_stays_inline() -> None:
    body = "<p>Lees <a href='/x'><b>dit</b> <i>stuk</i></a> nu.</p><p><a href='/y'><b>A</b><i>B</i></a>, ook</p>"
    assert lines(body) == ["Lees dit stuk nu.", "AB, ook"]


# --- ages --------------------------------------------------------------------------------------


@pytest.mark.parametrize("tag", ["span", "small", "time", "em", "div"])
def test_inline_age_after_the_body_becomes_its_own_line(tag: str) -> None:
    assert lines(f"<li><a href='/a'>ASSEN (ANP) - Het regent.</a> <{tag}>3 uur geleden</{tag}></li>") == [
        "ASSEN (ANP) - Het regent.", "3 uur geleden",
    ]


def test_age_as_bare_text_between_elements_is_its_own_line() -> None:
    assert lines("<li><a href='/a'>ASSEN (ANP) - Het regent</a> 3 uur geleden</li>") == [
        "ASSEN (ANP) - Het regent", "3 uur geleden",
    ]
    assert lines("<div><span>Regen</span>12 minuten geleden<span>BRUSSEL (ANP) - Akkoord</span></div>") == [
        "Regen", "12 minuten geleden", "BRUSSEL (ANP) - Akkoord",
    ]


def test_age_element_glued_before_the_next_dateline_is_split_off() -> None:
    assert lines("<p><span>12 minuten geleden</span>BRUSSEL (ANP) - Akkoord.</p>") == [
        "12 minuten geleden", "BRUSSEL (ANP) - Akkoord.",
    ]


def test_age_phrase_in_a_body_sentence_stays_body_text() -> None:
    text = "<p>ASSEN (ANP) - Dat was <em>twee weken geleden</em> om 16.00 uur, <b>net</b> na de brand.</p>"
    assert lines(text) == ["ASSEN (ANP) - Dat was twee weken geleden om 16.00 uur, net na de brand."]


def test_time_element_holding_a_word_age_is_its_own_line() -> None:
    assert lines("<p>ASSEN (ANP) - Het regent. <time>een uur geleden</time></p>") == [
        "ASSEN (ANP) - Het regent.", "een uur geleden",
    ]
    assert lines("<p>Brand. <time datetime='2026-03-17T11:59Z'>zojuist</time></p>") == ["Brand.", "zojuist"]


@pytest.mark.parametrize("link", ["Lees meer", "lees verder »", "Lees het hele artikel ›", "Read more..."])
def test_read_more_link_under_a_teaser_is_dropped(link: str) -> None:
    assert lines(f"<li><p>ASSEN (ANP) - Regen.</p><a href='/a'>{link}</a> <span>3 uur geleden</span></li>") == [
        "ASSEN (ANP) - Regen.", "3 uur geleden",
    ]
    assert lines("<p><a href='/a'>Lees meer over de dijk</a></p>") == ["Lees meer over de dijk"]


@pytest.mark.parametrize("age", ["een uur geleden", "twee dagen geleden", "net"])
def test_word_age_in_an_element_apart_from_the_text_is_its_own_line(age: str) -> None:
    assert lines(f"<div><a href='/a'>ASSEN (ANP) - Het regent</a> <span>{age}</span></div>") == [
        "ASSEN (ANP) - Het regent", age,
    ]
    assert lines(f"<p>Het regent <span>{age}</span></p>") == [f"Het regent {age}"]
    assert lines(f"<p><a>x</a> <span>{age}</span> en zo</p>") == [f"x {age} en zo"]


def test_clock_time_of_a_net_binnen_headline_stays_on_its_line() -> None:
    assert lines("<li>- Tholen <time>16:30</time> Lijsttrekker gekozen</li>") == ["- Tholen 16:30 Lijsttrekker gekozen"]


# --- boilerplate ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "junk",
    [
        "<script>var x = 'Meer uit Sport';</script>", "<style>p {color: red}</style>",
        "<noscript>Zet JavaScript aan</noscript>", "<template><p>sjabloon</p></template>",
        "<svg><title>logo</title></svg>", "<iframe>advertentie</iframe>",
        "<nav><a href='/'>Home</a></nav>", "<footer>Colofon</footer>",
        "<form><label>Zoek</label><input></form>", "<button>Lees meer</button>",
        "<select><option>Zeeland</option></select>", "<dialog>Melding</dialog>",
        "<div hidden>verborgen</div>", "<div aria-hidden='true'>icoon</div>",
        "<div role='dialog'>Wij gebruiken cookies</div>", "<div role='alertdialog'>Let op</div>",
        "<div role='navigation'>Menu</div>", "<div style='display: none'>later</div>",
        "<div style='visibility:hidden'>later</div>", "<div class='cookie-bar'>Wij gebruiken cookies</div>",
        "<div id='CookieConsentBanner'>Toestaan?</div>", "<section class='gdpr'>Privacy</section>",
        "<div class='toestemming-melding'>Akkoord?</div>", "<div aria-modal='true'>Log in</div>",
        "<span class='sr-only'>Gepubliceerd:</span>", "<span class='visually-hidden'>Tijd</span>",
        "<div class='ShareRow_row__s8'><a href='/f'>Facebook</a><a href='/w'>WhatsApp</a></div>",
        "<ul class='share-buttons'><li><a href='/x'>X</a></li></ul>", "<div class='social'>Volg ons</div>",
        "<div id='comments'><h3>Geef een reactie</h3></div>", "<section class='reacties'>3 reacties</section>",
        "<article><footer>Geplaatst in <a href='/regio'>Regio</a></footer></article>",
    ],
)
def test_boilerplate_is_dropped(junk: str) -> None:
    assert lines(f"<main><p>voor</p>{junk}<p>na</p></main>") == ["voor", "na"]


def test_aside_and_header_are_content() -> None:
    assert lines("<header><h1>Titel</h1></header><aside><h2>Meer uit Sport</h2><p>item</p></aside>") == [
        "Titel", "Meer uit Sport", "item",
    ]


def test_banner_role_holding_the_h1_is_kept_but_its_navigation_dropped() -> None:
    body = "<div role='banner'><nav>Home Nieuws</nav><h1>Titel</h1></div><p>tekst</p>"
    assert lines(body) == ["Titel", "tekst"]


def test_form_wrapping_the_whole_page_is_kept() -> None:
    body = "<form id='aspnetForm'><h1>Titel</h1><p>DEN HAAG (ANP) - tekst</p><input type='hidden'></form>"
    assert lines(body) == ["Titel", "DEN HAAG (ANP) - tekst"]


def test_hidden_wrapper_around_the_main_content_is_kept() -> None:
    body = "<div id='app' aria-hidden='true'><main><p>tekst</p></main></div><div role='dialog'>cookies</div>"
    assert lines(body) == ["tekst"]
    assert html_to_document("<body style='display:none'><p>tekst</p></body>").lines == ["tekst"]


def test_logo_h1_in_the_menu_does_not_keep_the_menu() -> None:
    body = "<nav><h1><a href='/'>Omroep</a></h1><a href='/sport'>Sport</a></nav><main><h1>Titel</h1><p>tekst</p></main>"
    assert lines(body) == ["Titel", "tekst"]


def test_page_that_is_all_boilerplate_by_generic_rules_keeps_its_visible_text() -> None:
    body = "<form><div class='consent-wrapper'><p>ASSEN (ANP) - tekst</p><p>3 uur geleden</p></div></form>"
    assert lines(body) == ["ASSEN (ANP) - tekst", "3 uur geleden"]
    assert lines("<script>x</script><style>p {}</style>") == []


@pytest.mark.parametrize("wrapper", ["nav", "div role='navigation'", "footer", "div role='contentinfo'"])
def test_navigation_holding_wire_copy_is_content(wrapper: str) -> None:
    tag = wrapper.split()[0]
    body = f"<h2>Meer uit Sport</h2><{wrapper}><p>ASSEN (ANP) - Regen.</p><span>1 uur geleden</span></{tag}>"
    assert lines(body) == ["Meer uit Sport", "ASSEN (ANP) - Regen.", "1 uur geleden"]
    headlines = f"<{wrapper}><h2>Net binnen</h2><p>- Sport 9:31 Winst</p></{tag}>"
    assert lines(headlines) == ["Net binnen", "- Sport 9:31 Winst"]


def test_footer_of_an_article_holding_its_age_is_kept() -> None:
    body = "<aside><article><p>ASSEN (ANP) - Regen.</p><footer><time>1 uur geleden</time></footer></article></aside>"
    assert lines(body + "<footer>Colofon</footer>") == ["ASSEN (ANP) - Regen.", "1 uur geleden"]


def test_boilerplate_words_in_ordinary_classes_do_not_drop_content() -> None:
    assert lines("<div class='article-content main-column'><p>tekst</p></div>") == ["tekst"]
    assert lines("<div class='shared-layout socialist'><p>tekst</p></div>") == ["tekst"]


def test_sidebar_in_a_social_or_comment_classed_block_is_kept_for_its_wire_copy() -> None:
    body = "<div class='social-sidebar'><h2>Meer uit Sport</h2><p>ASSEN (ANP) - Regen.</p><p>1 uur geleden</p></div>"
    assert lines(body) == ["Meer uit Sport", "ASSEN (ANP) - Regen.", "1 uur geleden"]


def test_head_and_title_are_not_lines() -> None:
    assert html_to_document("<html><head><title>Paginatitel</title></head><body><p>x</p></body></html>").lines == ["x"]


# --- links -------------------------------------------------------------------------------------


def test_links_are_absolute_and_belong_to_lines_the_link_encloses() -> None:
    document = html_to_document(
        "<body><a href='/nieuws/a'><p>eerste</p><span>3 uur geleden</span></a>"
        "<p>een <a href='b'>deel</a> gelinkt</p><a href='javascript:void(0)'>script</a></body>",
        base_url="https://regio.example.nl/nieuws/x",
    )
    assert list(zip(document.lines, document.links)) == [
        ("eerste", "https://regio.example.nl/nieuws/a"),
        ("3 uur geleden", "https://regio.example.nl/nieuws/a"),
        ("een deel gelinkt", None),
        ("script", None),
    ]


def test_base_href_is_resolved_against_the_page_url() -> None:
    document = html_to_document(
        "<html><head><base href='/archief/'></head><body><a href='item-1'>tekst</a></body></html>",
        base_url="https://regio.example.nl/nieuws/x",
    )
    assert document.links == ["https://regio.example.nl/archief/item-1"]


# --- heading and page date ---------------------------------------------------------------------


def test_heading_is_the_first_h1_of_the_main_content() -> None:
    document = html_to_document("<body><h1><a href='/'>Omroep</a></h1><main><h1>Echte titel</h1></main></body>")
    assert document.heading == "Echte titel"
    assert html_to_document("<body><h1><img alt='logo'></h1><h1>Titel</h1></body>").heading == "Titel"
    assert html_to_document("<body><p>geen kop</p></body>").heading is None


SITE_HEADER = "<header><div>Zeeuws Nieuwsblad</div><div>Nieuws uit de regio</div></header>"


@pytest.mark.parametrize(
    "head",
    [
        "<title>Dijk wordt verhoogd | Zeeuws Nieuwsblad</title>",
        "<title>Zeeuws Nieuwsblad - Dijk wordt verhoogd</title>",
        "<meta property='og:title' content='Dijk wordt verhoogd'><title>Zeeuws Nieuwsblad</title>",
    ],
)
def test_without_an_h1_the_head_title_names_the_heading_line(head: str) -> None:
    page = parse_page(
        f"<html><head>{head}</head><body>{SITE_HEADER}<h2>Dijk wordt verhoogd</h2>"
        "<p>KRUININGEN - Het werk begint.</p><h3>Meer uit Regio</h3><p>GOES - Markt.</p><p>1 uur geleden</p></body></html>",
        FETCHED,
    )
    assert (page.title, page.lead.title, page.lead.dateline) == ("Dijk wordt verhoogd",) * 2 + ("KRUININGEN",)


def test_logo_h1_outside_the_content_yields_to_the_line_the_head_title_names() -> None:
    body = "<h1>Zeeuws Nieuwsblad</h1><div><h2>Dijk wordt verhoogd</h2><p>KRUININGEN - Het werk begint.</p></div>"
    document = html_to_document(f"<html><head><title>Dijk wordt verhoogd - Zeeuws Nieuwsblad</title></head><body>{body}</body></html>")
    assert document.heading == "Dijk wordt verhoogd"


def test_listing_without_an_h1_takes_its_section_from_the_head_title() -> None:
    page = parse_page(
        "<html><head><title>Voetbal - De Wachter</title></head><body><div>De Wachter</div><div>Voetbal</div>"
        "<div>Volgende</div><h3>ANP Oranje wint</h3><p>ZEIST (ANP) - Gewonnen.</p><p>1 uur geleden</p></body></html>",
        FETCHED,
    )
    assert (page.kind, page.section) == ("listing", "Voetbal")


def page_date(head: str = "", body: str = ""):
    return html_to_document(f"<html><head>{head}</head><body>{body}</body></html>").page_date


@pytest.mark.parametrize(
    "meta",
    [
        '<meta property="article:published_time" content="2022-06-10T07:31:00+02:00">',
        '<meta name="pubdate" content="2022-06-10T05:31:00Z">',
        '<meta itemprop="datePublished" content="2022-06-10T05:31Z">',
    ],
)
def test_page_date_from_head_metadata_in_utc(meta: str) -> None:
    date = page_date(meta)
    assert (date.published, date.source) == (datetime(2022, 6, 10, 5, 31, tzinfo=timezone.utc), "meta")


def test_teaser_microdata_in_the_body_is_not_the_page_date() -> None:
    assert page_date(body='<article><meta itemprop="datePublished" content="2022-06-10"><p>x</p></article>') is None


@pytest.mark.parametrize(
    "json_ld",
    [
        '{"@type": "NewsArticle", "datePublished": "2023-05-12T08:02:00Z"}',
        '[{"@type": "BreadcrumbList"}, {"@type": "Article", "datePublished": "2023-05-12T10:02:00+02:00"}]',
        '{"@graph": [{"@type": "WebPage"}, {"@type": ["NewsArticle"], "datePublished": "2023-05-12T08:02Z"}]}',
    ],
)
def test_page_date_from_json_ld_article(json_ld: str) -> None:
    date = page_date(f'<script type="application/ld+json">{json_ld}</script>')
    assert (date.published, date.source) == (datetime(2023, 5, 12, 8, 2, tzinfo=timezone.utc), "json-ld")


def test_malformed_or_foreign_json_ld_is_ignored() -> None:
    head = (
        '<script type="application/ld+json">{ not json</script>'
        '<script type="application/ld+json">{"@type": "ItemList", "itemListElement": '
        '[{"@type": "NewsArticle", "datePublished": "2020-01-01"}]}</script>'
        '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": 12}</script>'
    )
    assert page_date(head) is None


def test_page_date_from_the_time_beside_the_h1() -> None:
    body = (
        "<article><header><h1>Titel</h1><time datetime='2026-03-17T09:12:00+01:00'>17 maart</time></header>"
        "<p>DEN HAAG (ANP) - tekst</p></article><aside><h2>Meer uit Binnenland</h2>"
        "<p>ASSEN (ANP) - x</p><time datetime='2026-03-17T11:00Z'>1 uur geleden</time></aside>"
    )
    date = page_date(body=body)
    assert (date.published, date.source) == (datetime(2026, 3, 17, 8, 12, tzinfo=timezone.utc), "time")


def test_page_date_from_the_only_time_before_meer_uit() -> None:
    body = (
        "<div><h1>Titel</h1></div><div><time datetime='2026-03-16'>16 maart</time></div><p>tekst</p>"
        "<h2>Meer uit Sport</h2><p>x</p><time datetime='2026-03-17T11:00Z'>vandaag</time>"
    )
    assert page_date(body=body).published == datetime(2026, 3, 16, tzinfo=timezone.utc)


def test_sidebar_and_listing_times_are_not_the_page_date() -> None:
    listing = "<main><h1>Politiek</h1><article><p>ASSEN (ANP) - x</p><time datetime='2026-01-01T10:00Z'>2 uur geleden</time></article></main>"
    assert page_date(body=listing) is None
    sidebar = "<h1>Titel</h1><p>tekst</p><h2>Meer uit Sport</h2><p>x</p><time datetime='2026-03-17T11:00Z'>vandaag</time>"
    assert page_date(body=sidebar) is None


@pytest.mark.parametrize("value", ["", "gisteren", "2026-13-45T99:99", "2026-03-17T10:00+99:00", "9999-12-31T23:59:59-05:00"])
def test_odd_date_values_are_no_date_and_never_raise(value: str) -> None:
    assert page_date(f'<meta property="article:published_time" content="{value}">') is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-03-17", datetime(2026, 3, 17, tzinfo=timezone.utc)),
        ("2026-03-17T10:00:00", datetime(2026, 3, 17, 10, tzinfo=timezone.utc)),
        ("2026-03-17 10:00:00.123456+0100", datetime(2026, 3, 17, 9, 0, 0, 123456, tzinfo=timezone.utc)),
        ("2026-03-17T10:00:00z", datetime(2026, 3, 17, 10, tzinfo=timezone.utc)),
    ],
)
def test_iso_datetimes_are_read_in_utc(value: str, expected: datetime) -> None:
    assert parse_datetime(value) == expected


# --- site hints --------------------------------------------------------------------------------


PAGE = "<body><div id='promo'><p>aanbieding</p></div><div class='inhoud'><p>tekst</p><p class='ad'>reclame</p></div></body>"


def test_root_hint_keeps_only_the_content_container() -> None:
    assert html_to_document(PAGE, hints=SiteHints(root="div.inhoud")).lines == ["tekst", "reclame"]


NAV_PAGE = (
    "<body><nav><div class='inhoud'><p>Tekst een</p><footer><p>Voettekst van de rubriek</p></footer></div></nav>"
    "<main><h1>Kop</h1><footer><p>Paginavoet</p></footer></main><footer><p>Sitevoet</p></footer></body>"
)


def test_a_footer_inside_dropped_navigation_is_read_when_a_root_hint_chooses_it() -> None:
    """A landmark inside a dropped one is not looked at (kept), also when the walk starts
    inside the dropped one; without the hint the navigation and both footers go."""
    assert html_to_document(NAV_PAGE, hints=SiteHints(root="nav .inhoud")).lines == [
        "Tekst een", "Voettekst van de rubriek",
    ]
    assert html_to_document(NAV_PAGE).lines == ["Kop"]


def test_drop_hint_removes_elements() -> None:
    assert html_to_document(PAGE, hints=SiteHints(drop="#promo, .ad")).lines == ["tekst"]


def test_bad_or_unmatched_hints_warn_and_fall_back_to_the_whole_page() -> None:
    document = html_to_document(PAGE, hints=SiteHints(root="div[[", drop="!!"))
    assert document.lines == ["aanbieding", "tekst", "reclame"]
    assert len(document.warnings) == 2
    unmatched = html_to_document(PAGE, hints=SiteHints(root="article"))
    assert unmatched.lines == ["aanbieding", "tekst", "reclame"] and unmatched.warnings


# --- odd documents and detection ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["", "   ", "<!---->", "</p>", "<![CDATA[x]]>", "\x00", "<" * 50, '<?xml version="1.0" encoding="utf-8"?>',
     "<div>" * 3000 + "diep" + "</div>" * 3000, "<p>" + "&#0;&#xD800;&#x110000;" + "</p>"],
)
def test_odd_documents_never_raise(text: str) -> None:
    document = html_to_document(text)
    assert all(line and line == " ".join(line.split()) for line in document.lines)
    assert len(document.links) == len(document.lines)


@pytest.mark.parametrize("text", ["<!DOCTYPE html>", "<?php echo 1 ?>", "<!---->"])
def test_markup_without_text_gives_no_lines(text: str) -> None:
    assert html_to_document(text).lines == []


def test_text_after_deeply_nested_markup_is_kept() -> None:
    assert lines("<p>voor</p>" + "<div>" * 400 + "diep" + "</div>" * 400 + "<p>na</p>") == ["voor", "diep", "na"]


def test_xml_declaration_before_html_is_accepted() -> None:
    text = '<?xml version="1.0" encoding="UTF-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body><p>x</p></body></html>'
    assert html_to_document(text).lines == ["x"]


@pytest.mark.parametrize(
    "text",
    [
        "<!DOCTYPE html><title>x</title>", "<html><body>x</body></html>", "\ufeff  <!doctype HTML>",
        '<?xml version="1.0"?><html/>', "<div><p>fragment</p></div>", "<!-- gegenereerd -->\n<div>x</div>",
        "Webmail\n<p>tekst</p><br>",
    ],
)
def test_markup_is_recognised_as_html(text: str) -> None:
    assert looks_like_html(text)


@pytest.mark.parametrize(
    "text",
    [
        "Titel\nDEN HAAG (ANP) - Temperaturen < 0 graden en > 30 graden.\n3 uur geleden",
        "Zie <https://regio.example.nl/nieuws/x> voor meer.\nMeer uit Sport",
        "<Ophef> over nieuwe regels\nASSEN (ANP) - Tekst met a<b en c>d.",
        "Koning <3 Zeeland\nGOES - Tekst.",
        "",
    ],
)
def test_text_dump_is_not_taken_for_html(text: str) -> None:
    assert not looks_like_html(text)


# --- feeds -------------------------------------------------------------------------------------


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Voetbal</title>
<entry><title>Oranje wint</title><id>urn:x:1</id><updated>2026-03-17T10:00:00Z</updated>
<summary>ZEIST (ANP) - Het elftal won.</summary></entry></feed>"""
RSS = """<rss version="2.0"><channel><title>Geld</title><item><title>Rente omlaag</title>
<description>FRANKFURT (ANP/RTR) - De bank verlaagt de rente.</description></item></channel></rss>"""


@pytest.mark.parametrize("feed", [ATOM, RSS, "\ufeff<!-- feed -->\n" + RSS], ids=["atom", "rss", "bom-comment"])
def test_feed_served_as_html_is_no_page_and_says_so(feed: str) -> None:
    for data in (feed, feed.encode("utf-8")):
        page = parse_page(data, FETCHED)
        assert (page.kind, page.items, page.warnings) == ("unknown", [], ["an Atom or RSS feed, not a page"])


def test_page_mentioning_a_feed_element_in_its_text_is_still_a_page() -> None:
    page = parse_page("<html><body><h1>T</h1><p>DEN HAAG (ANP) - Zie de &lt;rss&gt; feed.</p></body></html>", FETCHED)
    assert (page.kind, page.lead.dateline) == ("article", "DEN HAAG")


# --- pathological markup ------------------------------------------------------------------------


def crowded_tag(attributes: int, separator: str = " ") -> str:
    return "<div class='lead' " + separator.join(f'data-v{i}="{i}"' for i in range(attributes)) + ">"


@pytest.mark.parametrize("separator", [" ", "", "\n/"], ids=["spaced", "glued", "slashes"])
def test_start_tag_with_too_many_attributes_is_cut_to_the_first_ones(separator: str) -> None:
    from lxml import etree

    from newsarchive.parse.html import MAX_ATTRIBUTES, bound_markup

    warnings: list[str] = []
    text = f"<html><body>{crowded_tag(5000, separator)}<p>DEN HAAG (ANP) - Tekst.</p></div></body></html>"
    tree = etree.fromstring(bound_markup(text, warnings), etree.HTMLParser())
    div = tree.find(".//div")
    assert (len(div.attrib), div.get("class"), div.get("data-v62")) == (MAX_ATTRIBUTES, "lead", "62")
    assert div.get("data-v63") is None
    assert warnings == [f"1 start tag(s) with more than {MAX_ATTRIBUTES} attributes cut short"]
    assert [p.text for p in div.iter("p")] == ["DEN HAAG (ANP) - Tekst."]


def test_start_tag_at_the_attribute_limit_is_left_as_it_is() -> None:
    from newsarchive.parse.html import MAX_ATTRIBUTES, bound_markup

    warnings: list[str] = []
    text = f"<body>{crowded_tag(MAX_ATTRIBUTES - 1)}x</div></body>"  # the class is one more
    assert (bound_markup(text, warnings), warnings) == (text, [])


def test_quoted_brackets_do_not_hide_attributes_from_the_limit() -> None:
    from newsarchive.parse.html import MAX_ATTRIBUTES, bound_markup

    tag = "<div " + " ".join(f'a{i}=">" b{i}=\'<\' c{i}=x<y' for i in range(1000)) + ">"
    warnings: list[str] = []
    bounded = bound_markup(f"<body>{tag}tekst</div></body>", warnings)
    assert bounded == "<body>" + tag[: tag.index(" b21=")] + ">tekst</div></body>"  # 3 x 21 + 1
    assert len(warnings) == 1 and str(MAX_ATTRIBUTES) in warnings[0]


def test_page_of_one_crowded_tag_still_parses_with_a_warning() -> None:
    page = parse_page(
        f"<html><body><h1>Titel</h1>{crowded_tag(40000)}<p>DEN HAAG (ANP) - Tekst.</p></div></body></html>", FETCHED
    )
    assert (page.kind, page.title, page.lead.dateline, page.lead.body) == ("article", "Titel", "DEN HAAG", "Tekst.")
    assert page.warnings == ["1 start tag(s) with more than 64 attributes cut short"]


def test_h1_is_the_title_over_a_label_and_breadcrumb_naming_the_section() -> None:
    body = (
        "<ol class='crumbs'><li><a href='/'>Home</a></li><li><a href='/buitenland'>Buitenland</a></li></ol>"
        "<span class='label'><a href='/buitenland'>Buitenland</a></span><h1>Britten willen meer</h1>"
        "<p>LONDEN (ANP) - Tekst.</p>"
    )
    page = parse_page(f"<html><body>{body}</body></html>", FETCHED)
    assert (page.title, page.lead.body) == ("Britten willen meer", "Tekst.")


def test_og_title_names_the_headline_over_a_label_without_h1() -> None:
    head = "<head><meta property='og:title' content='Britten willen meer'></head>"
    body = "<div>Buitenland</div><div>Buitenland</div><div>Britten willen meer</div><p>LONDEN (ANP) - Tekst.</p>"
    page = parse_page(f"<html>{head}<body>{body}</body></html>", FETCHED)
    assert page.title == "Britten willen meer"


# --- chrome known by its shape, not its classes ------------------------------------------------


@pytest.mark.parametrize(
    "chrome",
    [
        "<ul><li><a href='/a'>Binnenland</a></li><li><a href='/b'>Buitenland</a></li></ul>",
        "<div><a href='/'>Home</a> › <a href='/regio'>Regio</a> › <a href='/regio/goes'>Goes</a></div>",
        "<div><a href='https://facebook.example/s'>Facebook</a><a href='https://wa.example/s'>WhatsApp</a>"
        "<a href='mailto:?body=x'>Mail</a></div>",
        "<p><a href='/tag/dijk'>dijken</a>, <a href='/tag/water'>water</a></p>",
        "<section><h2>Meest gelezen</h2><ol><li><a href='/x'>Storm op komst langs de kust</a></li>"
        "<li><a href='/y'>Plan voor een nieuwe jachthaven</a></li></ol></section>",
        "<div><h3>Ook interessant</h3><div><a href='/k'><img src='k.jpg'><h4>Kermis verhuist naar het plein</h4></a></div>"
        "<div><a href='/b'><img src='b.jpg'><h4>Bibliotheek langer open</h4></a></div></div>",
        "<div id='div-gpt-ad-rectangle-1'><span>Advertentie</span></div>",
        "<div class='adslot'>Advertentie</div>",
    ],
    ids=["menu", "breadcrumbs", "share-bar", "tags", "most-read", "teaser-grid", "gpt-ad", "adslot"],
)
def test_blocks_of_links_and_ad_slots_are_dropped_without_telling_classes(chrome: str) -> None:
    assert lines(f"<main><p>voor</p>{chrome}<p>na</p></main>") == ["voor", "na"]


@pytest.mark.parametrize("length", [199, 200, 201, 5000])
def test_class_words_are_read_alike_at_any_length_and_only_short_values_are_kept(length: int) -> None:
    """The answers for class values up to 200 characters are kept (a page repeats its classes);
    a longer value is searched each time, so a hostile page's long class names are not kept."""
    from newsarchive.parse import html

    def padded(word: str) -> str:
        return f"{word} " + "x" * (length - len(word) - 1)

    html._KEPT_BOILERPLATE_WORDS.cache_clear()
    html._KEPT_CAPTION_WORDS.cache_clear()
    body = (f"<main><p>voor</p><div class='{padded('adslot')}'>Advertentie</div>"
            f"<div class='{padded('teaser')}'><p>GOES (ANP) - Tekst.</p></div>"
            f"<p class='{padded('caption')}'>Foto: ANP</p><p>na</p></main>")
    document = html_to_document(f"<html><body>{body}</body></html>")
    assert [(block.text, block.role.value) for block in document.blocks] == [
        ("voor", "paragraph"), ("GOES (ANP) - Tekst.", "paragraph"), ("Foto: ANP", "caption"), ("na", "paragraph"),
    ]
    short = length <= 200
    # the words of all three values read, the caption word of the two blocks not dropped
    kept = (html._KEPT_BOILERPLATE_WORDS.cache_info().currsize, html._KEPT_CAPTION_WORDS.cache_info().currsize)
    assert kept == ((3, 2) if short else (0, 0))


@pytest.mark.parametrize(
    "copy",
    [
        "<ul><li><a href='/1'>ASSEN (ANP) - Regen.</a></li><li><a href='/2'>GOES - Wind.</a></li></ul>",
        "<ul><li><a href='/1'>Tholen 16:30 Lijsttrekker gekozen</a></li><li><a href='/2'>Sport 9:31 Winst</a></li></ul>",
        "<ul><li><a href='/1'>Dijk versterkt</a> 3 uur geleden</li><li><a href='/2'>Brug open</a></li></ul>",
        "<div><a href='/1'>Dijk versterkt</a> en <a href='/2'>brug open</a></div>",
    ],
    ids=["wire-lines", "headlines", "with-age", "running-text"],
)
def test_lists_of_links_showing_wire_copy_or_running_text_are_content(copy: str) -> None:
    assert len(lines(f"<main>{copy}</main>")) >= 1
    assert lines(f"<main>{copy}</main>") == lines(f"<main>{copy.replace('href', 'data-href')}</main>")


def test_a_title_beside_a_share_bar_is_kept() -> None:
    body = "<div><div>Storm op komst</div><div><a href='/f'>Facebook</a> <a href='/x'>X</a></div></div>"
    assert lines(body + "<p>DE BILT (ANP) - Code oranje.</p>") == ["Storm op komst", "DE BILT (ANP) - Code oranje."]


def test_a_menu_link_reading_net_binnen_does_not_keep_the_navigation() -> None:
    menu = "<nav><a href='/net-binnen'>Net binnen</a><a href='/sport'>Sport</a><span>Zoeken</span></nav>"
    assert lines(f"{menu}<main><p>tekst</p></main>") == ["tekst"]


# --- ages in attributes, custom elements, captions, a sidebar within the lead's element -------


@pytest.mark.parametrize(
    ("element", "age"),
    [
        ("<time datetime='2026-03-17T09:00Z' title='3 uur geleden'></time>", "3 uur geleden"),
        ("<span aria-label='gisteren'></span>", "gisteren"),
        ("<span data-age='een week geleden'></span>", "een week geleden"),
        ("<span data-relative-time='3 eeuwen geleden'></span>", "3 eeuwen geleden"),  # unknown: warned of later
        ("<span data-x='12 minuten geleden'></span>", "12 minuten geleden"),  # digits: any data- attribute
    ],
)
def test_an_age_an_empty_element_states_in_an_attribute_is_a_line(element: str, age: str) -> None:
    assert lines(f"<div><p>GOES - Dijk dicht.</p>{element}</div>") == ["GOES - Dijk dicht.", age]


@pytest.mark.parametrize(
    "element",
    [
        "<span data-kind='net'></span>",  # a word age in an attribute not named for a time
        "<span class='icon' title='Deel dit bericht'></span>",
        "<span title='3 uur geleden'>09:00</span>",  # content of its own: what it shows counts
        "<img src='/x.jpg' alt='3 uur geleden' data-src='/y.jpg'>",
    ],
)
def test_other_attributes_and_elements_with_content_give_no_age_line(element: str) -> None:
    shown = ["09:00"] if ">09:00<" in element else []
    assert lines(f"<div><p>GOES - Dijk dicht.</p>{element}</div>") == ["GOES - Dijk dicht.", *shown]


@pytest.mark.parametrize(
    "junk",
    [
        "<amp-ad width='300' height='250'><div placeholder>Advertentie</div></amp-ad>",
        "<amp-sticky-ad><amp-ad><span>Advertentie</span></amp-ad></amp-sticky-ad>",
        "<cookie-banner><p>Wij gebruiken cookies.</p></cookie-banner>",
        "<amp-sidebar layout='nodisplay'><p>Volg ons op de radio.</p></amp-sidebar>",
        "<div layout='nodisplay'>Melding</div>",
    ],
)
def test_custom_ad_and_consent_elements_and_amp_hidden_layout_are_dropped(junk: str) -> None:
    assert lines(f"<main><p>voor</p>{junk}<p>na</p></main>") == ["voor", "na"]


def test_a_custom_element_that_is_no_ad_is_inline_content() -> None:
    assert lines("<main><p>Lees <amp-fit-text>dit</amp-fit-text> nu</p><loader-pad>x</loader-pad></main>") == [
        "Lees dit nu", "x",
    ]


@pytest.mark.parametrize(
    "caption",
    [
        "<figure><img src='/d.jpg'><figcaption>GOES - De dijk bij hoog water. Foto: ANP</figcaption></figure>",
        "<figure><img src='/d.jpg'><figcaption><p>De dijk.</p><p><small>Foto: ANP</small></p></figcaption></figure>",
        "<div class='wp-caption'><img src='/d.jpg'><p class='wp-caption-text'>De dijk. Foto: ANP</p></div>",
        "<div class='image'><img src='/d.jpg'><div class='image__caption'>De dijk.</div></div>",
    ],
    ids=["wire-shaped", "paragraphs-inside", "wp-caption", "caption-class"],
)
def test_a_caption_is_neither_dateline_title_nor_body(caption: str) -> None:
    page = parse_page(
        f"<html><body><main><h1>Dijk dicht</h1>{caption}<p>VEERE (ANP) - De dijk gaat dicht.</p>"
        f"{caption}<blockquote><p>Het water komt snel.</p></blockquote><p>Slot.</p></main></body></html>",
        FETCHED,
    )
    assert (page.title, page.lead.dateline, page.lead.paragraphs) == (
        "Dijk dicht", "VEERE", ("De dijk gaat dicht.", "Het water komt snel.", "Slot."),
    )


def _sidebar_in_the_lead_cell(heading: str, after: str) -> list[tuple[str | None, str]]:
    page = parse_page(
        f"<html><body><table><tr><td><h1>Dijk dicht</h1><p>VEERE (ANP) - De dijk gaat dicht.</p>{heading}"
        "<p>GOES - Brug open. <small>2 uur geleden</small></p>"
        f"{after}</td></tr></table></body></html>",
        FETCHED,
    )
    return [(item.title, item.dateline) for item in page.items]


@pytest.mark.parametrize("after", ["<h3>Ook in het nieuws</h3>", "<h2>Ook in het nieuws</h2>"])
def test_a_meer_uit_heading_in_the_lead_cell_ends_at_a_heading_of_its_rank_or_higher(after: str) -> None:
    other = after + "<p>ASSEN (ANP) - Regen. <small>1 uur geleden</small></p>"
    assert _sidebar_in_the_lead_cell("<h3>Meer uit Zeeland</h3>", other) == [(None, "GOES")]


def test_a_lower_heading_inside_the_meer_uit_section_is_an_item_title() -> None:
    item = "<h4>Regen in Drenthe</h4><p>ASSEN (ANP) - Regen. <small>1 uur geleden</small></p>"
    assert _sidebar_in_the_lead_cell("<h3>Meer uit Zeeland</h3>", item) == [(None, "GOES"), ("Regen in Drenthe", "ASSEN")]


def test_a_meer_uit_line_that_is_no_heading_runs_to_the_end_of_its_element() -> None:
    other = "<h3>Ook in het nieuws</h3><p>ASSEN (ANP) - Regen. <small>1 uur geleden</small></p>"
    assert _sidebar_in_the_lead_cell("<p><b>Meer uit Zeeland</b></p>", other) == [(None, "GOES"), ("Ook in het nieuws", "ASSEN")]


@pytest.mark.parametrize(
    "embed",
    [
        "<blockquote class='twitter-tweet'><p>GOES (ANP) - Dijk dicht!</p>&mdash; Gemeente (@goes) "
        "<a href='https://x.example/goes/status/1'>17 maart 2026</a></blockquote>",
        "<blockquote class='instagram-media'><p>Een bericht gedeeld door Goes (@goes)</p></blockquote>",
        "<blockquote class='tiktok-embed'><section>@goes De dijk vanaf de lucht</section></blockquote>",
        "<div class='fb-post'><blockquote><p>Dijk dicht, zegt de gemeente.</p></blockquote></div>",
        "<figure class='wp-block-embed is-provider-twitter'><div class='wp-block-embed__wrapper'>"
        "https://x.example/goes/status/1</div></figure>",
        "<amp-twitter width='375' height='472' data-tweetid='1'><blockquote placeholder><p>GOES (ANP) - Dijk dicht!"
        "</p></blockquote></amp-twitter>",
        "<amp-youtube data-videoid='x' width='480' height='270'><div fallback>Video niet beschikbaar</div></amp-youtube>",
    ],
    ids=["tweet", "instagram", "tiktok", "facebook", "wordpress-embed", "amp-twitter", "amp-youtube"],
)
def test_an_embedded_post_in_the_article_is_no_body_copy(embed: str) -> None:
    page = parse_page(
        f"<html><body><main><h1>Dijk dicht</h1><p>VEERE (ANP) - De dijk gaat dicht.</p>{embed}"
        "<blockquote><p>Het water komt snel.</p></blockquote><p>Slot.</p></main></body></html>",
        FETCHED,
    )
    assert page.lead.paragraphs == ("De dijk gaat dicht.", "Het water komt snel.", "Slot.")


@pytest.mark.parametrize(
    ("paragraph", "text"),
    [
        ("<p>De dijk gaat dicht. <span class='caption'>De dijk bij hoog water.</span></p>", "De dijk gaat dicht."),
        ("<p><span class='image__caption'>De dijk.</span> De dijk gaat dicht.</p>", "De dijk gaat dicht."),
        ("<p>De dijk gaat dicht. <small class='photo-credit'>Foto: ANP / Jan Smit</small></p>", "De dijk gaat dicht."),
        ("<p>De dijk gaat dicht. <em class='credit'>Beeld: ANP</em></p>", "De dijk gaat dicht."),
        ("<p class='bijschrift'>De dijk bij hoog water.</p><p>De dijk gaat dicht.</p>", "De dijk gaat dicht."),
        # no caption words: a class that merely contains them
        ("<p>De dijk <span class='credit-card'>gaat</span> dicht.</p>", "De dijk gaat dicht."),
    ],
    ids=["span-after", "span-before", "credit-small", "credit-em", "bijschrift", "no-caption-word"],
)
def test_an_inline_caption_or_credit_is_a_caption_block_not_body(paragraph: str, text: str) -> None:
    page = parse_page(
        f"<html><body><main><h1>Dijk dicht</h1><p>VEERE (ANP) - Het water stijgt.</p>{paragraph}"
        "<p>Slot.</p></main></body></html>",
        FETCHED,
    )
    assert page.lead.paragraphs == ("Het water stijgt.", text, "Slot.")


def _rail_item(time: str):
    page = parse_page(
        "<html><body><main><article><h1>Dijk dicht</h1><p>VEERE (ANP) - De dijk gaat dicht.</p></article>"
        f"<section><h2>Meer uit Zeeland</h2><ul><li><a href='/a'><p>GOES - Brug open.</p></a>{time}</li>"
        "<li><a href='/b'><p>VLISSINGEN - Veer vaart.</p></a><span>2 uur geleden</span></li></ul></section>"
        "</main></body></html>",
        FETCHED,
    )
    assert page.lead.paragraphs == ("De dijk gaat dicht.",)
    assert (page.items[1].age_text, page.warnings) == ("2 uur geleden", [])
    item = page.items[0]
    return item.age_text, (item.window.earliest, item.window.latest) if item.window else None


@pytest.mark.parametrize(
    ("time", "window"),
    [
        ("<time datetime='2026-03-17T09:40:00Z'>10:40</time>", (utc(9, 40), utc(9, 40))),
        ("<time datetime='2026-03-17T09:40:00Z'></time>", (utc(9, 40), utc(9, 40))),
        ("<time datetime='2026-03-17T10:40+01:00'>10.40 uur</time>", (utc(9, 40), utc(9, 41))),
        ("<time datetime='2026-03-16'>16 maart 2026</time>",
         (datetime(2026, 3, 15, 23, tzinfo=timezone.utc), datetime(2026, 3, 16, 22, 59, 59, tzinfo=timezone.utc))),
    ],
    ids=["clock-second", "empty", "clock-minute", "date-day"],
)
def test_a_time_showing_a_clock_date_or_nothing_gives_its_item_the_stated_window(time: str, window) -> None:
    assert _rail_item(time) == (None, window)


def test_an_age_in_the_title_of_a_time_showing_a_clock_is_the_items_age() -> None:
    time = "<time datetime='2026-03-17T09:00:00Z' title='3 uur geleden'>10:00</time>"
    assert _rail_item(time) == ("3 uur geleden", (utc(8), utc(9)))


def test_a_clock_time_in_a_headline_line_stays_in_the_headline() -> None:
    row = "<li><a href='/t'><span>Sport</span> <time datetime='2026-03-17T09:31' title='2 uur geleden'>9:31</time> Winst</a></li>"
    page = parse_page(f"<html><body><main><h1>Regio</h1><h2>Net binnen</h2><ul>{row * 2}</ul></main></body></html>", FETCHED)
    assert [(h.section, h.time, h.title) for h in page.headlines] == [("Sport", "9:31", "Winst")] * 2


@pytest.mark.parametrize(
    "dropped",
    ["<div class='ad-slot'>Advertentie</div>", "<blockquote class='twitter-tweet'><p>Post</p></blockquote>",
     "<nav><a href='/a'>Menu</a></nav>", "<div hidden>Verborgen</div>"],
)
def test_a_dropped_block_between_two_runs_of_text_parts_them(dropped: str) -> None:
    assert lines(f"<main><div>Het werk gaat door.{dropped}De brug is dicht.</div></main>") == [
        "Het werk gaat door.", "De brug is dicht.",
    ]


@pytest.mark.parametrize(
    ("first", "expected"),
    [
        # two list items side by side: two items, the first without an age
        ("<li><p>GOES - Brug open.</p></li>", [(None, "GOES", None), (None, "VEERE", "2 uur geleden")]),
        # a heading above the wire line in one card: its title
        ("<li><h3>NAVO - top begint</h3>", [("NAVO - top begint", "VEERE", "2 uur geleden")]),
    ],
)
def test_a_regional_wire_line_beside_the_next_item_is_an_item_not_its_title(first: str, expected) -> None:
    second = "<p>VEERE - Markt verhuist.</p><span>2 uur geleden</span></li>"
    if first.endswith("</li>"):
        second = "<li>" + second
    page = parse_page(f"<html><body><main><h1>Regio</h1><ul>{first}{second}</ul></main></body></html>", FETCHED)
    assert [(item.title, item.dateline, item.age_text) for item in page.items] == expected


@pytest.mark.parametrize(
    "promotion",
    ["<div class='newsletter-signup'><p>Schrijf je in voor de nieuwsbrief.</p></div>",
     "<div id='nieuwsbrief'><h3>Altijd op de hoogte</h3><p>Meld je aan.</p></div>",
     "<div class='paywall-teaser'><p>Lees verder met een abonnement.</p></div>"],
)
def test_the_sites_own_promotion_inside_an_article_is_no_body(promotion: str) -> None:
    page = parse_page(
        f"<html><body><main><h1>Dijk dicht</h1><p>VEERE (ANP) - De dijk gaat dicht.</p>{promotion}"
        "<p>Slot.</p></main></body></html>",
        FETCHED,
    )
    assert page.lead.paragraphs == ("De dijk gaat dicht.", "Slot.")


@pytest.mark.parametrize("shown", ["09:12", "17 maart 2026, 09:12", "17-03-2026"])
def test_a_time_opening_the_dateline_paragraph_is_a_line_of_its_own(shown: str) -> None:
    page = parse_page(
        f"<html><body><main><h1>Dijk dicht</h1><p><time datetime='2026-03-17T09:12+01:00'>{shown}</time> "
        "GOES (ANP) - De dijk gaat dicht.</p><p>Om <time datetime='2026-03-17T16:00'>16:00</time> is het "
        "werk klaar.</p></main></body></html>",
        FETCHED,
    )
    assert (page.lead.dateline, page.lead.paragraphs) == ("GOES", ("De dijk gaat dicht.", "Om 16:00 is het werk klaar."))
