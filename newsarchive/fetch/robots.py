"""robots.txt: fetched once per host per run, through our own client (our User-Agent, our delay).

What an unusable robots.txt means (the convention of the major crawlers, RFC 9309 section 2.3.1):
- 200: its rules apply (parsed with Protego), `Crawl-delay` raises the host's delay.
- 4xx (404, 403, 410, ...), or redirects that cannot be followed (a loop, more than the limit):
  there are no rules; everything may be fetched.
- 5xx, a timeout, a refused connection, a body over the cap: the host is unreachable for now;
  nothing on it is fetched this run (its pages stay due and are tried next run).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from protego import Protego

from ..urls import host_of, origin_of
from .http import HttpClient, Response

ROBOTS_MAX_BYTES = 512 * 1024
AGENT = "newsarchive"
USER_AGENT_VERSION = re.compile(r"^(\s*user-agent\s*:\s*[^\s/#]+)/[^\s#]*",
                                re.IGNORECASE | re.MULTILINE)
log = logging.getLogger("newsarchive.crawl")


@dataclass
class HostRules:
    """The robots.txt verdict for one host."""

    parser: Protego | None  # None: no rules (4xx), everything allowed
    unreachable: str | None = None  # why nothing on the host may be fetched this run

    def allows(self, url: str) -> bool:
        if self.unreachable is not None:
            return False
        return self.parser is None or self.parser.can_fetch(url, AGENT)

    @property
    def crawl_delay(self) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(AGENT)
        return float(delay) if delay is not None else None


def robots_text(body: bytes) -> str:
    """robots.txt as Protego should see it: UTF-8 without a byte-order mark, and a user agent
    written with a version (`newsarchive/1.0`) reduced to its product token, as RFC 9309
    matches it."""
    text = body.decode("utf-8-sig", errors="replace")
    return USER_AGENT_VERSION.sub(r"\1", text)


class Robots:
    """The robots.txt of every host a run touches, each fetched at most once."""

    def __init__(self, client: HttpClient) -> None:
        self.client = client
        self._hosts: dict[str, HostRules] = {}

    def rules_for(self, url: str) -> HostRules:
        host = host_of(url)
        if host not in self._hosts:
            self._hosts[host] = self._fetch(robots_url_of(url))
            delay = self._hosts[host].crawl_delay
            if delay:
                self.client.clock.set_delay(host, delay)
        return self._hosts[host]

    def allows(self, url: str) -> bool:
        return self.rules_for(url).allows(url)

    def _fetch(self, robots_url: str) -> HostRules:
        return verdict(fetch_robots(self.client, robots_url), robots_url)


def robots_url_of(url: str) -> str:
    return origin_of(url) + "/robots.txt"


def fetch_robots(client: HttpClient, robots_url: str) -> Response:
    return client.get(robots_url, max_bytes=ROBOTS_MAX_BYTES, any_type=True)


def verdict(response: Response, robots_url: str) -> HostRules:
    """What a robots.txt answer means for its host (see the module docstring)."""
    if response.ok:
        return HostRules(Protego.parse(robots_text(response.body or b"")))
    if response.status is not None and 400 <= response.status < 500 and response.status != 429:
        return HostRules(None)
    if response.permanent and response.status is None:  # redirect loop or too many
        return HostRules(None)
    reason = response.error or f"HTTP {response.status}"
    log.warning("robots.txt unavailable (%s): skipping %s this run", reason, robots_url)
    return HostRules(None, unreachable=f"robots.txt unavailable ({reason})")
