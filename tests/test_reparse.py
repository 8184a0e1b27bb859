"""`newsarchive reparse`: the archive derived again from its raw bytes, equal to a fresh ingest
of the same raw material in fetch order, with stable ids, resumable and shardable."""

from __future__ import annotations

import select as selectors
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from reparse_corpus import (
    NEXT_VERSION,
    REAL_PARSE,
    REAL_VERSION,
    documents,
    fresh_ingest,
    snapshot,
    use_next_parser,
)
from sqlalchemy import func, select, text

from newsarchive import parse
from newsarchive.pipeline import ingest_documents
from newsarchive.reparse import PARSE_BATCH, STAGED, ReparseError, Selection, Shard, reparse
from newsarchive.store.archive import open_archive

ALL = Selection(everything=True)


def ingest(archive, docs) -> None:
    for ingested in ingest_documents(archive, docs):
        assert ingested.result is not None


@pytest.fixture
def parser_next(monkeypatch):
    use_next_parser(monkeypatch.setattr)


def fresh(tmp_path: Path, docs, name: str) -> dict:
    """The oracle: the same raw material ingested afresh, in fetch order, into a new archive."""
    return fresh_ingest(str(tmp_path / name), docs)


def test_with_the_parser_unchanged_reparse_changes_nothing_and_keeps_every_id(archive):
    ingest(archive, documents())
    before = snapshot(archive)
    summary = reparse(archive, ALL)
    assert (summary.rebuilt, summary.reparsed, summary.pages) == (True, 24, 24)
    assert (summary.added, summary.removed, summary.changed_items) == (0, 0, 0)
    assert snapshot(archive) == before
    assert reparse(archive, Selection()).reparsed == 0  # nothing older than this parser


def test_emptied_derived_tables_are_restored_exactly_from_the_raw_bytes(archive):
    ingest(archive, documents())
    before = snapshot(archive)
    assert len(before["revisions"]) == 8 and len(before["sightings"]) == 24 * 8
    with archive.engine.begin() as connection:
        for table in ("sightings", "item_revisions", "item_agencies", "item_places", "items"):
            connection.execute(text(f"DELETE FROM {table}"))
    summary = reparse(archive, ALL)
    assert summary.added == len(before["items"])
    assert snapshot(archive) == before  # ids too: given in first-seen order, like a fresh ingest


def test_a_parser_change_is_reflected_exactly_and_reverting_it_restores_the_archive(
        archive, tmp_path, monkeypatch):
    docs = documents()
    ingest(archive, docs)
    before = snapshot(archive)
    brussel = {key for key, item in before["items"].items() if item[3] == "BRUSSEL"}
    assert brussel
    use_next_parser(monkeypatch.setattr)
    summary = reparse(archive, Selection())  # pages older than the new parser: all of them
    assert (summary.reparsed, summary.removed, summary.added) == (24, len(brussel), 0)
    assert snapshot(archive, with_ids=False) == fresh(tmp_path, docs, "next.db")
    after = snapshot(archive)
    assert {key: item[0] for key, item in after["items"].items()} == {
        key: item[0] for key, item in before["items"].items() if key not in brussel}
    with archive.engine.connect() as connection:
        assert connection.execute(text("SELECT DISTINCT parser_version FROM pages")).all() == [
            (NEXT_VERSION,)]
    monkeypatch.undo()
    summary = reparse(archive, ALL)
    assert (summary.added, summary.removed) == (len(brussel), 0)
    assert snapshot(archive, with_ids=False) == snapshot_of(before)
    restored = snapshot(archive)
    assert all(restored["items"][key][0] == item[0] for key, item in before["items"].items()
               if key not in brussel)


def snapshot_of(with_ids: dict) -> dict:
    return {**with_ids, "items": {key: item[1:] for key, item in with_ids["items"].items()}}


def test_since_and_until_reparse_only_the_pages_fetched_between(archive, tmp_path, parser_next):
    docs = documents()
    with pytest.MonkeyPatch.context() as original:  # stored by the parser of today
        original.setattr(parse, "PARSER_VERSION", REAL_VERSION)
        original.setattr(parse, "parse_page", REAL_PARSE)
        ingest(archive, docs)
    window = Selection(since=docs[6].fetched_at, until=docs[11].fetched_at)
    summary = reparse(archive, window)
    assert summary.reparsed == 6
    with archive.engine.connect() as connection:
        versions = connection.execute(
            text("SELECT parser_version FROM pages ORDER BY fetched_at")).scalars().all()
    assert versions == [REAL_VERSION] * 6 + [NEXT_VERSION] * 6 + [REAL_VERSION] * 12
    # the oracle: pages 6-11 read by the next parser, the others by today's, in fetch order
    mixed = tmp_path / "mixed.db"
    with open_archive(str(mixed)) as other:
        for n, doc in enumerate(docs):
            with pytest.MonkeyPatch.context() as reader:
                if not 6 <= n <= 11:
                    reader.setattr(parse, "parse_page", REAL_PARSE)
                ingest(other, [doc])
        expected = snapshot(other, with_ids=False)
    assert snapshot(archive, with_ids=False) == expected


def test_two_shards_give_the_result_of_one_run(archive, tmp_path, parser_next):
    docs = documents()
    with pytest.MonkeyPatch.context() as original:
        original.setattr(parse, "PARSER_VERSION", REAL_VERSION)
        original.setattr(parse, "parse_page", REAL_PARSE)
        ingest(archive, docs)
    first = reparse(archive, Selection(), Shard(0, 2))
    assert (first.rebuilt, first.parsed, first.waiting) == (False, 12, 12)
    second = reparse(archive, Selection(), Shard(1, 2))
    assert (second.rebuilt, second.parsed, second.reparsed) == (True, 12, 24)
    assert snapshot(archive, with_ids=False) == fresh(tmp_path, docs, "one.db")
    with archive.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(STAGED)).scalar() == 0


def test_two_worker_processes_give_the_result_of_one(archive, tmp_path, parser_next):
    docs = documents()
    ingest(archive, docs)  # already by the next parser: --all parses every page again
    before = snapshot(archive)
    summary = reparse(archive, ALL, workers=2)
    assert (summary.reparsed, summary.changed_items) == (24, 0)
    assert snapshot(archive) == before


def test_pages_without_raw_bytes_are_named_and_nothing_is_changed(archive):
    ingest(archive, documents(6))
    before = snapshot(archive)
    with archive.engine.begin() as connection:
        connection.execute(text("DELETE FROM raw_bodies"))
    with pytest.raises(ReparseError, match="6 pages .* have no raw bytes"):
        reparse(archive, ALL)
    assert snapshot(archive) == before


def test_shard_is_checked():
    assert Shard.parse("1/3") == Shard(1, 3)
    for bad in ("3/3", "-1/2", "a/b", "1"):
        with pytest.raises(ReparseError):
            Shard.parse(bad)


# `newsarchive reparse`, stopped at a known point: once the first batch is staged (committed)
# and before the next is read, it says so on stdout and waits on stdin, to be killed there.
STOPS_AFTER_ONE_BATCH = """
import sys
import newsarchive.reparse as reparse
from newsarchive.cli import cli

calls, real = [], reparse._unstaged

def unstaged(*args, **kwargs):
    calls.append(1)
    if len(calls) == 2:
        print("one batch staged", flush=True)
        sys.stdin.read()
    return real(*args, **kwargs)

reparse._unstaged = unstaged
cli(["reparse", "--db", sys.argv[1]])
"""


def test_killed_with_sigkill_while_parsing_a_rerun_gives_the_same_archive(tmp_path):
    docs = [replace(doc, url=f"{doc.url}-{n}") for n, doc in enumerate(documents(150))]
    db = tmp_path / "a.db"
    with open_archive(str(db)) as archive:
        ingest(archive, docs)
        with archive.engine.begin() as connection:  # as if parser 1 had read them
            connection.execute(text("UPDATE pages SET parser_version = '1'"))
        before = snapshot(archive)
    process = subprocess.Popen([sys.executable, "-c", STOPS_AFTER_ONE_BATCH, str(db)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:  # the deadline only bounds a hang (a failure): the stop itself is an event
        assert process.stdout is not None and selectors.select([process.stdout], [], [], 120)[0]
        assert process.stdout.readline() == b"one batch staged\n"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    with open_archive(str(db)) as archive:
        with archive.engine.connect() as connection:
            staged = connection.execute(select(func.count()).select_from(STAGED)).scalar()
        assert process.returncode == -signal.SIGKILL and staged == PARSE_BATCH == 50  # killed half-way
        summary = reparse(archive, Selection())
        assert (summary.parsed, summary.reparsed) == (150 - 50, 150)  # the rest parsed now
        assert snapshot(archive) == before
        with archive.engine.connect() as connection:
            assert connection.execute(text("SELECT DISTINCT parser_version FROM pages")).all() == [
                (parse.PARSER_VERSION,)]


def test_the_command_prints_what_changed_and_refuses_bad_options(tmp_path):
    from click.testing import CliRunner

    from newsarchive.cli import cli

    db = str(tmp_path / "a.db")
    fixtures = Path(__file__).resolve().parent.parent / "fixtures" / "pages" / "html"
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(fixtures), "--db", db,
                               "--fetched-at", "2026-03-17T12:00:00Z"]).exit_code == 0
    with open_archive(db) as archive, archive.engine.connect() as connection:
        pages = connection.execute(text("SELECT count(*) FROM pages")).scalar()
    result = runner.invoke(cli, ["reparse", "--all", "--workers", "2", "--db", db])
    assert result.exit_code == 0, result.output
    assert result.output == (f"newsarchive: reparsed {pages} pages ({pages} parsed by this run), "
                             f"archive rebuilt from {pages} pages: items 0 added, 0 removed, "
                             "0 changed\n")
    both = runner.invoke(cli, ["reparse", "--all", "--parser-older-than", "2", "--db", db])
    assert (both.exit_code, both.output) == (
        2, "newsarchive: give --all or --parser-older-than, not both\n")
    shard = runner.invoke(cli, ["reparse", "--shard", "2/2", "--db", db])
    assert (shard.exit_code, shard.output) == (
        2, "newsarchive: shard 2/2: I must be at least 0 and less than N\n")


def test_on_a_terminal_reparse_shows_a_progress_bar_of_the_pages_parsed(tmp_path):
    from terminal import bar_states, run_on_terminal

    db = tmp_path / "a.db"
    with open_archive(str(db)) as archive:
        ingest(archive, [replace(doc, url=f"{doc.url}-{n}") for n, doc in enumerate(documents(60))])
        with archive.engine.begin() as connection:  # as if parser 1 had read them
            connection.execute(text("UPDATE pages SET parser_version = '1'"))
    newsarchive = str(Path(sys.executable).parent / "newsarchive")
    status, shown = run_on_terminal([newsarchive, "reparse", "--db", str(db)])
    assert status == 0, shown
    # 60 pages parsed 50 at a time (PARSE_BATCH): 0 %, 50 of 60, all; then the summary
    assert bar_states(shown, "reparsing") == [
        "0% (0 of 60 pages)", "83% (50 of 60 pages)", "100% (60 of 60 pages)"]
    assert shown.endswith("\r\nnewsarchive: reparsed 60 pages (60 parsed by this run), archive "
                          "rebuilt from 60 pages: items 0 added, 0 removed, 0 changed\r\n")
    again, shown = run_on_terminal([newsarchive, "reparse", "--db", str(db)])
    assert (again, bar_states(shown, "reparsing")) == (0, [])  # nothing left to parse: no bar
    piped = subprocess.run([newsarchive, "reparse", "--all", "--db", str(db)], capture_output=True)
    assert (piped.returncode, piped.stderr.decode()) == (  # not a terminal: the summary only
        0, "newsarchive: reparsed 60 pages (60 parsed by this run), archive rebuilt from 60 "
           "pages: items 0 added, 0 removed, 0 changed\n")
