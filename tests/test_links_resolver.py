"""The links of a page resolved against its base by `parse.links.Resolver`: the same URL as
`urls.normalize_url(href, base=base)` (the oracle) for every href, the fast path's plain
root-relative paths included, and the same refusal."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive.parse.links import _PLAIN_PATH, Resolver
from newsarchive.urls import MAX_URL_LENGTH, UnsupportedURL, normalize_url

BASES = [
    "https://regio.example.nl/nieuws/binnenland?page=2",
    "https://Regio.Example.NL:443/nieuws/bin%c3%a9nland/../x?utm_source=y#top",
    "http://127.0.0.1:8001/",
    "http://www.m\u00fcnchen.de",
    "https://user:secret@www.example.nl/",  # refused: the links refused too
    "ftp://files.example.nl/",
    "/relative/base",
    "https://[::1]:8443/a/b",
    "https://www.example.nl:99999/",
    None,
]
HREFS = st.one_of(
    st.from_regex(_PLAIN_PATH, fullmatch=True),
    st.sampled_from(["/", "/a/./b", "/a/../b", "//cdn.example.nl/x", "/%7euser", "/a;b", "/a?utm_source=x",
                     " /a", "/a#b", "/" + "x" * MAX_URL_LENGTH, "/.hidden", "/a//b", "https://x.nl/A"]),
    st.text(alphabet="/.%~-_aZ09?#;: \t", max_size=12),
)


def resolved(resolve, href):
    try:
        return resolve(href)
    except UnsupportedURL as exc:
        return type(exc)


@settings(max_examples=600, deadline=None)
@given(base=st.sampled_from(BASES), href=HREFS)
def test_a_link_resolves_as_normalize_url_resolves_it(base, href):
    assert resolved(Resolver(base), href) == resolved(lambda h: normalize_url(h, base=base), href)


def test_a_plain_path_takes_the_normalised_origin_of_the_base():
    assert Resolver("https://Regio.Example.NL:443/x?p=1")("/nieuws/a-b.html") == "https://regio.example.nl/nieuws/a-b.html"
    assert Resolver("http://127.0.0.1:8001/")("/") == "http://127.0.0.1:8001/"
