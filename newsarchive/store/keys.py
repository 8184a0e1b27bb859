"""Identity: text normalisation, folding and the content keys that make an item the same item."""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

QUOTES = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"',
    }
)
TRACKING_PARAMETER = re.compile(r"^(utm_.*|fbclid|gclid|mc_cid|mc_eid|ref_src)$", re.IGNORECASE)
DEFAULT_PORTS = {"http": 80, "https": 443}
KEY_LENGTH = 32  # hex digits: 128 bits of sha256


def normalize_text(text: str) -> str:
    """NFC, curly and straight quotes unified, whitespace collapsed and trimmed."""
    return " ".join(unicodedata.normalize("NFC", text).translate(QUOTES).split())


@functools.lru_cache(maxsize=8192)  # datelines and place names repeat
def fold(text: str) -> str:
    """For case- and accent-insensitive matching: `ÎLE LONGUE` -> `ile longue`."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


def normalize_url(url: str) -> str:
    """Scheme and host lower-cased, default port, fragment and tracking parameters dropped."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if parts.port and parts.port != DEFAULT_PORTS.get(scheme):
        host = f"{host}:{parts.port}"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
         if not TRACKING_PARAMETER.match(k)]
    )
    return urlunsplit((scheme, host, parts.path or "/", query, ""))


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:KEY_LENGTH]


@functools.lru_cache(maxsize=8192)  # an item is seen about ten times in a row
def teaser_key(dateline: str | None, body: str) -> str:
    """A teaser is its dateline and its text."""
    return _digest("teaser", normalize_text(dateline or ""), normalize_text(body))


@functools.lru_cache(maxsize=1024)  # a lead article is fetched again and again
def article_key(url: str | None, dateline: str | None, body: str) -> str:
    """An article is its URL when known, else its dateline and full text."""
    if url:
        return _digest("url", normalize_url(url))
    return _digest("article", normalize_text(dateline or ""), normalize_text(body))


def content_hash(data: bytes | str) -> str:
    """sha256 of the input document as received."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()
