"""Each body stored once: crawl_responses names its body in raw_bodies (content_hash) instead of
keeping a zlib copy of its own (body, compression, body_size are gone).

Bodies raw_bodies lacks (responses that were no page: feeds, other types, pages of no wire) are
moved there first, compressed as the store writes new bodies (zstandard with the archive's
newest dictionary, plain zstandard when it has none); a 304 keeps no body (NULL).

Revision ID: 0011_response_bodies
Revises: 0010_warc
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
import zstandard
from alembic import op

from newsarchive.store.raw import ZSTD_LEVEL

revision: str = "0011_response_bodies"
down_revision: str | Sequence[str] | None = "0010_warc"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 500  # responses read and written at a time


def upgrade() -> None:
    with op.batch_alter_table("crawl_responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content_hash", sa.String(length=64), nullable=True))
    _move_bodies(op.get_bind())
    with op.batch_alter_table("crawl_responses", schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f("fk_crawl_responses_content_hash_raw_bodies"),
                                    "raw_bodies", ["content_hash"], ["content_hash"])
        if op.get_bind().dialect.name == "sqlite":  # PostgreSQL drops it with its column
            batch_op.drop_constraint(op.f("ck_crawl_responses_compression"), type_="check")
        batch_op.drop_column("body")
        batch_op.drop_column("compression")
        batch_op.drop_column("body_size")


def _rows(connection: sa.Connection, sql: str) -> Iterator[Sequence[Any]]:
    """The rows of `sql` (which takes :after and :limit and orders by id, the first column),
    BATCH at a time."""
    after = 0
    while rows := connection.execute(sa.text(sql), {"after": after, "limit": BATCH}).all():
        yield rows
        after = rows[-1][0]


def _move_bodies(connection: sa.Connection) -> None:
    dictionary = connection.execute(
        sa.text("SELECT data FROM raw_dictionaries ORDER BY id DESC LIMIT 1")).scalar()
    dictionary_id = connection.execute(sa.text("SELECT max(id) FROM raw_dictionaries")).scalar()
    compressor = zstandard.ZstdCompressor(
        level=ZSTD_LEVEL,
        dict_data=zstandard.ZstdCompressionDict(bytes(dictionary)) if dictionary is not None else None)
    for rows in _rows(connection, "SELECT id, status, body, compression FROM crawl_responses "
                                  "WHERE id > :after ORDER BY id LIMIT :limit"):
        hashes: dict[int, str] = {}
        bodies: dict[str, bytes] = {}
        for response_id, status, body, compression in rows:
            data = zlib.decompress(body) if compression == "zlib" else bytes(body)
            if status == 304 and not data:
                continue  # a not-modified answer: no body
            digest = hashlib.sha256(data).hexdigest()
            hashes[response_id] = digest
            bodies[digest] = data
        known = set(connection.execute(
            sa.text("SELECT content_hash FROM raw_bodies WHERE content_hash IN :hashes")
            .bindparams(sa.bindparam("hashes", expanding=True)), {"hashes": sorted(bodies)}
        ).scalars()) if bodies else set()
        new = [{"h": digest, "d": dictionary_id, "s": len(data), "b": compressor.compress(data)}
               for digest, data in bodies.items() if digest not in known]
        if new:
            connection.execute(sa.text(
                "INSERT INTO raw_bodies (content_hash, compression, dictionary_id, size, body) "
                "VALUES (:h, 'zstd', :d, :s, :b)"), new)
        if hashes:
            connection.execute(sa.text("UPDATE crawl_responses SET content_hash = :h WHERE id = :i"),
                               [{"h": digest, "i": response_id} for response_id, digest in hashes.items()])


def downgrade() -> None:
    with op.batch_alter_table("crawl_responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("body", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("compression", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("body_size", sa.Integer(), nullable=True))
    _copy_bodies_back(op.get_bind())
    with op.batch_alter_table("crawl_responses", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_crawl_responses_content_hash_raw_bodies"), type_="foreignkey")
        batch_op.drop_column("content_hash")
        batch_op.alter_column("body", existing_type=sa.LargeBinary(), nullable=False)
        batch_op.alter_column("compression", existing_type=sa.String(length=8), nullable=False)
        batch_op.alter_column("body_size", existing_type=sa.Integer(), nullable=False)
        batch_op.create_check_constraint(op.f("ck_crawl_responses_compression"),
                                         "compression IN ('zlib', 'none')")


def _copy_bodies_back(connection: sa.Connection) -> None:
    """Each response's own zlib copy again (a 304: an empty body, compression 'none')."""
    dictionaries: dict[int, zstandard.ZstdDecompressor] = {}

    def decompress(compression: str, dictionary_id: int | None, body: bytes) -> bytes:
        if compression == "zlib":
            return zlib.decompress(body)
        if compression == "none":
            return body
        if dictionary_id not in dictionaries:
            data = None if dictionary_id is None else connection.execute(
                sa.text("SELECT data FROM raw_dictionaries WHERE id = :i"), {"i": dictionary_id}
            ).scalar_one()
            dictionaries[dictionary_id] = zstandard.ZstdDecompressor(  # type: ignore[index]
                dict_data=zstandard.ZstdCompressionDict(bytes(data)) if data is not None else None)
        return dictionaries[dictionary_id].decompress(body)  # type: ignore[index]

    for rows in _rows(connection, "SELECT r.id, b.compression, b.dictionary_id, b.body "
                                  "FROM crawl_responses r LEFT JOIN raw_bodies b "
                                  "ON b.content_hash = r.content_hash WHERE r.id > :after "
                                  "ORDER BY r.id LIMIT :limit"):
        values = []
        for response_id, compression, dictionary_id, body in rows:
            data = b"" if body is None else decompress(compression, dictionary_id, bytes(body))
            values.append({"i": response_id, "b": zlib.compress(data, 6) if body is not None else b"",
                           "c": "zlib" if body is not None else "none", "s": len(data)})
        connection.execute(sa.text("UPDATE crawl_responses SET body = :b, compression = :c, "
                                   "body_size = :s WHERE id = :i"), values)
