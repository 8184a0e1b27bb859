"""Lines of a page -> its structure: kind, title, section, lead, items, headlines.

The grammar works on non-empty lines only (blank lines differ between layouts and
markups, so nothing depends on them). Each line becomes a Token; the page is then read
from the token sequence:

- a `Meer uit <Section>` line makes an article: the lead before it, the sidebar after it;
- without it, wire items (wire lines with ages, or several with agencies) or `Net binnen`
  headlines make a listing; a lone dateline paragraph makes an article without sidebar;
  anything else is no wire page at all (kind "unknown").

Text dumps put each item's age below its wire line (glued onto the next line or alone);
markup may put it above, and may print the sidebar before the article: both are read.
Where the markup says it, the grammar reads structure, not position: the sidebar is the
element the `Meer uit` heading opens (or an `<aside>` around it) wherever it stands, the
title is the `<h1>` of the main content (or the headline metadata names), an item is the
element holding its wire line, a headline split over cells is the element holding its parts.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from itertools import chain
from operator import itemgetter
from typing import NamedTuple

from ..items import Headline, Item, Lead, ParsedPage, PublicationWindow
from .ages import AGE_MAX, age_window, is_age_line
from .document import Block, Role, TextDocument, line_blocks
from .vocabulary import (
    CHROME_LINE,
    CHROME_LINE_MAX,
    CLOCK,
    DASHES,
    PHOTO_CREDIT,
    PHOTO_CREDIT_MAX,
    PHOTO_NOTE,
    PHOTO_NOTE_MAX,
    may_hold_photo_credit,
    may_hold_photo_note,
)
from .wire import WireLine, looks_like_wire, parse_wire, read_line, split_trailing_age


class Kind(Enum):
    AGE = "age"
    WIRE = "wire"
    MEER_UIT = "meer uit"
    NET_BINNEN = "net binnen"
    HEADLINE = "headline"
    DATE = "date"  # a date or clock time alone: `maandag 3 november 2025`, `09:12`, `17-3-2026 09:12`
    EDITION = "edition"
    BANNER = "banner"
    CHROME = "chrome"  # a "read more" link's text, an ad's label, a share bar's prompt
    METADATA = "metadata"  # `Door ANP - 5-9-2016, 14:50 (Update ...)`, `Door Jan Smit`: neither title nor body
    CAPTION = "caption"  # a photo's caption or credit: neither title, body nor item
    OTHER = "other"


# Each kind as a module name: a global is read with one lookup, `Kind.AGE` with an attribute
# lookup on the Enum class every time (the tokenizer reads kinds thousands of times a second).
_AGE_KIND = Kind.AGE
_WIRE_KIND = Kind.WIRE
_MEER_UIT_KIND = Kind.MEER_UIT
_NET_BINNEN_KIND = Kind.NET_BINNEN
_HEADLINE_KIND = Kind.HEADLINE
_DATE_KIND = Kind.DATE
_EDITION_KIND = Kind.EDITION
_BANNER_KIND = Kind.BANNER
_CHROME_KIND = Kind.CHROME
_METADATA_KIND = Kind.METADATA
_CAPTION_KIND = Kind.CAPTION
_OTHER_KIND = Kind.OTHER


class Token(NamedTuple):
    kind: Kind
    text: str
    block: Block  # the block the token was read from
    wire: WireLine | None = None
    headline: Headline | None = None
    section: str | None = None  # of a `Meer uit` line
    item: int | None = None  # of a wire line: the element holding its item (see _mark_items)


# `Meer uit Sport`, `Meer uit: de regio »`, and spans glued by markup: `Meer uitSport`.
_KIND = itemgetter(0)  # of a Token
_BLOCK = itemgetter(2)  # of a Token
_CONTAINERS = itemgetter(5)  # of a Block
_MEER_UIT = re.compile(
    r"meer uit(?P<gap>:?\s*)(?P<section>[^\W\d_][^\d]{0,40}?)[\s:»›>]*", re.IGNORECASE
)
# A section name has a few words; more, or a full stop, make a sentence about more news.
_SECTION_WORDS = 4
_NET_BINNEN = re.compile(r"net binnen\s*:?", re.IGNORECASE)
_HEADLINE = re.compile(
    r"(?P<dash>[-–•·]\s*)?(?P<section>[^\W\d_][^\d]{0,40}?)\s*"
    rf"(?P<time>{CLOCK})\s*(?P<title>\S.*)"
)
_HEADLINE_SECTION_WORDS = 4
_HEADLINE_PARTS = 3  # a section, a time, a title: each in a block of its own at most
# a title may read like a wire line (`Oranje - VS ...`), a clock time stand in a block of its own
_HEADLINE_PART_KINDS = (_OTHER_KIND, _WIRE_KIND, _DATE_KIND)
_CLOCK_AT_END = re.compile(rf"(?<![\d:.]){CLOCK}$")
_DAY = r"(?:maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag)"
_MONTH = (
    r"(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december)"
)
_DATE = re.compile(rf"(?:{_DAY},?\s+)?\d{{1,2}}\s+{_MONTH}\s+\d{{4}}", re.IGNORECASE)
_SHORT_MONTH = r"(?:jan|feb|mrt|apr|jun|jul|aug|sept?|okt|nov|dec)\.?"
_CLOCK_SHOWN = rf"(?:{CLOCK}|(?:[01]?\d|2[0-3])\.[0-5]\d)(?:\s*uur)?"
_STAMP_LABEL = r"(?:gepubliceerd|geplaatst|bijgewerkt|laatst bijgewerkt|aangepast|update)(?:\s+op)?\s*:?\s*"
# A date or clock time standing alone, as a `<time>` shows a publication time (`09:12`,
# `17 maart 2026, 09:12`, `di 17-03-2026 om 9.12 uur`, `Bijgewerkt: 17 mrt 2026`): the
# page's or a teaser's time, never its text.
_STAMP = re.compile(
    rf"(?:{_STAMP_LABEL})?(?:(?:(?:{_DAY},?\s+)?(?:\d{{1,2}}\s+(?:{_MONTH}|{_SHORT_MONTH})(?:\s+\d{{4}})?"
    rf"|\d{{1,2}}[-/.]\d{{1,2}}[-/.]\d{{2,4}}))(?:\s*(?:,|om|\||[{DASHES}·•])?\s*{_CLOCK_SHOWN})?|{_CLOCK_SHOWN})",
    re.IGNORECASE,
)
_EDITION = re.compile(r"editie\s*:", re.IGNORECASE)
# A byline with the time of publication: `Door ANP - 5-9-2016, 14:50 (Update: 15:10)`,
# `Bron: Omroep Zeeland | 3 maart 2026`.
_METADATA = re.compile(
    rf"(?:door|bron)\b:?\s*[^\d]{{1,60}}?\s*[{DASHES}|,·•]\s*"
    rf"(?:\d{{1,2}}[-/.]\d{{1,2}}[-/.]\d{{2,4}}|(?:{_DAY},?\s+)?\d{{1,2}}\s+{_MONTH}\s+\d{{4}})\b.*",
    re.IGNORECASE,
)
# A byline or source alone on its line: `Door Jan de Vries`, `Door ANP`, `Bron: Omroep Zeeland`,
# `Door onze verslaggever`; a name's words are capitalised (`Door de storm ...` is a sentence).
_NAME_WORD = r"(?:[A-ZÀ-Ý][\w'’./-]*|van|de|der|den|ter|ten|het|'t|en|&|/)"
_BYLINE_NAME = re.compile(
    rf"(?:[Dd]oor|[Bb]ron:)\s+(?:[A-ZÀ-Ý][\w'’./-]*(?:\s+{_NAME_WORD}){{0,5}}"
    r"|(?:onze|de) (?:verslaggevers?|redactie|correspondent(?:en)?)\w*)"
)
_METADATA_STARTS = ("door", "bron")
_METADATA_INITIALS = "dDbB"  # the cheap test first
# How every line above starts (a read-more link after its arrows); other lines are text.
_MAY_BE_SPECIAL = re.compile(
    rf"[\s»›>→….:]*(?:meer|net|editie|lees|read|verder|\d|{_DAY}|gepubliceerd|geplaatst|bijgewerkt|laatst|"
    r"aangepast|update)", re.IGNORECASE
)
# The text of a "read more" link under a teaser: a button in all but name.
_READ_MORE = re.compile(
    r"(?:lees|read)\s+(?:meer|verder|more|het hele (?:artikel|bericht))|verder lezen|meer lezen",
    re.I,
)
READ_MORE_MAX = 40
_CROSS_REFERENCE = re.compile(r"(?:lees|bekijk|kijk|zie|luister)\s+(?:ook|hier)\b\s*:?", re.I)
_CROSS_REFERENCE_INITIALS = frozenset("LlBbKkZz")  # the cheap test first
_PAGER = re.compile(r"[«‹<←\s]*(?:vorige|volgende|pagina|page|previous|next|sorteer)\b", re.I)
_EDITOR = re.compile(r"(?:\b\w\s){3,}\w\b|\balinea\b", re.IGNORECASE)
_SOURCE_PREFIX = "ANP "
# Longer lines are body text or titles: no heading, date, banner or headline is this long.
_SHORT_LINE = 200
_BYLINE_WORDS = 8
_KICKER_WORDS = 3
_SENTENCE_END = ".!?\"”’'"
# Captions and chrome lines that end a sentence are this short at most, and name a photo or a
# video (`Deze video kan niet worden afgespeeld.`, `Foto: ANP.`): other lines ending so are copy.
_SHORT_CHROME = 60
_QUOTE_PREVIEW = 60

_NO_STAMPS: Mapping[int, PublicationWindow | None] = {}
_new_tuple = tuple.__new__  # builds a Token in C (Token() runs a Python __new__)


def read_page(
    lines: list[str], links: list[str | None], fetched_at: datetime, heading: str | None
) -> ParsedPage:
    """The structure of a page given as its non-empty lines (url left for the caller)."""
    return read_blocks(line_blocks(lines, links), fetched_at, heading)


def read_document(document: TextDocument, fetched_at: datetime) -> ParsedPage:
    """The structure of a document (url, page date and links left for the caller)."""
    return read_blocks(
        document.blocks, fetched_at, document.heading, title=document.title, asides=document.asides,
        stamps=document.stamps,
    )


def read_blocks(
    blocks: list[Block],
    fetched_at: datetime,
    heading: str | None,
    *,
    title: str | None = None,
    asides: frozenset[int] = frozenset(),
    stamps: Mapping[int, PublicationWindow | None] = _NO_STAMPS,
) -> ParsedPage:
    """`heading`, `title`, `asides`, `stamps`: what the markup says (see TextDocument)."""
    tokens = _mark_items(_mark_headline_runs(_tokenize(blocks)))
    meer_uit = _find_meer_uit(tokens)
    if meer_uit is not None:
        return _read_article(tokens, meer_uit, fetched_at, heading, title, asides, stamps)
    return _read_without_meer_uit(tokens, fetched_at, heading, title, stamps)


# --- tokens ------------------------------------------------------------------------------


def _tokenize(blocks: list[Block]) -> list[Token]:
    tokens: list[Token] = []
    add = tokens.append
    new = tuple.__new__  # builds each Token in C (Token() runs a Python __new__)
    age_kind, wire_kind, other_kind = _AGE_KIND, _WIRE_KIND, _OTHER_KIND
    caption_role = Role.CAPTION
    on_top = True  # no wire line yet: where the webmail banner stands
    for block in blocks:  # one loop, few calls per line: text dumps are read thousands a second
        text = block.text
        if block.role is caption_role:  # wire-shaped too (`GOES - De dijk. Foto: ANP`)
            add(new(Token, (_CAPTION_KIND, text, block, None, None, None, None)))
            continue
        if "ƫ" in text:  # a damaged `ë` seen in real dumps (`Financiƫn`)
            text = text.replace("ƫ", "ë")
        if len(text) <= AGE_MAX and is_age_line(text):
            add(new(Token, (age_kind, text, block, None, None, None, None)))  # an unknown phrase is warned of later
            continue
        if text[:1] in _METADATA_INITIALS and text[:4].lower() in _METADATA_STARTS and (
            _METADATA.fullmatch(text) or _BYLINE_NAME.fullmatch(text)
        ):
            add(new(Token, (_METADATA_KIND, text, block, None, None, None, None)))
            continue
        age, rest, wire = read_line(text)
        if wire is not None and rest[-1] not in _SENTENCE_END and is_photo_credit(rest):  # `GOES - De dijk. Foto: ANP`
            wire = None
        if age is not None:
            add(new(Token, (age_kind, age, block, None, None, None, None)))
        if wire is None:
            if len(rest) > _SHORT_LINE:  # only short lines can be anything but plain text
                add(new(Token, (other_kind, rest, block, None, None, None, None)))
            else:
                add(_other_token(rest, block, on_top))
            continue
        on_top = False
        trailing = split_trailing_age(rest)
        if trailing is None:
            add(new(Token, (wire_kind, rest, block, wire, None, None, None)))
        else:
            rest, age = trailing
            add(new(Token, (wire_kind, rest, block, parse_wire(rest) or wire, None, None, None)))
            add(new(Token, (age_kind, age, block, None, None, None, None)))
    return tokens


def _other_token(text: str, block: Block, on_top: bool) -> Token:
    """A short line (see _SHORT_LINE) that is no wire line. The webmail banner heads the page
    (`on_top`: above the first wire line); further down, `webmail` is just a word in a title."""
    if text[-1] not in _SENTENCE_END or (  # the cheap tests first: copy ends a sentence
        len(text) <= _SHORT_CHROME and ("ideo" in text or may_hold_photo_credit(text))
    ):
        if is_photo_credit(text):
            return Token(_CAPTION_KIND, text, block)
        if len(text) <= CHROME_LINE_MAX and CHROME_LINE.fullmatch(text) is not None:
            return Token(_CHROME_KIND, text, block)
    if may_hold_photo_note(text) and is_photo_note(text):
        return Token(_CAPTION_KIND, text, block)
    if _MAY_BE_SPECIAL.match(text) is not None:  # the cheap test first: one regex, not five
        special = _special_token(text, block)
        if special is not None:
            return special
    if on_top and "webmail" in text.lower():
        return Token(_BANNER_KIND, text, block)
    return _new_tuple(Token, (_OTHER_KIND, text, block, None, None, None, None))  # in C: the common answer


def _special_token(text: str, block: Block) -> Token | None:
    """A read-more link, `Meer uit`, `Net binnen`, a date or edition line; else None."""
    if is_read_more(text):
        return Token(_CHROME_KIND, text, block)
    meer_uit = _MEER_UIT.fullmatch(text)
    if meer_uit is not None:
        section = _meer_uit_section(meer_uit, block)
        return None if section is None else Token(_MEER_UIT_KIND, text, block, section=section)
    if _NET_BINNEN.fullmatch(text):
        return Token(_NET_BINNEN_KIND, text, block)
    if _STAMP.fullmatch(text):
        return Token(_DATE_KIND, text, block)
    if _EDITION.match(text):
        return Token(_EDITION_KIND, text, block)
    return None


def is_stamp(text: str) -> bool:
    """A date or clock time alone (`09:12`, `17 maart 2026, 09:12`): a time shown, no text."""
    return len(text) <= _SHORT_LINE and _STAMP.fullmatch(text) is not None


def is_photo_credit(text: str) -> bool:
    """A photo's credit, alone or closing its caption (`Foto: ANP / Jan Smit`, `De dijk bij
    laag water. Beeld: Rijkswaterstaat`): a caption in a text dump, neither title nor body."""
    start = max(0, len(text) - PHOTO_CREDIT_MAX)
    return may_hold_photo_credit(text[start:]) and PHOTO_CREDIT.search(text, start) is not None


def is_photo_note(text: str) -> bool:
    """A caption that names itself one with no credit (`Archiefbeeld van de Zeelandbrug`,
    `De dijk in 1953 (archieffoto)`): like a credited caption, neither title nor body."""
    return len(text) <= PHOTO_NOTE_MAX and PHOTO_NOTE.fullmatch(text) is not None


def is_read_more(text: str) -> bool:
    """The text of a "read more" link (`Lees meer »`): no title, no body text."""
    return len(text) <= READ_MORE_MAX and _READ_MORE.fullmatch(text.strip(" »›>→….:")) is not None


def _meer_uit_section(match: re.Match[str], block: Block) -> str | None:
    """The section of a `Meer uit <Section>` heading; None for a sentence that starts so.
    Glued to the words (`Meer uitSport`), it is a section where markup shows two elements
    meeting there, or (a text dump) where a capital starts it."""
    section = match.group("section").strip()
    if not match.group("gap"):
        glued_at = match.start("section")
        apart = glued_at in block.joints if block.containers else section[0].isupper()
        if not apart:
            return None
    if section[-1] in _SENTENCE_END:
        return None
    return section if len(section.split()) <= _SECTION_WORDS else None


def _headline(text: str, url: str | None = None) -> tuple[Headline, bool] | None:
    """The headline in `- Sport 9:31 Title` (or `Sport9:31Title`), linked to `url`, and
    whether it had the dash."""
    match = _HEADLINE.fullmatch(text)
    if match is None:
        return None
    section = match.group("section").strip()
    if len(section.split()) > _HEADLINE_SECTION_WORDS or section.startswith(_SOURCE_PREFIX):
        return None
    headline = Headline(section, match.group("time"), match.group("title").strip(), url)
    return headline, match.group("dash") is not None


def _mark_headline_runs(tokens: list[Token]) -> list[Token]:
    """The lines after `Net binnen` that read as headlines. When the first has the leading
    `- `, all must (HTML may drop it and glue the parts: `Tholen16:30Title`)."""
    if _NET_BINNEN_KIND not in map(_KIND, tokens):  # most pages have none
        return tokens
    result = list(tokens)
    for start, token in enumerate(tokens):
        if token.kind is not _NET_BINNEN_KIND:
            continue
        dashed = None
        index = start + 1
        while index < len(tokens) and tokens[index].kind is _OTHER_KIND:
            parts = _headline_parts(tokens, index)
            url = next((t.block.link for t in parts if t.block.link), None)
            found = _headline(" ".join(token.text for token in parts), url)
            if found is None or (dashed is not None and found[1] != dashed):
                break
            headline, dashed = found
            first = parts[0]  # first._replace(kind=_HEADLINE_KIND, headline=headline), in C:
            result[index] = _new_tuple(Token, (_HEADLINE_KIND, *first[1:4], headline, *first[5:]))
            for following in range(index + 1, index + len(parts)):  # parts of the headline above
                result[following] = tokens[following]._replace(kind=_HEADLINE_KIND)
            index += len(parts)
    return result


def _headline_parts(tokens: list[Token], index: int) -> list[Token]:
    """The lines that make the headline starting at tokens[index]. Markup may split one
    over blocks (`Tholen` | `16:30 Titel` in the two cells of a row, or three blocks of a
    list item): a line that is no headline on its own takes the fewest lines after it that
    make one with it (a title may read like a wire line), when one element holds those
    lines and nothing else. Else (a text dump, a definition list: `Tholen 16:30` | `Titel`)
    a line ending in the clock time takes the next line."""
    token = tokens[index]
    if token.block.containers and _headline(token.text) is None:
        text = token.text
        for end in range(index + 1, min(len(tokens), index + _HEADLINE_PARTS)):
            if tokens[end].kind not in _HEADLINE_PART_KINDS:
                break
            text = f"{text} {tokens[end].text}"
            if _headline(text) is not None:
                if _element_of(tokens, index, end + 1):
                    return tokens[index : end + 1]
                break
    after = index + 1
    if after < len(tokens) and tokens[after].kind is _OTHER_KIND and _CLOCK_AT_END.search(token.text):
        return tokens[index : after + 1]
    return [token]


def _element_of(tokens: list[Token], start: int, end: int) -> bool:
    """Whether one element holds tokens[start:end] and neither line beside them."""
    shared = set(tokens[start].block.containers).intersection(
        *(token.block.containers for token in tokens[start + 1 : end])
    )
    for beside in (tokens[start - 1 : start] if start else []) + tokens[end : end + 1]:
        shared.difference_update(beside.block.containers)
    return bool(shared)


# Lines that head a part of the page: the element of an item never holds one of them.
_ANCHORS = (_WIRE_KIND, _MEER_UIT_KIND, _NET_BINNEN_KIND)


def _mark_items(tokens: list[Token]) -> list[Token]:
    """Each wire line's item element, where markup says it: the widest element around the
    line that holds no other wire line, no `Meer uit` or `Net binnen` heading and no `<h1>`
    (a teaser card, a list item, a table row, a teaser article). Lines of a text dump stand
    in no element: their items are read by position."""
    if not any(map(_CONTAINERS, map(_BLOCK, tokens))):  # in C: text dumps are read thousands a second
        return tokens
    settled = _settle_wire_lines(tokens)  # a title shaped like a wire line is no item of its own
    anchors = {
        id(token.block): token.block for token in settled
        if token.block.containers
        and (token.kind in _ANCHORS or (token.block.role is Role.HEADING and token.block.level == 1))
    }
    shared = Counter(chain.from_iterable(block.containers for block in anchors.values()))
    result = list(tokens)
    for index, token in enumerate(settled):
        if token.kind is _WIRE_KIND and token.block.containers:
            item = next((element for element in token.block.containers if shared[element] == 1), None)
            result[index] = _new_tuple(Token, token[:-1] + (item,))  # token._replace(item=item), in C
    return result


def _find_meer_uit(tokens: list[Token]) -> int | None:
    """The `Meer uit` line that opens the sidebar: the first after the lead's dateline."""
    kinds = list(map(_KIND, tokens))  # searched in C: most pages have one `Meer uit` or none
    if _MEER_UIT_KIND not in kinds:
        return None
    after_wire = kinds.index(_WIRE_KIND) + 1 if _WIRE_KIND in kinds else len(kinds)
    try:
        return kinds.index(_MEER_UIT_KIND, after_wire)
    except ValueError:  # none after a wire line: the first there is
        return kinds.index(_MEER_UIT_KIND)


# --- articles and listings ---------------------------------------------------------------


def _read_article(
    tokens: list[Token],
    meer_uit: int,
    fetched_at: datetime,
    heading: str | None,
    title: str | None,
    asides: frozenset[int],
    stamps: Mapping[int, PublicationWindow | None],
) -> ParsedPage:
    parts = _split_at_sidebar(tokens, meer_uit, heading, asides)
    if parts is not None:
        above, below = parts
        dateline = _lead_dateline(above, heading)
    else:  # by position: the lead above `Meer uit`, the sidebar below it
        above, below = tokens[:meer_uit], tokens[meer_uit + 1 :]
        dateline = _lead_dateline(above, heading)
        if dateline is None:  # the sidebar before the article
            start = _lead_below_sidebar(below, heading)
            if start is not None:
                above, below = above + below[start:], below[:start]
                dateline = _lead_dateline(above, heading)
    lead, warnings = _read_lead(above, heading, dateline, title)
    sidebar = _read_items(below, fetched_at, stamps, after_heading=True)
    return ParsedPage(
        fetched_at=fetched_at,
        url=None,
        kind="article",
        title=lead.title,
        section=tokens[meer_uit].section,
        lead=lead,
        items=sidebar.items,
        headlines=_headlines(tokens),
        warnings=warnings + sidebar.warnings,
    )


def _split_at_sidebar(
    tokens: list[Token], meer_uit: int, heading: str | None, asides: frozenset[int]
) -> tuple[list[Token], list[Token]] | None:
    """(the lead's tokens, the sidebar's after its heading) where markup says where the
    sidebar stands (see `_sidebar_span`). The lead is what stands outside it: before it;
    or, with no wire line before it (the lead below the sidebar in the markup), before it
    and, after it, the element of the `heading` `<h1>`. None where the markup does not say,
    or the sidebar leaves no wire line for the lead."""
    span = _sidebar_span(tokens, meer_uit, asides)
    if span is None:
        return None
    start, end = span
    before, after = tokens[:start], tokens[end:]
    if not any(token.kind is _WIRE_KIND for token in chain(before, after)):
        return None
    sidebar_tokens = tokens[meer_uit + 1 : end]
    if any(token.kind is _WIRE_KIND and token.text != heading for token in before):
        return before, sidebar_tokens
    return before + _heading_element(after, heading), sidebar_tokens


def _heading_element(tokens: list[Token], heading: str | None) -> list[Token]:
    """The tokens of the innermost element around the `heading` `<h1>` that holds a wire
    line besides it (the lead's article, without the teasers after it); all of them
    without one."""
    h1 = next(
        (t for t in tokens if t.text == heading and t.block.role is Role.HEADING and t.block.level == 1), None
    )
    if h1 is not None:
        for element in reversed(h1.block.containers[:-1]):  # the last is the h1 itself
            held = [token for token in tokens if element in token.block.containers]
            if any(token.kind is _WIRE_KIND and token is not h1 for token in held):
                return held
    return tokens


def _sidebar_span(tokens: list[Token], meer_uit: int, asides: frozenset[int]) -> tuple[int, int] | None:
    """Where the sidebar stands, `tokens[start:end]` (see `_sidebar_element`, and where
    the heading shares its element with the lead, `_heading_section`); None in a text dump,
    and where the markup says nothing."""
    containers = tokens[meer_uit].block.containers
    if not containers:
        return None
    sidebar = _sidebar_element(tokens, meer_uit, asides)
    if sidebar is None:
        return _heading_section(tokens, meer_uit)
    inside = [index for index, token in enumerate(tokens) if sidebar in token.block.containers]
    return inside[0], inside[-1] + 1


def _sidebar_element(tokens: list[Token], meer_uit: int, asides: frozenset[int]) -> int | None:
    """The element that is the sidebar: the innermost around the `Meer uit` heading that
    opens with it and holds wire lines, else an `<aside>` around the heading holding them.
    None where the heading shares its element with what stands above it (a table cell
    holding the lead too)."""
    containers = tokens[meer_uit].block.containers
    held = [token.block.containers for token in tokens[meer_uit + 1 :] if token.kind is _WIRE_KIND]
    earlier = set(chain.from_iterable(token.block.containers for token in tokens[:meer_uit]))
    for element in reversed(containers):
        if element in earlier:
            break
        if any(element in nesting for nesting in held):
            return element
    aside = next((element for element in reversed(containers) if element in asides), None)
    return aside if aside is not None and any(aside in nesting for nesting in held) else None


def _heading_section(tokens: list[Token], meer_uit: int) -> tuple[int, int] | None:
    """The section a `Meer uit` heading opens inside the element it shares with the lead:
    the heading and what follows it in that element, up to the next heading of its rank or
    higher (a heading that is no heading element, `<b>Meer uit</b>`, is closed by the
    element's end only). None when that holds no wire line."""
    block = tokens[meer_uit].block
    earlier = set(chain.from_iterable(token.block.containers for token in tokens[:meer_uit]))
    parent = next((element for element in reversed(block.containers) if element in earlier), None)
    if parent is None:
        return None
    rank = block.level if block.role is Role.HEADING else 0
    end = meer_uit + 1
    while end < len(tokens) and parent in tokens[end].block.containers:
        following = tokens[end].block
        if rank and following.role is Role.HEADING and following.level <= rank:
            break
        end += 1
    if not any(token.kind is _WIRE_KIND for token in tokens[meer_uit + 1 : end]):
        return None
    return meer_uit, end


def _lead_below_sidebar(tokens: list[Token], heading: str | None) -> int | None:
    """Where the lead starts when a page without the structure of markup (see
    `_split_at_sidebar`) puts it after the sidebar: at the document's heading when a wire
    line follows it; else the first wire line without an age that has a paragraph under it
    (with the line above it as its title)."""
    if heading is not None:
        for index, token in enumerate(tokens):
            if token.text == heading and token.kind is _OTHER_KIND:
                if any(t.kind is _WIRE_KIND for t in tokens[index + 1 :]):
                    return index
                break
    for index, token in enumerate(tokens[:-1]):
        if token.kind is _WIRE_KIND and tokens[index + 1].kind is _OTHER_KIND:
            above = index - 1
            return above if above >= 0 and tokens[above].kind is _OTHER_KIND else index
    return None


def _read_without_meer_uit(
    tokens: list[Token],
    fetched_at: datetime,
    heading: str | None,
    title: str | None,
    stamps: Mapping[int, PublicationWindow | None],
) -> ParsedPage:
    listing = _read_items(tokens, fetched_at, stamps, after_heading=False)
    headlines = _headlines(tokens)
    wires = [t for t in tokens if t.kind is _WIRE_KIND]
    with_agencies = sum(1 for item in listing.items if item.agencies)
    if any(item.age_text for item in listing.items) or with_agencies > 1 or headlines:
        section = _listing_section(listing.preamble, heading)
        return ParsedPage(
            kind="listing",
            url=None,
            fetched_at=fetched_at,
            title=section,
            section=section,
            items=listing.items,
            headlines=headlines,
            warnings=listing.warnings,
        )
    if any(w.wire is not None and w.wire.strict for w in wires):
        lead, warnings = _read_lead(tokens, heading, _lead_dateline(tokens, heading), title)
        return ParsedPage(
            "article", None, fetched_at, title=lead.title, lead=lead, warnings=warnings
        )
    return ParsedPage(
        "unknown", None, fetched_at, warnings=["no wire page found: no dateline, item or headline"]
    )


def _headlines(tokens: list[Token]) -> list[Headline]:
    if _HEADLINE_KIND not in map(_KIND, tokens):  # in C: most pages have none
        return []
    return [t.headline for t in tokens if t.kind is _HEADLINE_KIND and t.headline is not None]


def _listing_section(preamble: list[Token], heading: str | None) -> str | None:
    """A listing's section heading: the h1 when it precedes the items, else the last plain line."""
    plain = [t.text for t in preamble if t.kind is _OTHER_KIND]
    if heading is not None and heading in plain:
        return heading
    headings = [text for text in plain if _may_be_section(text)]
    return headings[-1] if headings else None


def _may_be_section(text: str) -> bool:
    """Not a pager (`Pagina 2 van 14`, `« Vorige`, `1 2 3`): section names hold no digits."""
    return _PAGER.match(text) is None and not any(char.isdigit() for char in text)


# --- the lead ----------------------------------------------------------------------------


_NOT_BODY = (
    _BANNER_KIND, _CHROME_KIND, _NET_BINNEN_KIND, _HEADLINE_KIND, _AGE_KIND, _METADATA_KIND, _CAPTION_KIND, _DATE_KIND,
)
_NOT_TITLE = (*_NOT_BODY, _EDITION_KIND)


def _read_lead(
    tokens: list[Token], heading: str | None, start: int | None, stated: str | None = None
) -> tuple[Lead, list[str]]:
    """The lead article in `tokens`, whose dateline paragraph is tokens[start]; `stated`:
    its title where the markup states it (see TextDocument.title), else chosen by position."""
    before = tokens if start is None else tokens[:start]
    candidates = [t for t in before if _may_be_title(t)]
    title = stated or _choose_title(candidates, heading)
    if start is None:
        paragraphs = [t.text for t in tokens if _may_be_title(t) and t.text != title]
        return Lead(title, None, (), (), tuple(paragraphs)), ["lead article has no dateline"]
    wire = tokens[start].wire
    assert wire is not None
    paragraphs = [wire.body]
    paragraphs += [
        t.text for t in tokens[start + 1 :]
        if t.kind not in _NOT_BODY
        and (t.text[:1] not in _CROSS_REFERENCE_INITIALS or not _is_cross_reference(t.text))
    ]
    byline = None
    if len(paragraphs) > 1 and _is_byline(paragraphs[-1]):
        byline = paragraphs.pop()
    lead = Lead(title, wire.dateline, wire.places, wire.agencies, tuple(paragraphs), byline)
    return lead, []


def _lead_dateline(tokens: list[Token], heading: str | None) -> int | None:
    """Index of the lead's dateline paragraph: the first wire line in capitals that is not
    the title itself (`NAVO - top begint` above `BRUSSEL (ANP) - ...`)."""
    wires = [i for i, t in enumerate(tokens) if t.kind is _WIRE_KIND]
    strict = [i for i in wires if tokens[i].wire.strict]  # type: ignore[union-attr]
    for i in strict:
        if tokens[i].text != heading and not _reads_as_title(tokens, i, wires):
            return i
    if strict:
        return strict[-1]
    mixed = [i for i in wires if i > 0]
    return mixed[0] if mixed else None


def _reads_as_title(tokens: list[Token], index: int, wires: list[int]) -> bool:
    """A wire-shaped line standing where the title stands: no agencies, nothing but
    banners and kickers above it, a wire line further down, and no full stop at its end."""
    wire = tokens[index].wire
    assert wire is not None
    return (
        not wire.agencies
        and wire.body[-1:] not in _SENTENCE_END
        and wires[-1] > index
        and all(t.kind is not _OTHER_KIND or is_kicker(t.text) for t in tokens[:index])
    )


def _may_be_title(token: Token) -> bool:
    if token.kind in _NOT_TITLE:
        return False
    return _EDITOR.search(token.text) is None


def _choose_title(tokens: list[Token], heading: str | None) -> str | None:
    """The document's heading (its `<h1>`, or the line its `<title>` names) when it is one
    of the lines; else the heading element of the highest rank (`<h2>` over `<h3>`) that is
    no kicker, the last of its rank (the nearest above the dateline); else (a text dump, or
    markup without headings) a line printed twice, else the first line that is no kicker."""
    candidates = [token.text for token in tokens]
    if heading is not None and (heading in candidates or not candidates):
        return heading
    headings = [t for t in tokens if t.block.role is Role.HEADING and not is_kicker(t.text)]
    if headings:
        rank = min(t.block.level for t in headings)
        return next(t.text for t in reversed(headings) if t.block.level == rank)
    seen: set[str] = set()
    for text in candidates:
        if text in seen:
            return text
        seen.add(text)
    for text in candidates[:-1]:
        if not is_kicker(text):
            return text
    return candidates[-1] if candidates else None


def is_kicker(text: str) -> bool:
    """A section label or kicker above a headline (`ECONOMIE`, `Buitenland`), or script
    residue (`Clicky`): a short line in capitals, or a single word."""
    words = text.split()
    return len(words) == 1 or (len(words) <= _KICKER_WORDS and text.isupper())


def _is_cross_reference(text: str) -> bool:
    """A link to another article set between the paragraphs: `Lees ook: <title>`."""
    return len(text) <= _SHORT_LINE and _CROSS_REFERENCE.match(text) is not None


def _is_byline(text: str) -> bool:
    """A closing byline in capitals: `BIJDRAGE ANNE DE GROOT`."""
    return (
        text.isupper()
        and len(text.split()) <= _BYLINE_WORDS
        and text[-1:] not in ".!?:"
        and not any(char.isdigit() for char in text)
    )


# --- items -------------------------------------------------------------------------------


@dataclass
class _Items:
    items: list[Item]
    preamble: list[Token]
    warnings: list[str]


class _Slot(NamedTuple):
    """Where one item's parts stand in the token list."""

    wire: int
    title: int | None
    age: int | None


_WIRE_AT, _AGE_AT = itemgetter(0), itemgetter(2)  # of a _Slot
_NO_ITEM_PART = (_CHROME_KIND, _CAPTION_KIND, _METADATA_KIND)


def _read_items(
    tokens: list[Token], fetched_at: datetime, stamps: Mapping[int, PublicationWindow | None], *, after_heading: bool
) -> _Items:
    """The items in `tokens`; an item that shows no age takes the window of the `<time
    datetime>` its element holds (`stamps`, by element), when it holds one. Lines that are
    no part of any item (an ad's label, a caption, a byline) are passed over, so an age
    below them is still its item's."""
    kinds = list(map(_KIND, tokens))  # searched in C, by identity: an Enum hashes in Python
    if any(map(kinds.__contains__, _NO_ITEM_PART)):
        tokens = [token for token in tokens if token.kind not in _NO_ITEM_PART]
    tokens = _settle_wire_lines(tokens)
    slots = _item_slots(tokens)
    titled = _has_titles(tokens, slots, after_heading)
    warnings = _stray_line_warnings(tokens, slots, titled)
    windows: dict[str, PublicationWindow | None] = {}  # ages repeat on a page
    items = [
        _item(tokens, slot, titled, fetched_at, windows, warnings,
              _stamp_of(tokens[slot.wire], stamps) if slot.age is None and stamps else None)
        for slot in slots
    ]
    first = slots[0].wire if slots else len(tokens)
    if slots and titled and slots[0].title is not None:
        first = slots[0].title
    return _Items(items, tokens[:first], warnings)


def _settle_wire_lines(tokens: list[Token]) -> list[Token]:
    """Decide the doubtful wire lines by what follows them.

    A mixed-case line (`Borsele - ...`) is an item only when its age follows it, or (where
    markup says it) stands just above it in one element with it that holds no other wire
    line (title, age, teaser: a post's order). A line without agencies in a heading element,
    or directly followed by a wire line and its age, is a title (`Oranje - VS speelt gelijk`
    above `ROTTERDAM (ANP) - ...`)."""
    doubtful = [
        index for index, token in enumerate(tokens)
        if token.kind is _WIRE_KIND and not (token.wire.strict and token.wire.agencies)  # type: ignore[union-attr]
    ]
    if not doubtful:
        return tokens
    result = list(tokens)
    for index in doubtful:  # headings first: what follows a line is read with them settled
        token = tokens[index]
        if token.block.role is Role.HEADING and not token.wire.agencies:  # type: ignore[union-attr]
            result[index] = token._replace(kind=_OTHER_KIND)
    settled = list(result)
    kinds = [token.kind for token in settled]
    for index in doubtful:
        token = settled[index]
        wire = token.wire
        assert wire is not None
        if token.kind is not _WIRE_KIND:
            continue
        following = kinds[index + 1 : index + 3]
        has_age = following[:1] == [_AGE_KIND] or _age_above_in_its_element(settled, index)
        if not wire.strict and not has_age:
            result[index] = token._replace(kind=_OTHER_KIND)
        elif (not wire.agencies and following == [_WIRE_KIND, _AGE_KIND]
              and not _side_by_side(token.block, settled[index + 1].block)):
            result[index] = token._replace(kind=_OTHER_KIND)
    return result


_COPY_ROLES = (Role.PARAGRAPH, Role.LIST_ITEM)


def _side_by_side(block: Block, following: Block) -> bool:
    """Two paragraphs (or list items) at one depth in two sibling elements (`<li><p>VEERE -
    ...</p></li><li><p>GOES - ...</p>...</li>`): two items' wire lines, the first no title of
    the second (a title shares its item's element: a card's heading or paragraph above it)."""
    nesting, other = block.containers, following.containers
    return (
        block.role is following.role and block.role in _COPY_ROLES
        and len(nesting) == len(other) > 1 and nesting[-2] != other[-2]
    )


def _age_above_in_its_element(tokens: list[Token], index: int) -> bool:
    """Whether the line above tokens[index] is an age standing in one element with it that
    holds no other wire line."""
    if index == 0 or tokens[index - 1].kind is not _AGE_KIND or not tokens[index].block.containers:
        return False
    shared = set(tokens[index].block.containers).intersection(tokens[index - 1].block.containers)
    for other, token in enumerate(tokens):
        if shared and token.kind is _WIRE_KIND and other != index:
            shared.difference_update(token.block.containers)
    return bool(shared)


def _item_slots(tokens: list[Token]) -> list[_Slot]:
    wires = [i for i, token in enumerate(tokens) if token.kind is _WIRE_KIND]
    by_element = _slots_by_element(tokens, wires)
    if by_element is not None:
        return by_element
    if _ages_come_first(tokens, wires):
        return _slots_age_first(tokens, wires)
    slots: list[_Slot] = []
    item_end = -1
    for index in wires:
        title = index - 1 if index - 1 > item_end and tokens[index - 1].kind is _OTHER_KIND else None
        has_age = index + 1 < len(tokens) and tokens[index + 1].kind is _AGE_KIND
        age = index + 1 if has_age else None
        slots.append(tuple.__new__(_Slot, (index, title, age)))  # in C: no Python __new__ per item
        item_end = age if age is not None else index
    return slots


def _slots_by_element(tokens: list[Token], wires: list[int]) -> list[_Slot] | None:
    """Slots when every item stands in an element of its own (see `_mark_items`): its age
    and its title are the ones in that element, above or below the wire line; a title
    outside it is the line just above the element, when that belongs to no item. None when
    the document does not say (a text dump, items sharing one element)."""
    if not wires or tokens[wires[0]].item is None:  # the cheap test first: a text dump's
        return None
    items = {tokens[index].item: index for index in wires}
    if None in items or len(items) != len(wires):
        return None
    members: dict[int, list[int]] = {index: [] for index in wires}
    elements = items.keys()
    for index, token in enumerate(tokens):
        containers = token.block.containers
        if token.kind is not _WIRE_KIND and not elements.isdisjoint(containers):
            for element in containers:  # the outermost item element around it
                if element in items:
                    members[items[element]].append(index)
                    break
    claimed = {index for parts in members.values() for index in parts} | set(wires)
    slots = []
    for wire, parts in members.items():
        ages = [i for i in parts if tokens[i].kind is _AGE_KIND]
        titles = [i for i in parts if i < wire and tokens[i].kind is _OTHER_KIND]
        if len(ages) > 1:
            age: int | None = min(ages, key=lambda i: abs(i - wire))
        else:  # the common case without a call: an item shows one age
            age = ages[0] if ages else None
        title = titles[-1] if titles else None
        above = min(parts[0], wire) - 1 if parts else wire - 1
        if title is None and above >= 0 and above not in claimed and tokens[above].kind is _OTHER_KIND:
            title = above
        slots.append(_new_tuple(_Slot, (wire, title, age)))
    return slots


def _ages_come_first(tokens: list[Token], wires: list[int]) -> bool:
    """True for markup that puts each item's age above its wire line (before or after its
    title): an age just above the first item and none below the last. Text dumps put the
    age below (layouts A-D)."""
    if not wires or (wires[-1] + 1 < len(tokens) and tokens[wires[-1] + 1].kind is _AGE_KIND):
        return False
    above_first = [t.kind for t in tokens[max(0, wires[0] - 2) : wires[0]]]
    return _AGE_KIND in above_first


def _slots_age_first(tokens: list[Token], wires: list[int]) -> list[_Slot]:
    """Slots when the age stands above the wire line: age, title, wire or title, age, wire."""
    slots = []
    previous = -1
    for index in wires:
        above = list(range(max(previous + 1, index - 2), index))[::-1]  # nearest first
        age = next((i for i in above if tokens[i].kind is _AGE_KIND), None)
        title = next((i for i in above if tokens[i].kind is _OTHER_KIND), None)
        if title is not None and age is not None and title < age and tokens[index - 1].kind is not _AGE_KIND:
            title = None  # title, age, then something else: the age is not this item's
        slots.append(_Slot(index, title, age))
        previous = index
    return slots


def _has_titles(tokens: list[Token], slots: list[_Slot], after_heading: bool) -> bool:
    """Whether this page's items carry titles (layouts B, D) or not (layouts A, C)."""
    titled = [slot.title is not None for slot in slots]
    if any(_source_prefix(tokens[s.title]) for s in slots if s.title is not None):
        return True
    if len(slots) > 1:
        return 2 * sum(titled[1:]) >= len(slots) - 1
    if not titled or not titled[0]:
        return False
    # One item: its line above is a title unless it is the only heading there is.
    above = [t for t in tokens[: slots[0].title] if t.kind is _OTHER_KIND]
    return after_heading or bool(above)


def _item(
    tokens: list[Token],
    slot: _Slot,
    titled: bool,
    fetched_at: datetime,
    windows: dict[str, PublicationWindow | None],
    warnings: list[str],
    stamped: PublicationWindow | None = None,
) -> Item:
    wire_token = tokens[slot.wire]
    wire = wire_token.wire
    assert wire is not None
    dateline = wire.dateline
    title = link = None
    if titled and slot.title is not None:
        title_token = tokens[slot.title]
        title = title_token.text[_source_prefix(title_token) :].strip() or title_token.text
        link = title_token.block.link
    link = wire_token.block.link or link
    age_text, window = None, stamped
    if slot.age is None:
        if stamped is None:
            warnings.append(f"item {dateline!r} has no age")
    else:
        age_text = tokens[slot.age].text
        if age_text in windows:
            window = windows[age_text]
        else:
            window = windows[age_text] = age_window(age_text, fetched_at)
        if window is None:
            warnings.append(f"unknown age phrase {age_text!r} of item {dateline!r}")
    places = (dateline,) if "/" not in dateline else wire.places
    return Item(title, dateline, places, wire.agencies, wire.body, age_text, window, link)


def _stamp_of(wire: Token, stamps: Mapping[int, PublicationWindow | None]) -> PublicationWindow | None:
    """The window of the one `<time datetime>` in the element of the item of `wire`."""
    return stamps.get(wire.item) if wire.item is not None else None


def _source_prefix(token: Token) -> int:
    """The length of a listing title's source prefix: `ANP Minister …`, or glued by markup
    that set the source in its own element, `ANPMinister …` (where markup says so by a
    joint after `ANP`; in a text dump, where a capitalised word follows); 0 without one."""
    title = token.text
    if not title.startswith("ANP"):
        return 0
    if title.startswith(_SOURCE_PREFIX):
        return len(_SOURCE_PREFIX)
    if token.block.containers:
        return 3 if 3 in token.block.joints else 0
    glued = title[3:5]
    return 3 if len(glued) == 2 and glued[0].isupper() and glued[1].islower() else 0


def _stray_line_warnings(tokens: list[Token], slots: list[_Slot], titled: bool) -> list[str]:
    """Warnings for lines that look like part of an item but belong to none."""
    kinds = list(map(_KIND, tokens))
    if _OTHER_KIND not in kinds and kinds.count(_AGE_KIND) == len(slots) - list(map(_AGE_AT, slots)).count(None):
        return []  # in C, the common sidebar: wire lines and their ages, nothing else
    used = set(chain.from_iterable(slots)) if titled else set(chain(map(_WIRE_AT, slots), map(_AGE_AT, slots)))
    warnings = []
    for index, token in enumerate(tokens):
        if index in used:
            continue
        if token.kind is _AGE_KIND:
            warnings.append(f"age without an item: {token.text[:_QUOTE_PREVIEW]!r}")
        elif token.kind is _OTHER_KIND and looks_like_wire(token.text):
            warnings.append(f"skipped a line that looks like a wire item: {token.text[:_QUOTE_PREVIEW]!r}")
    return warnings
