"""Kinds and states are enumerations in one place, with the same text in the database."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import get_args

from click.testing import CliRunner

from newsarchive.cli import cli
from newsarchive.items import PageKind, StoredPageKind
from newsarchive.store.evidence import WindowSource
from newsarchive.values import ItemKind

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"


def check_values(connection: sqlite3.Connection, table: str, column: str) -> set[str]:
    """The values the migrated table's CHECK constraint allows for `column`."""
    [sql] = connection.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    [listed] = re.findall(rf"\b{column} IN \(([^)]*)\)", sql)
    return set(re.findall(r"'([^']*)'", listed))


def test_the_migrated_schema_allows_exactly_the_enumerations(tmp_path):
    db = tmp_path / "a.db"
    result = CliRunner().invoke(cli, ["ingest", str(SEEDS), "--fetched-at", "2026-03-17T12:00Z",
                                      "--db", str(db)])
    assert result.exit_code == 0, result.output
    connection = sqlite3.connect(db)
    assert check_values(connection, "items", "kind") == {"article", "teaser"} == {k.value for k in ItemKind}
    assert check_values(connection, "items", "window_source") == {s.value for s in WindowSource}
    assert check_values(connection, "pages", "kind") == {"article", "listing"} == {k.value for k in StoredPageKind}
    stored = {row for row in connection.execute("SELECT DISTINCT kind, window_source FROM items")}
    assert stored == {("article", "none"), ("teaser", "relative_age")}


def test_stored_page_kinds_are_the_parser_kinds_less_unknown():
    assert set(get_args(PageKind)) - {"unknown"} == {k.value for k in StoredPageKind}
