"""robots.txt: fetched once per host through our client, obeyed, Crawl-delay honoured."""

from __future__ import annotations

import pytest
from protego import Protego

from newsarchive.fetch.http import HttpClient, HttpPolicy
from newsarchive.fetch.robots import AGENT, Robots, robots_text

POLICY = HttpPolicy(delay=0.0, timeout=2, retries=1, backoff=0.05)


def test_disallowed_path_is_refused_and_others_allowed(fixture_site):
    with HttpClient(POLICY) as http:
        robots = Robots(http)
        assert not robots.allows(fixture_site.url("/private/archief"))
        assert robots.allows(fixture_site.url("/nieuws/binnenland"))


def test_robots_txt_is_fetched_once_per_host_with_our_user_agent(fixture_site):
    with HttpClient(POLICY) as http:
        robots = Robots(http)
        for article in fixture_site.articles[:5]:
            robots.allows(fixture_site.url(article.path))
    (request,) = fixture_site.requested("/robots.txt")
    assert request.headers["user-agent"].startswith("newsarchive/")


def test_crawl_delay_longer_than_ours_spaces_the_requests(fixture_site):
    fixture_site.crawl_delay = 0.2
    with HttpClient(HttpPolicy(**{**POLICY.__dict__, "delay": 0.05})) as http:
        robots = Robots(http)
        for article in fixture_site.articles[:3]:
            url = fixture_site.url(article.path)
            assert robots.allows(url) and http.get(url).ok
    times = [request.at for request in fixture_site.requests]
    assert len(times) == 4  # robots.txt and three articles
    assert all(later - earlier >= 0.2 - 0.01 for earlier, later in zip(times[1:], times[2:]))


@pytest.mark.parametrize("status", [400, 403, 404, 410, 499])
def test_missing_robots_txt_allows_everything(fixture_site, status):
    fixture_site.robots_status = status
    with HttpClient(POLICY) as http:
        rules = Robots(http).rules_for(fixture_site.url("/private/archief"))
    assert (rules.parser, rules.unreachable) == (None, None)
    assert rules.allows(fixture_site.url("/private/archief"))


def test_robots_txt_server_error_blocks_the_host_for_this_run(fixture_site):
    fixture_site.robots_status = 503
    with HttpClient(POLICY) as http:
        rules = Robots(http).rules_for(fixture_site.url("/nieuws/binnenland"))
    assert not rules.allows(fixture_site.url("/nieuws/binnenland"))
    assert "503" in rules.unreachable
    assert fixture_site.count("/robots.txt") == 2  # a 5xx is retried like any other


def test_robots_txt_served_with_an_odd_content_type_still_counts(fixture_site):
    fixture_site.robots_type = "application/octet-stream"
    with HttpClient(POLICY) as http:
        robots = Robots(http)
        assert not robots.allows(fixture_site.url("/private/archief"))
        assert robots.allows(fixture_site.url("/nieuws/binnenland"))


@pytest.mark.parametrize("text", [
    "\ufeffUser-agent: *\r\nDisallow: /private/\r\n",  # a byte-order mark and Windows line ends
    "User-agent: *\nAllow: /\n\nUser-agent: NewsArchive/0.1\nDisallow: /private/\n",  # a version
])
def test_robots_txt_rules_are_found_however_the_file_is_written(text):
    rules = Protego.parse(robots_text(text.encode("utf-8")))
    assert not rules.can_fetch("https://www.example.nl/private/x", AGENT)
    assert rules.can_fetch("https://www.example.nl/nieuws/x", AGENT)
