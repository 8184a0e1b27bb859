"""Polite, guarded HTTP: per-host delay, retries with backoff, size and type checks, redirects
checked like links, one total deadline per attempt.

`HttpClient.get` never raises for what a server or the network does: it returns a `Response`
whose `error` says what went wrong, `reason` of which kind (`errors.FailureReason`), and
whether trying again later may help (`permanent`). Where it may connect and how long an attempt
may take is `transport.py`; how a header is read is `headers.py`.

Redirects follow the rules of links (`urls.same_site`): the same host and port, or another
host of the same site by the public suffix list; http and https only; never a URL carrying
credentials. The credentials of a URL (`Credentials`) are sent to that URL only, not to any
redirect. Cookies live in memory for the run, bounded (`BoundedCookieJar`); `Set-Cookie`,
`Authorization` and `Proxy-*` headers are never kept with a response.
"""

from __future__ import annotations

import base64
import http.client
import http.cookiejar
import logging
import random
import ssl
import threading
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

import urllib3

from .. import __version__
from ..items import charset_of
from ..urls import (
    Credentials,
    CredentialsInURL,
    UnsupportedURL,
    URLTooLong,
    host_of,
    normalize_url,
    same_site,
    split_credentials,
)
from .clock import Clock, SystemClock
from .errors import (
    ConnectFailed,
    DeadlineExceeded,
    FailureReason,
    FetchError,
    Notice,
    ProtocolViolation,
    RedirectRefused,
    ResponseRefused,
    RobotsRefused,
    StatusError,
    TLSFailed,
    URLRefused,
)
from .headers import (
    decode_location,
    encode_header,
    is_chunked,
    kept_headers,
    parse_content_length,
    parse_retry_after,
    shown,
)
from .transport import Resolver, Transport, system_resolver

__all__ = ["HttpClient", "HttpPolicy", "Response", "HostClock", "parse_retry_after",
           "user_agent"]

DEFAULT_CONTACT = "https://github.com/newsarchive/newsarchive"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ACCEPTED_TYPES = (
    "text/html", "application/xhtml+xml", "text/plain", "application/rss+xml",
    "application/atom+xml", "application/xml", "text/xml", "application/rdf+xml",
)
CHUNK = 64 * 1024
DAY = 86_400.0
RETRY_AFTER_MAX = DAY  # a longer Retry-After is read as a day (the frontier's longest wait)
MAX_DELAY = DAY  # no host delay (Crawl-delay, pause) is kept longer than this
SET_COOKIE = ("Set-Cookie", "Set-Cookie2")  # the headers the cookie jar reads cookies from
# Every request, one INFO line (`GET <url> HTTP 200, 5120 bytes`): the crawl's --log-file.
request_log = logging.getLogger("newsarchive.crawl.requests")


def user_agent(contact: str = DEFAULT_CONTACT) -> str:
    return f"newsarchive/{__version__} (+{contact})"


@dataclass(frozen=True)
class HttpPolicy:
    """How politely and patiently to fetch. Times in seconds."""

    delay: float = 1.0  # at least this long from one request to a host to the next (sent)
    # ... and this much more (when there is a delay): the delay counts from when we sent a
    # request, and a busy server reads it a little later (the gaps it sees must stay over it)
    delay_margin: float = 0.05
    timeout: float = 20.0  # total deadline of one attempt: connect, headers and body together
    connect_timeout: float = 10.0  # of which connecting may take at most this long
    retries: int = 3  # further attempts after the first, for transient failures
    timeout_retries: int = 1  # of those, after a deadline passed (a server that slow needs a rest)
    backoff: float = 1.0  # first backoff; doubled each attempt, plus jitter
    backoff_cap: float = 60.0
    retry_after_cap: float = 120.0  # a longer Retry-After ends the attempt for this run
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    contact: str = DEFAULT_CONTACT
    # certificates (a PEM file) HTTPS servers are checked against; None: certifi's, else the
    # system's. A server whose certificate does not verify is not fetched (FailureReason.TLS).
    ca_certs: str | None = None


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
    notices: list[Notice] = field(default_factory=list)  # odd things the server did, handled

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


class BoundedCookieJar(http.cookiejar.CookieJar):
    """The run's cookies, bounded as RFC 6265 6.1 lets a client bound them, so a server cannot
    grow them without end: a cookie (name and value) of at most `MAX_BYTES`, at most
    `PER_DOMAIN` per domain and `TOTAL` in all. A new cookie over a bound is dropped (those
    kept stay: a consent wall's comes first); one replacing a kept cookie always counts."""

    MAX_BYTES = 4096
    PER_DOMAIN = 50
    TOTAL = 3000

    def set_cookie(self, cookie: http.cookiejar.Cookie) -> None:
        if len(cookie.name) + len(cookie.value or "") > self.MAX_BYTES:
            return
        with self._cookies_lock:  # type: ignore[attr-defined]
            domains = self._cookies  # type: ignore[attr-defined]  # domain -> path -> name
            paths = domains.get(cookie.domain, {})
            if cookie.name not in paths.get(cookie.path, {}) and (
                    sum(map(len, paths.values())) >= self.PER_DOMAIN
                    or sum(len(names) for by_path in domains.values()
                           for names in by_path.values()) >= self.TOTAL):
                return
            super().set_cookie(cookie)

    def __bool__(self) -> bool:
        """Whether any cookie may be kept (a domain emptied by expiry may remain: true then),
        without counting them all as `len` does."""
        return bool(self._cookies)  # type: ignore[attr-defined]


class HostClock:
    """Spaces requests to each host on the injected clock: one is sent at least the host's
    delay (and `margin`) after the previous one was sent, whatever the server's latency (how
    long a response takes is not part of the delay). Thread-safe."""

    def __init__(self, clock: Clock | None = None, margin: float = 0.0) -> None:
        self._clock: Clock = clock or SystemClock()
        self._margin = margin
        self._next_allowed: dict[str, float] = {}
        self._delays: dict[str, float] = {}
        self._paused_until: dict[str, float] = {}
        self._sent: dict[str, float] = {}
        self._lock = threading.Lock()

    def set_delay(self, host: str, delay: float) -> None:
        """Raise a host's delay (robots.txt `Crawl-delay`); never lowers it. It counts from
        the last request sent to the host (robots.txt, most often)."""
        delay = min(delay, MAX_DELAY)
        with self._lock:
            self._delays[host] = max(delay, self._delays.get(host, 0.0))
            if host in self._sent:
                self._book(host, self._sent[host] + self._spacing(host, 0.0))

    def wait(self, host: str, default_delay: float, extra: float = 0.0) -> None:
        """Block until the host may be asked again (and `extra` seconds have passed)."""
        with self._lock:
            now = self._clock.monotonic()
            start = max(now + extra, self._next_allowed.get(host, now))
            # booked now so that another thread queues behind us; `sent` moves it on
            self._next_allowed[host] = start + self._spacing(host, default_delay)
        while (left := start - self._clock.monotonic()) > 0:
            self._clock.sleep(left)

    def sent(self, host: str, at: float, default_delay: float) -> None:
        """A request to `host` went out at `at` (the clock's monotonic seconds)."""
        with self._lock:
            self._sent[host] = at
            self._book(host, at + self._spacing(host, default_delay))

    def last_sent(self, host: str) -> float | None:
        """When the last request to `host` went out (monotonic seconds), if one did."""
        with self._lock:
            return self._sent.get(host)

    def next_allowed(self, host: str) -> float | None:
        """When `host` may be asked next (monotonic seconds), if it was asked."""
        with self._lock:
            return self._next_allowed.get(host)

    def pause(self, host: str, seconds: float) -> None:
        """The host asked us to stay away this long (429 with a Retry-After over the cap)."""
        with self._lock:
            self._paused_until[host] = self._clock.monotonic() + min(seconds, MAX_DELAY)

    def paused_for(self, host: str) -> float:
        """Seconds the host still wants us to stay away (0 when it does not)."""
        with self._lock:
            return max(0.0, self._paused_until.get(host, 0.0) - self._clock.monotonic())

    def _book(self, host: str, moment: float) -> None:
        self._next_allowed[host] = max(self._next_allowed.get(host, 0.0), moment)

    def _spacing(self, host: str, default_delay: float) -> float:
        """From one request sent to the host to the next: its delay and the margin (none
        without a delay)."""
        delay = max(default_delay, self._delays.get(host, 0.0))
        return delay + self._margin if delay > 0 else 0.0


@dataclass(frozen=True)
class _BodyRules:
    max_bytes: int
    types: tuple[str, ...] | None  # accepted content types (prefixes); None: any
    truncate: bool = False  # a longer body is cut at max_bytes (kept), not refused


class HttpClient:
    """One pool of guarded connections and one cookie jar, shared by every fetch of a run.

    `clock` (injected in tests) is the clock of everything that waits: the spacing of requests
    to a host (`spacing`), the back-off between attempts, the deadlines, the `fetched_at` of a
    response; `spread` draws the back-off's jitter in [0, 1); `resolve` looks host names up
    (the system's resolver; a seam for tests)."""

    def __init__(self, policy: HttpPolicy | None = None, clock: Clock | None = None, *,
                 spread: Callable[[], float] = random.random,
                 resolve: Resolver = system_resolver) -> None:
        self.policy = policy or HttpPolicy()
        self.clock: Clock = clock or SystemClock()
        self.spacing = HostClock(self.clock, self.policy.delay_margin)
        self.spread = spread
        self.transport = Transport(monotonic=self.clock.monotonic,
                                   ca_certs=self.policy.ca_certs, resolve=resolve)
        self.cookies = BoundedCookieJar()
        self.headers = {
            "User-Agent": user_agent(self.policy.contact),
            "Accept": "text/html,application/xhtml+xml,application/rss+xml,"
            "application/atom+xml,application/xml;q=0.9,text/plain;q=0.8",
            "Accept-Language": "nl,en;q=0.5",
            "Accept-Encoding": "gzip, deflate",
        }

    def close(self) -> None:
        self.transport.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
            max_bytes: int | None = None, any_type: bool = False,
            allow: Callable[[str], bool] | None = None,
            have: Callable[[str], bool] | None = None,
            credentials: Credentials | None = None, truncate: bool = False) -> Response:
        """GET `url` politely. `allow(url)` vets every redirect target (robots.txt; it may
        raise FetchError for a target that cannot be asked, recorded as the outcome); a redirect
        to a URL for which `have(url)` is true is not followed (the response is `redirected`);
        `any_type` accepts a body of any content type (robots.txt is often served as something
        odd). `credentials` (or a `user:password@` in `url`) are sent to `url` only.
        `truncate`: a body over the size cap is cut at the cap and kept (robots.txt, whose
        first 500 KiB are what counts, RFC 9309 2.5) instead of refused."""
        url, inline = split_credentials(url)
        credentials = credentials or inline
        rules = _BodyRules(max_bytes or self.policy.max_bytes, None if any_type else ACCEPTED_TYPES,
                           truncate)
        conditional: dict[str, str] = {}  # the validators as the server sent their bytes
        if etag:
            conditional["If-None-Match"] = encode_header(etag)
        if last_modified:
            conditional["If-Modified-Since"] = encode_header(last_modified)
        first = dict(conditional)  # the credentials go to `url` only, no redirect target
        if credentials is not None:
            first["Authorization"] = _basic_auth(credentials)
        current, seen, notices = url, [url], []
        # a URL may come back once a cookie is set (a consent wall sends us back): a loop is
        # the same URL with the same cookies
        visits = {(url, self._cookie_state())}
        for hop in range(self.policy.max_redirects + 1):
            response = self._get_with_retries(url, current, first if hop == 0 else conditional,
                                             rules)
            notices += [notice for notice in response.notices if notice not in notices]
            response.notices = notices  # each kind once (one line in the crawl), however many hops
            if response.not_modified and not conditional:  # no copy it could refer to
                return _failed(url, current, StatusError(
                    "HTTP 304 Not Modified to a request without If-None-Match or "
                    "If-Modified-Since", status=304), notices)
            if response.error is not None or response.status not in REDIRECT_STATUSES:
                return response
            try:
                target = _redirect_target(url, current, response)
            except FetchError as refused:
                return _failed(url, current, refused, notices)
            if (target, self._cookie_state()) in visits:
                return _failed(url, target, RedirectRefused(
                    "redirect loop: " + " -> ".join(seen + [target]),
                    reason=FailureReason.REDIRECT_LOOP), notices)
            try:
                if allow is not None and not allow(target):
                    raise RobotsRefused(f"redirect to {target} disallowed by robots.txt")
            except FetchError as refused:
                return _failed(url, target, refused, notices)
            if have is not None and have(target):
                return Response(url, target, response.status, response.headers,
                                fetched_at=response.fetched_at, notices=notices)
            seen.append(target)
            visits.add((target, self._cookie_state()))
            current = target
        return _failed(url, current, RedirectRefused(
            f"more than {self.policy.max_redirects} redirects",
            reason=FailureReason.TOO_MANY_REDIRECTS), notices)

    def _cookie_state(self) -> frozenset[tuple[str, str, str]]:
        return frozenset((cookie.domain, cookie.name, cookie.value or "")
                         for cookie in self.cookies)

    def _get_with_retries(self, url: str, current: str, headers: Mapping[str, str],
                          rules: _BodyRules) -> Response:
        policy = self.policy
        extra, timeouts = 0.0, 0
        paused = self.spacing.paused_for(host_of(current))
        if paused > policy.retry_after_cap:
            return _failed(url, current, StatusError(
                f"{host_of(current)} asked us to wait {paused:.0f} s more (HTTP 429)",
                reason=FailureReason.HOST_PAUSED, retry_after=paused))
        for attempt in range(policy.retries + 1):
            self.spacing.wait(host_of(current), policy.delay, extra)
            fetched_at = self.clock.now()
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
                        self.spacing.pause(host_of(current), failure.retry_after)
                    return last
                if (failure.permanent or attempt == policy.retries
                        or timeouts > policy.timeout_retries):
                    return last
                extra = self._backoff(attempt, failure.retry_after)
        raise AssertionError("unreachable")

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        """The wait before the next attempt: the regular back-off, or the server's Retry-After
        when that is longer (`Retry-After: 0` does not make a retry at once)."""
        base = min(self.policy.backoff * 2**attempt, self.policy.backoff_cap)
        return max(base + self.spread() * base / 2, retry_after or 0.0)

    def _get_once(self, url: str, current: str, headers: Mapping[str, str],
                  rules: _BodyRules, fetched_at: datetime) -> Response:
        """One request (an attempt, a redirect hop, robots.txt: each is one line of the
        request log); raises FetchError for anything but a response."""
        try:
            response = self._attempt(url, current, headers, rules, fetched_at)
        except FetchError as failure:
            request_log.info("GET %s %s", current, failure.message)
            raise
        request_log.info("GET %s %s", current, _outcome(response))
        return response

    def _attempt(self, url: str, current: str, headers: Mapping[str, str],
                 rules: _BodyRules, fetched_at: datetime) -> Response:
        """One attempt under one deadline; raises FetchError for anything but a response."""
        policy = self.policy
        request_headers = {**self.headers, **self._cookie_header(current), **headers}
        with self.transport.attempt(urlsplit(current).hostname or "", policy.timeout,
                                    policy.connect_timeout) as attempt:
            raw = None
            try:
                raw = self.transport.open(current, request_headers, attempt)
                response = self._read(url, current, raw, rules, fetched_at)
                if attempt.expired:  # cut off: what looked like the end was the deadline
                    raise DeadlineExceeded(_too_slow(policy.timeout))
                return response
            except FetchError as failure:
                if attempt.expired and not isinstance(failure, DeadlineExceeded):
                    raise DeadlineExceeded(_too_slow(policy.timeout)) from failure
                raise
            except (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError) as exc:
                raise _transport_failure(exc, attempt.expired, policy.timeout, raw) from exc
            finally:
                if raw is not None:
                    _finish(raw)
                sent = self.clock.monotonic() if attempt.sent is None else attempt.sent
                self.spacing.sent(host_of(current), sent, policy.delay)

    def _read(self, url: str, current: str, raw: Any, rules: _BodyRules,
              fetched_at: datetime) -> Response:
        status = raw.status
        self._keep_cookies(current, raw)
        response = Response(url, current, status, kept_headers(list(raw.headers.items())),
                            fetched_at=fetched_at)
        if getattr(raw._original_response, "control_replaced", False):
            response.notices.append(Notice.CONTROL_IN_HEADER)
        location = raw.headers.get("Location")
        if location is not None and status in REDIRECT_STATUSES:
            response.headers["location"], notice = decode_location(location)
            if notice is not None:
                response.notices.append(notice)
        if status in RETRY_STATUSES:
            raise StatusError(f"HTTP {status}", permanent=False, status=status,
                              retry_after=parse_retry_after(raw.headers.get("Retry-After"),
                                                            self.clock.now(), cap=RETRY_AFTER_MAX))
        if status == 304 or status in REDIRECT_STATUSES:
            return response
        if status != 200:
            raise StatusError(f"HTTP {status}", permanent=True, status=status)
        if rules.types and response.content_type and not response.content_type.startswith(
                rules.types):
            raise ResponseRefused(f"unsupported content type {response.content_type}",
                                  reason=FailureReason.CONTENT_TYPE, status=status)
        response.body = _read_body(raw, rules, response)
        return response

    def _cookie_header(self, url: str) -> dict[str, str]:
        if not self.cookies:  # none kept (most crawls): no Request to build and match
            return {}
        request = urllib.request.Request(url)
        self.cookies.add_cookie_header(request)
        cookie = request.get_header("Cookie")
        return {"Cookie": cookie} if cookie else {}

    def _keep_cookies(self, url: str, raw: Any) -> None:
        """Cookies for the rest of the run (consent walls); a cookie the jar cannot read is
        dropped, never an error."""
        original = getattr(raw, "_original_response", None)
        if original is None or not any(name in raw.headers for name in SET_COOKIE):
            return  # the jar would find no cookie to read (and build a Request for nothing)
        try:
            self.cookies.extract_cookies(original, urllib.request.Request(url))
        except Exception:  # noqa: BLE001 - a hostile Set-Cookie must not stop the fetch
            pass


def _outcome(response: Response) -> str:
    """`HTTP 200, 5120 bytes`, `HTTP 304`, `HTTP 301 to https://...`: a request log line's end."""
    if response.body is not None:
        return f"HTTP {response.status}, {len(response.body)} bytes"
    location = response.headers.get("location")
    return f"HTTP {response.status}" + (f" to {location}" if location else "")


def _basic_auth(credentials: Credentials) -> str:
    token = f"{credentials.user}:{credentials.password}".encode()
    return "Basic " + base64.b64encode(token).decode("ascii")


def _read_body(raw: Any, rules: _BodyRules, response: Response) -> bytes:
    """The body, decoded (gzip), at most `rules.max_bytes` (refused when longer, or cut there
    when `rules.truncate`); Content-Length and Transfer-Encoding read strictly. Chunked with a
    Content-Length is read as chunked (RFC 9112 6.3), with a notice."""
    status, max_bytes = raw.status, rules.max_bytes
    try:
        declared = parse_content_length(raw.headers.get("Content-Length"))
        chunked = is_chunked(raw.headers.get("Transfer-Encoding"))
    except ValueError as exc:
        raise ProtocolViolation(str(exc), reason=FailureReason.BAD_HEADER, permanent=True,
                                status=status) from exc
    if chunked and raw.framed_twice:  # the connection is closed after it (transport.py)
        response.notices.append(Notice.LENGTH_WITH_CHUNKED)
        declared = None
    if declared is not None and declared > max_bytes and not rules.truncate:
        raise ResponseRefused(f"body of {declared} bytes is over the {max_bytes} byte cap",
                              status=status)
    chunks, size = [], 0
    for chunk in raw.stream(CHUNK, decode_content=True):
        size += len(chunk)
        if size > max_bytes:
            if not rules.truncate:
                raise ResponseRefused(f"body is over the {max_bytes} byte cap", status=status)
            chunks.append(chunk[:len(chunk) - (size - max_bytes)])
            return b"".join(chunks)  # the rest is unread: _finish closes the connection
        chunks.append(chunk)
    if getattr(raw._original_response, "extra_bytes", False):  # the connection is closed
        response.notices.append(Notice.BODY_LONGER_THAN_DECLARED)
    return b"".join(chunks)


def _finish(raw: Any) -> None:
    """Give the connection back: kept alive after a whole body, else closed (an unread body
    would be read as the next response)."""
    if not raw.isclosed() and raw.connection is not None:
        raw.connection.close()
    raw.release_conn()


def _transport_failure(exc: BaseException, expired: bool, timeout: float,
                       raw: Any) -> FetchError:
    """What an exception from urllib3 or the socket means, as a FetchError."""
    if expired or isinstance(exc, TimeoutError) or _in_chain(exc, TimeoutError):
        return DeadlineExceeded(_too_slow(timeout))
    unverified = _in_chain(exc, ssl.SSLCertVerificationError)
    if isinstance(unverified, ssl.SSLCertVerificationError):
        return TLSFailed("certificate did not verify: "
                         + shown(str(unverified.verify_message or unverified.reason), 120))
    handshake = _in_chain(exc, ssl.SSLError)
    if handshake is not None:
        return TLSFailed(f"TLS failed: {shown(_reason(handshake), 120)}")
    chunk = _in_chain(exc, urllib3.exceptions.InvalidChunkLength)
    if isinstance(chunk, urllib3.exceptions.InvalidChunkLength):
        return ProtocolViolation(f"malformed response: invalid chunk size {chunk.length!r}")
    incomplete = _in_chain(exc, urllib3.exceptions.IncompleteRead, http.client.IncompleteRead)
    if incomplete is not None and raw is not None and raw.headers.get("Content-Length"):
        return ProtocolViolation(f"body shorter than its Content-Length ({_reason(exc)})",
                                 reason=FailureReason.BODY_TOO_SHORT)
    if incomplete is not None and raw is not None and raw.chunked:
        return ProtocolViolation(f"body cut off inside a chunk ({_reason(exc)})",
                                 reason=FailureReason.BODY_TOO_SHORT)
    if isinstance(exc, urllib3.exceptions.InvalidHeader):  # Content-Length: 3 and 5
        return ProtocolViolation(_reason(exc), reason=FailureReason.BAD_HEADER, permanent=True)
    # a bad status line, a header line over 64 KiB, more than 100 headers
    malformed = _in_chain(exc, lambda error: isinstance(error, http.client.HTTPException)
                          and not isinstance(error, (http.client.RemoteDisconnected,
                                                     http.client.IncompleteRead)))  # type: ignore[arg-type]
    if malformed is not None:
        return ProtocolViolation(f"malformed response: {shown(_reason(malformed), 80)}")
    if isinstance(exc, urllib3.exceptions.DecodeError):
        return ProtocolViolation(f"body could not be decoded: {_reason(exc)}", permanent=True)
    if isinstance(exc, (urllib3.exceptions.LocationValueError, ValueError)):
        return URLRefused(f"request failed: {_reason(exc)}")
    return ConnectFailed(f"connection failed: {_reason(exc)}")


def _too_slow(timeout: float) -> str:
    return f"timed out: no complete response within {timeout:g} s"


def _in_chain(exc: BaseException, *types: type[BaseException],
              ) -> BaseException | None:
    """The first exception of one of `types` (or, given a function, for which it is true) in
    the chain urllib3 wraps errors in: arguments, `reason`, cause and context."""
    pending: list[object] = [exc]
    seen: set[int] = set()
    while pending:
        current = pending.pop(0)
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        seen.add(id(current))
        if _matches(current, types):
            return current
        pending.extend([*current.args, getattr(current, "reason", None),
                        current.__cause__, current.__context__])
    return None


def _matches(exc: BaseException, types: tuple[Any, ...]) -> bool:
    if len(types) == 1 and not isinstance(types[0], type):
        return bool(types[0](exc))
    return isinstance(exc, types)


def _redirect_target(url: str, current: str, response: Response) -> str:
    """Where a redirect leads, checked like a link; raises FetchError when it may not be
    followed."""
    location = response.headers.get("location", "").strip()
    if not location:
        raise RedirectRefused(f"HTTP {response.status} without a Location header",
                              reason=FailureReason.REDIRECT_WITHOUT_LOCATION,
                              status=response.status)
    try:
        target = normalize_url(location, base=current)
    except CredentialsInURL as exc:
        raise URLRefused(f"redirect to a {exc}", reason=FailureReason.CREDENTIALS) from exc
    except URLTooLong as exc:
        raise URLRefused(f"redirect to a {exc}", reason=FailureReason.UNSUPPORTED_URL) from exc
    except UnsupportedURL as exc:
        raise RedirectRefused(f"redirect to {exc}", reason=FailureReason.REDIRECT_SCHEME) from exc
    if not same_site(url, target):
        raise RedirectRefused(f"redirect to another site or port: {target}",
                              reason=FailureReason.REDIRECT_OFF_SITE, status=response.status)
    return target


def _failed(url: str, final_url: str, failure: FetchError,
            notices: list[Notice] | None = None) -> Response:
    return Response(url, final_url, failure.status, error=failure.message,
                    permanent=failure.permanent, retry_after=failure.retry_after,
                    reason=failure.reason, notices=list(notices or []))


def _reason(exc: BaseException) -> str:
    """What went wrong, for one line on stderr: the operating system's words (`Connection
    refused`, `Name or service not known`) when urllib3 wrapped them, else its first line."""
    cause = _in_chain(exc, lambda error: isinstance(error, OSError) and bool(error.strerror))  # type: ignore[arg-type]
    if isinstance(cause, OSError):
        return str(cause.strerror)
    text = str(exc.args[0] if exc.args else exc)
    return text.splitlines()[0][:200] if text else type(exc).__name__
