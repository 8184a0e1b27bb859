"""Link discovery: which links of a fetched page lead to articles, and which to the next page.

Article links are the links of teasers, sidebar items and feed entries on the same site
(`urls.same_site`). On HTML pages they are the links the parser read with their roles
(`ParsedPage.links`, see parse/links.py: teaser links outside navigation, header, footer,
menus and forms; next-page links), so a crawl that parsed a page `with_links` decodes and
parses it once; with the links the parser attached to the page's items and headlines.
Feeds (RSS, Atom, RDF) are read with feedparser: the link of every entry.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ..items import Headline, Item, LinkRole, PageLink, ParsedPage
from ..parse import read_page_links
from ..parse.links import same_listing
from ..parse.vocabulary import looks_like_feed
from ..urls import UnsupportedURL, normalize_url, site_key

__all__ = ["Discovery", "discover", "feed_links", "looks_like_feed"]

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
    candidates = [*_parsed_links(parsed), *_with_role(links, LinkRole.TEASER)]
    articles = [
        link for link in _unique(_site_links(candidates, url))
        if link != url and link not in next_pages and not same_listing(link, url)
    ]
    return Discovery(False, articles, next_pages, _unique(_with_role(links, LinkRole.FEED)))


def feed_links(body: bytes) -> list[str]:
    """The link of every entry of an RSS, Atom or RDF feed, in feed order."""
    import feedparser  # here: a crawl of HTML sources need not pay for its import

    feed = feedparser.parse(body)
    links = []
    for entry in feed.entries:
        link = entry.get("link")
        if not link:
            link = next((item.get("href") for item in entry.get("links", [])
                         if item.get("rel", "alternate") == "alternate"), None)
        if link:
            links.append(link)
    return links


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
    for href in hrefs:
        try:
            link = normalize_url(href, base=page_url)
        except UnsupportedURL:
            continue
        if site_key(link) == home and not NOT_PAGES.search(urlsplit(link).path):
            yield link


def _unique(links: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(links))
