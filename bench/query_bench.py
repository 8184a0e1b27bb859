"""Query latency on an archive of 1,000,000 items (issue 5).

Builds (once; cached in bench/out/) a SQLite archive of generated wire items: datelines with a
Zipf-like distribution, agency lists, Dutch-like bodies, section listings fetched over about two
years so that every item is seen several times. Then prints p50 and p95 latency of each filter
and of full-text search, first page (20 items) newest first, through the library API and
through the CLI (a `newsarchive query` process, start-up included).

    python bench/query_bench.py [--items 1000000] [--runs 40] [--cli-runs 8] [--rebuild]
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from newsarchive.query import ItemFilter, search_items
from newsarchive.store.archive import open_archive
from newsarchive.store.keys import fold
from newsarchive.store.models import Agency, Item, ItemAgency, ItemPlace, Page, Place, Sighting

OUT = Path(__file__).parent / "out"
START = datetime(2024, 1, 1, tzinfo=timezone.utc)
ITEMS_PER_PAGE = 7
SIGHTINGS_PER_ITEM = 3.5
CHUNK = 20_000

REAL_PLACES = (
    "DEN HAAG", "AMSTERDAM", "ROTTERDAM", "UTRECHT", "WASHINGTON", "BRUSSEL", "TEHERAN",
    "LONDEN", "PARIJS", "BERLIJN", "MOSKOU", "KYIV", "JERUZALEM", "GAZA", "PEKING", "TOKIO",
    "NEW YORK", "WEST PALM BEACH", "MEXICO-STAD", "ÎLE LONGUE", "BOGOTÁ", "MALMÖ", "IZJOEM",
    "'S HEER ARENDSKERKE", "MIDDELBURG", "VLISSINGEN", "GOES", "TERNEUZEN", "DOMBURG",
    "OOSTKAPELLE", "BORSELE", "ZIERIKZEE", "EINDHOVEN", "GRONINGEN", "MAASTRICHT", "ARNHEM",
    "NIJMEGEN", "ZWOLLE", "LEEUWARDEN", "ENSCHEDE", "TILBURG", "BREDA", "HAARLEM", "LEIDEN",
    "DELFT", "GENÈVE", "ZÜRICH", "MÜNCHEN", "SÃO PAULO", "BANDAR ABBAS", "KOPENHAGEN",
    "STOCKHOLM", "OSLO", "HELSINKI", "WARSCHAU", "PRAAG", "WENEN", "ROME", "MADRID", "LISSABON",
    "ATHENE", "ANKARA", "ISTANBUL", "CAIRO", "BEIROET", "DAMASCUS", "BAGDAD", "RIYAD", "DUBAI",
    "DOHA", "NEW DELHI", "ISLAMABAD", "KABUL", "SEOUL", "TAIPEI", "MANILLA", "JAKARTA",
    "SYDNEY", "CANBERRA", "OTTAWA", "TORONTO", "LOS ANGELES", "CHICAGO", "MIAMI", "HAVANA",
    "CARACAS", "LIMA", "SANTIAGO", "BUENOS AIRES", "BRASILIA", "NAIROBI", "LAGOS", "KAAPSTAD",
)
PREFIXES = ("OOST", "WEST", "NIEUW", "OUD", "GROOT", "KLEIN", "SINT ", "'S ", "HOOG", "LAAG")
STEMS = ("KAPELLE", "BURG", "DORP", "HAVEN", "DAM", "WIJK", "ZAND", "BROEK", "VELD", "HOVEN",
         "KERKE", "RODE", "MOND", "STEDE", "HEIM", "LOO", "HUIZEN", "WOUDE", "MEER", "BERG")
SECTIONS = ("Buitenland", "Binnenland", "Financieel", "Sport", "Voetbal", "Politiek",
            "Middelburg", "Beveland", "Walcheren", "Schouwen", "Tholen", "Zeeuws-Vlaanderen",
            "Cultuur", "Tech", "Media", "Wetenschap", "Opmerkelijk", "Gezondheid")
REGIONS = set(SECTIONS[6:12])
PARTNERS = (("RTR", 0.30), ("AFP", 0.25), ("DPA", 0.08), ("BLOOMBERG", 0.05), ("BELGA", 0.03),
            ("AFN", 0.0005))
COMMON_WORDS = ("de", "het", "een", "van", "in", "en", "is", "op", "dat", "te", "met", "voor",
                "zijn", "niet", "die", "aan", "er", "om", "ook", "als", "bij", "door", "naar",
                "heeft", "maar", "nog", "werd", "over", "uit", "worden", "tegen", "na", "jaar")
SYLLABLES = ("ver", "ge", "be", "ont", "lan", "ker", "wa", "ter", "sto", "rin", "del", "hui",
             "zen", "ma", "ning", "plan", "ke", "lijk", "heid", "raad", "weg", "bos", "dijk",
             "stad", "markt", "werk", "school", "zorg", "geld", "recht", "brand", "trein")


def zipf_weights(count: int, exponent: float = 1.0) -> list[float]:
    return [1 / (rank + 1) ** exponent for rank in range(count)]


@dataclass
class World:
    """The vocabulary of the generated archive, and what the benchmark asks about."""

    datelines: list[str]
    dateline_weights: list[float]
    words: list[str]
    word_weights: list[float]


def make_world(rng: random.Random) -> World:
    towns = [p + s for p in PREFIXES for s in STEMS] + list(STEMS)
    places = list(REAL_PLACES) + [t for t in towns if t not in REAL_PLACES]
    datelines = places + [f"{a}/{b}" for a, b in zip(places[20:80], places[:60])]
    content = sorted({"".join(rng.choices(SYLLABLES, k=rng.randint(2, 4)))
                      for _ in range(12_000)})
    rng.shuffle(content)
    words = list(COMMON_WORDS) + content
    return World(datelines, zipf_weights(len(datelines), 1.1), words, zipf_weights(len(words)))


def age_text(age: timedelta) -> tuple[str, timedelta]:
    minutes = int(age.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} minuten geleden", timedelta(minutes=1)
    hours = minutes // 60
    if hours < 24:
        return f"{hours} uur geleden", timedelta(hours=1)
    days = hours // 24
    return f"{days} dagen geleden", timedelta(days=1)


class Builder:
    """Generates items and listing fetches in time order and writes them with executemany."""

    def __init__(self, archive: Any, items: int, rng: random.Random) -> None:
        self.archive, self.total, self.rng = archive, items, rng
        self.world = make_world(rng)
        self.place_ids: dict[str, int] = {}
        self.agency_ids = {name: i + 1 for i, name in enumerate(["ANP", *(p for p, _ in PARTNERS)])}

    def build(self) -> None:
        items = self._items()
        windows, seen = self._sightings(items, write=False)
        with self.archive.engine.begin() as connection:
            connection.execute(Agency.__table__.insert(),
                               [{"id": i, "name": n} for n, i in self.agency_ids.items()])
            connection.execute(Place.__table__.insert(), [
                {"id": i, "name": n, "name_folded": fold(n)} for n, i in self.place_ids.items()])
        self._write_items(items, windows, seen)
        self._sightings(items, write=True)

    def _items(self) -> list[dict[str, Any]]:
        rng, world = self.rng, self.world
        section_weights = zipf_weights(len(SECTIONS), 0.8)
        sections = rng.choices(SECTIONS, section_weights, k=self.total)
        datelines = rng.choices(world.datelines, world.dateline_weights, k=self.total)
        words = rng.choices(world.words, world.word_weights, k=self.total * 40)
        step = timedelta(days=730) / self.total
        items = []
        for index in range(self.total):
            dateline, section = datelines[index], sections[index]
            for place in dateline.split("/"):
                self.place_ids.setdefault(place, len(self.place_ids) + 1)
            length = rng.randint(25, 40)
            body = " ".join(words[index * 40: index * 40 + length]).capitalize() + "."
            article = rng.random() < 0.05
            items.append({
                "id": index + 1,
                "published": START + step * index + timedelta(seconds=rng.randint(0, 600)),
                "section": section,
                "dateline": dateline,
                "body": body,
                "kind": "article" if article else "teaser",
                "title": " ".join(words[index * 40 + 30: index * 40 + 36]).capitalize()
                if article else None,
                "agencies": self._agencies(section),
            })
        return items

    def _agencies(self, section: str) -> list[str]:
        if section in REGIONS:
            return []
        chosen = ["ANP"] + [name for name, share in PARTNERS if self.rng.random() < share]
        return chosen[:4]

    def _sightings(self, items: list[dict[str, Any]], write: bool
                   ) -> tuple[dict[int, Any], dict[int, Any]]:
        """Each section's listing, fetched often enough that an item stays on it for about
        SIGHTINGS_PER_ITEM fetches: the items' windows and first/last sight, and (`write`) the
        pages and sightings, written as they are generated (the same both times)."""
        by_section: dict[str, list[dict[str, Any]]] = {}
        for item in items:
            by_section.setdefault(item["section"], []).append(item)
        windows: dict[int, list[datetime]] = {}
        seen: dict[int, list[datetime]] = {}
        pages, sightings = [], []
        page_id = 0
        for section, stream in by_section.items():
            span = (stream[-1]["published"] - stream[0]["published"]) / max(1, len(stream) - 1)
            interval = span * ITEMS_PER_PAGE / SIGHTINGS_PER_ITEM
            fetched, index = stream[0]["published"] + interval, 0
            while index < len(stream):
                while index < len(stream) and stream[index]["published"] <= fetched:
                    index += 1
                page_id += 1
                pages.append(self._page(page_id, section, fetched))
                for position, item in enumerate(reversed(stream[max(0, index - 7):index])):
                    text, unit = age_text(fetched - item["published"])
                    latest = fetched - (fetched - item["published"]) // unit * unit
                    earliest = latest - unit
                    window = windows.setdefault(item["id"], [earliest, latest])
                    window[0], window[1] = max(window[0], earliest), min(window[1], latest)
                    first_last = seen.setdefault(item["id"], [fetched, fetched])
                    first_last[1] = fetched
                    sightings.append({"item_id": item["id"], "page_id": page_id,
                                      "position": position, "age_text": text,
                                      "window_earliest": earliest, "window_latest": latest})
                fetched += interval
                if len(sightings) >= CHUNK * 5 or not write:
                    self._flush(pages, sightings, write)
        self._flush(pages, sightings, write)
        return windows, seen

    def _page(self, page_id: int, section: str, fetched: datetime) -> dict[str, Any]:
        return {"id": page_id, "url": f"https://wire.example/nieuws/{section.lower()}",
                "fetched_at": fetched, "kind": "listing", "title": section, "section": section,
                "content_hash": f"{page_id:064x}", "parser_version": "bench",
                "warnings": '["unknown age phrase"]' if page_id % 997 == 0 else "[]"}

    def _flush(self, pages: list[dict[str, Any]], sightings: list[dict[str, Any]],
               write: bool) -> None:
        if write:
            with self.archive.engine.begin() as connection:
                connection.execute(Page.__table__.insert(), pages)
                connection.execute(Sighting.__table__.insert(), sightings)
        pages.clear()
        sightings.clear()

    def _write_items(self, items: list[dict[str, Any]], windows: dict[int, Any],
                     seen: dict[int, Any]) -> None:
        for start in range(0, len(items), CHUNK):
            rows, agencies, places = [], [], []
            for item in items[start:start + CHUNK]:
                window = windows.get(item["id"])
                if item["kind"] == "article" and item["id"] % 5 == 0:
                    window = None  # an article without a date of its own or a linked teaser
                first, last = seen.get(item["id"], (item["published"], item["published"]))
                rows.append({
                    "id": item["id"], "content_key": f"{item['id']:032x}", "kind": item["kind"],
                    "title": item["title"], "dateline": item["dateline"],
                    "dateline_folded": fold(item["dateline"]), "body": item["body"],
                    "section": item["section"], "url": None, "lead_key": None,
                    "first_seen_at": first, "last_seen_at": last,
                    "published_earliest": window[0] if window else None,
                    "published_latest": window[1] if window else None,
                    "window_source": "relative_age" if window else "none",
                    "window_conflicts": 0,
                })
                agencies += [{"item_id": item["id"], "position": i, "agency_id": self.agency_ids[a]}
                             for i, a in enumerate(item["agencies"])]
                places += [{"item_id": item["id"], "position": i, "place_id": self.place_ids[p]}
                           for i, p in enumerate(item["dateline"].split("/"))]
            with self.archive.engine.begin() as connection:
                connection.execute(Item.__table__.insert(), rows)
                connection.execute(ItemAgency.__table__.insert(), agencies)
                connection.execute(ItemPlace.__table__.insert(), places)


def build_archive(path: Path, items: int) -> None:
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)
    started = time.perf_counter()
    with open_archive(str(path)) as archive:
        Builder(archive, items, random.Random(20260317)).build()
        with archive.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    print(f"built {items:,} items in {time.perf_counter() - started:.0f} s: "
          f"{path.stat().st_size / 1e6:.0f} MB", flush=True)


# --- measuring ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    filters: list[ItemFilter]  # one per run, cycled
    cli: list[list[str]]  # the same as `newsarchive query` arguments


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered), p95


def cli_option(name: str, value: Any) -> list[str]:
    """`newsarchive query` arguments for one ItemFilter field (or a flag) and its value."""
    flag = {"agencies": "--agency", "places": "--place"}.get(name, name)
    flag = flag if flag.startswith("--") else f"--{flag}"
    values = value if isinstance(value, tuple) else (value,)
    return [part for v in values
            for part in (flag, v.isoformat() if isinstance(v, datetime) else str(v))]


def cases(world: World, rng: random.Random) -> Iterator[Case]:
    def drawn(values: list[str], weights: list[float], count: int) -> list[str]:
        return [values[0], *rng.choices(values, weights, k=count - 1)]

    def case(name: str, field: str, values: list[Any], flag: str, **extra: Any) -> Case:
        as_tuple = field in ("agencies", "places")
        filters = [ItemFilter(**{field: (v,) if as_tuple else v}, **extra) for v in values]
        options = [argument for key, value in extra.items() for argument in cli_option(key, value)]
        return Case(name, filters, [[*cli_option(flag, v), *options] for v in values])

    datelines = drawn(world.datelines, world.dateline_weights, 40)
    yield case("dateline, most common", "dateline", [world.datelines[0].lower()], "--dateline")
    yield case("dateline, Zipf-drawn", "dateline", [d.lower() for d in datelines], "--dateline")
    yield case("place, most common", "places", ["londen"], "--place")
    yield case("place, Zipf-drawn", "places",
               [d.split("/")[-1].lower() for d in datelines], "--place")
    yield case("agency ANP (most common)", "agencies", ["ANP"], "--agency")
    yield case("agency AFP", "agencies", ["afp"], "--agency")
    yield case("agency DPA", "agencies", ["dpa"], "--agency")
    yield case("agency AFN (rare)", "agencies", ["AFN"], "--agency")
    yield case("section, all", "section", [s.lower() for s in SECTIONS], "--section")
    yield case("kind article", "kind", ["article"], "--kind")
    yield case("dateline + agency AFP", "dateline", [d.lower() for d in datelines], "--dateline",
               agencies=("AFP",))
    yield case("dateline, by first sight, oldest", "dateline", [d.lower() for d in datelines],
               "--dateline", by="seen", order="oldest")
    yield case("since 2025-06-01 until 2025-06-07", "since",
               [datetime(2025, 6, 1, tzinfo=timezone.utc)], "--since",
               until=datetime(2025, 6, 7, 23, 59, 59, tzinfo=timezone.utc))
    common, middle, rare = world.words[:5], world.words[150:160], world.words[3000:3010]
    yield case("search, 5 commonest words", "search", common, "--search")
    yield case("search, words ranked 150-160", "search", middle, "--search")
    yield case("search, words ranked 3000-3010", "search", rare, "--search")
    yield case("search, two common words AND", "search",
               [f"{a} {b}" for a, b in zip(common, common[1:])], "--search")
    yield case("search ranked by relevance, 5 commonest", "search", common, "--search",
               order="relevance")
    yield case("search ranked by relevance, 150-160", "search", middle, "--search",
               order="relevance")


def timed(work: Callable[[], Any]) -> float:
    started = time.perf_counter()
    work()
    return (time.perf_counter() - started) * 1000


def measure(path: Path, world: World, runs: int, cli_runs: int) -> None:
    cli = [str(Path(sys.executable).with_name("newsarchive"))]
    print(f"{'case':<42}{'API p50':>10}{'API p95':>10}{'CLI p50':>10}{'CLI p95':>10}   rows")
    with open_archive(str(path)) as archive:
        for case in cases(world, random.Random(7)):
            filters = [case.filters[i % len(case.filters)] for i in range(runs)]
            search_items(archive, filters[0])  # warm the page cache
            api = [timed(lambda f=f: search_items(archive, f)) for f in filters]
            rows = len(search_items(archive, filters[-1]))
            command = [[*cli, "query", "--db", str(path), "--format", "jsonl", *case.cli[i % len(case.cli)]]
                       for i in range(cli_runs)]
            shell = [timed(lambda c=c: subprocess.run(c, check=True, capture_output=True))
                     for c in command]
            (a50, a95), (c50, c95) = percentiles(api), percentiles(shell)
            print(f"{case.name:<42}{a50:>8.2f}ms{a95:>8.2f}ms{c50:>8.0f}ms{c95:>8.0f}ms   {rows}",
                  flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--cli-runs", type=int, default=8)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    path = OUT / f"query_bench_{args.items}.db"
    done = Path(f"{path}.done")
    if args.rebuild or not done.exists():
        done.unlink(missing_ok=True)
        build_archive(path, args.items)
        done.write_text("built\n")
    else:
        print(f"using the archive built before: {path} ({path.stat().st_size / 1e6:.0f} MB)")
    print(f"SQLite {__import__('sqlite3').sqlite_version}, Python {sys.version.split()[0]}, "
          f"first page of 20, newest first unless said; {args.runs} API runs, "
          f"{args.cli_runs} CLI runs (process start included)")
    measure(path, make_world(random.Random(20260317)), args.runs, args.cli_runs)


if __name__ == "__main__":
    main()
