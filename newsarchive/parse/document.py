"""The common form of any input document: text lines, whatever the markup was.

HTML and text dumps are both turned into a TextDocument; the wire grammar reads only this.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..items import PageDate, PageLink

# Soft hyphens, zero-width spaces and joiners, word joiners, stray BOMs: never visible.
INVISIBLE_CHARS = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))


@dataclass
class TextDocument:
    """A document as the reader sees it: one entry per visible line, in reading order.

    `lines` are NFC-normalized, whitespace-collapsed and never empty (blank lines are
    dropped: the grammar does not depend on them). `links[i]` is the absolute URL of the
    link enclosing line i, or None. `heading` is the main heading (`<h1>`) when the markup
    has one. `page_date` is a publication time from the page's own metadata. `page_links`
    are the page's links by role, when asked for (None otherwise, and for text dumps).
    """

    lines: list[str]
    links: list[str | None] = field(default_factory=list)
    heading: str | None = None
    page_date: PageDate | None = None
    warnings: list[str] = field(default_factory=list)
    page_links: list[PageLink] | None = None

    def __post_init__(self) -> None:
        if not self.links:
            self.links = [None] * len(self.lines)
