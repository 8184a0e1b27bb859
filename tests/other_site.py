"""A second news site on 127.0.0.1, shaped like the regional portal of LAYOUTS.md and unlike
`fixture_site.py`, to check that the crawl holds on a site it was not written against.

What is different here: article paths `/nieuws/<slug>-ANP<9 digits>` and a non-ASCII slug; section
listings `/nieuws/<section>?page=N` whose heading is not the path (`/nieuws/soccer` is headed
`Voetbal`) paginated by numbered `?page=N` links only or by a bare "Volgende" link; a regional page
`/nieuws/regio/<town>` (301 to its canonical URL with a trailing slash) with `Net binnen`;
relative, protocol-relative and absolute links, `utm_*` parameters and fragments; navigation and
footer full of same-site links with headline-like text; an Atom feed and an RSS feed served as
`text/html`, both with relative links; gzip when asked; ETag (weak) on articles and Last-Modified
on listings, both answered with 304; a windows-1252 article sent as `text/html` without charset;
robots.txt that shuts out `*` but has a group for `newsarchive` with a Crawl-delay and a Sitemap
line; an article behind a consent wall (a redirect that sets a cookie and sends back); HEAD
answered 405; a 410 Gone; a 503 with Retry-After as an HTTP date (once, then 200) and one with a
Retry-After a day ahead; on demand, paths that are down (503) and a rate limit (429) for the whole
host. All text is invented.
"""

from __future__ import annotations

import email.utils
import gzip
import hashlib
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.server import ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, unquote, urlsplit
from xml.sax.saxutils import escape

from fixture_site import LocalHandler, age_text, serve


@dataclass(frozen=True)
class Story:
    slug: str
    section: str  # the path segment of its section listing
    dateline: str
    agencies: str  # "" for regional copy
    title: str
    body: str
    minutes_old: int  # age at the site's start

    @property
    def path(self) -> str:
        return f"/nieuws/{self.slug}"

    @property
    def wire_line(self) -> str:
        agencies = f" ({self.agencies})" if self.agencies else ""
        return f"{self.dateline}{agencies} - {self.body}"


SECTIONS = {"soccer": "Voetbal", "geld": "Financieel", "regio/goes": "Goes"}
STORIES = [
    Story("oranje-wint-oefenduel-ANP412345601", "soccer", "ZEIST", "ANP",
          "Oranje wint oefenduel", "Het Nederlands elftal won het oefenduel met twee doelpunten "
          "verschil.", 12),
    Story("trainer-blijft-aan-ANP412345602", "soccer", "ROTTERDAM", "ANP",
          "Trainer blijft", "De trainer van de club blijft nog twee seizoenen aan.", 95),
    Story("café-in-malmö", "soccer", "MALMÖ", "ANP/AFP",
          "Supporters in café", "Honderden supporters keken de wedstrijd in een café aan de "
          "haven.", 200),
    Story("keeper-geblesseerd-ANP412345604", "soccer", "EINDHOVEN", "ANP",
          "Keeper geblesseerd", "De keeper mist door een blessure aan zijn pols de komende "
          "wedstrijden.", 400),
    Story("stadion-gesloten-ANP412345605", "soccer", "ARNHEM", "ANP",
          "Stadion dicht", "Het stadion blijft gesloten tot de keuring van het dak is afgerond.",
          700),
    Story("rente-omlaag-ANP412345606", "geld", "FRANKFURT", "ANP/RTR",
          "Rente omlaag", "De centrale bank verlaagt de rente met een kwart procentpunt.", 30),
    Story("beurs-vlak-ANP412345607", "geld", "AMSTERDAM", "ANP",
          "Beurs vlak", "De beurs sloot vrijwel onveranderd na een rustige handelsdag.", 150),
    Story("haven-groeit-ANP412345608", "geld", "VLISSINGEN", "ANP",
          "Haven groeit", "De overslag in de haven groeide vorig jaar met vier procent.", 1500),
    Story("pensioenfonds-ANP412345609", "geld", "DEN HAAG", "ANP",
          "Pensioenfonds belegt anders", "Het pensioenfonds belegt voortaan minder in olie.",
          3000),
    Story("veerdienst-hervat-ANP412345610", "regio/goes", "GOES", "",
          "Veerdienst hervat", "De veerdienst vaart weer na een storing aan de klep.", 45),
    Story("markt-verplaatst-ANP412345611", "regio/goes", "KAPELLE", "",
          "Markt verplaatst", "De weekmarkt staat voortaan op het plein bij het station.", 300),
    Story("sluis-dicht-ANP412345612", "regio/goes", "WEMELDINGE", "",
          "Sluis dicht", "De sluis is een week dicht voor onderhoud aan de deuren.", 2000),
    # windows-1252 bytes, served as text/html without a charset
    Story("zeeuwse-koffie-ANP412345613", "regio/goes", "YERSEKE", "",
          "Koffie op de kade", "Het café aan de kade schenkt “echte” koffie voor een euro.",
          2500),
    # faults
    Story("wedstrijd-afgelast-ANP412345614", "soccer", "ALKMAAR", "ANP",
          "Wedstrijd afgelast", "De wedstrijd is afgelast omdat het veld onder water staat.",
          800),  # 410 Gone
    Story("drukte-bij-loket-ANP412345615", "geld", "UTRECHT", "ANP",
          "Drukte bij loket", "Bij het loket stonden de hele ochtend lange rijen.", 900),
    # 503 with a Retry-After date a second ahead, then 200
    Story("storing-verholpen-ANP412345616", "geld", "ZWOLLE", "ANP",
          "Storing verholpen", "De storing in het betalingsverkeer is verholpen.", 1000),
    # 503 with a Retry-After date a day ahead
    Story("bank-overbelast-ANP412345617", "geld", "ASSEN", "ANP",
          "Bank overbelast", "De website van de bank kon de drukte niet aan.", 1100),
]
GONE = "wedstrijd-afgelast-ANP412345614"
BUSY_ONCE = "storing-verholpen-ANP412345616"
BUSY_LONG = "bank-overbelast-ANP412345617"
CP1252 = "zeeuwse-koffie-ANP412345613"
WALLED = "haven-groeit-ANP412345608"  # a consent wall first: a redirect that sets a cookie
CONSENT = "/privacy/toestemming"
# served with a 301 to the same path with a trailing slash (the canonical URL)
SLASHED = {"beurs-vlak-ANP412345607", "regio/goes"}
ATOM = "/feeds/voetbal.atom"
RSS = "/rss/geld"
NAV_PATHS = ["/nieuws/soccer", "/nieuws/geld", "/nieuws/regio/goes", "/nieuws/regio/middelburg",
             "/nieuws/weer-en-verkeer-in-de-regio", "/service/abonnement-afsluiten-of-opzeggen",
             "/nieuws/meest-gelezen-berichten-van-vandaag", "/contact/tip-de-redactie-van-de-krant"]


@dataclass
class Hit:
    method: str
    path: str  # as sent (percent-encoded), with query
    at: float  # when its first bytes reached the host (fixture_site.ArrivalReader)
    headers: dict[str, str]


@dataclass
class OtherSite:
    start_time: datetime = datetime(2026, 5, 4, 14, 0, tzinfo=timezone.utc)
    per_page: int = 2
    crawl_delay: float = 0.3
    requests_allowed: int | None = None  # past this many GETs: 429, Retry-After a day ahead
    down: set[str] = field(default_factory=set)  # paths answering 503, Retry-After a day ahead
    now: datetime = field(init=False)
    hits: list[Hit] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    def __post_init__(self) -> None:
        self.now = self.start_time

    # --- content ---------------------------------------------------------------------------
    def published(self, story: Story) -> datetime:
        return self.start_time - timedelta(minutes=story.minutes_old)

    def stories(self, section: str | None = None) -> list[Story]:
        chosen = [s for s in STORIES if section is None or s.section == section]
        return sorted(chosen, key=self.published, reverse=True)

    def age(self, story: Story) -> str:
        return age_text(self.published(story), self.now)

    def pages(self, section: str) -> int:
        return -(-len(self.stories(section)) // self.per_page)

    def advance(self, minutes: float) -> None:
        self.now += timedelta(minutes=minutes)

    # --- serving ---------------------------------------------------------------------------
    @property
    def base(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def netloc(self) -> str:
        return self.base.removeprefix("http://")

    def url(self, path: str) -> str:
        return self.base + path

    def __enter__(self) -> OtherSite:
        self._server = serve(self, _Handler)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()

    def gets(self, path: str | None = None) -> list[Hit]:
        """GET requests (of one path, unquoted, query included, when given)."""
        with self._lock:
            return [hit for hit in self.hits if hit.method == "GET"
                    and (path is None or unquote(hit.path) == path)]

    def paths_got(self) -> list[str]:
        return [unquote(hit.path) for hit in self.gets()]

    def _record(self, method: str, path: str, headers: dict[str, str], at: float) -> int:
        with self._lock:
            before = sum(1 for hit in self.hits if hit.path == path)
            self.hits.append(Hit(method, path, at, headers))
            return before


def _http_date(moment: datetime) -> str:
    return email.utils.format_datetime(moment.astimezone(timezone.utc), usegmt=True)


class _Handler(LocalHandler):
    site: OtherSite

    def do_HEAD(self) -> None:  # noqa: N802
        self.site._record("HEAD", self.path, dict(self.headers.items()), self.arrived)
        self.send_body(b"", "text/plain", status=405, extra={"Allow": "GET"})

    def do_GET(self) -> None:  # noqa: N802
        headers = {name.lower(): value for name, value in self.headers.items()}
        before = self.site._record("GET", self.path, headers, self.arrived)
        parts = urlsplit(self.path)
        path, query = unquote(parts.path), dict(parse_qsl(parts.query))
        page = int(query["page"]) if query.get("page", "").isdigit() else 1
        slug = path.removeprefix("/nieuws/")
        canonical = slug.removesuffix("/")
        story = next((s for s in STORIES if s.slug == canonical), None)
        # a day and at most a second more (an HTTP date has whole seconds): read as the cap, a day
        a_day_on = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=1, seconds=1)
        tomorrow = {"Retry-After": _http_date(a_day_on)}
        allowed = self.site.requests_allowed
        if allowed is not None and len(self.site.gets()) > allowed:
            self.send_body(b"", "text/plain", status=429, extra=tomorrow)
        elif path in self.site.down:
            self.send_body(b"<h1>Onderhoud</h1>", "text/html", status=503, extra=tomorrow)
        elif path == "/robots.txt":
            self.send_body(self.robots().encode(), "text/plain")
        elif path == CONSENT:  # sets the cookie and sends the reader back
            self.send_body(b"", "text/plain", status=302, extra={
                "Location": query.get("terug", "/"), "Set-Cookie": "toestemming=ja; Path=/"})
        elif (story is not None and story.slug == WALLED
              and "toestemming=ja" not in self.headers.get("Cookie", "")):
            self.send_body(b"", "text/plain", status=302,
                           extra={"Location": f"{CONSENT}?terug={quote(self.path)}"})
        elif path == ATOM:
            self.send_body(render_atom(self.site).encode(), "application/atom+xml")
        elif path == RSS:
            # mislabelled, as some servers do
            self.send_body(render_rss(self.site).encode(), "text/html; charset=utf-8")
        elif canonical in SLASHED and not slug.endswith("/"):
            self.send_body(b"", "text/plain", status=301,
                           extra={"Location": f"{self.site.base}{path}/"})
        elif canonical in SECTIONS and (canonical not in SLASHED or slug.endswith("/")):
            self.send_listing(canonical, page)
        elif story is None or (story.slug in SLASHED) != slug.endswith("/"):
            self.send_body(b"<h1>Niet gevonden</h1>", "text/html", status=404)
        elif story.slug == GONE:
            self.send_body(b"<h1>Verwijderd</h1>", "text/html", status=410)
        elif story.slug == BUSY_ONCE and before == 0:
            ahead = datetime.now(timezone.utc) + timedelta(seconds=1)
            self.send_body(b"", "text/plain", status=503, extra={"Retry-After": _http_date(ahead)})
        elif story.slug == BUSY_LONG:
            self.send_body(b"", "text/plain", status=503, extra=tomorrow)
        elif story.slug == CP1252:
            self.send_body(render_article(self.site, story).encode("cp1252"), "text/html")
        else:
            self.send_article(story)

    def robots(self) -> str:
        return ("# robots voor de portal\n"
                "User-agent: *\nDisallow: /\n\n"
                "User-agent: newsarchive\nUser-agent: anderebot\n"
                "Disallow: /zoeken\nDisallow: /nieuws/regio/middelburg\n"
                f"Crawl-delay: {self.site.crawl_delay}\n\n"
                f"Sitemap: {self.site.base}/sitemap.xml\n")

    def send_listing(self, section: str, page: int) -> None:
        """Listings carry Last-Modified (the site's clock) and answer If-Modified-Since."""
        modified = _http_date(self.site.now.replace(second=0))
        if self.headers.get("If-Modified-Since") == modified:
            self.send_body(b"", "text/html", status=304, extra={"Last-Modified": modified})
            return
        html = render_listing(self.site, section, page)
        self.send_body(html.encode(), "text/html; charset=UTF-8", extra={"Last-Modified": modified})

    def send_article(self, story: Story) -> None:
        body = render_article(self.site, story).encode()
        etag = 'W/"' + hashlib.sha1(body).hexdigest()[:12] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_body(b"", "text/html", status=304, extra={"ETag": etag})
            return
        self.send_body(body, "text/html; charset=utf-8", extra={"ETag": etag})

    def send_body(self, body: bytes, content_type: str, *, status: int = 200,
                  extra: dict[str, str] | None = None) -> None:
        headers = dict(extra or {})
        if body and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
            headers["Vary"] = "Accept-Encoding"
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


# --- HTML ------------------------------------------------------------------------------------
def render_page(site: OtherSite, title: str, main: str) -> str:
    nav = "".join(f'<li><a href="{path}">{escape(path.rsplit("/", 1)[1].replace("-", " "))}'
                  f"</a></li>" for path in NAV_PATHS)
    footer = "".join(f'<li><a href="{site.base}{path}?utm_source=footer">Lees alles over '
                     f"{escape(path.rsplit('/', 1)[1].replace('-', ' '))}</a></li>"
                     for path in NAV_PATHS)
    return f"""<!DOCTYPE html>
<html lang="nl"><head><title>{escape(title)} - De Zeeuwse Wachter</title>
<link rel="alternate" type="application/atom+xml" href="{ATOM}"></head>
<body>
<div class="webmail"><a href="/webmail">Webmail</a> Kies je webmail</div>
<header class="kop"><a href="/"><img src="/logo.svg" alt="De Zeeuwse Wachter"></a>
<nav class="hoofdnavigatie"><ul>{nav}</ul></nav></header>
<main>
{main}
</main>
<footer><ul>{footer}</ul>
<p><a href="/over-ons/wie-wij-zijn-en-wat-wij-doen">Wie wij zijn en wat wij doen</a></p></footer>
</body></html>
"""


def _link(site: OtherSite, story: Story, index: int) -> str:
    """The same story linked in turn relatively, protocol-relatively, absolutely, tracked."""
    forms = [
        story.path,
        f"//{site.netloc}{story.path}",
        f"{site.base}{story.path}?utm_source=homepage&utm_medium=teaser",
        f"{story.path}#reacties",
    ]
    link = forms[index % len(forms)]
    return link if story.slug not in SLASHED else link.replace(story.path, story.path + "/")


def render_article(site: OtherSite, story: Story) -> str:
    heading = SECTIONS[story.section]
    others = [s for s in site.stories(story.section) if s.slug != story.slug][:4]
    sidebar = "\n".join(
        f'<div class="item"><a href="{_link(site, other, i)}">{escape(other.wire_line)}</a>'
        f"<div>{site.age(other)}</div></div>" for i, other in enumerate(others)
    )
    main = f"""<h1>{escape(story.title)}</h1>
<p>{escape(story.wire_line)}</p>
<p>Meer informatie volgt later vandaag.</p>
<section class="meer"><h2><a href="/nieuws/{story.section}">Meer uit {heading}</a></h2>
{sidebar}
</section>"""
    return render_page(site, story.title, main)


def render_listing(site: OtherSite, section: str, page: int) -> str:
    heading = SECTIONS[section]
    chosen = site.stories(section)[(page - 1) * site.per_page: page * site.per_page]
    if section.startswith("regio/"):
        return render_regional(site, heading, chosen)
    teasers = "\n".join(
        f"""<div class="teaser">
<h3><a href="{_link(site, s, i + page)}">ANP {escape(s.title)}</a></h3>
<p>{escape(s.wire_line)}</p><p>{site.age(s)}</p></div>"""
        for i, s in enumerate(chosen)
    )
    pages = site.pages(section)
    if section == "soccer":  # numbered links only
        more = "".join(f' <a href="?page={n}">{n}</a>' for n in range(1, pages + 1) if n != page)
    else:  # a bare "Volgende" link, absolute path
        more = f'<a href="/nieuws/{section}?page={page + 1}">Volgende</a>' if page < pages else ""
    when = site.now.strftime("%d-%m-%Y")
    main = (f"<p>{when}</p><p>Editie: NL &amp; Wereld | Zeeland</p><h1>{heading}</h1>\n"
            f'{teasers}\n<div class="paginering">{more}</div>')
    return render_page(site, heading, main)


def render_regional(site: OtherSite, heading: str, chosen: list[Story]) -> str:
    latest = site.stories()[:8]
    net_binnen = "\n".join(
        f'<li>- {SECTIONS[s.section].split("/")[-1]} '
        f'{site.published(s).hour}:{site.published(s).minute:02d} '
        f'<a href="{_link(site, s, i)}">{escape(s.title)}</a></li>' for i, s in enumerate(latest)
    )
    teasers = "\n".join(
        f'<div><a href="{_link(site, s, i)}">{escape(s.wire_line)}</a> <span>{site.age(s)}</span>'
        f"</div>" for i, s in enumerate(site.stories("regio/goes"))
    )
    main = f"<h1>{heading}</h1><h2>Net binnen</h2><ul>\n{net_binnen}\n</ul>\n{teasers}"
    return render_page(site, heading, main)


def render_atom(site: OtherSite) -> str:
    entries = "\n".join(
        f"""<entry><title>{escape(s.title)}</title><link href="{s.path}?utm_source=atom"/>
<id>urn:zw:{s.slug.encode().hex()}</id><updated>{site.published(s).isoformat()}</updated>
<summary>{escape(s.wire_line)}</summary></entry>"""
        for s in site.stories("soccer")
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Voetbal</title><id>urn:zw:voetbal</id>
<updated>{site.now.isoformat()}</updated><link href="/nieuws/soccer"/>
{entries}
</feed>
"""


def render_rss(site: OtherSite) -> str:
    items = "\n".join(
        f"<item><title>{escape(s.title)}</title><link>{s.path}</link>"  # 301 when SLASHED
        f"<description>{escape(s.wire_line)}</description></item>"
        for s in site.stories("geld")
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Financieel</title><link>/nieuws/geld</link>
<description>Geldnieuws</description>
{items}
</channel></rss>
"""
