"""Agencies have one spelling in the archive: `dpa`, `Dpa` and `DPA` are one agency, `DPA`,
counted once by `stats` and Datasette's facets and found by `--agency` in any case; migration
0012_agency_spelling merges the spellings of an older archive."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from store_pages import T0, listing, teaser
from test_store_agency_lists import assert_in_step

from newsarchive.cli import cli
from newsarchive.items import canonical_agencies
from newsarchive.store.archive import Archive, open_archive
from newsarchive.values import canonical_agency

MIGRATION = "0012_agency_spelling"


@pytest.mark.parametrize("printed, stored", [
    ("DPA", "DPA"), ("dpa", "DPA"), ("Dpa", "DPA"), ("Omroep  Zeeland", "OMROEP ZEELAND"),
    (" Belga ", "BELGA"), ("Agência Lusa", "AGÊNCIA LUSA"),
])
def test_the_canonical_spelling(printed, stored):
    assert canonical_agency(printed) == stored


def test_an_item_names_an_agency_once_in_its_first_place():
    assert canonical_agencies(("dpa", "ANP", "DPA", "afp")) == ("DPA", "ANP", "AFP")
    assert canonical_agencies(()) == ()


def agencies_table(archive_url: str) -> list[tuple[int, str]]:
    with open_archive(archive_url) as archive, archive.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(
            text("SELECT id, name FROM agencies ORDER BY id")).all()]


def stats_per_agency(archive_url: str) -> list[tuple[str, int]]:
    result = CliRunner().invoke(cli, ["stats", "--format", "json", "--db", archive_url])
    assert result.exit_code == 0, result.output
    return sorted((row["name"], row["items"]) for row in json.loads(result.stdout)["per_agency"])


def agency_query(archive_url: str, name: str) -> list[str]:
    result = CliRunner().invoke(cli, ["query", "--format", "json", "--agency", name,
                                      "--db", archive_url])
    assert result.exit_code == 0, result.output
    return sorted(row["dateline"] for row in json.loads(result.stdout))


def test_spellings_of_one_agency_are_stored_as_one(archive: Archive, archive_url: str) -> None:
    archive.ingest(listing(T0, teaser("BONN", "Een bericht uit Bonn.", agencies=("ANP", "dpa")),
                           teaser("KEULEN", "Een bericht uit Keulen.", agencies=("DPA",))), b"a")
    archive.ingest(listing(T0 + timedelta(hours=1),
                           teaser("BONN", "Een bericht uit Bonn.", agencies=("ANP", "Dpa", "DPA")),
                           teaser("BERLIJN", "Een bericht uit Berlijn.", agencies=("dpa",))), b"b")
    assert [name for _, name in agencies_table(archive_url)] == ["ANP", "DPA"]
    assert sorted(assert_in_step(archive).values()) == [["ANP", "DPA"], ["DPA"], ["DPA"]]
    assert stats_per_agency(archive_url) == [("ANP", 1), ("DPA", 3)]
    for asked in ("dpa", "DPA", "Dpa"):
        assert agency_query(archive_url, asked) == ["BERLIJN", "BONN", "KEULEN"]
    with archive.engine.connect() as connection:  # same list: no revision recorded
        assert connection.execute(text("SELECT count(*) FROM item_revisions")).scalar() == 0


def test_the_migration_merges_the_spellings_of_an_older_archive(archive_url: str) -> None:
    from alembic import command

    from newsarchive.store.migrate import alembic_config, script_directory, upgrade

    with open_archive(archive_url) as archive:
        archive.ingest(listing(
            T0,
            teaser("BONN", "Een bericht uit Bonn.", agencies=("ANP", "DPA")),
            teaser("KEULEN", "Een bericht uit Keulen.", agencies=("DPA",)),
            teaser("PARIJS", "Een bericht uit Parijs.", agencies=("AFP",)),
            teaser("LYON", "Een bericht uit Lyon.", agencies=("ANP", "AFP")),
        ), b"page")
        before_migration = script_directory().get_revision(MIGRATION).down_revision
        with archive.engine.begin() as connection:
            command.downgrade(alembic_config(connection), before_migration)
            # What an older newsarchive stored: three spellings of dpa, AFP only as `afp`.
            connection.execute(text("INSERT INTO agencies (name) VALUES ('dpa'), ('Dpa')"))
            ids = dict(connection.execute(text("SELECT name, id FROM agencies")).all())
            items = dict(connection.execute(text("SELECT dateline, id FROM items")).all())
            connection.execute(text(
                "UPDATE item_agencies SET agency_id = :dpa WHERE item_id = :bonn AND position = 1"),
                {"dpa": ids["dpa"], "bonn": items["BONN"]})
            connection.execute(text(  # KEULEN: Dpa/DPA, the same agency twice
                "UPDATE item_agencies SET agency_id = :spelled WHERE item_id = :keulen"),
                {"spelled": ids["Dpa"], "keulen": items["KEULEN"]})
            connection.execute(text(
                "INSERT INTO item_agencies (item_id, position, agency_id) VALUES (:keulen, 1, :dpa)"),
                {"keulen": items["KEULEN"], "dpa": ids["DPA"]})
            connection.execute(text("UPDATE agencies SET name = 'afp' WHERE name = 'AFP'"))
        older = assert_in_step(archive)
        assert older[items["BONN"]] == ["ANP", "dpa"] and older[items["KEULEN"]] == ["Dpa", "DPA"]
        assert stats_per_agency_of(archive) == [("ANP", 2), ("DPA", 1), ("Dpa", 1), ("afp", 2),
                                                ("dpa", 1)]

        with archive.engine.begin() as connection:
            upgrade(connection)
        assert agencies_table(archive_url) == sorted([(ids["ANP"], "ANP"), (ids["DPA"], "DPA"),
                                                      (ids["AFP"], "AFP")])
        assert assert_in_step(archive) == {items["BONN"]: ["ANP", "DPA"], items["KEULEN"]: ["DPA"],
                                           items["PARIJS"]: ["AFP"], items["LYON"]: ["ANP", "AFP"]}
    assert stats_per_agency(archive_url) == [("AFP", 2), ("ANP", 2), ("DPA", 2)]
    assert agency_query(archive_url, "dpa") == ["BONN", "KEULEN"]


def stats_per_agency_of(archive: Archive) -> list[tuple[str, int]]:
    """Items per agency row, by SQL (the CLI refuses an archive older than itself)."""
    with archive.engine.connect() as connection:
        return sorted((name, count) for name, count in connection.execute(text(
            "SELECT name, count(*) FROM agencies JOIN item_agencies ON agency_id = agencies.id "
            "GROUP BY name")).all())
