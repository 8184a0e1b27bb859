"""Parse one fetched document (HTML or a text dump) into a ParsedPage. Pure: no I/O, no clock.

    bytes --decode_bytes--> str --html_to_document | text_to_document--> TextDocument (blocks)
          --wire grammar (layout.read_document)--> ParsedPage
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from itertools import filterfalse

from ..items import PageLink, ParsedPage
from ..values import to_utc
from .document import INVISIBLE_CHARS, TextDocument, line_blocks
from .encoding import decode_bytes
from .html import SiteHints, html_links, html_to_document, looks_like_html
from .layout import read_document
from .vocabulary import looks_like_feed

__all__ = ["PARSER_VERSION", "SiteHints", "parse_page", "read_page_links", "text_to_document"]

# Bump when the same input would parse differently, so stored pages can be re-parsed.
PARSER_VERSION = "11"


def parse_page(
    data: bytes | str,
    fetched_at: datetime,
    url: str | None = None,
    *,
    http_charset: str | None = None,
    hints: SiteHints | None = None,
    with_links: bool = False,
) -> ParsedPage:
    """Everything on one page: kind, title, section, lead, items, headlines, warnings;
    `with_links`: its links by role too (`ParsedPage.links`, for link discovery), read from
    the same parse.

    Never raises on odd input: what cannot be read becomes kind "unknown" with a warning.
    """
    fetched_at = to_utc(fetched_at)
    warnings: list[str] = []
    try:
        utf8 = None
        if isinstance(data, bytes):
            decoded = decode_bytes(data, http_charset)
            text, warnings = decoded.text, list(decoded.warnings)
            if decoded.encoding == "utf-8" and "\ufffd" not in text:
                utf8 = data  # the text's own bytes: libxml2 reads them faster than the text
        else:
            text = data
        if "<" in text and looks_like_html(text):  # the cheap test first: no tag without a `<`
            if looks_like_feed(text):
                warnings.append("an Atom or RSS feed, not a page")
                return ParsedPage("unknown", url, fetched_at, warnings=warnings)
            document = html_to_document(text, base_url=url, hints=hints, with_links=with_links, utf8=utf8)
        else:
            document = text_to_document(text)
            document.page_links = [] if with_links else None
        page = read_document(document, fetched_at)
    except Exception as exc:  # noqa: BLE001 - the promise is: odd input never raises
        warnings.append(f"parser error, page skipped: {type(exc).__name__}: {exc}")
        return ParsedPage("unknown", url, fetched_at, warnings=warnings)
    page.url = url
    page.warnings = warnings + document.warnings + page.warnings
    page.page_date = document.page_date
    page.links = document.page_links
    return page


def read_page_links(data: bytes, url: str, http_charset: str | None = None) -> list[PageLink] | None:
    """The links by role of a fetched document that was not parsed with `with_links`;
    None when it is no HTML (a text dump has no links)."""
    try:
        return html_links(decode_bytes(data, http_charset).text, url)
    except Exception:  # noqa: BLE001 - odd input never raises; no links then
        return None


def text_to_document(text: str) -> TextDocument:
    """A text dump as a TextDocument: lines stripped, whitespace collapsed, NFC, no blanks."""
    text = text.removeprefix("\ufeff")
    latin1 = text.isascii() or _is_latin1(text)
    lines = list(filter(None, map(str.strip, _split_lines(text))))  # in C: most dumps need no more
    if _has_odd_spaces(text, lines, latin1):  # runs of spaces, tabs, no-break and zero-width spaces
        lines = list(filter(None, (" ".join(line.translate(INVISIBLE_CHARS).split()) for line in lines)))
    if not latin1:  # NFC changes no text of Latin-1 only
        lines = [line if line.isascii() else unicodedata.normalize("NFC", line) for line in lines]
    return TextDocument(line_blocks(lines))


# Line breaks of str.splitlines besides "\n"; the last three are not ASCII.
_OTHER_BREAKS = ("\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e")
_OTHER_BREAKS_NON_ASCII = ("\x85", "\u2028", "\u2029")


def _split_lines(text: str) -> list[str]:
    """The lines of str.splitlines (and an empty last one after a closing newline): a split
    on "\n" where no other line break occurs, as each is looked for by a search in C, while
    splitlines tests every character."""
    if any(map(text.__contains__, _OTHER_BREAKS)) or (
        not text.isascii() and any(map(text.__contains__, _OTHER_BREAKS_NON_ASCII))
    ):
        return text.splitlines()
    return text.split("\n")


def _is_latin1(text: str) -> bool:
    """Whether every character is in Latin-1 (U+0000-U+00FF): no combining mark or character
    that composes is, so NFC leaves such text as it is (tests/test_parse_document.py checks)."""
    try:
        text.encode("latin-1")  # a copy of the text's own bytes when it is Latin-1
    except UnicodeEncodeError:
        return False
    return True


def _has_odd_spaces(text: str, lines: list[str], latin1: bool) -> bool:
    """Whether any line holds whitespace but single spaces, or an invisible character: in
    ASCII only a tab or a unit separator can (other breaks split lines), in the rest of
    Latin-1 only a no-break space or a soft hyphen; a line of other text is tested for any
    character that is not printable."""
    if "  " in text or "\t" in text or "\x1f" in text:
        return True
    if text.isascii():
        return False
    if latin1:
        return "\xa0" in text or "\xad" in text
    return not all(map(str.isprintable, filterfalse(str.isascii, lines)))
