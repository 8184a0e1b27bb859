"""The common form of any input document: blocks of text with their structure.

HTML and text dumps are both turned into a TextDocument; the wire grammar reads only this.
A block is what a browser shows as one line: its text, the link enclosing it, its role (the
tag it came from), the landmark it stands in, the chain of elements it is nested in, and the
places where inline elements meet without whitespace (`<span>ANP</span><span>Minister</span>`
reads `ANPMinister`, with a joint after `ANP`). A text dump's line is a block with none of
that: the grammar then reads by position, as the dumps are laid out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import NamedTuple

from ..items import PageDate, PageLink, PublicationWindow

# Soft hyphens, zero-width spaces and joiners, word joiners, stray BOMs: never visible.
INVISIBLE_CHARS = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))


class Role(Enum):
    """What the innermost block element of a block says it is."""

    LINE = "line"  # a line of a text dump, or text in a generic block (`<div>`)
    HEADING = "heading"  # h1-h6: `Block.level` says which
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list item"  # li, dt, dd
    CELL = "cell"  # td, th
    TIME = "time"  # the whole text of a `<time>` element
    CARD = "card"  # a link wrapping several elements: a teaser card
    PREFORMATTED = "preformatted"
    CAPTION = "caption"  # a figure's caption (`<figcaption>`, a caption class): photo text and credits


class Landmark(Enum):
    """The page region a block stands in (the innermost one)."""

    NONE = "none"
    HEADER = "header"
    MAIN = "main"  # `<main>` or `<article>`
    ASIDE = "aside"
    FOOTER = "footer"
    NAV = "nav"


class Block(NamedTuple):  # a tuple: a page has hundreds, and a tuple is built fastest
    """One visible line and where it stands.

    `containers`: ids of the block elements (and teaser cards) enclosing it, outermost
    first; two blocks with a common id are in one element (a card, a list, an article).
    `joints`: offsets in `text` where two inline elements meet with no whitespace between.
    """

    text: str
    link: str | None = None
    role: Role = Role.LINE
    level: int = 0  # 1-6 for a heading
    landmark: Landmark = Landmark.NONE
    containers: tuple[int, ...] = ()
    joints: tuple[int, ...] = ()


@dataclass
class TextDocument:
    """A document as the reader sees it: its blocks in reading order.

    Block texts are NFC-normalized, whitespace-collapsed and never empty (blank lines are
    dropped: the grammar does not depend on them). `heading` is the main heading (`<h1>`)
    when the markup has one. `title` is the article's title where the markup states it: the
    `<h1>` of the main content (`<main>`, `<article>`), else the headline the head's metadata
    gives (`og:title`, JSON-LD `headline`: the line it names, or itself); None in text dumps.
    `asides`: the container ids of `<aside>` elements. `stamps`: the window of the one `<time
    datetime>` showing no age (empty, a clock time, a date) that an element holds, by the
    element's container id (None where it holds several). `page_date` is a publication time
    from the page's own metadata. `page_links` are the page's links by role, when asked for
    (None otherwise, and for text dumps).
    """

    blocks: list[Block]
    heading: str | None = None
    title: str | None = None
    asides: frozenset[int] = frozenset()
    stamps: Mapping[int, PublicationWindow | None] = field(default_factory=dict)
    page_date: PageDate | None = None
    warnings: list[str] = field(default_factory=list)
    page_links: list[PageLink] | None = None

    @property
    def lines(self) -> list[str]:
        return [block.text for block in self.blocks]

    @property
    def links(self) -> list[str | None]:
        """`links[i]`: the absolute URL of the link enclosing line i, or None."""
        return [block.link for block in self.blocks]


def line_blocks(lines: list[str], links: list[str | None] | None = None) -> list[Block]:
    """Lines of text (a text dump's) as blocks: a line is a block and says nothing more."""
    # tuple.__new__ builds each Block in C (Block() runs a Python __new__ per line)
    if links is None:
        unlinked = _PLAIN[1:]
        return [_new_tuple(Block, (line,) + unlinked) for line in lines]
    rest = _PLAIN[2:]
    return [_new_tuple(Block, (line, link) + rest) for line, link in zip(lines, links)]


_PLAIN = Block("")  # a block that says nothing but its text
_new_tuple = tuple.__new__
