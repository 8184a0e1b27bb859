"""Connecting to an archive: the `--db` value, the engine, SQLite pragmas, write transactions."""

from __future__ import annotations

import collections
import functools
import operator
import os
import random
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Table,
    Update,
    all_,
    any_,
    bindparam,
    create_engine,
    event,
    update,
)
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError, SQLAlchemyError

T = TypeVar("T")

BUSY_TIMEOUT_MS = 30_000
WRITE_ATTEMPTS = 8
# SQLite says "database is locked" / "busy"; PostgreSQL 40P01 deadlock, 40001 serialization.
CHUNK = 500  # bound parameters per IN list
TRANSIENT_MARKERS = ("database is locked", "database is busy", "deadlock", "could not serialize")
# A server connection unused this long is pinged before it is used again (pool_pre_ping pings
# before every use: a round trip per transaction of a crawl, which checks out one for every
# claim and write); one that breaks in steady use fails and is replaced, see retry_when_busy.
IDLE_PING_SECONDS = 1.0


class ArchiveError(Exception):
    """A problem with the archive the user must act on (one readable line)."""


class ArchiveDamaged(ArchiveError):
    """SQLite reports the file as damaged (malformed pages, a truncated file)."""


SQLITE_HEADER = b"SQLite format 3\x00"
# What SQLite says of a file whose pages are damaged (PRAGMA quick_check / integrity_check too).
MALFORMED_MARKERS = ("malformed", "not a database", "file is not a database")


def database_url(db: str) -> str:
    """`--db` as a SQLAlchemy URL: a plain path is a SQLite file, anything with `://` a URL."""
    if "://" in db:
        return db
    return "sqlite:///" + os.path.abspath(os.path.expanduser(db))


def sqlite_path(db: str) -> str | None:
    """The absolute file path of a SQLite `--db`, None for another database."""
    url = database_url(db)
    if not url.startswith("sqlite"):
        return None
    from sqlalchemy import make_url

    return make_url(url).database or None


def sqlite_file_kind(path: str) -> str:
    """'missing', 'empty' (no bytes yet) or 'sqlite'; ArchiveError for a file that is no SQLite
    database. Reads the first 16 bytes only: nothing is opened with SQLite, nothing changes."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return "missing"
    except IsADirectoryError:
        raise ArchiveError("is a directory, not an archive") from None
    except OSError as exc:
        raise ArchiveError(f"cannot read the archive: {exc.strerror or exc}") from None
    if not header:
        return "empty"
    if header != SQLITE_HEADER:
        raise ArchiveError("not a newsarchive archive (not a SQLite database)")
    return "sqlite"


def make_engine(db: str, *, mode: str = "write") -> Engine:
    """The engine of `db`. On SQLite, `mode` says how the file is opened:

    - `write`: read-write, switched to WAL (this changes the file for good: archives only);
    - `check`: read-write but no pragma that writes, to look at a file before writing to it
      (closing it removes the -wal and -shm files it made);
    - `read`: `mode=ro`: nothing can be written, so a read works on read-only media;
    - `immutable`: `mode=ro&immutable=1`, also without locks and the WAL (when even the -shm
      file cannot be made; a crawl writing at the same time is not seen, or seen half-way).
    """
    url = database_url(db)
    if not url.startswith("sqlite"):
        engine = create_engine(url)
        _ping_when_idle(engine)
        return engine
    if mode in ("read", "immutable"):
        engine = create_engine(url, creator=_read_only_connector(sqlite_path(db) or "", mode == "immutable"))
    else:
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
    _configure_sqlite(engine, write=mode == "write")
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """Before a pooled connection unused for IDLE_PING_SECONDS is used, ping it; a dead one
    (the server restarted meanwhile) is replaced by a new connection."""

    @event.listens_for(engine, "checkin")
    def on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < IDLE_PING_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError("the connection was closed by the server") from exc


def _read_only_connector(path: str, immutable: bool) -> Callable[[], Any]:
    import sqlite3
    from urllib.parse import quote

    uri = f"file:{quote(path)}?mode=ro" + ("&immutable=1" if immutable else "")

    def connect() -> Any:
        return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)

    return connect


def is_malformed(exc: BaseException) -> bool:
    text = str(getattr(exc, "orig", None) or exc).lower()
    return any(marker in text for marker in MALFORMED_MARKERS)


def _configure_sqlite(engine: Engine, *, write: bool) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself (pysqlite's own BEGIN is deferred and comes late).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if write:  # journal_mode changes the file for good: only on an archive being written
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        # Writers take the write lock up front so that concurrent writers queue on the busy
        # timeout instead of failing when a read transaction tries to become a write one.
        writing = connection.get_execution_options().get("newsarchive_write", False)
        statement = "BEGIN IMMEDIATE" if writing else "BEGIN"
        # to the driver: every claim and write begins so, and exec_driver_sql costs more
        # than the BEGIN; its error as SQLAlchemy's, so that retry_when_busy sees a busy one
        driver = connection.connection.driver_connection
        assert driver is not None  # a connection being begun has its driver's
        try:
            driver.execute(statement)
        except sqlite3.Error as exc:
            raise DBAPIError.instance(statement, (), exc, sqlite3.Error) from exc


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A connection in a write transaction: committed on success, rolled back on error."""
    with engine.connect() as connection:
        connection = connection.execution_options(newsarchive_write=True)
        with connection.begin():
            yield connection


# PostgreSQL's SQLSTATE classes of an error in the values being written: 22 data exception (a
# NUL in text, a number out of range), 23 integrity constraint, 54 program limit exceeded (an
# index row too large)
DATA_ERROR_CLASSES = frozenset({"22", "23", "54"})
# PEP 249's exceptions for the same (SQLite raises these, and psycopg before sending a value)
DATA_ERROR_NAMES = frozenset({"DataError", "IntegrityError"})


def is_data_error(exc: BaseException) -> bool:
    """The database refused a value of the rows being written: the business of the page being
    stored, where any other database error (gone, locked, full, damaged, a statement it cannot
    run) is the archive's. Driver exceptions (psycopg's from a COPY) count as SQLAlchemy's."""
    driver = exc.orig if isinstance(exc, DBAPIError) else exc
    sqlstate = getattr(driver, "sqlstate", None)
    if isinstance(sqlstate, str) and sqlstate:
        return sqlstate[:2] in DATA_ERROR_CLASSES
    return any(kind.__name__ in DATA_ERROR_NAMES for kind in type(driver).__mro__)


def is_database_error(exc: BaseException) -> bool:
    """An exception from the database: SQLAlchemy's, or its driver's (PEP 249 `Error`)."""
    return isinstance(exc, SQLAlchemyError) or any(
        kind.__name__ == "Error" and kind.__module__.split(".")[0] in ("sqlite3", "psycopg")
        for kind in type(exc).__mro__)


def database_reason(exc: BaseException) -> str:
    """The first line of what the database (its driver) said, without the statement and its
    values (SQLAlchemy adds them to its own message)."""
    driver = getattr(exc, "orig", None) or exc
    lines = str(driver).replace("\0", "").strip().splitlines()
    return lines[0][:200] if lines else type(driver).__name__


def is_transient(exc: DBAPIError) -> bool:
    """Worth another attempt: a busy database, a deadlock, or a connection the server closed
    (SQLAlchemy has then replaced the pool's connections: the next attempt gets a new one)."""
    if exc.connection_invalidated:
        return True
    if not isinstance(exc, OperationalError):
        return False
    text = str(exc.orig).lower() if exc.orig is not None else str(exc).lower()
    return any(marker in text for marker in TRANSIENT_MARKERS)


def retry_when_busy(work: Callable[[], T]) -> T:
    """`work()`, again on a busy database, a deadlock or a lost connection (bounded, with
    backoff and jitter).

    SQLite can answer "database is locked" without waiting out the busy timeout (switching a
    new file to WAL, a reader meeting a checkpoint), so the timeout alone is not enough.
    """
    for attempt in range(WRITE_ATTEMPTS):
        try:
            return work()
        except DBAPIError as exc:
            if not is_transient(exc) or attempt == WRITE_ATTEMPTS - 1:
                raise
            time.sleep(min(2.0, 0.05 * 2**attempt) * (0.5 + random.random()))
    raise AssertionError("unreachable")


def with_retries(engine: Engine, work: Callable[[Connection], T]) -> T:
    """Run `work` in one write transaction, again on a busy database or a deadlock (bounded)."""

    def attempt() -> T:
        with write_transaction(engine) as connection:
            return work(connection)

    return retry_when_busy(attempt)


def read_with_retries(engine: Engine, work: Callable[[Connection], T]) -> T:
    """`work` on a connection (no write transaction), again as `retry_when_busy` says."""

    def attempt() -> T:
        with engine.connect() as connection:
            return work(connection)

    return retry_when_busy(attempt)


def insert_for(connection: Connection, table: Table) -> Any:
    return _insert_of(connection.dialect.name, table)


def _insert_of(dialect: str, table: Table) -> Any:
    # The dialect's module only when needed: importing PostgreSQL's costs every SQLite command.
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)


@functools.lru_cache(maxsize=64)
def insert_ignoring(dialect: str, table: Table, key: tuple[str, ...]) -> Any:
    """`INSERT ... ON CONFLICT (key) DO NOTHING` for the dialect, built once (statements built
    per row cost more than their execution: SQLAlchemy derives each one's cache key)."""
    return _insert_of(dialect, table).on_conflict_do_nothing(index_elements=list(key))


@functools.lru_cache(maxsize=256)
def update_where(table: Table, key: str, columns: tuple[str, ...]) -> Update:
    """`UPDATE table SET columns WHERE key = ...`, built once per shape: execute it with the
    values of `set_values(key, value, values)`."""
    return update(table).where(table.c[key] == bindparam(f"where_{key}", type_=table.c[key].type)).values(
        {name: bindparam(f"set_{name}", type_=table.c[name].type) for name in columns}
    )


@functools.lru_cache(maxsize=256)
def prepared_update_where(table: Table, key: str, columns: tuple[str, ...]) -> Prepared:
    """`update_where` as a `Prepared` statement (each kept response marks its URL)."""
    return Prepared(update_where(table, key, columns))


@functools.lru_cache(maxsize=64)
def prepared_insert_ignoring(dialect: str, table: Table, key: tuple[str, ...]) -> Prepared:
    """`insert_ignoring` as a `Prepared` statement, for one row at a time."""
    return Prepared(insert_ignoring(dialect, table, key))


def set_values(key: str, value: Any, values: dict[str, Any]) -> dict[str, Any]:
    """The parameters of `update_where(table, key, tuple(values))` setting `values` where `key`
    is `value`."""
    return {f"where_{key}": value, **{f"set_{name}": column_value for name, column_value in values.items()}}


def chunks(values: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def among(connection: Connection, column: ColumnElement[Any], values: Sequence[Any]) -> Iterator[ColumnElement[bool]]:
    """`column IN values` as conditions, one per query to run. PostgreSQL: one for all the
    values, `= ANY` of one array parameter, so the statement is the same whatever their number
    (compiled and prepared once, where an IN list of CHUNK values is rendered and parsed again
    for every query); elsewhere CHUNK values each. For integer and text columns."""
    if connection.dialect.name != "postgresql":
        yield from (column.in_(part) for part in chunks(values))
    elif values:
        from sqlalchemy.dialects.postgresql import ARRAY

        yield column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))


def in_bound_list(column: ColumnElement[Any], name: str, dialect: str, *,
                  negate: bool = False) -> ColumnElement[bool]:
    """`column IN :name` (`NOT IN` when `negate`), the list bound when the statement runs.
    PostgreSQL: `= ANY` (`<> ALL`) of one array parameter, so the statement is compiled and
    prepared once whatever the list's length (as `among`); elsewhere an expanding IN, rendered
    for each execution. For integer and text columns."""
    if dialect != "postgresql":
        values = bindparam(name, expanding=True, type_=column.type)
        return column.not_in(values) if negate else column.in_(values)
    from sqlalchemy.dialects.postgresql import ARRAY

    array = bindparam(name, type_=ARRAY(column.type))
    # not `~(column == any_(...))`: SQLAlchemy negates that to `column != ANY (...)`
    return column != all_(array) if negate else column == any_(array)


def insert_many(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """A plain executemany INSERT straight to the driver: the hot path of ingest.

    Same values as ``connection.execute(table.insert(), rows)`` (each column's own bind
    processing is applied), without SQLAlchemy's per-row parameter handling.
    """
    if rows:
        columns = list(rows[0])
        insert_rows(connection, table, columns, list(map(operator.itemgetter(*columns), rows)))


def insert_rows(
    connection: Connection, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """`insert_many` of rows given as tuples of the columns' values."""
    if not rows:
        return
    quote = connection.dialect.identifier_preparer.quote
    target = f"{quote(table.name)} ({', '.join(map(quote, columns))})"
    values = _driver_rows(connection, table, columns, rows)
    if connection.dialect.name == "postgresql":
        # COPY, in the connection's transaction: the rows in one stream, where an executemany
        # costs the driver a message per row (inserts' triggers fire for COPY as well)
        driver = connection.connection.driver_connection
        assert driver is not None  # a connection in a transaction has its driver's
        with driver.cursor() as cursor:
            with cursor.copy(f"COPY {target} FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        return
    markers = ", ".join([_marker(connection)] * len(columns))
    connection.exec_driver_sql(f"INSERT INTO {target} VALUES ({markers})", values)


def update_many(
    connection: Connection, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """A plain executemany ``UPDATE table SET columns WHERE id``; each row is (*values, id)."""
    quote = connection.dialect.identifier_preparer.quote
    marker = _marker(connection)
    assignments = ", ".join(f"{quote(name)} = {marker}" for name in columns)
    connection.exec_driver_sql(
        f"UPDATE {quote(table.name)} SET {assignments} WHERE id = {marker}",
        _driver_rows(connection, table, [*columns, "id"], rows),
    )


def _marker(connection: Connection) -> str:
    return "?" if connection.dialect.paramstyle == "qmark" else "%s"


def _driver_rows(
    connection: Connection, table: Table, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]
) -> list[tuple[Any, ...]]:
    """Rows as the driver takes them: each column's own bind processing applied."""
    # Column by column, with C-level map/zip: this runs for every sighting.
    by_column = list(zip(*rows))
    for index, name in enumerate(columns):
        process = table.c[name].type.bind_processor(connection.dialect)
        if process is not None:
            by_column[index] = tuple(map(process, by_column[index]))
    return list(zip(*by_column))


class Prepared:
    """A statement of a hot path (every claim, every kept response) compiled once per dialect
    and set of parameter names, executed through the driver (`exec_driver_sql`: its errors
    are SQLAlchemy's, as `execute`'s). `Connection.execute` derives the statement's cache key
    and processes each of its parameters again on every call, which costs more than the
    statement itself; here each parameter gets its type's bind processing and each result
    column its type's result processing, as SQLAlchemy would. Not for statements with
    expanding (IN list) parameters or Python-side column defaults run at execution."""

    def __init__(self, statement: Any) -> None:
        self.statement = statement
        self._forms: dict[tuple[str, frozenset[str]], _PreparedForm] = {}

    def rows(self, connection: Connection, parameters: dict[str, Any]) -> list[Any]:
        """The result rows (named tuples) of the statement run with `parameters`."""
        key = (connection.dialect.name, frozenset(parameters))
        form = self._forms.get(key)
        if form is None:
            form = self._forms[key] = _PreparedForm(self.statement, connection.dialect, parameters)
        return form.run(connection, parameters)

    def execute(self, connection: Connection, parameters: dict[str, Any]) -> None:
        self.rows(connection, parameters)

    def scalar(self, connection: Connection, parameters: dict[str, Any]) -> Any:
        """The one value of the one result row."""
        (row,) = self.rows(connection, parameters)
        return row[0]


class _PreparedForm:
    def __init__(self, statement: Any, dialect: Any, parameters: dict[str, Any]) -> None:
        compiled = statement.compile(dialect=dialect, column_keys=sorted(parameters))
        if compiled.insert_prefetch or compiled.update_prefetch or any(
                bind.expanding for bind in compiled.binds.values()):
            raise ValueError("a statement with defaults run at execution or an IN list")
        self.sql: str = compiled.string
        self.positional: bool = compiled.positional
        names = list(compiled.positiontup or ()) if self.positional else list(compiled.binds)
        self.names = names
        self.escaped = [compiled.escaped_bind_names.get(name, name) for name in names]
        self.defaults = {name: bind.effective_value for name, bind in compiled.binds.items()
                         if not bind.required}
        self.bind_processors = [compiled.binds[name].type._cached_bind_processor(dialect)
                                for name in names]
        columns = self.columns = compiled._result_columns
        self.dialect = dialect
        self.result_processors: list[Any] | None = None  # from the first result's description
        self.row = collections.namedtuple(
            "PreparedRow", [column.keyname for column in columns], rename=True
        ) if columns else None

    def run(self, connection: Connection, parameters: dict[str, Any]) -> list[Any]:
        values = [parameters[name] if name in parameters else self.defaults[name]
                  for name in self.names]
        processed = [value if process is None else process(value)
                     for process, value in zip(self.bind_processors, values)]
        bound: Any = (tuple(processed) if self.positional
                      else dict(zip(self.escaped, processed)))
        result = connection.exec_driver_sql(self.sql, bound)
        if self.row is None:
            return []
        processors = self.result_processors
        if processors is None:  # the driver's type codes pick a processor (psycopg's floats)
            description = result.cursor.description
            processors = self.result_processors = [
                column.type._cached_result_processor(self.dialect, entry[1])
                for column, entry in zip(self.columns, description)]
        return [self.row(*(value if process is None else process(value)
                           for process, value in zip(processors, raw)))
                for raw in result.fetchall()]
