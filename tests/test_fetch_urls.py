"""URL normalisation decides whether two links are the same page."""

from __future__ import annotations

import pytest

from newsarchive.urls import UnsupportedURL, normalize_url, same_site


def test_fragment_and_tracking_parameters_are_dropped():
    url = "https://example.nl/nieuws/a?utm_source=rss&utm_Medium=x&id=3&fbclid=F&gclid=G#reacties"
    assert normalize_url(url) == "https://example.nl/nieuws/a?id=3"


def test_query_without_tracking_keeps_its_order_and_spelling():
    assert normalize_url("https://example.nl/zoek?b=2&a=1&q=a+b") == "https://example.nl/zoek?b=2&a=1&q=a+b"


def test_scheme_and_host_are_lowercased_and_default_port_dropped():
    assert normalize_url("HTTPS://WWW.Example.NL:443/Nieuws") == "https://www.example.nl/Nieuws"
    assert normalize_url("http://example.nl:80") == "http://example.nl/"
    assert normalize_url("http://example.nl:8080/x") == "http://example.nl:8080/x"


def test_non_ascii_path_is_percent_encoded_as_browsers_do():
    assert normalize_url("https://example.nl/nieuws/café-in-malmö") == (
        "https://example.nl/nieuws/caf%C3%A9-in-malm%C3%B6"
    )
    # an already encoded path stays the same; escapes are upper-cased
    assert normalize_url("https://example.nl/nieuws/caf%c3%a9") == "https://example.nl/nieuws/caf%C3%A9"


def test_international_host_name_becomes_idna():
    assert normalize_url("https://bloemen.frysk.nl/ä") == "https://bloemen.frysk.nl/%C3%A4"
    assert normalize_url("https://münchen.de/") == "https://xn--mnchen-3ya.de/"


def test_relative_links_resolve_against_the_page():
    assert normalize_url("../sport?page=2#top", base="https://example.nl/nieuws/a/b") == (
        "https://example.nl/nieuws/sport?page=2"
    )


@pytest.mark.parametrize(
    "url", ["mailto:redactie@example.nl", "ftp://example.nl/x", "javascript:void(0)", "/relatief",
            "http://", "http://example.nl:99999/"]
)
def test_anything_but_absolute_http_is_refused(url):
    with pytest.raises(UnsupportedURL):
        normalize_url(url)


def test_same_site_ignores_subdomain_but_not_domain():
    assert same_site("https://www.example.nl/a", "https://feeds.example.nl/rss")
    assert not same_site("https://www.example.nl/a", "https://example.com/a")


def test_the_loopback_names_are_one_site_and_other_addresses_are_not():
    assert same_site("http://127.0.0.1:8080/nieuws/a", "http://localhost:8080/nieuws/b")
    assert same_site("http://[::1]:8080/nieuws/a", "http://localhost:8080/nieuws/b")
    assert not same_site("http://127.0.0.2/nieuws/a", "http://127.0.0.1/nieuws/b")
