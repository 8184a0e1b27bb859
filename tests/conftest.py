"""Shared fixtures: a fresh archive per test, on SQLite and on PostgreSQL."""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Iterator

import pytest
from fixture_site import fixture_site  # noqa: F401 - the local news site of fetch/crawl tests

from newsarchive.store.archive import Archive, open_archive

POSTGRES_DSN = "host=127.0.0.1 port=5432 dbname=test user=postgres connect_timeout=3"
POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@functools.lru_cache(maxsize=1)
def postgres_unavailable() -> str | None:
    """Why PostgreSQL cannot be used, or None when it answers."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    try:
        psycopg.connect(POSTGRES_DSN).close()
    except psycopg.Error as exc:
        return f"no PostgreSQL at 127.0.0.1:5432 ({str(exc).strip().splitlines()[0]})"
    return None


def _postgres_schema() -> Iterator[str]:
    """A SQLAlchemy URL whose connections live in a new schema, dropped afterwards."""
    reason = postgres_unavailable()
    if reason:
        if os.environ.get("NEWSARCHIVE_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"NEWSARCHIVE_REQUIRE_POSTGRES=1 but {reason}")
        pytest.skip(reason)
    import psycopg

    schema = f"test_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(POSTGRES_DSN, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(POSTGRES_DSN, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgresql"])
def archive_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """`--db` of a new, empty archive: a SQLite file path, or a PostgreSQL URL (own schema)."""
    if request.param == "sqlite":
        yield str(tmp_path / "archive.db")
    else:
        yield from _postgres_schema()


@pytest.fixture
def archive(archive_url: str) -> Iterator[Archive]:
    """A new archive, opened (and so migrated to the newest schema)."""
    with open_archive(archive_url) as opened:
        yield opened
