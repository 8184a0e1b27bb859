"""The signs of news in a text (`vocabulary.TEASER_SIGN`, `vocabulary.WIRE_SIGN`), spelled for
speed, find the same matches (same spans) as their plain spelling, written out here as the
oracle, on any text made of the pieces around their limits."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive.parse.vocabulary import CLOCK, DASHES, TEASER_SIGN, WIRE_SIGN

PLAIN_TEASER_SIGN = re.compile(
    r"(?<![\d:.,])(?:\d{1,2}:\d{2}|\d{1,2}\.\d{2}\s+uur)(?![\d:.,])|\bgeleden\b|\bzojuist\b", re.I
)
PLAIN_WIRE_SIGN = re.compile(
    rf"\((?:ANP|AFN)\b[^()]{{0,40}}\)\s*[{DASHES}]|\bnet binnen\b(?=.{{0,300}}?(?<![\d:]){CLOCK})", re.I | re.S
)

PIECES = st.sampled_from([
    "geleden", "GELEDEN", "Geleden", "gelede", "zojuist", "ZOJUIST", "Zojuist", "zojuıst", "zojuiſt",
    "9", "16", "123", ":", "31", "5", ".", ",", "00", " uur", " UUR", "uur", "  ", "\n", " ", "x", "é", "_",
    "(ANP)", "(anp", "(AFN/Reuters)", "(ANPX)", "(", ")", "ANP", "Afn", " - ", "-", "–", "—",
    "net binnen", "Net Binnen", "NET BINNEN", "netbinnen", "net binneN", "3:45", "24:00", "09:12",
    "a" * 40, "b" * 300, "n", "N", "g", "G", "z", "Z", "1",
])
TEXTS = st.one_of(st.lists(PIECES, max_size=14).map("".join),
                  st.text(alphabet="0123456789:.,gGzZnN() -eldijstuUR\nxé_ıſ", max_size=40))


def spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [match.span() for match in pattern.finditer(text)]


@settings(max_examples=3000, deadline=None)
@given(TEXTS)
def test_the_teaser_sign_matches_as_its_plain_spelling(text):
    assert spans(TEASER_SIGN, text) == spans(PLAIN_TEASER_SIGN, text)


@settings(max_examples=3000, deadline=None)
@given(TEXTS)
def test_the_wire_sign_matches_as_its_plain_spelling(text):
    assert spans(WIRE_SIGN, text) == spans(PLAIN_WIRE_SIGN, text)


def test_signs_at_their_limits():
    # a clock time: not after a digit, colon, dot or comma, nor before one; one or two digits
    assert spans(TEASER_SIGN, "9:31") == [(0, 4)]
    assert spans(TEASER_SIGN, "19:31 en 1.09:31 en 123:45") == [(0, 5)]
    assert spans(TEASER_SIGN, "om 16.00 uur en 16.00uur, 16.00 uur,") == [(3, 12)]
    assert spans(TEASER_SIGN, "9:31,") == []
    assert spans(TEASER_SIGN, "Geleden xgeleden geleden_ zojuist.") == [(0, 7), (26, 33)]
    assert spans(WIRE_SIGN, "GOES (ANP) - Tekst") == [(5, 12)]
    assert spans(WIRE_SIGN, "GOES (ANPX) - Tekst (AFN)-") == [(20, 26)]
    assert spans(WIRE_SIGN, "Net binnen 9:31 Titel, xnet binnen 9:31") == [(0, 10)]
    assert spans(WIRE_SIGN, "Net binnen " + "x" * 290 + " 9:31") == [(0, 10)]
    assert spans(WIRE_SIGN, "Net binnen " + "x" * 300 + " 9:31") == []
