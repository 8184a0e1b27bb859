"""Bytes to text: find the encoding a fetched page was written in, and decode it.

Order (as browsers do it): a byte-order mark, then the HTTP charset when given, then a
charset the document declares near its start (`<meta charset>`, `http-equiv`, an XML
declaration; a declared legacy charset yields to UTF-8 when the bytes are valid UTF-8 with
non-ASCII characters, as a mislabelled UTF-8 page is far likelier than such bytes by
chance), then UTF-8 when the bytes are valid UTF-8 (or nearly: a few stray bytes among
many UTF-8 characters are replaced, with a warning), then windows-1252. A page that is valid
in none of these is decoded with replacement characters and a warning. Never raises.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

FALLBACK = "windows-1252"
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_MOSTLY = 4  # valid non-ASCII characters per invalid byte for "UTF-8 with a few errors"

# Labels browsers treat as windows-1252 (WHATWG Encoding Standard): pages declaring
# latin-1 or ASCII routinely contain curly quotes from the 0x80-0x9F range.
_WINDOWS_1252_LABELS = frozenset(
    {"ascii", "us-ascii", "latin1", "latin-1", "iso-8859-1", "iso8859-1", "iso_8859-1",
     "l1", "cp819", "ibm819", "x-cp1252", "cp1252", "windows-1252"}
)
# A byte stream that declares UTF-16 in its markup without a BOM is decoded as UTF-8.
_UTF16_LABELS = frozenset({"utf-16", "utf-16le", "utf-16be", "utf16"})
# Byte-order marks and where a document declares its charset, read as bs4's EncodingDetector
# reads them (these pages were decoded with it before; importing bs4 costs every crawl more
# than its pages' decoding): a UTF-16 mark only before two bytes that are not both zero (else
# it starts a UTF-32LE one); an XML declaration in the first 1,024 bytes, else a <meta> charset
# in the first 2,048 bytes or 5 % of the document.
_UTF16_MARKS = ((b"\xfe\xff", "utf-16be"), (b"\xff\xfe", "utf-16le"))
_OTHER_MARKS = ((b"\xef\xbb\xbf", "utf-8"), (b"\x00\x00\xfe\xff", "utf-32be"),
                (b"\xff\xfe\x00\x00", "utf-32le"))
_XML_DECLARATION = re.compile(rb"^\s*<\?.*encoding=['\"](.*?)['\"].*\?>", re.I)
_META_CHARSET = re.compile(rb"<\s*meta[^>]+charset\s*=\s*[\"']?([^>]*?)[ /;'\">]", re.I)


@dataclass
class Decoded:
    """A decoded document: its text, the encoding used, and what was doubtful."""

    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


def codec_name(label: str | None) -> str | None:
    """The Python codec for a charset label from a header or markup, or None if unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _WINDOWS_1252_LABELS:
        return FALLBACK
    if label in _UTF16_LABELS:
        return "utf-8"
    try:
        return codecs.lookup(label).name
    except (LookupError, ValueError):
        return None


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError, ValueError):
        return None


def _decode_declared(data: bytes, label: str | None, where: str, warnings: list[str]) -> Decoded | None:
    """Decode with a declared charset; a warning and None when it is unknown or does not fit."""
    if not label:
        return None
    encoding = codec_name(label)
    if encoding is None:
        warnings.append(f"unknown charset {label!r} in {where}; ignored")
        return None
    if encoding != "utf-8" and not data.isascii():
        # Valid UTF-8 with multi-byte characters is no accident: a server or template that
        # names a legacy charset for a UTF-8 page would otherwise garble every `é` into `Ã©`.
        text = _strict(data, "utf-8")
        if text is not None:
            warnings.append(f"page is UTF-8 although the {where} charset is {label!r}; read as UTF-8")
            return Decoded(text, "utf-8", warnings)
    text = _strict(data, encoding)
    if text is None:
        warnings.append(f"page does not decode as {encoding} ({where} charset {label!r}); ignored")
        return None
    return Decoded(text, encoding, warnings)


def _strip_byte_order_mark(data: bytes) -> tuple[bytes, str | None]:
    """The document without its byte-order mark, and the encoding the mark names."""
    marks = (*_UTF16_MARKS, *_OTHER_MARKS) if len(data) >= 4 and data[2:4] != b"\0\0" else _OTHER_MARKS
    for mark, encoding in marks:
        if data.startswith(mark):
            return data[len(mark):], encoding
    return data, None


def _declared_in_markup(data: bytes) -> str | None:
    if b"<" not in data:  # no declaration without a tag (a text dump): no search through it
        return None
    found = (_XML_DECLARATION.search(data, 0, 1024)
             or _META_CHARSET.search(data, 0, max(2048, int(len(data) * 0.05))))
    label = found.group(1) if found else None
    return label.decode("ascii", "replace").lower() if label else None


def decode_bytes(data: bytes, http_charset: str | None = None) -> Decoded:
    """Decode a fetched document; see the module docstring for the order. Never raises."""
    warnings: list[str] = []
    body, bom_encoding = _strip_byte_order_mark(data)
    if bom_encoding:
        return Decoded(body.decode(bom_encoding, errors="replace"), bom_encoding, warnings)
    for label, where in ((http_charset, "HTTP header"), (_declared_in_markup(data), "document")):
        decoded = _decode_declared(data, label, where, warnings)
        if decoded is not None:
            return decoded
    text = _strict(data, "utf-8")
    if text is not None:
        return Decoded(text, "utf-8", warnings)
    text = _mostly_utf8(data)
    if text is not None:
        warnings.append("page is UTF-8 with a few invalid bytes; they were replaced")
        return Decoded(text, "utf-8", warnings)
    text = _strict(data, FALLBACK)
    if text is not None:
        return Decoded(text, FALLBACK, warnings)
    warnings.append(f"page is neither valid UTF-8 nor {FALLBACK}; undecodable bytes replaced")
    return Decoded(data.decode(FALLBACK, errors="replace"), FALLBACK, warnings)


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 text with replacement characters, when valid multi-byte characters outnumber
    the stray bytes clearly (a UTF-8 page with one pasted windows-1252 quote). Reading it
    as windows-1252 instead would garble every accented letter on the page."""
    text = data.decode("utf-8", errors="replace")
    invalid = text.count("\ufffd")
    valid = len(_NON_ASCII.findall(text)) - invalid
    return text if valid >= _MOSTLY * invalid else None
