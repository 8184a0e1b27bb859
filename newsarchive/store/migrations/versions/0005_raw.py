"""Raw material: every stored page's bytes (raw_bodies, once per content), zstandard dictionaries
(raw_dictionaries), and pages.content_type (the HTTP Content-Type, to parse again).

Crawled pages archived before this revision get their raw bodies from crawl_responses (zlib,
as stored there); files ingested before it kept no bytes and cannot be parsed again.

Revision ID: 0005_raw
Revises: 0004_stories
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_raw"
down_revision: str | Sequence[str] | None = "0004_stories"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "raw_dictionaries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_raw_dictionaries")),
    )
    op.create_table(
        "raw_bodies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("compression", sa.String(length=8), nullable=False),
        sa.Column("dictionary_id", sa.Integer(), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.CheckConstraint("compression IN ('zstd', 'zlib', 'none')",
                           name=op.f("ck_raw_bodies_compression")),
        sa.ForeignKeyConstraint(["dictionary_id"], ["raw_dictionaries.id"],
                                name=op.f("fk_raw_bodies_dictionary_id_raw_dictionaries")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_raw_bodies")),
        sa.UniqueConstraint("content_hash", name=op.f("uq_raw_bodies_content_hash")),
    )
    with op.batch_alter_table("pages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content_type", sa.Text(), nullable=True))
    _bodies_of_crawled_pages()


def _bodies_of_crawled_pages() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.text(
        "SELECT body, compression, body_size, headers, page_id FROM crawl_responses "
        "WHERE page_id IS NOT NULL ORDER BY id"))
    seen: set[str] = set()
    for body, compression, size, headers, page_id in rows:
        data = zlib.decompress(body) if compression == "zlib" else bytes(body)
        digest = hashlib.sha256(data).hexdigest()
        if digest not in seen:
            seen.add(digest)
            connection.execute(
                sa.text("INSERT INTO raw_bodies (content_hash, compression, size, body) "
                        "VALUES (:h, :c, :s, :b)"),
                {"h": digest, "c": compression, "s": size, "b": body})
        content_type = json.loads(headers).get("content-type")
        connection.execute(sa.text("UPDATE pages SET content_type = :t WHERE id = :p"),
                           {"t": content_type, "p": page_id})


def downgrade() -> None:
    with op.batch_alter_table("pages", schema=None) as batch_op:
        batch_op.drop_column("content_type")
    op.drop_table("raw_bodies")
    op.drop_table("raw_dictionaries")
