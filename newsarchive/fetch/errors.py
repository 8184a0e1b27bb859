"""Why a fetch failed: one enumeration of reasons and one exception hierarchy for all of fetch.

Every failure the fetch stage knows has a `FailureReason`; the crawl records it against the URL
(and its text in the log), so "why was this page not archived" always has a typed answer.
`HttpClient.get` does not raise for what a server or the network does: it returns a `Response`
carrying the `FetchError` (`Response.failure`) whose `reason` says what went wrong. Code that
prefers exceptions calls `Response.raise_for_failure()`.

    FetchError                  anything that kept a URL from being archived (base class)
    +-- TransportError          the network or the server's bytes (usually worth trying again)
    |   +-- ConnectFailed       DNS, refused, reset, closed before or during the response
    |   +-- DeadlineExceeded    the request's total deadline passed (connect, headers, body)
    |   +-- TLSFailed           HTTPS: the certificate did not verify (unknown issuer, expired,
    |                           another host's), or the handshake failed
    |   +-- ProtocolViolation   not HTTP as the RFCs write it: a bad status line or chunk, a
    |                           body shorter than its Content-Length, a number that is not
    |                           one (`Content-Length: ²`)
    +-- StatusError             the server answered, but not with a page (4xx, 5xx, 429)
    +-- ResponseRefused         a page we will not keep: over the size cap, unsupported type
    +-- RedirectRefused         a redirect we will not follow: without Location, off the site,
    |                           not http(s), a loop, too many, carrying credentials
    +-- AddressRefused          a host that resolves to an address we never connect to
    |                           (loopback, private, link-local, multicast, reserved)
    +-- RobotsRefused           robots.txt disallows the URL, was unavailable for its host, or
    |                           asks for a Crawl-delay over the cap
    +-- URLRefused              a URL we will not fetch or follow (malformed, credentials)
    +-- StoreRefused            the archive refused a value of the page (PostgreSQL: a
    |                           number out of range, an index row too large, a constraint)
    +-- HandlerCrashed          an unexpected exception while handling the URL (a bug)

`REASON_CLASSES` maps each reason to its class; `FetchError.of(message, reason)` builds it.
`permanent` says whether trying again later can help: a `StatusError` for 404 is permanent, one
for 503 is not; a `DeadlineExceeded` is not.
"""

from __future__ import annotations

import enum


class FailureReason(str, enum.Enum):
    """What went wrong, by kind. The value is what the archive and the log record."""

    # transport
    CONNECT_FAILED = "connect_failed"  # DNS, refused, reset, closed early
    DEADLINE = "deadline"  # the total deadline of one attempt passed
    PROTOCOL = "protocol"  # malformed response (status line, chunk, header block)
    BODY_TOO_SHORT = "body_too_short"  # fewer bytes than Content-Length
    TLS = "tls"  # the server's certificate did not verify, or the TLS handshake failed
    # status
    HTTP_STATUS = "http_status"  # a status that is not a page (404, 410, 500, ...)
    RETRY_AFTER_TOO_LONG = "retry_after_too_long"  # 429/503 asking for more than the cap
    HOST_PAUSED = "host_paused"  # the host asked us (earlier this run) to stay away
    # response
    TOO_LARGE = "too_large"  # body (or its Content-Length) over the cap
    CONTENT_TYPE = "content_type"  # not HTML, XML, a feed or text
    BAD_HEADER = "bad_header"  # a number a server sent that is not one (Content-Length: ²)
    # redirects
    REDIRECT_WITHOUT_LOCATION = "redirect_without_location"
    REDIRECT_OFF_SITE = "redirect_off_site"  # another host, port or site
    REDIRECT_SCHEME = "redirect_scheme"  # not http or https
    REDIRECT_LOOP = "redirect_loop"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    # addresses and URLs
    ADDRESS_REFUSED = "address_refused"  # loopback, private, link-local, multicast, reserved
    CREDENTIALS = "credentials"  # a link or redirect carrying user:password@
    UNSUPPORTED_URL = "unsupported_url"  # malformed, not http(s), no host, over 2048 characters
    # robots.txt and politeness
    ROBOTS_DISALLOWED = "robots_disallowed"
    ROBOTS_UNAVAILABLE = "robots_unavailable"
    CRAWL_DELAY_TOO_LONG = "crawl_delay_too_long"
    # the crawler itself
    STORE_REFUSED = "store_refused"  # the archive refused a value of the page
    HANDLER_CRASHED = "handler_crashed"

    def __str__(self) -> str:
        return self.value


class Notice(str, enum.Enum):
    """Something odd a server did that we worked around: the fetch succeeded, and the crawl
    logs the notice (`Response.notices`)."""

    LOCATION_UTF8_AS_LATIN1 = "location_utf8_as_latin1"  # raw UTF-8 bytes in Location, read as UTF-8
    LOCATION_RAW_BYTES = "location_raw_bytes"  # non-UTF-8 bytes in Location, percent-encoded
    # more bytes than Content-Length: the body as declared is kept, the connection dropped
    BODY_LONGER_THAN_DECLARED = "body_longer_than_declared"
    # Transfer-Encoding: chunked and a Content-Length: read as chunked, the connection dropped
    LENGTH_WITH_CHUNKED = "length_with_chunked"
    # a bare CR or a NUL inside a header line: replaced by a space (RFC 9112 2.2)
    CONTROL_IN_HEADER = "control_in_header"

    def __str__(self) -> str:
        return self.value

    @property
    def text(self) -> str:
        """The notice as a line of the log."""
        return NOTICE_TEXTS[self]


NOTICE_TEXTS = {
    Notice.LOCATION_UTF8_AS_LATIN1: "the Location header holds raw UTF-8 bytes (read as UTF-8, "
                                    "as browsers do)",
    Notice.LOCATION_RAW_BYTES: "the Location header holds bytes that are not UTF-8 "
                               "(percent-encoded, as browsers do)",
    Notice.BODY_LONGER_THAN_DECLARED: "the server sent more bytes than its Content-Length "
                                      "(the body as declared is kept, the connection dropped)",
    Notice.LENGTH_WITH_CHUNKED: "the server sent both Transfer-Encoding: chunked and a "
                                "Content-Length (read as chunked, RFC 9112 6.3; the connection "
                                "dropped)",
    Notice.CONTROL_IN_HEADER: "a header line holds a bare CR or a NUL (replaced by a space, "
                              "RFC 9112 2.2: a CR does not end a header line)",
}


class FetchError(Exception):
    """A URL could not be archived. `reason` is its kind, the message one readable line."""

    default_reason = FailureReason.CONNECT_FAILED
    default_permanent = False

    def __init__(self, message: str, *, reason: FailureReason | None = None,
                 permanent: bool | None = None, status: int | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(message)
        self.reason = reason or self.default_reason
        self.permanent = self.default_permanent if permanent is None else permanent
        self.status = status
        self.retry_after = retry_after  # seconds the server asked us to wait, when it did

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else self.reason.value

    @staticmethod
    def of(message: str, reason: FailureReason, **details: object) -> FetchError:
        """The exception of the class `reason` belongs to (a recorded failure raised again)."""
        return REASON_CLASSES[reason](message, reason=reason, **details)  # type: ignore[arg-type]


class TransportError(FetchError):
    default_reason = FailureReason.CONNECT_FAILED


class ConnectFailed(TransportError):
    default_reason = FailureReason.CONNECT_FAILED


class DeadlineExceeded(TransportError, TimeoutError):
    default_reason = FailureReason.DEADLINE


class TLSFailed(TransportError):
    default_reason = FailureReason.TLS


class ProtocolViolation(TransportError):
    default_reason = FailureReason.PROTOCOL


class StatusError(FetchError):
    default_reason = FailureReason.HTTP_STATUS


class ResponseRefused(FetchError):
    default_reason = FailureReason.TOO_LARGE
    default_permanent = True


class RedirectRefused(FetchError):
    default_reason = FailureReason.REDIRECT_OFF_SITE
    default_permanent = True


class AddressRefused(FetchError):
    default_reason = FailureReason.ADDRESS_REFUSED
    default_permanent = True


class RobotsRefused(FetchError):
    default_reason = FailureReason.ROBOTS_DISALLOWED
    default_permanent = True


class URLRefused(FetchError):
    default_reason = FailureReason.UNSUPPORTED_URL
    default_permanent = True


class StoreRefused(FetchError):
    """Raised by nobody: the crawler records a data error of the archive with it."""

    default_reason = FailureReason.STORE_REFUSED
    default_permanent = True


class HandlerCrashed(FetchError):
    """Raised by nobody: the crawler wraps an unexpected exception in it to record it."""

    default_reason = FailureReason.HANDLER_CRASHED
    default_permanent = True


# Every reason belongs to exactly one class of the hierarchy.
REASON_CLASSES: dict[FailureReason, type[FetchError]] = {
    FailureReason.CONNECT_FAILED: ConnectFailed,
    FailureReason.DEADLINE: DeadlineExceeded,
    FailureReason.PROTOCOL: ProtocolViolation,
    FailureReason.BODY_TOO_SHORT: ProtocolViolation,
    FailureReason.TLS: TLSFailed,
    FailureReason.HTTP_STATUS: StatusError,
    FailureReason.RETRY_AFTER_TOO_LONG: StatusError,
    FailureReason.HOST_PAUSED: StatusError,
    FailureReason.TOO_LARGE: ResponseRefused,
    FailureReason.CONTENT_TYPE: ResponseRefused,
    FailureReason.BAD_HEADER: ProtocolViolation,
    FailureReason.REDIRECT_WITHOUT_LOCATION: RedirectRefused,
    FailureReason.REDIRECT_OFF_SITE: RedirectRefused,
    FailureReason.REDIRECT_SCHEME: RedirectRefused,
    FailureReason.REDIRECT_LOOP: RedirectRefused,
    FailureReason.TOO_MANY_REDIRECTS: RedirectRefused,
    FailureReason.ADDRESS_REFUSED: AddressRefused,
    FailureReason.CREDENTIALS: URLRefused,
    FailureReason.UNSUPPORTED_URL: URLRefused,
    FailureReason.ROBOTS_DISALLOWED: RobotsRefused,
    FailureReason.ROBOTS_UNAVAILABLE: RobotsRefused,
    FailureReason.CRAWL_DELAY_TOO_LONG: RobotsRefused,
    FailureReason.STORE_REFUSED: StoreRefused,
    FailureReason.HANDLER_CRASHED: HandlerCrashed,
}
