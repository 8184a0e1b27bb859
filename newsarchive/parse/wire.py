"""The wire line: `DATELINE (AGENCIES) - body`, and ages glued onto it.

    TEHERAN (ANP/RTR) - De Iraanse Revolutionaire Garde (IRG) heeft ...
    'S HEER ARENDSKERKE - Bij de dijk ...          (regional copy: no agency)
    GOES- Bij een brand ...                        (no space before the hyphen)
    3 uur geledenWASHINGTON (ANP) - ...            (the previous item's age glued on)

The dateline is found with a letter class (any script's letters) and validated with
str.isupper(), so `ÎLE LONGUE`, `BOGOTÁ` and `MALMÖ` need no list of accented capitals.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .ages import AGE_PHRASE
from .vocabulary import ANY_AGE, CLOCK, DASHES, DIGIT_AGE

# The limits of the patterns below.
_DATELINE_WORDS = 12
_AGENCIES_MAX = 8
_AGENCY_LETTERS = "{2,12}"

_LETTER = r"[^\W\d_]"
_QUOTE = "'’`"
# Words of letters (any script), joined by a space, hyphen, apostrophe, period or slash:
# `DEN HAAG`, `MEXICO-STAD`, `'S HEER ARENDSKERKE`, `ST. PETERSBURG`, `IZJOEM/LONDEN`.
_JOIN = rf"(?:[-\u2010\u2011{_QUOTE}]|\.\s?|\s|\s?/\s?)"
# Possessive (`++`, `{0,11}+`): a word or agency never gives letters or words back, as
# what follows it is never a letter; the regex engine then keeps no states to backtrack to.
_DATELINE = (
    rf"(?P<dateline>[{_QUOTE}]?{_LETTER}++(?:{_JOIN}[{_QUOTE}]?{_LETTER}++){{0,{_DATELINE_WORDS - 1}}}+\.?)"
)
# An agency is one to three words (`ANP`, `Omroep Zeeland`); up to eight, joined by `/`.
_AGENCY_WORD = rf"{_LETTER}{_AGENCY_LETTERS}+"
_AGENCY = rf"{_AGENCY_WORD}(?: {_AGENCY_WORD}){{0,2}}+"
_AGENCIES = rf"\(\s*(?P<agencies>{_AGENCY}(?:\s?/\s?{_AGENCY}){{0,{_AGENCIES_MAX - 1}}}+)\s*\)"
_SEPARATOR = rf"\s*[{DASHES}]\s+"
_WIRE_LINE = rf"{_DATELINE}\s*(?:{_AGENCIES}\s*)?{_SEPARATOR}(?P<body>\S.*)"
_WIRE = re.compile(_WIRE_LINE, re.S)
# The common case in one match: a known age glued onto the start of the next wire line.
_AGE_AND_WIRE = re.compile(rf"(?:(?P<age>{ANY_AGE})\s*)?(?P<wire>{_WIRE_LINE})", re.S)

# A known age, or something phrased like one (`3 eeuwen geleden`), before a wire line.
_GLUED_AGE = re.compile(
    rf"(?P<age>{ANY_AGE}|\S{{1,12}}\s+{_LETTER}{{1,12}}\s?geleden)\s*(?P<rest>\S.*)", re.S
)
# An age at the very end of a wire line, after the end of a sentence: `... begroting. 2 uur geleden`.
_TRAILING_AGE = re.compile(rf"(?<=[.!?\"”’')])\s*(?P<age>{DIGIT_AGE})$", re.IGNORECASE)

# Shaped like a wire line (words, a bracketed group, a dash) even if it does not parse.
_WIRE_LIKE = re.compile(rf"[^\W\d_][^()]{{0,60}}\([^()]{{2,40}}\)\s*[{DASHES}]")
# Text before the dateline on its line, set off by a bar or bullet: a date
# (`8 januari 2024 | AMSTERDAM (ANP) - ...`), a section. It is not part of the item.
_BEFORE_DATELINE = re.compile(r"[^|·•]{1,60}?\s[|·•]\s+(?=\S)")
# A clock time opening the line with only a space before the dateline and its agencies
# (`09:12 GOES (ANP) - ...`), as a `<time>` prints it: the time shown, not part of the item
# either. Without agencies (`16:30 KLM - ...`) the line stays as printed: it may be copy.
_CLOCK_BEFORE_DATELINE = re.compile(rf"{CLOCK}\s+(?=\S)")

_AGE_PREFIX_MAX = 40
# A dateline, its agencies and the separator fit in this many characters.
_HEAD_MAX = 130
_HEAD_SPACES = 12
_DASHES = tuple(f"{dash} " for dash in DASHES)  # str.find is faster than a regex on a dash class
_HYPHEN, *_OTHER_DASHES = _DASHES  # the hyphen is the common one
_AGE_STARTS = ("zojuist", "net")  # ages that do not end in `geleden`
_NON_ASCII_SIGNS = (*_OTHER_DASHES, "·", "•")  # of a dateline's separator, or a bar before it
_AGE_ENDINGS = ("geleden", "zojuist", "Zojuist")

_MIXED_WORDS = 3
_MIXED_MAX = 30
_PARTICLES = frozenset({"'s", "’s", "aan", "op", "de", "den", "der", "ter", "ten", "in", "bij", "en"})


class WireLine(NamedTuple):
    """A parsed wire line. `strict` is False for a mixed-case dateline (`Borsele - `)."""

    dateline: str
    agencies: tuple[str, ...]
    body: str
    strict: bool

    @property
    def places(self) -> tuple[str, ...]:
        if "/" not in self.dateline:
            return (self.dateline,)
        return tuple(filter(None, map(str.strip, self.dateline.split("/"))))


def parse_wire(line: str) -> WireLine | None:
    """The wire line in `line`: strict (capitals) or mixed case (no agencies), else None."""
    if not _may_be_wire(line):
        return None
    match = _WIRE.match(line)
    return None if match is None else _wire_line(*match.groups())  # dateline, agencies, body


def strip_before_dateline(line: str) -> str | None:
    """The wire line after a date or label set off by `|` or a bullet, or after a clock
    time and a space, if one in capitals (after a clock time: with agencies) follows:
    `8 januari 2024 | AMSTERDAM (ANP) - ...` and `09:12 AMSTERDAM (ANP) - ...` give
    `AMSTERDAM (ANP) - ...`; else None."""
    head = line[:_HEAD_MAX]
    clocked = False
    if "|" in head or "·" in head or "•" in head:
        match = _BEFORE_DATELINE.match(line)
    elif head[:1].isdigit():  # the cheap test first
        match = _CLOCK_BEFORE_DATELINE.match(line)
        clocked = True
    else:
        return None
    if match is None:
        return None
    rest = line[match.end() :]
    wire = parse_wire(rest)
    if wire is None or not wire.strict or (clocked and not wire.agencies):
        return None
    return rest


def read_line(line: str) -> tuple[str | None, str, WireLine | None]:
    """(age glued on the front, the rest, the rest's wire line) of any line:
    `3 uur geledenTEHERAN (ANP) - ...` gives the age, `TEHERAN (ANP) - ...` and its parse;
    a plain line gives (None, line, None)."""
    head = line[:_HEAD_MAX]
    at = head.find(_HYPHEN)  # the cheap tests first: a hyphen near the start, or nothing at all
    if at > 0 and head.count(" ", 0, at) <= _HEAD_SPACES:
        may_be_wire = True
    elif at == -1 and _is_plain(head) and not line.startswith(_AGE_STARTS):
        return None, line, None  # most lines hold none of it
    else:
        may_be_wire = _may_be_wire(line)
    if may_be_wire:
        match = _AGE_AND_WIRE.match(line)
        if match is not None:
            age, rest, dateline, agencies, body = match.groups()
            wire = _wire_line(dateline, agencies, body)
            if wire is not None:
                return age, rest if age else line, wire
    glued = split_glued_age(line)  # an unknown age phrase, or a rest that does not parse
    if glued is not None:
        return glued
    rest = strip_before_dateline(line)
    return (None, line, None) if rest is None else (None, rest, parse_wire(rest))


def _is_plain(head: str) -> bool:
    """No dash but a hyphen, no bar near the start that could set off a dateline, no age
    glued on."""
    if "|" in head or "geleden" in head[:_AGE_PREFIX_MAX]:
        return False
    if head.isascii():  # the other dashes and bullets are not ASCII
        return True
    return not any(map(head.__contains__, _NON_ASCII_SIGNS))


def _wire_line(dateline: str, agencies_text: str | None, body: str) -> WireLine | None:
    if len(dateline) < 2:  # (the pattern starts and ends it with no space)
        return None
    if agencies_text is not None and agencies_text.isupper() and " " not in agencies_text:
        agencies: tuple[str, ...] | None = tuple(agencies_text.split("/"))  # `(ANP/RTR)`, without a call
    else:
        agencies = _split_agencies(agencies_text)
    if dateline.isupper() or _capitals_after_s(dateline):
        return None if agencies is None else _new_tuple(WireLine, (dateline, agencies, body, True))
    if agencies == () and _is_mixed_case_place(dateline):
        return WireLine(dateline, agencies, body, False)
    return None


def _capitals_after_s(dateline: str) -> bool:
    """Capitals after the article of `'s-HERTOGENBOSCH`, as some copy prints it."""
    return dateline[:1] in _QUOTE and dateline[1:2] == "s" and dateline[2:].isupper()


def _may_be_wire(line: str) -> bool:
    """The cheap test first: a separator near the start, with few words before it.
    (Body lines fail here, before a regex could backtrack through their words.)"""
    head = line[:_HEAD_MAX]
    for dash in _DASHES:
        at = head.find(dash)
        if at > 0 and head.count(" ", 0, at) <= _HEAD_SPACES:
            return True
    return False


def _split_agencies(text: str | None) -> tuple[str, ...] | None:
    """The agencies of `(ANP/AFP/RTR)` (`(ANP/Novum)` too); () without brackets; None when
    a token is not capitalised, so `(de bond) - ` is no agency list."""
    if text is None:
        return ()
    # The pattern allows only words of letters and slashes (spaced or not).
    agencies = (text.strip(),) if "/" not in text else tuple(map(str.strip, text.split("/")))
    if text.isupper() or agencies[0].isupper():  # `(ANP/dpa)`: partners as they style themselves
        return agencies
    words = [word for agency in agencies for word in agency.split()]
    return agencies if all(word[:1].isupper() for word in words) else None


def _is_mixed_case_place(dateline: str) -> bool:
    """A place name such as `Borsele`, `Den Haag` or `'s-Gravenpolder`: short, capitalised."""
    words = dateline.split()
    if len(dateline) > _MIXED_MAX or len(words) > _MIXED_WORDS or "/" in dateline:
        return False
    first = dateline.lstrip(_QUOTE + "s-") if dateline[:1] in _QUOTE else dateline
    if not first[:1].isupper():
        return False
    return all(word[:1].isupper() or word.lower() in _PARTICLES for word in words[1:])


def looks_like_wire(line: str) -> bool:
    """Shaped like a wire line (`Teheran (ANP) - ...`), whether or not it parses."""
    return _WIRE_LIKE.match(line) is not None


def split_glued_age(line: str) -> tuple[str, str, WireLine | None] | None:
    """(age, rest, rest's wire line) when `line` is an age with the next item glued on;
    the wire line is None when the rest only looks like one (`Teheran (ANP) - ...`)."""
    if "geleden" not in line[:_AGE_PREFIX_MAX] and not line.startswith(_AGE_STARTS):
        return None  # the cheap test first: most lines hold no age at all
    match = _GLUED_AGE.match(line)
    if match is None:
        return None
    age, rest = match.group("age", "rest")
    wire = parse_wire(rest)
    if wire is None and not looks_like_wire(rest) and not _glued_onto_text(line, age, rest):
        return None
    return age, rest, wire


def _glued_onto_text(line: str, age: str, rest: str) -> bool:
    """A known age with other text glued straight on (`2 uur geledenLees meer nieuws`): no
    space between, and a capital starting the text; in a sentence a space would follow."""
    return rest[:1].isupper() and line[len(age) : len(age) + 1] == rest[:1] and AGE_PHRASE.fullmatch(age) is not None


def split_trailing_age(line: str) -> tuple[str, str] | None:
    """(wire line, age) when a wire line ends in an age after a full stop."""
    if not line.endswith(_AGE_ENDINGS):
        return None
    match = _TRAILING_AGE.search(line)
    if match is None:
        return None
    return line[: match.start()].rstrip(), match.group("age")


_new_tuple = tuple.__new__  # builds a NamedTuple in C (its own __new__ is a Python call)
