"""`newsarchive ingest` as users run it: killed half-way, two at once, garbage among pages."""

from __future__ import annotations

import errno
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select
from store_pages import T0, layout_a_text, wire_stream

from newsarchive.store.archive import BATCH_PAGES
from newsarchive.store.db import make_engine
from newsarchive.store.ingest import ITEMS, PAGES, SIGHTINGS

NEWSARCHIVE = [sys.executable, "-c", "from newsarchive.cli import cli; cli()"]
ITEMS_PER_PAGE = 8  # the lead article and seven sidebar teasers


def write_pages(folder: Path, count: int, seed: int = 1) -> set[str]:
    """`count` layout-A pages, each with its own lead and 7 of 150 teasers; their item bodies."""
    rng = random.Random(seed)
    stories = wire_stream(rng, 150, T0, T0 - T0.replace(hour=0))
    folder.mkdir(parents=True, exist_ok=True)
    bodies = set()
    for n in range(count):
        shown = rng.sample(stories, 7)
        lead = f"Het kabinet neemt besluit nummer {n} over de begroting."
        page = layout_a_text(f"Besluit {n}", f"DEN HAAG (ANP) - {lead}", shown, T0, "Binnenland")
        (folder / f"page_{n:05d}.txt").write_text(page, encoding="utf-8")
        bodies.add(lead)
        bodies.update(story.body for story in shown)
    return bodies


def ingest(folder: Path, db: str, *extra: str) -> subprocess.Popen:
    return ingest_paths([str(folder)], db, *extra)


def ingest_paths(paths: list[str], db: str, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [*NEWSARCHIVE, "ingest", *paths, "--fetched-at", T0.isoformat(), "--db", db, *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def counts(db: str) -> dict[str, int]:
    engine = make_engine(db)
    try:
        with engine.connect() as connection:
            return {
                "pages": connection.execute(select(func.count()).select_from(PAGES)).scalar_one(),
                "items": connection.execute(select(func.count()).select_from(ITEMS)).scalar_one(),
                "bodies": connection.execute(select(func.count(ITEMS.c.body.distinct()))).scalar_one(),
                "whole_pages": connection.execute(
                    select(func.count()).select_from(
                        select(SIGHTINGS.c.page_id)
                        .group_by(SIGHTINGS.c.page_id)
                        .having(func.count() == ITEMS_PER_PAGE)
                        .subquery()
                    )
                ).scalar_one(),
            }
    except Exception:  # the archive does not exist yet
        return {"pages": 0}
    finally:
        engine.dispose()


def wait_for_reader(fifo: Path, process: subprocess.Popen, deadline: float) -> int:
    """Open the FIFO for writing once `process` holds it open to read (blocked on it)."""
    while True:
        try:
            return os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as exc:  # ENXIO: nobody reads it yet
            if exc.errno != errno.ENXIO or time.monotonic() > deadline:
                raise
            assert process.poll() is None, process.communicate()[1]
            time.sleep(0.01)


def test_kill_9_during_a_large_ingest_then_rerun_leaves_no_duplicate_or_half_page(archive_url, tmp_path):
    """The ingest is killed at a known point: one batch committed, the next one half read
    (it waits on a FIFO named after the first folder). Exactly the committed batch is there,
    whole; the rerun stores the rest once."""
    first = BATCH_PAGES + 20
    bodies = write_pages(tmp_path / "first", first)
    bodies |= write_pages(tmp_path / "rest", 30, seed=4)
    gate = tmp_path / "gate.txt"
    os.mkfifo(gate)
    paths = [str(tmp_path / "first"), str(gate), str(tmp_path / "rest")]
    process = ingest_paths(paths, archive_url)
    try:
        held = wait_for_reader(gate, process, time.monotonic() + 300)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    os.close(held)
    killed = counts(archive_url)
    assert process.returncode == -signal.SIGKILL
    assert killed["pages"] == killed["whole_pages"] == BATCH_PAGES

    gate.unlink()  # now a page like the others
    bodies |= write_pages(tmp_path / "gate_page", 1, seed=5)
    (tmp_path / "gate_page" / "page_00000.txt").rename(gate)
    rerun = ingest_paths(paths, archive_url)
    _out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    final = counts(archive_url)
    assert final["pages"] == final["whole_pages"] == first + 1 + 30
    assert final["items"] == final["bodies"] == len(bodies)


def test_two_ingests_at_once_store_everything_once_without_locked_errors(archive_url, tmp_path):
    bodies = write_pages(tmp_path / "pages", 150, seed=2)
    processes = [ingest(tmp_path / "pages", archive_url) for _ in range(2)]
    outcomes = [process.communicate(timeout=300) for process in processes]
    for process, (_out, err) in zip(processes, outcomes):
        assert process.returncode == 0, err
        assert "locked" not in err and "Traceback" not in err
    final = counts(archive_url)
    assert final["pages"] == final["whole_pages"] == 150
    assert final["items"] == final["bodies"] == len(bodies)


def test_garbage_files_are_named_and_the_good_pages_stored(archive_url, tmp_path):
    folder = tmp_path / "mixed"
    write_pages(folder, 3, seed=3)
    (folder / "notes.txt").write_text("Boodschappen: melk, brood, kaas.\n", encoding="utf-8")
    (folder / "empty.html").write_bytes(b"")
    (folder / "image.html").write_bytes(bytes(range(256)) * 8)
    process = ingest(folder, archive_url)
    _out, err = process.communicate(timeout=120)
    assert process.returncode == 1
    for bad in ("notes.txt", "empty.html", "image.html"):
        assert sum(bad in line for line in err.splitlines()) == 1
    assert "Traceback" not in err
    assert "3 pages stored" in err and "3 failed" in err
    assert counts(archive_url)["pages"] == 3
