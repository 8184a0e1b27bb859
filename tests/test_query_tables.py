"""The light Core tables of the read path describe the models' tables exactly."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import Integer, LargeBinary, String

from newsarchive.query import tables as light
from newsarchive.store.tables import metadata
from newsarchive.store.types import PreciseUTCDateTime, UTCDateTime


def kinds(table) -> list[tuple[str, str]]:
    def kind(column) -> str:
        if isinstance(column.type, PreciseUTCDateTime):
            return "time to the microsecond"
        if isinstance(column.type, UTCDateTime):
            return "time"
        if isinstance(column.type, Integer):
            return "integer"
        assert isinstance(column.type, String) and not isinstance(column.type, LargeBinary)
        return "text"
    return [(column.name, kind(column)) for column in table.columns]


@pytest.mark.parametrize("name", sorted(light.metadata.tables))
def test_every_column_of_the_model_with_its_kind_of_type(name):
    assert kinds(light.metadata.tables[name]) == kinds(metadata.tables[name])


def test_a_read_command_imports_neither_the_orm_nor_alembic_nor_the_ingest_code():
    """Nor items.py, whose dataclasses cost a read command's start more than its query: what
    the read path shares with them lives in values.py."""
    code = ("import sys; from newsarchive.cli import cli; import newsarchive.query.output, "
            "newsarchive.query.search, newsarchive.store.reader; "
            "print(sorted(m for m in sys.modules if m.startswith(('sqlalchemy.orm', 'alembic', "
            "'newsarchive.store.ingest', 'newsarchive.store.models', 'newsarchive.parse', "
            "'newsarchive.pipeline', 'newsarchive.items', 'zstandard'))))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout == "[]\n"
