"""Raw material: every stored page keeps its bytes (compressed, once per content) and the
metadata and parser version to parse it again, whether ingested from a file or crawled."""

from __future__ import annotations

import hashlib
import json
import random
import zlib
from datetime import timedelta

from fixture_site import LISTING
from reparse_corpus import kept_responses
from sqlalchemy import event, func, select
from store_pages import T0, layout_a_text, wire_stream

from newsarchive import parse
from newsarchive.fetch.crawl import CrawlOptions, crawl
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
    by_page = {row["page_id"]: row["body"] for row in kept_responses(archive.engine).values()
               if row["page_id"] is not None}
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


def test_no_body_is_packed_with_a_dictionary_before_it_is_committed(archive, monkeypatch):
    """Another thread of a crawl packs bodies while one trains the dictionary: a body that
    named the dictionary before its row was committed broke the crawl (a foreign key
    violation on PostgreSQL)."""
    monkeypatch.setattr(raw, "TRAIN_AFTER", 40)
    texts = [page_text(n) for n in range(60)]
    seen: list[tuple[int | None, set[int]]] = []  # at each commit: named, committed dictionaries

    def at_commit(connection) -> None:
        named = archive.codec.pack("probe", b"probe").dictionary_id
        with archive.engine.connect() as other:
            committed = set(other.execute(select(RAW_DICTIONARIES.c.id)).scalars())
        seen.append((named, committed))

    event.listen(archive.engine, "commit", at_commit)
    try:
        list(archive.ingest_many([(parse_page(text, T0), text) for text in texts], "test",
                                 batch_pages=20))
    finally:
        event.remove(archive.engine, "commit", at_commit)
    assert [named for named, _ in seen if named is not None] != []  # a dictionary was trained
    assert [(named, committed) for named, committed in seen
            if named is not None and named not in committed] == []


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


def test_upgrading_keeps_every_response_body_once_and_byte_for_byte(archive_url):
    """An archive at 0010 kept a zlib copy of each crawled body in crawl_responses (the
    page's bytes twice); after the upgrade every response names its body in raw_bodies, with
    the same bytes, and the bodies raw_bodies lacked are moved there as the store writes them."""
    import zstandard
    from alembic import command
    from sqlalchemy import text

    from newsarchive.store.db import make_engine
    from newsarchive.store.migrate import alembic_config, upgrade

    engine = make_engine(archive_url)
    postgres = engine.dialect.name == "postgresql"

    def moment(minutes: int):
        at = T0 + timedelta(minutes=minutes)
        return at.replace(tzinfo=None) if postgres else at.strftime("%Y-%m-%dT%H:%M:%SZ")

    page_a, page_b = page_text(1).encode(), page_text(2).encode()
    feed = b"<?xml version='1.0'?><rss><channel><title>Eigen</title></channel></rss>"
    no_wire = b"<html><body><p>Geen bericht hier.</p></body></html>"
    samples = [page_text(n).encode() for n in range(3, 203)]
    dictionary = zstandard.train_dictionary(16 * 1024, samples)
    compressor = zstandard.ZstdCompressor(level=raw.ZSTD_LEVEL, dict_data=dictionary)
    sha = lambda data: hashlib.sha256(data).hexdigest()  # noqa: E731
    # (url, status, stored body, compression, body size, minutes, page id, the body's bytes)
    responses = [
        ("http://a.example/a", 200, zlib.compress(page_a), "zlib", len(page_a), 0, 1, page_a),
        ("http://a.example/b", 200, zlib.compress(page_b), "zlib", len(page_b), 1, 2, page_b),
        ("http://a.example/feed", 200, zlib.compress(feed), "zlib", len(feed), 2, None, feed),
        ("http://a.example/feed", 200, zlib.compress(feed), "zlib", len(feed), 3, None, feed),
        ("http://a.example/a", 304, b"", "none", 0, 4, None, None),
        ("http://a.example/x", 200, no_wire, "none", len(no_wire), 5, None, no_wire),
        ("http://a.example/leeg", 200, zlib.compress(b""), "zlib", 0, 6, None, b""),
    ]
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0010_warc")
        connection.execute(text("INSERT INTO raw_dictionaries (id, data) VALUES (1, :d)"),
                           {"d": dictionary.as_bytes()})
        for page_id, data, compression, body, dictionary_id in (
                (1, page_a, "zlib", zlib.compress(page_a), None),  # as 0005 moved it
                (2, page_b, "zstd", compressor.compress(page_b), 1)):  # as the store wrote it
            connection.execute(text(
                "INSERT INTO raw_bodies (content_hash, compression, dictionary_id, size, body) "
                "VALUES (:h, :c, :d, :s, :b)"),
                {"h": sha(data), "c": compression, "d": dictionary_id, "s": len(data), "b": body})
            connection.execute(text(
                "INSERT INTO pages (id, url, fetched_at, kind, content_hash, parser_version, "
                "warnings) VALUES (:i, :u, :t, 'article', :h, '2', '[]')"),
                {"i": page_id, "u": f"http://a.example/{'ab'[page_id - 1]}",
                 "t": moment(page_id - 1), "h": sha(data)})
        for url, status, body, compression, size, minutes, page_id, _ in responses:
            connection.execute(text(
                "INSERT INTO crawl_responses (url, final_url, status, headers, body, compression, "
                "body_size, fetched_at, page_id) VALUES (:u, :u, :s, :h, :b, :c, :n, :t, :p)"),
                {"u": url, "s": status, "h": json.dumps({"etag": f'"{minutes}"'}), "b": body,
                 "c": compression, "n": size, "t": moment(minutes), "p": page_id})
        kept_before = connection.execute(text(
            "SELECT content_hash, compression, dictionary_id, body FROM raw_bodies ORDER BY id"
        )).all()
    before = kept_responses_0010(engine)
    with engine.begin() as connection:
        upgrade(connection)
    after = kept_responses(engine)
    expected_bodies = [row[-1] for row in responses]
    assert [row["body"] for row in after.values()] == expected_bodies
    other = ("id", "url", "final_url", "status", "headers", "fetched_at", "page_id")
    with engine.connect() as connection:  # the other columns as stored, to the letter
        stored = connection.execute(text(f"SELECT {', '.join(other)} FROM crawl_responses "
                                         "ORDER BY id")).mappings().all()
    # ... but the fetch moments, which 0015 keeps to the microsecond: six fraction digits on SQLite
    precise = {"fetched_at": lambda value: value if postgres else value.replace("Z", ".000000Z")}
    assert [dict(row) for row in stored] == [
        {name: precise.get(name, lambda value: value)(row[name]) for name in other}
        for row in before.values()]
    if not postgres:
        assert [row["fetched_at"] for row in stored][:2] == [
            "2026-03-17T12:00:00.000000Z", "2026-03-17T12:01:00.000000Z"]
    assert [row["content_hash"] for row in after.values()] == [
        None if body is None else sha(body) for body in expected_bodies]
    with engine.connect() as connection:
        columns = {c["name"] for c in __import__("sqlalchemy").inspect(connection).get_columns(
            "crawl_responses")}
        assert not columns & {"body", "compression", "body_size"}
        kept = connection.execute(text(
            "SELECT content_hash, compression, dictionary_id, body FROM raw_bodies ORDER BY id"
        )).all()
        assert kept[:2] == kept_before  # what raw_bodies held is left as it was
        # the rest moved once each, compressed as the store writes: zstd, newest dictionary
        assert [(row.content_hash, row.compression, row.dictionary_id) for row in kept[2:]] == [
            (sha(feed), "zstd", 1), (sha(no_wire), "zstd", 1), (sha(b""), "zstd", 1)]
        assert zstandard.ZstdDecompressor(dict_data=dictionary).decompress(kept[2].body) == feed
        assert load_bodies(connection, RawCodec(), [sha(feed)]) == {sha(feed): feed}
    with engine.begin() as connection:  # and back: each response's own zlib copy again
        command.downgrade(alembic_config(connection), "0010_warc")
    downgraded = kept_responses_0010(engine)
    assert downgraded == before
    engine.dispose()


def kept_responses_0010(engine) -> dict[int, dict]:
    """crawl_responses at revision 0010, each body decompressed from the row's own copy."""
    from sqlalchemy import text

    with engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM crawl_responses ORDER BY id")).mappings()
        found = {}
        for row in rows:
            data = zlib.decompress(row["body"]) if row["compression"] == "zlib" else bytes(row["body"])
            found[row["id"]] = {**{k: v for k, v in row.items() if k not in ("body", "compression")},
                                "body": None if row["status"] == 304 else data}
        return found
