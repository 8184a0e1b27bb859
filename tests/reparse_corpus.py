"""Raw material for the reparse and WARC tests: article pages of our own over a simulated wire,
a snapshot of everything the archive derived from them, by content key, the oracle (the raw
material ingested afresh in fetch order), and a next parser version to reparse with."""

from __future__ import annotations

import random
import re
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import select, text
from store_pages import T0, age_text, layout_a_html, shown_at, wire_stream

from newsarchive import parse
from newsarchive.items import RawDocument
from newsarchive.pipeline import ingest_documents
from newsarchive.store.archive import open_archive
from newsarchive.store.raw import RawCodec
from newsarchive.store.responses import BODY_COLUMNS, RESPONSES, WITH_BODIES, body_of

SECTIONS = ("Zeeland", "Buitenland")
REAL_PARSE = parse.parse_page
REAL_VERSION = parse.PARSER_VERSION
NEXT_VERSION = str(int(REAL_VERSION.split(".")[0]) + 1)


def without_brussel_teasers(*args: Any, **kwargs: Any) -> Any:
    """The next parser version: it no longer reads teasers datelined BRUSSEL."""
    page = REAL_PARSE(*args, **kwargs)
    page.items = [item for item in page.items if item.dateline != "BRUSSEL"]
    return page


def use_next_parser(patch: Any = setattr) -> None:
    """Make the parser the next version (`patch`: setattr, or a monkeypatch's setattr)."""
    patch(parse, "PARSER_VERSION", NEXT_VERSION)
    patch(parse, "parse_page", without_brussel_teasers)


def documents(count: int = 24, seed: int = 5) -> list[RawDocument]:
    """HTML article pages fetched 10 minutes apart: each article URL fetched three times (its
    title changes on the third, a revision), a sidebar of the wire's newest seven items (each
    seen on several pages, ages growing)."""
    rng = random.Random(seed)
    stories = wire_stream(rng, count * 2, T0 - timedelta(hours=3), timedelta(hours=3) + count * timedelta(minutes=10))
    found = []
    for n in range(count):
        fetched_at = T0 + n * timedelta(minutes=10)
        article = n // 3
        title = f"Kop van artikel {article}" + (" (bijgewerkt)" if n % 3 == 2 else "")
        lead = [f"GOES (ANP) - Artikel {article} begint met dit bericht.", "Een tweede alinea."]
        sidebar = [(s.wire_line, age_text(s, fetched_at)) for s in shown_at(stories, fetched_at)]
        html = layout_a_html(title, lead, sidebar, SECTIONS[article % 2])
        found.append(RawDocument(html.encode("utf-8"), fetched_at,
                                 f"https://wire.example/nieuws/artikel-{article}",
                                 "text/html; charset=utf-8"))
    return found


SQLITE_TIME_TEXT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{6})?Z")


def _moment(value: Any) -> Any:
    """A time as a UTC datetime, whether it came as SQLite's text (to the second or, a page's
    fetch, to the microsecond) or as PostgreSQL's timestamptz; anything else as it is."""
    if isinstance(value, str) and SQLITE_TIME_TEXT.fullmatch(value):
        return datetime.fromisoformat(value.rstrip("Z")).replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc) if isinstance(value, datetime) else value


def snapshot(archive: Any, with_ids: bool = True) -> dict[str, Any]:
    """Items (with their agency and place lists), sightings and revisions, keyed by content key
    and by (page fetch time, position), so that two archives built differently compare."""
    with archive.engine.connect() as connection:
        def rows(sql: str) -> list[tuple[Any, ...]]:  # times as datetimes, to compare
            return [tuple(_moment(v) for v in row) for row in connection.execute(text(sql))]

        items = {
            row[0]: row[1:] if with_ids else row[2:]
            for row in rows(
                "SELECT content_key, id, kind, title, dateline, body, section, url, first_seen_at, "
                "last_seen_at, published_earliest, published_latest, window_source, "
                "window_conflicts, lead_key FROM items")
        }
        lists = sorted(rows(
            "SELECT i.content_key, 'agency', l.position, a.name FROM item_agencies l "
            "JOIN agencies a ON a.id = l.agency_id JOIN items i ON i.id = l.item_id "
            "UNION ALL SELECT i.content_key, 'place', l.position, p.name FROM item_places l "
            "JOIN places p ON p.id = l.place_id JOIN items i ON i.id = l.item_id"))
        sightings = sorted(rows(
            "SELECT p.fetched_at, p.content_hash, s.position, i.content_key, s.age_text, "
            "s.window_earliest, s.window_latest FROM sightings s JOIN pages p ON p.id = s.page_id "
            "JOIN items i ON i.id = s.item_id"))
        revisions = sorted(rows(
            "SELECT i.content_key, r.field, r.old_value, r.new_value, p.fetched_at, r.recorded_at "
            "FROM item_revisions r JOIN items i ON i.id = r.item_id JOIN pages p ON p.id = r.page_id"))
    return {"items": items, "lists": lists, "sightings": sightings, "revisions": revisions}


def kept_responses(engine: Any) -> dict[int, dict[str, Any]]:
    """Every crawl_responses row by id, with its body's bytes (`body`, None for a 304) read
    through the row's content hash by a fresh codec."""
    codec = RawCodec()
    with engine.connect() as connection:
        rows = connection.execute(
            select(RESPONSES, *BODY_COLUMNS).select_from(WITH_BODIES).order_by(RESPONSES.c.id))
        return {row.id: {**{c.name: getattr(row, c.name) for c in RESPONSES.columns},
                         "body": body_of(connection, codec, row)} for row in rows}


def raw_material(archive: Any) -> list[RawDocument]:
    """Every page's raw bytes with what it arrived with, in fetch order (as reparse orders)."""
    from newsarchive.store.ingest import PAGES
    from newsarchive.store.raw import load_bodies

    with archive.engine.connect() as connection:
        rows = connection.execute(select(PAGES).order_by(PAGES.c.fetched_at, PAGES.c.id)).all()
        bodies = load_bodies(connection, RawCodec(), [row.content_hash for row in rows])
    return [RawDocument(bodies[row.content_hash], row.fetched_at, row.url, row.content_type,
                        row.source_path) for row in rows]


def fresh_ingest(path: str, docs: list[RawDocument]) -> dict[str, Any]:
    """The oracle: `docs` ingested afresh, in fetch order, into a new archive at `path`; its
    snapshot without ids."""
    with open_archive(path) as other:
        for ingested in ingest_documents(other, sorted(docs, key=lambda d: d.fetched_at)):
            assert ingested.result is not None
        return snapshot(other, with_ids=False)
