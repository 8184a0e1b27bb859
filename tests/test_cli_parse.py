"""`newsarchive parse`: JSON lines on stdout, one stderr line per bad file, exit status."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from page_fixtures import FIXTURES, expected_path

from newsarchive.cli import cli

SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))


def run(*args: str):
    return CliRunner().invoke(cli, ["parse", *args])


def json_lines(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]


@pytest.mark.parametrize("seed", SEEDS, ids=[s.name for s in SEEDS])
def test_seed_prints_its_expected_json(seed: Path) -> None:
    expected = json.loads(expected_path(seed).read_text(encoding="utf-8"))
    result = run(str(seed), "--fetched-at", expected["fetched_at"], "--url", expected["url"])
    assert result.exit_code == 0, result.stderr
    assert json_lines(result.stdout) == [expected]
    assert result.stderr == ""


def test_several_files_print_one_json_object_per_line_in_order() -> None:
    result = run(*map(str, SEEDS), "--fetched-at", "2026-03-17T12:00:00+00:00")
    pages = json_lines(result.stdout)
    assert [page["title"] for page in pages] == [
        "Britten: Rusland wil Izjoem veroveren voor nieuw momentum",
        "NAVO-chef: Bachmoet kan komende dagen vallen",
    ]
    assert all(len(page["items"]) == 7 for page in pages)


def test_fetch_time_defaults_to_the_file_modification_time(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    shutil.copy(SEEDS[0], page)
    mtime = datetime(2026, 3, 17, 10, 30, 15, tzinfo=timezone.utc)
    os.utime(page, (mtime.timestamp(), mtime.timestamp()))
    (parsed,) = json_lines(run(str(page)).stdout)
    assert parsed["fetched_at"] == "2026-03-17T10:30:15+00:00"
    assert parsed["items"][0]["published_latest"] == "2026-03-17T07:30:15+00:00"


@pytest.mark.parametrize(
    ("given", "printed"),
    [
        ("2026-03-17T12:00", "2026-03-17T12:00:00+00:00"),
        ("2026-03-17T12:00:00Z", "2026-03-17T12:00:00+00:00"),
        ("2026-03-17T13:00:00+01:00", "2026-03-17T12:00:00+00:00"),
    ],
)
def test_fetched_at_naive_is_utc_and_offsets_are_converted(given: str, printed: str) -> None:
    (parsed,) = json_lines(run(str(SEEDS[0]), "--fetched-at", given).stdout)
    assert parsed["fetched_at"] == printed


def test_invalid_fetched_at_is_a_usage_error() -> None:
    result = run(str(SEEDS[0]), "--fetched-at", "gisteren")
    assert result.exit_code == 2
    assert "gisteren" in result.stderr and result.stdout == ""


def test_bad_files_are_named_on_stderr_and_good_files_still_printed(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"  \n")
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    other = tmp_path / "shopping.txt"
    other.write_text("melk\nbrood\n", encoding="utf-8")
    missing = tmp_path / "missing.txt"
    result = run(str(empty), str(SEEDS[0]), str(binary), str(missing), str(other), str(SEEDS[1]))
    assert result.exit_code == 1
    assert len(json_lines(result.stdout)) == 2
    errors = result.stderr.splitlines()
    assert len(errors) == 4
    for path, reason in [(empty, "empty"), (binary, "binary"), (missing, "no such file"), (other, "not a wire page")]:
        assert any(str(path) in line and reason in line for line in errors), (path, errors)
    assert "Traceback" not in result.stderr


def test_installed_command_runs_as_a_program(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("newsarchive")
    if not script.exists():
        pytest.skip(f"console script not installed beside {sys.executable}")
    done = subprocess.run(
        [str(script), "parse", str(SEEDS[1]), str(tmp_path / "nope.txt"), "--fetched-at", "2026-03-03T09:30"],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 1
    assert json.loads(done.stdout)["section"] == "Buitenland"
    assert done.stderr.strip() == f"newsarchive: {tmp_path / 'nope.txt'}: no such file"
