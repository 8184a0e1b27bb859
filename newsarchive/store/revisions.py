"""Which schema revision an archive is at, without alembic or the ORM (read commands use it).

The revisions this newsarchive knows are read from the shipped migration files' `revision` and
`down_revision` lines (a test checks them against alembic's own script directory).
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

from sqlalchemy import Connection, inspect, text

from .db import ArchiveError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
VERSION_TABLE = "alembic_version"
# `revision = ...` and `down_revision = ...` lines of a migration file (alembic's own template).
REVISION_LINE = re.compile(r"^(revision|down_revision)\s*(?::[^=]*)?=\s*(.+?)\s*$", re.MULTILINE)


@functools.lru_cache(maxsize=1)
def known_revisions() -> tuple[frozenset[str], frozenset[str]]:
    """(every revision, the heads) of the shipped migrations, read from the files' revision
    lines without alembic's script machinery (a test checks both against alembic's)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        values = dict(REVISION_LINE.findall(path.read_text(encoding="utf-8")))
        if "revision" not in values:
            continue
        revisions.add(ast.literal_eval(values["revision"]))
        down = ast.literal_eval(values.get("down_revision", "None"))
        parents.update([down] if isinstance(down, str) else down or ())
    return frozenset(revisions), frozenset(revisions - parents)


def current_revisions(connection: Connection) -> tuple[str, ...]:
    """The archive's revisions (alembic's version table), empty for a new database."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return ()
    rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))
    return tuple(row[0] for row in rows)


def archive_state(connection: Connection) -> str:
    """'empty', 'current' or 'behind'; raises ArchiveError for a newer or foreign database."""
    current = current_revisions(connection)
    known, heads = known_revisions()
    if not current:
        if inspect(connection).get_table_names():
            raise ArchiveError("the database has tables but is not a newsarchive archive")
        return "empty"
    unknown = sorted(set(current) - known)
    if unknown:
        raise ArchiveError(
            f"the archive is at revision {', '.join(unknown)}, newer than this newsarchive "
            f"knows ({', '.join(sorted(heads))}); upgrade newsarchive to use it"
        )
    return "current" if set(current) == heads else "behind"
