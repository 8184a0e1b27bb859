"""Raw material: the bytes of every stored page and kept response, compressed, once per content.

A body is keyed by its sha256 (`content_hash`, as on `pages` and `crawl_responses`), so the
same bytes fetched a hundred times, crawled, ingested or imported, are stored once. Bodies are
compressed with zstandard; once the archive holds TRAIN_AFTER bodies, a dictionary is trained on
them (and stored in `raw_dictionaries`) and every later body is compressed with it: pages of one
site share most of their markup, which the dictionary holds once. bench/raw_bench.py measures
it (about a fifth of zlib's bytes per page on the generated HTML pages).
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import zstandard
from sqlalchemy import Connection, Engine, Table, func, select

from .db import chunks, insert_ignoring, prepared_insert_ignoring, with_retries
from .models import RawBody, RawDictionary

RAW_BODIES: Table = RawBody.__table__  # type: ignore[assignment]
RAW_DICTIONARIES: Table = RawDictionary.__table__  # type: ignore[assignment]

ZSTD_LEVEL = 9  # with a dictionary: ~100 MB/s to compress, the parser is slower
TRAIN_AFTER = 200  # bodies stored before a dictionary is trained on them
DICTIONARY_BYTES = 112 * 1024


@dataclass(frozen=True)
class PackedBody:
    """A body ready to store: compressed, with what is needed to decompress it."""

    content_hash: str
    compression: str
    dictionary_id: int | None
    size: int
    body: bytes

    def row(self) -> dict[str, Any]:
        return {
            "content_hash": self.content_hash,
            "compression": self.compression,
            "dictionary_id": self.dictionary_id,
            "size": self.size,
            "body": self.body,
        }


class RawCodec:
    """Compresses new bodies (with the archive's newest dictionary) and decompresses any.

    Shared by the threads of a crawl: zstandard's (de)compressors are not thread-safe, so one
    thread at a time uses them."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.dictionary_id: int | None = None  # used for new bodies
        self._dictionaries: dict[int, zstandard.ZstdCompressionDict] = {}
        self._compressor = zstandard.ZstdCompressor(level=ZSTD_LEVEL)
        self._plain = zstandard.ZstdDecompressor()
        self._decompressors: dict[int, zstandard.ZstdDecompressor] = {}

    def refresh(self, engine: Engine) -> None:
        """Use the archive's newest dictionary; train one when there is none and enough bodies.

        The codec takes a new dictionary only once the transaction storing it has committed:
        a body packed with it by another thread meanwhile would name a row no other
        transaction can see yet (or one a rolled-back training never stored)."""
        with self._lock:
            if self.dictionary_id is not None:
                return
            newest = with_retries(engine, _newest_or_trained)
            if newest is not None:
                with engine.connect() as connection:
                    self._use(connection, newest)

    def _use(self, connection: Connection, dictionary_id: int) -> None:
        self.dictionary_id = dictionary_id
        self._compressor = zstandard.ZstdCompressor(
            level=ZSTD_LEVEL, dict_data=self._dictionary(connection, dictionary_id)
        )

    def _dictionary(self, connection: Connection, dictionary_id: int) -> zstandard.ZstdCompressionDict:
        if dictionary_id not in self._dictionaries:
            data = connection.execute(
                select(RAW_DICTIONARIES.c.data).where(RAW_DICTIONARIES.c.id == dictionary_id)
            ).scalar_one()
            self._dictionaries[dictionary_id] = zstandard.ZstdCompressionDict(bytes(data))
        return self._dictionaries[dictionary_id]

    def pack(self, content_hash: str, data: bytes) -> PackedBody:
        with self._lock:
            return PackedBody(
                content_hash, "zstd", self.dictionary_id, len(data), self._compressor.compress(data)
            )

    def unpack(self, connection: Connection, row: Any) -> bytes:
        """The bytes of a raw_bodies row (compression, dictionary_id, body)."""
        body = bytes(row.body)
        if row.compression == "zlib":
            return zlib.decompress(body)
        if row.compression == "none":
            return body
        with self._lock:
            if row.dictionary_id is None:
                return self._plain.decompress(body)
            if row.dictionary_id not in self._decompressors:
                self._decompressors[row.dictionary_id] = zstandard.ZstdDecompressor(
                    dict_data=self._dictionary(connection, row.dictionary_id)
                )
            return self._decompressors[row.dictionary_id].decompress(body)


def _newest_or_trained(connection: Connection) -> int | None:
    newest = connection.execute(select(func.max(RAW_DICTIONARIES.c.id))).scalar()
    return _train(connection) if newest is None else int(newest)


def _train(connection: Connection) -> int | None:
    """Train and store a dictionary on the first TRAIN_AFTER bodies, if there are that many."""
    if connection.execute(select(func.count()).select_from(RAW_BODIES)).scalar_one() < TRAIN_AFTER:
        return None
    rows = connection.execute(
        select(RAW_BODIES.c.compression, RAW_BODIES.c.dictionary_id, RAW_BODIES.c.body)
        .order_by(RAW_BODIES.c.id)
        .limit(TRAIN_AFTER)
    ).all()
    codec = RawCodec()
    samples: list[bytes | bytearray | memoryview] = [codec.unpack(connection, row) for row in rows]
    try:
        dictionary = zstandard.train_dictionary(DICTIONARY_BYTES, samples)
    except zstandard.ZstdError:  # samples too small or too alike to learn from
        return None
    return int(
        connection.execute(
            RAW_DICTIONARIES.insert().values(data=dictionary.as_bytes()).returning(RAW_DICTIONARIES.c.id)
        ).scalar_one()
    )


def keep_bodies(connection: Connection, bodies: Iterable[PackedBody]) -> None:
    """Store the bodies not stored yet (the same content is stored once)."""
    rows = list({body.content_hash: body.row() for body in bodies}.values())
    if rows:
        dialect = connection.dialect.name
        if len(rows) == 1:  # a crawled response's body: one execution, prepared
            prepared_insert_ignoring(dialect, RAW_BODIES, ("content_hash",)).execute(
                connection, rows[0])
        else:
            connection.execute(insert_ignoring(dialect, RAW_BODIES, ("content_hash",)), rows)


def load_bodies(
    connection: Connection, codec: RawCodec, hashes: Sequence[str]
) -> dict[str, bytes]:
    """The stored bytes of each content hash that has a raw body."""
    found: dict[str, bytes] = {}
    for part in chunks(list(dict.fromkeys(hashes))):
        query = select(
            RAW_BODIES.c.content_hash, RAW_BODIES.c.compression, RAW_BODIES.c.dictionary_id,
            RAW_BODIES.c.body,
        ).where(RAW_BODIES.c.content_hash.in_(part))
        for row in connection.execute(query):
            found[row.content_hash] = codec.unpack(connection, row)
    return found


def kept_hashes(connection: Connection, hashes: Sequence[str]) -> set[str]:
    """The content hashes among `hashes` that have a raw body (without reading the bodies)."""
    found: set[str] = set()
    for part in chunks(list(dict.fromkeys(hashes))):
        found.update(connection.execute(
            select(RAW_BODIES.c.content_hash).where(RAW_BODIES.c.content_hash.in_(part))).scalars())
    return found
