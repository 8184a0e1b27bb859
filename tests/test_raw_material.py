"""Raw material: every stored page keeps its bytes (compressed, once per content) and the
metadata and parser version to parse it again, whether ingested from a file or crawled."""

from __future__ import annotations

import hashlib
import json
import random
import zlib
from datetime import timedelta

from fixture_site import LISTING
from sqlalchemy import func, select
from store_pages import T0, layout_a_text, wire_stream

from newsarchive import parse
from newsarchive.fetch.crawl import CrawlOptions, crawl
from newsarchive.fetch.frontier import RESPONSES
from newsarchive.fetch.http import HttpPolicy
from newsarchive.parse import parse_page
from newsarchive.pipeline import ingest_files
from newsarchive.store import raw
from newsarchive.store.ingest import PAGES
from newsarchive.store.raw import RAW_BODIES, RAW_DICTIONARIES, RawCodec, load_bodies

POLICY = HttpPolicy(delay=0.0, connect_timeout=2, timeout=2, retries=2, backoff=0.05)


def stored_bytes(archive) -> dict[str, bytes]:
    """{content hash: bytes} of every raw body, decompressed by a fresh codec."""
    with archive.engine.connect() as connection:
        hashes = list(connection.execute(select(RAW_BODIES.c.content_hash)).scalars())
        return load_bodies(connection, RawCodec(), hashes)


def pages(archive) -> list[dict]:
    with archive.engine.connect() as connection:
        return [row._asdict() for row in connection.execute(select(PAGES).order_by(PAGES.c.id))]


def page_text(n: int) -> str:
    stories = wire_stream(random.Random(n), 8, T0 - timedelta(hours=5), timedelta(hours=4))
    return layout_a_text(f"Kop nummer {n}", f"GOES (ANP) - Een eigen bericht {n}.", stories, T0,
                         "Zeeland")


def test_an_ingested_file_keeps_its_bytes_and_parser_version(archive, tmp_path):
    data = page_text(1).encode("utf-8")
    (tmp_path / "a.txt").write_bytes(data)
    ingest_files(archive, [tmp_path], T0)
    ingest_files(archive, [tmp_path], T0 + timedelta(hours=1))  # same bytes, a later fetch
    stored = pages(archive)
    assert [p["parser_version"] for p in stored] == [parse.PARSER_VERSION] * 2
    assert [p["content_type"] for p in stored] == [None, None]
    assert stored[0]["content_hash"] == stored[1]["content_hash"]
    assert stored_bytes(archive) == {stored[0]["content_hash"]: data}  # kept once


def test_a_crawled_page_keeps_the_bytes_and_content_type_it_was_served_with(
        fixture_site, archive):
    crawl(archive, [fixture_site.url(LISTING)], CrawlOptions(pages=1, policy=POLICY))
    with archive.engine.connect() as connection:
        served = connection.execute(
            select(RESPONSES.c.page_id, RESPONSES.c.body).where(RESPONSES.c.page_id.is_not(None))
        ).all()
    by_page = {page_id: zlib.decompress(body) for page_id, body in served}
    stored = pages(archive)
    assert len(stored) == 1 + 10  # the listing and its ten articles
    bodies = stored_bytes(archive)
    for page in stored:
        assert bodies[page["content_hash"]] == by_page[page["id"]]
        assert page["content_type"] == "text/html; charset=utf-8"


def test_a_dictionary_is_trained_once_enough_bodies_are_kept(archive, monkeypatch):
    monkeypatch.setattr(raw, "TRAIN_AFTER", 40)
    texts = {n: page_text(n) for n in range(100)}
    parsed = [(parse_page(texts[n], T0), texts[n]) for n in range(100)]
    list(archive.ingest_many(parsed, "test", batch_pages=25))
    with archive.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(RAW_DICTIONARIES)).scalar() == 1
        used = connection.execute(
            select(RAW_BODIES.c.dictionary_id).order_by(RAW_BODIES.c.id)).scalars().all()
    # the first two batches (50 bodies) before there were 40 to learn from, then the dictionary
    assert used == [None] * 50 + [1] * 50
    assert sorted(stored_bytes(archive).values()) == sorted(t.encode() for t in texts.values())


def test_upgrading_an_older_archive_keeps_crawled_bodies_as_raw_material(archive_url):
    from alembic import command
    from sqlalchemy import text

    from newsarchive.store.db import make_engine
    from newsarchive.store.migrate import alembic_config, upgrade

    data = b"<html><body><p>GOES (ANP) - Een bericht van ons.</p></body></html>"
    digest = hashlib.sha256(data).hexdigest()
    engine = make_engine(archive_url)
    moment = T0.replace(tzinfo=None) if engine.dialect.name == "postgresql" else "2026-03-17T12:00:00Z"
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0003_query")
        connection.execute(text(
            "INSERT INTO pages (id, url, fetched_at, kind, content_hash, parser_version, warnings)"
            " VALUES (1, 'http://a.example/x', :t, 'article', :h, '2', '[]')"),
            {"t": moment, "h": digest})
        connection.execute(text(
            "INSERT INTO crawl_responses (url, final_url, status, headers, body, compression, "
            "body_size, fetched_at, page_id) VALUES ('http://a.example/x', 'http://a.example/x', "
            "200, :headers, :body, 'zlib', :size, :t, 1)"),
            {"headers": json.dumps({"content-type": "text/html; charset=iso-8859-1"}),
             "body": zlib.compress(data), "size": len(data), "t": moment})
    with engine.begin() as connection:
        upgrade(connection)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT content_type FROM pages")).scalar() == (
            "text/html; charset=iso-8859-1")
        assert load_bodies(connection, RawCodec(), [digest]) == {digest: data}
    engine.dispose()
