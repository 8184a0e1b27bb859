"""The connections under `HttpClient`: every address checked, every attempt under one deadline.

urllib3 speaks HTTP; this module decides where it may connect and for how long:

- Addresses. A host is resolved here, not by urllib3, and every address is checked before a
  socket is opened, on every request (redirect hops and robots.txt included) and again when a
  kept-alive connection is reused, so a name that resolves to a private address (DNS
  rebinding) is caught as well as an address written in the URL. Allowed: global unicast
  addresses. Never: private (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16,
  fe80::/10; the cloud metadata service lives there), multicast, unspecified, shared
  (100.64/10), reserved, and loopback, with one exception: a request whose own URL names a
  loopback host (127.x.x.x, ::1, `localhost`) may connect to loopback addresses. That is how
  the tests run (servers on 127.0.0.1, 127.0.0.2, ...) and how someone crawls a site on their
  own machine; it is the only exception, and a redirect or link to loopback from anywhere
  else is refused.
- Deadline. An attempt has one total deadline for resolving, connecting, TLS, headers and
  body (`HttpPolicy.timeout`). A watchdog thread shuts the attempt's socket down when the
  deadline passes, so a server that trickles a byte a second (status line, headers, body or
  chunks) is cut off at the deadline however it spaces its bytes.
- Status line. `HTTP/1.x NNN reason` with three ASCII digits from 100 to 599; anything else is
  a malformed response (`http.client` accepts `٢٠٠`, since `int` does). At most
  `MAX_INFORMATIONAL` 1xx responses (100 Continue included) come before the real one.
- Header lines. A bare CR (one not followed by LF) or a NUL inside a line of the head is
  replaced by SP before the head is parsed (RFC 9112 2.2, RFC 9110 5.5): http.client's parser
  would end a header line at a bare CR, so `X-A: 1<CR>Content-Length: 3` would add a field.
- Framing. After a response that is chunked and has a Content-Length (RFC 9112 6.1), or
  one whose body is longer than its Content-Length, the connection is closed, not kept.
- Chunk sizes. 1 to 16 hex digits (RFC 9112 7.1), an extension after `;`, a line of at most
  `MAX_CHUNK_LINE` bytes; `-5`, `+3`, `0x3` and `1_0` (which `int(line, 16)` reads) are a
  malformed response.
"""

from __future__ import annotations

import email.parser
import functools
import http.client
import ipaddress
import re
import socket
import threading
import time
import types
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, cast

import urllib3
import urllib3.response
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError

from .errors import AddressRefused

POLL = 0.05  # the watchdog looks at the clock at least this often (an injected clock moves)
STATUS_LINE = re.compile(rb"(HTTP/1\.[0-9]) ([1-5][0-9][0-9])(?: ([^\r\n]*))?\r?\n")
MAX_INFORMATIONAL = 10  # 1xx responses skipped before the real one, at most
CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,16}")
MAX_CHUNK_LINE = 4096  # a chunk-size line, extensions included
_resolver = ThreadPoolExecutor(max_workers=4, thread_name_prefix="newsarchive-dns")
_local = threading.local()
# host, port -> getaddrinfo's (family, type, proto, canonname, address) tuples: a seam for tests
Resolver = Callable[[str, int], list[tuple[Any, ...]]]


def system_resolver(host: str, port: int) -> list[tuple[Any, ...]]:
    return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)


@functools.lru_cache(maxsize=4096)  # a pure function of the text: asked on every request
def address_kind(address: str) -> str | None:
    """What kind of address this is when it is not a global unicast one (None when it is)."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for kind, test in (("loopback", ip.is_loopback), ("link-local", ip.is_link_local),
                       ("multicast", ip.is_multicast), ("unspecified", ip.is_unspecified),
                       ("private", ip.is_private), ("reserved", not ip.is_global)):
        if test:
            return kind
    return None


@functools.lru_cache(maxsize=4096)
def names_loopback(host: str) -> bool:
    """The host of a URL is a loopback name or address (`localhost`, 127.x.x.x, ::1)."""
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return address_kind(host) == "loopback"
    except ValueError:
        return False


class Attempt:
    """One attempt at one URL: its deadline, the sockets it uses, where it may connect."""

    def __init__(self, host: str, timeout: float, connect_timeout: float,
                 monotonic: Callable[[], float], resolve: Resolver = system_resolver) -> None:
        self.timeout = timeout
        self.resolve = resolve
        self.connect_timeout = connect_timeout
        self.loopback_allowed = names_loopback(host)
        self.expires = monotonic() + timeout
        self.expired = False
        self.sent: float | None = None  # when the request went out (`_Guarded.send`)
        self._monotonic = monotonic
        self._watched: list[socket.socket] = []
        self._lock = threading.Lock()

    def now(self) -> float:
        return self._monotonic()

    def remaining(self) -> float:
        return max(0.0, self.expires - self._monotonic())

    def check(self, host: str, address: str) -> None:
        """Raise AddressRefused unless this attempt may connect to `address`."""
        kind = address_kind(address)
        if kind is None or (kind == "loopback" and self.loopback_allowed):
            return
        raise AddressRefused(f"{host} is at {address}, a {kind} address: not fetched")

    def watch(self, sock: socket.socket) -> None:
        """Cut `sock` off at the deadline (a duplicate of its descriptor is kept: TLS wraps
        the socket object, the connection underneath stays the same)."""
        try:
            duplicate = socket.fromfd(sock.fileno(), sock.family, sock.type)
        except OSError:
            return
        with self._lock:
            self._watched.append(duplicate)
            if self.expired:
                _shut(duplicate)

    def expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._watched:
                _shut(sock)

    def release(self) -> None:
        with self._lock:
            for sock in self._watched:
                sock.close()
            self._watched.clear()


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)  # wakes a blocked read on every copy of the socket
    except OSError:
        pass


class Watchdog:
    """One thread that expires attempts whose deadline has passed."""

    def __init__(self, monotonic: Callable[[], float]) -> None:
        self._monotonic = monotonic
        self._attempts: set[Attempt] = set()
        self._condition = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False
        self._idle = False  # waiting without end (no attempts): a new one must wake it

    @contextmanager
    def guard(self, attempt: Attempt) -> Iterator[Attempt]:
        with self._condition:
            self._attempts.add(attempt)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, daemon=True,
                                                name="newsarchive-deadlines")
                self._thread.start()
            if self._idle:  # else it looks again within POLL seconds: no wake-up (and no
                self._idle = False  # thread switch) per attempt
                self._condition.notify()
        try:
            yield attempt
        finally:
            with self._condition:
                self._attempts.discard(attempt)
            attempt.release()

    def close(self) -> None:
        with self._condition:
            self._closed = True
            self._condition.notify()

    def _run(self) -> None:
        with self._condition:
            while not self._closed:
                now = self._monotonic()
                for attempt in [a for a in self._attempts if a.expires <= now]:
                    attempt.expire()
                    self._attempts.discard(attempt)
                if self._attempts:
                    soonest = min(attempt.expires for attempt in self._attempts)
                    self._condition.wait(min(max(soonest - now, 0.001), POLL))
                else:
                    self._idle = True
                    self._condition.wait()
                    self._idle = False


def current_attempt() -> Attempt:
    attempt = getattr(_local, "attempt", None)
    if attempt is None:
        raise RuntimeError("a connection was opened outside Transport.attempt()")
    return attempt


class _HeadLines:
    """The response's stream while its head is read: a bare CR or a NUL inside a line is
    replaced by SP (`replaced` says whether one was)."""

    def __init__(self, fp: Any) -> None:
        self._fp = fp
        self.replaced = False

    def readline(self, limit: int = -1) -> bytes:
        line: bytes = self._fp.readline(limit)
        end = len(line) - (2 if line.endswith(b"\r\n") else 1 if line.endswith(b"\n") else 0)
        content = line[:end]
        if b"\r" not in content and b"\0" not in content:
            return line
        self.replaced = True
        return content.replace(b"\r", b" ").replace(b"\0", b" ") + line[end:]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._fp, name)


# A head whose every line is `name: value` (no fold, no odd name, no envelope line) ended by
# an empty line, with no multipart or message body: the email parser would give each line as
# one (name, value) and nothing else, read here without it (a third of `begin`'s CPU).
PLAIN_FIELD = re.compile(r"([!-9;-~]+):[ \t]*([^\r\n]*)\r?\n", re.ASCII)
PARSED_BODIES = re.compile(r"multipart|message", re.IGNORECASE)


def parse_head(fp: Any) -> http.client.HTTPMessage:
    """`http.client.parse_headers`, the same message, without the email parser for a plain
    head (`PLAIN_FIELD`)."""
    lines = http.client._read_headers(fp)  # type: ignore[attr-defined]
    if lines[-1] in (b"\r\n", b"\n"):
        fields = [PLAIN_FIELD.fullmatch(line.decode("iso-8859-1")) for line in lines[:-1]]
        if all(field is not None for field in fields):
            message = http.client.HTTPMessage()
            message._headers = [field.groups() for field in fields]  # type: ignore[attr-defined,union-attr]
            if PARSED_BODIES.search(message.get("content-type", "")) is None:
                message.set_payload("")
                return message
    text = b"".join(lines).decode("iso-8859-1")
    return email.parser.Parser(_class=http.client.HTTPMessage).parsestr(text)


# http.client's own HTTPResponse.begin, its head parsed by `parse_head`
_begin = types.FunctionType(http.client.HTTPResponse.begin.__code__,
                            {**vars(http.client), "parse_headers": parse_head}, "begin")


class StrictHTTPResponse(http.client.HTTPResponse):
    """http.client's response with a strict status line and head (see the module docstring),
    and a note of bytes left over after a body whose Content-Length was reached
    (`extra_bytes`)."""

    extra_bytes = False
    informational = 0  # 1xx responses read so far (http.client skips 100 Continue itself)
    control_replaced = False  # a bare CR or a NUL in the head was replaced by SP

    def begin(self) -> None:
        if self.headers is not None:
            return
        fp, head = self.fp, _HeadLines(self.fp)
        self.fp = head
        try:
            _begin(self)
        finally:
            self.fp = fp
            self.control_replaced = head.replaced

    def _read_status(self) -> tuple[str, int, str]:
        while self.informational < MAX_INFORMATIONAL:
            self.informational += 1
            line = self.fp.readline(http.client._MAXLINE + 1)  # type: ignore[attr-defined]
            if len(line) > http.client._MAXLINE:  # type: ignore[attr-defined]
                raise http.client.LineTooLong("status line")
            if not line:
                raise http.client.RemoteDisconnected("closed without a response")
            match = STATUS_LINE.fullmatch(line)
            if match is None:
                raise http.client.BadStatusLine(repr(line[:60]))
            status = int(match.group(2))
            if status in (100, 101) or status >= 200:  # http.client skips 100 Continue itself
                return (match.group(1).decode("ascii"), status,
                        (match.group(3) or b"").decode("latin-1"))
            http.client._read_headers(self.fp)  # type: ignore[attr-defined]  # 102, 103
        raise http.client.BadStatusLine("too many informational responses")

    def _close_conn(self) -> None:
        fp = self.fp
        if fp is not None and self.length == 0 and not self.chunked:
            self.extra_bytes = _buffered_bytes(fp)
        super()._close_conn()  # type: ignore[misc]


class StrictChunks(urllib3.response.HTTPResponse):
    """urllib3's response with chunk sizes read strictly (see the module docstring), whose
    connection is closed, not kept, after a response framed two ways."""

    @property
    def framed_twice(self) -> bool:
        """Chunked and a Content-Length (read as chunked, RFC 9112 6.3)."""
        return bool(self.chunked) and self.headers.get("Content-Length") is not None

    def release_conn(self) -> None:
        """Back to the pool; closed first when what follows on it may be no response: after a
        body framed two ways (RFC 9112 6.1) or one longer than its Content-Length."""
        if self._connection is not None and (self.framed_twice or getattr(
                self._original_response, "extra_bytes", False)):
            self._connection.close()
        super().release_conn()

    def _update_chunk_length(self) -> None:
        if self.chunk_left is not None:
            return
        line = self._fp.fp.readline(MAX_CHUNK_LINE + 1)  # type: ignore[union-attr]
        if not line:
            self.close()
            raise urllib3.exceptions.ProtocolError("Response ended prematurely")
        size = line.split(b";", 1)[0].strip(b" \t\r\n")
        if len(line) > MAX_CHUNK_LINE or CHUNK_SIZE.fullmatch(size) is None:
            self.close()
            raise urllib3.exceptions.InvalidChunkLength(
                self, (line if len(line) > MAX_CHUNK_LINE else size)[:40])
        self.chunk_left = int(size, 16)


def _buffered_bytes(fp: Any) -> bool:
    """Whether bytes are waiting to be read (without waiting for any)."""
    sock = getattr(getattr(fp, "raw", None), "_sock", None)
    if sock is None:
        return False
    timeout = sock.gettimeout()
    try:
        sock.settimeout(0)
        return bool(fp.peek(1))
    except (OSError, ValueError):
        return False
    finally:
        try:
            sock.settimeout(timeout)
        except OSError:
            pass


class _Guarded:
    """The urllib3 connection with our address checks and deadline (mixed in first)."""

    host: str
    port: int
    sock: socket.socket | None
    socket_options: Any

    def _new_conn(self) -> socket.socket:
        attempt = current_attempt()
        host = self.host.strip("[]")
        addresses = _resolve(self, host, self.port, attempt)
        refused: AddressRefused | None = None
        last_error: OSError | None = None
        for family, kind, proto, _, address in addresses:
            try:
                attempt.check(host, str(address[0]))
            except AddressRefused as exc:
                refused = refused or exc
                continue
            sock = socket.socket(family, kind, proto)
            try:
                for option in self.socket_options or ():
                    sock.setsockopt(*option)
                attempt.watch(sock)
                sock.settimeout(max(min(attempt.connect_timeout, attempt.remaining()), 0.001))
                sock.connect(address)
                return sock
            except TimeoutError as exc:
                sock.close()
                raise ConnectTimeoutError(self, f"connecting to {host} timed out") from exc
            except OSError as exc:
                sock.close()
                last_error = exc
        if last_error is None and refused is not None:
            raise refused
        raise NewConnectionError(
            cast(HTTPConnection, self), f"Failed to establish a new connection: {last_error}") from last_error

    def request(self, method: str, url: str, body: Any = None, headers: Any = None,
                **options: Any) -> None:
        attempt = current_attempt()
        if self.sock is not None:  # a kept-alive connection: checked again for this attempt
            attempt.check(self.host.strip("[]"), str(self.sock.getpeername()[0]))
            attempt.watch(self.sock)
        else:  # connected first: the request goes out now, not after a handshake
            self.connect()  # type: ignore[attr-defined]
        attempt.sent = None
        try:
            super().request(method, url, body=body, headers=headers, **options)  # type: ignore[misc]
        finally:
            if attempt.sent is None:  # not written whole: sent by now, if at all
                attempt.sent = attempt.now()

    def send(self, data: Any) -> None:
        """Write the request head, taking the moment it was sent (`Attempt.sent`) between its
        first bytes and its last: not before the host saw it arrive (a thread held up before
        the write, by the GIL or a busy machine, would make the request look sent sooner than
        it arrived, and the next one go out too close behind it), and before the host can
        have read it whole (so no answer, and no time a test server lets pass on an injected
        clock while answering, is part of the delay)."""
        attempt = current_attempt()
        if attempt.sent is not None or not isinstance(data, bytes) or len(data) < 2:
            super().send(data)  # type: ignore[misc]
            return
        super().send(data[:-1])  # type: ignore[misc]
        attempt.sent = attempt.now()
        super().send(data[-1:])  # type: ignore[misc]

    def getresponse(self) -> Any:
        response = super().getresponse()  # type: ignore[misc]
        response.__class__ = StrictChunks  # the same object, with strict chunk sizes
        return response


def _resolve(connection: Any, host: str, port: int, attempt: Attempt) -> list[Any]:
    """getaddrinfo within the attempt's deadline."""
    try:
        ipaddress.ip_address(host.split("%")[0])
        literal = True
    except ValueError:
        literal = False
    try:
        if literal:  # no lookup: the address as getaddrinfo spells it
            return system_resolver(host, port)
        lookup = _resolver.submit(attempt.resolve, host, port)
        return lookup.result(timeout=max(attempt.remaining(), 0.001))
    except socket.gaierror as exc:
        raise NameResolutionError(host, connection, exc) from exc
    except TimeoutError as exc:
        raise ConnectTimeoutError(connection, f"resolving {host} timed out") from exc


class GuardedHTTPConnection(_Guarded, HTTPConnection):
    response_class = StrictHTTPResponse


class GuardedHTTPSConnection(_Guarded, HTTPSConnection):
    response_class = StrictHTTPResponse


class GuardedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = GuardedHTTPConnection


class GuardedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = GuardedHTTPSConnection


def default_ca_certs() -> str | None:
    """The certificates a server's is checked against: certifi's when installed, else the
    system's (None)."""
    try:
        import certifi
    except ImportError:
        return None
    return str(certifi.where())


class Transport:
    """A urllib3 pool of guarded connections, and the watchdog of their deadlines."""

    def __init__(self, *, pool_size: int = 4, monotonic: Callable[[], float] = time.monotonic,
                 ca_certs: str | None = None, resolve: Resolver = system_resolver) -> None:
        self.monotonic = monotonic
        self.resolve = resolve
        self.pools = urllib3.PoolManager(num_pools=64, maxsize=pool_size,
                                         ca_certs=ca_certs or default_ca_certs())
        self.pools.pool_classes_by_scheme = {
            "http": GuardedHTTPConnectionPool, "https": GuardedHTTPSConnectionPool,
        }
        self.watchdog = Watchdog(monotonic)

    @contextmanager
    def attempt(self, host: str, timeout: float, connect_timeout: float) -> Iterator[Attempt]:
        """The scope of one attempt: connections opened in it obey its deadline and checks."""
        attempt = Attempt(host, timeout, connect_timeout, self.monotonic, self.resolve)
        _local.attempt = attempt
        try:
            with self.watchdog.guard(attempt):
                yield attempt
        finally:
            _local.attempt = None

    def open(self, url: str, headers: dict[str, str], attempt: Attempt) -> Any:
        """Send a GET and return the urllib3 response once its headers are in (body unread)."""
        remaining = max(attempt.remaining(), 0.001)
        return self.pools.urlopen(
            "GET", url, headers=headers, redirect=False, retries=False, preload_content=False,
            release_conn=False, decode_content=True, enforce_content_length=True,
            timeout=urllib3.Timeout(connect=min(attempt.connect_timeout, remaining),
                                    read=remaining),
        )

    def close(self) -> None:
        self.watchdog.close()
        self.pools.clear()
