"""Opening an archive: what is refused is left as it was, reads create and change nothing,
read-only media can be read, damage is found and refused, every failure is one line."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsarchive.cli import cli

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "fixtures" / "seeds"
WHEN = "2026-03-17T12:00:00Z"
NO_ARCHIVE = ("no archive here (read commands create none: `newsarchive ingest`, `crawl` or "
              "`db upgrade` do)")
READ_COMMANDS = (["query"], ["show", "1"], ["stats"], ["db", "current"])


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def snapshot(folder: Path) -> dict[str, str]:
    """Every file of `folder` and the sha256 of its bytes."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def one_line(result) -> str:
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output, result.output
    return result.stderr


@pytest.fixture
def foreign_db(tmp_path) -> Path:
    """Another application's SQLite file (rollback journal, its own table)."""
    path = tmp_path / "other.db"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    connection.execute("INSERT INTO notes (text) VALUES ('boodschappen')")
    connection.commit()
    connection.close()
    return path


@pytest.fixture
def archive_db(tmp_path) -> Path:
    """A small archive of the seed pages, closed cleanly (no -wal or -shm beside it)."""
    path = tmp_path / "archive.db"
    assert invoke("ingest", str(SEEDS), "--fetched-at", WHEN, "--db", str(path)).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archive.db"]
    return path


@pytest.mark.parametrize("command", [["ingest", str(SEEDS / "000_e73d07e3b0bfa2d9.txt")],
                                     ["db", "upgrade"], ["crawl", "http://127.0.0.1:9/"],
                                     *READ_COMMANDS])
def test_a_foreign_sqlite_file_is_refused_byte_for_byte_untouched(foreign_db, command):
    before = snapshot(foreign_db.parent)
    result = invoke(*command, "--db", str(foreign_db))
    assert result.exit_code == 2
    assert one_line(result) == (f"newsarchive: {foreign_db}: the database has tables but is not a "
                                "newsarchive archive\n")
    assert snapshot(foreign_db.parent) == before  # same bytes, nothing beside it (-wal, .lock)
    connection = sqlite3.connect(foreign_db)
    assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)


@pytest.mark.parametrize("command", [["ingest", str(SEEDS)], ["db", "upgrade"], *READ_COMMANDS])
def test_a_file_that_is_no_sqlite_database_is_refused_untouched(tmp_path, command):
    path = tmp_path / "notes.db"
    path.write_bytes(b"dit is geen database\n" * 300)
    before = snapshot(tmp_path)
    result = invoke(*command, "--db", str(path))
    assert result.exit_code == 2
    assert one_line(result) == (f"newsarchive: {path}: not a newsarchive archive "
                                "(not a SQLite database)\n")
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("command", READ_COMMANDS)
def test_read_commands_refuse_a_missing_archive_and_create_nothing(tmp_path, command):
    db = tmp_path / "typo.db"
    result = invoke(*command, "--db", str(db))
    assert result.exit_code == 2
    assert one_line(result) == f"newsarchive: {db}: {NO_ARCHIVE}\n"
    assert list(tmp_path.iterdir()) == []


def test_read_commands_refuse_a_missing_postgresql_archive(archive_url):
    if "://" not in archive_url:
        pytest.skip("the SQLite case is the test above")
    result = invoke("query", "--db", archive_url)
    assert result.exit_code == 2 and one_line(result) == f"newsarchive: {archive_url}: {NO_ARCHIVE}\n"
    assert invoke("stats", "--db", archive_url).exit_code == 2
    assert invoke("ingest", str(SEEDS), "--fetched-at", WHEN, "--db", archive_url).exit_code == 0
    assert invoke("stats", "--db", archive_url, "--format", "json").exit_code == 0


def test_a_read_does_not_switch_the_archive_file_or_write_it(archive_db):
    before = hashlib.sha256(archive_db.read_bytes()).hexdigest()
    assert invoke("query", "--db", str(archive_db)).exit_code == 0
    assert invoke("stats", "--db", str(archive_db)).exit_code == 0
    assert hashlib.sha256(archive_db.read_bytes()).hexdigest() == before


def _in_read_only_folder(folder: Path, *args: str) -> subprocess.CompletedProcess:
    """`newsarchive ARGS` with `folder` mounted read-only (a private mount namespace)."""
    if shutil.which("unshare") is None:
        pytest.skip("no unshare to mount a folder read-only")
    script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'
    command = ["unshare", "-m", "sh", "-c", script, "sh", str(folder), sys.executable, "-c",
               "from newsarchive.cli import cli; cli()", *args]
    probe = subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", str(folder), "true"],
                           capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot mount read-only here: {probe.stderr.decode().strip()}")
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def test_an_archive_on_read_only_media_can_be_queried(archive_db):
    expected = invoke("query", "--db", str(archive_db), "--format", "jsonl", "--limit", "100")
    datelines = [json.loads(line)["dateline"] for line in expected.stdout.splitlines()]
    assert len(datelines) == 16
    result = _in_read_only_folder(archive_db.parent, "query", "--db", str(archive_db),
                                  "--format", "jsonl", "--limit", "100")
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["dateline"] for line in result.stdout.splitlines()] == datelines
    stats = _in_read_only_folder(archive_db.parent, "stats", "--db", str(archive_db), "--format", "json")
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["items"] == 16
    current = _in_read_only_folder(archive_db.parent, "db", "current", "--db", str(archive_db))
    assert current.returncode == 0 and current.stdout.endswith("(newest)\n")
    written = _in_read_only_folder(archive_db.parent, "ingest", str(SEEDS), "--db", str(archive_db))
    assert written.returncode == 2 and "Traceback" not in written.stderr
    assert written.stderr.count("\n") == 1


def _damage_index(path: Path, index: str = "ix_query_items_newest") -> None:
    """Overwrite the root page of one index with garbage (the table data stays readable)."""
    connection = sqlite3.connect(path)
    page = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (index,)).fetchone()[0]
    size = connection.execute("PRAGMA page_size").fetchone()[0]
    connection.close()
    with open(path, "r+b") as handle:
        handle.seek((page - 1) * size)
        handle.write(b"\x0d\x00\x00\xff\xff" + b"\xab" * 200)


def test_db_check_reports_a_sound_archive_and_a_damaged_one(archive_db):
    ok = invoke("db", "check", "--db", str(archive_db))
    assert ok.exit_code == 0 and ok.stdout == f"{archive_db}: ok (quick_check)\n"
    full = invoke("db", "check", "--full", "--db", str(archive_db))
    assert full.exit_code == 0 and full.stdout == f"{archive_db}: ok (integrity_check)\n"
    _damage_index(archive_db)
    for args in ([], ["--full"]):
        damaged = invoke("db", "check", *args, "--db", str(archive_db))
        assert damaged.exit_code == 1, damaged.output
        assert damaged.stderr.startswith(f"newsarchive: {archive_db}: damaged: ")


def test_writing_commands_refuse_a_damaged_archive_and_leave_it_as_it_was(archive_db):
    _damage_index(archive_db)
    before = snapshot(archive_db.parent)
    for command in (["ingest", str(REPO / "fixtures" / "pages" / "text")], ["db", "upgrade"]):
        result = invoke(*command, "--db", str(archive_db))
        assert result.exit_code == 2
        line = one_line(result)
        assert line.startswith(f"newsarchive: {archive_db}: the archive is damaged (")
        assert line.endswith("; not writing to it); see `newsarchive db check`\n")
    assert snapshot(archive_db.parent) == before


@pytest.mark.parametrize("command", [*READ_COMMANDS, ["db", "check"]])
def test_a_truncated_archive_is_one_line_for_every_command(archive_db, command):
    data = archive_db.read_bytes()
    archive_db.write_bytes(data[: len(data) // 3])
    result = invoke(*command, "--db", str(archive_db))
    assert result.exit_code in (1, 2)
    one_line(result) if command != ["db", "check"] else None
    assert "Traceback" not in result.output and "damaged" in result.stderr


def test_stats_on_a_damaged_table_is_one_line(archive_db):
    connection = sqlite3.connect(archive_db)
    page = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = 'items'").fetchone()[0]
    connection.close()
    with open(archive_db, "r+b") as handle:
        handle.seek((page - 1) * 4096)
        handle.write(b"\x0d\x00\x00\xff\xff" + b"\xab" * 200)
    result = invoke("stats", "--db", str(archive_db))
    assert result.exit_code == 2
    assert one_line(result) == (f"newsarchive: {archive_db}: the archive is damaged (database disk "
                                "image is malformed); see `newsarchive db check`\n")


def test_show_after_a_table_was_dropped_is_one_line(archive_db):
    connection = sqlite3.connect(archive_db)
    connection.execute("DROP TABLE item_revisions")
    connection.commit()
    connection.close()
    result = invoke("show", "1", "--db", str(archive_db))
    assert result.exit_code == 2
    assert one_line(result) == (f"newsarchive: {archive_db}: the archive failed: no such table: "
                                "item_revisions\n")


def test_a_url_whose_driver_is_missing_is_one_line():
    result = invoke("query", "--db", "mysql://user@127.0.0.1/news")
    assert result.exit_code == 2
    assert one_line(result).startswith("newsarchive: mysql://user@127.0.0.1/news: cannot open the "
                                       "archive: its database driver is not installed (")
