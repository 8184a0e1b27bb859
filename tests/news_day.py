"""A simulated news day on two local sites, for the minute-time and story tests and the bench.

Stories are published at known minutes and edited one to three times (extended, corrected,
retitled, an agency added); every version has its own article URL (as ANP gives an update a
new wire id). Site A (127.0.0.1) shows a regional page with `Net binnen` headlines (the
version's local clock time and title) and teasers of each story's newest version with their
ages, and article pages with a `Meer uit` sidebar. Site B (127.0.0.2) republishes the same
versions `REPUBLISH_DELAY` later under its own URLs (with the wire's ages), on a listing with
titled teasers and no headlines. A teaser whose text an edit left alone is shown with the edit's
age. Both follow a clock the test sets (`DaySite.now`), so fetches happen at simulated
moments. All text is invented.
"""

from __future__ import annotations

import random
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from html import escape
from http.server import ThreadingHTTPServer
from zoneinfo import ZoneInfo

from fixture_site import LocalHandler, age_text

LOCAL = ZoneInfo("Europe/Amsterdam")
REPUBLISH_DELAY = timedelta(minutes=6)
HEADLINES_SHOWN = 8
TEASERS_SHOWN = 10


@dataclass(frozen=True)
class Version:
    story: int  # index of its story in the day
    number: int  # 0 for the first version
    published: datetime  # UTC, on the minute
    section: str
    title: str
    dateline: str
    agencies: str
    paragraphs: tuple[str, ...]
    edit: str  # "first", "extended", "corrected", "retitled", "agency"

    @property
    def slug(self) -> str:
        return f"verhaal-{self.story}-versie-{self.number}-ANP{260000000 + self.story * 10 + self.number}"

    def wire_line(self) -> str:
        agencies = f" ({self.agencies})" if self.agencies else ""
        return f"{self.dateline}{agencies} - {self.paragraphs[0]}"


@dataclass(frozen=True)
class Story:
    versions: tuple[Version, ...]


def edit(version: Version, kind: str, minutes: int) -> Version:
    """The next version of a story, `minutes` after `version`."""
    changed = replace(version, number=version.number + 1,
                      published=version.published + timedelta(minutes=minutes), edit=kind)
    if kind == "extended":
        return replace(changed, paragraphs=(*version.paragraphs, EXTENSIONS[version.story % len(EXTENSIONS)]
                                            + f" Dat meldde de woordvoerder na afloop van overleg {version.number + 1}."))
    if kind == "corrected":
        first = version.paragraphs[0].replace(" twee ", " drie ", 1).replace(" eerder ", " later ", 1)
        if first == version.paragraphs[0]:
            first = version.paragraphs[0].rstrip(".") + ", zo blijkt nu."
        return replace(changed, paragraphs=(first, *version.paragraphs[1:]))
    if kind == "retitled":
        return replace(changed, title=version.title + ": reacties volgen")
    if kind == "agency":
        return replace(changed, agencies=(version.agencies or "ANP") + "/AFP")
    raise ValueError(kind)


EXTENSIONS = (
    "Omwonenden werden in de loop van de ochtend ingelicht.",
    "De gemeente houdt later deze week een inloopavond.",
    "Een vervolgoverleg staat gepland voor volgende maand.",
    "De oppositie wil opheldering in het eerstvolgende debat.",
)

# (section, dateline, agencies, title, paragraphs): invented stories.
SEEDS = (
    ("Binnenland", "DEN HAAG", "ANP", "Kabinet wil snellere vergunningen voor woningbouw",
     ("Het kabinet wil dat vergunningen voor woningbouw binnen twee maanden worden afgehandeld. "
      "Gemeenten krijgen daarvoor eerder extra geld van het Rijk.",
      "Volgens de minister blijven nu te veel bouwplannen maanden liggen.")),
    ("Binnenland", "DEN HAAG", "ANP", "Asielopvang in kleine gemeenten krijgt steun",
     ("Kleine gemeenten die asielzoekers opvangen, krijgen twee jaar lang een vaste vergoeding. "
      "Burgemeesters vroegen daar al langer om.",
      "Het gaat om ruim honderd gemeenten met minder dan twintigduizend inwoners.")),
    ("Walcheren", "MIDDELBURG", "", "Stadhuis Middelburg langer dicht voor verbouwing",
     ("Het stadhuis van Middelburg blijft twee maanden langer dicht dan gepland. "
      "Bij de verbouwing werden eerder onverwacht oude funderingen gevonden.",
      "Bezoekers kunnen tot die tijd terecht in het tijdelijke loket aan de Markt.")),
    ("Buitenland", "IZJOEM/LONDEN", "ANP/RTR", "Onderhandelingen over haventarieven hervat",
     ("De onderhandelingen over nieuwe haventarieven zijn na twee weken stilstand hervat. "
      "Vakbonden en werkgevers kwamen eerder deze ochtend weer bijeen.",
      "Een akkoord voor het weekend wordt niet uitgesloten.")),
    ("Sport", "MALMÖ", "ANP/DPA", "Zeilploeg pakt zilver bij wereldbeker",
     ("De Nederlandse zeilploeg heeft bij de wereldbeker in Malmö zilver gewonnen. "
      "In de laatste race liep de boot twee plaatsen in op de Deense concurrent.",
      "Volgende maand volgt de finale van het seizoen.")),
    ("Financieel", "BRUSSEL", "ANP/BELGA", "Europese banken moeten meer buffers aanhouden",
     ("Europese banken moeten vanaf volgend jaar twee procent meer kapitaal aanhouden. "
      "Toezichthouders willen zo eerder ingrijpen bij tegenvallers.",
      "De sector noemt de eis zwaar maar haalbaar.")),
    ("Beveland", "GOES", "", "Nieuwe fietsbrug over kanaal bij Goes geopend",
     ("Bij Goes is een nieuwe fietsbrug over het kanaal geopend. "
      "Fietsers hoeven daardoor niet langer twee kilometer om te rijden.",
      "De brug kostte ruim vier miljoen euro.")),
)
FOLLOW_UP = ("Binnenland", "DEN HAAG", "ANP", "Kamer kritisch over plan voor vergunningen",
             ("De Tweede Kamer is kritisch over het plan van het kabinet voor woningbouw. Eerder "
              "meldde het kabinet: \"Het kabinet wil dat vergunningen voor woningbouw binnen twee "
              "maanden worden afgehandeld.\"",
              "Meerdere partijen vrezen dat gemeenten het tempo niet halen."))
EDITS = (("extended", "retitled"), ("corrected",), ("agency", "extended", "corrected"),
         ("retitled",), ("extended", "agency"), ("corrected", "extended"), ("extended",),
         ("agency",))


def news_day(first: datetime, spacing: timedelta = timedelta(minutes=83), seed: int = 12) -> list[Story]:
    """The stories of a day from `first` (UTC): one every `spacing` or so, edits 35-95 minutes
    apart; the follow-up quoting the first story comes last."""
    rng = random.Random(seed)
    stories = []
    for index, (section, dateline, agencies, title, paragraphs) in enumerate((*SEEDS, FOLLOW_UP)):
        published = (first + index * spacing + timedelta(minutes=rng.randrange(0, 20))).replace(second=0)
        version = Version(index, 0, published, section, title, dateline, agencies, paragraphs, "first")
        versions = [version]
        for kind in EDITS[index % len(EDITS)]:
            versions.append(edit(versions[-1], kind, rng.randrange(35, 95)))
        stories.append(Story(tuple(versions)))
    return stories


@dataclass
class DaySite:
    """One of the two sites: what it shows at `now`."""

    stories: list[Story]
    host: str
    delay: timedelta = timedelta(0)
    headlines: bool = True
    now: datetime = datetime(2026, 1, 1, tzinfo=timezone.utc)
    server: ThreadingHTTPServer | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base(self) -> str:
        assert self.server is not None
        return f"http://{self.host}:{self.server.server_address[1]}"

    def shown(self, version: Version) -> datetime:
        return version.published + self.delay

    def versions(self) -> list[Version]:
        """Every version out by now, newest first."""
        out = [v for s in self.stories for v in s.versions if self.shown(v) <= self.now]
        return sorted(out, key=lambda v: (v.published, v.story), reverse=True)

    def newest(self) -> list[Version]:
        """Each story's newest version out by now, newest first."""
        seen: set[int] = set()
        found = []
        for version in self.versions():
            if version.story not in seen:
                seen.add(version.story)
                found.append(version)
        return found

    def url_of(self, version: Version) -> str:
        prefix = "/nieuws/" if self.headlines else "/artikel/"
        return f"{self.base}{prefix}{version.slug}"

    def path_version(self, path: str) -> Version | None:
        for version in self.versions():
            if self.url_of(version).endswith(path):
                return version
        return None

    # pages ---------------------------------------------------------------------------------

    def listing(self) -> str:
        parts = ["<html><head><title>Regio</title></head><body>",
                 "<nav><a href='/'>Home</a></nav><main><h1>Walcheren</h1>"]
        if self.headlines:
            parts.append("<section><h2>Net binnen</h2><ul>")
            for v in self.versions()[:HEADLINES_SHOWN]:
                clock = self.shown(v).astimezone(LOCAL)
                parts.append(f"<li><a href='{self.url_of(v)}'>- {escape(v.section)} "
                             f"{clock.hour}:{clock.minute:02d} {escape(v.title)}</a></li>")
            parts.append("</ul></section>")
        for v in self.newest()[:TEASERS_SHOWN]:
            title = "" if self.headlines else f"<h3>ANP {escape(v.title)}</h3>"
            parts.append(f"<article><a href='{self.url_of(v)}'>{title}<p>{escape(v.wire_line())}</p></a>"
                         f"<p>{age_text(v.published, self.now)}</p></article>")
        parts.append("</main></body></html>")
        return "".join(parts)

    def article(self, version: Version) -> str:
        parts = [f"<html><head><title>Artikel | {self.host}</title></head><body><main>",
                 f"<h1>{escape(version.title)}</h1>", f"<p>{escape(version.wire_line())}</p>",
                 *(f"<p>{escape(p)}</p>" for p in version.paragraphs[1:]),
                 f"<h2>Meer uit {escape(version.section)}</h2>"]
        for v in [v for v in self.newest() if v.story != version.story][:6]:
            parts.append(f"<div><p>{escape(v.wire_line())}</p><p>{age_text(v.published, self.now)}</p></div>")
        parts.append("</main></body></html>")
        return "".join(parts)


class _DayHandler(LocalHandler):
    site: DaySite

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        with self.site.lock:
            if self.path == "/regio":
                body = self.site.listing()
            else:
                version = self.site.path_version(self.path)
                body = self.site.article(version) if version else ""
        status = 200 if body else 404
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def start(site: DaySite) -> DaySite:
    bound = type("Handler", (_DayHandler,), {"site": site})
    site.server = ThreadingHTTPServer((site.host, 0), bound)
    site.server.daemon_threads = True
    threading.Thread(target=site.server.serve_forever, args=(0.05,), daemon=True).start()
    return site


@dataclass(frozen=True)
class Fetched:
    url: str
    fetched_at: datetime
    body: bytes


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:  # loopback only
        return response.read()


def fetch_day(sites: list[DaySite], start_at: datetime, end_at: datetime, seed: int = 7,
              gaps: tuple[int, int] = (9, 23)) -> Iterator[Fetched]:
    """Fetch both sites at irregular moments: each listing, then every article it links that
    was not fetched yet (as a crawler would)."""
    rng = random.Random(seed)
    moment = start_at
    done: set[str] = set()
    while moment <= end_at:
        for site in sites:
            yield fetch_at(site, f"{site.base}/regio", moment)
            for version in site.versions():
                url = site.url_of(version)
                if url not in done:
                    done.add(url)
                    yield fetch_at(site, url, moment + timedelta(seconds=20))
        moment += timedelta(minutes=rng.randrange(*gaps), seconds=rng.randrange(0, 60))


def fetch_at(site: DaySite, url: str, moment: datetime) -> Fetched:
    with site.lock:
        site.now = moment
    return Fetched(url, moment, get(url))
