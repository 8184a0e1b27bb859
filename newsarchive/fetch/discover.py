"""Link discovery: which links of a fetched page lead to articles, and which to the next page.

Article links are the links of teasers, sidebar items and feed entries on the same site
(`urls.same_site`). On HTML pages they are found without any site's CSS classes:
- the links the parser attached to the page's items and headlines, and
- any other link outside navigation, header, footer, menus and forms whose text reads like a
  headline (four words or more) or whose block holds a wire line (`DATELINE (ANP) - `).
Next-page links of listings: `rel="next"` (on `<link>` or `<a>`), a link reading "Volgende"
(or "Next", "»"), or the same path with `page=N+1`.
Feeds (RSS, Atom, RDF) are read with feedparser: the link of every entry.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

import feedparser
import lxml.html
from lxml import etree

from ..items import Headline, Item, ParsedPage
from ..parse.encoding import decode_bytes
from ..parse.vocabulary import (
    LINK_CHROME_PARTS,
    LINK_CHROME_ROLES,
    LINK_CHROME_TAGS,
    LINK_CHROME_WORDS,
    TEASER_SIGN,
    WIRE_HEAD,
    looks_like_feed,
)
from ..urls import UnsupportedURL, normalize_url, same_site

PAGE_TAGS = frozenset({"body", "html", "main"})  # never a teaser of one link
TEASER_DEPTH = 4  # ancestors of a link searched for its teaser: `a` < h3 < div < article
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
WORD_SPLIT = re.compile(r"[^a-z0-9]+")
NEXT_TEXT = re.compile(
    r"^\W*(volgende(\s+pagina)?|next(\s+page)?|oudere?\s+(berichten|artikelen|nieuws)|"
    r"meer\s+(nieuws|berichten|laden))\W*$|^\s*[»›>]\s*$",
    re.IGNORECASE,
)
NOT_PAGES = re.compile(
    r"\.(jpe?g|png|gif|webp|svg|ico|pdf|zip|mp3|mp4|css|js|xml|rss|json)$", re.IGNORECASE
)
HEADLINE_WORDS = 4
PAGE_PARAMETERS = frozenset({"page", "pagina", "p", "pg", "pag"})
SOME_PAGE = "http://example.invalid/"  # a base to compare relative links by
UTF8_HTML = lxml.html.HTMLParser(encoding="utf-8", huge_tree=True)


@dataclass
class Discovery:
    """What a fetched page points to: articles to fetch and the listing's next page(s)."""

    is_feed: bool
    articles: list[str] = field(default_factory=list)
    next_pages: list[str] = field(default_factory=list)


def discover(body: bytes, url: str, content_type: str = "",
             parsed: ParsedPage | None = None, charset: str | None = None) -> Discovery:
    """Article and next-page links of one fetched document at `url` (normalized, deduplicated,
    same site, in document order). `charset`: the one the HTTP header declared, if any."""
    if looks_like_feed(body, content_type):
        return Discovery(True, _unique(_site_links(feed_links(body), url, url)))
    tree = _html_tree(body, charset)
    if tree is None:
        return Discovery(False, _unique(_site_links(_parsed_links(parsed), url, url)))
    base = _base_url(tree, url)
    next_pages = _unique(_site_links(_next_page_links(tree, url), base, url))
    candidates = [*_parsed_links(parsed), *_article_anchors(tree)]
    articles = [
        link for link in _unique(_site_links(candidates, base, url))
        if link != url and link not in next_pages and not _same_listing(link, url)
    ]
    return Discovery(False, articles, next_pages)


def feed_links(body: bytes) -> list[str]:
    """The link of every entry of an RSS, Atom or RDF feed, in feed order."""
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


def _html_tree(body: bytes, charset: str | None) -> etree._Element | None:
    """The document decoded as the parser decodes it (HTTP charset, then the document's own
    declaration, then detection): lxml alone reads undeclared bytes as Latin-1, which garbles
    every non-ASCII link (`/nieuws/café` -> `/nieuws/cafÃ©`)."""
    text = decode_bytes(body, charset).text
    try:
        return lxml.html.fromstring(text.encode("utf-8"), parser=UTF8_HTML)
    except (etree.ParserError, ValueError, TypeError):
        return None


def _base_url(tree: etree._Element, url: str) -> str:
    for href in tree.xpath("//base/@href"):
        try:
            return normalize_url(href, base=url)
        except UnsupportedURL:
            break
    return url


def _parsed_links(parsed: ParsedPage | None) -> list[str]:
    if parsed is None:
        return []
    entries: list[Item | Headline] = [*parsed.items, *parsed.headlines]
    return [entry.url for entry in entries if entry.url]


def _article_anchors(tree: etree._Element) -> Iterator[str]:
    for anchor in tree.iter("a"):
        href = anchor.get("href")
        if not href or _in_boilerplate(anchor):
            continue
        text = " ".join(anchor.text_content().split())
        if len(text.split()) >= HEADLINE_WORDS or _reads_like_teaser(_block_text(anchor)):
            yield href


def _in_boilerplate(element: etree._Element) -> bool:
    for node in element.iterancestors():
        if not isinstance(node.tag, str) or node.tag in ("body", "html"):
            continue  # a page-wide class (`has-navbar`) says nothing about one link
        if node.tag in LINK_CHROME_TAGS or (node.get("role") or "").lower() in LINK_CHROME_ROLES:
            return True
        names = f"{node.get('class', '')} {node.get('id', '')}".lower()
        if set(WORD_SPLIT.split(names)) & LINK_CHROME_WORDS or any(
                part in names for part in LINK_CHROME_PARTS):
            return True
    return False


def _reads_like_teaser(block_text: str) -> bool:
    return bool(WIRE_HEAD.search(block_text) or TEASER_SIGN.search(block_text))


def _block_text(anchor: etree._Element) -> str:
    """The text of the teaser around a link: the widest of its few nearest ancestors that is
    about this link alone (holds no link elsewhere). A teaser often splits its title (in a
    heading) and its wire line (in a sibling) over several nested elements."""
    teaser = None
    for depth, node in enumerate(anchor.iterancestors()):
        if depth >= TEASER_DEPTH or node.tag in PAGE_TAGS:
            break
        if any(not _same_target(other.get("href"), anchor.get("href"))
               for other in node.iter("a")):
            break
        teaser = node
    if teaser is None or teaser.tag in HEADINGS:
        return ""
    return " ".join(teaser.text_content().split())[:2000]


def _same_target(href: str | None, other: str | None) -> bool:
    """Two links to one page (an image link and a title link may differ in a fragment or a
    tracking parameter)."""
    if href == other:
        return True
    try:
        return normalize_url(href or "", base=SOME_PAGE) == normalize_url(other or "",
                                                                         base=SOME_PAGE)
    except UnsupportedURL:
        return False


def _next_page_links(tree: etree._Element, url: str) -> Iterator[str]:
    for element in tree.xpath("//link[@href] | //a[@href]"):
        rel = (element.get("rel") or "").lower().split()
        label = element.get("aria-label") or element.get("title") or ""
        text = " ".join(element.text_content().split()) if element.tag == "a" else ""
        if "next" in rel or NEXT_TEXT.match(text) or (label and NEXT_TEXT.match(label)):
            yield element.get("href")
        elif element.tag == "a" and _is_page_after(element.get("href"), url):
            yield element.get("href")


def _page_number(url: str) -> int:
    for name, value in parse_qsl(urlsplit(url).query):
        if name.lower() in PAGE_PARAMETERS and value.isdigit():
            return int(value)
    return 1


def _is_page_after(href: str, url: str) -> bool:
    try:
        target = normalize_url(href, base=url)
    except UnsupportedURL:
        return False
    return _same_listing(target, url) and _page_number(target) == _page_number(url) + 1


def _same_listing(link: str, url: str) -> bool:
    """Another page of the listing at `url`: same path, different page number."""
    return urlsplit(link).path == urlsplit(url).path and urlsplit(link).netloc == urlsplit(
        url).netloc and _page_number(link) != _page_number(url)


def _site_links(hrefs: Iterable[str], base: str, page_url: str) -> Iterator[str]:
    for href in hrefs:
        try:
            link = normalize_url(href, base=base)
        except UnsupportedURL:
            continue
        if same_site(link, page_url) and not NOT_PAGES.search(urlsplit(link).path):
            yield link


def _unique(links: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(links))
