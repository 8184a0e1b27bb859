"""HTML to TextDocument: the visible text of a page as blocks, with their structure.

The markup of the sites is not known and changes, so nothing here depends on one site's
CSS classes: the document is parsed with lxml, boilerplate (scripts, navigation, the page's
header and footer, forms, hidden elements, cookie banners, ad slots, and blocks of nothing
but links) is dropped by generic rules, and the remaining text is laid out as a browser
would: a block per block element, `<br>` breaking a line, inline elements joined with the
whitespace the markup has (where they meet without any, a joint is noted). Each block keeps
its role (the tag), its landmark and the elements it is nested in. An inline element
holding only a relative age (`3 uur geleden`) becomes a block of its own, so an age never
glues onto body text. Optional per-site `SiteHints` (CSS selectors) may narrow the content
down.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, AnyStr
from urllib.parse import urljoin

from lxml import etree

from ..items import PageDate, PageLink, PublicationWindow, page_date_window
from ..urls import join_plain
from ..values import to_utc
from .ages import AGE_PHRASE, DIGIT_AGE_PHRASE, is_age_line
from .document import INVISIBLE_CHARS, Block, Landmark, Role, TextDocument
from .layout import READ_MORE_MAX, is_kicker, is_read_more, is_stamp
from .links import read_links
from .vocabulary import (
    AD_ELEMENT,
    AD_WORD,
    BANNER_TAG,
    CAPTION_INLINE_TAGS,
    CAPTION_WORD,
    CHROME_LANDMARKS,
    CHROME_ROLES,
    CONSENT_WORD,
    DASHES,
    EMBED_ELEMENT,
    HIDDEN_LAYOUT,
    HIDDEN_STYLE,
    INVISIBLE_TAGS,
    LINK_SEPARATORS,
    MODAL_ROLES,
    SECTIONING_TAGS,
    SHARE_WORD,
    TEASER_SIGN,
    WIRE_SIGN,
)
from .wire import parse_wire

_BLOCKS = frozenset(
    "address article aside blockquote body caption center dd details dir div dl dt fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend li main menu "
    "nav ol p pre section summary table tbody td tfoot th thead tr ul".split()
)
_SECTIONING = frozenset("article aside section".split())
_SUBHEADINGS = frozenset("h2 h3 h4 h5 h6".split())
_AGE_MAX_LEN = 40
_ROW_LINE_MIN_CELLS = 3
_ROW_LINE_MAX_CELL = 100

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")

# libxml2 checks each attribute of a start tag against the ones before it: a tag with n
# attributes costs n² (32,000 attributes: 7 s). Attributes past this many are dropped
# before the tree is built, so any input costs time linear in its size. The pattern reads
# a start tag as the HTML tokenizer does (libxml2 2.14 is one): names up to whitespace,
# `/`, `>` or `=`; values quoted or up to whitespace or `>`; possessive, so it never
# backtracks.
MAX_ATTRIBUTES = 64
_ATTRIBUTE = r"""[\s/]*+[^\s/>=]++(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s>]*+))?+"""
_TAG_NAME = r"<[a-zA-Z][^\s/>]*+"
# A tag name is all up to whitespace, `/` or `>`, `<` included: a search trying every `<` of
# `<a<a<a...` would read the rest of that run from each (160 KB: 73 s). Tags whose name runs
# past this length are rare (no element has such a name); they are read by `_cut_crowded`,
# which reads each run once.
_LONG_NAME = 256
# A tag that reaches the limit, or a long name run (the search: a tag at the limit is cut
# to itself, unchanged). The name is read at most `_LONG_NAME` characters at a time; the
# attributes are written out one after another (sre runs that faster than a counted repeat).
_SUSPECT = rf"<[a-zA-Z][^\s/>]{{0,{_LONG_NAME - 2}}}+(?:[^\s/>]|{_ATTRIBUTE * MAX_ATTRIBUTES})"
_SUSPECT_TAG = re.compile(_SUSPECT)
_SUSPECT_TAG_BYTES = re.compile(_SUSPECT.encode("ascii"))  # markup is ASCII: the same tags in UTF-8
# Two cheaper searches first (that one tries each tag's attributes in turn). A tag it finds is
# at least 2 * MAX_ATTRIBUTES + 2 characters long (`<`, a letter, then per attribute a name and
# a separator, or a quoted value), and holds no `>` but inside a quoted value, which follows a
# `=`. So either it runs that long from its `<` with no `>` (found by `_LONG_RUN`, up to the
# next `>`: the search need only read there), or some quoted value holds a `>` (`_QUOTED_GT`:
# then the whole text is searched). Most pages have neither.
_LONG_RUN = rf"<[a-zA-Z][^>]{{{2 * MAX_ATTRIBUTES - 2}}}[^>]*+"
_LONG_RUNS = re.compile(_LONG_RUN)
_LONG_RUNS_BYTES = re.compile(_LONG_RUN.encode("ascii"))
_QUOTED_GT = r"""=\s*+(?:"[^">]*+|'[^'>]*+)>"""
_QUOTED_GTS = re.compile(_QUOTED_GT)
_QUOTED_GTS_BYTES = re.compile(_QUOTED_GT.encode("ascii"))
# Each start tag from its name on, and the attributes past the limit when it has more.
_START_TAG = rf"{_TAG_NAME}(?:(?:{_ATTRIBUTE}){{{MAX_ATTRIBUTES}}}(?P<excess>(?:{_ATTRIBUTE})++))?"
_START_TAG_TEXT = re.compile(_START_TAG)
_START_TAG_BYTES = re.compile(_START_TAG.encode("ascii"))
_XML_DECLARATION_BYTES = re.compile(rb"^\s*<\?xml[^>]*>")
_DOCTYPE = re.compile(r"^\s*<!doctype[^>]*>", re.I)
_MEER_UIT = re.compile(r"meer uit\b", re.I)
_AGE_ATTRIBUTES = frozenset({"title", "aria-label"})
_TIME_NAME = re.compile(r"age|ago|time|date|relative|since", re.I)

_KNOWN_TAG = (
    r"(?:html|head|body|meta|title|link|script|style|div|p|span|a|h[1-6]|ul|ol|li|table|tr|td|"
    r"th|tbody|thead|article|section|main|header|footer|nav|aside|br|hr|img|strong|em|b|i|time|"
    r"figure|figcaption|dl|dt|dd|blockquote|form|noscript|template|small|pre|button|input|abbr)"
)
_DOCUMENT_START = re.compile(r"\s*(?:<!doctype\s+html|<\?xml|<html[\s>]|<!--)", re.I)
_TAG = re.compile(rf"</?{_KNOWN_TAG}(?:\s[^<>]*)?/?>", re.I)

_DATE_META = frozenset({
    "article:published_time", "og:article:published_time", "datepublished", "pubdate",
    "publish-date", "publishdate", "dc.date.issued", "dcterms.issued",
})
_TITLE_META = frozenset({"og:title", "twitter:title"})
_TITLE_SEPARATORS = frozenset("-|–—·:»")
_ARTICLE_TYPES = re.compile(r"(?:^|:|/)(?:\w*Article|BlogPosting)$")
_ISO_DATETIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6})\d*)?)?)?"
    r"\s*(Z|[+-]\d{2}(?::?\d{2})?)?",
    re.I,
)


@dataclass(frozen=True)
class SiteHints:
    """Optional CSS selectors for one site; refinements, never required.

    `root`: the element(s) holding the content (everything else is ignored).
    `drop`: elements to remove besides the generic boilerplate.
    """

    root: str | None = None
    drop: str | None = None


def looks_like_html(text: str) -> bool:
    """True for markup (a document or a fragment); False for a plain text dump.

    A text dump may contain `<`, `>` or URLs in its sentences; markup starts like a
    document or holds at least two tags of real HTML elements.
    """
    if _DOCUMENT_START.match(text.lstrip("\ufeff")):
        return True
    tags = _TAG.finditer(text)
    return next(tags, None) is not None and next(tags, None) is not None


def html_to_document(
    text: str,
    *,
    base_url: str | None = None,
    hints: SiteHints | None = None,
    with_links: bool = False,
    utf8: bytes | None = None,
) -> TextDocument:
    """The visible text of an HTML document as lines (and, `with_links`, its links by role,
    read from the same tree); never raises on odd markup. `utf8`: the document's bytes when
    they are exactly its text in UTF-8 (read faster than the text)."""
    warnings: list[str] = []
    root = _parse(text, warnings, utf8)
    if root is None:
        return TextDocument([], warnings=warnings, page_links=[] if with_links else None)
    try:
        document = _Layout(root, base_url, hints, warnings).document()
        if not document.lines:
            # Everything looked like boilerplate (a page wrapped in a form or a hidden shell):
            # better the whole visible text than nothing.
            document = _Layout(root, base_url, hints, warnings, generic_drops=False).document()
    except Exception as exc:  # lxml oddities must not stop a crawl; say what happened
        warnings.append(f"HTML could not be laid out: {type(exc).__name__}: {exc}")
        document = TextDocument([], warnings=warnings)
    if with_links:
        document.page_links = read_links(root, base_url)
    return document


def html_links(text: str, base_url: str | None) -> list[PageLink] | None:
    """The links by role of an HTML document (None when it is no HTML that parses)."""
    root = _parse(text, []) if looks_like_html(text) else None
    return None if root is None else read_links(root, base_url)


def bound_markup(text: AnyStr, warnings: list[str]) -> AnyStr:
    """`text` (or its UTF-8 bytes) with every start tag cut to its first MAX_ATTRIBUTES
    attributes (a warning says how many tags were cut); unchanged, and not copied, when no
    tag has more."""
    is_bytes = isinstance(text, bytes)
    if not _has_suspect_tag(text, is_bytes):
        return text
    pieces, cut = _cut_crowded(text, _START_TAG_BYTES if is_bytes else _START_TAG_TEXT)
    if not cut:
        return text
    warnings.append(f"{cut} start tag(s) with more than {MAX_ATTRIBUTES} attributes cut short")
    return text[:0].join(pieces)


def _has_suspect_tag(text: AnyStr, is_bytes: bool) -> bool:
    """Whether `_SUSPECT_TAG` finds a tag in `text`, read where the cheaper searches say one
    may stand (see `_LONG_RUN`), in the spans `_spans_with_tags` gives."""
    suspect: re.Pattern[Any] = _SUSPECT_TAG_BYTES if is_bytes else _SUSPECT_TAG
    quoted_gt: re.Pattern[Any] = _QUOTED_GTS_BYTES if is_bytes else _QUOTED_GTS
    spans = _spans_with_tags(text, is_bytes)
    if any(quoted_gt.search(text, start, end) is not None for start, end in spans):
        return suspect.search(text) is not None
    long_runs: re.Pattern[Any] = _LONG_RUNS_BYTES if is_bytes else _LONG_RUNS
    return any(
        suspect.search(text, run.start(), run.end()) is not None
        for start, end in spans for run in long_runs.finditer(text, start, end)
    )


# A script or style is most of a page's bytes, and its text seldom holds a `<`.
_RAW_TEXT_STARTS = ("<script", "<style")
_RAW_TEXT_STARTS_BYTES = (b"<script", b"<style")
_SKIPPED_MIN = 256  # shorter text is read, not skipped: each skip costs a few searches


def _spans_with_tags(text: AnyStr, is_bytes: bool) -> list[tuple[int, int]]:
    """The spans of `text` to search for suspect tags: all of it but the text after each
    script or style start tag, up to the next `<` (read by `find`, in C, a hundred times
    faster than a regex). Such text (after a `>`, holding no `<`) holds no piece of a
    suspect tag: a tag runs from its `<` up to the first `>` after it (see `_LONG_RUN`), or
    holds a quoted `>` then (`_QUOTED_GT`); the runs of `_LONG_RUN` and the matches of
    `_QUOTED_GT` inside tags that the spans hold are all of them."""
    starts: tuple[Any, ...] = _RAW_TEXT_STARTS_BYTES if is_bytes else _RAW_TEXT_STARTS
    gt: Any = b">" if is_bytes else ">"
    lt: Any = b"<" if is_bytes else "<"
    spans = []
    kept_from = 0
    for start in starts:
        if start not in text:
            continue
        at = text.find(start)
        while at != -1:
            content = text.find(gt, at) + 1  # (0: no `>` after it)
            end = text.find(lt, content) if content else -1
            if content and (end if end != -1 else len(text)) - content >= _SKIPPED_MIN:
                spans.append((content, end))
            at = text.find(start, end) if content and end != -1 else -1
    if not spans:
        return [(0, len(text))]
    result = []
    for content, end in sorted(spans):
        if content >= kept_from:
            result.append((kept_from, content))
            kept_from = end if end != -1 else len(text)
    result.append((kept_from, len(text)))
    return result


def _cut_crowded(text: AnyStr, start_tag: re.Pattern[Any]) -> tuple[list[AnyStr], int]:
    """The pieces of `text` that remain once the attributes past the limit are cut, and how
    many tags were cut. Tags are read left to right, each name run once: a tag starting
    inside another's name has the same name end, hence the same attributes, so it is cut
    or kept alike."""
    pieces: list[AnyStr] = []
    kept_from = 0
    cut = 0
    for match in start_tag.finditer(text):
        excess = match.start("excess")
        if excess >= 0:
            pieces.append(text[kept_from:excess])
            kept_from = match.end()
            cut += 1
    pieces.append(text[kept_from:])
    return pieces, cut


def _parse(text: str, warnings: list[str], utf8: bytes | None = None) -> etree._Element | None:
    """The tree of a document, from its text, or from `utf8` (its text as UTF-8 bytes) when
    given: libxml2 reads bytes in about half the time it needs for a str."""
    text = _XML_DECLARATION.sub("", text.lstrip("\ufeff"), count=1)
    if not text or text.isspace():
        return None
    # huge_tree: libxml2 otherwise stops at nesting depth 256 and drops the rest of the page
    # (it still stops at 2048, which keeps hostile nesting cheap)
    options = {"remove_comments": True, "remove_pis": True, "collect_ids": False, "huge_tree": True}
    try:
        if utf8 is not None:
            data = _XML_DECLARATION_BYTES.sub(b"", utf8.removeprefix(b"\xef\xbb\xbf"), count=1)
            root = etree.fromstring(bound_markup(data, warnings), etree.HTMLParser(encoding="utf-8", **options))
        else:
            root = etree.fromstring(bound_markup(text, warnings), etree.HTMLParser(**options))
    except (etree.LxmlError, ValueError):
        root = None
    if root is not None:
        return root
    try:  # BeautifulSoup repairs what libxml2 gives up on
        from lxml.html import soupparser

        return soupparser.fromstring(_DOCTYPE.sub("", text, count=1))
    except Exception as exc:
        warnings.append(f"HTML could not be parsed: {type(exc).__name__}")
        return None


@lru_cache(maxsize=64)
def _selector(css: str) -> Any:
    from lxml.cssselect import CSSSelector

    return CSSSelector(css)


def _select(root: etree._Element, css: str | None, warnings: list[str]) -> list[etree._Element] | None:
    """The elements a site hint selects; None (and a warning) when the selector is invalid."""
    if not css:
        return []
    try:
        return list(_selector(css)(root))
    except Exception as exc:
        warnings.append(f"site hint selector {css!r} ignored: {type(exc).__name__}")
        return None


def _is_boilerplate(element: etree._Element, tag: str) -> bool:
    """Hidden, a dialog or banner by its role, or a consent banner or embedded post by its
    class or id words; an ad slot or the site's own promotion by its class or id words, or (a
    custom element, `tag`) an ad slot or embed by its name."""
    if "-" in tag:
        if EMBED_ELEMENT.search(tag):
            return True
        if (AD_ELEMENT.search(tag) or CONSENT_WORD.search(tag)) and not _holds_wire_copy(element):
            return True
    for name, value in element.items():
        if name in ("class", "id"):
            word = _KEPT_BOILERPLATE_WORDS(value) if len(value) <= _KEPT_VALUE_MAX else _boilerplate_word(value)
            if word is _CONSENT:
                return True
            if word is _AD_OR_CHROME and not _holds_wire_copy(element):
                return True
        elif name == "hidden":
            return True
        elif name == "role" and value.strip().lower() in CHROME_ROLES:
            return value.strip().lower() in MODAL_ROLES or not _holds_wire_copy(element)
        elif name in ("aria-hidden", "aria-modal"):
            if value.strip().lower() == "true":
                return True
        elif name == "style" and HIDDEN_STYLE.search(value):
            return True
        elif name == "layout" and value.strip().lower() == HIDDEN_LAYOUT:
            return True
    return False


_CONSENT, _AD_OR_CHROME = "consent", "ad or chrome"
# Class and id values repeat on a page and across a site's pages: each one's words are
# searched once (a few regex searches per value), the answers kept for this many values, each
# of this many characters at most (a longer one is searched each time: a crawl keeps no
# hostile page's megabyte of class names).
_VALUES_KEPT = 4096
_KEPT_VALUE_MAX = 200


def _boilerplate_word(value: str) -> str | None:
    """What a class or id value names: a consent banner, an ad slot or chrome (share bars,
    the site's own promotion), or (None) neither."""
    if CONSENT_WORD.search(value):
        return _CONSENT
    if SHARE_WORD.search(value) is not None or AD_WORD.search(value) is not None:
        return _AD_OR_CHROME
    return None


def _names_caption(classes: str) -> bool:
    return CAPTION_WORD.search(classes) is not None


_KEPT_BOILERPLATE_WORDS = lru_cache(maxsize=_VALUES_KEPT)(_boilerplate_word)
_KEPT_CAPTION_WORDS = lru_cache(maxsize=_VALUES_KEPT)(_names_caption)


def _is_copy(line: str) -> bool:
    """A line of news: a wire line, or one showing an age or a clock time."""
    return TEASER_SIGN.search(line) is not None or parse_wire(line) is not None


def _footer_of_section(element: etree._Element) -> bool:
    """A footer of an article or aside holding a teaser's time or age, not the page footer
    nor an article's own footer of tags and categories."""
    if not any(parent.tag in _SECTIONING for parent in element.iterancestors()):
        return False
    if next(element.iter("time"), None) is not None:
        return True
    text = etree.tostring(element, method="text", encoding=str, with_tail=False)
    return AGE_PHRASE.search(text) is not None or WIRE_SIGN.search(text) is not None


_LANDMARK_TAGS = frozenset((*CHROME_LANDMARKS, BANNER_TAG))


@dataclass
class _Marked:
    """The elements the layout looks up beside its walk, each kind in document order."""

    headings: list[etree._Element] = field(default_factory=list)  # h1
    content: list[etree._Element] = field(default_factory=list)  # main and body
    base: etree._Element | None = None  # the first `<base href>` below the root
    scripts: list[etree._Element] = field(default_factory=list)  # for JSON-LD


def _marked(root: etree._Element) -> _Marked:
    """The elements `_Marked` holds, found in one pass over the tree (the scripts, read for
    JSON-LD on most pages, cost a pass of their own otherwise). The chrome landmarks are
    not looked up: the walk decides on each it reaches (see `_is_structural_drop`), and
    most stand inside one dropped already."""
    marked = _Marked()
    for element in root.iter("h1", "main", "body", "base", "script"):
        tag = element.tag
        if tag == "script":
            marked.scripts.append(element)
        elif tag == "h1":
            marked.headings.append(element)
        elif tag != "base":
            marked.content.append(element)
        elif marked.base is None and element is not root and element.get("href") is not None:
            marked.base = element
    return marked


def _protected(root: etree._Element, marked: _Marked) -> set[Any]:
    """The content heading (an h1 in main or article, else any h1), the main content, and
    everything around them: never boilerplate. A logo h1 inside a menu protects nothing
    when the article has its own h1."""
    headings = marked.headings
    in_content = [h for h in headings if any(a.tag in ("main", "article") for a in h.iterancestors())]
    protected: set[Any] = {root}
    for element in [*(in_content or headings), *marked.content]:
        protected.add(element)
        protected.update(element.iterancestors())
    return protected


def _is_structural_drop(element: etree._Element, tag: str, protected: set[Any]) -> bool:
    """Navigation, the page footer, the page header (banner) and forms (`tag`: one of
    `_LANDMARK_TAGS`), each dropped whole; kept when they wrap the page (a form around
    everything) or hold its heading, and navigation, a header or a footer holding wire copy
    (a sidebar marked up so). One inside another that is dropped is not looked at (its text
    is not read twice): the walk never reaches it (see `_dropped_above`)."""
    return (element not in protected
            and not (tag == "footer" and _footer_of_section(element))
            and not (tag == BANNER_TAG and _in_sectioning_content(element))
            and not (tag != "form" and _holds_wire_copy(element)))


def _dropped_above(top: etree._Element, protected: set[Any]) -> bool:
    """Whether a landmark around `top` (where a walk starts) is dropped: then none inside it
    is (see `_is_structural_drop`), as the landmarks are decided outer ones first."""
    around = [a for a in top.iterancestors() if a.tag in _LANDMARK_TAGS]
    return any(_is_structural_drop(a, a.tag, protected) for a in reversed(around))


def _in_sectioning_content(element: etree._Element) -> bool:
    return any(parent.tag in SECTIONING_TAGS for parent in element.iterancestors())


def _holds_wire_copy(element: etree._Element) -> bool:
    """Wire lines (`TEHERAN (ANP) - `) or `Net binnen` headlines: content, whatever the tag."""
    data = etree.tostring(element, method="text", encoding="utf-8", with_tail=False)
    # the substring tests first (footers are long, the regex is not cheap), on UTF-8 bytes:
    # bytes.lower() folds the ASCII letters only, all the signs are made of
    lowered = data.lower()
    if b"(anp" not in lowered and b"(afn" not in lowered and b"net binnen" not in lowered:
        return False
    return WIRE_SIGN.search(data.decode("utf-8")) is not None


def _is_age(text: str, in_time: bool) -> bool:
    if len(text) > _AGE_MAX_LEN:
        return False
    return bool((AGE_PHRASE if in_time else DIGIT_AGE_PHRASE).fullmatch(text.strip()))


def _is_inline_age(element: etree._Element, text: str) -> bool:
    """An age in digits (`3 uur geleden`) or `zojuist` in any inline element; an age in
    words (`een uur geleden`, `net`) only in a <time>, or in an element that stands apart
    from running text (only whitespace before it, and the end of the line after it)."""
    if _is_age(text, element.tag == "time"):
        return True
    return _is_age(text, True) and _stands_apart(element)


def _attribute_age(element: etree._Element) -> str | None:
    """The age an element without content states in an attribute, for a script to show
    (`<time datetime="..." title="3 uur geleden">`, `<span data-age="gisteren">`): an age
    phrase, known or not (`3 eeuwen geleden`, as on a line of its own), in `title`,
    `aria-label` or a `data-` attribute named for a time; an age in digits in any other
    `data-` attribute."""
    for name, value in element.items():
        if len(value) > _AGE_MAX_LEN:
            continue
        if name in _AGE_ATTRIBUTES or (name.startswith("data-") and _TIME_NAME.search(name)):
            value = " ".join(value.split())
            if value and is_age_line(value):
                return value
        elif name.startswith("data-") and _is_age(value, False):
            return " ".join(value.split())
    return None


def _age_behind_clock(time: etree._Element) -> str | None:
    """The age a `<time>` standing apart states in an attribute when it shows only a clock
    time or date (`<time datetime="..." title="3 uur geleden">09:00</time>`): the item's age,
    where the clock is how the site prints its time. None for any other `<time>`, and for one
    inside a line (`Sport <time>9:31</time> Titel`)."""
    if len(time) or not time.attrib:
        return None
    age = _attribute_age(time)
    if age is None or not is_stamp(_collapsed(time.text or "")):
        return None
    return age if _stands_apart(time) else None


def _stands_apart(element: etree._Element) -> bool:
    if element.tail and not element.tail.isspace():
        return False
    following = element.getnext()
    if following is not None and following.tag not in _BLOCKS and following.tag != "br":
        return False
    previous = element.getprevious()
    before = previous.tail if previous is not None else element.getparent().text
    return not before or before.isspace()


def _is_row_line(row: etree._Element) -> bool:
    """A row of three or more short one-line cells (`Tholen | 16:30 | Lijsttrekker gekozen`)
    reads as one line, as a browser shows it; a row of two (an item and its age), with an
    age or paragraphs in its cells, is a line per cell."""
    cells = [cell for cell in row if cell.tag in ("td", "th")]
    if len(cells) < _ROW_LINE_MIN_CELLS or len(cells) != len(row):
        return False
    for cell in cells:
        if any(inner.tag in _BLOCKS or inner.tag == "br" for inner in cell.iterdescendants()):
            return False
        text = " ".join("".join(cell.itertext()).split())
        if len(text) > _ROW_LINE_MAX_CELL or _is_age(text, True):
            return False
    return True


_BLOCK, _BREAK, _INLINE, _CARD, _DEFINITION = 0, 1, 2, 3, 4
_Entry = tuple[int, int, int, str]  # how to close an element: its kind, a flush or drop count, a mark, its tag
_Shape = tuple[Role, int, Landmark, tuple[int, ...], tuple[int, ...]]  # a Block's fields after its link
_LINE = (Role.LINE, 0)
_CARD_ROLE = (Role.CARD, 0)
_CAPTION_ROLE = (Role.CAPTION, 0)
_PARAGRAPH_ROLE = (Role.PARAGRAPH, 0)
_ROLES = {  # block tags that say more than "a line"; with the level of a heading
    **{f"h{level}": (Role.HEADING, level) for level in range(1, 7)},
    "p": _PARAGRAPH_ROLE, "li": (Role.LIST_ITEM, 0), "dt": (Role.LIST_ITEM, 0), "dd": (Role.LIST_ITEM, 0),
    "td": (Role.CELL, 0), "th": (Role.CELL, 0), "pre": (Role.PREFORMATTED, 0), "figcaption": _CAPTION_ROLE,
}
_LANDMARKS = {
    "header": Landmark.HEADER, "main": Landmark.MAIN, "article": Landmark.MAIN, "aside": Landmark.ASIDE,
    "footer": Landmark.FOOTER, "nav": Landmark.NAV,
}
# A block keeps the innermost elements it is nested in (items are a few levels deep), so
# hostile nesting costs no more per line than this.
_NESTING_KEPT = 64
# Joints matter to short lines only (titles, headings); longer lines are body text.
_JOINTS_MAX_LINE = 200
NOWHERE = ""  # the href of a link to no page (`mailto:`, `javascript:`): a link, no URL
_ABSOLUTE = ("http://", "https://")
_LISTS = frozenset(("ul", "ol", "menu"))
_WIRE_DASHES = tuple(f"{dash} " for dash in DASHES)  # a wire line has one, then a space
# Items only, each one link and no text beside it (decided in C, per list).
_ONE_LINK_PER_ITEM = etree.XPath(
    "not(*[not(self::li)]) and not(li[count(.//a) != 1 or normalize-space(.) != normalize-space(.//a)])"
)
_HREFS = etree.XPath(".//a/@href")
_STRING = etree.XPath("string()")


def _has_caption_class(element: etree._Element) -> bool:
    classes = element.get("class")
    if classes is None:
        return False
    return _KEPT_CAPTION_WORDS(classes) if len(classes) <= _KEPT_VALUE_MAX else _names_caption(classes)


def _is_card(link: etree._Element) -> bool:
    """A link wrapping several elements with no running text around it (`<a><span>Tholen
    </span><span>16:30</span><span>Titel</span></a>` beside the next such link): a teaser
    card, shown as a block of its own however its CSS does it."""
    if len(link) < 2 or (link.tail and not link.tail.isspace()):
        return False
    previous = link.getprevious()
    before = previous.tail if previous is not None else link.getparent().text
    return not before or before.isspace()


class _Stamps(Mapping[int, "PublicationWindow | None"]):
    """The windows of a page's `<time datetime>`s by element (see `_Layout._stamps`), worked
    out when first asked for: only an item that shows no age asks."""

    def __init__(self, read: Callable[[], dict[int, PublicationWindow | None]]) -> None:
        self._read = read
        self._table: dict[int, PublicationWindow | None] | None = None

    def _windows(self) -> dict[int, PublicationWindow | None]:
        if self._table is None:
            self._table = self._read()
        return self._table

    def __getitem__(self, element: int) -> PublicationWindow | None:
        return self._windows()[element]

    def __iter__(self) -> Iterator[int]:
        return iter(self._windows())

    def __len__(self) -> int:
        return len(self._windows())


class _Layout:
    """One walk over the tree that writes lines, their links, the h1s and the times seen."""

    def __init__(
        self,
        root: etree._Element,
        base_url: str | None,
        hints: SiteHints | None,
        warnings: list[str],
        *,
        generic_drops: bool = True,
    ) -> None:
        self.root = root
        self.hints = hints
        self.warnings = warnings
        self.marked = _marked(root)
        self.json_ld: dict[int, Any] = {}  # the data of each script of JSON-LD read so far, by its index
        self.base = _base_url(self.marked.base, base_url)
        self.generic_drops = generic_drops
        self.protected = _protected(root, self.marked)
        self.dropped: set[Any] = set()  # hints' drops, and the elements the walk dropped
        if hints is not None:
            self.dropped.update(_select(root, hints.drop, warnings) or ())
        self.lines: list[str] = []
        self.links: list[str | None] = []
        self.shapes: list[_Shape] = []  # the rest of each line's Block: role, landmark, nesting, joints
        self.open: list[int] = []  # the block elements (and cards) being walked: their ids
        self.entered = 0  # block elements (and cards) entered so far: the next id
        self.open_roles: list[tuple[Role, int]] = [_LINE]  # their roles and heading levels
        self.landmarks: list[Landmark] = [Landmark.NONE]
        self.asides: list[int] = []  # the ids of the <aside> elements
        self.term: tuple[etree._Element | None, int] | None = None  # the last `<dt>`: its list, its id
        self.line_role: Role | None = None  # the next line's role, when an inline element says it
        self.in_time = 0  # <time> elements open
        self.parts: list[str] = []  # the line being written: text pieces and their links
        self.part_links: list[str | None] = []
        self.flushes = 0
        self.hrefs: list[str | None] = [None]  # the enclosing <a>, innermost last
        self.pre = 0
        self.main_depth = 0
        self.row_lines: set[Any] = set()  # table rows whose cells make one line
        # (text, in main/article, h1, its joints)
        self.headings: list[tuple[str, bool, etree._Element, tuple[int, ...]]] = []
        self.times: list[tuple[int, str, etree._Element]] = []  # (line index, datetime, element)
        self.time_nesting: dict[Any, tuple[int, ...]] = {}  # each time's enclosing block elements
        self.subheadings: set[int] = set()  # lines that are an h2-h6
        self.chrome_dropped = 0  # link blocks and bars dropped so far

    def document(self) -> TextDocument:
        for top in self._content_roots():
            self._walk(top)
        self._flush()
        blocks = [  # built in C (Block() runs a Python __new__ per line)
            _new_tuple(Block, (line, link, *shape)) for line, link, shape in zip(self.lines, self.links, self.shapes)
        ]
        heading, title = self._heading_and_title()
        return TextDocument(
            blocks,
            heading=heading,
            title=title,
            asides=frozenset(self.asides),
            stamps=_Stamps(self._stamps) if self.times else {},
            page_date=self._page_date(),
            warnings=self.warnings,
        )

    def _content_roots(self) -> list[etree._Element]:
        css = self.hints.root if self.hints else None
        chosen = _select(self.root, css, self.warnings)
        if chosen == [] and css:
            self.warnings.append(f"site hint root {css!r} matched nothing; whole page used")
        chosen = chosen or []
        chosen_set = set(chosen)
        outermost = [el for el in chosen if not any(a in chosen_set for a in el.iterancestors())]
        if outermost:
            return outermost
        body = self.root.find("body")
        return [body if body is not None else self.root]

    # -- the walk ---------------------------------------------------------------------------

    def _walk(self, top: etree._Element) -> None:
        walker = etree.iterwalk(top, events=("start", "end"))
        stack: list[_Entry | None] = []
        push, pop = stack.append, stack.pop
        open_, close, add, parts = self._open, self._close, self._add, self.parts
        dropped, protected, generic_drops = self.dropped, self.protected, self.generic_drops
        landmarks = _LANDMARK_TAGS if generic_drops and not _dropped_above(top, protected) else ()
        for event, element in walker:  # the tag and text read once each: lxml builds a str per read
            if event == "start":
                tag = element.tag
                if tag.__class__ is str and tag not in INVISIBLE_TAGS and element not in dropped:
                    if tag in landmarks and _is_structural_drop(element, tag, protected):
                        dropped.add(element)
                    elif not generic_drops or element in protected:
                        push(open_(element, tag))
                        continue
                    elif _is_boilerplate(element, tag):
                        dropped.add(element)
                    elif tag in _LISTS and _is_link_list(element):
                        self.chrome_dropped += 1
                    else:
                        push(open_(element, tag))
                        continue
                walker.skip_subtree()  # not shown, or dropped
                push(None)
                if tag in _BLOCKS and parts:  # a block dropped between two runs of text parts them
                    self._flush()
                continue
            entry = pop()
            if entry is not None:
                close(element, entry)
            tail = element.tail
            if tail:
                add(tail)

    def _open(self, element: etree._Element, tag: str) -> _Entry:
        """Start an element; the entry says how to close it: (kind, flush count, mark, tag)."""
        if tag in _BLOCKS:
            if self.row_lines and (tag == "td" or tag == "th") and element.getparent() in self.row_lines:
                entry = (_INLINE, self.flushes, len(self.parts), tag)
                self._add(" ")  # a cell of a row read as one line
            else:
                entry = self._open_block(element, tag)
        elif tag in CAPTION_INLINE_TAGS and _has_caption_class(element):
            entry = self._open_block(element, tag)
        elif tag == "br":
            if self.parts:
                self._flush()
            entry = (_BREAK, 0, 0, tag)
        else:
            entry = self._open_inline(element, tag)
        text = element.text
        if text:
            if tag != "time":
                self._add(text)
            elif (age := _age_behind_clock(element)) is not None:
                self._line_of_its_own(age)
            elif self._opens_line_with_stamp(element):
                self._line_of_its_own(text)
            else:
                self._add(text)
        elif element.attrib and not len(element):
            age = _attribute_age(element)
            if age is not None:
                self._line_of_its_own(age)
        return entry

    def _open_inline(self, element: etree._Element, tag: str) -> _Entry:
        """Start an inline element (but `<br>`): a link, a teaser card, a `<time>`."""
        if tag == "a":
            self.hrefs.append(self._href(element.get("href")))
            if _is_card(element):
                if self.parts:
                    self._flush()
                self.open.append(self.entered)
                self.entered += 1
                self.open_roles.append(_CARD_ROLE)
                return (_CARD, self.flushes, 0, tag)
        elif tag == "time":
            self.in_time += 1
            stamp = element.get("datetime")
            if stamp:
                self.times.append((len(self.lines), stamp, element))
                self.time_nesting[element] = tuple(self.open[-_NESTING_KEPT:])
        return (_INLINE, self.flushes, len(self.parts), tag)

    def _open_block(self, element: etree._Element, tag: str) -> _Entry:
        if self.parts:
            self._flush()
        entry = (_BLOCK, self.chrome_dropped, len(self.lines), tag)  # (a block's: drops so far)
        if tag == "dt":
            self.term = (element.getparent(), self.entered)
        elif tag == "dd" and self.term is not None and self.term[0] is element.getparent():
            # a definition stands in the group of its term (`<dt>Tholen</dt><dd>16:30
            # Titel</dd>`): the term's id encloses it too
            self.open.append(self.term[1])
            entry = (_DEFINITION, *entry[1:])
        self.open.append(self.entered)
        self.entered += 1
        roles = self.open_roles
        if roles[-1] is _CAPTION_ROLE:  # every block inside a caption is the caption's
            roles.append(_CAPTION_ROLE)
        else:
            role = _ROLES.get(tag, _LINE)
            roles.append(_CAPTION_ROLE if (role is _LINE or role is _PARAGRAPH_ROLE) and _has_caption_class(element)
                         else role)
        landmark = _LANDMARKS.get(tag)
        if landmark is not None:
            self.landmarks.append(landmark)
            if tag == "aside":
                self.asides.append(self.entered - 1)
            elif tag == "main" or tag == "article":
                self.main_depth += 1
        elif tag == "pre":
            self.pre += 1
        elif tag == "tr" and _is_row_line(element):
            self.row_lines.add(element)
        return entry

    def _opens_line_with_stamp(self, time: etree._Element) -> bool:
        """A `<time>` showing only a clock time or date at the start of a line that goes on
        (`<p><time>09:12</time> GOES (ANP) - ...</p>`): a line of its own, off the dateline."""
        return (
            not len(time) and bool(time.tail) and not time.tail.isspace()
            and not "".join(self.parts).strip() and is_stamp(_collapsed(time.text or ""))
        )

    def _close(self, element: etree._Element, entry: _Entry) -> None:
        kind, flushes, mark, tag = entry
        if kind == _BLOCK or kind == _DEFINITION:
            if self.parts:
                self._flush()
            own = self.open.pop()
            if kind == _DEFINITION:
                self.open.pop()  # its term's group
            self.open_roles.pop()
            if tag in _LANDMARKS:
                self.landmarks.pop()
            lines = self.lines
            if len(lines) > mark:
                # the cheap test first: most blocks end in a line that is no link (see _drop_link_lines)
                if (self.generic_drops and (self.links[-1] is not None or len(lines) - 1 in self.subheadings)
                        and element not in self.protected):
                    self._drop_link_lines(mark, flushes)
                if tag in _SUBHEADINGS:
                    self.subheadings.add(len(lines) - 1)
            if tag == "h1":
                self._close_h1(element, mark, own)
            elif tag == "pre":
                self.pre -= 1
            elif tag == "main" or tag == "article":
                self.main_depth -= 1
        elif kind == _INLINE:
            if flushes == self.flushes and len(self.parts) > mark:
                self._own_line_or_none(mark, element)
            if tag == "a":
                self.hrefs.pop()
            elif tag == "time":
                self.in_time -= 1
        elif kind == _CARD:
            if self.parts:
                self._flush()
            self.open.pop()
            self.open_roles.pop()
            self.hrefs.pop()

    def _drop_link_lines(self, mark: int, drops_before: int) -> None:
        """A block of links and nothing else, whatever its classes say: a menu, breadcrumbs,
        tags, share buttons, a related or most-read list, a grid of teaser cards without
        wire copy. Its lines (from `mark` on) are dropped unless one shows an age, a clock
        time or a wire line (then it is a list of teasers or headlines). Subheadings above the
        links (`Meest gelezen`) go with them, also when the links were dropped already."""
        lines, links = self.lines, self.links
        headings = self.subheadings
        body = [i for i in range(mark, len(lines)) if links[i] is not None or i not in headings]
        if not body:
            if self.chrome_dropped == drops_before:
                return
        elif len(body) < 2 or any(links[index] is None for index in body):
            return
        elif any(map(_is_copy, lines[mark:])):
            return
        del lines[mark:], links[mark:], self.shapes[mark:]
        self.times = [time for time in self.times if time[0] < mark]
        self.subheadings = {index for index in self.subheadings if index < mark}
        self.chrome_dropped += 1

    def _add(self, text: str) -> None:
        """Add a text node to the line; inside <pre> its newlines break the line, and a
        text node that is an age in digits (`<a>...</a> 3 uur geleden`) is a line of its own."""
        if self.pre and "\n" in text:
            for index, piece in enumerate(text.split("\n")):
                if index:
                    self._flush()
                self._add(piece)
            return
        if len(text) <= _AGE_MAX_LEN and DIGIT_AGE_PHRASE.fullmatch(text.strip()) is not None:
            self._line_of_its_own(text)
        else:
            self.parts.append(text)
            self.part_links.append(self.hrefs[-1])

    def _line_of_its_own(self, text: str) -> None:
        """`text` (an age) as a line of its own, a `<time>`'s inside one."""
        self._flush()
        self.parts.append(text)
        self.part_links.append(self.hrefs[-1])
        if self.in_time:
            self.line_role = Role.TIME
        self._flush()

    def _own_line_or_none(self, mark: int, element: etree._Element) -> None:
        """An inline element whose whole text is an age becomes a line of its own; a
        "read more" link is dropped."""
        parts = self.parts
        text = "".join(parts[mark:])
        if len(text) > 2 * max(_AGE_MAX_LEN, READ_MORE_MAX):
            return
        text = " ".join(text.split())
        if element.tag == "a" and is_read_more(text):
            del parts[mark:], self.part_links[mark:]
        elif _is_inline_age(element, text):
            age, age_links = parts[mark:], self.part_links[mark:]
            del parts[mark:], self.part_links[mark:]
            self._flush()
            parts.extend(age)
            self.part_links.extend(age_links)
            if self.in_time:
                self.line_role = Role.TIME
            self._flush()

    def _flush(self) -> None:
        """End the line being written (nothing happens when it is empty)."""
        parts = self.parts
        if not parts:
            return
        glued = len(parts) > 1
        text = "".join(parts) if glued else parts[0]
        if not text.isascii():
            text = _visible(text)
        # as `_collapsed`, without the call: most lines read so already
        if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
            line = text
        else:
            line = " ".join(text.split())
        if line and self.generic_drops and glued and self._is_link_bar(line):
            self.chrome_dropped += 1
        elif line:
            if not line.isascii() and not unicodedata.is_normalized("NFC", line):
                line = unicodedata.normalize("NFC", line)
            self.lines.append(line)
            self.links.append(self._line_link() if glued else self.part_links[0] or None)
            role, level = self.open_roles[-1]
            if self.line_role is not None:
                role, level, self.line_role = self.line_role, 0, None
            joints = _joints(parts) if glued and len(line) <= _JOINTS_MAX_LINE else ()
            self.shapes.append((role, level, self.landmarks[-1], tuple(self.open[-_NESTING_KEPT:]), joints))
        parts.clear()
        self.part_links.clear()
        self.flushes += 1

    def _is_link_bar(self, line: str) -> bool:
        """A line of several links and separators only (`Home › Regio`, `Facebook WhatsApp`,
        tags) that shows no wire copy: chrome, like a block of links."""
        hrefs = set()
        for text, href in zip(self.parts, self.part_links):
            if href is not None:
                hrefs.add(href)
            elif not text.isspace() and text.strip(LINK_SEPARATORS):
                return False
        return len(hrefs) > 1 and not _is_copy(line)

    def _line_link(self) -> str | None:
        """The link enclosing the whole line: every visible part lies in the same `<a>`."""
        links = {href for text, href in zip(self.parts, self.part_links) if not text.isspace()}
        return (links.pop() or None) if len(links) == 1 else None

    def _href(self, href: str | None) -> str | None:
        """The absolute URL of a link; NOWHERE for a link that leads to no page."""
        if href is None:
            return NOWHERE
        href = href.strip()
        if not _leads_to_a_page(href):
            return NOWHERE
        if not self.base or href.startswith(_ABSOLUTE):
            return href
        joined = join_plain(self.base, href, keep_fragment=True)
        if joined is not None:
            return joined
        try:
            return urljoin(self.base, href)
        except ValueError:
            return NOWHERE

    def _close_h1(self, element: etree._Element, mark: int, own: int) -> None:
        """Note the h1 (lines from `mark` on). An h1 broken over several lines (a `<br>`,
        spans or divs inside it) is one heading: its lines become one block. A kicker on a
        line of its own at its start (see `_kicker_line`) is a line above the heading."""
        lines = self.lines
        kicked = len(lines) > mark + 1 and _kicker_line(element, lines[mark], lines[mark + 1])
        if kicked:  # the kicker stands in the h1's parent, not in the h1: no heading, no title
            self.shapes[mark] = (Role.LINE, 0, self.shapes[mark][2], tuple(self.open[-_NESTING_KEPT:]), ())
            mark += 1
        if len(lines) > mark + 1 or kicked:
            links = set(self.links[mark:])
            lines[mark:] = [" ".join(lines[mark:])]
            self.links[mark:] = [links.pop() if len(links) == 1 else None]
            nesting = (*self.open[-(_NESTING_KEPT - 1) :], own)
            joints = self.shapes[mark][4] if len(lines) == mark + 1 else ()
            self.shapes[mark:] = [(Role.HEADING, 1, self.shapes[mark][2], nesting, joints)]
            self.times = [(min(index, mark), stamp, time) for index, stamp, time in self.times]
            self.subheadings = {index for index in self.subheadings if index < mark}
        if len(lines) > mark:
            self.headings.append((lines[mark], self.main_depth > 0, element, self.shapes[mark][4]))

    def _heading(self) -> tuple[str | None, etree._Element | None]:
        """The first h1 with text inside main content (main, article), else the first one:
        its text and its element."""
        chosen = next((h for h in self.headings if h[1]), self.headings[0] if self.headings else None)
        return (chosen[0], chosen[2]) if chosen else (None, None)

    def _heading_and_title(self) -> tuple[str | None, str | None]:
        """The page's heading and the article's title as the markup states it. An h1 of the
        main content is both. Else the heading is the line the head's titles name (`<Title>
        | <Site>`: a page without h1, or whose only h1 is the logo), or the first h1; the
        title is the line the headline metadata names (`og:title`, JSON-LD `headline`; the
        `<title>` also names the site, a logo h1 is no article's), or None."""
        if any(heading[1] for heading in self.headings):
            text, _, element, joints = next(heading for heading in self.headings if heading[1])
            return text, _without_kicker(text, element, joints)
        headlines = _headline_metadata(self.root, self._json_ld_articles())
        title = _line_named_by(headlines, self.lines)
        named = title if title is not None else _line_named_by(_page_titles(self.root), self.lines)
        return (named if named is not None else self._heading()[0]), title

    # -- the page's own date ----------------------------------------------------------------

    def _page_date(self) -> PageDate | None:
        try:
            return _meta_date(self.root) or _json_ld_date(self._json_ld_articles()) or self._time_date()
        except Exception as exc:  # odd values are a missing date, not a failed parse
            self.warnings.append(f"page date ignored: {type(exc).__name__}")
            return None

    def _json_ld_articles(self) -> Iterator[dict[str, Any]]:
        """The articles the page's JSON-LD describes; each script is read once, for the
        title and the date alike."""
        return _json_ld_articles(self.marked.scripts, self.json_ld)

    def _stamps(self) -> dict[int, PublicationWindow | None]:
        """The window of each `<time datetime>` that shows no age (it is empty, or shows a
        clock time or a date: a teaser's time as a script or the site prints it), by each
        element around it; None for an element around several that differ."""
        stamps: dict[int, PublicationWindow | None] = {}
        for _, stamp, element in self.times:
            if _shows_age(element) or _attribute_age(element) is not None:
                continue  # the age it shows or states is the item's
            moment = parse_datetime(stamp)
            if moment is None:
                continue
            window = page_date_window(PageDate(moment, "time", date_precision(stamp)))
            for container in self.time_nesting[element]:
                stamps[container] = window if stamps.get(container, window) == window else None
        return stamps

    def _time_date(self) -> PageDate | None:
        """A visible `<time datetime>` of the lead: the only one beside the h1, or on an
        article with a `Meer uit` sidebar the earliest there (a page states when it was
        published, and may state when it was updated), else the only one before `Meer uit`.
        Times after `Meer uit`, and times shown as an age, are items'."""
        meer_uit = next((i for i, line in enumerate(self.lines) if _MEER_UIT.match(line)), None)
        times = [
            (stamp, element) for index, stamp, element in self.times
            if (meer_uit is None or index < meer_uit) and not _shows_age(element)
        ]
        h1 = self._heading()[1]
        holder = h1.getparent() if h1 is not None else None
        candidates = [s for s, el in times if any(a is holder for a in el.iterancestors())]
        if len(candidates) > 1 and meer_uit is not None:  # an article's: published, then updated
            stated = [(moment, stamp) for stamp in candidates if (moment := parse_datetime(stamp)) is not None]
            candidates = [min(stated)[1]] if stated else candidates
        if len(candidates) != 1 and meer_uit is not None:
            candidates = [stamp for stamp, _ in times]
        moment = parse_datetime(candidates[0]) if len(candidates) == 1 else None
        return PageDate(moment, "time", date_precision(candidates[0])) if moment is not None else None


def _headline_metadata(root: etree._Element, json_ld_articles: Iterable[dict[str, Any]]) -> list[str]:
    """The article's headline as metadata gives it: og:title / twitter:title in the head,
    then the `headline` of a JSON-LD article."""
    head = root.find("head")
    titles = [] if head is None else [
        meta.get("content") or "" for meta in head.iter("meta")
        if (meta.get("property") or meta.get("name") or "").lower() in _TITLE_META
    ]
    titles += [thing["headline"] for thing in json_ld_articles if isinstance(thing.get("headline"), str)]
    return _clean_titles(titles)


def _page_titles(root: etree._Element) -> list[str]:
    """The `<title>` of the head (it names the site too)."""
    head = root.find("head")
    return [] if head is None else _clean_titles(["".join(title.itertext()) for title in head.iter("title")])


def _clean_titles(titles: list[str]) -> list[str]:
    return [" ".join(title.split()) for title in titles if title and not title.isspace()]


def _line_named_by(titles: list[str], lines: list[str]) -> str | None:
    """The line one of the titles is; else, of the lines it begins or ends with beside a
    separator (`Dijk wordt verhoogd | Zeeuws Nieuwsblad`), the last above the first wire
    line: the site's name, the other part, heads the page."""
    for title in titles:
        if title in lines:
            return title
        parts = [index for index, line in enumerate(lines) if _names_part(title, line)]
        if parts:
            top = next((index for index, line in enumerate(lines) if parse_wire(line)), len(lines))
            above = [index for index in parts if index < top]
            return lines[(above or parts)[-1]]
    return None


def _names_part(title: str, line: str) -> bool:
    """`line` is the start or the end of `title`, beside a separator (`|`, `-`, `:`)."""
    if len(line) >= len(title) or line[:1] not in title:
        return False
    if title.startswith(line):
        return title[len(line) :].lstrip()[:1] in _TITLE_SEPARATORS
    return title.endswith(line) and title[: -len(line)].rstrip()[-1:] in _TITLE_SEPARATORS


def _without_kicker(heading: str, h1: etree._Element, joints: tuple[int, ...]) -> str:
    """The h1's text without a kicker that inline markup sets at its start: a label (see
    `is_kicker`, ending in a letter) in the h1's leading element (see `_leading_label`),
    or glued on at the first joint, before a capitalised word (`<small>Buitenland</small>
    Britten: ...`, `<span>Buitenland</span>Britten: ...`: no title reads `Buitenland
    Britten` or `BuitenlandBritten`). A drop cap (`B|ritten`) or a name in capitals
    (`Post|NL`) stays whole, and so does a headline whose first word the markup merely
    stresses (`<b>Ajax</b> wint`)."""
    label = _leading_label(h1)
    if label is not None and heading.startswith(label + " "):
        kicker, rest = label, heading[len(label) + 1 :]
    elif joints:
        kicker, rest = heading[: joints[0]], heading[joints[0] :]
        if not (len(rest) > 1 and rest[1].islower()):
            return heading
    else:
        return heading
    if rest[:1].isupper() and kicker[-1].isalpha() and is_kicker(kicker):
        return rest
    return heading


def _kicker_line(h1: etree._Element, first: str, second: str) -> bool:
    """Whether the h1's first line `first` is a kicker (`<h1><span class="kicker">Buitenland
    </span><br>Britten: ...</h1>`, or in a block of its own): a label (see `is_kicker`,
    ending in a letter) in the h1's leading element (see `_leading_label`), above a
    headline that starts with a capital."""
    if not (first[-1:].isalpha() and second[:1].isupper() and is_kicker(first)):
        return False
    return _leading_label(h1) == first


def _leading_label(h1: etree._Element) -> str | None:
    """The text of the element the h1 opens with (down through wrappers: `<h1><a>...</a>
    </h1>`) when markup sets it apart from the headline after it: that is bare text, or an
    element of another tag or class. None for a headline broken alike (`<span>Storm</span>
    <br><span>Op komst</span>`)."""
    node = h1
    while not (node.text and not node.text.isspace()):
        children = [child for child in node if isinstance(child.tag, str) and child.tag not in INVISIBLE_TAGS]
        if not children or children[0].tag == "br":
            return None
        leading = children[0]
        if len(children) > 1 or (leading.tail and not leading.tail.isspace()):
            break
        node = leading
    else:
        return None
    for following in children:  # from the leading element on, its tail, then what follows
        if following is not leading and following.tag != "br":
            if (following.tag, following.get("class")) == (leading.tag, leading.get("class")):
                return None
            break
        if following.tail and not following.tail.isspace():
            break  # the headline is bare text after it
    else:
        return None
    return " ".join("".join(leading.itertext()).split())


def _shows_age(element: etree._Element) -> bool:
    return _is_age(" ".join("".join(element.itertext()).split()), True)


def _visible(text: str) -> str:
    """`text` without invisible characters; itself when it holds none (the cheap tests
    first: none is ASCII, and `in` scans in C where `translate` looks up every character)."""
    if text.isascii() or not any(char in text for char in _INVISIBLE):
        return text
    return text.translate(INVISIBLE_CHARS)


_INVISIBLE = tuple(map(chr, INVISIBLE_CHARS))
_new_tuple = tuple.__new__
def _collapsed(text: str) -> str:
    """`" ".join(text.split())`: `text` itself when it reads so already (printable, so spaces
    are its only whitespace, single and inside: most lines; tested in C, where splitting
    builds a string per word)."""
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


def _joints(parts: list[str]) -> tuple[int, ...]:
    """Where in the collapsed line `"".join(parts)` two parts meet with no whitespace
    between them (each part is a text node: an element boundary lies between two)."""
    joints = []
    length = 0
    glued = False  # the text so far ends in a visible character
    for part in parts:
        words = _visible(part).split()
        if not words:
            glued = glued and not part.isspace()  # an invisible-only part joins what it separates
            continue
        if length:
            if glued and not part[0].isspace():
                joints.append(length)
            else:
                length += 1
        length += sum(map(len, words)) + len(words) - 1
        glued = not part[-1].isspace()
    return tuple(joints)


def _is_link_list(element: etree._Element) -> bool:
    """A list of nothing but links, one per item, showing no wire copy, age or clock time (a
    menu, a most-read list): its lines would be dropped as a block of links (see
    `_Layout._drop_link_lines`), so it is not walked at all."""
    if len(element) < 2 or not _ONE_LINK_PER_ITEM(element):
        return False
    hrefs = _HREFS(element)
    if len(hrefs) != len(element) or not all(map(_leads_to_a_page, hrefs)):
        return False
    text = _STRING(element)
    if TEASER_SIGN.search(text) or WIRE_SIGN.search(text):
        return False
    return not any(dash in text for dash in _WIRE_DASHES) or not any(
        _is_copy(" ".join(_STRING(item).split())) for item in element
    )


def _leads_to_a_page(href: str | None) -> bool:
    href = (href or "").strip().lower()
    return bool(href) and not href.startswith(("javascript:", "mailto:", "tel:"))


def _base_url(base_element: etree._Element | None, base_url: str | None) -> str | None:
    """The URL links are resolved against: the page's `<base href>` (see `_Marked`) read
    against its own URL."""
    if base_element is None:
        return base_url
    try:
        return urljoin(base_url or "", base_element.get("href", "").strip()) or base_url
    except ValueError:
        return base_url


def _meta_date(root: etree._Element) -> PageDate | None:
    """The publication time in the head's metadata (in the body, `itemprop` metadata may
    belong to a teaser)."""
    head = root.find("head")
    for meta in (head if head is not None else root).iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if key in _DATE_META:
            moment = parse_datetime(meta.get("content") or "")
            if moment is not None:
                return PageDate(moment, "meta", date_precision(meta.get("content") or ""))
    return None


def _json_ld_date(json_ld_articles: Iterable[dict[str, Any]]) -> PageDate | None:
    for thing in json_ld_articles:
        if isinstance(thing.get("datePublished"), str):
            moment = parse_datetime(thing["datePublished"])
            if moment is not None:
                return PageDate(moment, "json-ld", date_precision(thing["datePublished"]))
    return None


def _json_ld_articles(scripts: list[etree._Element], read: dict[int, Any]) -> Iterator[dict[str, Any]]:
    """The articles (`NewsArticle`, `BlogPosting`, ...) the page's JSON-LD describes; `read`
    keeps each script's data (None: no JSON-LD) for the next reader."""
    for index, script in enumerate(scripts):
        if index not in read:
            read[index] = _json_ld_data(script)
        data = read[index]
        if data is not None:
            yield from (thing for thing in _json_ld_things(data) if _is_article(thing.get("@type")))


def _json_ld_data(script: etree._Element) -> Any:
    if "ld+json" not in (script.get("type") or "").lower() or not script.text:
        return None
    try:
        return json.loads(script.text)
    except ValueError:
        return None


def _json_ld_things(data: Any) -> Iterator[dict[str, Any]]:
    """Top-level JSON-LD objects: the object itself, list members, `@graph` members."""
    items: Iterable[Any] = data if isinstance(data, list) else [data]
    for thing in items:
        if isinstance(thing, dict):
            yield thing
            graph = thing.get("@graph")
            if isinstance(graph, list):
                yield from (member for member in graph if isinstance(member, dict))


def _is_article(kind: Any) -> bool:
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(k, str) and _ARTICLE_TYPES.search(k) for k in kinds)


def date_precision(value: str) -> str:
    """What an ISO 8601 value states: `day` (a date alone), `minute` or `second`."""
    match = _ISO_DATETIME.fullmatch(value.strip())
    if match is None or match.group(4) is None:
        return "day"
    return "minute" if match.group(6) is None else "second"


def parse_datetime(value: str) -> datetime | None:
    """An ISO 8601 date or date-time in UTC (a naive one is taken as UTC); None if invalid."""
    match = _ISO_DATETIME.fullmatch(value.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        moment = datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0),
            int((fraction or "0").ljust(6, "0")),
        )
        if zone and zone.upper() != "Z":
            sign = -1 if zone[0] == "-" else 1
            digits = zone[1:].replace(":", "")
            offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0))
            moment = moment.replace(tzinfo=timezone(sign * offset))
        elif zone:
            moment = moment.replace(tzinfo=timezone.utc)
        return to_utc(moment)
    except (ValueError, OverflowError):
        return None
