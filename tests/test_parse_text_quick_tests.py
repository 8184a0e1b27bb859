"""The cheap tests that a text dump's lines pass before any regex decide as the grammar does.

A text dump is read thousands of pages a second because most lines are rejected by a few
C-level string tests: a whole text without odd whitespace needs no per-line clean-up, and a
line with no hyphen, other dash, bar or age near its start is plain text. Each test here
stands on one side of such a shortcut, with the values the full grammar gives.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from newsarchive.parse import parse_page, text_to_document

FETCHED = datetime(2026, 3, 17, 12, 0, tzinfo=timezone.utc)
SPACES = 12  # wire._HEAD_SPACES: at most this many spaces before a dateline's separator


def parse(text: str):
    return parse_page(text, FETCHED)


# --- cleaning a text dump's lines -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("Dijk\nGOES - Water.\n", ["Dijk", "GOES - Water."]),  # ASCII, nothing to clean
        ("Dijk \n GOES - Water. \n", ["Dijk", "GOES - Water."]),  # single spaces at the ends
        ("Dijk  \nGOES - Water.\n", ["Dijk", "GOES - Water."]),  # a run of spaces only at a line's end
        ("Dijk\tdicht\nGOES - Water.\n", ["Dijk dicht", "GOES - Water."]),  # a tab in ASCII text
        ("Dijk\x1fdicht\n", ["Dijk dicht"]),  # a unit separator: whitespace, and no line break
        ("Dijk\x01dicht\n", ["Dijk\x01dicht"]),  # a control character is no whitespace: kept
        ("Café\nDijk\tdicht\n", ["Café", "Dijk dicht"]),  # a tab in an ASCII line of other text
        ("Café\u00a0open\nDijk\n", ["Café open", "Dijk"]),  # a no-break space
        ("Café\n\u200b\u2060\nDijk\n", ["Café", "Dijk"]),  # a line of invisible characters only
        ("Cafe\u0301\nDijk\n", ["Café", "Dijk"]),  # a line that is not NFC, among ASCII lines
        ("\ufeffCafé\n\n\nDijk", ["Café", "Dijk"]),  # a byte-order mark and blank lines
        ("Dijk\u2028GOES - Water.", ["Dijk", "GOES - Water."]),  # a line separator breaks the line
    ],
)
def test_text_to_document_cleans_each_line_as_it_needs(text: str, lines: list[str]) -> None:
    assert text_to_document(text).lines == lines


# --- which lines can hold a wire line ---------------------------------------------------------


def article(lead_line: str, *sidebar: str) -> str:
    return "\n".join(["Dijkbewaking opgeschaald", lead_line, "Meer uit Zeeland", *sidebar]) + "\n"


def test_en_dash_separator_with_a_hyphen_far_into_the_body() -> None:
    # The body's ` - ` stands after more than SPACES spaces, so the hyphen says nothing; the
    # en dash after the dateline still makes the line a wire line.
    body = "Bij de dijk van het dorp is vanmorgen een lange scheur in de oude kade gevonden - aldus het waterschap."
    line = f"GOES – {body}"
    assert line[: line.index(" - ")].count(" ") > SPACES
    page = parse(article(line, "VLISSINGEN (ANP) - De veerboot vaart weer.", "1 uur geleden"))
    assert (page.kind, page.lead.dateline, page.lead.agencies, page.lead.body) == ("article", "GOES", (), body)


def test_age_without_geleden_glued_onto_the_next_item_and_onto_other_text() -> None:
    # `zojuist` starts these lines: no dash decides them, the age does.
    page = parse(article(
        "GOES (ANP) - De dijk houdt.",
        "VLISSINGEN (ANP) - De veerboot vaart weer.",
        "zojuistMIDDELBURG (ANP) - De markt gaat door.",
        "zojuistLees meer nieuws",
    ))
    assert [(item.dateline, item.age_text) for item in page.items] == [
        ("VLISSINGEN", "zojuist"), ("MIDDELBURG", "zojuist"),
    ]
    assert page.items[1].window.earliest == datetime(2026, 3, 17, 11, 59, tzinfo=timezone.utc)
    assert page.warnings == []


def test_line_opening_with_a_dash_is_no_wire_line() -> None:
    # A hyphen at the very start is a list dash, never the separator of a dateline.
    page = parse(article(
        "GOES (ANP) - De dijk houdt.",
        "VLISSINGEN (ANP) - De veerboot vaart weer.",
        "1 uur geleden",
        "- Lijst met streepjes - en geen bericht",
    ))
    assert [item.dateline for item in page.items] == ["VLISSINGEN"]
    assert page.lead.body == "De dijk houdt."


@pytest.mark.parametrize(
    ("line", "dateline"),
    [
        ("GOES — De dijk houdt.", "GOES"),  # em dash
        ("GOES ‒ De dijk houdt.", "GOES"),  # figure dash
        ("GOES − De dijk houdt.", "GOES"),  # minus sign
        ("3 maart 2026 · GOES (ANP) - De dijk houdt.", "GOES"),  # a bullet before the dateline
        ("Café · GOES (ANP) - De dijk houdt.", "GOES"),  # the same after a non-ASCII label
    ],
)
def test_non_ascii_separators_and_bullets_are_seen(line: str, dateline: str) -> None:
    page = parse(article(line, "VLISSINGEN (ANP) - De veerboot vaart weer.", "1 uur geleden"))
    assert (page.lead.dateline, page.lead.body) == (dateline, "De dijk houdt.")


def test_ages_repeated_on_a_page_give_one_window_each() -> None:
    page = parse(article(
        "GOES (ANP) - De dijk houdt.",
        "VLISSINGEN (ANP/RTR) - De veerboot vaart weer.",
        "2 uur geledenMIDDELBURG (ANP) - De markt gaat door.",
        "2 uur geledenGISTEREN (ANP) - Een plaats die een dag heet.",
        "gisteren",
    ))
    windows = [(item.age_text, item.window.earliest, item.window.latest) for item in page.items]
    assert windows == [
        ("2 uur geleden", datetime(2026, 3, 17, 9, tzinfo=timezone.utc), datetime(2026, 3, 17, 10, tzinfo=timezone.utc)),
        ("2 uur geleden", datetime(2026, 3, 17, 9, tzinfo=timezone.utc), datetime(2026, 3, 17, 10, tzinfo=timezone.utc)),
        ("gisteren", datetime(2026, 3, 15, 23, tzinfo=timezone.utc), datetime(2026, 3, 16, 23, tzinfo=timezone.utc)),
    ]
    assert page.items[0].agencies == ("ANP", "RTR")
