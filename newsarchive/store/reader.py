"""Opening an archive to read it: what `query`, `show`, `stats` and `db current` use.

Light on purpose (SQLAlchemy Core only: no ORM models, no alembic, no ingest code), so that a
read command starts fast. A read never creates, migrates or changes anything: a missing
archive is an error, a SQLite file is opened with `mode=ro` (and `immutable=1` where even the
WAL index cannot be made, e.g. on read-only media).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DatabaseError, OperationalError

from .db import ArchiveDamaged, ArchiveError, is_malformed, make_engine, sqlite_file_kind, sqlite_path
from .revisions import archive_state, current_revisions

NO_ARCHIVE = "no archive here (read commands create none: `newsarchive ingest`, `crawl` or `db upgrade` do)"


def damaged(reason: str) -> ArchiveDamaged:
    return ArchiveDamaged(f"the archive is damaged ({reason}); see `newsarchive db check`")


@contextmanager
def damage_as_archive_error() -> Iterator[None]:
    """SQLite's "database disk image is malformed" (and kin) as one readable ArchiveError."""
    try:
        yield
    except DatabaseError as exc:
        if is_malformed(exc):
            raise damaged(str(exc.orig).strip().splitlines()[0]) from None
        raise


class ArchiveReader:
    """An open archive, for reading. Use as a context manager, or call `close()`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> ArchiveReader:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def read_only_engine(db: str) -> Engine:
    """An engine that reads `db` and can change nothing; ArchiveError when there is no archive
    or the file is no SQLite database (checked before SQLite opens it)."""
    path = sqlite_path(db)
    if path is None:
        return make_engine(db)
    if sqlite_file_kind(path) != "sqlite":
        raise ArchiveError(NO_ARCHIVE)
    engine = make_engine(db, mode="read")
    try:
        _probe(engine)
        return engine
    except OperationalError as exc:
        engine.dispose()
        if "unable to open" not in str(exc.orig):
            raise
    # mode=ro cannot make the WAL index (-shm) here: read the file as it is, without locks.
    engine = make_engine(db, mode="immutable")
    try:
        _probe(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


def _probe(engine: Engine) -> None:
    with damage_as_archive_error(), engine.connect() as connection:
        connection.execute(text("SELECT count(*) FROM sqlite_master")).scalar_one()


def open_reader(db: str) -> ArchiveReader:
    """The archive `db`, to read; ArchiveError (one line) for a missing, empty, foreign, older
    or newer archive."""
    engine = read_only_engine(db)
    try:
        with engine.connect() as connection:
            _check_readable(connection)
    except BaseException:
        engine.dispose()
        raise
    return ArchiveReader(engine)


def _check_readable(connection: Connection) -> None:
    with damage_as_archive_error():
        state = archive_state(connection)
    if state == "empty":
        raise ArchiveError(NO_ARCHIVE)
    if state == "behind":
        raise ArchiveError(
            "the archive's schema is older than this newsarchive; run `newsarchive db upgrade` first"
        )


def integrity_problems(engine: Engine, full: bool = False) -> list[str]:
    """What SQLite's `PRAGMA quick_check` (or the slower `integrity_check`, `full`) reports
    wrong with the file: [] when it is sound."""
    pragma = "integrity_check" if full else "quick_check"
    try:
        with engine.connect() as connection:
            rows = [row[0] for row in connection.exec_driver_sql(f"PRAGMA {pragma}")]
    except DatabaseError as exc:
        if is_malformed(exc):
            return [str(exc.orig).strip().splitlines()[0]]
        raise
    if rows == ["ok"]:
        return []
    # A row may hold several lines, headed by "*** in database main ***".
    return [line for row in rows for line in row.splitlines() if line and not line.startswith("***")]


STATE_TEXT = {"current": "newest", "behind": "older than this newsarchive: run `newsarchive db upgrade`"}


def archive_status(db: str) -> tuple[tuple[str, ...], str]:
    """The archive's revisions and a phrase saying how they stand; creates and changes nothing.
    ArchiveError for a missing, foreign, newer or damaged archive."""
    engine = read_only_engine(db)
    try:
        with damage_as_archive_error(), engine.connect() as connection:
            state = archive_state(connection)
            revisions = current_revisions(connection)
    finally:
        engine.dispose()
    if state == "empty":
        raise ArchiveError(NO_ARCHIVE)
    return revisions, STATE_TEXT[state]
