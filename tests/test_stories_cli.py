"""`query --stories` in every format, `show` with its story and its window's evidence, and
headline minutes (near titles, linked teasers, clashes) through the archive."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import timedelta

import pytest
from click.testing import CliRunner
from store_pages import T0, article, hours, listing, teaser

from newsarchive.cli import cli
from newsarchive.items import Headline
from newsarchive.store.archive import open_archive

FIRST = ("Bij Goes is een nieuwe fietsbrug over het kanaal geopend. Fietsers hoeven daardoor niet "
         "langer twee kilometer om te rijden.")
CORRECTED = FIRST.replace("twee kilometer", "drie kilometer")
OTHER = "In Den Haag is het nieuwe stadskantoor in gebruik genomen door de gemeente."
A, B = "https://a.example.nl", "https://b.example.nl"
MINUTE = timedelta(minutes=1)


def on(page, url):
    return replace(page, url=url)


@pytest.fixture
def db(archive_url: str) -> str:
    with open_archive(archive_url) as archive:
        first = teaser("GOES", FIRST, window=(T0 - hours(1), T0), url=f"{A}/nieuws/brug")
        other = teaser("DEN HAAG", OTHER, window=(T0 - hours(1), T0))
        archive.ingest(on(listing(T0, first, other), f"{A}/regio"), b"A at T0")
        archive.ingest(article(T0 + hours(1), "GOES", (FIRST, "De brug kostte vier miljoen euro."),
                               url=f"{B}/artikel/brug", title="Fietsbrug geopend"), b"B article")
        corrected = teaser("GOES", CORRECTED, agencies=("ANP", "AFP"), window=(T0, T0 + hours(1)))
        archive.ingest(on(listing(T0 + hours(2), corrected), f"{B}/regio"), b"B at T0+2")
    return archive_url


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_query_stories_lists_one_row_per_story_in_every_format(db):
    code, out, err = run("query", "--db", db, "--stories", "--format", "json", "--order", "oldest")
    assert code == 0, err
    stories = json.loads(out)
    assert [s["dateline"] for s in stories] == ["GOES", "DEN HAAG"]
    goes = stories[0]
    assert list(goes) == ["story_id", "dateline", "title", "body", "versions", "first_seen_at",
                          "last_seen_at", "published_earliest", "published_latest", "outlets"]
    assert goes["body"] == CORRECTED  # the newest version's text
    assert len(goes["versions"]) == 3
    assert goes["outlets"] == [{"site": "a.example.nl", "first_seen_at": T0.isoformat()},
                               {"site": "b.example.nl", "first_seen_at": (T0 + hours(1)).isoformat()}]
    assert goes["published_earliest"] == (T0 - hours(1)).isoformat()  # of the first version
    assert goes["first_seen_at"] == T0.isoformat() and goes["last_seen_at"] == (T0 + hours(2)).isoformat()
    code, out, _ = run("query", "--db", db, "--stories", "--format", "jsonl", "--dateline", "goes")
    assert [json.loads(line)["versions"] for line in out.splitlines()] == [goes["versions"]]
    code, out, _ = run("query", "--db", db, "--stories", "--format", "csv", "--order", "oldest")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["dateline"], json.loads(r["versions"])) for r in rows][0] == ("GOES", goes["versions"])
    assert json.loads(rows[0]["outlets"])[1]["site"] == "b.example.nl"
    code, out, _ = run("query", "--db", db, "--stories", "--format", "table", "--order", "oldest")
    assert out.splitlines()[0].split() == ["story", "published", "dateline", "versions", "outlets", "text"]
    assert "a.example.nl b.example.nl" in out.splitlines()[2]
    code, out, _ = run("query", "--db", db, "--stories", "--format", "json", "--limit", "1", "--offset", "1",
                       "--order", "oldest")
    assert [s["dateline"] for s in json.loads(out)] == ["DEN HAAG"]


def test_item_rows_carry_their_story_id(db):
    code, out, _ = run("query", "--db", db, "--format", "json", "--dateline", "goes")
    ids = {item["story_id"] for item in json.loads(out)}
    assert len(ids) == 1 and None not in ids


def test_show_lists_the_story_versions_with_word_diffs_and_outlets(db):
    code, out, _ = run("query", "--db", db, "--format", "json", "--dateline", "goes", "--kind", "article")
    item_id = json.loads(out)[0]["id"]
    code, out, _ = run("show", str(item_id), "--db", db, "--format", "json")
    detail = json.loads(out)
    versions = detail["story"]["versions"]
    assert [v["kind"] for v in versions] == ["teaser", "article", "teaser"]
    assert versions[1]["changes"] == {"title": "{+Fietsbrug geopend+}", "body": FIRST.replace(
        "rijden.", "rijden. {+De brug kostte vier miljoen euro.+}")}
    assert versions[2]["changes"]["agencies"] == "[-ANP-] {+ANP/AFP+}"
    assert "[-twee-] {+drie+}" in versions[2]["changes"]["body"]
    assert [o["site"] for o in detail["story"]["outlets"]] == ["a.example.nl", "b.example.nl"]
    code, out, _ = run("show", str(item_id), "--db", db, "--format", "table")
    assert "story " in out and "[-twee-] {+drie+}" in out


def test_a_headline_gives_the_minute_to_the_article_and_its_linked_teaser(archive):
    # 13:30 local in March (winter time) is 12:30 UTC
    published = T0 + timedelta(minutes=30)
    listed = on(listing(T0 + hours(1), teaser("GOES", FIRST, window=(T0, T0 + hours(1)))), f"{A}/regio")
    listed.headlines = [Headline("Beveland", "13:30", "Fietsbrug over kanaal geopend!")]
    archive.ingest(listed, b"listing with a headline")
    # the article's title differs from the headline by a character and punctuation
    archive.ingest(article(T0 + hours(2), "GOES", (FIRST, "Tweede alinea."), url=f"{A}/nieuws/brug",
                           title="Fietsbrug over kanal geopend"), b"article")
    code, out, _ = run("query", "--db", _url(archive), "--format", "json", "--order", "oldest")
    rows = {row["kind"]: row for row in json.loads(out)}
    for row in rows.values():
        assert (row["published_earliest"], row["published_latest"], row["window_source"]) == (
            published.isoformat(), (published + MINUTE).isoformat(), "headline")
    code, out, _ = run("show", str(rows["teaser"]["id"]), "--db", _url(archive), "--format", "json")
    steps = json.loads(out)["window_evidence"]
    assert [(s["source"], s["detail"], s["conflict"]) for s in steps] == [
        ("relative_age", "1 uur geleden", False),
        ("headline", "- Beveland 13:30 Fietsbrug over kanaal geopend!", False)]
    assert steps[1]["window_latest"] == (published + MINUTE).isoformat()


def test_a_headline_that_clashes_with_the_ages_is_a_conflict(archive):
    listed = on(listing(T0 + hours(1), teaser("GOES", FIRST, title="Fietsbrug geopend",
                                               window=(T0, T0 + hours(1)))), f"{A}/regio")
    listed.headlines = [Headline("Beveland", "9:05", "Fietsbrug geopend")]  # 08:05 UTC: hours before
    archive.ingest(listed, b"listing with a clashing headline")
    code, out, _ = run("query", "--db", _url(archive), "--format", "json")
    [row] = json.loads(out)
    assert (row["published_earliest"], row["window_source"]) == (T0.isoformat(), "relative_age")
    code, out, _ = run("show", str(row["id"]), "--db", _url(archive), "--format", "json")
    assert json.loads(out)["window_conflicts"] == 1


def test_different_titles_and_other_numbers_do_not_match(archive):
    listed = on(listing(T0 + hours(1), teaser("GOES", FIRST, title="Koers stijgt 2 procent op de beurs",
                                               window=(T0, T0 + hours(1)))), f"{A}/regio")
    listed.headlines = [Headline("Financieel", "13:30", "Koers stijgt 3 procent op de beurs")]
    archive.ingest(listed, b"listing with another story's headline")
    code, out, _ = run("query", "--db", _url(archive), "--format", "json")
    [row] = json.loads(out)
    assert (row["published_earliest"], row["published_latest"], row["window_source"]) == (
        T0.isoformat(), (T0 + hours(1)).isoformat(), "relative_age")


def _url(archive) -> str:
    return archive.engine.url.render_as_string(hide_password=False)


@pytest.mark.parametrize(
    ("stated", "precision", "window"),
    [
        ("2026-03-17T12:30:15+01:00", "second", ("2026-03-17T11:30:15+00:00", "2026-03-17T11:30:15+00:00")),
        ("2026-03-17T12:30+01:00", "minute", ("2026-03-17T11:30:00+00:00", "2026-03-17T11:31:00+00:00")),
        # a date alone: that day in Europe/Amsterdam (winter time: from 23:00 UTC the day before)
        ("2026-03-17", "day", ("2026-03-16T23:00:00+00:00", "2026-03-17T22:59:59+00:00")),
    ],
)
def test_an_article_page_date_is_a_second_a_minute_or_a_local_day(archive, stated, precision, window):
    from newsarchive.parse import parse_page

    html = (f'<html><head><meta property="article:published_time" content="{stated}"></head><body>'
            f"<h1>Fietsbrug geopend</h1><p>GOES (ANP) - {FIRST}</p></body></html>")
    page = parse_page(html.encode(), T0 + hours(30), f"{A}/nieuws/brug")
    assert page.page_date is not None and page.page_date.precision == precision
    archive.ingest(page, html.encode())
    code, out, _ = run("query", "--db", _url(archive), "--format", "json")
    [row] = json.loads(out)
    assert (row["published_earliest"], row["published_latest"], row["window_source"]) == (*window, "metadata")
