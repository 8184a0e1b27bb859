"""Every input a user can give gets a clear answer: help, extremes, empty filters, output."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from newsarchive.cli import cli

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "fixtures" / "seeds"
WHEN = "2026-03-17T12:00:00Z"
BIG = str(2**63)
HUGE = str(10**30)


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def commands(command: click.Command = cli, path: tuple[str, ...] = ("newsarchive",)):
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from commands(sub, (*path, name))


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> str:
    db = str(tmp_path_factory.mktemp("seeded") / "a.db")
    assert invoke("ingest", str(SEEDS), "--fetched-at", WHEN, "--db", db).exit_code == 0
    return db


# --- help -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path, command", list(commands()), ids=lambda v: " ".join(v) if isinstance(v, tuple) else "")
def test_every_command_has_an_example_and_every_option_help_without_markdown(path, command):
    text = command.help or ""
    assert re.search(r"\n\s*Examples?:\n\s+newsarchive ", text), f"{' '.join(path)} has no example"
    assert "`" not in text
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help and "`" not in param.help, f"{' '.join(path)} {param.opts}"
    result = invoke(*path[1:], "-h")
    assert result.exit_code == 0 and result.stdout.startswith("Usage: ")


def test_every_command_the_readme_shows_exists():
    """Commands in the README's code: indented blocks, `inline code`, after `&&` or `$ `."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    shown = re.findall(r"(?:^ {4,}|`|&& |\$ )(?:\.venv/bin/)?newsarchive ([a-z]+)(?: ([a-z]+))?",
                       readme, flags=re.MULTILINE)
    assert len(shown) > 20
    for name, sub in shown:
        assert name in cli.commands, f"the README shows `newsarchive {name}`, which does not exist"
        group = cli.commands[name]
        if isinstance(group, click.Group):
            assert sub in group.commands, f"the README shows `newsarchive {name} {sub}`"
    assert {name for name, _ in shown} >= {"ingest", "query", "crawl", "db", "show", "stats"}


# --- values ---------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ["query", "--limit", BIG], ["query", "--limit", HUGE], ["query", "--offset", BIG],
    ["query", "--offset", HUGE, "--search", "iran"], ["stats", "--top", BIG, "--days", HUGE],
    ["query", "--since", "1000000000d"], ["query", "--since", "0001-01-01T00:00:00+01:00"],
    ["query", "--until", "9999-12-31T23:59:59-01:00"], ["query", "--until", "9999-12-31"],
])
def test_extreme_values_work(seeded, args):
    result = invoke(*args, "--db", seeded, "--format", "json")
    assert result.exit_code == 0, result.output
    json.loads(result.stdout)


def test_extremes_select_what_they_say(seeded):
    every = json.loads(invoke("query", "--db", seeded, "--format", "json", "--limit", BIG).stdout)
    assert len(every) == 16
    assert json.loads(invoke("query", "--db", seeded, "--format", "json", "--offset", BIG).stdout) == []
    since_ever = invoke("query", "--db", seeded, "--format", "json", "--limit", "100",
                        "--since", "0001-01-01T00:00:00+01:00")
    dated = [row["id"] for row in every if row["published_latest"] is not None]
    assert [row["id"] for row in json.loads(since_ever.stdout)] == dated
    until_ever = invoke("query", "--db", seeded, "--format", "json", "--limit", "100",
                        "--until", "9999-12-31T23:59:59-01:00")
    assert [row["id"] for row in json.loads(until_ever.stdout)] == dated


def test_show_of_an_id_beyond_64_bits_is_no_such_item(seeded):
    result = invoke("show", HUGE, "--db", seeded)
    assert result.exit_code == 1
    assert result.stderr == f"newsarchive: no item {2**63 - 1} in {seeded}\n"


@pytest.mark.parametrize("option", ["--search", "--since", "--until", "--dateline", "--place",
                                    "--agency", "--section"])
@pytest.mark.parametrize("value", ["", "  "])
def test_an_empty_filter_is_refused(seeded, option, value):
    result = invoke("query", "--db", seeded, option, value)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "empty" in result.stderr


def test_text_that_is_not_utf8_is_refused_in_one_line(seeded):
    command = [sys.executable, "-c", "from newsarchive.cli import cli; cli()", "query",
               "--db", seeded, "--dateline"]
    result = subprocess.run([*map(str.encode, command), b"TEHER\xff"], capture_output=True, cwd=REPO)
    assert result.returncode == 2 and result.stdout == b""
    assert result.stderr == b"newsarchive: --dateline 'TEHER\\udcff' is not valid UTF-8 text\n"


def test_a_driver_that_is_not_installed_is_one_line():
    result = invoke("stats", "--db", "mysql://user@127.0.0.1/news")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "its database driver is not installed" in result.stderr


# --- output ---------------------------------------------------------------------------------


@pytest.mark.parametrize("stories", [[], ["--stories"]], ids=["items", "stories"])
def test_a_failing_search_prints_no_csv_header(seeded, stories):
    result = invoke("query", "--db", seeded, "--format", "csv", "--search", 'iran AND ("',
                    "--search-syntax", "fts", *stories)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("newsarchive: cannot search for ")


def test_a_closed_pipe_ends_quietly_with_status_0(seeded):
    process = subprocess.Popen([sys.executable, "-c", "from newsarchive.cli import cli; cli()",
                                "query", "--db", seeded, "--limit", "100000", "--format", "jsonl"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader is gone before the first line
    assert process.wait(timeout=60) == 0
    assert process.stderr.read() == b""


@pytest.mark.parametrize("stories, header", [
    ([], "id,kind,title,dateline,places,agencies,body,section,url,published_earliest,"
         "published_latest,window_source,first_seen_at,last_seen_at,sightings,story_id"),
    (["--stories"], "story_id,dateline,title,body,versions,first_seen_at,last_seen_at,"
                    "published_earliest,published_latest,outlets"),
], ids=["items", "stories"])
def test_an_empty_result_says_no_items(seeded, stories, header):
    def empty(fmt: str):
        return invoke("query", "--db", seeded, "--format", fmt, "--dateline", "atlantis", *stories)

    table = empty("table")
    assert (table.exit_code, table.stdout, table.stderr) == (0, "", "no items\n")
    assert empty("csv").stdout == header + "\n"
    assert empty("json").stdout == "[]\n"
    assert empty("jsonl").stdout == ""


def test_the_table_separates_title_from_body(seeded):
    result = CliRunner(env={"COLUMNS": "160"}).invoke(
        cli, ["query", "--db", seeded, "--format", "table", "--kind", "article", "--limit", "1"])
    text = ("NAVO-chef: Bachmoet kan komende dagen vallen — Het al maanden door Rusland belegerde "
            "Oost-Oekraïense Bachmoet")
    assert result.stdout.splitlines()[2:] == [
        "9   -          ARLANDA-STAD  ANP       Buitenland  article  " + text[:99] + "…"]


def test_the_stories_table_separates_title_from_body(seeded):
    result = CliRunner(env={"COLUMNS": "100"}).invoke(
        cli, ["query", "--db", seeded, "--format", "table", "--stories", "--kind", "article",
              "--dateline", "arlanda-stad"])
    text = "NAVO-chef: Bachmoet kan komende dagen vallen — Het al maanden"
    assert result.stdout.splitlines()[2:] == [
        "9      -          ARLANDA-STAD  1         -        " + text[:48] + "…"]


def test_counts_are_singular_for_one(tmp_path):
    db = str(tmp_path / "a.db")
    result = invoke("ingest", str(SEEDS / "000_e73d07e3b0bfa2d9.txt"), "--fetched-at", WHEN, "--db", db)
    assert result.stderr.startswith("newsarchive: ingested 1 file: 1 page stored, 0 already archived")
    shown = invoke("show", "1", "--db", db, "--format", "table")
    assert re.search(r"\n\s*seen:.*, 1 sighting\n", shown.stdout), shown.stdout


def test_piped_output_follows_one_rule_for_every_command(seeded):
    for command in (["query", "--limit", "2"], ["show", "1"], ["stats"]):
        result = invoke(*command, "--db", seeded)  # CliRunner's stdout is no terminal
        lines = result.stdout.splitlines()
        assert all(json.loads(line) for line in lines) and lines, command
    assert len(invoke("show", "1", "--db", seeded).stdout.splitlines()) == 1


@pytest.mark.parametrize("when", ["0001-01-01T00:00Z", "1899-12-31T23:59:59Z", "9999-12-31T23:59Z"])
def test_an_implausible_fetch_time_is_refused_before_anything_is_stored(tmp_path, when):
    db = tmp_path / "a.db"
    result = invoke("ingest", str(SEEDS), "--fetched-at", when, "--db", str(db))
    assert result.exit_code == 2 and "is not a plausible fetch time (years 1900-9998)" in result.stderr
    assert not db.exists()
    assert invoke("ingest", str(SEEDS), "--fetched-at", "1900-01-01T00:00Z", "--db", str(db)).exit_code in (0, 1)


def test_early_times_keep_their_text_order_in_sqlite():
    from datetime import datetime, timezone

    from newsarchive.store.types import sqlite_text

    assert sqlite_text(datetime(1, 1, 1, tzinfo=timezone.utc)) == "0001-01-01T00:00:00Z"
    assert sqlite_text(datetime(2026, 3, 17, 9, 5, 7, 999, tzinfo=timezone.utc)) == "2026-03-17T09:05:07Z"
