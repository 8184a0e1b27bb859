"""A small generated archive for the report and Datasette tests: three days of section
listings (items with ages in minutes and hours, several agencies, datelines with two places),
articles with and without a date of their own, and a crawl's frontier and responses.

Everything is drawn from a seeded random generator: the same archive every run. The wire
sentences are invented.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from sqlalchemy import text

from newsarchive.items import Item, Lead, PageDate, ParsedPage, PublicationWindow
from newsarchive.store.archive import Archive

START = datetime(2026, 3, 14, 0, 0, tzinfo=timezone.utc)
DAYS = 3
FETCH_EVERY = timedelta(hours=2)
SECTIONS = ("Buitenland", "Binnenland", "Sport", "Walcheren")
DATELINES = ("DEN HAAG", "TEHERAN", "BRUSSEL", "IZJOEM/LONDEN", "LONDEN", "MIDDELBURG",
             "VLISSINGEN", "ÎLE LONGUE", "'S-HERTOGENBOSCH", "WASHINGTON")
AGENCY_LISTS = (("ANP",), ("ANP",), ("ANP", "RTR"), ("ANP", "AFP"), ("ANP", "AFP", "RTR"),
                ("ANP", "dpa"))
WORDS = ("de", "raad", "stemt", "over", "een", "plan", "voor", "nieuwe", "dijk", "bij", "haven",
         "minister", "zegt", "dat", "het", "kabinet", "later", "besluit", "na", "overleg")
SOURCES = ("http://127.0.0.2/nieuws/buitenland", "http://127.0.0.2/nieuws/sport",
           "http://127.0.0.3/regio/walcheren", "http://127.0.0.3/feed.xml")


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 14))).capitalize() + "."


def _age(published: datetime, fetched: datetime) -> tuple[str, PublicationWindow]:
    minutes = int((fetched - published).total_seconds() // 60)
    if minutes < 60:
        latest = fetched - timedelta(minutes=minutes)
        return f"{minutes} minuten geleden", PublicationWindow(latest - timedelta(minutes=1),
                                                               latest)
    hours = minutes // 60
    latest = fetched - timedelta(hours=hours)
    return f"{hours} uur geleden", PublicationWindow(latest - timedelta(hours=1), latest)


def generated_pages(seed: int = 13) -> list[ParsedPage]:
    rng = random.Random(seed)
    stories = []  # (published, section, dateline, agencies, body)
    moment = START
    while moment < START + timedelta(days=DAYS):
        moment += timedelta(minutes=rng.randint(10, 50))
        section = rng.choice(SECTIONS)
        agencies = () if section == "Walcheren" else rng.choice(AGENCY_LISTS)
        stories.append((moment, section, rng.choice(DATELINES), agencies, _sentence(rng)))
    pages = []
    fetched = START + FETCH_EVERY
    while fetched <= START + timedelta(days=DAYS, hours=2):
        for section in SECTIONS:
            shown = [s for s in stories if s[1] == section and s[0] <= fetched][-6:]
            items = []
            for published, _, dateline, agencies, body in reversed(shown):
                age, window = _age(published, fetched)
                items.append(Item(None, dateline, tuple(dateline.split("/")), agencies, body,
                                  age, window))
            if items:
                pages.append(ParsedPage("listing", f"http://127.0.0.2/nieuws/{section.lower()}",
                                        fetched, title=section, section=section, items=items))
            if items and section == "Binnenland" and fetched.hour % 6 == 0:
                # A second outlet reprints the three newest: stories with two outlets.
                pages.append(ParsedPage("listing", "http://127.0.0.3/regio/binnenland",
                                        fetched, title=section, section=section,
                                        items=items[:3]))
        fetched += FETCH_EVERY
    for index in range(6):  # articles: half with a date of their own, half without
        published, _, dateline, agencies, _ = stories[-3 - index * 7]
        lead = Lead(f"Kop {index}", dateline, tuple(dateline.split("/")), agencies or ("ANP",),
                    (f"Een eigen artikel nummer {index} over {_sentence(rng).lower()}",))
        page_date = PageDate(published, "json-ld") if index % 2 == 0 else None
        pages.append(ParsedPage("article", f"http://127.0.0.2/artikel/{index}",
                                published + timedelta(minutes=30), title=f"Kop {index}",
                                section="Buitenland", lead=lead, page_date=page_date))
    return pages


def build_report_archive(archive: Archive) -> None:
    for _ in archive.ingest_many((page, repr(page).encode()) for page in generated_pages()):
        pass
    add_crawl_state(archive)


def add_crawl_state(archive: Archive) -> None:
    """Frontier rows, stored responses and runs as crawls leave them (the documented schema):
    one source silent for two days, one failing, one given up, articles in every state; runs
    that went well, with failures, interrupted, killed."""
    end = START + timedelta(days=DAYS)

    def at(hours: float) -> datetime:
        return end - timedelta(hours=hours)

    rows = [  # url, kind, state, discovered_from, last fetch, last status
        (SOURCES[0], "listing", "done", None, at(1), 200),
        (SOURCES[1], "listing", "done", None, at(3), 304),
        (SOURCES[2], "listing", "failed", None, at(2), 503),
        (SOURCES[3], "feed", "given_up", None, at(60), 404),
        ("http://127.0.0.2/artikel/1", "article", "done", SOURCES[0], at(5), 200),
        ("http://127.0.0.2/artikel/2", "article", "done", SOURCES[0], at(6), 200),
        ("http://127.0.0.2/artikel/3", "article", "pending", SOURCES[0], None, None),
        ("http://127.0.0.3/artikel/9", "article", "failed", SOURCES[2], at(2), 500),
        ("http://127.0.0.3/artikel/8", "article", "given_up", SOURCES[2], at(30), 404),
    ]
    responses = [  # url, status, fetched
        (SOURCES[0], 200, at(1)), (SOURCES[0], 200, at(25)), (SOURCES[1], 200, at(26)),
        (SOURCES[2], 200, at(50)), (SOURCES[3], 200, at(70)),
        ("http://127.0.0.2/artikel/1", 200, at(5)), ("http://127.0.0.2/artikel/2", 200, at(6)),
    ]
    runs = [  # command, started, ended, exit status, {host: (fetched, not modified, failed, given up)}
        ("crawl", at(80), at(79.9), 0, {"127.0.0.2": (9, 0, 0, 0)}),  # before the tests' period
        ("crawl", at(30), at(29.9), 0, {"127.0.0.2": (5, 1, 0, 0), "127.0.0.3": (2, 0, 1, 0)}),
        ("crawl", at(6), at(5.9), 1, {"127.0.0.2": (3, 2, 0, 0), "127.0.0.3": (0, 0, 1, 1)}),
        ("fetch", at(2), at(1.95), 130, {"127.0.0.3": (1, 0, 0, 0)}),
        ("crawl", at(1), None, None, {}),  # killed
    ]
    with archive.engine.begin() as connection:
        for number, (command, started, ended, status, hosts) in enumerate(runs, 1):
            connection.execute(text(
                "INSERT INTO crawl_runs (id, command, owner, started_at, ended_at, exit_status, "
                "sources) VALUES (:id, :command, 'box:1:ab', :started, :ended, :status, 4)"),
                {"id": number, "command": command, "started": _stored(archive, started),
                 "ended": _stored(archive, ended), "status": status})
            for host, counts in hosts.items():
                connection.execute(text(
                    "INSERT INTO crawl_run_hosts VALUES (:run, :host, :a, :b, :c, :d)"),
                    {"run": number, "host": host, **dict(zip("abcd", counts))})
        for url, kind, state, found_on, last, status in rows:
            connection.execute(text(
                "INSERT INTO crawl_frontier (url, kind, state, discovered_from, first_seen_at, "
                "last_fetched_at, failure_count, last_status) "
                "VALUES (:url, :kind, :state, :found_on, :first, :last, 0, :status)"),
                {"url": url, "kind": kind, "state": state, "found_on": found_on,
                 "first": _stored(archive, START), "last": _stored(archive, last),
                 "status": status})
        for url, status, fetched in responses:
            connection.execute(text(
                "INSERT INTO crawl_responses (url, final_url, status, headers, fetched_at) "
                "VALUES (:url, :url, :status, '{}', :fetched)"),
                {"url": url, "status": status, "fetched": _stored(archive, fetched)})


def _stored(archive: Archive, moment: datetime | None) -> object:
    """A time as the archive stores it (text on SQLite)."""
    if moment is None or archive.dialect != "sqlite":
        return moment
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
