"""The links of a parsed HTML page, each with its role: a teaser (an article the page
points to), the next page of a listing, or a feed the page names.

Read from the tree the parser built, so a crawl decodes and parses each page once; link
discovery (fetch/discover.py) keeps only what stays on the site. No site's CSS classes are
needed: a teaser link is any link outside navigation, header, footer, menus and forms
(vocabulary.LINK_CHROME_*) whose text reads like a headline (four words or more) or whose
teaser block shows a wire line, a clock time or an age. A next page is a `rel="next"` link
(`<link>` or `<a>`), a link reading "Volgende" (or "Next", "»"), or the same path with
`page=N+1`. A feed is a `<link rel="alternate">` of a feed type.

A listing has hundreds of links, nearly all in its menus and footer, so no link is judged
one by one unless it may count: the chrome elements are found from the page's chrome tags and
its class, id and role values (all values searched at once), and the links inside them set
aside whole; the next-page candidates are the few elements with a rel, label or title, a
`=` in their href, or a text holding a word or sign of "next page" (all texts searched at
once). Texts are serialised in C.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from itertools import accumulate
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
_NEXT_SIGNS = "»›>"
_NEXT_TEXT = re.compile(
    r"^\W*(volgende(\s+pagina)?|next(\s+page)?|oudere?\s+(berichten|artikelen|nieuws)|"
    rf"meer\s+(nieuws|berichten|laden))\W*$|^\s*[{_NEXT_SIGNS}]\s*$",
    re.IGNORECASE,
)
# Every text `_NEXT_TEXT` matches holds one of these words or signs once lower-cased (no
# letter of the words has a case partner outside ASCII, so `lower()` finds them as the regex does).
_NEXT_HINTS = ("volgende", "next", "ouder", "meer", *_NEXT_SIGNS)


def read_links(root: etree._Element, page_url: str | None) -> list[PageLink]:
    """Every teaser, next-page and feed link of the page, absolute and normalised, in
    document order within each role (next pages first, then teasers, then feeds)."""
    base = _base_url(root, page_url)
    anchors = list(root.iter("a"))  # each link's Python object made once, for both roles
    texts = [_raw_text(anchor) for anchor in anchors]
    links = [PageLink(url, LinkRole.NEXT_PAGE)
             for url in _absolute(_next_page_links(root, anchors, texts, page_url), base)]
    links += [PageLink(url, LinkRole.TEASER) for url in _absolute(_teaser_anchors(root, anchors, texts), base)]
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
    for element in root.iter("base"):  # the first `<base href>`, found in C
        href = element.get("href")
        if href is None:
            continue
        try:
            return normalize_url(href, base=url)
        except UnsupportedURL:
            break
    return url


def _text(element: etree._Element) -> str:
    return " ".join(_raw_text(element).split())


def _raw_text(element: etree._Element) -> str:
    """`"".join(element.itertext())`, serialised in C (several times faster)."""
    if len(element) == 0:
        return element.text or ""
    return etree.tostring(element, method="text", encoding=str, with_tail=False)


def _teaser_anchors(root: etree._Element, anchors: list[etree._Element], texts: list[str]) -> Iterator[str]:
    targets: dict[str, str | None] = {}  # href -> its target, for `_same_target`
    for anchor, text in _outside_chrome(root, anchors, texts):
        href = anchor.get("href")
        if not href:
            continue
        if len(text.split()) >= HEADLINE_WORDS or _reads_like_teaser(_block_text(anchor, targets)):
            yield href


def _outside_chrome(
    root: etree._Element, anchors: list[etree._Element], texts: list[str]
) -> list[tuple[etree._Element, str]]:
    """The ones of `anchors` (with their `texts`) that have no chrome element among their
    ancestors (a link is judged by its ancestors, not by its own classes)."""
    inside: set[etree._Element] = set()
    for chrome in _outermost(_chrome_elements(root)):
        inside.update(chrome.iterdescendants("a"))
    return [(anchor, text) for anchor, text in zip(anchors, texts) if anchor not in inside]


def _chrome_elements(root: etree._Element) -> set[etree._Element]:
    """The elements whose links are chrome (never `<body>` or `<html>`: a page-wide class,
    `has-navbar`, says nothing about one link): a chrome tag, a chrome role, or a class or id
    holding a chrome word or part. The page's class and id values are searched at once."""
    chrome = set(root.iter(*LINK_CHROME_TAGS))
    ids_and_roles = _IDS_AND_ROLES(root)
    chrome.update(value.getparent() for value in ids_and_roles
                  if value.attrname == "role" and value.lower() in LINK_CHROME_ROLES)
    for values in (_CLASSES(root), [value for value in ids_and_roles if value.attrname == "id"]):
        names, starts = _lowered(values)
        chrome.update(values[bisect_right(starts, match.start()) - 1].getparent()
                      for match in _CHROME_NAME.finditer(names))
    return {element for element in chrome if element.tag not in ("body", "html")}


def _lowered(values: list[str]) -> tuple[str, list[int]]:
    """`values` lower-cased and joined by newlines (searched with one call), and the offset
    at which each one starts there."""
    joined = "\n".join(values).lower()
    if len(joined) != max(len(values) - 1, 0) + sum(map(len, values)):  # lower() lengthened `İ`
        values = [value.lower() for value in values]
        joined = "\n".join(values)
    return joined, list(accumulate((len(value) + 1 for value in values), initial=0))


def _outermost(elements: set[etree._Element]) -> list[etree._Element]:
    """The ones of `elements` with none of the others among their ancestors. Each ancestor's
    answer is remembered, so deep nesting costs one look per element."""
    known: dict[etree._Element, bool] = {}  # element -> one of its ancestors is in `elements`
    tops = []
    for element in elements:
        chain = []
        node = element.getparent()
        while node is not None and node not in elements and node not in known:
            chain.append(node)
            node = node.getparent()
        answer = node is not None and (node in elements or known[node])
        known.update(dict.fromkeys(chain, answer))
        if not answer:
            tops.append(element)
    return tops


# Each XPath walks the whole tree: the few ids and roles are read in one walk (a union of
# many values, as of all classes, costs more in sorting than the walk it saves).
_CLASSES = etree.XPath("//@class")
_IDS_AND_ROLES = etree.XPath("//@id | //@role")
# A lower-cased class or id naming link chrome: a chrome word between non-letters, or a part.
_CHROME_NAME = re.compile(
    rf"(?<![a-z0-9])(?:{'|'.join(sorted(LINK_CHROME_WORDS))})(?![a-z0-9])|{'|'.join(LINK_CHROME_PARTS)}"
)


def _reads_like_teaser(block_text: str) -> bool:
    return bool(WIRE_HEAD.search(block_text) or TEASER_SIGN.search(block_text))


def _block_text(anchor: etree._Element, targets: dict[str, str | None]) -> str:
    """The text of the teaser around a link: the widest of its few nearest ancestors that is
    about this link alone (holds no link elsewhere). A teaser often splits its title (in a
    heading) and its wire line (in a sibling) over several nested elements."""
    teaser = None
    href = anchor.get("href")
    for depth, node in enumerate(anchor.iterancestors()):
        if depth >= TEASER_DEPTH or node.tag in PAGE_TAGS:
            break
        if any(not _same_target(other.get("href"), href, targets) for other in node.iter("a")):
            break
        teaser = node
    if teaser is None or teaser.tag in HEADINGS:
        return ""
    return _text(teaser)[:TEASER_TEXT_MAX]


def _same_target(href: str | None, other: str | None, targets: dict[str, str | None]) -> bool:
    """Two links to one page (an image link and a title link may differ in a fragment or a
    tracking parameter). `targets` remembers each href's normalised form."""
    if href == other:
        return True
    target = _target(href or "", targets)
    return target is not None and target == _target(other or "", targets)


def _target(href: str, targets: dict[str, str | None]) -> str | None:
    if href not in targets:
        try:
            targets[href] = normalize_url(href, base=SOME_PAGE)
        except UnsupportedURL:
            targets[href] = None
    return targets[href]


def _next_page_links(
    root: etree._Element, anchors: list[etree._Element], texts: list[str], url: str | None
) -> Iterator[str]:
    """Links and anchors with `rel="next"`, a label or text reading "next page", or (anchors)
    the next page number; each decided for the few elements that may be one (`candidates`).
    `texts`: the text of each of `anchors`."""
    candidates = {value.getparent() for value in _LABELS(root)  # a label or title: judged below
                  if value.attrname != "rel" or "next" in value.lower().split()}
    candidates.update(anchors[index] for index in _hinted(texts))
    if url is not None:
        candidates.update(anchor for anchor in anchors if "=" in (anchor.get("href") or ""))
    if not candidates:
        return
    for element in root.iter("link", "a"):
        href = element.get("href") if element in candidates else None
        if href is None:
            continue
        rel = element.get("rel")
        label = element.get("aria-label") or element.get("title")
        is_anchor = element.tag == "a"
        if (rel and "next" in rel.lower().split()) or (label and _NEXT_TEXT.match(label)) or (
                is_anchor and _reads_next(element)):
            yield href
        elif is_anchor and url is not None and "=" in href and _is_page_after(href, url):
            yield href


def _hinted(texts: list[str]) -> set[int]:
    """Which of `texts` hold a word or sign of "next page" (`_NEXT_HINTS`), all searched at once."""
    joined, starts = _lowered(texts)
    hits = []
    for hint in _NEXT_HINTS:
        at = joined.find(hint)
        while at >= 0:
            hits.append(at)
            at = joined.find(hint, at + 1)
    return {bisect_right(starts, hit) - 1 for hit in hits}


_LABELS = etree.XPath("//@rel | //@aria-label | //@title")


def _reads_next(anchor: etree._Element) -> bool:
    """The link's text says "next page"."""
    return _NEXT_TEXT.match(_text(anchor)) is not None


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
