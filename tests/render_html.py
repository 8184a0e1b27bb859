"""Render wire pages (layouts A, B, C, D) as HTML in several markup shapes.

Used by the property tests (random pages must parse back to their items) and by
bench/parse_bench.py (realistic page sizes). The markup is our own invention; the shapes
differ in the ways real sites differ: semantic HTML5, class-less div-and-span soup with
`<br>` breaks, an old table layout with the dateline in `<b>`, a portal of today
(mega-menu, breadcrumbs, a label above the `<h1>`, cards in grids, ads, a most-read list),
and two with the sidebar before the article in the markup: an `<aside>` before `<main>`
(headlines in a label cell and a text cell), and div columns (the `<h1>` broken over two
spans, headlines in three blocks of a list item). REAL_SHAPES are the shapes of real sites
beside those: a WordPress theme (`entry-content` between block comments, the sidebar one
widget among others), a page laid out by one outer table in upper-case HTML with unclosed
`<P>`, an AMP page (custom elements, an ad with placeholder text, `amp-timeago` ages), and
teaser cards whose ages stand only in attributes, with scripts, styles, comments, soft
hyphens and no-break spaces inside the content, and a table cell holding the article, its
`Meer uit` section and another section after it. A lead may carry what pages of today put
around its copy, each shape marking it up its own way: a photo's caption and credit (a
figure, caption and credit spans, WordPress's caption, a credit line after a `<br>`), the
clock time above the dateline in a `<time datetime>` (empty for a script to fill in, in the
cards), and an embedded post (a tweet, in WordPress's embed block there): none of it is body.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

SHAPES = ("semantic", "soup", "table", "portal", "aside_first", "columns")
REAL_SHAPES = ("wordpress", "layout_table", "amp", "cards", "shared_cell")
ALL_SHAPES = SHAPES + REAL_SHAPES
LAYOUTS = ("A", "B", "C", "D")
WEBMAIL_BANNER = ("Webmail", "Kies je webmail", "Kies hieronder de webmail van je eigen provider.")


@dataclass(frozen=True)
class WireItem:
    dateline: str
    agencies: tuple[str, ...]
    body: str
    age_text: str
    title: str | None = None  # layouts B and D

    @property
    def prefix(self) -> str:
        agencies = f" ({'/'.join(self.agencies)})" if self.agencies else ""
        return f"{self.dateline}{agencies} -"


@dataclass(frozen=True)
class LeadStory:
    title: str
    dateline: str
    agencies: tuple[str, ...]
    paragraphs: tuple[str, ...]  # the first without its dateline prefix
    byline: str | None = None
    # Parts of a page of today that are no body: a photo's caption and its credit under the
    # first paragraph; the clock time the article shows above its dateline (a `<time
    # datetime>`); an embedded post (its text) after the first paragraph (HTML only).
    photo: tuple[str, str] | None = None
    clock: str | None = None
    embed: str | None = None

    @property
    def prefix(self) -> str:
        agencies = f" ({'/'.join(self.agencies)})" if self.agencies else ""
        return f"{self.dateline}{agencies} -"


@dataclass(frozen=True)
class Headline:
    section: str
    time: str
    title: str


@dataclass(frozen=True)
class WirePage:
    layout: str
    section: str
    lead: LeadStory | None = None
    items: tuple[WireItem, ...] = ()
    headlines: tuple[Headline, ...] = ()
    title_twice: bool = True  # layout B
    date_line: str = "maandag 3 november 2025"  # layout D
    edition: str = "Editie: NL & Wereld | Zeeland"


@dataclass
class Bulk:
    """Boilerplate around the content, to make pages as heavy as real ones."""

    menu_links: int = 12
    footer_links: int = 20
    script_kb: int = 2
    teaser_cards: int = 0  # promoted links in the footer area
    words: tuple[str, ...] = field(default=("nieuws", "regio", "sport", "weer", "verkeer"))


def e(text: str) -> str:
    return escape(text, quote=True)


def slug(text: str) -> str:
    return "-".join("".join(c for c in word if c.isalnum()) for word in text.lower().split()[:6])


# -- the page skeleton, shared by every shape ---------------------------------------------------


def head(page: WirePage, bulk: Bulk) -> str:
    title = page.lead.title if page.lead else page.section
    script = "".join(
        f'window.__state.push({{"id": {i}, "label": "Meer uit {e(page.section)}", '
        f'"teaser": "DEN HAAG (ANP) - verborgen tekst {i}"}});\n'
        for i in range(bulk.script_kb * 10)
    )
    return (
        '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        f"<title>{e(title)} | Omroep Voorbeeld</title>"
        f'<meta property="og:title" content="{e(title)}">'
        '<link rel="stylesheet" href="/static/site.css">'
        "<style>.verborgen{display:none} body{font-family:sans-serif}</style>"
        f"<script>window.__state = [];\n{script}</script>"
        "</head>"
    )


def cookie_banner() -> str:
    return (
        '<div id="cookieConsent" class="consent-overlay"><div class="consent-box">'
        "<p>Wij gebruiken cookies om de site te verbeteren. Meer uit onze privacyverklaring.</p>"
        "<button>Alles accepteren</button><button>Instellen</button></div></div>"
    )


def menu(bulk: Bulk) -> str:
    links = "".join(
        f'<li><a href="/nieuws/{bulk.words[i % len(bulk.words)]}-{i}">'
        f"{bulk.words[i % len(bulk.words)].title()} {i}</a></li>"
        for i in range(bulk.menu_links)
    )
    return f'<nav class="menu"><ul>{links}</ul></nav>'


def site_footer(bulk: Bulk) -> str:
    links = "".join(
        f'<li><a href="/over/{i}">Over ons {i}</a></li>' for i in range(bulk.footer_links)
    )
    cards = "".join(
        f'<div class="card"><a href="/promo/{i}"><img src="/img/{i}.jpg" alt="">'
        f"<span>Bekijk ook aanbieding {i} van onze partners</span></a></div>"
        for i in range(bulk.teaser_cards)
    )
    return (
        f'<footer class="site-footer"><div class="cards">{cards}</div><ul>{links}</ul>'
        "<p>© 2026 Omroep Voorbeeld. Alle rechten voorbehouden.</p></footer>"
        '<script>document.querySelectorAll("a").forEach(function(a){a.dataset.x="Net binnen";});'
        "</script>"
    )


def document(page: WirePage, body: str, bulk: Bulk) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="nl">{head(page, bulk)}<body>{cookie_banner()}'
        f'<header class="top"><a class="logo" href="/"><img src="/logo.svg" alt="Omroep Voorbeeld"></a>{menu(bulk)}</header>'
        f"{body}{site_footer(bulk)}</body></html>"
    )


# -- shapes: each renders the parts of a layout ---------------------------------------------------


class Semantic:
    """HTML5: article, aside, h1/h2, time elements (an item's age its text, or the title of
    the clock time shown), dateline in <strong>."""

    sidebar_first = False  # an article's sidebar before it in the markup

    def banner(self) -> str:
        title, choose, line = WEBMAIL_BANNER
        return f'<section class="mail"><h2>{e(title)}</h2><p>{e(choose)}</p><p>{e(line)}</p></section>'

    def lead(self, lead: LeadStory, title_twice: bool) -> str:
        first, *rest = lead.paragraphs
        repeat = f'<p class="intro">{e(lead.title)}</p>' if title_twice else ""
        byline = f"<p><em>{e(lead.byline)}</em></p>" if lead.byline else ""
        paragraphs = "".join(f"<p>{e(p)}</p>" for p in rest)
        return (
            f"<article><header><h1>{e(lead.title)}</h1></header>{repeat}{clock(lead)}"
            f"<p><strong>{e(lead.prefix)}</strong> {e(first)}</p>{photo(lead, 'figure')}{embed(lead)}"
            f"{paragraphs}{byline}</article>"
        )

    def sidebar(self, heading: str, items: str) -> str:
        return f"<aside><h2>{e(heading)}</h2>{items}</aside>"

    def item(self, item: WireItem) -> str:
        title = f"<h3>{e(item.title)}</h3>" if item.title else ""
        return (
            f'<article class="teaser"><a href="/nieuws/{slug(item.body)}">{title}'
            f"<p>{e(item.prefix)} {e(item.body)}</p></a>"
            f"<footer>{self.item_time(item)}</footer></article>"
        )

    def item_time(self, item: WireItem) -> str:
        """The item's `<time>`: its age as text or, for some items, as the title of the
        clock time the site shows (`<time title="3 uur geleden">09:00</time>`)."""
        if len(item.body) % 3 == 0:
            return f'<time datetime="2026-03-17T09:00:00Z" title="{e(item.age_text)}">10:00</time>'
        return f'<time datetime="2026-03-17T09:00:00Z">{e(item.age_text)}</time>'


    def headlines(self, headlines: tuple[Headline, ...]) -> str:
        rows = "".join(
            f'<li><a href="/nieuws/{slug(h.title)}"><span>{e(h.section)}</span> '
            f'<time datetime="2026-03-17T{h.time.zfill(5)}">{e(h.time)}</time> {e(h.title)}</a></li>'
            for h in headlines
        )
        return f"<section><h2>Net binnen</h2><ol>{rows}</ol></section>"

    def listing_top(self, page: WirePage) -> str:
        return f"<p><time>{e(page.date_line)}</time></p><p>{e(page.edition)}</p><h1>{e(page.section)}</h1>"

    def main(self, content: str) -> str:
        return f"<main>{content}</main>"


class Soup:
    """Class-less divs and spans, `<br>` line breaks, ages after a space in a span or bare."""

    sidebar_first = False

    def banner(self) -> str:
        return "<div><div>" + "<br>".join(e(line) for line in WEBMAIL_BANNER) + "</div></div>"

    def lead(self, lead: LeadStory, title_twice: bool) -> str:
        title = f"<div><span>{e(lead.title)}</span></div>"
        byline = f"<br><span>{e(lead.byline)}</span>" if lead.byline else ""
        return f"{title}{title if title_twice else ''}{clock(lead, 'div')}<div>{broken_body(lead)}{byline}</div>"

    def sidebar(self, heading: str, items: str) -> str:
        return f"<div><div><span>{e(heading)}</span></div>{items}</div>"

    def item(self, item: WireItem) -> str:
        title = f"<span>{e(item.title)}</span><br>" if item.title else ""
        # the age in a span, or (for some items) as bare text after the link; an age in
        # words as bare text is not recognised (it could end a sentence)
        bare = len(item.body) % 2 and item.age_text[0].isdigit()
        age = e(item.age_text) if bare else f"<span>{e(item.age_text)}</span>"
        return f"<div>{title}<a href='/nieuws/{slug(item.body)}'>{e(item.prefix)} {e(item.body)}</a> {age}</div>"

    def headlines(self, headlines: tuple[Headline, ...]) -> str:
        rows = "<br>".join(f"- {e(h.section)} {e(h.time)} {e(h.title)}" for h in headlines)
        return f"<div><div>Net binnen</div><div>{rows}</div></div>"

    def listing_top(self, page: WirePage) -> str:
        return f"<div>{e(page.date_line)}<br>{e(page.edition)}</div><div><span>{e(page.section)}</span></div>"

    def main(self, content: str) -> str:
        return f"<div>{content}</div>"


class Table:
    """An old layout: tables, the dateline in <b>, ages in their own cell, headlines as
    rows of three cells."""

    sidebar_first = False

    def banner(self) -> str:
        title, choose, line = WEBMAIL_BANNER
        return f"<table><tr><td><b>{e(title)}</b></td></tr><tr><td>{e(choose)}</td></tr><tr><td>{e(line)}</td></tr></table>"

    def lead(self, lead: LeadStory, title_twice: bool) -> str:
        first, *rest = lead.paragraphs
        repeat = f"<tr><td><p>{e(lead.title)}</p></td></tr>" if title_twice else ""
        paragraphs = "".join(f"<p>{e(p)}</p>" for p in rest)
        byline = f"<p><b>{e(lead.byline)}</b></p>" if lead.byline else ""
        shown = f"<tr><td><small>{e(lead.clock)}</small></td></tr>" if lead.clock else ""
        return (
            f"<table><tr><td><h1>{e(lead.title)}</h1></td></tr>{repeat}{shown}<tr><td>"
            f"<p><b>{e(lead.prefix)}</b> {e(first)}</p>{photo(lead, 'line')}{embed(lead)}{paragraphs}{byline}</td></tr></table>"
        )

    def sidebar(self, heading: str, items: str) -> str:
        return f"<h3>{e(heading)}</h3><table>{items}</table>"

    def item(self, item: WireItem) -> str:
        title = f"<tr><td colspan=2><a href='/n/{slug(item.body)}'>{e(item.title)}</a></td></tr>" if item.title else ""
        return (
            f"{title}<tr><td><b>{e(item.prefix)}</b> {e(item.body)}</td>"
            f"<td><small>{e(item.age_text)}</small></td></tr>"
        )

    def headlines(self, headlines: tuple[Headline, ...]) -> str:
        rows = "".join(
            f"<tr><td>{e(h.section)}</td><td><b>{e(h.time)}</b></td>"
            f"<td><a href='/n/{slug(h.title)}'>{e(h.title)}</a></td></tr>"
            for h in headlines
        )
        return f"<h3>Net binnen</h3><table>{rows}</table>"

    def listing_top(self, page: WirePage) -> str:
        return f"<table><tr><td>{e(page.date_line)}</td><td>{e(page.edition)}</td></tr></table><h2>{e(page.section)}</h2>"

    def main(self, content: str) -> str:
        return f"<table><tr><td>{content}</td></tr></table>"


class Portal(Semantic):
    """A news portal of today: a header mega-menu of a few hundred links (one reads "Net
    binnen") in no `<nav>`, breadcrumbs, a section label above the `<h1>`, a share bar, an ad
    slot and tags in the article, items as cards in a grid inside `<main>`, a grid of promoted
    teasers without wire copy and a most-read list."""

    def lead(self, lead: LeadStory, title_twice: bool) -> str:
        first, *rest = lead.paragraphs
        repeat = f'<p class="standfirst">{e(lead.title)}</p>' if title_twice else ""
        byline = f'<p class="byline">{e(lead.byline)}</p>' if lead.byline else ""
        paragraphs = "".join(f"<p>{e(p)}</p>" for p in rest)
        return (
            '<article class="story"><div class="story__label"><a href="/nieuws/regio">Regio</a></div>'
            f"<h1>{e(lead.title)}</h1>{repeat}{share_bar()}{clock(lead)}<p>{e(lead.prefix)} {e(first)}</p>"
            f"{photo(lead, 'spans')}{ad_slot('mid')}{embed(lead)}"
            f'{paragraphs}{byline}<div class="story__tags"><a href="/tag/regio">regio</a> '
            '<a href="/tag/nieuws">nieuws</a></div></article>'
        )

    def sidebar(self, heading: str, items: str) -> str:
        return f'<section class="more"><h2>{e(heading)}</h2><div class="grid">{items}</div></section>'

    def item(self, item: WireItem) -> str:
        title = f"<h3>{e(item.title)}</h3>" if item.title else ""
        return (
            f'<div class="card"><a href="/nieuws/{slug(item.body)}"><img src="/img/{slug(item.body)[:12]}.jpg" alt="">'
            f'{title}</a><p>{e(item.prefix)} {e(item.body)}</p><span class="card__age">{e(item.age_text)}</span></div>'
        )

    def main(self, content: str) -> str:
        crumbs = (
            '<ol class="crumbs"><li><a href="/">Home</a></li><li><a href="/nieuws">Nieuws</a></li>'
            '<li><a href="/nieuws/regio">Regio</a></li></ol>'
        )
        promoted = "".join(
            f'<div class="card"><a href="/service/{i}"><img src="/img/p{i}.jpg" alt=""><h3>'
            f"Bekijk ons aanbod voor de zomer nummer {i}</h3></a></div>"
            for i in range(self.promoted)
        )
        popular = "".join(
            f'<li><a href="/nieuws/populair-{i}">Veel gelezen bericht over de regio nummer {i}</a></li>' for i in range(5)
        )
        return (
            f"<main>{crumbs}{ad_slot('top')}{content}<section class=\"grid\"><h2>Ook interessant</h2>"
            f'<div class="grid__cards">{promoted}</div></section>'
            f'<section class="popular"><h2>Meest gelezen</h2><ol>{popular}</ol></section></main>'
        )

    promoted = 6

    def frame(self, page: WirePage, body: str, bulk: Bulk) -> str:
        """The page around the content: mega-menu in the header, footer below."""
        self.promoted = max(6, bulk.teaser_cards // 4)
        columns = max(1, bulk.menu_links // 12)
        menu = "".join(
            f'<div class="mega__col"><h4>{e(bulk.words[c % len(bulk.words)].title())}</h4><ul>'
            + "".join(
                f'<li><a href="/{bulk.words[c % len(bulk.words)]}/{c}-{i}">'
                f"{'Net binnen' if c == i == 0 else bulk.words[(c + i) % len(bulk.words)].title()} {c}.{i}</a></li>"
                for i in range(12)
            )
            + "</ul></div>"
            for c in range(columns)
        )
        return (
            f'<!DOCTYPE html>\n<html lang="nl">{head(page, bulk)}<body>{cookie_banner()}'
            f'<header class="site-head"><a class="brand" href="/"><img src="/logo.svg" alt="Omroep Voorbeeld"></a>'
            f'<div class="mega">{menu}</div></header>{body}{site_footer(bulk)}</body></html>'
        )


class AsideFirst(Semantic):
    """An article's sidebar in an `<aside>` before `<main>`, a promotion above its heading; a kicker
    above the `<h1>`; `Net binnen` headlines as rows of a label cell and a text cell."""

    sidebar_first = True

    def lead(self, lead: LeadStory, title_twice: bool) -> str:
        return '<span class="kicker">Regio</span>' + super().lead(lead, title_twice)

    def sidebar(self, heading: str, items: str) -> str:
        # the promotion above an article's sidebar only: above a listing's only item, a line
        # would read as that item's title in the text dump too
        promo = '<p class="promo">Download de app van Omroep Voorbeeld.</p>' if heading.startswith("Meer uit") else ""
        return f'<aside class="rail">{promo}<h2>{e(heading)}</h2>{items}</aside>'

    def headlines(self, headlines: tuple[Headline, ...]) -> str:
        rows = "".join(
            f'<tr><td class="label">{e(h.section)}</td><td><a href="/nieuws/{slug(h.title)}">{e(h.time)} {e(h.title)}</a></td></tr>'
            for h in headlines
        )
        return f"<h2>Net binnen</h2><table>{rows}</table>"


class Columns(Soup):
    """Class-less div columns, the sidebar's (opened by its `Meer uit` heading) before the
    article's; the `<h1>` broken over two spans by a `<br>`; `Net binnen` headlines as list
    items of three blocks (section, time, title)."""

    sidebar_first = True

    def lead(self, lead: LeadStory, title_twice: bool) -> str:
        words = lead.title.split()
        half = max(1, len(words) // 2)
        h1 = f"<h1><span>{e(' '.join(words[:half]))}</span><br><span>{e(' '.join(words[half:]))}</span></h1>"
        repeat = f"<div><span>{e(lead.title)}</span></div>" if title_twice else ""
        byline = f"<br><span>{e(lead.byline)}</span>" if lead.byline else ""
        return f"<div>{h1}{repeat}{clock(lead, 'div')}<div>{broken_body(lead)}{byline}</div></div>"

    def headlines(self, headlines: tuple[Headline, ...]) -> str:
        rows = "".join(
            f"<li><div>{e(h.section)}</div><div>{e(h.time)}</div><div>{e(h.title)}</div></li>" for h in headlines
        )
        return f"<div><div>Net binnen</div><ul>{rows}</ul></div>"


class WordPress(Semantic):
    """A WordPress theme: the article's `entry-content` between Gutenberg block comments, an
    entry header with its date and author, a share block and a category footer, a comment
    thread; the sidebar one widget of the widget area beside a search form, an archive list,
    recent comments and a text widget; a paragraph of the article as a block quote; items
    as posts (title, date, excerpt: the age above the wire line)."""

    def lead(self, lead: LeadStory, title_twice: bool) -> str:
        first, *rest = lead.paragraphs
        repeat = f'<p class="entry-excerpt">{e(lead.title)}</p>' if title_twice else ""
        byline = f'<!-- wp:paragraph --><p class="has-small-font-size"><em>{e(lead.byline)}</em></p><!-- /wp:paragraph -->' if lead.byline else ""
        paragraphs = "".join(
            f'<!-- wp:quote -->\n<blockquote class="wp-block-quote"><p>{e(p)}</p></blockquote>\n<!-- /wp:quote -->\n'
            if i == 1 else f"<!-- wp:paragraph -->\n<p>{e(p)}</p>\n<!-- /wp:paragraph -->\n"
            for i, p in enumerate(rest)
        )
        share = (
            '<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">Delen:</h3><ul>'
            '<li class="share-facebook"><a href="?share=facebook"><span>Facebook</span></a></li>'
            '<li class="share-x"><a href="?share=x"><span>X</span></a></li></ul></div>'
        )
        comments = (
            '<div id="comments" class="comments-area"><h2 class="comments-title">2 reacties</h2>'
            '<ol class="comment-list"><li class="comment"><p>Goed dat er eindelijk iets gebeurt.</p></li></ol></div>'
        )
        return (
            f'<article class="post type-post status-publish hentry"><header class="entry-header">'
            f'<h1 class="entry-title">{e(lead.title)}</h1><div class="entry-meta"><span class="posted-on">'
            'Geplaatst op <a href="/2026/03/17/x/" rel="bookmark"><time class="entry-date published" '
            'datetime="2026-03-17T08:00:00+01:00">17 maart 2026</time></a></span><span class="byline"> door '
            '<span class="author vcard"><a href="/author/redactie/">redactie</a></span></span></div></header>'
            f'{repeat}<div class="entry-content">\n<!-- wp:paragraph -->\n<p><strong>{e(lead.prefix)}</strong> {e(first)}</p>\n'
            f"<!-- /wp:paragraph -->\n{photo(lead, 'wp')}{embed(lead, 'wp')}{paragraphs}{byline}{share}</div>"
            '<footer class="entry-footer"><span class="cat-links">Geplaatst in <a href="/regio/" rel="category tag">Regio</a>'
            f"</span></footer></article>{comments}"
        )

    def sidebar(self, heading: str, items: str) -> str:
        return f'<section id="block-3" class="widget widget_block"><h2 class="widget-title">{e(heading)}</h2>{items}</section>'

    def item(self, item: WireItem) -> str:
        href = f"/2026/03/{slug(item.body)}/"
        date = f'<div class="entry-meta"><time class="entry-date" datetime="2026-03-17T09:00:00+01:00">{e(item.age_text)}</time></div>'
        if item.title:
            return (
                f'<article class="post type-post"><header class="entry-header"><h2 class="entry-title">'
                f'<a href="{href}" rel="bookmark">{e(item.title)}</a></h2>{date}</header>'
                f'<div class="entry-summary"><p>{e(item.prefix)} {e(item.body)}</p></div></article>'
            )
        return (
            f'<article class="post type-post"><div class="entry-summary"><p><a href="{href}">'
            f"{e(item.prefix)} {e(item.body)}</a></p></div>{date}</article>"
        )

    def article(self, lead: str, sidebar: str) -> str:
        """The content area and the widget area beside it."""
        return self.main(lead) + self.widgets(sidebar)

    def main(self, content: str) -> str:
        return f'<div id="primary" class="content-area"><main id="main" class="site-main">{content}</main></div>'

    def widgets(self, sidebar: str) -> str:
        search = (
            '<section id="search-2" class="widget widget_search"><form role="search" method="get" action="/">'
            '<label><span class="screen-reader-text">Zoeken naar:</span><input type="search" name="s"></label>'
            '<input type="submit" value="Zoeken"></form></section>'
        )
        archive = (
            '<section id="archives-2" class="widget widget_archive"><h2 class="widget-title">Archief</h2><ul>'
            '<li><a href="/2026/03/">maart 2026</a></li><li><a href="/2026/02/">februari 2026</a></li></ul></section>'
        )
        recent = (
            '<section id="recent-comments-2" class="widget widget_recent_comments"><h2 class="widget-title">'
            'Recente reacties</h2><ul id="recentcomments"><li class="recentcomments"><span class="comment-author-link">'
            'Jan</span> op <a href="/2026/03/x/#comment-2">Dijk wordt verhoogd</a></li></ul></section>'
        )
        about = (
            '<section id="text-2" class="widget widget_text"><h2 class="widget-title">Over ons</h2>'
            '<div class="textwidget"><p>Omroep Voorbeeld brengt elke dag het nieuws uit de regio.</p></div></section>'
        )
        return f'<aside id="secondary" class="widget-area">{search}{sidebar}{archive}{recent}{about}</aside>'


class LayoutTable:
    """A page laid out by one outer table, as sites of around 2000 did (and some still do):
    upper-case tags and attributes, unclosed `<P>`, `<FONT>`, no `<h1>`; a menu cell, the
    content cell and the sidebar cell in one row; the sidebar's items in one cell split by
    `<BR>`, each age in `<FONT SIZE="1">`."""

    sidebar_first = False

    def banner(self) -> str:
        return '<TABLE BORDER="0"><TR><TD><FONT FACE="Arial">' + "<BR>".join(e(line) for line in WEBMAIL_BANNER) + "</FONT></TD></TR></TABLE>"

    def lead(self, lead: LeadStory, title_twice: bool) -> str:
        first, *rest = lead.paragraphs
        repeat = f"<P>{e(lead.title)}" if title_twice else ""
        paragraphs = "".join(f"\n<P>{e(p)}" for p in rest)
        byline = f"\n<P><I>{e(lead.byline)}</I>" if lead.byline else ""
        return (
            f'<FONT FACE="Arial" SIZE="+2"><B>{e(lead.title)}</B></FONT>{repeat}{clock(lead, "font")}\n<P>'
            f'<FONT FACE="Arial" SIZE="2"><B>{e(lead.prefix)}</B> {e(first)}{photo(lead, "font")}{embed(lead)}'
            f"{paragraphs}{byline}</FONT>"
        )

    def sidebar(self, heading: str, items: str) -> str:
        return f'<TD WIDTH="220" VALIGN="TOP" BGCOLOR="#EEEEEE"><FONT FACE="Arial" SIZE="2"><B>{e(heading)}</B><BR><BR>{items}</FONT></TD>'

    def item(self, item: WireItem) -> str:
        title = f'<A HREF="/nieuws/{slug(item.body)}.html"><B>{e(item.title)}</B></A><BR>' if item.title else ""
        return f'{title}<B>{e(item.prefix)}</B> {e(item.body)}<BR><FONT SIZE="1">{e(item.age_text)}</FONT><BR><BR>\n'

    def headlines(self, headlines: tuple[Headline, ...]) -> str:
        rows = "<BR>".join(
            f'- {e(h.section)} {e(h.time)} <A HREF="/nieuws/{slug(h.title)}.html">{e(h.title)}</A>' for h in headlines
        )
        return f"<P><B>Net binnen</B><BR>{rows}"

    def listing_top(self, page: WirePage) -> str:
        return f'<FONT SIZE="1">{e(page.date_line)}<BR>{e(page.edition)}</FONT>\n<P><FONT SIZE="+2"><B>{e(page.section)}</B></FONT><P>'

    def menu_cell(self) -> str:
        links = "<BR>".join(f'<A HREF="/{word}.html">{word.title()}</A>' for word in ("nieuws", "sport", "regio", "weer"))
        return f'<TD WIDTH="120" VALIGN="TOP" BGCOLOR="#003366"><FONT COLOR="#FFFFFF">{links}</FONT></TD>'

    def main(self, content: str, sidebar_cell: str = "") -> str:
        return (
            '<TABLE WIDTH="100%" BORDER="0" CELLPADDING="4"><TR><TD COLSPAN="3"><A HREF="/"><IMG SRC="/logo.gif" '
            f'ALT="Omroep Voorbeeld"></A></TD></TR>\n<TR>{self.menu_cell()}<TD VALIGN="TOP">{content}</TD>{sidebar_cell}</TR></TABLE>'
        )

    def article(self, lead: str, sidebar: str) -> str:
        return self.main(lead, sidebar)


class Amp(Semantic):
    """An AMP page: the menu in an `amp-sidebar`, images in `amp-img` and a figure with its
    caption, an `amp-ad` holding placeholder and fallback text in the article, share buttons
    in `amp-social-share`, ages in `amp-timeago`, a consent notice shown by script."""

    def lead(self, lead: LeadStory, title_twice: bool) -> str:
        first, *rest = lead.paragraphs
        repeat = f'<p class="standfirst">{e(lead.title)}</p>' if title_twice else ""
        byline = f"<p><em>{e(lead.byline)}</em></p>" if lead.byline else ""
        paragraphs = "".join(f"<p>{e(p)}</p>" for p in rest)
        ad = (
            '<amp-ad width="300" height="250" type="doubleclick" data-slot="/1234/nieuws">'
            "<div placeholder>Advertentie</div><div fallback>Geen advertentie beschikbaar</div></amp-ad>"
        )
        return (
            f'<article><header><h1>{e(lead.title)}</h1></header>{repeat}{clock(lead)}'
            '<amp-img src="/foto/groot.jpg" width="800" height="450" layout="responsive" alt="">'
            '<noscript><img src="/foto/groot.jpg" alt=""></noscript></amp-img>'
            f"<p>{e(lead.prefix)} {e(first)}</p>{ad}{photo(lead, 'figure')}{embed(lead)}"
            '<figure><amp-img src="/foto/dijk.jpg" width="400" height="300" layout="responsive" alt=""></amp-img>'
            "<figcaption>Werk aan de dijk bij laag water. Foto: Omroep Voorbeeld</figcaption></figure>"
            f"{paragraphs}{byline}"
            '<amp-social-share type="whatsapp" width="40" height="40"></amp-social-share>'
            '<amp-social-share type="email" width="40" height="40"></amp-social-share></article>'
        )

    def item(self, item: WireItem) -> str:
        title = f"<h3>{e(item.title)}</h3>" if item.title else ""
        return (
            f'<article class="teaser"><a href="/amp/nieuws/{slug(item.body)}"><amp-img src="/img/t.jpg" width="120" '
            f'height="80" layout="fixed" alt=""></amp-img>{title}</a><p>{e(item.prefix)} {e(item.body)}</p>'
            f'<amp-timeago width="160" height="20" layout="fixed" datetime="2026-03-17T09:00:00Z" locale="nl">'
            f"{e(item.age_text)}</amp-timeago></article>"
        )

    def main(self, content: str) -> str:
        drawer = (
            '<amp-sidebar id="menu" layout="nodisplay" side="left"><ul><li><a href="/amp/nieuws">Nieuws</a></li>'
            '<li><a href="/amp/sport">Sport</a></li></ul><p>Volg ons ook op de radio.</p></amp-sidebar>'
        )
        notice = (
            '<amp-user-notification id="melding" layout="nodisplay" data-show-if-href="/api/melding">'
            "<p>Deze site gebruikt cookies.</p><button on=\"tap:melding.dismiss\">Akkoord</button></amp-user-notification>"
        )
        analytics = '<amp-analytics type="gtag"><script type="application/json">{"vars": {}}</script></amp-analytics>'
        return f"{analytics}{notice}{drawer}<main>{content}</main>"


_AGE_ATTRIBUTES = ("title", "data-age", "aria-label")


class Cards(Semantic):
    """Teaser cards as sites of today print them: a link around an image and the `<h3>`, the
    teaser text, and the age only in an attribute of an empty element (`<time datetime
    title="3 uur geleden">`, `data-age`, `aria-label`: a script fills the visible text in);
    scripts, styles, templates and comments inside the content; soft hyphens, zero-width
    spaces and no-break spaces in the text."""

    def lead(self, lead: LeadStory, title_twice: bool) -> str:
        first, *rest = lead.paragraphs
        repeat = f'<p class="intro">{invisible(lead.title)}</p>' if title_twice else ""
        byline = f"<p><em>{e(lead.byline)}</em></p><!-- /byline -->" if lead.byline else ""
        paragraphs = "".join(
            f"<p>{invisible(p)}</p>\n<!-- paragraph {i} -->"
            + ("<script>window.ads.push({slot: 'mid'});</script>" if i == 0 else "")
            for i, p in enumerate(rest)
        )
        prefix = e(lead.prefix).replace(" -", "&nbsp;-")
        return (
            f'<article class="story"><h1>{invisible(lead.title)}</h1>{repeat}<!--[if lt IE 9]><p>Uw browser is '
            "verouderd.</p><![endif]--><style>.story p{margin:0}</style>"
            f'{clock(lead, "empty")}<p><span class="dateline">{prefix}</span> {invisible(first)}</p>'
            f'{photo(lead, "cards")}{embed(lead)}<noscript><p>Zet JavaScript aan om de video te zien.</p></noscript>'
            f'<script type="text/template"><p>DEN HAAG (ANP) - sjabloon</p></script>{paragraphs}{byline}</article>'
        )

    def item(self, item: WireItem) -> str:
        title = f'<h3 class="card__title">{invisible(item.title)}</h3>' if item.title else ""
        attribute = _AGE_ATTRIBUTES[len(item.body) % len(_AGE_ATTRIBUTES)]
        if attribute == "title":
            age = f'<time class="card__time" datetime="2026-03-17T09:00:00Z" title="{e(item.age_text)}"></time>'
        else:
            age = f'<span class="card__age" {attribute}="{e(item.age_text)}"></span>'
        return (
            f'<div class="card"><style>.card img{{width:100%}}</style><a class="card__link" href="/nieuws/{slug(item.body)}">'
            f'<img src="/img/k.jpg" alt="">{title}</a><!-- teaser --><p class="card__text">{e(item.prefix)} '
            f'{invisible(item.body)}</p><script>track("{slug(item.body)[:8]}")</script>{age}</div>'
        )


class SharedCell(Table):
    """An old table layout whose content cell holds the article and, after it, its `Meer uit`
    heading and items, then another section of the page: a heading of the same rank over a
    teaser of other news (a wire line and its age too) and a puzzle line."""

    def sidebar(self, heading: str, items: str) -> str:
        if not heading.startswith("Meer uit"):  # a listing's only section: nothing after it
            return super().sidebar(heading, items)
        other = (
            "<h3>Ook in het nieuws</h3><table><tr><td><b>ROTTERDAM (ANP) -</b> Een containerschip is met een dag "
            "vertraging aangekomen.</td><td><small>1 uur geleden</small></td></tr></table>"
            "<p>Puzzel van de week: zoek de tien verschillen.</p>"
        )
        return super().sidebar(heading, items) + other


def clock(lead: LeadStory, style: str = "meta") -> str:
    """The clock time an article shows above its dateline, in a `<time datetime>`; `empty`:
    the datetime only, for a script to show."""
    if lead.clock is None:
        return ""
    stamp = f"2026-03-17T{lead.clock.zfill(5)}:00+01:00"
    if style == "font":
        return f'<BR><FONT SIZE="1">{e(lead.clock)}</FONT>'
    shown = "" if style == "empty" else e(lead.clock)
    wrapper = "div" if style == "div" else 'div class="meta"'
    return f'<{wrapper}><time datetime="{stamp}">{shown}</time></div>'


def photo(lead: LeadStory, style: str) -> str:
    """The lead's photo with its caption and credit, as each kind of site marks it up: a
    figure, caption and credit spans, WordPress's caption, a caption span beside a credit,
    or (no markup to say so) a line of text, for a `<br>` or old HTML."""
    if lead.photo is None:
        return ""
    caption, credit = map(e, lead.photo)
    image = '<img src="/foto/1.jpg" alt="">'
    return {
        "figure": f"<figure>{image}<figcaption>{caption} <small>{credit}</small></figcaption></figure>",
        "spans": f'<div class="story__image">{image}<span class="story__caption">{caption}</span> '
                 f'<span class="story__credit">{credit}</span></div>',
        "wp": f'<div class="wp-caption alignnone">{image}<p class="wp-caption-text">{caption} {credit}</p></div>',
        "cards": f'<p>{image}<span class="caption">{caption}</span> <small class="photo-credit">{credit}</small></p>',
        "line": f"<p>{image}<br><i>{caption} {credit}</i></p>",
        "br": f"{caption} {credit}",
        "font": f'\n<P><IMG SRC="/foto/1.jpg"><BR><FONT SIZE="1">{caption} {credit}</FONT>',
    }[style]


def embed(lead: LeadStory, style: str = "") -> str:
    """An embedded post after the lead's first paragraph (in WordPress's embed block)."""
    if lead.embed is None:
        return ""
    post = (
        f'<blockquote class="twitter-tweet" data-lang="nl"><p lang="nl">{e(lead.embed)}</p>&mdash; Omroep Voorbeeld '
        '(@omroepvoorbeeld) <a href="https://x.example/omroepvoorbeeld/status/1">17 maart 2026</a></blockquote>'
        '<script async src="https://platform.x.example/widgets.js"></script>'
    )
    if style == "wp":
        return f'<figure class="wp-block-embed is-provider-twitter"><div class="wp-block-embed__wrapper">{post}</div></figure>'
    return post


def broken_body(lead: LeadStory) -> str:
    """The lead's paragraphs after its dateline, one per `<br>`, with its photo's caption line
    and embedded post after the first."""
    first, *rest = map(e, lead.paragraphs)
    shown = photo(lead, "br")
    lines = [f"{e(lead.prefix)} {first}", *([shown] if shown else [])]
    post = embed(lead)
    return "<br>".join(lines) + (f"{post}" if post else "") + ("<br>" if rest and not post else "") + "<br>".join(rest)


def invisible(text: str) -> str:
    """`text` escaped, with a soft hyphen in the middle of each long word and a zero-width
    space in the middle of each word of six or seven letters: a browser shows neither."""
    def word(w: str) -> str:
        if len(w) >= 8 and w.isalpha():
            return f"{w[:4]}&shy;{w[4:]}"
        if len(w) in (6, 7) and w.isalpha():
            return f"{w[:3]}&#8203;{w[3:]}"
        return w
    return " ".join(word(w) for w in e(text).split(" "))


def share_bar() -> str:
    return (
        '<div class="story__tools"><a href="https://facebook.example/share?u=x">Facebook</a>'
        '<a href="https://wa.example/send?text=x">WhatsApp</a><a href="mailto:?body=x">Mail</a></div>'
    )


def ad_slot(name: str) -> str:
    return f'<div class="slot" id="div-gpt-ad-{name}"><span>Advertentie</span></div>'


SHAPE_CLASSES: dict[str, Callable[[], Semantic | Soup | Table | LayoutTable]] = {
    "semantic": Semantic, "soup": Soup, "table": Table, "portal": Portal, "aside_first": AsideFirst,
    "columns": Columns, "wordpress": WordPress, "layout_table": LayoutTable, "amp": Amp, "cards": Cards,
    "shared_cell": SharedCell,
}


def render(page: WirePage, shape: str, bulk: Bulk | None = None) -> str:
    """The page as a complete HTML document in the given markup shape."""
    parts = SHAPE_CLASSES[shape]()
    items = "".join(parts.item(item) for item in page.items)
    if page.layout in ("A", "B"):
        assert page.lead is not None
        banner = parts.banner() if page.layout == "B" else ""
        lead = banner + parts.lead(page.lead, page.layout == "B" and page.title_twice)
        sidebar = parts.sidebar(f"Meer uit {page.section}", items)
        if isinstance(parts, (WordPress, LayoutTable)):  # the sidebar beside the content, not in it
            body = parts.article(lead, sidebar)
        else:
            body = sidebar + parts.main(lead) if parts.sidebar_first else parts.main(lead + sidebar)
    elif page.layout == "C" and isinstance(parts, LayoutTable):
        body = parts.main(parts.headlines(page.headlines) + f"<P><B>{e(page.section)}</B><BR>{items}")
    elif page.layout == "C":
        body = parts.main(parts.headlines(page.headlines) + parts.sidebar(page.section, items))
    else:
        body = parts.main(parts.banner() + parts.listing_top(page) + items)
    bulk = bulk or Bulk()
    if isinstance(parts, Portal):
        return parts.frame(page, body, bulk)
    return document(page, body, bulk)
