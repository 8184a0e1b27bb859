"""URL normalisation decides whether two links are the same page."""

from __future__ import annotations

import pytest

from newsarchive.urls import (
    MAX_URL_LENGTH,
    CredentialsInURL,
    UnsupportedURL,
    URLTooLong,
    normalize_url,
    redact,
    same_site,
    split_credentials,
)


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


def test_same_site_follows_the_public_suffix_list():
    assert same_site("https://www.news.co.uk/a", "https://feeds.news.co.uk/rss")
    assert not same_site("https://www.news.co.uk/a", "https://attacker.co.uk/a")
    assert not same_site("https://alice.github.io/a", "https://mallory.github.io/a")
    assert same_site("https://www.omroep.nl/a", "https://omroep.nl/b")
    assert not same_site("https://co.uk/a", "https://news.co.uk/a")


def test_same_site_wants_the_same_port_but_lets_http_upgrade_to_https():
    assert same_site("http://www.example.nl/a", "https://www.example.nl/a")
    assert same_site("http://example.nl:8080/a", "http://www.example.nl:8080/b")
    assert not same_site("http://example.nl/a", "http://example.nl:8080/a")
    assert not same_site("http://127.0.0.1:8080/a", "http://127.0.0.1:8081/a")


def test_a_link_with_credentials_is_refused_and_a_source_may_carry_them():
    with pytest.raises(CredentialsInURL) as refused:
        normalize_url("http://wie:wachtwoord@example.nl/a")
    assert str(refused.value) == "URL with credentials: http://***@example.nl/a"
    with pytest.raises(CredentialsInURL):
        normalize_url("//wie@example.nl/a", base="https://example.nl/")
    source = normalize_url("HTTP://wie:wacht%40woord@Example.NL/a", credentials=True)
    assert source == "http://wie:wacht%40woord@example.nl/a"
    url, credentials = split_credentials(source)
    assert url == "http://example.nl/a"
    assert (credentials.user, credentials.password) == ("wie", "wacht@woord")
    assert "wacht" not in repr(credentials)
    assert split_credentials("http://example.nl/a") == ("http://example.nl/a", None)


def test_messages_never_repeat_credentials():
    with pytest.raises(UnsupportedURL) as refused:
        normalize_url("ftp://wie:wachtwoord@example.nl/a")
    assert "wachtwoord" not in str(refused.value) and "***@example.nl" in str(refused.value)
    assert redact("http://a:b@example.nl/x?y=@z") == "http://***@example.nl/x?y=@z"
    assert redact("http://example.nl/x?y=@z") == "http://example.nl/x?y=@z"


def test_an_item_link_with_credentials_is_keyed_and_stored_without_them():
    from newsarchive.store.keys import article_url

    assert article_url("http://wie:wachtwoord@example.nl/nieuws/a") == "http://example.nl/nieuws/a"


def test_a_url_is_at_most_2048_characters_normalised():
    base = "https://nieuws.example.nl/"
    assert MAX_URL_LENGTH == 2048
    at_limit = base + "a" * (2048 - len(base))
    assert normalize_url(at_limit) == at_limit
    with pytest.raises(URLTooLong, match="^URL of 2049 characters, over 2048: "):
        normalize_url(at_limit + "b")
    # counted after percent-encoding: 700 characters of `é` are 4,200 of `%C3%A9`
    with pytest.raises(URLTooLong):
        normalize_url(base + "é" * 700)
    with pytest.raises(URLTooLong):  # a relative link, joined first
        normalize_url("/" + "x" * 2048, base=base)


def test_an_item_keeps_no_url_over_2048_characters_normalised():
    from newsarchive.store.keys import article_url

    base = "https://nieuws.example.nl/"
    at_limit = base + "a" * (2048 - len(base))
    assert article_url(at_limit) == at_limit
    assert article_url(at_limit + "b") is None
    assert article_url(base + "é" * 700) is None  # 726 characters, 4,226 once percent-encoded
    assert article_url(at_limit.replace("https://", "https://wie:wat@") + "b") is None
    assert article_url("niet-een-url " + "x" * 2035) == "niet-een-url " + "x" * 2035  # 2048
    assert article_url("niet-een-url " + "x" * 2036) is None
