"""Every tunable of a crawl in one typed object (`CrawlSettings`); times are in seconds.

The command line builds one from its options; library callers pass one to `crawl` / `fetch`.
HTTP details (per-host delay, deadlines, retries, size caps) are the `policy` part
(`http.HttpPolicy`); the rest says how the crawl schedules, shares and limits its work.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .http import HttpPolicy

DAY = 86_400.0


@dataclass(frozen=True)
class BackoffCurve:
    """How long a host that answers 429 or 503 without Retry-After is left alone.

    The n-th incident in a row blocks the host for `base * 2**(n-1)` seconds (capped), plus up
    to `jitter` of that at random; an incident `forgive` seconds or more after the previous one
    starts the count again. A Retry-After is honoured up to `cap`."""

    base: float = 60.0
    cap: float = DAY
    forgive: float = 1800.0
    jitter: float = 0.25


@dataclass(frozen=True)
class CrawlSettings:
    pages: int = 3  # listing pages per listing source, the first included
    refresh: bool = False  # fetch archived articles again (conditionally)
    workers: int = 1  # URLs fetched at once by this process (never two at once per host)
    max_runtime: float | None = None  # stop claiming new URLs this long after the start
    max_new_links: int = 1000  # new URLs one source may add to the frontier in one run
    max_crawl_delay: float = 60.0  # a host asking for a longer Crawl-delay is skipped this run
    wait: bool = False  # also wait for URLs other crawls hold (until done or their lease ends)
    lease: float = 600.0  # how long a claim on a URL (and its host) holds without release
    robots_ttl: float = DAY  # a cached robots.txt older than this is fetched again
    idle_poll: float = 0.5  # longest sleep of an idle worker before it looks again
    batch_pages: int = 50  # parsed pages stored per transaction ...
    # ... or what was fetched in this long, whichever comes first. A batch has a fixed cost
    # (story grouping, headline windows: about 40 ms of CPU), so a slow crawl (one worker, a
    # few pages a second) with short batches spends most of its ingest on it; a response is
    # kept (and its URL safe from a kill) as soon as it is fetched, whatever the batch.
    batch_seconds: float = 10.0
    backoff: BackoffCurve = field(default_factory=BackoffCurve)
    policy: HttpPolicy = field(default_factory=HttpPolicy)

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise ValueError("workers must be at least 1")
        if self.max_new_links < 0:
            raise ValueError("max_new_links must not be negative")
        if self.lease <= 0:
            raise ValueError("lease must be positive")


DURATION_UNITS = {"": 1.0, "s": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0, "d": DAY}


def parse_duration(text: str) -> float:
    """Seconds of `90`, `90s`, `10m`, `1.5h`, `1d` (ValueError for anything else)."""
    value = text.strip().lower()
    number = value.rstrip("abcdefghijklmnopqrstuvwxyz")
    unit = value[len(number):]
    if unit in DURATION_UNITS and number.replace(".", "", 1).isascii() \
            and number.replace(".", "", 1).isdigit():
        seconds = float(number) * DURATION_UNITS[unit]
        if seconds > 0:
            return seconds
    raise ValueError(f"not a duration: {text!r} (use 90s, 10m, 2h, 1d)")
