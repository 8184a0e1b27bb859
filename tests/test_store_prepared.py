"""store/db.py `Prepared`: the same rows and values as `Connection.execute` of the statement
(the oracle), on each backend: bind and result types processed, statement values kept."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import DBAPIError

from newsarchive.fetch.frontier import FRONTIER
from newsarchive.fetch.politeness import HOSTS
from newsarchive.store.db import Prepared, in_bound_list, write_transaction
from newsarchive.store.responses import RESPONSES

FETCHED = datetime(2026, 3, 17, 9, 30, 15, 250000, tzinfo=timezone.utc)


def _insert_response(connection, url: str) -> dict:
    return {"url": url, "final_url": url, "status": 200, "headers": "{}",
            "fetched_at": FETCHED, "content_hash": None, "page_id": None}


def test_an_insert_returning_gives_the_id_and_stores_what_execute_would(archive):
    statement = RESPONSES.insert().returning(RESPONSES.c.id, RESPONSES.c.fetched_at)
    with write_transaction(archive.engine) as connection:
        [row] = Prepared(statement).rows(connection, _insert_response(connection, "http://a/1"))
        [oracle] = connection.execute(statement, _insert_response(connection, "http://a/2")).all()
        stored = connection.execute(select(RESPONSES.c.url, RESPONSES.c.fetched_at)
                                    .order_by(RESPONSES.c.id)).all()
    assert row.id == oracle.id - 1
    assert row.fetched_at == oracle.fetched_at == FETCHED  # microseconds kept (0015)
    assert [tuple(r) for r in stored] == [("http://a/1", FETCHED), ("http://a/2", FETCHED)]


def test_an_update_keeps_the_values_written_in_the_statement(archive):
    statement = (update(HOSTS).where(HOSTS.c.host == bindparam("row_host"))
                 .values(lease_owner=None, backoff_level=3,
                         lease_until=bindparam("until", type_=HOSTS.c.lease_until.type))
                 .returning(HOSTS.c.host, HOSTS.c.backoff_level, HOSTS.c.lease_until))
    with write_transaction(archive.engine) as connection:
        connection.execute(HOSTS.insert(), [{"host": "a", "backoff_level": 0, "lease_owner": "x"},
                                            {"host": "b", "backoff_level": 0, "lease_owner": "x"}])
        rows = Prepared(statement).rows(connection, {"row_host": "a", "until": 12.5})
        assert Prepared(statement).rows(connection, {"row_host": "zz", "until": 1.0}) == []
        stored = connection.execute(select(HOSTS.c.host, HOSTS.c.lease_owner,
                                           HOSTS.c.backoff_level, HOSTS.c.lease_until)
                                    .order_by(HOSTS.c.host)).all()
    assert [tuple(row) for row in rows] == [("a", 3, 12.5)]
    assert [tuple(row) for row in stored] == [("a", None, 3, 12.5), ("b", "x", 0, None)]


def test_a_refused_value_raises_sqlalchemys_error(archive):
    statement = Prepared(RESPONSES.insert())
    with pytest.raises(DBAPIError), write_transaction(archive.engine) as connection:
        statement.rows(connection, {**_insert_response(connection, "http://a/"), "url": None})


def test_a_statement_with_python_side_defaults_is_refused(archive):
    statement = Prepared(FRONTIER.insert())  # failure_count's default is Python's
    with write_transaction(archive.engine) as connection, pytest.raises(ValueError):
        statement.rows(connection, {"url": "http://a/", "host": "a", "state": "pending"})


def test_an_in_list_parameter_is_refused_on_sqlite(tmp_path):
    from newsarchive.store.archive import open_archive

    with open_archive(str(tmp_path / "a.db")) as archive:
        condition = in_bound_list(FRONTIER.c.url, "wanted", "sqlite")
        statement = Prepared(select(FRONTIER.c.id).where(condition))
        with archive.engine.connect() as connection, pytest.raises(ValueError):
            statement.rows(connection, {"wanted": ["http://a/"]})
