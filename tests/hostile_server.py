"""A hostile HTTP server on loopback, on raw sockets: it sends exactly the bytes a test scripts.

A route is a script of steps: `bytes` are sent as they are, a `float` pauses that many seconds
(`trickle` spreads bytes out one at a time). Every request is logged with its raw head and the
number of the connection it came on, so a test can assert what was (and was not) asked, with
which headers, on which connection. After its script the server hangs up, unless the script
ends with `KEEP_OPEN`: then it reads the next request on the same connection. A path without a
route gets a 404; `/robots.txt` too unless a test routes it.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from fixture_site import ArrivalReader


class _KeepOpen:
    """The last step of a script after which the connection stays open for the next request."""


KEEP_OPEN = _KeepOpen()
Step = bytes | float | _KeepOpen


@dataclass
class Hit:
    path: str  # as requested, query included
    headers: dict[str, str]  # names in lower case
    head: bytes  # the request line and headers as received
    at: float  # on the time.monotonic() scale: when its first bytes reached the host (the
    # kernel's receive time, not when a thread busy with a script or starved of the GIL read it)
    connection: int = 0  # 1, 2, ...: the connection it came on, in the order they were accepted


def response(status: str = "200 OK", headers: Iterable[str | bytes] = (),
             body: bytes = b"") -> bytes:
    """A whole response; `Content-Length` is added unless the headers name one (or chunked)."""
    lines = [b"HTTP/1.1 " + status.encode("latin-1")]
    for header in headers:
        lines.append(header if isinstance(header, bytes) else header.encode("latin-1"))
    names = b"\n".join(lines[1:]).lower()
    if b"content-length" not in names and b"transfer-encoding" not in names:
        lines.append(b"Content-Length: %d" % len(body))
    lines.append(b"Connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def trickle(data: bytes, every: float) -> list[Step]:
    """`data` sent one byte at a time, `every` seconds apart."""
    steps: list[Step] = []
    for byte in data:
        steps += [bytes([byte]), every]
    return steps


def page(html: str, *headers: str) -> list[Step]:
    return [response("200 OK", ["Content-Type: text/html; charset=utf-8", *headers],
                     html.encode("utf-8"))]


@dataclass
class HostileServer:
    host: str = "127.0.0.1"
    routes: dict[str, list[Step]] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    _listener: socket.socket | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _closed: bool = False
    _accepted: int = 0

    def start(self) -> HostileServer:
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind((self.host, 0))
        self._listener.listen(16)
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def stop(self) -> None:
        self._closed = True
        if self._listener is not None:
            self._listener.close()

    def __enter__(self) -> HostileServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._listener is not None, "start() the server first"
        return int(self._listener.getsockname()[1])

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, *steps: Step, host: str | None = None) -> str:
        """Script the answer to `path` (asked with the Host header `host` only, when given:
        another name of this server); returns its URL."""
        self.routes[path if host is None else f"{host}{path}"] = list(steps)
        return self.url(path) if host is None else f"http://{host}{path}"

    def requested(self, path: str) -> list[Hit]:
        with self._lock:
            return [hit for hit in self.hits if hit.path == path]

    def paths(self) -> list[str]:
        with self._lock:
            return [hit.path for hit in self.hits]

    # --- serving ---------------------------------------------------------------------------
    def _accept(self) -> None:
        assert self._listener is not None
        while not self._closed:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self._accepted += 1
                number = self._accepted
            threading.Thread(target=self._serve, args=(connection, number), daemon=True).start()

    def _serve(self, connection: socket.socket, number: int) -> None:
        with connection:
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            connection.settimeout(10)
            arrivals = ArrivalReader(connection)
            while self._answer(connection, arrivals, number):
                pass

    def _answer(self, connection: socket.socket, arrivals: ArrivalReader, number: int) -> bool:
        """Read one request and play its script; whether to read another on the connection."""
        head = self._read_head(arrivals)
        if head is None:
            return False
        request_line, *header_lines = head.decode("latin-1").split("\r\n")
        parts = request_line.split(" ")
        path = parts[1] if len(parts) > 1 else ""
        headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        with self._lock:
            self.hits.append(Hit(path, headers, head, arrivals.request_arrived(), number))
        steps = self.routes.get(headers.get("host", "") + path) or self.routes.get(path, [
            response("404 Not Found", ["Content-Type: text/plain"], b"niet gevonden")])
        try:
            for step in steps:
                if isinstance(step, float):
                    time.sleep(step)
                elif isinstance(step, bytes):
                    connection.sendall(step)
        except OSError:
            return False  # the client hung up (a deadline, a cap): as it should
        return bool(steps) and steps[-1] is KEEP_OPEN

    @staticmethod
    def _read_head(arrivals: ArrivalReader) -> bytes | None:
        arrivals.request_begins()
        data, chunk = b"", bytearray(4096)
        while b"\r\n\r\n" not in data:
            try:
                count = arrivals.readinto(chunk)
            except OSError:
                return None
            if not count or len(data) > 65536:
                return None
            data += chunk[:count]
        return data.split(b"\r\n\r\n", 1)[0]
