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
one by one unless it may count: the subtrees of chrome tags are set aside whole, without a
Python object for any of their links (`_chrome_elements`, `_outside_anchors`), and only the
few other links have their text read and their ancestors' class, id and role judged. The
next-page candidates are the links with a word or sign of "next page" or a `=` in an
attribute value, or a word or sign of "next page" in their text; a chrome element's text and
its links' attribute values are searched whole first (serialised and joined in C): its links
are read one by one only when one of them holds one. A plain root-relative path is resolved
without urljoin (`Resolver`), and one Resolver serves all roles of a page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from urllib.parse import parse_qsl, urlsplit

from lxml import etree

from ..items import LinkRole, PageLink
from ..urls import MAX_URL_LENGTH, UnsupportedURL, normalize_url
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
# The same in UTF-8, to search a text's bytes lower-cased: `bytes.lower()` lowers ASCII letters
# only, and no other character lower-cases to a letter of the words or to a sign. Of a sign
# not in ASCII only its last byte is searched (one byte is found by memchr, a sequence is not):
# a text holding the sign holds that byte, so a text holding neither holds no sign.
_NEXT_HINT_BYTES = tuple(hint.encode("utf-8")[-1:] if not hint.isascii() else hint.encode("utf-8")
                         for hint in _NEXT_HINTS)


def read_links(root: etree._Element, page_url: str | None) -> list[PageLink]:
    """Every teaser, next-page and feed link of the page, absolute and normalised, in
    document order within each role (next pages first, then teasers, then feeds)."""
    base = _base_url(root, page_url)
    chrome, inside = _chrome_elements(root)
    outside = _outside_anchors(root, inside) if chrome else list(root.iter("a"))
    text_of = {anchor: _raw_text(anchor) for anchor in outside}
    heads = list(root.iter("link"))  # for both roles
    resolve = Resolver(base)
    links = [PageLink(url, LinkRole.NEXT_PAGE)
             for url in _absolute(_next_page_links(heads, outside, chrome, text_of, page_url), resolve)]
    teasers = _teaser_anchors(_outside_named_chrome(outside), text_of)
    links += [PageLink(url, LinkRole.TEASER) for url in _absolute(teasers, resolve)]
    links += [PageLink(url, LinkRole.FEED) for url in _absolute(_feed_links(heads), resolve)]
    return links


def same_listing(link: str, url: str) -> bool:
    """Another page of the listing at `url`: same path, different page number."""
    first, other = urlsplit(link), urlsplit(url)
    return first.path == other.path and first.netloc == other.netloc and _page_number(link) != _page_number(url)


def _absolute(hrefs: Iterable[str], resolve: Resolver) -> Iterator[str]:
    for href in hrefs:
        try:
            yield resolve(href)
        except UnsupportedURL:
            continue


# A root-relative path that normalisation leaves as it is: segments of unreserved characters,
# none empty and none starting with a dot (so no `.` or `..` segment).
_PLAIN_PATH = re.compile(r"(?:/[A-Za-z0-9_~-][A-Za-z0-9_.~-]*)+/?|/")


class Resolver:
    """`normalize_url(href, base=base)` for the links of one page. Most links are root-relative
    paths that normalisation leaves as they are (`_PLAIN_PATH`): those are the base's origin,
    normalised once, and the path, without the general rule's cost."""

    def __init__(self, base: str | None) -> None:
        self.base = base
        self.origin: str | None = None  # `scheme://host[:port]`, normalised
        if base is not None:
            try:
                self.origin = normalize_url("/", base=base)[:-1]
            except UnsupportedURL:
                pass

    def __call__(self, href: str) -> str:
        if (self.origin is not None and _PLAIN_PATH.fullmatch(href)
                and len(self.origin) + len(href) <= MAX_URL_LENGTH):
            return self.origin + href
        return normalize_url(href, base=self.base)


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


def _teaser_anchors(outside: list[etree._Element], text_of: dict[etree._Element, str]) -> Iterator[str]:
    alone: dict[etree._Element, bool] = {}  # element -> its links lead to one page (`_one_target`)
    targets: dict[str, str | None] = {}  # href -> its target, for `_target_key`
    for anchor in outside:
        href = anchor.get("href")
        if not href:
            continue
        if len(text_of[anchor].split()) >= HEADLINE_WORDS or _reads_like_teaser(_block_text(anchor, alone, targets)):
            yield href


def _chrome_elements(root: etree._Element) -> tuple[list[etree._Element], dict[etree._Element, bool]]:
    """The outermost chrome elements by tag that hold links, in document order, and whether
    each of them and each of their ancestors is inside one of them (True for the chrome
    elements themselves, False for their ancestors, which are found all: `_inside`).

    Most links of a listing are in these elements: they are set aside whole, never looked
    at one by one (`_outside_anchors`)."""
    chrome: list[etree._Element] = []
    inside: dict[etree._Element, bool] = {}
    for element in root.iter(*LINK_CHROME_TAGS):
        if not len(element) or element.tag in ("body", "html"):  # no children (a script): no links
            continue
        if next(element.iterdescendants("a"), None) is None or _inside(element, inside):
            continue
        chrome.append(element)
        inside[element] = True
    return chrome, inside


def _inside(element: etree._Element, inside: dict[etree._Element, bool]) -> bool:
    """Whether an ancestor of `element` is one of the chrome elements found so far; `inside`
    learns the answer for each ancestor looked at. A chrome element found later starts after
    all of these, so it is none of their ancestors and the answers stay true."""
    chain, answer = _unjudged_ancestors(element, inside)
    for ancestor in chain:
        inside[ancestor] = answer
    return answer


def _unjudged_ancestors(
    element: etree._Element, known: dict[etree._Element, bool],
) -> tuple[list[etree._Element], bool]:
    """The ancestors of `element` up to the nearest one `known` has an answer for (innermost
    first), and that answer (False when there is none up to the root)."""
    chain = []
    node = element.getparent()
    while node is not None and node not in known:
        chain.append(node)
        node = node.getparent()
    return chain, node is not None and known[node]


def _outside_anchors(root: etree._Element, inside: dict[etree._Element, bool]) -> list[etree._Element]:
    """The links of the page outside the chrome elements (`inside` True), in document order:
    only the ancestors of those elements (`inside` False) are walked child by child; every
    other subtree's links are listed at once."""
    found = [root] if root.tag == "a" else []
    stack = [iter(root)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            continue
        state = inside.get(child)
        if state is None:
            found.extend(child.iter("a"))
        elif not state:
            if child.tag == "a":
                found.append(child)
            stack.append(iter(child))
    return found


def _outside_named_chrome(anchors: list[etree._Element]) -> list[etree._Element]:
    """The ones of `anchors` with no ancestor that is chrome by its class, id or role (a link
    is judged by its ancestors, not by its own classes), each ancestor judged once."""
    known: dict[etree._Element, bool] = {}  # element -> it or one of its ancestors names chrome
    return [anchor for anchor in anchors if not _named_chrome_above(anchor, known)]


def _named_chrome_above(anchor: etree._Element, known: dict[etree._Element, bool]) -> bool:
    """Whether an ancestor of `anchor` is chrome by its class, id or role (`_names_chrome`);
    `known` remembers the answer for every element looked at."""
    chain, answer = _unjudged_ancestors(anchor, known)
    for element in reversed(chain):  # outermost first: below a chrome element all is chrome
        answer = answer or _names_chrome(element)
        known[element] = answer
    return answer


def _names_chrome(element: etree._Element) -> bool:
    """A chrome role, or a class or id holding a chrome word or part (never `<body>` or
    `<html>`: a page-wide class, `has-navbar`, says nothing about one link)."""
    for name, value in element.items():  # most elements have none: one call
        if name == "role":
            if value.lower() in LINK_CHROME_ROLES:
                return element.tag not in ("body", "html")
        elif name in ("class", "id") and _names_chrome_word(value):
            return element.tag not in ("body", "html")
    return False


@lru_cache(maxsize=4096)
def _names_chrome_word(value: str) -> bool:
    """A class or id value holding a chrome word or part: most elements share their classes
    with others (`card`, `grid__item`), so each is searched once."""
    return _CHROME_NAME.search(value.lower()) is not None


# A lower-cased class or id naming link chrome: a chrome word between non-letters, or a part.
_CHROME_NAME = re.compile(
    rf"(?<![a-z0-9])(?:{'|'.join(sorted(LINK_CHROME_WORDS))})(?![a-z0-9])|{'|'.join(LINK_CHROME_PARTS)}"
)


def _reads_like_teaser(block_text: str) -> bool:
    return bool(WIRE_HEAD.search(block_text) or TEASER_SIGN.search(block_text))


def _block_text(anchor: etree._Element, alone: dict[etree._Element, bool], targets: dict[str, str | None]) -> str:
    """The text of the teaser around a link: the widest of its few nearest ancestors that is
    about this link alone (holds no link elsewhere). A teaser often splits its title (in a
    heading) and its wire line (in a sibling) over several nested elements. `alone` remembers
    the answer for each ancestor: the links of a teaser share theirs."""
    teaser = None
    for depth, node in enumerate(anchor.iterancestors()):
        if depth >= TEASER_DEPTH or node.tag in PAGE_TAGS:
            break
        one = alone.get(node)
        if one is None:
            one = alone[node] = _one_target(node, targets)
        if not one:
            break
        teaser = node
    if teaser is None or teaser.tag in HEADINGS:
        return ""
    return _text(teaser)[:TEASER_TEXT_MAX]


def _one_target(element: etree._Element, targets: dict[str, str | None]) -> bool:
    """Whether all links inside `element` lead to one page (an image link and a title link
    may differ in a fragment or a tracking parameter)."""
    hrefs = {anchor.get("href") for anchor in element.iter("a")}
    return len(hrefs) <= 1 or len({_target_key(href, targets) for href in hrefs}) == 1


_SOME_PAGE = Resolver(SOME_PAGE)


def _target_key(href: str | None, targets: dict[str, str | None]) -> str | tuple[str | None]:
    """What two links to one page share: the href normalised against `SOME_PAGE`, or the href
    itself when it cannot be (such a link leads where no other href leads). A missing href
    counts as an empty one. `targets` remembers each href's normalised form."""
    key = href or ""
    if key not in targets:
        try:
            targets[key] = _SOME_PAGE(key)
        except UnsupportedURL:
            targets[key] = None
    target = targets[key]
    return (href,) if target is None else target


def _next_page_links(
    heads: list[etree._Element], outside: list[etree._Element], chrome: list[etree._Element],
    text_of: dict[etree._Element, str], url: str | None,
) -> list[str]:
    """Links and anchors with `rel="next"`, a label or text reading "next page", or (anchors)
    the next page number, in document order. Of the anchors, only the few that may be one are
    judged: a word or sign of "next page" in their text or in one of their attribute values,
    or (`url` given) a `=` in one of them. The links of a chrome element are read one by one
    only when its whole text, or its links' attribute values together, hold one."""
    marks = (*_NEXT_HINTS, "=") if url is not None else _NEXT_HINTS
    candidates = _hinted(outside, [text_of[anchor] for anchor in outside], marks)
    for element in chrome:
        text = etree.tostring(element, method="text", encoding="utf-8", with_tail=False).lower()
        by_text = any(hint in text for hint in _NEXT_HINT_BYTES)
        if by_text or _may_lead_on(element, marks):
            anchors = list(element.iter("a"))
            candidates += _hinted(anchors, list(map(_raw_text, anchors)) if by_text else None, marks)
    found = [(anchor, href) for anchor in candidates if (href := _next_href(anchor, url)) is not None]
    found += [(link, href) for link in heads if (href := _next_href(link, url)) is not None]
    if len(found) > 1:
        found.sort(key=lambda pair: _document_position(pair[0]))
    return [href for _, href in found]


def _may_lead_on(element: etree._Element, marks: tuple[str, ...]) -> bool:
    """Whether a link inside `element` holds one of `marks` in an attribute value. The values
    of all the links are joined in C (EXSLT's `str:concat`): a mark found only across two
    values is a false alarm that costs a look at each link, never a miss."""
    values = _LINK_VALUES(element).lower()
    return any(mark in values for mark in marks)


_LINK_VALUES = etree.XPath("str:concat(descendant::a/@*)", namespaces={"str": "http://exslt.org/strings"},
                           smart_strings=False)


def _hinted(anchors: list[etree._Element], texts: list[str] | None, marks: tuple[str, ...]) -> list[etree._Element]:
    """The ones of `anchors` (in document order) with a word or sign of "next page" in their
    text (`texts`, if given) or one of `marks` in one of their attribute values."""
    chosen = _holding(map("\t".join, map(_VALUES, anchors)), marks)
    if texts is not None:
        chosen |= _holding(texts, _NEXT_HINTS)
    return [anchors[index] for index in sorted(chosen)]


def _next_href(element: etree._Element, url: str | None) -> str | None:
    """The href of a `<link>` or anchor that leads to the next page of the listing at `url`."""
    href = element.get("href")
    if href is None:
        return None
    rel = element.get("rel")
    label = element.get("aria-label") or element.get("title")
    is_anchor = element.tag == "a"
    if (rel and "next" in rel.lower().split()) or (label and _NEXT_TEXT.match(label)) or (
            is_anchor and _reads_next(element)):
        return href
    if is_anchor and url is not None and "=" in href and _is_page_after(href, url):
        return href
    return None


def _document_position(element: etree._Element) -> list[int]:
    """Where `element` stands in the document: the index of it and each ancestor among its
    siblings, outermost first (lists compare in document order)."""
    path = []
    parent = element.getparent()
    while parent is not None:
        path.append(parent.index(element))
        element, parent = parent, parent.getparent()
    return path[::-1]


def _holding(texts: Iterable[str], marks: tuple[str, ...]) -> set[int]:
    """Which of `texts` hold one of `marks` once lower-cased: all searched at once, lower-cased
    and joined by NULs (no text of a tree holds one: libxml2's strings end at a NUL), a hit's
    text told by the NULs before it."""
    joined = "\0".join(texts)
    lowered = joined.lower()
    hits = []
    for mark in marks:
        at = lowered.find(mark)
        while at >= 0:
            hits.append(at)
            at = lowered.find(mark, at + 1)
    if not hits:
        return set()
    if len(lowered) != len(joined):  # lower() lengthened `İ`: one by one
        return {index for index, text in enumerate(joined.split("\0"))
                if any(mark in text.lower() for mark in marks)}
    chosen = set()
    index = previous = 0
    for at in sorted(hits):
        index += lowered.count("\0", previous, at)
        previous = at
        chosen.add(index)
    return chosen


_VALUES = etree._Element.values  # an element's attribute values


def _reads_next(anchor: etree._Element) -> bool:
    """The link's text says "next page"."""
    return _NEXT_TEXT.match(_text(anchor)) is not None


def _feed_links(heads: list[etree._Element]) -> Iterator[str]:
    for element in heads:
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
