"""Every spelling of a link normalises to what urljoin and the general rule give.

`normalize_url` takes a short way for plain links (absolute, protocol-relative,
root-relative, a query, a fragment); its oracle is the general rule (`_normalize`: urljoin,
urlsplit, quote), run on the same input. Both must agree on the URL, or on the error and its
message, for every input.
"""

from __future__ import annotations

import functools
import itertools
import random
from urllib.parse import urljoin

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive.urls import UnsupportedURL, _normalize, join_plain, normalize_url

BASES = [
    None, "https://www.example.nl/nieuws/binnenland", "https://www.example.nl/nieuws/a/b/",
    "http://127.0.0.1:8080/lijst?page=2#top", "https://example.nl", "https://example.nl?x=1",
    "https://example.nl:443/a;b/c", "HTTPS://Example.NL/Nieuws", "https://user:pw@example.nl/a",
    "https://example.nl/a?utm_source=x", "ftp://example.nl/a", "https://example.nl/%7eà/b",
    "", "https://xn--mnchen-3ya.de./a", "https://[::1]:8080/a",
]
SCHEMES = ["", "http:", "https:", "HTTP:", "ftp:", "mailto:", "javascript:", "hTtPs:"]
AUTHORITIES = [
    "", "//", "//example.nl", "//Example.NL", "//a..b", "//" + "x" * 63 + ".nl", "//" + "x" * 64 + ".nl",
    "//127.0.0.1", "//[::1]", "//[::1", "//h:8080", "//h:80", "//h:443", "//h:", "//h:99999", "//h:0080",
    "//h:65535", "//h:65536", "//u:p@h", "//@h", "//münchen.de", "//h_o.nl", "//h.nl.", "//.nl",
    "//h\\x.nl", "//h%41.nl", "//h.nl:８０",
]
PATHS = [
    "", "/", "/a/b", "/a/./b", "/a/../b", "/..", "/.", "/a/..", "/a/.b", "/a;b", "/a;", "/a;b/c",
    "/%7e", "/%zz", "/%", "/ä", "/a b", "/a\tb", "//x", "a/b", "../a", "./a", ".", "..", "/a/b/../../..",
    "/\t../x", "/a\\b", "/\x01", "/a|b", "/~user/", "/a//b",
]
QUERIES = [
    "", "?", "?a=1", "?utm_source=x", "?UTM_Medium=y&id=2", "?utm%5Fsource=1", "?a+b=1&c", "?&&",
    "?a=%e2", "?q=é", "?fbclid=1", "?a=1;b=2", "?x=/./", "?%", "?m\u212at_tok=1", "?a?b", "?a b",
]
FRAGMENTS = ["", "#", "#x", "#x y\n", "#\x01", "#?a=b"]
WRAPPERS = [("", ""), (" ", " "), ("\t", "\n"), ("\x01", ""), ("", "\x01"), ("\u00a0", "")]


def outcome(href: str, base: str | None) -> tuple[str, str]:
    try:
        return "url", normalize_url(href, base=base)
    except UnsupportedURL as exc:
        return type(exc).__name__, str(exc)


def oracle(href: str, base: str | None) -> tuple[str, str]:
    try:
        return "url", _normalize(href.strip(), base, False)
    except UnsupportedURL as exc:
        return type(exc).__name__, str(exc)


@functools.lru_cache(maxsize=1)
def hrefs() -> list[str]:
    rng = random.Random(2026)
    built = [
        "".join(parts) for parts in itertools.product(SCHEMES[:4], AUTHORITIES, PATHS, QUERIES[:6], FRAGMENTS[:3])
    ]
    built = rng.sample(built, 3000)
    built += ["".join(parts) for parts in itertools.product(["", "//example.nl", "https://example.nl"], PATHS,
                                                             QUERIES, FRAGMENTS[:3])]
    built += [rng.choice(SCHEMES) + rng.choice(AUTHORITIES) + rng.choice(PATHS) + rng.choice(QUERIES)
              + rng.choice(FRAGMENTS) for _ in range(1500)]
    return [before + href + after for href in built for before, after in [rng.choice(WRAPPERS)]]


@pytest.mark.parametrize("base", BASES)
def test_every_generated_link_normalises_as_the_general_rule_says(base):
    answers = [(href, outcome(href, base), oracle(href, base)) for href in hrefs()]
    assert [answer for answer in answers if answer[1] != answer[2]][:5] == []


def joined(base: str, href: str) -> str:
    try:
        return urljoin(base, href)
    except ValueError as exc:
        return f"ValueError: {exc}"


@pytest.mark.parametrize("base", [base for base in BASES if base])
def test_a_link_joined_with_its_fragment_is_what_urljoin_gives(base):
    links = [link for href in hrefs() for link in (href, href.strip())]
    answers = [(link, join_plain(base, link, keep_fragment=True)) for link in links]
    assert [(link, answer) for link, answer in answers if answer is not None and answer != joined(base, link)][:5] == []


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("/a/b?id=1#reacties", "https://www.example.nl/a/b?id=1#reacties"),  # the short way
        ("/a?", None), ("/a#", None), ("/a?#x", None), ("/a;", None), ("/a/./b", None), ("/a\tb", None),  # urljoin's way
        ("//cdn.example.nl/a", None), ("?page=2", None), ("b", None),
    ],
)
def test_a_link_is_joined_with_its_fragment_the_short_way_only_where_it_is_exact(href, expected):
    assert join_plain("https://www.example.nl/nieuws/lijst?page=1", href, keep_fragment=True) == expected


URL_CHARACTERS = st.sampled_from(list("aZ09/.:?#&=%;@+-_~!$'()*, \t\n\\[]éK\u212a") + ["..", "//", "http://", "%2e"])


@settings(max_examples=1000, deadline=None)
@given(st.lists(URL_CHARACTERS, max_size=30).map("".join), st.sampled_from(BASES))
def test_any_string_normalises_as_the_general_rule_says(href, base):
    assert outcome(href, base) == oracle(href, base)


@pytest.mark.parametrize(
    ("href", "base", "expected"),
    [
        ("https://example.nl/a/b?id=3#x", None, "https://example.nl/a/b?id=3"),
        ("http://example.nl", None, "http://example.nl/"),
        ("https://example.nl:443/a?", None, "https://example.nl/a"),
        ("http://example.nl:0080/a", None, "http://example.nl/a"),
        ("https://example.nl/caf%c3%a9?q=%e2", None, "https://example.nl/caf%C3%A9?q=%E2"),
        ("/nieuws/a?page=2", "https://www.example.nl/lijst", "https://www.example.nl/nieuws/a?page=2"),
        ("/nieuws/./a", "https://www.example.nl/lijst", "https://www.example.nl/nieuws/a"),
        # dot segments of an absolute or protocol-relative link too, as browsers resolve them
        ("https://example.nl/archief/../nieuws/a", None, "https://example.nl/nieuws/a"),
        ("//example.nl/a/./b/..", "https://www.example.nl/lijst", "https://example.nl/a/"),
        ("//cdn.example.nl/a", "http://www.example.nl/lijst", "http://cdn.example.nl/a"),
        ("?page=3", "https://www.example.nl/lijst?page=2#top", "https://www.example.nl/lijst?page=3"),
        ("?", "https://www.example.nl/lijst?page=2", "https://www.example.nl/lijst?page=2"),
        ("#reacties", "https://www.example.nl/a?id=1#top", "https://www.example.nl/a?id=1"),
        ("../b", "https://www.example.nl/a/c/d", "https://www.example.nl/a/b"),
        ("/a?utm_source=x&id=1", "https://www.example.nl/", "https://www.example.nl/a?id=1"),
        ("/a;jsessionid=1", "https://www.example.nl/", "https://www.example.nl/a;jsessionid=1"),
    ],
)
def test_common_links_resolve_to_their_canonical_spelling(href, base, expected):
    assert normalize_url(href, base=base) == expected


@pytest.mark.parametrize(
    "href", ["http://[oops/a", "//[::1/a", "https://h:99999/", "https://a..b/", "https://u:p@h/", "mailto:x@h"]
)
def test_a_malformed_link_is_refused_not_raised_as_another_error(href):
    with pytest.raises(UnsupportedURL):
        normalize_url(href, base="https://www.example.nl/")


RESOLVING_BASES = ["https://www.example.nl/nieuws/binnenland", "http://127.0.0.1:8080/lijst?page=2",
                   "http://example.nl/a;b/c", "https://user:pw@example.nl/a"]


@pytest.mark.parametrize("base", [None, "https://www.example.nl/nieuws/a/b/", "http://127.0.0.1:8080/x"])
def test_a_normalised_url_is_its_own_spelling_whatever_page_it_is_linked_from(base):
    """Normalising is a fixed point, and an absolute URL's spelling does not depend on the page:
    else one article is two frontier rows (`http://h/a;` was kept as it is, and became `/a` when
    an http page linked it, as urljoin drops empty path parameters of a same-scheme link)."""
    urls = {answer for href in hrefs() for kind, answer in [outcome(href, base)] if kind == "url"}
    moved = [(url, again) for url in sorted(urls) for page in [None, *RESOLVING_BASES]
             for kind, again in [outcome(url, page)] if again != url]
    assert moved[:5] == []
