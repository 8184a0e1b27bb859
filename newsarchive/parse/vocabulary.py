"""The words pages are read with: one home for every pattern and list that the parser and
link discovery share.

- Page chrome and landmarks: which elements, ARIA roles and class or id words mark parts of a
  page that are not its news (navigation, footers, consent banners, share bars, ads).
- Signs of wire copy: the dashes of a wire line, agencies in brackets, clock times, ages.
- Feeds: how an RSS, RDF or Atom document is recognised, whatever it was served as.

The grammar that reads a wire line exactly is in wire.py, the age phrases' windows in
ages.py; both build on the words here.
"""

from __future__ import annotations

import re
from datetime import timedelta

from ..values import SITE_ZONE as SITE_ZONE  # ages in days and clock times are read on it

# --- landmarks and chrome -------------------------------------------------------------------

# Never visible, or never content.
INVISIBLE_TAGS = frozenset(
    "head script style noscript template svg math iframe frame frameset object embed canvas "
    "video audio map button select textarea dialog title".split()
)
# Landmarks that are chrome: their text is dropped unless they hold the page's heading or
# main content, or wire copy (a sidebar marked up as navigation or footer).
CHROME_LANDMARKS = frozenset("nav footer form search".split())
# A `<header>` outside sectioning content is the page's banner (the ARIA rule): the site's
# logo and menus, dropped whole unless it holds the page's heading or wire copy. Inside an
# article or section it is that part's own header, and content.
BANNER_TAG = "header"
SECTIONING_TAGS = frozenset("article aside main nav section".split())
CHROME_ROLES = frozenset("dialog alertdialog navigation banner contentinfo search".split())
MODAL_ROLES = frozenset({"dialog", "alertdialog"})
# Links are stricter than text: a page's `<header>` is read for its text (it may hold the
# headline) but its links are the site's menu, and so are menus by role.
LINK_CHROME_TAGS = CHROME_LANDMARKS | frozenset("header menu script style noscript template button select".split())
LINK_CHROME_ROLES = CHROME_ROLES | {"menu", "menubar"}
# Class or id words (split on non-letters) and parts of longer words naming link chrome, in
# English or Dutch (`mainnav`, `hoofdmenu`, `navigatie`, `voettekst`, `kruimelpad`).
LINK_CHROME_WORDS = frozenset({
    "nav", "navbar", "navigation", "menu", "footer", "breadcrumb", "breadcrumbs", "cookie", "cookies",
    "consent", "masthead", "topbar", "header", "pagination", "pager", "share", "social", "kop",
    "paginering", "delen",
})
LINK_CHROME_PARTS = ("nav", "menu", "footer", "voettekst", "kruimel", "breadcrumb", "colofon")
# Class or id words of consent banners, the common names of visually hidden text, and the
# class words of embedded posts of social media (`<blockquote class="twitter-tweet">`,
# `instagram-media`, `tiktok-embed`, a Facebook `fb-post`, WordPress's embed block around any
# of them): the quoted post and the fallback text a script replaces (`Dit bericht bekijken op
# Instagram`) are a third party's words, never wire copy, so they are dropped whole, wire-shaped
# or not (the iframes of other embeds are invisible anyway). One search for all: every element
# with a class or id is tested.
CONSENT_WORD = re.compile(
    r"cookie|consent|gdpr|toestemming|sr-only|visually-?hidden|screen-reader-text|"
    r"(?<![a-z])(?:twitter-(?:tweet|timeline|video)|instagram-media|tiktok-embed|bluesky-embed|"
    r"fb-(?:post|video)|threads-post|text-post-media|mastodon-embed|reddit-embed|wp-block-embed|"
    r"wp-embedded-content)(?![a-z])",
    re.I,
)
# Class or id words of share buttons and comment threads: dropped unless they hold wire copy.
# Case-sensitive so that `ShareRow_row` and `share-x` match but `shared` does not.
SHARE_WORD = re.compile(r"(?<![a-zA-Z])(?:[Ss]har(?:e|ing)|SHARE|[Ss]ocial|[Cc]omments?|[Rr]eacties)(?![a-z])")
# A line of chrome as text dumps (and markup without classes) print it: an ad slot's label
# (`Advertentie`, `Lees verder na de advertentie`), a share bar's prompt and buttons (`Deel dit
# artikel`, `Facebook WhatsApp Mail`), a line of tags (`Tags: Goes, Dijk`), a video player's
# fallback (`Deze video kan niet worden afgespeeld.`). Whole lines only: a sentence about an
# ad is text.
_NETWORKS = (
    r"(?:facebook|twitter|x|whatsapp|linkedin|pinterest|telegram|e-?mail|mail|messenger|kopieer link|link kopi[eë]ren)"
)
CHROME_LINE = re.compile(
    r"(?:advertentie|advertisement|gesponsord|sponsored(?: content)?|"
    r"(?:lees|het (?:artikel|bericht) gaat) verder (?:na|onder) (?:de|deze) advertentie|"
    r"(?:deel|delen|share)(?: (?:dit|this) (?:artikel|bericht|article))?(?: (?:via|op))?|"
    rf"{_NETWORKS}(?:\s*[|·•,]?\s*{_NETWORKS})*|(?:tags?|onderwerpen|trefwoorden)\s*:[^.!?]*|"
    r"(?:deze |de )?video kan (?:momenteel )?niet (?:worden )?(?:afgespeeld|geladen|getoond)\.?|"
    r"je browser ondersteunt (?:geen|deze) video\.?)\s*:?",
    re.I,
)
CHROME_LINE_MAX = 160
# Class or id words of advertising slots (`ad-slot`, `ads`, `advertentie`, `div-gpt-ad-1`) and
# of the site's own promotions inside an article (`newsletter-signup`, `nieuwsbrief`, `paywall`).
AD_WORD = re.compile(
    r"(?<![a-z])(?:ads|advert\w*|advertentie\w*|ad[-_]?(?:slot|unit|container|wrapper|banner|block)s?|"
    r"dfp|gpt-ad|sponsor\w*|newsletter\w*|nieuwsbrief\w*|paywall\w*)(?![a-z])",
    re.I,
)
# Custom elements that embed a post or a player by their name (`<amp-twitter>`, `<amp-instagram>`,
# `<amp-youtube>`, `<twitter-widget>`): their placeholder text is no copy either.
EMBED_ELEMENT = re.compile(
    r"^amp-(?:twitter|instagram|facebook\w*|tiktok|youtube|vimeo|iframe|reddit|bluesky|soundcloud|brightcove)$"
    r"|^(?:twitter|instagram|tiktok|bluesky)-\w+$|-embed$"
)
# Custom elements (`<amp-ad>`, `<amp-sticky-ad>`, `<ad-slot>`) that are ad slots by their name.
AD_ELEMENT = re.compile(r"(?:^|-)(?:ads?|advert\w*|sponsor\w*)(?:-|$)")
# AMP's hidden layout: an element shown only by script (a menu drawer, a notice).
HIDDEN_LAYOUT = "nodisplay"
# A class naming a figure's caption or photo credit when it is no `<figcaption>`
# (`wp-caption-text`, `image-caption`, `figure__caption`, `credit`, `photo-credit`,
# `bijschrift`; not `has-captions`, `credit-card`), on a block or an inline element.
CAPTION_WORD = re.compile(r"(?:^|[\s_-])(?:caption|credits?|bijschrift)(?:[-_]+text)?(?:$|\s)", re.I)
# Inline elements that a caption class makes a block of their own (`<span class="caption">`
# inside or beside a paragraph): what a browser shows under a photo is no part of the text.
CAPTION_INLINE_TAGS = frozenset("span small em i cite font b strong".split())
# A photo credit as pages print it by a photo, in a text dump too: `Foto: ANP / Jan Smit`,
# `(Foto: archief)`, `Beeld: Rijkswaterstaat`, `Foto ANP`, `© ANP`; a line of its own, or the
# end of a caption's line (`De dijk bij laag water. Foto: ANP`, `De dijk (Foto: ANP)`). The
# source is a name (a capital first, or `archief`, `aangeleverd`, ...), short, no sentence;
# `Foto's: ...` and `Video: ...` head titles, so they are no credit.
PHOTO_CREDIT = re.compile(
    r"(?:^|(?<=[.!?…”’\"']\s)|(?<=\s)(?=\())\(?"
    r"(?:(?i:foto|fotograaf|fotografie|beeld|afbeelding|illustratie|archieffoto|archiefbeeld|copyright)\s*[:©]"
    r"|(?i:foto)(?=\s+[A-Z]{2,}\b)|©)"
    r"\s*(?:[A-Z0-9À-Ý]|(?i:archief|aangeleverd|ter illustratie|eigen|privé|pr\b))"
    r"(?:[^.!?:()]|(?<=\b[A-Z])\.){0,60}\)?$"
)
# No credit is longer than this: it is looked for at the end of a line only.
PHOTO_CREDIT_MAX = 90
# A caption without a credit that says it is one: it opens with a word for the picture used
# as a label, one phrase and no more (`Archiefbeeld van de Zeelandbrug`, `Sfeerfoto: de markt`,
# `Op de foto: wethouder De Vries`), or is that word alone (`Beeld ter illustratie`); or it
# closes with a picture's note in brackets (`De dijk bij Goes in 1953 (archieffoto)`).
# `Archiefbeelden laten zien ...` and a sentence that goes on after the label stay text.
PHOTO_NOTE = re.compile(
    r"(?:(?i:(?:archief|sfeer)(?:beeld|foto))|(?i:op de foto)\s*:)(?![\w'’])[^.!?]{0,120}\.?"
    r"|(?i:foto|beeld|afbeelding) ter illustratie\.?"
    r"|[^()]{1,160}\s\((?i:archief(?:beeld|foto)?|sfeer(?:beeld|foto)|(?:foto|beeld) ter illustratie)\)\.?"
)
PHOTO_NOTE_MAX = 200


def may_hold_photo_note(text: str) -> bool:
    """Whether `text` holds a part of every photo note's words (the cheap test first)."""
    if len(text) > PHOTO_NOTE_MAX:
        return False
    lowered = text.lower()  # the note's words are matched in any case
    return "archie" in lowered or "sfeer" in lowered or "ter illustratie" in lowered or "op de foto" in lowered


def may_hold_photo_credit(tail: str) -> bool:
    """Whether `tail` holds a part of every credit's word (the cheap test first: substring
    tests in C, and most lines hold none)."""
    return (
        "oto" in tail or "eeld" in tail or "©" in tail or "OTO" in tail or "EELD" in tail
        or "llustr" in tail or "LLUSTR" in tail or "opyright" in tail or "OPYRIGHT" in tail
    )
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# Between the links of a bar or breadcrumb: separators only.
LINK_SEPARATORS = " \t\n|·•›»>/-–,:"

# --- wire copy, clock times, ages -------------------------------------------------------------

# Hyphen, en dash, em dash, figure dash, minus sign: each separates a dateline from its body.
DASHES = "-–—‒−"
# A clock time as the sites print it: `9:31`, `16:30` (hours not zero-padded).
CLOCK = r"(?:[01]?\d|2[0-3]):[0-5]\d"

_MINUTE = timedelta(minutes=1)
_DAY = timedelta(days=1)
AGE_UNITS: dict[str, timedelta] = {
    "seconde": timedelta(seconds=1), "seconden": timedelta(seconds=1),
    "minuut": _MINUTE, "minuten": _MINUTE,
    "uur": timedelta(hours=1),
    "dag": _DAY, "dagen": _DAY,
    "week": 7 * _DAY, "weken": 7 * _DAY,
    "maand": 30 * _DAY, "maanden": 30 * _DAY,
    "jaar": 365 * _DAY, "jaren": 365 * _DAY,
}
NUMBER_WORDS: dict[str, int] = {
    "een": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6,
    "zeven": 7, "acht": 8, "negen": 9, "tien": 10, "elf": 11, "twaalf": 12,
}
JUST_NOW = ("zojuist", "net")
# Calendar days back from the day of the fetch, on the wall clock of the Dutch sites.
CALENDAR_DAYS: dict[str, int] = {"vandaag": 0, "gisteren": 1, "eergisteren": 2}

_UNIT = "|".join(sorted(AGE_UNITS, key=len, reverse=True))
_NUMBER = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_CALENDAR = "|".join(sorted(CALENDAR_DAYS, key=len, reverse=True))
AGE_PARTS = rf"(\d{{1,4}}|{_NUMBER})\s?({_UNIT})\s+geleden"
# An age written with digits, or `zojuist`: safe to recognise glued onto other text.
DIGIT_AGE = rf"(?:\d{{1,4}}\s?(?:{_UNIT})\s+geleden|zojuist)"
# Any age, number words and days included: only where the structure says an age stands.
ANY_AGE = rf"(?:(?:\d{{1,4}}|{_NUMBER})\s?(?:{_UNIT})\s+geleden|zojuist|net|{_CALENDAR})"
# No age phrase is longer than this; longer text is rejected without a regex.
AGE_MAX = 40

# Wire copy inside any text: a wire line's agencies and separator, or `Net binnen`
# headlines (a clock time follows; a menu link reading "Net binnen" is no headline block).
# Spelled to start with a class of the first characters it can match (`[(nN]`), each branch
# then told by a lookbehind on that character: re then skips to the next such character in C
# instead of trying each branch at every position (lines and menus are searched whole), 3-5x
# faster. The same matches as the plain spelling, `\((?:ANP|AFN)\b[^()]{0,40}\)\s*[DASHES]|
# \bnet binnen\b(?=...)` with re.I (tests/test_parse_sign_patterns.py): the class holds both
# cases of the first letter, and `(?<!\w.)` after it is the `\b` before it.
WIRE_SIGN = re.compile(
    rf"[(nN](?:(?<=\()(?i:ANP|AFN)\b[^()]{{0,40}}\)\s*[{DASHES}]"
    rf"|(?<=[nN])(?<!\w.)(?i:et binnen)\b(?=.{{0,300}}?(?<![\d:]){CLOCK}))",
    re.S,
)
# A wire line's head anywhere in a teaser's text, agencies or not (`GOES - `, `ASSEN (ANP) - `).
WIRE_HEAD = re.compile(
    r"(?:^|\s)[A-ZÀ-Ýa-zà-ÿ'’.][A-ZÀ-Ý'’./ -]{1,60}?\s?(?:\([A-Z][A-Za-z]*(?:/[A-Za-z]+)*\)\s?)?"
    rf"[{DASHES}]\s"
)
# What a teaser or headline shows and navigation never does: a clock time (`- Sport 9:31
# Titel`, `16.00 uur`) or an age (`12 minuten geleden`).
# Spelled as WIRE_SIGN is (`[\dgGzZ]` first; `(?<![\d:.,]\d)` after a digit is `(?<![\d:.,])`
# before it): the same matches as `(?<![\d:.,])(?:\d{1,2}:\d{2}|\d{1,2}\.\d{2}\s+uur)(?![\d:.,])|
# \bgeleden\b|\bzojuist\b` with re.I.
TEASER_SIGN = re.compile(
    r"[\dgGzZ](?:(?<=\d)(?<![\d:.,]\d)(?:\d?:\d{2}|\d?\.\d{2}\s+(?i:uur))(?![\d:.,])"
    r"|(?<=[gG])(?<!\w.)(?i:eleden)\b|(?<=[zZ])(?<!\w.)(?i:ojuist)\b)"
)

# --- feeds --------------------------------------------------------------------------------------

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
XML_TYPES = ("application/xml", "text/xml", "")
_FEED_ROOT = re.compile(r"<(?:rss|feed|rdf:RDF)[\s>]", re.I)
# A feed's root as the first element: after a byte-order mark, the XML declaration, comments,
# processing instructions and a DOCTYPE (RSS 0.91's, or one with an internal subset).
_FEED_START = re.compile(
    r"\ufeff?\s*(?:(?:<\?[^>]*>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)\s*)*"
    r"<(?:rss|feed|rdf:RDF)[\s>]", re.I | re.S)
_SNIFF = 2048


def looks_like_feed(document: str | bytes, content_type: str | None = None) -> bool:
    """An RSS, RDF or Atom feed: by its declared type; by a feed root near the start of an
    XML document; else (`text/html`, `text/plain`, no type known) when the root element is a
    feed's."""
    if content_type is not None and content_type.startswith(FEED_TYPES):
        return True
    head = document[:_SNIFF]
    if isinstance(head, bytes):
        head = head.decode("latin-1")  # markup is ASCII; a BOM shows as three characters
        head = head.removeprefix("\xef\xbb\xbf")
    if content_type is not None and content_type in XML_TYPES:
        return _FEED_ROOT.search(head) is not None
    return _FEED_START.match(head) is not None
