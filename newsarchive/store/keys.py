"""Identity: text normalisation, folding and the content keys that make an item the same item."""

from __future__ import annotations

import functools
import hashlib
import unicodedata

QUOTES = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"',
    }
)
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


@functools.lru_cache(maxsize=8192)  # sidebars link the same articles page after page
def _spelled(url: str) -> tuple[str, bool]:
    """(`url_spelling`, whether the archive may keep it as a URL: `article_url`)."""
    # Imported here: read commands use `fold` and need none of the URL rules.
    from ..urls import MAX_URL_LENGTH, CredentialsInURL, UnsupportedURL, URLTooLong, normalize_url, split_credentials

    try:
        try:
            return normalize_url(url), True
        except CredentialsInURL:  # a link with user:password@: the page, never the credentials
            return split_credentials(normalize_url(url, credentials=True))[0], True
    except URLTooLong:
        return url.strip(), False
    except UnsupportedURL:
        return url.strip(), len(url.strip()) <= MAX_URL_LENGTH


def url_spelling(url: str) -> str:
    """The spelling of an article URL its key is made of (any URL the fetcher would treat as
    the same page gives the same key); a string that is not an http(s) URL, or one longer than
    a URL may be, is kept trimmed."""
    return _spelled(url)[0]


def article_url(url: str) -> str | None:
    """An article URL as the archive keeps it (items.url): its spelling, or None when that is
    (or normalised would be) longer than `urls.MAX_URL_LENGTH`: the one rule of URL length for
    what is stored (no page has such a URL, and an index row could not hold it)."""
    spelling, kept = _spelled(url)
    return spelling if kept else None


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
        return _digest("url", url_spelling(url))
    return _digest("article", normalize_text(dateline or ""), normalize_text(body))


def content_hash(data: bytes | str) -> str:
    """sha256 of the input document as received."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()
