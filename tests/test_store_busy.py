"""A busy database is waited out, a bounded number of times; other errors surface at once."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy.exc import OperationalError

from newsarchive.store import db


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


def test_other_database_errors_are_not_retried():
    work, calls = flaky(1, "no such table: items")
    with pytest.raises(OperationalError, match="no such table"):
        db.retry_when_busy(work)
    assert len(calls) == 1
