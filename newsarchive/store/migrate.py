"""Alembic, shipped in the package: the migration environment and revision checks.

Both the package's `migrations/env.py` (used by `newsarchive db upgrade` and by any command that
opens a new archive) and the developers' top-level `alembic/env.py` call `run_environment`.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, text

from .db import database_url, make_engine
from .revisions import (  # noqa: F401 - the revision checks, importable from here too
    MIGRATIONS_DIR,
    VERSION_TABLE,
    archive_state,
    current_revisions,
    known_revisions,
)
from .types import UTCDateTime

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

# Objects other migrations create with raw DDL and that no model describes: the full-text
# tables, the daily counts of the report (store/rollups.py).
IGNORED_TABLE_PREFIXES: tuple[str, ...] = ("items_fts", "report_")  # SQLite only
# Indexes of migration 0003_query, some on expressions no model can describe.
IGNORED_INDEX_PREFIXES: tuple[str, ...] = ("ix_query_",)


def alembic_config(connection: Connection | None = None) -> Config:
    # Alembic is imported only to migrate: checking the revision must not cost its import time.
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def script_directory() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def lock_for_migration(connection: Connection) -> None:
    """PostgreSQL: wait for any other process migrating the archive (until the caller's
    transaction ends): two processes creating one new archive at once, the second then finds
    it done. SQLite's write transaction excludes the other writers already."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(7172899301)"))


def upgrade(connection: Connection) -> None:
    """Bring the archive to every head revision, inside the caller's transaction."""
    archive_state(connection)  # refuses a newer archive before touching anything
    lock_for_migration(connection)
    from alembic import command

    command.upgrade(alembic_config(connection), "heads")


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    if type_ == "table":
        if obj.info.get("is_view"):
            return False
        if reflected and compare_to is None and (name or "").startswith(IGNORED_TABLE_PREFIXES):
            return False
    if type_ == "index" and reflected and compare_to is None:
        return not (name or "").startswith(IGNORED_INDEX_PREFIXES)
    return True


def render_item(type_: str, obj: Any, _autogen_context: Any) -> str | bool:
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "UTCDateTime()"
    return False


def _developer_url(context: Any) -> str:
    """The database of the developers' `alembic` command: `-x db=...`, NEWSARCHIVE_DB, ini."""
    return (
        context.get_x_argument(as_dictionary=True).get("db")
        or os.environ.get("NEWSARCHIVE_DB")
        or context.config.get_main_option("sqlalchemy.url")
        or "newsarchive.db"
    )


def _configure(context: Any, **options: Any) -> None:
    from .tables import metadata

    context.configure(
        target_metadata=metadata,
        include_object=include_object,
        render_item=render_item,
        compare_type=True,
        **options,
    )


def run_environment(context: Any) -> None:
    """The body of every env.py: run the migrations on the given or configured database."""
    if context.is_offline_mode():
        url = database_url(_developer_url(context))
        _configure(context, url=url, literal_binds=True, render_as_batch=url.startswith("sqlite"))
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run_online(context, connection)
        return
    engine = make_engine(_developer_url(context))
    try:
        with engine.connect() as connection:
            _run_online(context, connection)
            connection.commit()
    finally:
        engine.dispose()


def _run_online(context: Any, connection: Connection) -> None:
    _configure(
        context,
        connection=connection,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


# --- time columns to the microsecond (migrations 0014, 0015) --------------------------------

# The widths of UTCDateTime's and PreciseUTCDateTime's text on SQLite when these migrations
# were written: spelled out here, not read from types.py (a migration must not change later).
WHOLE_SECOND_WIDTH = len("2026-03-17T09:00:00Z")
PRECISE_WIDTH = len("2026-03-17T09:00:00.000000Z")


def times_to_microseconds(connection: Connection, table: str, column: str) -> None:
    """A UTCDateTime column becomes a PreciseUTCDateTime one. On SQLite its declared type
    becomes VARCHAR(27) and every value gets six fraction digits (``...09:00:00Z`` becomes
    ``...09:00:00.000000Z``: one width, so text order stays time order); PostgreSQL's
    `timestamptz` keeps microseconds already: nothing to do."""
    if connection.dialect.name != "sqlite":
        return
    _declare_sqlite_type(connection, table, column, f"VARCHAR({WHOLE_SECOND_WIDTH})",
                         f"VARCHAR({PRECISE_WIDTH})")
    connection.exec_driver_sql(
        f"UPDATE {table} SET {column} = substr({column}, 1, 19) || '.000000Z' "
        f"WHERE length({column}) = {WHOLE_SECOND_WIDTH}")


def times_to_seconds(connection: Connection, table: str, column: str) -> None:
    """The way back: the fractions dropped (a constraint on the column may then refuse it)."""
    if connection.dialect.name != "sqlite":
        connection.exec_driver_sql(f"UPDATE {table} SET {column} = date_trunc('second', {column})")
        return
    connection.exec_driver_sql(
        f"UPDATE {table} SET {column} = substr({column}, 1, 19) || 'Z' "
        f"WHERE length({column}) > {WHOLE_SECOND_WIDTH}")
    _declare_sqlite_type(connection, table, column, f"VARCHAR({PRECISE_WIDTH})",
                         f"VARCHAR({WHOLE_SECOND_WIDTH})")


def _declare_sqlite_type(connection: Connection, table: str, column: str, old: str, new: str) -> None:
    """A column's declared type in the schema's text, with the same affinity (TEXT): SQLite's
    documented `writable_schema` procedure, no copy of the table (its views, indexes and
    foreign keys stay); no data moves."""
    sql = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).scalar_one()
    declared = re.compile(rf"(?<![\w\"]){re.escape(column)} {re.escape(old)}(?= )")
    if len(declared.findall(sql)) != 1:
        raise RuntimeError(f"{table}.{column} is not declared {old}")
    version = connection.exec_driver_sql("PRAGMA schema_version").scalar_one()
    connection.exec_driver_sql("PRAGMA writable_schema = ON")
    connection.exec_driver_sql(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?",
        (declared.sub(f"{column} {new}", sql), table))
    connection.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    connection.exec_driver_sql("PRAGMA writable_schema = OFF")
