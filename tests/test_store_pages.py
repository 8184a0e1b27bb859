"""Real parsed pages into the archive: the seeds and their HTML twins, and a simulated day."""

from __future__ import annotations

import json
import random
import shutil
from datetime import datetime, timedelta
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select, text
from store_pages import T0, layout_a_html, layout_a_text, shown_at, wire_stream
from test_store_ingest import snapshot

from newsarchive.cli import cli
from newsarchive.parse import parse_page
from newsarchive.store.archive import open_archive
from newsarchive.store.ingest import ITEMS, SIGHTINGS

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))


def html_twin(seed: Path) -> str:
    """The seed page as an HTML document of our own markup."""
    page = parse_page(seed.read_bytes(), T0)
    lead = page.lead
    first = f"{lead.dateline} ({'/'.join(lead.agencies)}) - {lead.paragraphs[0]}"
    sidebar = [
        (f"{i.dateline} ({'/'.join(i.agencies)}) - {i.body}", i.age_text) for i in page.items
    ]
    return layout_a_html(lead.title, [first, *lead.paragraphs[1:]], sidebar, page.section)


def published_twins(seed: Path) -> list[Path]:
    """The HTML fixtures (fixtures/pages/html) whose expected lead is the seed's lead."""
    body = parse_page(seed.read_bytes(), T0).lead.body
    twins = []
    for expected in sorted((FIXTURES / "pages" / "html").glob("*.expected.json")):
        lead = json.loads(expected.read_text(encoding="utf-8")).get("lead") or {}
        if lead.get("body") == body:
            twins.extend(expected.parent.glob(expected.name.replace(".expected.json", ".*htm*")))
    return twins


def distinct_items(paths: list[Path]) -> set[tuple[str, str]]:
    found = set()
    for path in paths:
        page = parse_page(path.read_bytes(), T0)
        found.add(("article", page.lead.body))
        found.update(("teaser", item.body) for item in page.items)
    return found


def test_seeds_and_their_html_twins_store_exactly_the_distinct_items(archive_url, tmp_path):
    pages = []
    for seed in SEEDS:
        pages.append(shutil.copy(seed, tmp_path / seed.name))
        twin = tmp_path / f"{seed.stem}.html"
        twin.write_text(html_twin(seed), encoding="utf-8")
        pages.append(twin)
        pages.extend(shutil.copy(t, tmp_path / f"published_{t.name}") for t in published_twins(seed))
    pages = [Path(p) for p in pages]
    args = ["ingest", str(tmp_path), "--fetched-at", T0.isoformat(), "--db", archive_url]

    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    with open_archive(archive_url) as archive:
        with archive.engine.connect() as connection:
            stored = set(connection.execute(text("SELECT kind, body FROM items")).all())
            assert connection.execute(text("SELECT count(*) FROM pages")).scalar() == len(pages)
        before = snapshot(archive)
    assert stored == distinct_items(pages)
    assert len(stored) == 8 * len(SEEDS)

    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 0, again.output
    with open_archive(archive_url) as archive:
        assert snapshot(archive) == before


def test_a_simulated_day_stores_each_item_once_with_the_window_of_its_sightings(archive):
    rng = random.Random(20260317)
    start = T0.replace(hour=0)
    stories = wire_stream(rng, 60, start - timedelta(hours=4), timedelta(hours=28))
    fetches = [start + timedelta(minutes=45 * n, seconds=rng.randrange(600)) for n in range(30)]
    pages = []
    for fetched_at in fetches:
        shown = shown_at(stories, fetched_at)
        body = layout_a_text("Kabinet wil snellere vergunningen",
                             "DEN HAAG (ANP) - Het kabinet wil sneller beslissen.",
                             shown, fetched_at, "Binnenland")
        pages.append((parse_page(body.encode(), fetched_at), body.encode()))
    rng.shuffle(pages)  # pages arrive out of order
    results = list(archive.ingest_many(pages, batch_pages=7))
    assert all(result.stored for result in results)

    # The oracle: each sighting's window from the story's age at that fetch, as the page
    # printed it (truncated to its unit), and the item's window the latest of their starts
    # to the earliest of their ends.
    bounds: dict[str, list[tuple[datetime, datetime]]] = {}
    for fetched_at in fetches:
        for story in shown_at(stories, fetched_at):
            bounds.setdefault(story.body, []).append(printed_age_bounds(story.published, fetched_at))
    with archive.engine.connect() as connection:
        seen = select(func.count()).where(SIGHTINGS.c.item_id == ITEMS.c.id).scalar_subquery()
        rows = connection.execute(
            select(ITEMS, seen.label("seen")).where(ITEMS.c.kind == "teaser")
        ).all()
    assert sorted(row.body for row in rows) == sorted(bounds)
    assert sum(row.seen for row in rows) > 2 * len(rows)  # windows really were narrowed
    for row in rows:
        earliest = max(start for start, _ in bounds[row.body])
        latest = min(end for _, end in bounds[row.body])
        assert row.seen == len(bounds[row.body])
        assert (row.published_earliest, row.published_latest) == (earliest, latest)
        assert earliest <= {s.body: s for s in stories}[row.body].published <= latest
        assert row.window_conflicts == 0


def printed_age_bounds(published: datetime, fetched_at: datetime) -> tuple[datetime, datetime]:
    """[t - (N+1) unit, t - N unit] for the age store_pages.age_text prints: whole minutes
    under an hour (`zojuist` under one), whole hours under a day, else whole days."""
    elapsed = fetched_at - published
    unit = next((u for u in (timedelta(days=1), timedelta(hours=1)) if elapsed >= u), timedelta(minutes=1))
    count = elapsed // unit
    return fetched_at - (count + 1) * unit, fetched_at - count * unit
