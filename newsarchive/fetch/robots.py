"""robots.txt: fetched once per host per run, through our own client (our User-Agent, our delay).

What an unusable robots.txt means (the convention of the major crawlers, RFC 9309 section 2.3.1):
- 200: its rules apply (parsed with Protego), `Crawl-delay` raises the host's delay.
- 4xx (404, 403, 410, ...), or redirects that cannot be followed (a loop, more than the limit,
  off the site, without Location): there are no rules; everything may be fetched.
- 5xx, a timeout, a refused connection: the host is unreachable for now; nothing on it is
  fetched this run (its pages stay due and are tried next run).
- A robots.txt longer than 512 KiB: its first 512 KiB apply (RFC 9309 2.5 asks crawlers to
  read at least 500 KiB); the rest is not read. NUL bytes are dropped (binary junk cannot
  hold rules, and PostgreSQL text cannot hold them).

robots.txt is fetched like any page: one deadline per attempt, redirects checked like links
(same site and port, no private addresses). `Crawl-delay` is read strictly: seconds as ASCII
digits with an optional fraction (`2`, `0.5`); anything else (`1e20`, `inf`, `²`) is ignored.
(A delay over `--max-crawl-delay` skips the host for the run: crawl.py.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from protego import Protego

from ..urls import host_of, origin_of
from .errors import REASON_CLASSES, RedirectRefused
from .http import HttpClient, Response

ROBOTS_MAX_BYTES = 512 * 1024
AGENT = "newsarchive"
USER_AGENT_VERSION = re.compile(r"^(\s*user-agent\s*:\s*[^\s/#]+)/[^\s#]*",
                                re.IGNORECASE | re.MULTILINE)
CRAWL_DELAY_LINE = re.compile(r"^(\s*crawl-?delay\s*:[ \t]*)([^#\r\n]*)",
                              re.IGNORECASE | re.MULTILINE)
CRAWL_DELAY_VALUE = re.compile(r"[0-9]{1,64}(?:\.[0-9]{1,64})?", re.ASCII)
CRAWL_DELAY_CAP = 1e9  # seconds; a longer Crawl-delay is read as this (Protego needs a float)


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
    """robots.txt as Protego should see it: UTF-8 without a byte-order mark, a user agent
    written with a version (`newsarchive/1.0`) reduced to its product token, as RFC 9309
    matches it, NUL bytes dropped, and `Crawl-delay` lines that are not plain seconds dropped (Protego would read
    `1e20` and `٣` as numbers), the others capped (`CRAWL_DELAY_CAP`)."""
    text = body.decode("utf-8-sig", errors="replace").replace("\0", "")
    return CRAWL_DELAY_LINE.sub(_strict_crawl_delay, USER_AGENT_VERSION.sub(r"\1", text))


def _strict_crawl_delay(match: re.Match[str]) -> str:
    value = match.group(2).strip()
    if not CRAWL_DELAY_VALUE.fullmatch(value):
        return ""
    return f"{match.group(1)}{min(float(value), CRAWL_DELAY_CAP):g}"


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
                self.client.spacing.set_delay(host, delay)
        return self._hosts[host]

    def allows(self, url: str) -> bool:
        return self.rules_for(url).allows(url)

    def _fetch(self, robots_url: str) -> HostRules:
        return verdict(fetch_robots(self.client, robots_url), robots_url)


def robots_url_of(url: str) -> str:
    return origin_of(url) + "/robots.txt"


def fetch_robots(client: HttpClient, robots_url: str) -> Response:
    return client.get(robots_url, max_bytes=ROBOTS_MAX_BYTES, any_type=True, truncate=True)


def verdict(response: Response, robots_url: str) -> HostRules:
    """What a robots.txt answer means for its host (see the module docstring)."""
    if response.ok:
        return HostRules(Protego.parse(robots_text(response.body or b"")))
    if response.status is not None and 400 <= response.status < 500 and response.status != 429:
        return HostRules(None)
    if response.reason is not None and REASON_CLASSES[response.reason] is RedirectRefused:
        return HostRules(None)  # a loop, too many, off the site: as if there were none
    reason = response.error or f"HTTP {response.status}"
    return HostRules(None, unreachable=f"robots.txt unavailable ({reason})")
