"""A second simulated news network, shaped unlike `news_network.py`: 32 outlets of one invented
regional group on 127.0.0.2 ... 127.0.0.33, each a real HTTP server with its own shape, plus
`Elsewhere` on 127.0.0.40, a site the crawl must never ask anything (off-site redirects and
`rel=canonical` links point there).

What differs from outlet to outlet (`Outlet.shape`, `Outlet.validator`):
- RSS: the source is `/feed` (RSS 2.0, links absolute with `fbclid`, every other one with its
  scheme in capitals); the front page names it with `<link rel="alternate">`.
- ATOM: the source is `/feed.atom` (Atom, relative links with `utm_*`).
- RELNEXT: listing `/nieuws` paginated by `<link rel="next">` in the head only; its RSS feed
  `/feed` is a source too, so each article is reached by two spellings.
- VOLGENDE: listing `/laatste` paginated by an anchor reading "Volgende" to `/laatste/2`;
  articles carry a `Meer uit` sidebar.
- PAGED: listing `/regio` paginated by numbered `?page=N` anchors only; its first teaser and
  those of page 2 and later link their articles by an old path `/artikel/<slug>` that redirects
  to `/nieuws/<slug>` (301, 302, 307 or 308; Location absolute, root-relative, `../`, with a
  fragment); its RSS feed `/rss.xml` (a source too) links the same articles by their own path.
- validators: ETag (If-None-Match), Last-Modified (If-Modified-Since), both, or none; a page
  with a validator answers 304 when the request's validator still holds.
Links carry tracking parameters and fragments in every form (`?utm_source=...#reacties`,
`?fbclid=...`), and dot segments in absolute links (`http://host/archief/../nieuws/<slug>`). Every article page names its clean URL with `<link rel="canonical">`, and a
wire story's page names the wire's own site (`Elsewhere`) as its canonical.

Wire stories (`WIRE`) are carried by several outlets: the same dateline and text on each, under
each outlet's own URL. Every outlet records every request (arrival, path, headers, status, the
wire stories a 200 HTML page displayed as teasers), so a test reads fetch counts, conditional
headers, politeness and sightings off the servers' own logs.

Faults are set per outlet and per path while the network runs: `down()` (the server is gone:
connection refused) and `up()` (back on its port), `faults[path]` = RESET (connection reset
without an answer), ERROR (500), SLOW (nothing for `slow_seconds`, then a reset), FLAKY (500
once, then 200), OFFSITE (302 to Elsewhere), UNASKED_304 (304 to any request); `reset_after`
makes every request after the first N reset, `down_after` takes the server away after its
first N requests. `etag_text` puts UTF-8 text in every ETag.
All text is invented.
"""

from __future__ import annotations

import email.utils
import enum
import hashlib
import posixpath
import socket
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.server import ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit
from xml.sax.saxutils import escape

from fixture_site import LocalHandler, age_text, serve

START = datetime(2026, 6, 9, 10, 0, tzinfo=timezone.utc)  # the network's clock at the start
OUTLETS = 32
FIRST_ADDRESS = 2  # 127.0.0.2
ELSEWHERE_ADDRESS = "127.0.0.40"
PER_PAGE = 3


class Shape(enum.Enum):
    RSS = "rss"
    ATOM = "atom"
    RELNEXT = "relnext"
    VOLGENDE = "volgende"
    PAGED = "paged"


class Fault(enum.Enum):
    RESET = "reset"
    ERROR = "error"
    SLOW = "slow"
    FLAKY = "flaky"
    OFFSITE = "offsite"
    UNASKED_304 = "unasked-304"  # 304 Not Modified whatever the request (a broken cache)


# how `/artikel/<slug>` redirects, by turns: the status and the Location's spelling
REDIRECTS = [301, 302, 307, 308]
MOVED = ["{base}/nieuws/{slug}", "/nieuws/{slug}", "../nieuws/{slug}", "/nieuws/{slug}#top"]
SHAPES = [Shape.RSS, Shape.ATOM, Shape.RELNEXT, Shape.VOLGENDE, Shape.PAGED]
VALIDATORS = ["etag", "modified", "both", "none"]
TOWNS = ["Zierikzee", "Hulst", "Terneuzen", "Vlissingen", "Sluis", "Tholen", "Veere", "Kapelle",
         "Borsele", "Reimerswaal", "Noord-Beveland", "Schouwen", "Axel", "Oostburg", "Domburg",
         "Brouwershaven"]
THEMES = [("de haven", "breidt de kade uit"), ("het ziekenhuis", "opent een nieuwe vleugel"),
          ("de veerboot", "vaart een extra rit"), ("de bibliotheek", "verlengt de openingstijden"),
          ("het zwembad", "gaat in de zomer dicht"), ("de markt", "krijgt een nieuwe plek"),
          ("de school", "bouwt twee lokalen bij"), ("het museum", "toont een oude kaart")]


@dataclass(frozen=True)
class Story:
    slug: str
    dateline: str
    agencies: str  # "" for regional copy
    title: str
    body: str
    published: datetime
    wire: bool = False  # a wire story: carried by several outlets with the same text

    @property
    def path(self) -> str:
        return f"/nieuws/{self.slug}"

    @property
    def wire_line(self) -> str:
        agencies = f" ({self.agencies})" if self.agencies else ""
        return f"{self.dateline}{agencies} - {self.body}"


WIRE = [
    Story("kabinet-trekt-geld-uit-voor-dijken", "DEN HAAG", "ANP",
          "Kabinet trekt geld uit voor dijken",
          "Het kabinet trekt de komende vier jaar extra geld uit voor het versterken van dijken "
          "langs de kust.", START - timedelta(minutes=25), wire=True),
    Story("stormvloedkering-gaat-dicht", "OOSTERSCHELDE", "ANP",
          "Stormvloedkering gaat dicht",
          "De stormvloedkering gaat vannacht dicht vanwege het hoge water dat wordt verwacht.",
          START - timedelta(minutes=95), wire=True),
    Story("treinen-rijden-weer-naar-zeeland", "MIDDELBURG", "ANP/RTR",
          "Treinen rijden weer",
          "Na een storing aan de bovenleiding rijden de treinen weer van en naar Zeeland.",
          START - timedelta(minutes=200), wire=True),
]


def own_story(outlet: int, number: int, published: datetime) -> Story:
    place = TOWNS[(outlet + number) % len(TOWNS)]
    subject, action = THEMES[(outlet * 3 + number) % len(THEMES)]
    return Story(
        f"o{outlet}-bericht-{number}", place.upper(), "",
        f"{subject.capitalize()} in {place} {action} ({outlet}.{number})",
        f"In {place} {action} {subject}, zo meldt bericht {number} van uitgave {outlet}.", published)


def _http_date(moment: datetime) -> str:
    return email.utils.format_datetime(moment.astimezone(timezone.utc), usegmt=True)


def _parse_http_date(text: str) -> datetime | None:
    try:
        return email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None


@dataclass
class Hit:
    path: str  # as sent, with query
    at: float  # time.monotonic() on arrival
    headers: dict[str, str]  # names in lower case
    status: int = 0  # 0: no answer (reset, or still in progress)
    shown: tuple[str, ...] = ()  # slugs of wire stories this 200 HTML page showed as teasers


@dataclass
class Outlet:
    number: int
    shape: Shape
    validator: str
    own: int = 6  # own stories at the start
    carries: tuple[Story, ...] = ()  # wire stories it carries
    now: datetime = START
    slow_seconds: float = 2.0
    faults: dict[str, Fault] = field(default_factory=dict)  # path (no query) -> fault
    reset_after: int | None = None  # requests after the first N are reset
    down_after: int | None = None  # after the first N requests the server goes away (refused)
    etag_text: str = ""  # put in every ETag, sent as UTF-8 bytes (obs-text, RFC 9110 8.8.3)
    elsewhere: str = ""  # the base URL of Elsewhere
    hits: list[Hit] = field(default_factory=list)  # since the last `clear()`
    history: list[Hit] = field(default_factory=list)  # before it
    published: list[Story] = field(default_factory=list)  # newest first
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None
    _port: int = 0

    def __post_init__(self) -> None:
        stories = [own_story(self.number, n, START - timedelta(minutes=10 + 37 * n))
                   for n in range(self.own)]
        self.published = sorted([*stories, *self.carries], key=lambda s: s.published,
                                reverse=True)

    # --- content ---------------------------------------------------------------------------
    @property
    def address(self) -> str:
        return f"127.0.0.{FIRST_ADDRESS + self.number}"

    @property
    def name(self) -> str:
        return f"De Zeeuwse Bode {self.number}"

    @property
    def listing(self) -> str:
        return {Shape.RELNEXT: "/nieuws", Shape.VOLGENDE: "/laatste",
                Shape.PAGED: "/regio"}.get(self.shape, "")

    @property
    def feed(self) -> str:
        return {Shape.RSS: "/feed", Shape.RELNEXT: "/feed", Shape.ATOM: "/feed.atom",
                Shape.PAGED: "/rss.xml"}.get(self.shape, "")

    @property
    def sources(self) -> list[str]:
        return [self.url(path) for path in (self.listing, self.feed) if path]

    def page_path(self, page: int) -> str:
        if page == 1:
            return self.listing
        return {Shape.RELNEXT: f"/nieuws?page={page}", Shape.VOLGENDE: f"/laatste/{page}",
                Shape.PAGED: f"/regio?page={page}"}[self.shape]

    @property
    def pages(self) -> int:
        return -(-len(self.published) // PER_PAGE)

    def on_page(self, page: int) -> list[Story]:
        return self.published[(page - 1) * PER_PAGE: page * PER_PAGE]

    def in_feed(self) -> list[Story]:
        return self.published[:8]

    def publish(self, count: int, minutes: float = 30) -> list[Story]:
        """`count` new own stories, the newest `minutes` from now; the clock moves on."""
        self.now += timedelta(minutes=minutes)
        base = len([s for s in self.published if not s.wire])
        new = [own_story(self.number, base + n, self.now - timedelta(minutes=n))
               for n in range(count)]
        self.published = sorted([*new, *self.published], key=lambda s: s.published,
                                reverse=True)
        return new

    def story(self, slug: str) -> Story | None:
        return next((s for s in self.published if s.slug == slug), None)

    def modified(self, stories: list[Story]) -> datetime:
        return max((s.published for s in stories), default=START).replace(microsecond=0)

    # --- serving ---------------------------------------------------------------------------
    @property
    def base(self) -> str:
        return f"http://{self.address}:{self._port}"

    @property
    def netloc(self) -> str:
        return f"{self.address}:{self._port}"

    def url(self, path: str) -> str:
        return self.base + path

    def start(self) -> Outlet:
        self.up()
        return self

    def up(self) -> None:
        """Serve (again, on the same port)."""
        if self._server is None:
            self._server = _serve_on(self, self.address, self._port)
            self._port = self._server.server_address[1]

    def down(self) -> None:
        """Stop serving: connections are refused until `up()`."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # --- what happened ---------------------------------------------------------------------
    def got(self, path: str | None = None) -> list[Hit]:
        with self._lock:
            return [hit for hit in self.hits if path is None or hit.path == path]

    def count(self, path: str) -> int:
        return len(self.got(path))

    def article_hits(self) -> list[str]:
        """Paths of article requests (`/nieuws/<slug>`, `/artikel/<slug>`), query included."""
        return [hit.path for hit in self.got()
                if hit.path.startswith(("/nieuws/", "/artikel/", "/uit/"))]

    def clear(self) -> None:
        """Start a new request log (the old one goes to `history`)."""
        with self._lock:
            self.history += self.hits
            self.hits = []

    def _record(self, path: str, headers: dict[str, str], at: float) -> tuple[Hit, int]:
        with self._lock:
            hit = Hit(path, at, headers)
            self.hits.append(hit)
            return hit, len(self.hits)


def _serve_on(site: Outlet, address: str, port: int) -> ThreadingHTTPServer:
    if port == 0:
        return serve(site, _OutletHandler, address)
    deadline = time.monotonic() + 5
    while True:  # the port of a server just closed may take a moment to be free
        try:
            bound = type("_Bound", (_OutletHandler,), {"site": site})
            server = _Reusing((address, port), bound)
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server


class _Reusing(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass


class _OutletHandler(LocalHandler):
    site: Outlet
    hit: Hit

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        headers = {name.lower(): value for name, value in self.headers.items()}
        self.hit, number = self.site._record(self.path, headers, self.arrived)
        parts = urlsplit(self.path)
        path, query = parts.path, dict(parse_qsl(parts.query))
        if "/." in path:  # dot segments resolved, as web servers do
            path = posixpath.normpath(path)
        fault = self.site.faults.get(path)
        if self.site.reset_after is not None and number > self.site.reset_after:
            fault = Fault.RESET
        if self.site.down_after is not None and number > self.site.down_after:
            threading.Thread(target=self.site.down, daemon=True).start()
            fault = Fault.RESET
        if fault is Fault.SLOW:  # a client with a shorter deadline has hung up by then
            time.sleep(self.site.slow_seconds)
            fault = Fault.RESET
        if fault is Fault.RESET:
            self.reset()
            return
        if fault is Fault.ERROR or (fault is Fault.FLAKY and self._earlier(self.path) == 0):
            self.send(b"<h1>Storing</h1>", "text/html", 500)
            return
        if fault is Fault.UNASKED_304:
            self.send(b"", "", 304)
            return
        if fault is Fault.OFFSITE:
            self.send(b"", "text/plain", 302, {"Location": f"{self.site.elsewhere}{path}"})
            return
        self.route(path, query)

    def _earlier(self, path: str) -> int:
        with self.site._lock:
            return sum(1 for hit in self.site.hits[:-1] if hit.path == path)

    def route(self, path: str, query: dict[str, str]) -> None:
        site = self.site
        page = int(query["page"]) if query.get("page", "").isdigit() else 1
        if path == "/robots.txt":
            self.send(b"User-agent: *\nDisallow: /zoeken\n", "text/plain")
        elif path == "/":
            self.send_page(render_front(site), None)
        elif site.feed and path == site.feed:
            stories = site.in_feed()
            render = render_atom if site.shape is Shape.ATOM else render_rss
            kind = "application/atom+xml" if site.shape is Shape.ATOM else "application/rss+xml"
            self.send_page(render(site, stories), site.modified(stories), kind)
        elif site.listing and path == site.listing and site.shape is not Shape.VOLGENDE:
            self.send_listing(page)
        elif site.shape is Shape.VOLGENDE and (path == site.listing or
                                                path.startswith(site.listing + "/")):
            number = path.removeprefix(site.listing).strip("/")
            self.send_listing(int(number) if number.isdigit() else 1)
        elif path.startswith("/artikel/"):
            slug = path.removeprefix("/artikel/")
            turn = sum(slug.encode()) % len(REDIRECTS)
            status, location = REDIRECTS[turn], MOVED[turn].format(base=site.base, slug=slug)
            self.send(b"", "text/plain", status, {"Location": location})
        elif path.startswith("/nieuws/") and site.story(path.removeprefix("/nieuws/")):
            story = site.story(path.removeprefix("/nieuws/"))
            assert story is not None
            html, shown = render_article(site, story)
            self.send_page(html, story.published.replace(microsecond=0), shown=shown)
        else:
            self.send(b"<h1>Niet gevonden</h1>", "text/html", 404)

    def send_listing(self, page: int) -> None:
        stories = self.site.on_page(page)
        if not stories:
            self.send(b"<h1>Niet gevonden</h1>", "text/html", 404)
            return
        html = render_listing(self.site, page)
        self.send_page(html, self.site.modified(stories),
                       shown=tuple(s.slug for s in stories if s.wire))

    # --- responses -------------------------------------------------------------------------
    def send_page(self, text: str, modified: datetime | None,
                  content_type: str = "text/html; charset=utf-8", shown: tuple[str, ...] = ()
                  ) -> None:
        body = text.encode("utf-8")
        validator = self.site.validator if modified is not None else "none"
        extra: dict[str, str] = {}
        # http.server sends header text as Latin-1: the UTF-8 bytes of etag_text, one per char
        etag = '"' + self.site.etag_text.encode("utf-8").decode("latin-1") + \
            hashlib.sha1(body).hexdigest()[:12] + '"'
        if validator in ("etag", "both"):
            extra["ETag"] = etag
        if validator in ("modified", "both") and modified is not None:
            extra["Last-Modified"] = _http_date(modified)
        if self._still_valid(validator, etag, modified):
            self.send(b"", "", 304, {k: v for k, v in extra.items()})
            return
        self.send(body, content_type, 200, extra, shown)

    def _still_valid(self, validator: str, etag: str, modified: datetime | None) -> bool:
        """RFC 9110: If-None-Match wins over If-Modified-Since when both are sent."""
        asked_etag = self.headers.get("If-None-Match")
        if validator in ("etag", "both") and asked_etag is not None:
            return etag in [tag.strip() for tag in asked_etag.split(",")]
        since = self.headers.get("If-Modified-Since")
        if validator in ("modified", "both") and since is not None and modified is not None:
            when = _parse_http_date(since)
            return when is not None and modified <= when
        return False

    def send(self, body: bytes, content_type: str, status: int = 200,
             headers: dict[str, str] | None = None, shown: tuple[str, ...] = ()) -> None:
        # logged before the client can read the answer (a test reads the log once it has)
        self.hit.status = status
        if status == 200:
            self.hit.shown = shown
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def reset(self) -> None:
        """Close the connection with a TCP reset, no answer sent."""
        self.request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.request.close()


# --- HTML and feeds ----------------------------------------------------------------------------
def render_page(site: Outlet, title: str, main: str, head: str = "") -> str:
    alternate = ""
    if site.feed:
        kind = "application/atom+xml" if site.shape is Shape.ATOM else "application/rss+xml"
        alternate = f'<link rel="alternate" type="{kind}" href="{site.feed}">'
    menu = "".join(f'<li><a href="/regio/{town.lower()}">Alles uit de gemeente {town}</a></li>'
                   for town in TOWNS[:5])
    return f"""<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>{escape(title)} | {escape(site.name)}</title>
{alternate}{head}</head>
<body>
<header><a href="/">{escape(site.name)}</a><nav><ul>{menu}</ul></nav></header>
<main>
{main}
</main>
<footer><p><a href="/colofon/over-de-zeeuwse-bode-en-haar-redactie">Over de Zeeuwse Bode en haar
redactie</a></p></footer>
</body></html>
"""


def listing_link(site: Outlet, story: Story, page: int, index: int) -> str:
    """How a listing links a story: tracked, with a fragment, or by its old path."""
    if site.shape is Shape.PAGED and (page > 1 or index == 0):
        return f"/artikel/{story.slug}?utm_source=regio"
    forms = [f"{story.path}?utm_source=voorpagina&utm_medium=web#reacties",
             f"{site.base}{story.path}#top", f"{story.path}?utm_campaign=zomer&fbclid=Iw{index}",
             f"{site.base}/archief/..{story.path}"]
    return forms[(page + index) % len(forms)]


def render_listing(site: Outlet, page: int) -> str:
    teasers = "\n".join(
        f"""<li class="kaart"><a href="{escape(listing_link(site, s, page, i))}"><h3>{escape(s.title)}</h3></a>
<p>{escape(s.wire_line)}</p><span class="leeftijd">{age_text(s.published, site.now)}</span></li>"""
        for i, s in enumerate(site.on_page(page)))
    head, more = "", ""
    if page < site.pages:
        following = site.page_path(page + 1)
        if site.shape is Shape.RELNEXT:
            head = f'<link rel="next" href="{following}">'
        elif site.shape is Shape.VOLGENDE:
            more = f'<p class="verder"><a href="{following}">Volgende</a></p>'
    if site.shape is Shape.PAGED:
        more = '<p class="paginas">' + "".join(
            f' <a href="?page={n}">{n}</a>' for n in range(1, site.pages + 1) if n != page) + "</p>"
    main = f"<h1>Het laatste nieuws</h1>\n<ul>\n{teasers}\n</ul>\n{more}"
    return render_page(site, "Het laatste nieuws", main, head)


def render_front(site: Outlet) -> str:
    return render_page(site, "Voorpagina", "<h1>Voorpagina</h1><p>Welkom.</p>")


def render_article(site: Outlet, story: Story) -> tuple[str, tuple[str, ...]]:
    canonical = f"{site.elsewhere}{story.path}" if story.wire else site.url(story.path)
    sidebar, shown = "", ()
    if site.shape is Shape.VOLGENDE:
        others = [s for s in site.published if s.slug != story.slug][:3]
        sidebar = "<aside><h2>Meer uit de regio</h2><ul>" + "\n".join(
            f'<li><a href="{o.path}#top">{escape(o.wire_line)}</a> '
            f"<span>{age_text(o.published, site.now)}</span></li>" for o in others) + "</ul></aside>"
        shown = tuple(o.slug for o in others if o.wire)
    main = f"""<article><h1>{escape(story.title)}</h1>
<p>{escape(story.wire_line)}</p>
<p>Meer hierover volgt in de loop van de dag.</p>
</article>
{sidebar}"""
    return render_page(site, story.title, main, f'<link rel="canonical" href="{canonical}">'), shown


def render_rss(site: Outlet, stories: list[Story]) -> str:
    items = "\n".join(
        f"<item><title>{escape(s.title)}</title>"
        f"<link>{site.base.upper() if i % 2 else site.base}{s.path}?fbclid=IwAR{site.number}x{i}"
        f"</link>"
        f"<description>{escape(s.wire_line)}</description><guid>{s.slug}</guid>"
        f"<pubDate>{_http_date(s.published)}</pubDate></item>" for i, s in enumerate(stories))
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>{escape(site.name)}</title><link>{site.base}/</link>
<description>Het laatste nieuws</description>
{items}
<item><title>Elders gelezen</title><link>{site.elsewhere}/nieuws/elders</link></item>
</channel></rss>
"""


def render_atom(site: Outlet, stories: list[Story]) -> str:
    entries = "\n".join(
        f"""<entry><title>{escape(s.title)}</title><link rel="alternate" href="{s.path}?utm_source=atom#lees"/>
<id>urn:bode:{site.number}:{s.slug}</id><updated>{s.published.isoformat()}</updated>
<summary>{escape(s.wire_line)}</summary></entry>""" for s in stories)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="{site.base}/"><title>{escape(site.name)}</title>
<id>urn:bode:{site.number}</id><updated>{site.modified(stories).isoformat()}</updated>
{entries}
</feed>
"""


# --- the network -------------------------------------------------------------------------------
class _ElsewhereHandler(LocalHandler):
    site: Elsewhere

    def do_GET(self) -> None:  # noqa: N802
        with self.site.lock:
            self.site.paths.append(self.path)
        body = b"<h1>Elders</h1>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@dataclass
class Elsewhere:
    """The wire's own site: asked nothing, ever (its request log stays empty)."""

    paths: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    @property
    def base(self) -> str:
        assert self._server is not None
        return f"http://{ELSEWHERE_ADDRESS}:{self._server.server_address[1]}"

    def start(self) -> Elsewhere:
        self._server = serve(self, _ElsewhereHandler, ELSEWHERE_ADDRESS)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


@dataclass
class Network:
    outlets: list[Outlet]
    elsewhere: Elsewhere

    @property
    def sources(self) -> list[str]:
        return [source for outlet in self.outlets for source in outlet.sources]

    def of(self, shape: Shape) -> list[Outlet]:
        return [outlet for outlet in self.outlets if outlet.shape is shape]

    def clear(self) -> None:
        for outlet in self.outlets:
            outlet.clear()

    def request_times(self) -> dict[str, list[float]]:
        return {outlet.base: [hit.at for hit in outlet.got()] for outlet in self.outlets}

    def sightings_shown(self, slug: str) -> int:
        """How many 200 HTML pages of the network displayed the wire story as a teaser (every
        log, the cleared ones too)."""
        return sum(1 for outlet in self.outlets for hit in [*outlet.history, *outlet.got()]
                   if slug in hit.shown)

    def stop(self) -> None:
        for outlet in self.outlets:
            outlet.down()
        self.elsewhere.stop()


def carriers(number: int) -> tuple[Story, ...]:
    """The wire stories outlet `number` carries: the first on every third outlet (0, 3, ...),
    the second on every fourth from 1, the third on every seventh from 3."""
    return tuple(story for story, (every, first) in zip(WIRE, ((3, 0), (4, 1), (7, 3)))
                 if number % every == first)


def make_outlets(count: int = OUTLETS) -> list[Outlet]:
    return [Outlet(n, SHAPES[n % len(SHAPES)], VALIDATORS[(n // len(SHAPES)) % len(VALIDATORS)],
                   carries=carriers(n)) for n in range(count)]


@contextmanager
def news_network2(outlets: list[Outlet] | None = None) -> Iterator[Network]:
    """Serve `outlets` (default: `make_outlets()`) and Elsewhere."""
    elsewhere = Elsewhere().start()
    outlets = make_outlets() if outlets is None else outlets
    for outlet in outlets:
        outlet.elsewhere = elsewhere.base
        outlet.start()
    network = Network(outlets, elsewhere)
    try:
        yield network
    finally:
        network.stop()
