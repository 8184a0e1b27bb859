"""The schema: created by the migrations, equal to the models, guarded against newer revisions."""

from __future__ import annotations

import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from newsarchive.store.archive import open_archive
from newsarchive.store.db import ArchiveError, database_url, make_engine
from newsarchive.store.migrate import include_object, known_revisions, script_directory
from newsarchive.store.tables import metadata


# Indexes on expressions (migration 0003_query) cannot be reflected on SQLite; no model has them.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_models_and_migrations_agree(archive):
    with archive.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": include_object, "compare_type": True}
        )
        assert compare_metadata(context, metadata) == []


def test_new_archive_is_migrated_to_every_head(archive):
    assert set(archive.revisions()) == set(script_directory().get_heads())


def test_revisions_read_from_the_migration_files_are_alembics():
    script = script_directory()
    known, heads = known_revisions()
    assert known == {revision.revision for revision in script.walk_revisions()}
    assert heads == set(script.get_heads())


def test_archive_newer_than_the_tool_is_refused_and_untouched(archive_url):
    open_archive(archive_url).close()
    with make_engine(archive_url).begin() as connection:
        connection.execute(text("DELETE FROM alembic_version"))
        connection.execute(text("INSERT INTO alembic_version VALUES ('9999_future')"))
        before = sorted(connection.execute(text("SELECT * FROM alembic_version")).all())
    with pytest.raises(ArchiveError, match="newer than this newsarchive"):
        open_archive(archive_url)
    with make_engine(archive_url).connect() as connection:
        assert sorted(connection.execute(text("SELECT * FROM alembic_version")).all()) == before


def test_sqlite_archive_uses_wal_and_foreign_keys(tmp_path):
    path = tmp_path / "a.db"
    with open_archive(str(path)) as archive:
        with archive.engine.connect() as connection:
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() > 0
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_plain_path_is_a_sqlite_file_and_urls_pass_through(tmp_path):
    assert database_url(str(tmp_path / "a.db")) == f"sqlite:///{tmp_path}/a.db"
    assert database_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"


def test_opening_and_reading_do_not_wait_for_a_writer(tmp_path):
    import time

    from newsarchive.store.db import BUSY_TIMEOUT_MS, write_transaction

    path = str(tmp_path / "a.db")
    open_archive(path).close()
    writer = make_engine(path)
    with write_transaction(writer) as writing:
        writing.execute(text("INSERT INTO agencies (name) VALUES ('ANP')"))
        start = time.monotonic()
        with open_archive(path) as reader, reader.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM agencies")).scalar() == 0
        assert time.monotonic() - start < BUSY_TIMEOUT_MS / 1000 / 2
    writer.dispose()


def test_migrations_form_one_line_from_base_to_head():
    """Migrations added on parallel branches must be re-chained, not left as two heads."""
    revisions = list(script_directory().walk_revisions())
    assert [len(script_directory().get_heads()), len(revisions)] == [1, len(known_revisions()[0])]
    assert [revision.down_revision for revision in revisions][-1] is None
    assert all(isinstance(revision.down_revision, str) for revision in revisions[:-1])
