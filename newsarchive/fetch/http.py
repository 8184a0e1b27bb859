"""Polite HTTP: one requests Session, per-host delay, retries with backoff, size and type checks.

`HttpClient.get` never raises for what a server or the network does: it returns a `Response`
whose `error` says what went wrong and whether trying again later may help (`permanent`).
"""

from __future__ import annotations

import email.utils
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urljoin

import requests
from requests.adapters import HTTPAdapter

from .. import __version__
from ..items import charset_of
from ..urls import UnsupportedURL, host_of, normalize_url
from .errors import (
    ConnectFailed,
    DeadlineExceeded,
    FailureReason,
    FetchError,
    ProtocolViolation,
    RedirectRefused,
    ResponseRefused,
    RobotsRefused,
    StatusError,
)

DEFAULT_CONTACT = "https://github.com/newsarchive/newsarchive"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ACCEPTED_TYPES = (
    "text/html", "application/xhtml+xml", "text/plain", "application/rss+xml",
    "application/atom+xml", "application/xml", "text/xml", "application/rdf+xml",
)
CHUNK = 64 * 1024


def user_agent(contact: str = DEFAULT_CONTACT) -> str:
    return f"newsarchive/{__version__} (+{contact})"


@dataclass(frozen=True)
class HttpPolicy:
    """How politely and patiently to fetch. Times in seconds."""

    delay: float = 1.0  # at least this long between two requests to one host
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    retries: int = 3  # further attempts after the first, for transient failures
    timeout_retries: int = 1  # of those, after a timeout (a server that slow needs a rest)
    backoff: float = 1.0  # first backoff; doubled each attempt, plus jitter
    backoff_cap: float = 60.0
    retry_after_cap: float = 120.0  # a longer Retry-After ends the attempt for this run
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    contact: str = DEFAULT_CONTACT


@dataclass
class Response:
    """The outcome of one GET, redirects followed. `body` is None unless status is 200."""

    url: str
    final_url: str
    status: int | None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    fetched_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    error: str | None = None
    permanent: bool = False  # the error will not go away by trying again
    retry_after: float | None = None  # seconds the server asked us to wait, when it did
    reason: FailureReason | None = None  # what kind of failure `error` is

    def raise_for_failure(self) -> None:
        """Raise the failure as a `FetchError` (see errors.py), if the fetch failed."""
        if self.error is not None:
            raise FetchError.of(self.error, self.reason or FailureReason.CONNECT_FAILED,
                                permanent=self.permanent, status=self.status,
                                retry_after=self.retry_after)

    @property
    def ok(self) -> bool:
        return self.error is None and self.status == 200

    @property
    def not_modified(self) -> bool:
        return self.error is None and self.status == 304

    @property
    def redirected(self) -> bool:
        """A redirect not followed: its target (`final_url`) is a page we already have."""
        return self.error is None and self.status in REDIRECT_STATUSES

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        return charset_of(self.headers.get("content-type"))


class HostClock:
    """Spaces requests to each host: the next one starts at least the host's delay after the
    previous one ended (so a slow server also gets a slower crawler). Thread-safe."""

    def __init__(self, sleep: Callable[[float], None] = time.sleep) -> None:
        self._next_allowed: dict[str, float] = {}
        self._delays: dict[str, float] = {}
        self._paused_until: dict[str, float] = {}
        self._lock = threading.Lock()
        self._sleep = sleep

    def set_delay(self, host: str, delay: float) -> None:
        """Raise a host's delay (robots.txt `Crawl-delay`); never lowers it. It applies from
        now: the request that brought it (robots.txt) has just ended."""
        with self._lock:
            self._delays[host] = max(delay, self._delays.get(host, 0.0))
            self._next_allowed[host] = max(self._next_allowed.get(host, 0.0),
                                           time.monotonic() + self._delays[host])

    def wait(self, host: str, default_delay: float, extra: float = 0.0) -> None:
        """Block until the host may be asked again (and `extra` seconds have passed)."""
        with self._lock:
            now = time.monotonic()
            start = max(now + extra, self._next_allowed.get(host, now))
            # booked now so that another thread queues behind us; `done` moves it on
            self._next_allowed[host] = start + self._delay(host, default_delay)
        if start > now:
            self._sleep(start - now)

    def pause(self, host: str, seconds: float) -> None:
        """The host asked us to stay away this long (429 with a Retry-After over the cap)."""
        with self._lock:
            self._paused_until[host] = time.monotonic() + seconds

    def paused_for(self, host: str) -> float:
        """Seconds the host still wants us to stay away (0 when it does not)."""
        with self._lock:
            return max(0.0, self._paused_until.get(host, 0.0) - time.monotonic())

    def done(self, host: str, default_delay: float) -> None:
        """The request to `host` has ended: the delay counts from now."""
        with self._lock:
            self._next_allowed[host] = max(self._next_allowed.get(host, 0.0),
                                           time.monotonic() + self._delay(host, default_delay))

    def _delay(self, host: str, default_delay: float) -> float:
        return max(default_delay, self._delays.get(host, 0.0))


@dataclass(frozen=True)
class _BodyRules:
    max_bytes: int
    types: tuple[str, ...] | None  # accepted content types (prefixes); None: any


class HttpClient:
    """One requests Session shared by every fetch of a run."""

    def __init__(self, policy: HttpPolicy | None = None, clock: HostClock | None = None) -> None:
        self.policy = policy or HttpPolicy()
        self.clock = clock or HostClock()
        self.session = requests.Session()
        self.session.headers.update(
            {
                "User-Agent": user_agent(self.policy.contact),
                "Accept": "text/html,application/xhtml+xml,application/rss+xml,"
                "application/atom+xml,application/xml;q=0.9,text/plain;q=0.8",
                "Accept-Language": "nl,en;q=0.5",
            }
        )
        adapter = HTTPAdapter(max_retries=0, pool_maxsize=4)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
            max_bytes: int | None = None, any_type: bool = False,
            allow: Callable[[str], bool] | None = None,
            have: Callable[[str], bool] | None = None) -> Response:
        """GET `url` politely. `allow(url)` vets every redirect target (robots.txt); a redirect
        to a URL for which `have(url)` is true is not followed (the response is `redirected`);
        `any_type` accepts a body of any content type (robots.txt is often served as something
        odd)."""
        rules = _BodyRules(max_bytes or self.policy.max_bytes, None if any_type else ACCEPTED_TYPES)
        conditional = {}
        if etag:
            conditional["If-None-Match"] = etag
        if last_modified:
            conditional["If-Modified-Since"] = last_modified
        current, seen = url, [url]
        # a URL may come back once a cookie is set (a consent wall sends us back): a loop is
        # the same URL with the same cookies
        visits = {(url, self._cookies())}
        for _ in range(self.policy.max_redirects + 1):
            response = self._get_with_retries(url, current, conditional, rules)
            target = _redirect_target(response)
            if target is None:
                return response
            try:
                target = normalize_url(target, base=current)
            except UnsupportedURL as exc:
                return _failed(url, current, RedirectRefused(
                    f"redirect to {exc}", reason=FailureReason.REDIRECT_SCHEME))
            if (target, self._cookies()) in visits:
                return _failed(url, target, RedirectRefused(
                    "redirect loop: " + " -> ".join(seen + [target]),
                    reason=FailureReason.REDIRECT_LOOP))
            if allow is not None and not allow(target):
                return _failed(url, target, RobotsRefused(
                    f"redirect to {target} disallowed by robots.txt"))
            if have is not None and have(target):
                return Response(url, target, response.status, response.headers,
                                fetched_at=response.fetched_at)
            seen.append(target)
            visits.add((target, self._cookies()))
            current = target
        return _failed(url, current, RedirectRefused(
            f"more than {self.policy.max_redirects} redirects",
            reason=FailureReason.TOO_MANY_REDIRECTS))

    def _cookies(self) -> frozenset[tuple[str, str, str]]:
        return frozenset((cookie.domain, cookie.name, cookie.value or "")
                         for cookie in self.session.cookies)

    def _get_with_retries(self, url: str, current: str, headers: Mapping[str, str],
                          rules: _BodyRules) -> Response:
        policy = self.policy
        extra, timeouts = 0.0, 0
        paused = self.clock.paused_for(host_of(current))
        if paused > policy.retry_after_cap:
            return _failed(url, current, StatusError(
                f"{host_of(current)} asked us to wait {paused:.0f} s more (HTTP 429)",
                reason=FailureReason.HOST_PAUSED, retry_after=paused))
        for attempt in range(policy.retries + 1):
            self.clock.wait(host_of(current), policy.delay, extra)
            fetched_at = datetime.now(timezone.utc)
            try:
                return self._get_once(url, current, headers, rules, fetched_at)
            except FetchError as failure:
                last = _failed(url, current, failure)
                last.fetched_at = fetched_at
                timeouts += isinstance(failure, DeadlineExceeded)
                if failure.retry_after is not None and failure.retry_after > policy.retry_after_cap:
                    last.error = (f"{last.error} (Retry-After {failure.retry_after:.0f} s is "
                                  "over the cap)")
                    last.reason = FailureReason.RETRY_AFTER_TOO_LONG
                    if failure.status == 429:  # too many requests: to the host, not this URL
                        self.clock.pause(host_of(current), failure.retry_after)
                    return last
                if (failure.permanent or attempt == policy.retries
                        or timeouts > policy.timeout_retries):
                    return last
                extra = self._backoff(attempt, failure.retry_after)
        raise AssertionError("unreachable")

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return retry_after
        base = min(self.policy.backoff * 2**attempt, self.policy.backoff_cap)
        return base + random.uniform(0, base / 2)

    def _get_once(self, url: str, current: str, headers: Mapping[str, str],
                  rules: _BodyRules, fetched_at: datetime) -> Response:
        policy = self.policy
        try:
            with self.session.get(
                current, headers=dict(headers), stream=True, allow_redirects=False,
                timeout=(policy.connect_timeout, policy.read_timeout),
            ) as raw:
                status = raw.status_code
                response_headers = {name.lower(): value for name, value in raw.headers.items()}
                response = Response(url, current, status, response_headers, fetched_at=fetched_at)
                if status in RETRY_STATUSES:
                    raise StatusError(f"HTTP {status}", permanent=False, status=status,
                                      retry_after=parse_retry_after(raw.headers.get("Retry-After")))
                if status == 304 or status in REDIRECT_STATUSES:
                    return response
                if status != 200:
                    raise StatusError(f"HTTP {status}", permanent=True, status=status)
                if rules.types and response.content_type and not response.content_type.startswith(
                        rules.types):
                    raise ResponseRefused(f"unsupported content type {response.content_type}",
                                          reason=FailureReason.CONTENT_TYPE, status=status)
                response.body = _read_capped(raw, rules.max_bytes)
                return response
        except requests.Timeout as exc:
            raise DeadlineExceeded(f"timed out ({type(exc).__name__})") from exc
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ContentDecodingError) as exc:
            raise ConnectFailed(f"connection failed: {_reason(exc)}") from exc
        except requests.RequestException as exc:
            raise ProtocolViolation(f"request failed: {_reason(exc)}", permanent=True) from exc
        finally:
            self.clock.done(host_of(current), policy.delay)


def _read_capped(raw: requests.Response, max_bytes: int) -> bytes:
    declared = raw.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise ResponseRefused(f"body of {declared} bytes is over the {max_bytes} byte cap",
                              status=raw.status_code)
    chunks, size = [], 0
    for chunk in raw.iter_content(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise ResponseRefused(f"body is over the {max_bytes} byte cap",
                                  status=raw.status_code)
        chunks.append(chunk)
    return b"".join(chunks)


def _redirect_target(response: Response) -> str | None:
    if response.error is None and response.status in REDIRECT_STATUSES:
        location = response.headers.get("location")
        return urljoin(response.final_url, location) if location else None
    return None


def _failed(url: str, final_url: str, failure: FetchError) -> Response:
    return Response(url, final_url, failure.status, error=failure.message,
                    permanent=failure.permanent, retry_after=failure.retry_after,
                    reason=failure.reason)


def _reason(exc: Exception) -> str:
    """What went wrong, for one line on stderr: the operating system's words (`Connection
    refused`, `Name or service not known`) when urllib3 wrapped them, else its first line."""
    cause = _os_error(exc)
    if cause is not None:
        return cause
    text = str(exc.args[0] if exc.args else exc)
    return text.splitlines()[0][:200] if text else type(exc).__name__


def _os_error(exc: BaseException) -> str | None:
    """The first OSError with a message in the chain requests and urllib3 wrap it in."""
    pending: list[object] = [exc]
    seen: set[int] = set()
    while pending:
        current = pending.pop(0)
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, OSError) and current.strerror:
            return current.strerror
        pending.extend([*current.args[:1], getattr(current, "reason", None),
                        current.__cause__, current.__context__])
    return None


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return max(0.0, (moment - now).total_seconds())
