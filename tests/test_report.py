"""`newsarchive report`: every chart present, its table equal to counts made here from the
raw rows (not by the report's SQL), the CSV equal to the table, the same file twice, and
nothing fetched from anywhere to render or to view it."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from conftest import BACKENDS, migrated_archive, new_archive_url
from lxml import html as lxml_html
from report_archive import SOURCES, build_report_archive
from sqlalchemy import text

from newsarchive.cli import cli
from newsarchive.store.archive import Archive, open_archive

SINCE = datetime(2026, 3, 15, 12, tzinfo=timezone.utc)
UNTIL = datetime(2026, 3, 17, 2, tzinfo=timezone.utc)
PERIOD_ARGS = ["--since", "2026-03-15T12:00", "--until", "2026-03-17T02:00"]
CHARTS = ["items_by_agency", "agency_shares", "items_by_section", "section_shares",
          "top_datelines", "top_places", "window_widths", "first_sight_lag", "crawl_runs",
          "crawl_run_hosts", "crawl_hosts", "source_last_success", "stories_reprinted"]


@pytest.fixture
def report_archive(archive: Archive) -> Archive:
    """The generated archive, for a test that changes it."""
    build_report_archive(archive)
    return archive


@pytest.fixture(scope="module", params=BACKENDS)
def shared_url(request: pytest.FixtureRequest,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from new_archive_url(request.param, tmp_path_factory.mktemp("report"))


@pytest.fixture(scope="module")
def shared_archive(request: pytest.FixtureRequest, shared_url: str) -> Iterator[Archive]:
    """The generated archive, built once per backend for the tests that only read it."""
    with migrated_archive(request, shared_url) as archive:
        build_report_archive(archive)
        yield archive


@dataclass(frozen=True)
class Rendered:
    output: str
    html: Path
    csv: Path

    def tables(self) -> dict[str, list[list[str]]]:
        return html_tables(self.html)


@pytest.fixture(scope="module")
def rendered(shared_archive: Archive, shared_url: str,
             tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """The report of PERIOD_ARGS on the shared archive, with its CSV files."""
    folder = tmp_path_factory.mktemp("rendered")
    html, csv_folder = folder / "report.html", folder / "csv"
    output = run_report(shared_url, html, *PERIOD_ARGS, "--csv", str(csv_folder))
    return Rendered(output, html, csv_folder)


def run_report(db: str, out: Path, *extra: str) -> str:
    result = CliRunner().invoke(cli, ["report", "--db", db, "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    return result.output


def html_tables(path: Path) -> dict[str, list[list[str]]]:
    """Each section's table as text cells, header first, keyed by the section's id."""
    document = lxml_html.fromstring(path.read_bytes())
    return {
        section.get("id"): [[cell.text_content() for cell in row.xpath("./th|./td")]
                            for row in section.xpath(".//table//tr")]
        for section in document.xpath("//section")
    }


def csv_tables(directory: Path) -> dict[str, list[list[str]]]:
    return {path.stem: list(csv.reader(path.open(encoding="utf-8")))
            for path in sorted(directory.glob("*.csv"))}


# --- the oracle: raw rows, counted in Python -----------------------------------------------


def raw_items(archive: Archive) -> list[dict[str, Any]]:
    with archive.engine.connect() as connection:
        items = [dict(row._mapping) for row in connection.execute(text(
            "SELECT id, section, dateline, window_source, published_earliest, published_latest,"
            " first_seen_at FROM items"))]
        agencies = connection.execute(text(
            "SELECT item_id, name FROM item_agencies JOIN agencies ON agencies.id = agency_id"
        )).all()
        places = connection.execute(text(
            "SELECT item_id, name FROM item_places JOIN places ON places.id = place_id")).all()
    for item in items:
        for name in ("published_earliest", "published_latest", "first_seen_at"):
            item[name] = moment(item[name])
        item["agencies"] = [name for item_id, name in agencies if item_id == item["id"]]
        item["places"] = [name for item_id, name in places if item_id == item["id"]]
        item["t"] = item["published_earliest"] or item["first_seen_at"]
    return items


def moment(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def in_period(items: list[dict[str, Any]], since: datetime = SINCE,
              until: datetime = UNTIL) -> list[dict[str, Any]]:
    return [item for item in items if since <= item["t"] < until]


def hour_label(when: datetime) -> str:
    return when.strftime("%Y-%m-%d %H:00")


def width_class(item: dict[str, Any]) -> str:
    if item["published_earliest"] is None:
        return "unknown"
    seconds = (item["published_latest"] - item["published_earliest"]).total_seconds()
    for label, limit in (("≤ 1 min", 60), ("≤ 1 h", 3600), ("≤ 1 day", 86400),
                         ("≤ 1 week", 604800)):
        if seconds <= limit:
            return label
    return "longer"


def lag_class(item: dict[str, Any]) -> str:
    seconds = (item["first_seen_at"] - item["published_latest"]).total_seconds()
    for label, limit in (("≤ 15 min", 900), ("≤ 1 h", 3600), ("≤ 3 h", 10800),
                         ("≤ 12 h", 43200), ("≤ 1 day", 86400), ("≤ 3 days", 259200)):
        if seconds <= limit:
            return label
    return "longer"


def as_dict(table: list[list[str]]) -> dict[str, dict[str, str]]:
    header, *rows = table
    return {row[0]: dict(zip(header[1:], row[1:])) for row in rows}


# --- tests -----------------------------------------------------------------------------------


def test_every_chart_is_drawn_with_its_table_and_csv(rendered: Rendered,
                                                     shared_archive: Archive) -> None:
    assert rendered.output == (f"newsarchive: wrote {rendered.html} (75 items, 13 charts; 13 CSV "
                               f"files in {rendered.csv})\n")
    document = lxml_html.fromstring(rendered.html.read_bytes())
    assert [s.get("id") for s in document.xpath("//section")] == CHARTS
    for section in document.xpath("//section"):
        svgs = section.xpath("./svg")
        assert len(svgs) == 1, section.get("id")
        assert svgs[0].get("viewbox") or svgs[0].get("viewBox")
    assert csv_tables(rendered.csv) == rendered.tables()  # the CSV is the table, cell for cell
    assert len(in_period(raw_items(shared_archive))) == 75


def test_volume_tables_equal_counts_of_the_raw_rows(
        rendered: Rendered, shared_archive: Archive) -> None:
    tables = rendered.tables()
    items = in_period(raw_items(shared_archive))
    hours = [hour_label(SINCE + timedelta(hours=n)) for n in range(38)]
    totals = Counter(hour_label(item["t"]) for item in items)
    by_agency = Counter((hour_label(item["t"]), name) for item in items
                        for name in item["agencies"] or ["(none)"])
    by_section = Counter((hour_label(item["t"]), item["section"]) for item in items)

    counts = as_dict(tables["items_by_agency"])
    assert list(counts) == hours
    assert tables["items_by_agency"][0][:2] == ["hour (UTC)", "items"]
    agencies = tables["items_by_agency"][0][2:]
    assert sorted(agencies) == ["(none)", "AFP", "ANP", "DPA", "RTR"]
    for hour in hours:
        assert counts[hour]["items"] == str(totals[hour])
        for name in agencies:
            assert counts[hour][name] == str(by_agency[hour, name]), (hour, name)
    shares = as_dict(tables["agency_shares"])
    for hour in hours:
        for name in agencies:
            expected = round(100 * by_agency[hour, name] / totals[hour], 1) if totals[hour] else 0
            assert float(shares[hour][f"{name} %"]) == expected

    sections = as_dict(tables["items_by_section"])
    names = tables["items_by_section"][0][2:]
    assert sorted(names) == ["Binnenland", "Buitenland", "Sport", "Walcheren"]
    for hour in hours:
        for name in names:
            assert sections[hour][name] == str(by_section[hour, name])
    assert sum(int(row["items"]) for row in sections.values()) == len(items) == 75


def test_top_datelines_and_places_compare_with_the_previous_period(
        rendered: Rendered, shared_archive: Archive) -> None:
    tables = rendered.tables()
    items = raw_items(shared_archive)
    now, before = in_period(items), in_period(items, SINCE - (UNTIL - SINCE), SINCE)
    for key, names in (("top_datelines", lambda item: [item["dateline"]]),
                       ("top_places", lambda item: item["places"])):
        current = Counter(name for item in now for name in names(item))
        previous = Counter(name for item in before for name in names(item))
        table = as_dict(tables[key])
        assert set(table) == set(current)  # fewer than 15 names: every one is listed
        for name, row in table.items():
            change = current[name] - previous[name]
            assert (row["items"], row["previous period"], row["change"]) == (
                str(current[name]), str(previous[name]), str(change))
            assert row["change %"] == (str(round(100 * change / previous[name], 1))
                                       if previous[name] else "new")
        rows = tables[key][1:]
        assert [int(r[1]) for r in rows] == sorted((int(r[1]) for r in rows), reverse=True)
    assert as_dict(tables["top_places"])["LONDEN"]["items"] == str(
        sum(1 for item in now if "LONDEN" in item["dateline"].split("/")))


def test_window_widths_and_lags_equal_the_raw_windows(
        rendered: Rendered, shared_archive: Archive) -> None:
    tables = rendered.tables()
    items = in_period(raw_items(shared_archive))
    widths = Counter((item["window_source"], width_class(item)) for item in items)
    table = as_dict(tables["window_widths"])
    assert set(table) == {item["window_source"] for item in items} == {
        "relative_age", "metadata", "none"}
    for source, row in table.items():
        for label, value in row.items():
            assert value == str(widths[source, label]), (source, label)
    assert int(table["relative_age"]["≤ 1 min"]) > 0 and int(table["relative_age"]["≤ 1 h"]) > 0
    lags = Counter(lag_class(item) for item in items if item["published_latest"] is not None)
    assert {label: int(n) for label, n in tables["first_sight_lag"][1:]} == {
        label: lags[label] for label in ("≤ 15 min", "≤ 1 h", "≤ 3 h", "≤ 12 h", "≤ 1 day",
                                         "≤ 3 days", "longer")}


def test_crawl_health_per_host_and_silent_sources(
        rendered: Rendered, shared_archive: Archive) -> None:
    tables = rendered.tables()
    with shared_archive.engine.connect() as connection:
        frontier = connection.execute(text(
            "SELECT url, state, last_status FROM crawl_frontier")).all()
        responses = connection.execute(text("SELECT url, fetched_at FROM crawl_responses")).all()
    expected: dict[str, Counter[str]] = {}
    for url, state, status in frontier:
        name = {"done": "not modified" if status == 304 else "fetched", "failed": "failing",
                "given_up": "given up", "pending": "pending"}[state]
        expected.setdefault(urlsplit(url).netloc, Counter())[name] += 1
    for url, fetched in responses:
        if SINCE <= moment(fetched) < UNTIL:
            expected[urlsplit(url).netloc]["responses in period"] += 1
    hosts = as_dict(tables["crawl_hosts"])
    assert set(hosts) == {"127.0.0.2", "127.0.0.3"}
    for host, row in hosts.items():
        assert {name: int(n) for name, n in row.items()} == {
            name: expected[host][name] for name in row}

    # Until 02:00 on the 17th: the feed answered last 70 hours before the 17th (given up since),
    # the Walcheren listing 50 hours before (failing now); the two others within hours.
    sources = tables["source_last_success"]
    assert sources[0] == ["source", "kind", "state", "last success", "hours silent"]
    assert sources[1:] == [
        [SOURCES[3], "feed", "given_up", "2026-03-14 02:00", "72.0"],
        [SOURCES[2], "listing", "failed", "2026-03-14 22:00", "52.0"],
        [SOURCES[1], "listing", "done", "2026-03-16 21:00", "5.0"],
        [SOURCES[0], "listing", "done", "2026-03-16 23:00", "3.0"],
    ]
    document = lxml_html.fromstring(rendered.html.read_bytes())
    marked = document.xpath('//section[@id="source_last_success"]//tr[@class="warn"]/td[1]')
    assert [cell.text_content() for cell in marked] == [SOURCES[3], SOURCES[2]]


def test_crawl_health_per_run_and_per_host_of_the_runs(
        rendered: Rendered, shared_archive: Archive) -> None:
    tables = rendered.tables()
    with shared_archive.engine.connect() as connection:
        runs = connection.execute(text(
            "SELECT id, command, started_at, ended_at, exit_status FROM crawl_runs")).all()
        counts = connection.execute(text("SELECT * FROM crawl_run_hosts")).all()
    inside = {run_id: run for run_id, *run in runs if SINCE <= moment(run[1]) < UNTIL}
    per_run: dict[int, list[int]] = {run_id: [0, 0, 0, 0] for run_id in inside}
    per_host: dict[str, list[int]] = {}
    for run_id, host, *numbers in counts:
        if run_id in inside:
            per_run[run_id] = [a + b for a, b in zip(per_run[run_id], numbers)]
            row = per_host.setdefault(host, [0, 0, 0, 0, 0])
            per_host[host] = [row[0] + 1, *(a + b for a, b in zip(row[1:], numbers))]
    header, *rows = tables["crawl_runs"]
    assert header == ["run", "command", "ended", "exit status", "fetched", "not modified",
                      "failed", "given up"]
    ordered = sorted(inside, key=lambda run_id: moment(inside[run_id][1]), reverse=True)
    assert [row[0].split()[0] for row in rows] == [f"#{run_id}" for run_id in ordered]
    assert [[int(n) for n in row[4:]] for row in rows] == [per_run[run_id] for run_id in ordered]
    assert [(row[1], row[2], row[3]) for row in rows] == [
        ("crawl", "not ended", "-"), ("fetch", "2026-03-16 22:03", "130 (interrupted)"),
        ("crawl", "2026-03-16 18:06", "1 (some failed)"), ("crawl", "2026-03-15 18:06", "0 (ok)")]
    document = lxml_html.fromstring(rendered.html.read_bytes())
    marked = document.xpath('//section[@id="crawl_runs"]//tr[@class="warn"]/td[1]')
    assert [cell.text_content() for cell in marked] == [row[0] for row in rows[:3]]
    assert {row[0]: [int(n) for n in row[1:]] for row in tables["crawl_run_hosts"][1:]} == per_host
    assert per_host == {"127.0.0.2": [2, 8, 3, 0, 0], "127.0.0.3": [3, 3, 0, 2, 1]}


def test_the_same_archive_gives_the_same_file(shared_archive: Archive, shared_url: str,
                                              tmp_path: Path) -> None:
    run_report(shared_url, tmp_path / "one.html")
    run_report(shared_url, tmp_path / "two.html")
    assert (tmp_path / "one.html").read_bytes() == (tmp_path / "two.html").read_bytes()
    # The default period: the 7 days up to the end of the hour of the newest sighting.
    assert "2026-03-10 03:00 to 2026-03-17 03:00 UTC (7 days, per day)" in (
        tmp_path / "one.html").read_text(encoding="utf-8")


def test_up_to_three_days_count_per_hour_and_longer_periods_per_day(shared_archive: Archive,
                                                             shared_url: str,
                                                             tmp_path: Path) -> None:
    run_report(shared_url, tmp_path / "r.html", "--since", "2026-03-13", "--until",
               "2026-03-16")  # a date --until: through its whole day, so four days
    tables = html_tables(tmp_path / "r.html")
    assert tables["items_by_agency"][0][0] == "day (UTC)"
    assert [row[0] for row in tables["items_by_agency"][1:]] == [
        "2026-03-13", "2026-03-14", "2026-03-15", "2026-03-16"]
    run_report(shared_url, tmp_path / "r.html", "--since", "2026-03-14T02:00", "--until",
               "2026-03-17T02:00")  # three days exactly: still per hour
    hourly = html_tables(tmp_path / "r.html")["items_by_agency"]
    assert (hourly[0][0], len(hourly) - 1) == ("hour (UTC)", 72)


def test_the_report_needs_no_network_to_render_or_to_view(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    with open_archive(str(db)) as archive:
        build_report_archive(archive)
    out = tmp_path / "r.html"
    command = [str(Path(sys.executable).with_name("newsarchive")), "report", "--db", str(db), "--out",
               str(out)]
    if shutil.which("unshare") and subprocess.run(["unshare", "-n", "true"]).returncode == 0:
        command = ["unshare", "-n", *command]  # no network interface at all, not even lo
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    document = lxml_html.fromstring(out.read_bytes())
    assert document.xpath("//script|//img|//link|//iframe|//object|//embed") == []
    assert document.xpath("//svg//image") == []
    references = " ".join(document.xpath("//@src|//@href|//@xlink:href",
                                         namespaces={"xlink": "http://www.w3.org/1999/xlink"}))
    assert re.findall(r"(?:https?:)?//", references) == []
    page = out.read_text(encoding="utf-8")
    assert re.findall(r"url\((?!#)", page) == []  # only the SVG's own clip paths: url(#id)
    assert "@import" not in page


def test_a_period_that_ends_before_it_starts_is_one_line(shared_archive: Archive,
                                                         shared_url: str,
                                                         tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["report", "--db", shared_url, "--out",
                                      str(tmp_path / "r.html"), "--since", "2026-03-16",
                                      "--until", "2026-03-15T00:00"])
    assert result.exit_code == 2
    assert result.output == ("newsarchive: the report's period is empty: --since must be "
                             "before --until\n")
    assert not (tmp_path / "r.html").exists()


def test_an_empty_archive_still_gives_a_report(archive_url: str, tmp_path: Path) -> None:
    open_archive(archive_url).close()
    run_report(archive_url, tmp_path / "r.html", *PERIOD_ARGS)
    tables = html_tables(tmp_path / "r.html")
    assert tables["top_datelines"] == [["dateline", "items", "previous period", "change",
                                        "change %"]]
    assert "Nothing in this period." in (tmp_path / "r.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(("since", "until"), [
    (datetime(2026, 3, 13, 6, tzinfo=timezone.utc), datetime(2026, 3, 17, 3, tzinfo=timezone.utc)),
    (datetime(2026, 3, 14, tzinfo=timezone.utc), datetime(2026, 3, 18, tzinfo=timezone.utc)),
    (datetime(2026, 3, 14, 12, tzinfo=timezone.utc), datetime(2026, 3, 17, 13, tzinfo=timezone.utc)),
])
def test_the_daily_counts_and_the_items_count_the_same(shared_archive: Archive, since: datetime,
                                                       until: datetime) -> None:
    """Periods per day with partial days at either end, none, or only one whole day."""
    from newsarchive.report.model import Period
    from newsarchive.report.series import precision_sections, top_sections, volume_sections

    with shared_archive.engine.connect() as connection:
        results = []
        for daily in (False, shared_archive.dialect == "sqlite"):  # PostgreSQL: no daily counts
            period = Period(since, until, daily)
            assert period.unit == "day"
            items, volume = volume_sections(connection, period)
            sections = [*volume, *top_sections(connection, period),
                        *precision_sections(connection, period)]
            results.append((items, [(s.key, s.table) for s in sections]))
    assert results[0] == results[1]
    items = in_period(raw_items(shared_archive), since, until)
    assert results[0][0] == len(items) > 0
    per_day = Counter(item["t"].strftime("%Y-%m-%d") for item in items)
    by_agency = dict(results[0][1])["items_by_agency"]
    assert {row[0]: row[1] for row in by_agency.rows if row[1]} == per_day


def test_stories_shown_by_several_outlets_are_counted_per_site(report_archive: Archive,
                                                              archive_url: str,
                                                              tmp_path: Path) -> None:
    with report_archive.engine.begin() as connection:  # until ingest groups items: one story each
        connection.execute(text("INSERT INTO stories (id) SELECT id FROM items WHERE story_id IS NULL"))
        connection.execute(text("UPDATE items SET story_id = id WHERE story_id IS NULL"))
        seen = connection.execute(text(
            "SELECT items.story_id, items.id, pages.url FROM items "
            "JOIN sightings ON sightings.item_id = items.id "
            "JOIN pages ON pages.id = sightings.page_id")).all()
    items = {item["id"]: item for item in in_period(raw_items(report_archive))}
    sites: dict[int, set[str]] = {}
    for story_id, item_id, url in seen:
        if item_id in items:
            sites.setdefault(story_id, set()).add(urlsplit(url).netloc)
    several = {story_id: len(hosts) for story_id, hosts in sites.items() if len(hosts) > 1}
    assert len(several) > 5

    run_report(archive_url, tmp_path / "r.html", *PERIOD_ARGS)
    table = html_tables(tmp_path / "r.html")["stories_reprinted"]
    from newsarchive.report.model import Period
    from newsarchive.report.series import story_sections

    with report_archive.engine.connect() as connection:  # through the candidates or not
        daily = report_archive.dialect == "sqlite"
        assert story_sections(connection, Period(SINCE, UNTIL, daily), len(items), 0.0) == \
            story_sections(connection, Period(SINCE, UNTIL, daily), len(items), 1.0)
    assert table[0] == ["story", "dateline", "text", "outlets", "versions"]
    listed = {int(row[0]): int(row[3]) for row in table[1:]}
    assert len(listed) == min(15, len(several))
    assert all(several[story_id] == outlets for story_id, outlets in listed.items())
