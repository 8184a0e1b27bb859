"""Bytes to text: BOM, HTTP charset, declared charset, UTF-8, windows-1252, in that order."""

from __future__ import annotations

import pytest
from bs4.dammit import EncodingDetector
from hypothesis import example, given
from hypothesis import strategies as st

from newsarchive.parse.encoding import _declared_in_markup, _strip_byte_order_mark, codec_name, decode_bytes

TEXT = "Noël zegt: “het café is dicht”"


def html(text: str, meta: str = "") -> str:
    return f"<html><head>{meta}</head><body><p>{text}</p></body></html>"


# --- byte-order mark -----------------------------------------------------------------------


def test_utf8_bom_wins_over_http_charset_and_meta() -> None:
    data = b"\xef\xbb\xbf" + html(TEXT, '<meta charset="windows-1252">').encode("utf-8")
    decoded = decode_bytes(data, http_charset="iso-8859-1")
    assert decoded.encoding == "utf-8"
    assert TEXT in decoded.text
    assert not decoded.text.startswith("\ufeff")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_bom_decodes_utf16(codec: str) -> None:
    bom = "\ufeff".encode(codec)
    decoded = decode_bytes(bom + html(TEXT).encode(codec))
    assert TEXT in decoded.text
    assert decoded.encoding.replace("-", "").startswith("utf16")


# --- HTTP charset --------------------------------------------------------------------------


def test_http_charset_wins_over_meta() -> None:
    data = html(TEXT, '<meta charset="utf-8">').encode("cp1252")
    decoded = decode_bytes(data, http_charset="windows-1252")
    assert (decoded.encoding, decoded.warnings) == ("windows-1252", [])
    assert TEXT in decoded.text


@pytest.mark.parametrize("where", ["http", "meta"])
def test_utf8_page_labelled_with_a_legacy_charset_is_read_as_utf8(where: str) -> None:
    meta = '<meta charset="iso-8859-1">' if where == "meta" else ""
    data = html("Het café is dicht", meta).encode("utf-8")  # é only: valid windows-1252 too
    decoded = decode_bytes(data, http_charset="iso-8859-1" if where == "http" else None)
    assert (decoded.encoding, "Het café is dicht" in decoded.text) == ("utf-8", True)
    assert any("UTF-8" in warning for warning in decoded.warnings)


def test_ascii_page_labelled_windows_1252_keeps_its_label() -> None:
    decoded = decode_bytes(html("Het cafe is dicht").encode("ascii"), http_charset="windows-1252")
    assert (decoded.encoding, decoded.warnings) == ("windows-1252", [])


def test_http_charset_that_does_not_fit_gives_a_warning_and_the_next_rule_decides() -> None:
    data = html(TEXT, '<meta charset="windows-1252">').encode("cp1252")
    decoded = decode_bytes(data, http_charset="utf-8")
    assert decoded.encoding == "windows-1252"
    assert TEXT in decoded.text
    assert len(decoded.warnings) == 1 and "HTTP" in decoded.warnings[0]


def test_unknown_http_charset_gives_a_warning_and_is_ignored() -> None:
    decoded = decode_bytes(html(TEXT).encode("utf-8"), http_charset="x-no-such-charset")
    assert decoded.encoding == "utf-8"
    assert TEXT in decoded.text
    assert "x-no-such-charset" in decoded.warnings[0]


def test_quoted_http_charset_is_understood() -> None:
    decoded = decode_bytes(html(TEXT).encode("cp1252"), http_charset='"Windows-1252"')
    assert (decoded.encoding, decoded.warnings) == ("windows-1252", [])


# --- declared in the document --------------------------------------------------------------


@pytest.mark.parametrize(
    "meta",
    [
        '<meta charset="windows-1252">',
        "<meta charset=windows-1252>",
        '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">',
        "<META HTTP-EQUIV='content-type' CONTENT='text/html;charset=Windows-1252'>",
    ],
)
def test_meta_charset_in_any_spelling_is_used(meta: str) -> None:
    decoded = decode_bytes(html(TEXT, meta).encode("cp1252"))
    assert (decoded.encoding, decoded.warnings) == ("windows-1252", [])
    assert TEXT in decoded.text


def test_latin1_declaration_decodes_as_windows_1252_so_curly_quotes_survive() -> None:
    decoded = decode_bytes(html(TEXT, '<meta charset="iso-8859-1">').encode("cp1252"))
    assert TEXT in decoded.text


def test_xml_declaration_encoding_is_used() -> None:
    data = ('<?xml version="1.0" encoding="ISO-8859-15"?>' + html("prijs 10 €")).encode("iso-8859-15")
    decoded = decode_bytes(data)
    assert decoded.encoding == "iso8859-15"
    assert "prijs 10 €" in decoded.text


def test_meta_declaring_utf8_for_windows_1252_bytes_warns_and_falls_back() -> None:
    decoded = decode_bytes(html(TEXT, '<meta charset="utf-8">').encode("cp1252"))
    assert decoded.encoding == "windows-1252"
    assert TEXT in decoded.text
    assert "document" in decoded.warnings[0]


def test_charset_mentioned_in_body_text_far_down_is_not_a_declaration() -> None:
    filler = "<p>" + "tekst " * 2000 + "</p>"
    data = html(filler + '<meta charset="windows-1252">' + TEXT).encode("utf-8")
    assert decode_bytes(data).encoding == "utf-8"


# --- no declaration ------------------------------------------------------------------------


def test_undeclared_valid_utf8_is_utf8() -> None:
    decoded = decode_bytes(html(TEXT).encode("utf-8"))
    assert (decoded.encoding, decoded.text, decoded.warnings) == ("utf-8", html(TEXT), [])


def test_undeclared_windows_1252_falls_back_to_windows_1252() -> None:
    decoded = decode_bytes(html(TEXT).encode("cp1252"))
    assert (decoded.encoding, decoded.text, decoded.warnings) == ("windows-1252", html(TEXT), [])


def test_utf8_page_with_one_stray_windows_1252_byte_stays_utf8() -> None:
    data = html("Oekraïne, Israël, café, Noël " * 3, '<meta charset="utf-8">').encode("utf-8") + b"<p>\x93x</p>"
    decoded = decode_bytes(data)
    assert decoded.encoding == "utf-8"
    assert "Oekraïne, Israël, café, Noël" in decoded.text and "\ufffdx" in decoded.text
    assert any("invalid bytes" in warning for warning in decoded.warnings)


def test_windows_1252_page_with_a_few_accidental_utf8_pairs_stays_windows_1252() -> None:
    data = html("café Noël één " * 5).encode("cp1252") + "é".encode()
    assert decode_bytes(data).encoding == "windows-1252"


def test_bytes_invalid_in_every_candidate_are_replaced_with_a_warning() -> None:
    decoded = decode_bytes(b"<p>caf\xe9 \x81\x8d</p>")
    assert decoded.text == "<p>café \ufffd\ufffd</p>"
    assert len(decoded.warnings) == 1


@pytest.mark.parametrize("data", [b"", b"\x00\xff\xfe", b"\xef\xbb", b"\xff\xfe\x00\x00\x00", bytes(range(256))])
def test_odd_bytes_never_raise(data: bytes) -> None:
    decoded = decode_bytes(data, http_charset="utf-8")
    assert isinstance(decoded.text, str)


@pytest.mark.parametrize(
    ("label", "codec"),
    [("UTF-8", "utf-8"), ("latin1", "windows-1252"), ("US-ASCII", "windows-1252"), ("utf-16", "utf-8"),
     ("bogus", None), ("", None), (None, None)],
)
def test_charset_labels_map_to_codecs_as_browsers_do(label: str | None, codec: str | None) -> None:
    assert codec_name(label) == codec


# --- read as bs4 read them (the oracle: the decoding used it before) --------------------------

MARKS = [b"", b"\xef\xbb\xbf", b"\xfe\xff", b"\xff\xfe", b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff", b"\xfe\xff\x00\x00",
         b"\xff\xfe\x00", b"\xfe"]
PIECES = [b"\x00", b"\xe9", b" ", b"\n", b"x" * 700, b"<", b">", b"?>", b"'", b'"', b"/", b";",
          b"<?xml version='1.0' encoding='UTF-8'?>", b'<?xml encoding="iso-8859-2"', b"<meta charset=\"KOI8-R\">",
          b"<META CHARSET=utf-8/>", b"<meta http-equiv=content-type content='text/html; charset=windows-1252'>",
          b"< meta name=x charset = 'latin1' >", b"<meta", b"charset=", b"encoding=", b"<?"]
DOCUMENTS = st.builds(lambda mark, padding, pieces: mark + b" " * padding + b"".join(pieces),
                      st.sampled_from(MARKS), st.integers(0, 2100), st.lists(st.sampled_from(PIECES), max_size=8))


@given(DOCUMENTS | st.binary(max_size=40))
@example(b"\xff\xfe\x00\x00<p>")  # UTF-32LE, not UTF-16LE
@example(b" " * 1000 + b"<?xml encoding='koi8-r'?>")  # past the first 1,024 bytes
@example(b"<meta charset=koi8-r>" + b" " * 60_000)  # 5 % of the document: 3,000 bytes
@example(b" " * 2030 + b"<meta charset=koi8-r>")  # ends past 2,048
@example(b" " * 2020 + b"<meta charset=koi8-r>" + b" " * 60_000)
def test_byte_order_marks_and_declared_charsets_are_read_as_bs4_reads_them(data: bytes) -> None:
    assert _strip_byte_order_mark(data) == EncodingDetector.strip_byte_order_mark(data)
    declared = EncodingDetector.find_declared_encoding(data, is_html=True) if b"<" in data else None
    assert _declared_in_markup(data) == declared
