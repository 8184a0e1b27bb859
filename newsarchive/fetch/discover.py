"""Link discovery: which links of a fetched page lead to articles, and which to the next page.

Article links are the links of teasers, sidebar items and feed entries on the same site
(`urls.same_site`). On HTML pages they are the links the parser read with their roles
(`ParsedPage.links`, see parse/links.py: teaser links outside navigation, header, footer,
menus and forms; next-page links), so a crawl that parsed a page `with_links` decodes and
parses it once; with the links the parser attached to the page's items and headlines.
Feeds (RSS, Atom, RDF) are read with feedparser: the link of every entry. A feed reaches
feedparser as UTF-8 bytes in a stream (never as a string it may take for a URL or a file
name to open) and without the internal subset of its DOCTYPE, where entities are declared: an
entity bomb (billion laughs, or one long entity used again and again) made feedparser and
expat build hundreds of megabytes from a feed of a few. Its entities are then left unexpanded.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ..items import Headline, Item, LinkRole, PageLink, ParsedPage
from ..parse import read_page_links
from ..parse.links import same_listing
from ..parse.vocabulary import looks_like_feed
from ..urls import UnsupportedURL, normalize_url, site_key

__all__ = ["Discovery", "discover", "feed_links", "looks_like_feed", "without_internal_subset"]

NOT_PAGES = re.compile(
    r"\.(jpe?g|png|gif|webp|svg|ico|pdf|zip|mp3|mp4|css|js|xml|rss|json)$", re.IGNORECASE
)


@dataclass
class Discovery:
    """What a fetched page points to: articles to fetch, the listing's next page(s), and the
    feeds an HTML page names (not followed by the crawl)."""

    is_feed: bool
    articles: list[str] = field(default_factory=list)
    next_pages: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)


def discover(body: bytes, url: str, content_type: str = "",
             parsed: ParsedPage | None = None, charset: str | None = None) -> Discovery:
    """Article and next-page links of one fetched document at `url` (normalized, deduplicated,
    same site, in document order). `parsed`: the page as parsed, whose `links` are used when
    it was parsed `with_links` (else the body is read for them). `charset`: the one the HTTP
    header declared, if any."""
    if looks_like_feed(body, content_type):
        return Discovery(True, _unique(_site_links(feed_links(body), url)))
    links = parsed.links if parsed is not None and parsed.links is not None else read_page_links(body, url, charset)
    next_pages = _unique(_site_links(_with_role(links, LinkRole.NEXT_PAGE), url))
    # the items' links are mostly the teasers' links again: each href normalised once
    candidates = dict.fromkeys([*_parsed_links(parsed), *_with_role(links, LinkRole.TEASER)])
    articles = [
        link for link in _unique(_site_links(candidates, url))
        if link != url and link not in next_pages and not same_listing(link, url)
    ]
    return Discovery(False, articles, next_pages, _unique(_with_role(links, LinkRole.FEED)))


def feed_links(body: bytes) -> list[str]:
    """The link of every entry of an RSS, Atom or RDF feed, in feed order."""
    # here: a crawl of HTML sources need not pay for feedparser's import
    import feedparser
    from feedparser.encodings import convert_to_utf8

    # feedparser's own reading of the encoding (BOM, XML declaration, detection): the subset
    # is found in the text, however the feed is encoded (UTF-16 too)
    utf8 = convert_to_utf8({}, body, {})
    feed = feedparser.parse(io.BytesIO(without_internal_subset(utf8)))
    links = []
    for entry in feed.entries:
        link = entry.get("link")
        if not link:
            link = next((item.get("href") for item in entry.get("links", [])
                         if item.get("rel", "alternate") == "alternate"), None)
        if link:
            links.append(link)
    return links


def without_internal_subset(data: bytes) -> bytes:
    """The XML document without the internal subset of the DOCTYPE of its prolog:
    `<!DOCTYPE rss [ <!ENTITY ...> ]>` becomes `<!DOCTYPE rss>`. Quoted values, comments and
    processing instructions in the subset are skipped as wholes (a `]>` inside one does not end
    it); a DOCTYPE that never ends leaves nothing after it."""
    position = _prolog_doctype(data)
    if position is None:
        return data
    index = position + len(b"<!DOCTYPE")
    while (found := _DOCTYPE_MARK.search(data, index)) is not None:
        index = found.start()
        byte = data[index:index + 1]
        if byte in (b'"', b"'"):
            index = _after(data, byte, index + 1)
        elif byte == b">":
            return data  # no internal subset
        else:  # `[`
            end = _subset_end(data, index + 1)
            close = data.find(b">", end)
            if close < 0:
                break
            return data[:index].rstrip() + b">" + data[close + 1:]
    return data[:position]


def _prolog_doctype(data: bytes) -> int | None:
    """Where the DOCTYPE of the prolog starts (after the XML declaration, comments, processing
    instructions and blanks), if there is one."""
    index = 0
    while True:
        while data[index:index + 1].isspace() or data[index:index + 3] == b"\xef\xbb\xbf":
            index += 3 if data[index:index + 3] == b"\xef\xbb\xbf" else 1
        if data.startswith(b"<?", index):
            index = _after(data, b"?>", index + 2)
        elif data.startswith(b"<!--", index):
            index = _after(data, b"-->", index + 4)
        elif data[index:index + 9].upper() == b"<!DOCTYPE":
            return index
        else:
            return None


# what can end a DOCTYPE, open its internal subset or hide either: the bytes between are skipped
_DOCTYPE_MARK = re.compile(rb"[\"'>\[]")
# what can end an internal subset or hide a `]` from it: the bytes between are skipped at once
_SUBSET_MARK = re.compile(rb"[\"'<\]]")


def _subset_end(data: bytes, index: int) -> int:
    """Where the internal subset starting at `index` ends (after its `]`; the end of the data
    when it does not end)."""
    while (found := _SUBSET_MARK.search(data, index)) is not None:
        index = found.start()
        byte = data[index:index + 1]
        if byte in (b'"', b"'"):
            index = _after(data, byte, index + 1)
        elif data.startswith(b"<!--", index):
            index = _after(data, b"-->", index + 4)
        elif data.startswith(b"<?", index):
            index = _after(data, b"?>", index + 2)
        elif byte == b"]":
            return index + 1
        else:
            index += 1
    return len(data)


def _after(data: bytes, end: bytes, index: int) -> int:
    """Just after the next `end` from `index`; the end of the data when there is none."""
    found = data.find(end, index)
    return len(data) if found < 0 else found + len(end)


def _with_role(links: list[PageLink] | None, role: LinkRole) -> list[str]:
    return [link.url for link in links or () if link.role is role]


def _parsed_links(parsed: ParsedPage | None) -> list[str]:
    if parsed is None:
        return []
    entries: list[Item | Headline] = [*parsed.items, *parsed.headlines]
    return [entry.url for entry in entries if entry.url]


def _site_links(hrefs: Iterable[str], page_url: str) -> Iterator[str]:
    home = site_key(page_url)  # `same_site(link, page_url)`, the page's half once
    if not home[0]:
        return
    keys: dict[str, tuple[str, int | None]] = {}  # origin -> its site key: one per host
    for href in hrefs:
        try:
            link = normalize_url(href, base=page_url)
        except UnsupportedURL:
            continue
        # a normalised URL is `scheme://host[:port]/path[?query]`: its origin decides the site
        path_start = link.index("/", link.index("://") + 3)
        origin = link[:path_start]
        key = keys.get(origin)
        if key is None:
            key = keys[origin] = site_key(origin)
        if key == home and not NOT_PAGES.search(link[path_start:].partition("?")[0]):
            yield link


def _unique(links: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(links))
