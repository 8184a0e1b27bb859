"""A small news site of our own on 127.0.0.1, served by a real HTTP server, for fetch and crawl
tests and the crawl benchmark.

Paths:
- `/robots.txt`: disallows `/private/` (or what `disallow` says), optional `Crawl-delay`.
- `/nieuws/binnenland[?page=N]`: a section listing (teasers with titles, ages and links,
  `rel=next` and a "Volgende" link while more pages follow, navigation and footer around it).
- `/feed.xml`: an RSS feed of the newest articles.
- `/nieuws/<slug>`: an article (lead and a `Meer uit Binnenland` sidebar whose items and ages
  follow the site's clock, `site.now`). Listings and articles carry an ETag and answer
  `If-None-Match` with 304.
- `/oud/<slug>`: a permanent redirect to `/nieuws/<slug>`; `/logo.png`: an image.
- faults: `/fault/flaky` (500, then 200), `/fault/busy` (429 with Retry-After, then 200),
  `/fault/slow` (answers after `slow_seconds`), `/fault/loop-a` <-> `/fault/loop-b`,
  `/fault/huge` (a body of `huge_bytes`), `/fault/charset` (windows-1252 bytes declared as
  UTF-8), `/fault/cut` (connection closed mid-body on the first request), `/fault/gone` (404),
  `/fault/overloaded` (503 without Retry-After, then 200),
  `/private/...` (disallowed by robots.txt).
Every request is recorded with its arrival time (`time.monotonic()`) and headers. The arrival
is when the request's first bytes reached the host (the kernel's receive time, on Linux), not
when a server thread got round to reading them: the servers share one Python process (with
each other, often with the crawler under test), and a starved thread reads late.
"""

from __future__ import annotations

import functools
import hashlib
import io
import socket
import struct
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from xml.sax.saxutils import escape

LISTING = "/nieuws/binnenland"
FEED = "/feed.xml"
ARTICLE_INTERVAL = 17  # minutes between two articles
PLACES = ["DEN HAAG", "UTRECHT", "GOES", "MIDDELBURG", "IZJOEM/LONDEN", "MALMÖ", "BOGOTÁ",
          "WEST PALM BEACH", "'S HEER ARENDSKERKE", "ÎLE LONGUE"]
AGENCIES = ["ANP", "ANP/RTR", "ANP/AFP/RTR", "ANP/DPA", "ANP/BELGA", ""]
SUBJECTS = ["de gemeenteraad", "het waterschap", "de provincie", "een zorginstelling",
            "de veiligheidsregio", "een woningcorporatie", "het ministerie", "de rechtbank"]
ACTIONS = ["stelt het besluit over", "opent een onderzoek naar", "trekt extra geld uit voor",
           "presenteert een nieuw plan voor", "schort de werkzaamheden op aan"]
OBJECTS = ["de dijkversterking", "het busvervoer", "de nieuwe sporthal", "het havenplan",
           "de fietsbrug", "het stikstofbeleid", "de kustverdediging"]

ARTICLE_PREFIX = "/nieuws/bericht-"  # the paths of articles


@dataclass(frozen=True)
class Article:
    number: int
    published: datetime

    @property
    def slug(self) -> str:
        return f"bericht-{self.number}-ANP{2026000000 + self.number}"

    @property
    def path(self) -> str:
        return f"/nieuws/{self.slug}"

    @property
    def dateline(self) -> str:
        return PLACES[self.number % len(PLACES)]

    @property
    def agencies(self) -> str:
        return AGENCIES[self.number % len(AGENCIES)]

    @property
    def title(self) -> str:
        return f"{OBJECTS[self.number % len(OBJECTS)].capitalize()} nummer {self.number} besproken"

    @property
    def body(self) -> str:
        n = self.number
        return (f"Voor de {n}e keer {ACTIONS[n % len(ACTIONS)]} {OBJECTS[n % len(OBJECTS)]}, "
                f"meldt {SUBJECTS[n % len(SUBJECTS)]}. Een besluit volgt na overleg {n}.")

    @property
    def wire_line(self) -> str:
        agencies = f" ({self.agencies})" if self.agencies else ""
        return f"{self.dateline}{agencies} - {self.body}"


def age_text(published: datetime, now: datetime) -> str:
    minutes = int((now - published).total_seconds() // 60)
    if minutes < 1:
        return "zojuist"
    if minutes < 60:
        return "1 minuut geleden" if minutes == 1 else f"{minutes} minuten geleden"
    if minutes < 24 * 60:
        return f"{minutes // 60} uur geleden"
    days = minutes // (24 * 60)
    return "1 dag geleden" if days == 1 else f"{days} dagen geleden"


@functools.lru_cache(maxsize=8)
def _published(origin: datetime, now: datetime, count: int) -> tuple[Article, ...]:
    latest = min(count - 1, int((now - origin) / timedelta(minutes=ARTICLE_INTERVAL)))
    return tuple(Article(n, origin + timedelta(minutes=ARTICLE_INTERVAL * n))
                 for n in range(latest, -1, -1))


@dataclass
class Request:
    path: str  # path with query
    at: float  # time.monotonic() on arrival
    headers: dict[str, str]


@dataclass
class FixtureSite:
    """The site's content and faults; `start()` serves it on a free port of 127.0.0.1."""

    article_count: int = 30  # articles in the site's whole history, past and future
    per_page: int = 10
    origin: datetime = datetime(2026, 3, 17, 3, 0, tzinfo=timezone.utc)  # article 0 appears
    now: datetime | None = None  # the site's clock; default: every article published
    crawl_delay: float | None = None
    retry_after: str = "1"
    slow_seconds: float = 1.0
    huge_bytes: int = 200_000
    robots_status: int = 200
    address: str = "127.0.0.1"  # 127.0.0.2, 127.0.0.3 ... for several hosts (tests/news_network.py)
    latency: float = 0.0  # seconds every response waits before it is sent
    clock: Any = None  # a ManualClock: the latency passes on it (advanced), not in real time
    tls: Any = None  # an ssl.SSLContext (server side): the site is served over HTTPS
    name: str = "Het Wiernieuws"  # printed on every page, so two sites never serve the same bytes
    robots_type: str = "text/plain"
    disallow: list[str] = field(default_factory=lambda: ["/private/"])  # robots.txt rules
    extra_links: list[str] = field(default_factory=list)  # paths teased on listing page 1
    titles: dict[int, str] = field(default_factory=dict)  # article number -> a revised headline
    # Articles requested after the first `hold_after` wait (up to a minute) for `release`:
    # a client can be stopped at a known point of a crawl (a test's gate, not a delay).
    hold_after: int | None = None
    release: threading.Event = field(default_factory=threading.Event)
    requests: list[Request] = field(default_factory=list)
    served: dict[str, int] = field(default_factory=dict)  # path -> 200 responses sent
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    def __post_init__(self) -> None:
        if self.now is None:
            self.now = self.origin + timedelta(minutes=ARTICLE_INTERVAL * self.article_count)

    # --- content ---------------------------------------------------------------------------
    @property
    def articles(self) -> list[Article]:
        """The articles published by `now`, newest first (one every 17 minutes)."""
        return list(_published(self.origin, self.now, self.article_count))

    def advance(self, minutes: float) -> None:
        """Move the site's clock: ages grow, new articles appear on listings and sidebars."""
        self.now += timedelta(minutes=minutes)

    @property
    def pages(self) -> int:
        return -(-self.article_count // self.per_page)

    def listing_articles(self, page: int) -> list[Article]:
        return self.articles[(page - 1) * self.per_page: page * self.per_page]

    # --- serving ---------------------------------------------------------------------------
    @property
    def base(self) -> str:
        assert self._server is not None, "start() the site first"
        scheme = "http" if self.tls is None else "https"
        return f"{scheme}://{self.address}:{self._server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def start(self) -> FixtureSite:
        self._server = serve(self, _SiteHandler, self.address)
        if self.tls is not None:  # each connection's handshake on accept
            self._server.socket = self.tls.wrap_socket(self._server.socket, server_side=True)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> FixtureSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- what happened ---------------------------------------------------------------------
    def requested(self, path: str) -> list[Request]:
        with self._lock:
            return [request for request in self.requests if request.path == path]

    def count(self, path: str) -> int:
        return len(self.requested(path))

    def article_requests(self) -> list[str]:
        with self._lock:
            return [r.path for r in self.requests if r.path.startswith(ARTICLE_PREFIX)]

    def _record(self, path: str, headers: dict[str, str], at: float) -> int:
        """Record a request that arrived `at`; returns how many times this path was asked
        before."""
        with self._lock:
            before = sum(1 for request in self.requests if request.path == path)
            self.requests.append(Request(path, at, headers))
            return before


# SO_TIMESTAMPNS (socket.h; not in Python's socket module): the kernel's receive time of the
# bytes each recvmsg returns, a `struct timespec` in CLOCK_REALTIME
SO_TIMESTAMPNS = 35 if sys.platform.startswith("linux") else None
TIMESPEC = struct.Struct("@ll")


def _receive_times_on() -> socket.socket | None:
    """A socket asking for receive times, kept open: while one does, the kernel stamps every
    packet as it arrives, so the first bytes of a connection not yet accepted (whose socket
    asks only later) carry their arrival too, not the time they were read."""
    if SO_TIMESTAMPNS is None:
        return None
    keeper = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        keeper.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    except OSError:
        keeper.close()
        return None
    return keeper


_RECEIVE_TIMES = _receive_times_on()


def monotonic_of(wall: float) -> float:
    """A CLOCK_REALTIME moment on the `time.monotonic()` scale (the tests' arrival times): the
    offset read between the two closest of a few pairs of monotonic reads."""
    readings = []
    for _ in range(3):
        before, now, after = time.monotonic(), time.time(), time.monotonic()
        readings.append((after - before, now - (before + after) / 2))
    return wall - min(readings)[1]


class ArrivalReader(io.RawIOBase):
    """A server connection's reads, each with the time its bytes reached the host: the kernel's
    receive time where the socket can give it (SO_TIMESTAMPNS on Linux; not through TLS),
    else the time of the read."""

    def __init__(self, connection: socket.socket) -> None:
        self.connection = connection
        self.stamped = False
        if _RECEIVE_TIMES is not None and type(connection) is socket.socket:
            try:
                connection.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
                self.stamped = True
            except OSError:
                pass
        self.waiting = False  # a request began and none of its bytes has been read
        self.arrival = self.last = time.monotonic()  # of the request; of the last read

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if not self.stamped:
            count = self.connection.recv_into(buffer)
            self._received(time.monotonic())
            return count
        # a request's first read takes one byte: the time is that of the last packet read
        first = memoryview(buffer)[:1] if self.waiting else buffer
        count, ancillary, _, _ = self.connection.recvmsg_into(
            [first], socket.CMSG_SPACE(TIMESPEC.size))
        wall = next((TIMESPEC.unpack(data[:TIMESPEC.size]) for level, kind, data in ancillary
                     if (level, kind) == (socket.SOL_SOCKET, SO_TIMESTAMPNS)), None)
        self._received(time.monotonic() if wall is None else monotonic_of(wall[0] + wall[1] / 1e9))
        return count

    def _received(self, moment: float) -> None:
        if self.waiting:
            self.arrival, self.waiting = moment, False
        self.last = moment

    def request_begins(self) -> None:
        self.waiting = True

    def request_arrived(self) -> float:
        """When the request being read arrived: with the first read since it began, or with
        the read that brought it along with the one before (pipelined)."""
        return self.last if self.waiting else self.arrival


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that hung up on purpose (timeouts, size caps) is not an error here


class LocalHandler(BaseHTTPRequestHandler):
    """A quiet HTTP/1.1 handler of a local test site; `site` is the site it serves."""

    protocol_version = "HTTP/1.1"
    site: Any

    def setup(self) -> None:
        super().setup()
        # headers and body go out in separate writes: without this, Nagle's algorithm and the
        # client's delayed ACK stall every response by ~40 ms
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.rfile.close()  # read through `arrivals` instead
        self.arrivals = ArrivalReader(self.connection)
        self.rfile = io.BufferedReader(self.arrivals)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - keep tests quiet
        pass

    arrived = 0.0  # time.monotonic() when the request's first bytes reached the host

    def handle_one_request(self) -> None:
        self.arrivals.request_begins()
        super().handle_one_request()

    def parse_request(self) -> bool:
        # called right after the request line is read, before the headers are parsed
        self.arrived = self.arrivals.request_arrived()
        return super().parse_request()


def serve(site: Any, handler: type[LocalHandler], address: str = "127.0.0.1"
          ) -> ThreadingHTTPServer:
    """Serve `site` with `handler` on a free port of `address` (loopback), in a daemon thread."""
    bound = type(handler.__name__, (handler,), {"site": site})
    server = _QuietServer((address, 0), bound)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server


class _SiteHandler(LocalHandler):
    site: FixtureSite

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        before = self.site._record(self.path, {k.lower(): v for k, v in self.headers.items()},
                                   self.arrived)
        held = self.site.hold_after is not None and self.path.startswith(ARTICLE_PREFIX)
        if held and len(self.site.article_requests()) > self.site.hold_after:
            self.site.release.wait(60)
        if self.site.latency and self.site.clock is not None:
            self.site.clock.advance(self.site.latency)
        elif self.site.latency:
            time.sleep(self.site.latency)
        parts = urlsplit(self.path)
        path, query = parts.path, dict(parse_qsl(parts.query))
        route = FAULTS.get(path)
        if route is not None:
            route(self, before)
        elif path == "/robots.txt" and self.site.robots_status != 200:
            self.send_status(self.site.robots_status)
        elif path == "/robots.txt":
            self.send_text(self.robots(), self.site.robots_type)
        elif path == "/logo.png":
            self.send_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png")
        elif path == LISTING:
            self.send_page(render_listing(self.site, _page(query)))
        elif path == FEED:
            self.send_text(render_feed(self.site), "application/rss+xml; charset=utf-8")
        elif path.startswith("/nieuws/"):
            article = self.find_article(path)
            if article is None:
                self.send_status(404)
            else:
                self.send_page(render_article(self.site, article))
        elif path.startswith("/oud/"):
            self.redirect("/nieuws/" + path.removeprefix("/oud/"), 301)
        elif path.startswith("/private/"):
            self.send_page(render_page("Geheim", "<p>Niet voor robots.</p>"))
        else:
            self.send_status(404)

    def robots(self) -> str:
        lines = ["User-agent: *", *(f"Disallow: {path}" for path in self.site.disallow)]
        if self.site.crawl_delay is not None:
            lines.append(f"Crawl-delay: {self.site.crawl_delay}")
        return "\n".join(lines) + "\n"

    def find_article(self, path: str) -> Article | None:
        number = path.removeprefix(ARTICLE_PREFIX).partition("-")[0]
        articles = self.site.articles
        if not number.isdigit() or not articles or int(number) > articles[0].number:
            return None
        article = articles[articles[0].number - int(number)]
        return article if article.path == path else None

    # --- responses -------------------------------------------------------------------------
    def send_page(self, html: str) -> None:
        body = html.encode("utf-8")
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_bytes(body, "text/html; charset=utf-8", {"ETag": etag})

    def send_text(self, text: str, content_type: str) -> None:
        self.send_bytes(text.encode("utf-8"), content_type)

    def send_bytes(self, body: bytes, content_type: str, headers: dict[str, str] | None = None,
                   status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
        if status == 200:
            with self.site._lock:
                path = urlsplit(self.path).path
                self.site.served[path] = self.site.served.get(path, 0) + 1

    def send_status(self, status: int, headers: dict[str, str] | None = None) -> None:
        self.send_bytes(f"HTTP {status}".encode(), "text/plain", headers, status)

    def redirect(self, location: str, status: int = 302) -> None:
        self.send_status(status, {"Location": location})

    # --- faults ----------------------------------------------------------------------------
    def flaky(self, before: int) -> None:
        if before == 0:
            self.send_status(500)
        else:
            self.send_page(render_article(self.site, self.site.articles[0], title="Hersteld"))

    def busy(self, before: int) -> None:
        if before == 0:
            self.send_status(429, {"Retry-After": self.site.retry_after})
        else:
            self.send_page(render_article(self.site, self.site.articles[1], title="Na de drukte"))

    def slow(self, before: int) -> None:
        time.sleep(self.site.slow_seconds)
        self.send_page(render_article(self.site, self.site.articles[2]))

    def huge(self, before: int) -> None:
        padding = "<p>" + "opvulling " * (self.site.huge_bytes // 10) + "</p>"
        self.send_page(render_page("Te groot", padding))

    def wrong_charset(self, before: int) -> None:
        html = render_article(self.site, self.site.articles[3], title="Financiën en café")
        self.send_bytes(html.replace('charset="utf-8"', "").encode("cp1252", errors="replace"),
                        "text/html; charset=utf-8")

    def cut(self, before: int) -> None:
        body = render_article(self.site, self.site.articles[4]).encode("utf-8")
        if before > 0:
            self.send_bytes(body, "text/html; charset=utf-8")
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: len(body) // 3])
        self.wfile.flush()
        self.close_connection = True


FAULTS = {
    "/fault/flaky": _SiteHandler.flaky,
    "/fault/busy": _SiteHandler.busy,
    "/fault/slow": _SiteHandler.slow,
    "/fault/loop-a": lambda handler, before: handler.redirect("/fault/loop-b"),
    "/fault/loop-b": lambda handler, before: handler.redirect("/fault/loop-a"),
    "/fault/huge": _SiteHandler.huge,
    "/fault/charset": _SiteHandler.wrong_charset,
    "/fault/cut": _SiteHandler.cut,
    "/fault/gone": lambda handler, before: handler.send_status(404),
    # 503 without Retry-After (an overloaded server) on the first request, then an article
    "/fault/overloaded": lambda handler, before: (
        handler.send_status(503) if before == 0 else
        handler.send_page(render_article(handler.site, handler.site.articles[5]))),
}


def _page(query: dict[str, str]) -> int:
    value = query.get("page", "1")
    return int(value) if value.isdigit() and int(value) > 0 else 1


# --- HTML ------------------------------------------------------------------------------------
def render_page(title: str, main: str, site_name: str = "Het Wiernieuws") -> str:
    return f"""<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>{escape(title)} | {escape(site_name)}</title>
<script>window.dataLayer = [{{"page": "Meer uit Binnenland"}}];</script></head>
<body>
<header><a href="/">{escape(site_name)}</a>
<nav><ul><li><a href="{LISTING}">Binnenland</a></li><li><a href="/nieuws/buitenland">Buitenland</a></li>
<li><a href="/nieuws/sport">Sport</a></li><li><a href="/nieuws/meer-over-de-regio-en-de-provincie">Meer over de regio en de provincie</a></li></ul></nav>
</header>
<main>
{main}
</main>
<footer><ul><li><a href="/over-ons">Over ons</a></li>
<li><a href="/privacy">Privacyverklaring en cookiebeleid van deze site</a></li>
<li><a href="https://elders.example/partner">Onze partner op een andere website</a></li></ul></footer>
</body></html>
"""


def _teaser(article: Article, now: datetime) -> str:
    return (f'<li><a href="{article.path}">{escape(article.wire_line)}</a> '
            f"<time>{age_text(article.published, now)}</time></li>")


def render_article(site: FixtureSite, article: Article, title: str | None = None) -> str:
    agencies = f" ({article.agencies})" if article.agencies else ""
    title = title or site.titles.get(article.number)
    others = [a for a in site.articles if a.number != article.number][:5]
    sidebar = "\n".join(_teaser(other, site.now) for other in others)
    main = f"""<article><h1>{escape(title or article.title)}</h1>
<p><strong>{escape(article.dateline)}{agencies}</strong> - {escape(article.body)}</p>
<p>Een tweede alinea zonder nieuws over {escape(OBJECTS[article.number % len(OBJECTS)])}.</p>
</article>
<aside><h2>Meer uit Binnenland</h2><ul>
{sidebar}
</ul></aside>"""
    return render_page(title or article.title, main, site.name)


def render_listing(site: FixtureSite, page: int) -> str:
    teasers = "\n".join(
        f"""<li><a href="{a.path}"><h3>ANP {escape(a.title)}</h3></a>
<p>{escape(a.wire_line)}</p><span>{age_text(a.published, site.now)}</span></li>"""
        for a in site.listing_articles(page)
    )
    if page == 1:
        teasers += "".join(
            f'\n<li><a href="{path}"><h3>ANP Bericht op {escape(path)}</h3></a>'
            f"<p>GOES - Een bericht dat op {escape(path)} staat.</p><span>1 uur geleden</span></li>"
            for path in site.extra_links
        )
    more = ""
    if page < site.pages:
        more = (f'<div class="pagination"><a rel="next" href="?page={page + 1}">Volgende</a>'
                f"</div>")
    head_link = f'<link rel="next" href="{LISTING}?page={page + 1}">' if page < site.pages else ""
    return render_page("Binnenland", f"{head_link}<h1>Binnenland</h1><ul>\n{teasers}\n</ul>{more}",
                       site.name)


def render_feed(site: FixtureSite) -> str:
    entries = "\n".join(
        f"""<item><title>{escape(a.title)}</title><link>{site.url(a.path)}?utm_source=rss</link>
<description>{escape(a.wire_line)}</description><guid>{a.slug}</guid></item>"""
        for a in site.articles[:10]
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Het Wiernieuws</title><link>{site.base}/</link>
<description>Binnenland</description>
{entries}
<item><title>Elders</title><link>https://elders.example/bericht</link></item>
</channel></rss>
"""


try:  # the `fixture_site` pytest fixture; conftest.py imports it
    import pytest
except ImportError:  # pragma: no cover - the benchmark runs without pytest
    pytest = None

if pytest is not None:

    @pytest.fixture
    def fixture_site():
        """A fresh FixtureSite served on 127.0.0.1 for one test."""
        with FixtureSite() as site:
            yield site


def main() -> None:
    """Serve a fixture site until killed (for the crawl benchmark): prints its base URL."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--articles", type=int, default=30)
    parser.add_argument("--per-page", type=int, default=10)
    parser.add_argument("--address", default="127.0.0.1")
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--name", default="Het Wiernieuws")
    args = parser.parse_args()
    site = FixtureSite(article_count=args.articles, per_page=args.per_page, address=args.address,
                       latency=args.latency, name=args.name).start()
    print(site.base, flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
