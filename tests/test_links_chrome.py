"""Which links of a page are chrome (menus, header, footer, share bars) and which point to the
next page: decided from the class, id and role words of their ancestors and from their text."""

from __future__ import annotations

import pytest

from newsarchive.fetch.discover import discover

BASE = "https://www.example.nl/nieuws/binnenland"
HEADLINE = "Nieuwe brug over de rivier gaat open"


def articles(body: str) -> list[str]:
    html = f"<html><body>{body}</body></html>".encode()
    return [url.removeprefix("https://www.example.nl") for url in discover(html, BASE, "text/html").articles]


def next_pages(body: str) -> list[str]:
    html = f"<html><body><main><p><a href='/nieuws/a'>{HEADLINE}</a></p>{body}</main></body></html>".encode()
    return [url.removeprefix("https://www.example.nl") for url in discover(html, BASE, "text/html").next_pages]


@pytest.mark.parametrize(
    ("attributes", "chrome"),
    [
        ('class="subheader"', False),  # a word that only holds a chrome word
        ('class="card__header"', True),  # the word between other characters
        ('class="mainnav-list"', True),  # a part inside a word
        ('id="Kop"', True),  # id and case
        ('class="x" id="delen"', True),
        ('class="onderdelen shared"', False),
        ('class="\u212aop"', True),  # the Kelvin sign lower-cases to `k`
        ('class="\u0130share"', True),  # `İ` lower-cases to `i` and a combining dot: `share` stands alone
        ('class="share\u0130"', False),  # ... and here reads `sharei`
        ('class="breadcrumbs-\u0130tem"', True),
        ('role="Navigation"', True),
        ('role="main"', False),
        ('role=" menu"', False),  # the role as written, not trimmed
        ("", False),
    ],
)
def test_a_link_is_chrome_by_the_words_of_its_ancestors(attributes, chrome):
    page = f"<main><div {attributes}><p><a href='/nieuws/brug'>{HEADLINE}</a></p></div></main>"
    assert articles(page) == ([] if chrome else ["/nieuws/brug"])


def test_a_link_is_judged_by_its_ancestors_not_its_own_classes():
    page = (f"<main><a class='nav-link' href='/nieuws/brug'>{HEADLINE}</a>"
            f"<span class='nav-link'><a href='/nieuws/binnen'>{HEADLINE} ook</a></span></main>")
    assert articles(page) == ["/nieuws/brug"]


def test_links_in_nested_chrome_and_beside_it():
    page = (f"<footer><nav><div class='menu'><a href='/nieuws/diep'>{HEADLINE}</a></div></nav>"
            f"<a href='/nieuws/voet'>{HEADLINE}</a></footer>"
            f"<main><section><div><div><a href='/nieuws/los'>{HEADLINE}</a></div></div></section></main>"
            f"<div class='topbar'><a href='/nieuws/top'>{HEADLINE}</a></div>"
            f"<div class='has-navbar'><div class='navbar'><a href='/nieuws/balk'>{HEADLINE}</a></div>"
            f"<a href='/nieuws/naast'>{HEADLINE}</a></div>")
    assert articles(page) == ["/nieuws/los"]


def test_deep_nesting_of_chrome_keeps_the_links_outside_it():
    depth = 1500
    page = "<div class='nav'>" * depth + "<a href='/nieuws/diep'>x</a>" + "</div>" * depth
    assert articles(page + f"<main><a href='/nieuws/los'>{HEADLINE}</a></main>") == ["/nieuws/los"]


@pytest.mark.parametrize(
    ("link", "is_next"),
    [
        ("<a href='/p/2'>Volgende</a>", True),
        ("<a href='/p/2'>VOLGENDE PAGINA</a>", True),
        ("<a href='/p/2'>Vol<b>gende</b></a>", True),  # one word over two elements
        ("<a href='/p/2'>  Oudere\n berichten </a>", True),
        ("<a href='/p/2'>Meer laden</a>", True),
        ("<a href='/p/2'>meer uit Sport</a>", False),
        ("<a href='/p/2'>\u203a</a>", True),
        ("<a href='/p/2'>&gt;</a>", True),
        ("<a href='/p/2'>-- &raquo;&raquo; -- &raquo;&raquo; -- &raquo;&raquo; -- next ++++++++++++</a>", True),
        ("<a href='/p/2'>Volgende week meer</a>", False),
        ("<a href='/p/2'>N\u0130EUWS</a>", False),
        ("<a href='/p/2' title='Volgende pagina'><img src='/pijl.png'></a>", True),
        ("<a href='/p/2' aria-label='next'>\u2192</a>", True),
        ("<a href='/p/2' rel='Next'>2</a>", True),
        ("<a href='/p/2' rel='nofollow'>2</a>", False),
        ("<nav class='pagination'><a href='/p/2'>Volgende</a></nav>", True),  # chrome for teasers, not for this
    ],
)
def test_a_link_reading_next_page_is_a_next_page(link, is_next):
    assert next_pages(link) == (["/p/2"] if is_next else [])


@pytest.mark.parametrize(
    "before",
    [
        "<a href='/nieuws/a'>Een\nlange\ntitel\nover\nregels</a>",  # newlines in a text before it
        "<a href='/nieuws/a' title='regel\neen\ntwee'>x</a>",  # ... and in an attribute value
        "<a href='/nieuws/a'>\u0130\u0130\u0130 \u0130stanbul</a>",  # lower() lengthens `İ`
        "",
    ],
)
def test_the_next_page_link_is_found_whatever_the_links_before_it_hold(before):
    assert next_pages(f"{before}<p><a href='/nieuws/b'>2</a> <a href='/p/2'>Volgende</a></p>") == ["/p/2"]


def test_next_page_links_and_anchors_come_in_document_order():
    assert next_pages("<a href='/p/2'>Volgende</a><div><link rel='next' href='/p/3'></div>") == ["/p/2", "/p/3"]
    assert next_pages("<div><link rel='next' href='/p/3'></div><a href='/p/2'>Volgende</a>") == ["/p/3", "/p/2"]


def test_links_under_chrome_named_only_by_classes_are_chrome_however_many():
    menu = "".join(f"<li><a href='/rubriek/{n}'>{HEADLINE} {n}</a></li>" for n in range(300))
    page = (f"<div class='site-menu'><ul>{menu}</ul></div><div id='Voettekst'><ul>{menu}</ul></div>"
            f"<div role='navigation'><ul>{menu}</ul></div>"
            f"<main><div class='grid'><div><a href='/nieuws/los'>{HEADLINE}</a></div></div></main>")
    assert articles(page) == ["/nieuws/los"]


def test_links_in_and_between_chrome_elements_of_every_nesting():
    # the links of a chrome element are set aside as one run of the page's links: runs nested,
    # back to back, with links between them, chrome without links, chrome inside a teaser link
    teaser = "<div><a href='/nieuws/{0}'>" + HEADLINE + " {0}</a></div>"
    page = ("<header><nav><a href='/menu/1'>" + HEADLINE + "</a></nav><a href='/menu/2'>" + HEADLINE + "</a>"
            "<button>zoek</button></header>" + teaser.format("a") + "<footer><a href='/f/1'>" + HEADLINE
            + "</a></footer><form><a href='/f/2'>" + HEADLINE + "</a></form><nav></nav>" + teaser.format("b")
            + "<a href='/nieuws/c'>" + HEADLINE + " <button>deel</button></a><select></select>"
            + teaser.format("d"))
    assert articles(page) == ["/nieuws/a", "/nieuws/b", "/nieuws/c", "/nieuws/d"]


@pytest.mark.parametrize(
    "chrome",
    [
        "<nav><a href='/menu/1'>Meer</a><a href='/p/2'>VOLGENDE</a></nav>",  # a hint in the menu
        "<nav><a href='/menu/1'>\u0130stanbul</a><a href='/p/2'>Volgende</a></nav>",  # lower() lengthens `İ`
        "<nav><a href='/p/2'><span>Vol</span>gende</a></nav>",  # the word over two elements
        "<header><nav><a href='/menu/1'>x</a></nav><a href='/p/2'>\u00bb</a></header>",
    ],
)
def test_a_next_page_link_inside_chrome_is_read_by_its_own_text(chrome):
    assert next_pages(chrome) == ["/p/2"]
