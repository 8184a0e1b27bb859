"""`newsarchive db upgrade|current`, the developers' `alembic`, and archives at other revisions."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from alembic import command
from click.testing import CliRunner
from sqlalchemy import inspect, text

from newsarchive.cli import cli
from newsarchive.store.db import make_engine
from newsarchive.store.migrate import alembic_config, script_directory

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "fixtures" / "seeds" / "000_e73d07e3b0bfa2d9.txt"


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_db_current_on_a_missing_archive_refuses_and_creates_nothing(tmp_path):
    db = str(tmp_path / "none.db")
    result = invoke("db", "current", "--db", db)
    assert result.exit_code == 2
    assert result.stderr == (f"newsarchive: {db}: no archive here (read commands create none: "
                             "`newsarchive ingest`, `crawl` or `db upgrade` do)\n")
    assert list(tmp_path.iterdir()) == []


def test_db_upgrade_creates_the_archive_at_the_newest_revision(archive_url):
    heads = sorted(script_directory().get_heads())
    upgraded = invoke("db", "upgrade", "--db", archive_url)
    assert upgraded.exit_code == 0, upgraded.output
    current = invoke("db", "current", "--db", archive_url)
    assert current.exit_code == 0
    assert all(head in current.output for head in heads) and "(newest)" in current.output


def _older_archive(db: str) -> None:
    with make_engine(db).begin() as connection:
        command.upgrade(alembic_config(connection), "0001")


def test_older_archive_asks_for_db_upgrade_then_upgrades(archive_url):
    _older_archive(archive_url)
    refused = invoke("ingest", str(SEED), "--db", archive_url)
    assert refused.exit_code == 2 and "newsarchive db upgrade" in refused.output
    assert invoke("db", "upgrade", "--db", archive_url).exit_code == 0
    assert invoke("ingest", str(SEED), "--db", archive_url).exit_code == 0


def test_archive_from_a_newer_tool_is_refused_in_one_line_and_not_touched(archive_url):
    assert invoke("db", "upgrade", "--db", archive_url).exit_code == 0
    engine = make_engine(archive_url)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM alembic_version"))
        connection.execute(text("INSERT INTO alembic_version VALUES ('0099_future')"))
        tables = sorted(inspect(connection).get_table_names())
    for args in (["ingest", str(SEED)], ["db", "upgrade"], ["db", "current"]):
        result = invoke(*args, "--db", archive_url)
        assert result.exit_code == 2
        [line] = [line for line in result.output.splitlines() if "newer than" in line]
        assert "Traceback" not in result.output
    with engine.connect() as connection:
        assert sorted(inspect(connection).get_table_names()) == tables
        assert connection.execute(text("SELECT count(*) FROM pages")).scalar() == 0
    engine.dispose()


def test_foreign_database_is_refused(tmp_path):
    path = tmp_path / "other.db"
    with make_engine(str(path)).begin() as connection:
        connection.execute(text("CREATE TABLE recipes (name TEXT)"))
    result = invoke("ingest", str(SEED), "--db", str(path))
    assert result.exit_code == 2 and "not a newsarchive archive" in result.output


def test_developers_alembic_environment_runs_from_the_repository_root(tmp_path):
    alembic = shutil.which("alembic", path=str(Path(sys.executable).parent)) or "alembic"
    db = str(tmp_path / "dev.db")
    for args in (["upgrade", "heads"], ["check"]):
        done = subprocess.run([alembic, "-x", f"db={db}", *args], cwd=REPO,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    assert "No new upgrade operations detected" in done.stdout + done.stderr


def test_ingest_warns_about_ages_that_do_not_fit(tmp_path):
    from store_pages import T0, WireStory, hours, layout_a_text

    story = "Het waterschap sluit de dijk voor onderhoud."
    for name, fetched_at, published in (("a.txt", T0, T0 - hours(0.5)),
                                        ("b.txt", T0 + hours(1), T0 - hours(5))):
        shown = [WireStory("GOES", ("ANP",), story, published)]
        page = layout_a_text("Kop", "DEN HAAG (ANP) - Iets.", shown, fetched_at, "Zeeland")
        (tmp_path / name).write_text(page, encoding="utf-8")
        result = invoke("ingest", str(tmp_path / name), "--fetched-at", fetched_at.isoformat(),
                        "--db", str(tmp_path / "a.db"))
        assert result.exit_code == 0, result.output
    assert "warning: 1 sighting with an age that does not fit" in result.output
