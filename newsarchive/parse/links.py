"""The links of a parsed HTML page, each with its role: a teaser (an article the page
points to), the next page of a listing, or a feed the page names.

Read from the tree the parser built, so a crawl decodes and parses each page once; link
discovery (fetch/discover.py) keeps only what stays on the site. No site's CSS classes are
needed: a teaser link is any link outside navigation, header, footer, menus and forms
(vocabulary.LINK_CHROME_*) whose text reads like a headline (four words or more) or whose
teaser block shows a wire line, a clock time or an age. A next page is a `rel="next"` link
(`<link>` or `<a>`), a link reading "Volgende" (or "Next", "»"), or the same path with
`page=N+1`. A feed is a `<link rel="alternate">` of a feed type.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

from lxml import etree

from ..items import LinkRole, PageLink
from ..urls import UnsupportedURL, normalize_url
from .vocabulary import (
    FEED_TYPES,
    LINK_CHROME_PARTS,
    LINK_CHROME_ROLES,
    LINK_CHROME_TAGS,
    LINK_CHROME_WORDS,
    TEASER_SIGN,
    WIRE_HEAD,
)

PAGE_TAGS = frozenset({"body", "html", "main"})  # never a teaser of one link
TEASER_DEPTH = 4  # ancestors of a link searched for its teaser: `a` < h3 < div < article
HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
HEADLINE_WORDS = 4
TEASER_TEXT_MAX = 2000
PAGE_PARAMETERS = frozenset({"page", "pagina", "p", "pg", "pag"})
SOME_PAGE = "http://example.invalid/"  # a base to compare relative links by
_WORD_SPLIT = re.compile(r"[^a-z0-9]+")
_NEXT_TEXT = re.compile(
    r"^\W*(volgende(\s+pagina)?|next(\s+page)?|oudere?\s+(berichten|artikelen|nieuws)|"
    r"meer\s+(nieuws|berichten|laden))\W*$|^\s*[»›>]\s*$",
    re.IGNORECASE,
)


def read_links(root: etree._Element, page_url: str | None) -> list[PageLink]:
    """Every teaser, next-page and feed link of the page, absolute and normalised, in
    document order within each role (next pages first, then teasers, then feeds)."""
    base = _base_url(root, page_url)
    links = [PageLink(url, LinkRole.NEXT_PAGE) for url in _absolute(_next_page_links(root, page_url), base)]
    links += [PageLink(url, LinkRole.TEASER) for url in _absolute(_teaser_anchors(root), base)]
    links += [PageLink(url, LinkRole.FEED) for url in _absolute(_feed_links(root), base)]
    return links


def same_listing(link: str, url: str) -> bool:
    """Another page of the listing at `url`: same path, different page number."""
    first, other = urlsplit(link), urlsplit(url)
    return first.path == other.path and first.netloc == other.netloc and _page_number(link) != _page_number(url)


def _absolute(hrefs: Iterator[str], base: str | None) -> Iterator[str]:
    for href in hrefs:
        try:
            yield normalize_url(href, base=base)
        except UnsupportedURL:
            continue


def _base_url(root: etree._Element, url: str | None) -> str | None:
    for href in root.xpath("//base/@href"):
        try:
            return normalize_url(href, base=url)
        except UnsupportedURL:
            break
    return url


def _text(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _teaser_anchors(root: etree._Element) -> Iterator[str]:
    for anchor in root.iter("a"):
        href = anchor.get("href")
        if not href or _in_chrome(anchor):
            continue
        if len(_text(anchor).split()) >= HEADLINE_WORDS or _reads_like_teaser(_block_text(anchor)):
            yield href


def _in_chrome(element: etree._Element) -> bool:
    for node in element.iterancestors():
        if not isinstance(node.tag, str) or node.tag in ("body", "html"):
            continue  # a page-wide class (`has-navbar`) says nothing about one link
        if node.tag in LINK_CHROME_TAGS or (node.get("role") or "").lower() in LINK_CHROME_ROLES:
            return True
        names = f"{node.get('class', '')} {node.get('id', '')}".lower()
        if set(_WORD_SPLIT.split(names)) & LINK_CHROME_WORDS or any(part in names for part in LINK_CHROME_PARTS):
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
        if any(not _same_target(other.get("href"), anchor.get("href")) for other in node.iter("a")):
            break
        teaser = node
    if teaser is None or teaser.tag in HEADINGS:
        return ""
    return _text(teaser)[:TEASER_TEXT_MAX]


def _same_target(href: str | None, other: str | None) -> bool:
    """Two links to one page (an image link and a title link may differ in a fragment or a
    tracking parameter)."""
    if href == other:
        return True
    try:
        return normalize_url(href or "", base=SOME_PAGE) == normalize_url(other or "", base=SOME_PAGE)
    except UnsupportedURL:
        return False


def _next_page_links(root: etree._Element, url: str | None) -> Iterator[str]:
    for element in root.xpath("//link[@href] | //a[@href]"):
        rel = (element.get("rel") or "").lower().split()
        label = element.get("aria-label") or element.get("title") or ""
        text = _text(element) if element.tag == "a" else ""
        if "next" in rel or _NEXT_TEXT.match(text) or (label and _NEXT_TEXT.match(label)):
            yield element.get("href")
        elif element.tag == "a" and url is not None and _is_page_after(element.get("href"), url):
            yield element.get("href")


def _feed_links(root: etree._Element) -> Iterator[str]:
    for element in root.iter("link"):
        rel = (element.get("rel") or "").lower().split()
        if "alternate" in rel and (element.get("type") or "").lower().startswith(FEED_TYPES) and element.get("href"):
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
    return same_listing(target, url) and _page_number(target) == _page_number(url) + 1
