"""A busy database is waited out, a bounded number of times; other errors surface at once."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

import pytest
from conftest import POSTGRES_DSN, migrated_archive, new_archive_url
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from newsarchive.fetch.frontier import Frontier
from newsarchive.store import db
from newsarchive.store.archive import open_archive


def flaky(failures: int, message: str):
    calls = []

    def work() -> str:
        calls.append(1)
        if len(calls) <= failures:
            raise OperationalError("BEGIN", {}, sqlite3.OperationalError(message))
        return "done"

    return work, calls


def test_busy_database_is_tried_again_until_it_answers(monkeypatch):
    monkeypatch.setattr(db.time, "sleep", lambda seconds: None)
    work, calls = flaky(3, "database is locked")
    assert db.retry_when_busy(work) == "done"
    assert len(calls) == 4


def test_busy_database_gives_up_after_a_bounded_number_of_attempts(monkeypatch):
    monkeypatch.setattr(db.time, "sleep", lambda seconds: None)
    work, calls = flaky(db.WRITE_ATTEMPTS, "database is locked")
    with pytest.raises(OperationalError, match="locked"):
        db.retry_when_busy(work)
    assert len(calls) == db.WRITE_ATTEMPTS


def test_a_write_that_meets_another_writers_lock_is_begun_again_once_it_is_free(
        tmp_path, monkeypatch):
    path = str(tmp_path / "archive.db")
    open_archive(path).engine.dispose()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # holds the write lock
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 20)
    monkeypatch.setattr(db.time, "sleep", lambda seconds: other.rollback())  # it lets go
    engine = db.make_engine(path)
    attempts = []

    def work(connection):
        attempts.append(1)
        return connection.exec_driver_sql("SELECT count(*) FROM crawl_hosts").scalar_one()

    try:
        assert db.with_retries(engine, work) == 0
    finally:
        engine.dispose()
    assert attempts == [1]  # the first attempt's BEGIN IMMEDIATE failed: "database is locked"


def test_other_database_errors_are_not_retried():
    work, calls = flaky(1, "no such table: items")
    with pytest.raises(OperationalError, match="no such table"):
        db.retry_when_busy(work)
    assert len(calls) == 1


@pytest.fixture
def postgres_archive(request, tmp_path):
    for url in new_archive_url("postgresql", tmp_path):
        with migrated_archive(request, url) as opened:
            yield opened


def close_server_side(engine) -> int:
    """End, from the server's side, the backend of the connection the pool hands out next (as a
    restart of PostgreSQL does); returns how many it ended."""
    import psycopg

    with engine.connect() as connection:
        pid = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
    with psycopg.connect(POSTGRES_DSN, autocommit=True) as admin:
        return admin.execute("SELECT count(*) FROM (SELECT pg_terminate_backend(%s)) AS ended",
                             (pid,)).fetchone()[0]


def test_a_connection_the_server_closed_is_replaced_for_a_write_and_a_read(postgres_archive):
    engine = postgres_archive.engine
    frontier = Frontier(engine)
    assert close_server_side(engine) == 1
    # the write meets the dead connection: it is run again on a new one
    frontier.add(["http://a.example/1"], "article", None, datetime(2026, 3, 17, tzinfo=timezone.utc))
    assert close_server_side(engine) == 1
    assert frontier.get("http://a.example/1").state == "pending"  # and so is a read


def test_a_connection_idle_in_the_pool_is_pinged_first(postgres_archive, monkeypatch):
    engine = postgres_archive.engine
    monkeypatch.setattr(db, "IDLE_PING_SECONDS", 3600.0)  # in steady use: no ping
    assert close_server_side(engine) == 1
    with pytest.raises(OperationalError), engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    monkeypatch.setattr(db, "IDLE_PING_SECONDS", 0.0)  # idle long enough: pinged
    assert close_server_side(engine) == 1
    with engine.connect() as connection:  # no retry around it: the ping found it dead
        assert connection.execute(text("SELECT 1")).scalar_one() == 1
