"""Parse one fetched document (HTML or a text dump) into a ParsedPage. Pure: no I/O, no clock.

    bytes --decode_bytes--> str --html_to_document | text_to_document--> TextDocument
          --wire grammar (layout.read_page)--> ParsedPage
"""

from __future__ import annotations

import unicodedata
from datetime import datetime

from ..items import ParsedPage, to_utc
from .document import INVISIBLE_CHARS, TextDocument
from .encoding import decode_bytes
from .html import SiteHints, html_to_document, looks_like_html
from .layout import read_page
from .vocabulary import looks_like_feed

__all__ = ["PARSER_VERSION", "SiteHints", "parse_page", "text_to_document"]

# Bump when the same input would parse differently, so stored pages can be re-parsed.
PARSER_VERSION = "4"


def parse_page(
    data: bytes | str,
    fetched_at: datetime,
    url: str | None = None,
    *,
    http_charset: str | None = None,
    hints: SiteHints | None = None,
) -> ParsedPage:
    """Everything on one page: kind, title, section, lead, items, headlines, warnings.

    Never raises on odd input: what cannot be read becomes kind "unknown" with a warning.
    """
    fetched_at = to_utc(fetched_at)
    warnings: list[str] = []
    try:
        if isinstance(data, bytes):
            decoded = decode_bytes(data, http_charset)
            text, warnings = decoded.text, list(decoded.warnings)
        else:
            text = data
        if looks_like_html(text):
            if looks_like_feed(text):
                warnings.append("an Atom or RSS feed, not a page")
                return ParsedPage("unknown", url, fetched_at, warnings=warnings)
            document = html_to_document(text, base_url=url, hints=hints)
        else:
            document = text_to_document(text)
        page = read_page(document.lines, document.links, fetched_at, document.heading)
    except Exception as exc:  # noqa: BLE001 - the promise is: odd input never raises
        warnings.append(f"parser error, page skipped: {type(exc).__name__}: {exc}")
        return ParsedPage("unknown", url, fetched_at, warnings=warnings)
    page.url = url
    page.warnings = warnings + document.warnings + page.warnings
    page.page_date = document.page_date
    return page


def text_to_document(text: str) -> TextDocument:
    """A text dump as a TextDocument: lines stripped, whitespace collapsed, NFC, no blanks."""
    lines = []
    for raw in text.removeprefix("\ufeff").splitlines():
        line = raw.strip()
        if "  " in line or not line.isprintable():  # tabs, no-break and zero-width spaces
            line = " ".join(line.translate(INVISIBLE_CHARS).split())
        if line:
            lines.append(line if line.isascii() else unicodedata.normalize("NFC", line))
    return TextDocument(lines)
