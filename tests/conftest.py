"""Shared fixtures: a fresh archive per test, on SQLite and on PostgreSQL."""

from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fixture_site import fixture_site  # noqa: F401 - the local news site of fetch/crawl tests

from newsarchive.store.archive import Archive, open_archive


def pytest_configure(config: pytest.Config) -> None:
    """A runner started in the background (`pytest &`, nohup, a CI step's shell) ignores SIGINT,
    and every process it starts inherits that: a test's Ctrl-C to a command would never be
    seen. The commands get SIGINT as a terminal gives it (an ignored signal is inherited across
    exec; a handler is not, it becomes the default)."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


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


# The test databases run without waiting for each commit to reach the disk: a test setting
# of the connections the tests make (and of the CLI processes they start), never production's.
TEST_OPTIONS = "%20-csynchronous_commit%3Doff"


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
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}{TEST_OPTIONS}"
    finally:
        with psycopg.connect(POSTGRES_DSN, autocommit=True) as connection:
            connection.execute("SET synchronous_commit = off")
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


def _schema_of(url: str) -> str:
    return url.partition("search_path%3D")[2].partition("%20")[0]


SCHEMA_TOKEN = "newsarchive_template_schema"


@functools.lru_cache(maxsize=1)
def _postgres_archive_sql() -> str | None:
    """The SQL (pg_dump) that fills an empty schema named SCHEMA_TOKEN with a newly migrated
    archive: the same archive as the migrations make, in a fraction of the time. Made once
    per test run; None without a pg_dump that can dump this server (each archive is migrated
    then)."""
    if shutil.which("pg_dump") is None:
        return None
    schema_url = _postgres_schema()
    url = next(schema_url)
    schema = _schema_of(url)
    try:
        open_archive(url).engine.dispose()
        dumped = subprocess.run(
            ["pg_dump", "--host", "127.0.0.1", "--port", "5432", "--username", "postgres", "--dbname", "test",
             "--schema", schema, "--no-owner", "--no-privileges", "--inserts"],
            capture_output=True, text=True,
        )
    finally:
        schema_url.close()
    if dumped.returncode != 0:  # e.g. a pg_dump older than the server
        return None
    dump = dumped.stdout
    lines = [
        line for line in dump.splitlines()
        if not line.startswith("\\") and line != f"CREATE SCHEMA {schema};"  # psql commands; exists
    ]
    return "\n".join(lines).replace(schema, SCHEMA_TOKEN)


BACKENDS = ["sqlite", "postgresql"]


def new_archive_url(backend: str, folder: Path) -> Iterator[str]:
    """`--db` of a new, empty archive: a SQLite file in `folder`, or a PostgreSQL URL (own
    schema, dropped afterwards)."""
    if backend == "sqlite":
        yield str(folder / "archive.db")
    else:
        yield from _postgres_schema()


@pytest.fixture(params=BACKENDS)
def archive_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """`--db` of a new, empty archive, on each backend."""
    yield from new_archive_url(request.param, tmp_path)


@pytest.fixture(scope="session")
def sqlite_archive_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A newly migrated SQLite archive, made once: `archive` copies it instead of migrating."""
    path = tmp_path_factory.mktemp("template") / "archive.db"
    open_archive(str(path)).engine.dispose()
    return path


@contextmanager
def migrated_archive(request: pytest.FixtureRequest, url: str) -> Iterator[Archive]:
    """The new archive at `url`, opened: migrated to the newest schema, by a copy of an
    archive migrated once per run (the migrations themselves: tests/test_store_schema.py)."""
    if url.startswith("postgresql"):
        sql = _postgres_archive_sql()
        if sql is not None:
            import psycopg

            with psycopg.connect(POSTGRES_DSN, autocommit=True) as connection:
                connection.execute("SET synchronous_commit = off")
                with connection.transaction():
                    connection.execute(sql.replace(SCHEMA_TOKEN, _schema_of(url)))
    elif not Path(url).exists():
        shutil.copyfile(request.getfixturevalue("sqlite_archive_template"), url)
    with open_archive(url) as opened:
        yield opened


@pytest.fixture
def archive(request: pytest.FixtureRequest, archive_url: str) -> Iterator[Archive]:
    """The new archive of `archive_url`, opened and migrated."""
    with migrated_archive(request, archive_url) as opened:
        yield opened
