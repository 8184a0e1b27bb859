"""The wire grammar on text dumps: every text fixture, then one test per tricky case."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from page_fixtures import assert_matches_fixture, page_fixtures

from newsarchive.parse import parse_page, text_to_document
from newsarchive.parse.layout import read_page

FETCHED = datetime(2026, 3, 17, 12, 0, tzinfo=timezone.utc)
TEXT_FIXTURES = page_fixtures("seeds", "pages/text")


@pytest.mark.parametrize("page", TEXT_FIXTURES, ids=[p.name for p in TEXT_FIXTURES])
def test_text_fixture_parses_to_its_expected_json(page: Path) -> None:
    assert_matches_fixture(page)


def test_both_seeds_have_an_expected_file() -> None:
    assert len([p for p in TEXT_FIXTURES if p.parent.name == "seeds"]) == 2


def parse(text: str):
    return parse_page(text, FETCHED)


def item_fields(page, *names: str) -> list[tuple]:
    return [tuple(getattr(item, name) for name in names) for item in page.items]


LAYOUT_A = """Kabinet wil snellere vergunningen
DEN HAAG (ANP) - Het kabinet wil dat vergunningen sneller worden afgehandeld.
Gemeenten krijgen daarvoor extra geld.
Meer uit Binnenland
UTRECHT (ANP) - Tussen Utrecht en Amersfoort rijden weer treinen.
12 minuten geledenBRUSSEL (ANP/BELGA) - De Belgische regering is het eens over de begroting.
2 uur geleden
"""


# --- ages ---------------------------------------------------------------------------------


def test_age_glued_to_next_dateline_belongs_to_the_item_above() -> None:
    page = parse(LAYOUT_A)
    assert item_fields(page, "dateline", "age_text") == [
        ("UTRECHT", "12 minuten geleden"),
        ("BRUSSEL", "2 uur geleden"),
    ]
    assert page.items[1].body == "De Belgische regering is het eens over de begroting."


def test_last_age_alone_on_its_line_gives_the_last_window() -> None:
    last = parse(LAYOUT_A).items[-1]
    assert (last.window.earliest.hour, last.window.latest.hour) == (9, 10)


def test_age_inside_a_body_sentence_is_body_text() -> None:
    page = parse(
        "Titel\nDEN HAAG (ANP) - Intro.\nMeer uit Binnenland\n"
        "ASSEN (ANP) - Dat gebeurde twee weken geleden om 16.00 uur. Een jaar geleden ook\n"
        "3 uur geleden\n"
    )
    assert page.items[0].body == "Dat gebeurde twee weken geleden om 16.00 uur. Een jaar geleden ook"
    assert page.items[0].age_text == "3 uur geleden"


def test_age_at_end_of_item_line_after_a_sentence_is_split_off() -> None:
    page = parse(
        "Titel\nDEN HAAG (ANP) - Intro.\nMeer uit Binnenland\n"
        "ASSEN (ANP) - De provincie trekt extra geld uit. 3 uur geleden\n"
        "ZWOLLE (ANP) - Het bleef lang onrustig. zojuist\n"
    )
    assert item_fields(page, "body", "age_text") == [
        ("De provincie trekt extra geld uit.", "3 uur geleden"),
        ("Het bleef lang onrustig.", "zojuist"),
    ]


def test_age_in_words_at_end_of_item_line_stays_body_text() -> None:
    page = parse(
        "Titel\nDEN HAAG (ANP) - Intro.\nMeer uit Binnenland\n"
        "ASSEN (ANP) - Het begon. twee weken geleden\n1 uur geleden\n"
    )
    assert item_fields(page, "body", "age_text") == [("Het begon. twee weken geleden", "1 uur geleden")]


def test_unknown_age_phrase_gives_a_warning_and_no_window() -> None:
    page = parse("Titel\nDEN HAAG (ANP) - Intro.\nMeer uit Binnenland\nASSEN (ANP) - Iets.\n3 eeuwen geleden\n")
    assert page.items[0].age_text == "3 eeuwen geleden"
    assert page.items[0].window is None
    assert any("unknown age phrase" in warning for warning in page.warnings)


# --- datelines ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "dateline",
    ["IZJOEM/LONDEN", "DEN HAAG", "WEST PALM BEACH", "MEXICO-STAD", "ÎLE LONGUE", "BOGOTÁ",
     "MALMÖ", "'S HEER ARENDSKERKE", "’S-GRAVENHAGE", "ST. PETERSBURG", "TRUMPWASHINGTON",
     "SINT\u2011PETERSBURG", "ST. MAARTEN"],
)
def test_dateline_in_capitals_is_kept_as_printed(dateline: str) -> None:
    page = parse(f"Titel\nDEN HAAG (ANP) - Intro.\nMeer uit Buitenland\n{dateline} (ANP) - Iets.\n1 uur geleden\n")
    assert page.items[0].dateline == dateline
    assert page.items[0].places == tuple(dateline.split("/"))
    assert page.items[0].body == "Iets."


def test_dateline_without_space_before_the_hyphen() -> None:
    page = parse("Goes\nGOES- Bij een brand raakte niemand gewond.\n1 uur geleden\n")
    assert item_fields(page, "dateline", "agencies", "body") == [
        ("GOES", (), "Bij een brand raakte niemand gewond.")
    ]


@pytest.mark.parametrize("separator", [" - ", " – ", " — ", "- "])
def test_separator_hyphen_en_dash_or_em_dash(separator: str) -> None:
    page = parse(f"Regio\nGOES{separator}Het nieuws.\n1 uur geleden\nVEERE (ANP){separator}Meer nieuws.\n2 uur geleden\n")
    assert item_fields(page, "dateline", "body") == [("GOES", "Het nieuws."), ("VEERE", "Meer nieuws.")]


def test_agency_list_of_four() -> None:
    page = parse("Titel\nDEN HAAG (ANP/RTR/AFP/DPA) - Intro.\n")
    assert page.lead.agencies == ("ANP", "RTR", "AFP", "DPA")


def test_mixed_case_dateline_is_an_item_where_an_age_follows() -> None:
    page = parse("Regio\nDOMBURG - Eerste.\n1 week geledenBorsele - Tweede.\n2 weken geleden\n")
    assert item_fields(page, "dateline", "body") == [("DOMBURG", "Eerste."), ("Borsele", "Tweede.")]


def test_title_with_a_dash_above_a_wire_line_is_a_title_not_an_item() -> None:
    page = parse(
        "Sport\nOranje - VS speelt gelijk\nROTTERDAM (ANP) - Het werd 2-2.\n2 uur geleden\n"
        "NAVO - top begint\nVILNIUS (ANP) - De top begint.\n3 uur geleden\n"
    )
    assert item_fields(page, "title", "dateline") == [
        ("Oranje - VS speelt gelijk", "ROTTERDAM"),
        ("NAVO - top begint", "VILNIUS"),
    ]


def test_dash_and_capitals_in_brackets_inside_a_body_stay_body_text() -> None:
    page = parse(
        "Titel\nDEN HAAG (ANP) - De NCTV (NCTV) - die rapporteert - is somber.\n"
        "Meer uit Binnenland\nZWOLLE (ANP) - Oranje - VS wordt gespeeld (KNVB) - zegt de bond.\n1 uur geleden\n"
    )
    assert page.lead.body == "De NCTV (NCTV) - die rapporteert - is somber."
    assert page.items[0].body == "Oranje - VS wordt gespeeld (KNVB) - zegt de bond."
    assert page.items[0].agencies == ("ANP",)


# --- the lead -----------------------------------------------------------------------------


def test_empty_first_line_and_whitespace_are_ignored() -> None:
    assert parse("\n  \r\n" + LAYOUT_A.replace("\n", "  \r\n")).items == parse(LAYOUT_A).items
    assert parse("\n" + LAYOUT_A).title == "Kabinet wil snellere vergunningen"


def test_blank_lines_change_nothing() -> None:
    assert parse(LAYOUT_A.replace("\n", "\n\n")).to_dict() == parse(LAYOUT_A).to_dict()


def test_webmail_banner_is_never_the_title() -> None:
    page = parse("Webmail\nKies je webmail\nKies je webmail hieronder\nStorm op komst\nDE BILT (ANP) - Code oranje.\n")
    assert page.title == page.lead.title == "Storm op komst"


def test_repeated_line_is_the_title_over_lines_before_it() -> None:
    page = parse("Wij gebruiken cookies\nStorm op komst\nStorm op komst\nDE BILT (ANP) - Code oranje.\n")
    assert page.title == "Storm op komst"


def test_document_heading_is_the_title_when_no_line_repeats() -> None:
    from newsarchive.parse.layout import read_page

    lines = ["Wij gebruiken cookies", "Storm op komst", "DE BILT (ANP) - Code oranje."]
    page = read_page(lines, [None] * 3, FETCHED, heading="Storm op komst")
    assert page.title == "Storm op komst"


def test_editor_line_before_the_dateline_is_not_body_or_title() -> None:
    page = parse("Storm op komst\nN i e u w bericht, meer quotes in 2e alinea\nDE BILT (ANP) - Code oranje.\n")
    assert page.title == "Storm op komst"
    assert page.lead.body == "Code oranje."


def test_subheadings_are_paragraphs_and_closing_byline_is_left_out() -> None:
    page = parse(
        "Titel\nDE BILT (ANP) - Code oranje.\nWaterschap\nDe dijken houden het.\n"
        "BIJDRAGE ANNE DE GROOT\nMeer uit Binnenland\n"
    )
    assert page.lead.paragraphs == ("Code oranje.", "Waterschap", "De dijken houden het.")
    assert page.lead.byline == "BIJDRAGE ANNE DE GROOT"


def test_lone_lead_without_sidebar_is_an_article() -> None:
    page = parse("Titel\nMIDDELBURG - Het besluit valt na de zomer.\nDat is later dan gepland.\n")
    assert (page.kind, page.lead.dateline, page.items) == ("article", "MIDDELBURG", [])


# --- listings -----------------------------------------------------------------------------


def test_listing_source_prefix_is_stripped_and_date_lines_are_not_the_section() -> None:
    page = parse(
        "maandag 3 november 2025\nEditie: NL & Wereld | Zeeland\nPolitiek\n"
        "ANP Minister zwijgt\nKOPENHAGEN (ANP) - Geen reactie.\n1 maand geleden\n"
    )
    assert (page.kind, page.title, page.section) == ("listing", "Politiek", "Politiek")
    assert item_fields(page, "title", "dateline") == [("Minister zwijgt", "KOPENHAGEN")]


def test_source_prefix_glued_to_the_title_by_markup_is_stripped() -> None:
    page = parse(
        "Politiek\nANPMinister zwijgt\nKOPENHAGEN (ANP) - Geen reactie.\n1 maand geleden\n"
        "ANPO-ploeg wint\nDEN HAAG (ANP) - Winst.\n2 maanden geleden\n"
    )
    assert item_fields(page, "title") == [("Minister zwijgt",), ("ANPO-ploeg wint",)]


@pytest.mark.parametrize("pager", ["Pagina 2 van 14", "« Vorige", "Volgende »", "1 2 3 4", "Sorteer op: nieuwste"])
def test_pager_above_a_listing_is_not_its_section(pager: str) -> None:
    page = parse(f"Politiek\n{pager}\nANP Minister zwijgt\nKOPENHAGEN (ANP) - Geen reactie.\n1 maand geleden\n")
    assert (page.kind, page.section) == ("listing", "Politiek")


def test_net_binnen_headlines_with_and_without_dash_and_glued() -> None:
    expected = [("Tholen", "16:30", "Lijsttrekker gekozen"), ("Sport", "9:31", "Beachduo wint")]
    for lines in (
        "- Tholen 16:30 Lijsttrekker gekozen\n- Sport 9:31 Beachduo wint\n",
        "Tholen16:30Lijsttrekker gekozen\nSport 9:31Beachduo wint\n",
        "Tholen 16:30\nLijsttrekker gekozen\nSport 9:31\nBeachduo wint\n",  # dt/dd, two cells
    ):
        page = parse(f"Net binnen\n{lines}DOMBURG - Zorgen.\n1 week geleden\n")
        assert [(h.section, h.time, h.title) for h in page.headlines] == expected
        assert item_fields(page, "dateline", "title") == [("DOMBURG", None)]


@pytest.mark.parametrize(
    "order",
    [("age", "title", "wire"), ("title", "age", "wire")],
    ids=["age-title-wire", "title-age-wire"],
)
def test_markup_with_the_age_above_the_item_keeps_each_age_with_its_item(order) -> None:
    items = [("Brand in schuur", "GOES - Niemand gewond.", "3 uur geleden"),
             ("Dijk wordt hoger", "VEERE (ANP) - Werk begint.", "1 dag geleden")]
    lines = ["Zeeland"] + [dict(zip(("title", "wire", "age"), item))[part] for item in items for part in order]
    page = parse("\n".join(lines))
    assert item_fields(page, "title", "dateline", "age_text") == [
        ("Brand in schuur", "GOES", "3 uur geleden"), ("Dijk wordt hoger", "VEERE", "1 dag geleden")
    ]
    assert page.section == "Zeeland" and page.warnings == []


def test_net_binnen_block_above_the_lead_is_neither_title_nor_body() -> None:
    page = parse(
        "Net binnen\n- Sport 9:31 Beachduo wint\n- Goes 8:15 Nieuwe directeur\n"
        "Storm op komst\nDE BILT (ANP) - Code oranje.\nMeer uit Binnenland\nASSEN (ANP) - Iets.\n1 uur geleden\n"
    )
    assert (page.title, page.lead.body) == ("Storm op komst", "Code oranje.")
    assert [h.title for h in page.headlines] == ["Beachduo wint", "Nieuwe directeur"]


def test_dashed_line_in_a_lead_body_stays_body_text() -> None:
    page = parse("Titel\nDE BILT (ANP) - Dit zijn de punten:\n- Om 9:30 begint de storm\n- Later meer\n")
    assert page.lead.paragraphs == ("Dit zijn de punten:", "- Om 9:30 begint de storm", "- Later meer")
    assert page.headlines == []


def test_capitalised_agency_names_and_meer_uit_with_colon() -> None:
    page = parse("Titel\nDEN HAAG (ANP/Novum) - Intro.\nMeer uit: Binnenland\nASSEN (ANP) - Iets.\n1 uur geleden\n")
    assert (page.lead.agencies, page.section, len(page.items)) == (("ANP", "Novum"), "Binnenland", 1)


@pytest.mark.parametrize("reference", ["Lees ook: Koning bezoekt Brussel", "Bekijk ook | Video van het bezoek", "Zie ook Dossier Europa"])
def test_cross_reference_between_lead_paragraphs_is_not_body_text(reference: str) -> None:
    page = parse(f"Titel\nBRUSSEL (ANP) - Overleg.\n{reference}\nHet bezoek duurt twee dagen.\n")
    assert page.lead.paragraphs == ("Overleg.", "Het bezoek duurt twee dagen.")


def test_lead_after_an_age_first_sidebar_starts_at_the_document_heading() -> None:
    lines = ["Meer uit Buitenland", "3 uur geleden", "PARIJS (ANP) - Staking.", "1 dag geleden",
             "ROME (ANP) - Stemming.", "Premier op bezoek", "BRUSSEL (ANP) - Overleg.", "Het duurt twee dagen."]
    page = read_page(lines, [None] * len(lines), FETCHED, "Premier op bezoek")
    assert (page.title, page.lead.dateline, page.lead.paragraphs) == ("Premier op bezoek", "BRUSSEL", ("Overleg.", "Het duurt twee dagen."))
    assert item_fields(page, "dateline", "age_text") == [("PARIJS", "3 uur geleden"), ("ROME", "1 dag geleden")]


@pytest.mark.parametrize("link", ["Lees meer", "Lees verder »", "Meer lezen..."])
def test_read_more_line_in_a_text_dump_is_neither_a_title_nor_body(link: str) -> None:
    page = parse(
        f"Titel\nDEN HAAG (ANP) - Intro.\n{link}\nMeer uit Binnenland\nUTRECHT (ANP) - Treinen.\n2 uur geleden\n"
        f"{link}\nASSEN (ANP) - Regen.\n3 uur geleden\n"
    )
    assert page.lead.paragraphs == ("Intro.",)
    assert item_fields(page, "title", "dateline") == [(None, "UTRECHT"), (None, "ASSEN")]


def test_sentence_starting_with_meer_uit_is_body_text_not_the_sidebar_heading() -> None:
    page = parse(
        "Titel\nGOES - Het bericht.\nMeer uit de regio leest u op onze site.\nMeer uit Goes\n"
        "VLISSINGEN - Een schip.\n2 uur geleden\n"
    )
    assert page.section == "Goes"
    assert page.lead.paragraphs == ("Het bericht.", "Meer uit de regio leest u op onze site.")
    assert item_fields(page, "dateline", "age_text") == [("VLISSINGEN", "2 uur geleden")]


def test_meer_uit_glued_to_its_section_by_markup_still_opens_the_sidebar() -> None:
    page = parse("Titel\nGOES - Het bericht.\nMeer uitFinancieel\nASSEN (ANP) - Iets.\n1 uur geleden\n")
    assert (page.kind, page.section, len(page.items)) == ("article", "Financieel", 1)


def test_meer_uit_glued_to_a_lowercase_word_is_no_heading() -> None:
    page = parse("Titel\nGOES - Het bericht.\nMeer uitgaven dan gepland\n")
    assert (page.section, page.lead.paragraphs) == (None, ("Het bericht.", "Meer uitgaven dan gepland"))


@pytest.mark.parametrize("dateline", ["'s-HERTOGENBOSCH", "’s-HERTOGENBOSCH", "’S-GRAVENHAGE", "'s HEER ABTSKERKE"])
def test_dateline_with_the_article_s_in_lowercase_or_a_curly_apostrophe(dateline: str) -> None:
    page = parse(f"Meer uit Binnenland\n{dateline} (ANP) - Iets.\n1 uur geleden\nGOES (ANP) - Meer.\n2 uur geleden\n")
    assert item_fields(page, "dateline", "age_text") == [(dateline, "1 uur geleden"), ("GOES", "2 uur geleden")]


def test_partner_agencies_in_their_own_case_follow_anp() -> None:
    page = parse("Meer uit Buitenland\nROME (ANP/dpa) - Iets.\n1 uur geleden\nOSLO (ANP/Reuters) - Meer.\n2 uur geleden\n")
    assert item_fields(page, "agencies") == [(("ANP", "dpa"),), (("ANP", "Reuters"),)]


def test_lowercase_words_in_brackets_are_no_agency_list() -> None:
    page = parse("Titel\nDEN HAAG (ANP) - Intro.\nMeer uit Binnenland\nDE BOND (de leden) - Iets.\n1 uur geleden\n")
    assert page.items == []


def test_zero_width_spaces_before_datelines_are_removed() -> None:
    page = parse(LAYOUT_A.replace("UTRECHT", "\u200bUTRECHT").replace("BRUSSEL", "\u2060BRUSSEL"))
    assert item_fields(page, "dateline") == [("UTRECHT",), ("BRUSSEL",)]


# --- damage and odd input -----------------------------------------------------------------


def test_damaged_e_is_repaired_and_glued_sentences_are_kept() -> None:
    page = parse("Plan voor Financiƫn\nDEN HAAG (ANP) - Het plan komt dinsdag.De Kamer debatteert.\n")
    assert page.title == "Plan voor Financiën"
    assert page.lead.body == "Het plan komt dinsdag.De Kamer debatteert."


def test_unparseable_item_line_gets_a_warning_and_its_neighbours_survive() -> None:
    page = parse(
        "Titel\nDEN HAAG (ANP) - Intro.\nMeer uit Binnenland\nASSEN (ANP) - Een.\n"
        "1 uur geledenTeheran (ANP) - Kapot.\n2 uur geledenZWOLLE (ANP) - Drie.\n3 uur geleden\n"
    )
    assert item_fields(page, "dateline", "age_text") == [("ASSEN", "1 uur geleden"), ("ZWOLLE", "3 uur geleden")]
    assert any("Teheran (ANP)" in warning for warning in page.warnings)


@pytest.mark.parametrize(
    "data", [b"", b"\x00\x01\x02\xff\xfe", "", "hallo\nwereld", b"\x89PNG\r\n\x1a\n\x00\x00", "Meer uit"]
)
def test_input_without_a_page_is_unknown_and_does_not_raise(data) -> None:
    page = parse_page(data, FETCHED)
    assert page.kind == "unknown" and not page.is_page


def test_error_inside_the_grammar_becomes_unknown_with_a_warning(monkeypatch) -> None:
    import newsarchive.parse as parse_module

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(parse_module, "read_document", broken)
    page = parse_page(LAYOUT_A, FETCHED, "https://example.nl/a")
    assert (page.kind, page.url) == ("unknown", "https://example.nl/a")
    assert "boom" in page.warnings[-1]


def test_naive_fetch_time_is_taken_as_utc() -> None:
    naive = parse_page(LAYOUT_A, FETCHED.replace(tzinfo=None))
    assert naive.fetched_at == FETCHED
    assert naive.items == parse(LAYOUT_A).items


def test_text_to_document_collapses_whitespace_and_normalizes_to_nfc() -> None:
    document = text_to_document("\ufeff  A\u00a0 b \n\n\tCafe\u0301\r\n")
    assert document.lines == ["A b", "Café"]


def test_markup_with_the_sidebar_before_the_article_still_finds_the_lead() -> None:
    page = parse(
        "Meer uit Binnenland\nASSEN (ANP) - Iets.\n1 uur geleden\nZWOLLE (ANP) - Anders.\n2 uur geleden\n"
        "Storm op komst\nDE BILT (ANP) - Code oranje.\nHet waait hard.\n"
    )
    assert (page.title, page.lead.dateline, page.lead.body) == ("Storm op komst", "DE BILT", "Code oranje.\n\nHet waait hard.")
    assert item_fields(page, "dateline", "age_text") == [("ASSEN", "1 uur geleden"), ("ZWOLLE", "2 uur geleden")]
    assert page.warnings == []


def test_age_line_in_the_lead_is_not_body_text() -> None:
    page = parse(
        "Storm op komst\n2 uur geleden\nDE BILT (ANP) - Code oranje. 2 uur geleden\nHet waait.\n"
        "Meer uit Binnenland\nASSEN (ANP) - Iets.\n1 uur geleden\n"
    )
    assert (page.title, page.lead.paragraphs) == ("Storm op komst", ("Code oranje.", "Het waait."))


def test_webmail_in_a_sidebar_title_is_a_title_not_a_banner() -> None:
    page = parse(
        "Webmail\nKies je webmail\nStorm op komst\nDE BILT (ANP) - Code oranje.\nMeer uit Binnenland\n"
        "Webmail van gemeente gehackt\nASSEN (ANP) - Iets.\n1 uur geleden\n"
        "Trein rijdt weer\nZWOLLE (ANP) - Anders.\n2 uur geleden\n"
    )
    assert [item.title for item in page.items] == ["Webmail van gemeente gehackt", "Trein rijdt weer"]


@pytest.mark.parametrize("kicker", ["ECONOMIE", "Clicky", "BINNENLAND EN REGIO", "Buitenland"])
def test_kicker_or_script_residue_above_the_headline_is_not_the_title(kicker: str) -> None:
    page = parse(f"{kicker}\nStorm op komst\nDE BILT (ANP) - Code oranje.\n")
    assert (page.title, page.lead.body) == ("Storm op komst", "Code oranje.")


def test_kickers_are_skipped_only_above_a_headline() -> None:
    assert parse("Storm\nDE BILT (ANP) - Code oranje.\n").title == "Storm"
    assert parse("ECONOMIE\nBEURS\nRente omlaag\nDE BILT (ANP) - Code oranje.\n").title == "Rente omlaag"
    # four words in capitals are a headline, not a label
    page = parse("STORM OP KOMST VANDAAG\nCode oranje gemeld\nDE BILT (ANP) - Code oranje.\n")
    assert page.title == "STORM OP KOMST VANDAAG"


def test_document_heading_wins_over_a_line_printed_twice() -> None:
    lines = ["Buitenland", "Buitenland", "Britten willen meer", "LONDEN (ANP) - Tekst."]
    page = read_page(lines, [None] * 4, FETCHED, heading="Britten willen meer")
    assert page.title == "Britten willen meer"


@pytest.mark.parametrize("dash", ["-", "–", "—", "‒", "−"], ids=["hyphen", "en", "em", "figure", "minus"])
def test_every_dash_separates_dateline_and_body(dash: str) -> None:
    page = parse(f"Titel\nGOES (ANP) {dash} Tekst.\nMeer uit Zeeland\nASSEN {dash} Item.\n1 uur geleden")
    assert (page.lead.dateline, page.lead.body) == ("GOES", "Tekst.")
    assert item_fields(page, "dateline", "body") == [("ASSEN", "Item.")]


@pytest.mark.parametrize(
    ("agencies", "expected"),
    [
        ("Omroep Zeeland", ("Omroep Zeeland",)),
        ("Omroep Zeeland/ANP", ("Omroep Zeeland", "ANP")),
        ("ANP / Omroep Zeeland", ("ANP", "Omroep Zeeland")),
        ("RTV Rijnmond Nieuws", ("RTV Rijnmond Nieuws",)),
    ],
)
def test_agencies_of_several_words(agencies: str, expected: tuple[str, ...]) -> None:
    assert parse(f"Titel\nGOES ({agencies}) - Tekst.").lead.agencies == expected


def test_bracketed_words_in_lower_case_or_four_words_are_no_agencies() -> None:
    assert parse("Titel\nGOES (de bond) - Tekst.").kind == "unknown"
    assert parse("Titel\nGOES (Omroep Zeeland Nieuws Vandaag) - Tekst.").kind == "unknown"


@pytest.mark.parametrize("before", ["8 januari 2024 |", "Zeeland ·", "ma 8 jan •"])
def test_text_before_the_dateline_set_off_by_a_bar_is_not_part_of_it(before: str) -> None:
    page = parse(f"Titel\n{before} AMSTERDAM (ANP) - Tekst.\nTweede.")
    assert (page.kind, page.lead.dateline, page.lead.paragraphs) == ("article", "AMSTERDAM", ("Tekst.", "Tweede."))


def test_bar_in_a_body_line_does_not_make_a_dateline() -> None:
    page = parse("Titel\nGOES (ANP) - Tekst.\nUitslag: Goes | Vlissingen - 2-1 na verlenging.")
    assert page.lead.paragraphs == ("Tekst.", "Uitslag: Goes | Vlissingen - 2-1 na verlenging.")


@pytest.mark.parametrize(
    "metadata",
    ["Door ANP - 5-9-2016, 14:50 (Update: 5-9-2016, 15:10)", "door Redactie | 3 maart 2026, 09:12",
     "Bron: Omroep Zeeland | dinsdag 3 maart 2026"],
)
def test_metadata_line_is_neither_title_nor_body(metadata: str) -> None:
    for text in (f"Titel\nGOES (ANP) - Tekst.\n{metadata}\nTweede.", f"{metadata}\nTitel\nGOES (ANP) - Tekst.\nTweede."):
        page = parse(text)
        assert (page.title, page.lead.paragraphs) == ("Titel", ("Tekst.", "Tweede."))


def test_a_sentence_starting_with_door_stays_body_text() -> None:
    page = parse("Titel\nGOES (ANP) - Tekst.\nDoor de regen - en de wind - ging het feest op 3-9-2016 niet door.")
    assert page.lead.paragraphs == ("Tekst.", "Door de regen - en de wind - ging het feest op 3-9-2016 niet door.")


def test_age_glued_to_text_that_is_no_wire_line_keeps_the_age() -> None:
    page = parse("Titel\nGOES (ANP) - Tekst.\nMeer uit Zeeland\nASSEN - Item.\n2 uur geledenLees meer nieuws")
    assert item_fields(page, "dateline", "age_text") == [("ASSEN", "2 uur geleden")]
    assert page.warnings == []


def test_age_with_a_space_before_other_text_is_a_sentence() -> None:
    page = parse("Titel\nGOES (ANP) - Tekst.\n2 uur geleden Begon het feest.")
    assert page.lead.paragraphs == ("Tekst.", "2 uur geleden Begon het feest.")


def test_wire_shaped_title_under_a_kicker_is_the_title_not_the_dateline() -> None:
    page = parse("Regio\nNAVO - top begint\nBRUSSEL (ANP) - De top begint vandaag.\n")
    assert (page.title, page.lead.dateline, page.lead.body) == ("NAVO - top begint", "BRUSSEL", "De top begint vandaag.")
    lines = ["Regio", "Buitenland nieuws", "NAVO - top begint", "BRUSSEL (ANP) - Tekst."]
    page = read_page(lines, [None] * 4, FETCHED, heading="NAVO - top begint")
    assert (page.title, page.lead.dateline) == ("NAVO - top begint", "BRUSSEL")


@pytest.mark.parametrize(
    "credit",
    ["Foto: ANP", "Foto: ANP / Jan Smit", "(Foto: Omroep Zeeland)", "Beeld: Rijkswaterstaat", "Foto ANP",
     "© ANP", "Foto: archief", "Foto: ANP / R. de Vries", "De dijk bij laag water. Foto: ANP / Jan Smit",
     "De dijk bij laag water (Beeld: Provincie Zeeland)", "GOES - De dijk bij laag water. Foto: ANP",
     "Oranje - VS eindigde in 1-1. Foto: ANP / Jan Smit"],
)
def test_a_photo_credit_line_between_lead_paragraphs_is_no_body_and_no_title(credit: str) -> None:
    page = parse(f"{credit}\nDijk wordt verhoogd\nGOES (ANP) - De dijk gaat omhoog.\n{credit}\nHet werk duurt een jaar.\n")
    assert (page.title, page.lead.paragraphs) == ("Dijk wordt verhoogd", ("De dijk gaat omhoog.", "Het werk duurt een jaar."))


@pytest.mark.parametrize(
    "line",
    ["Foto's: zo zag de storm eruit", "Video: Bekijk de brug", "De foto van de dijk ging rond.",
     "Beeld: de brug is dicht. Dat zegt de gemeente.", "Het beeld: ANP zegt dat het klopt", "Beeldbank: ANP",
     "Foto: ANP. De dijk is dicht."],
)
def test_a_line_that_only_mentions_a_photo_stays_body_text(line: str) -> None:
    page = parse(f"Dijk wordt verhoogd\nGOES (ANP) - De dijk gaat omhoog.\n{line}\n")
    assert page.lead.paragraphs == ("De dijk gaat omhoog.", line)


@pytest.mark.parametrize(
    "stamp",
    ["09:12", "9.12 uur", "17 maart 2026, 09:12", "dinsdag 17 maart 2026", "17-03-2026 09:12", "17 mrt. 2026",
     "Bijgewerkt: 17 maart 2026 10:05", "Laatst bijgewerkt op 17-3-2026 om 10:05", "Gepubliceerd: 09:12"],
)
def test_a_date_or_clock_line_is_neither_title_nor_body(stamp: str) -> None:
    page = parse(f"{stamp}\nDijk wordt verhoogd\n{stamp}\nGOES (ANP) - De dijk gaat omhoog.\n{stamp}\nHet werk duurt een jaar.\n")
    assert (page.title, page.lead.paragraphs) == ("Dijk wordt verhoogd", ("De dijk gaat omhoog.", "Het werk duurt een jaar."))


@pytest.mark.parametrize("line", ["Om 16.00 uur begint de zitting.", "1-1", "2026", "Oranje - VS 2-1"])
def test_a_line_with_a_time_or_numbers_in_it_stays_body_text(line: str) -> None:
    assert parse(f"Dijk wordt verhoogd\nGOES (ANP) - De dijk gaat omhoog.\n{line}\n").lead.paragraphs == ("De dijk gaat omhoog.", line)


@pytest.mark.parametrize(
    "chrome",
    ["Advertentie", "ADVERTENTIE", "Lees verder na de advertentie", "Het artikel gaat verder onder de advertentie",
     "Deel dit artikel:", "Delen", "Facebook WhatsApp E-mail", "Facebook | X | LinkedIn", "Gesponsord",
     "Tags: Goes, dijk, Zeeland", "Onderwerpen: Veere", "Deze video kan niet worden afgespeeld."],
)
def test_an_ad_label_or_share_prompt_is_neither_body_nor_between_an_item_and_its_age(chrome: str) -> None:
    page = parse(
        f"Dijk wordt verhoogd\nGOES (ANP) - De dijk gaat omhoog.\n{chrome}\nHet werk duurt een jaar.\n"
        f"Meer uit Zeeland\nVEERE - De markt verhuist.\n{chrome}\n2 uur geleden\n"
    )
    assert page.lead.paragraphs == ("De dijk gaat omhoog.", "Het werk duurt een jaar.")
    assert item_fields(page, "dateline", "age_text") == [("VEERE", "2 uur geleden")]


@pytest.mark.parametrize(
    "line",
    ["De advertentie stond in de krant.", "Deel van de dijk is dicht.", "Facebook wil meer data", "Delen is lastig.",
     "Tags: zo heten de labels. Ze helpen.", "De video kan niet worden afgespeeld op oude telefoons."],
)
def test_a_sentence_about_ads_or_sharing_stays_body_text(line: str) -> None:
    assert parse(f"Dijk wordt verhoogd\nGOES (ANP) - De dijk gaat omhoog.\n{line}\n").lead.paragraphs == (
        "De dijk gaat omhoog.", line,
    )


@pytest.mark.parametrize(
    "byline",
    ["Door Jan de Vries", "Door ANP", "Bron: Omroep Zeeland", "Bron: ANP/Reuters", "Door onze verslaggever",
     "Door Jan Smit en Piet Jansen"],
)
def test_a_byline_or_source_line_is_neither_title_nor_body(byline: str) -> None:
    page = parse(f"Dijk wordt verhoogd\n{byline}\nGOES (ANP) - De dijk gaat omhoog.\nHet werk duurt een jaar.\n{byline}\n")
    assert (page.title, page.lead.paragraphs) == ("Dijk wordt verhoogd", ("De dijk gaat omhoog.", "Het werk duurt een jaar."))


@pytest.mark.parametrize("line", ["Door de storm vielen bomen om.", "Door Corona gingen zaken dicht", "Door het water"])
def test_a_sentence_that_starts_with_door_stays_body_text(line: str) -> None:
    assert parse(f"Dijk wordt verhoogd\nGOES (ANP) - De dijk gaat omhoog.\n{line}\n").lead.paragraphs == (
        "De dijk gaat omhoog.", line,
    )


@pytest.mark.parametrize(
    "note",
    ["Archiefbeeld van de Zeelandbrug", "Sfeerfoto: de markt op zaterdag.", "Beeld ter illustratie", "Foto ter illustratie.",
     "Op de foto: wethouder De Vries bij de dijk", "De dijk bij Goes in 1953 (archieffoto)", "De dijk bij Goes (archief)",
     "ARCHIEFBEELD van de dijk", "SFEERFOTO: de markt op zaterdag.", "OP DE FOTO: wethouder De Vries",
     "De dijk bij Goes (SFEERBEELD)"],
)
def test_a_caption_that_names_itself_one_without_a_credit_is_no_body_and_no_title(note: str) -> None:
    page = parse(f"{note}\nDijk wordt verhoogd\nGOES (ANP) - De dijk gaat omhoog.\n{note}\nHet werk duurt een jaar.\n")
    assert (page.title, page.lead.paragraphs) == ("Dijk wordt verhoogd", ("De dijk gaat omhoog.", "Het werk duurt een jaar."))


@pytest.mark.parametrize(
    "line",
    ["Archiefbeelden laten zien hoe hoog het water stond.", "Archiefbeeld van de dijk. Die is sindsdien verhoogd.",
     "De sfeer was goed, zegt de wethouder.", "Het archief van de gemeente gaat open.",
     "Op de foto is te zien hoe hoog het water stond.", "Het college (archief) wil meer.",
     "Beeld ter illustratie van het plan is klaar, zei hij.", "Brandweerlieden bij de uitgebrande loods aan de Industrieweg"],
)
def test_a_line_about_an_archive_or_a_picture_stays_body_text(line: str) -> None:
    page = parse(f"Dijk wordt verhoogd\nGOES (ANP) - De dijk gaat omhoog.\n{line}\nHet werk duurt een jaar.\n")
    assert page.lead.paragraphs == ("De dijk gaat omhoog.", line, "Het werk duurt een jaar.")


@pytest.mark.parametrize("clock", ["09:12", "9:05", "23:59"])
def test_a_clock_time_before_the_dateline_and_its_agencies_is_no_part_of_the_item(clock: str) -> None:
    page = parse(f"Dijk dicht\n{clock} GOES (ANP) - De dijk gaat dicht.\nOm 16:00 is het werk klaar.\n")
    assert (page.kind, page.lead.dateline, page.lead.agencies, page.lead.paragraphs) == (
        "article", "GOES", ("ANP",), ("De dijk gaat dicht.", "Om 16:00 is het werk klaar."),
    )


@pytest.mark.parametrize(
    "line",
    ["09:12 GOES - De dijk gaat dicht.", "24:00 GOES (ANP) - De dijk gaat dicht.", "09:12 Goes (ANP) - De dijk.",
     "9:5 GOES (ANP) - De dijk.", "09:12GOES (ANP) - De dijk."],
)
def test_a_clock_time_before_a_line_that_is_no_agency_wire_line_leaves_it_as_printed(line: str) -> None:
    page = parse(f"Dijk dicht\nVEERE (ANP) - De markt verhuist.\n{line}\n")
    assert (page.lead.dateline, page.lead.paragraphs) == ("VEERE", ("De markt verhuist.", line))
