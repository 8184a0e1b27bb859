"""The wire grammar on text dumps: every text fixture, then one test per tricky case."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from newsarchive.parse import parse_page, text_to_document
from page_fixtures import assert_matches_fixture, page_fixtures

FETCHED = datetime(2026, 3, 17, 12, 0, tzinfo=timezone.utc)
TEXT_FIXTURES = page_fixtures("seeds", "pages/text")


@pytest.mark.parametrize("page", TEXT_FIXTURES, ids=[p.name for p in TEXT_FIXTURES])
def test_text_fixture_parses_to_its_expected_json(page: Path) -> None:
    assert_matches_fixture(page)


def test_both_seeds_have_an_expected_file() -> None:
    assert len([p for p in TEXT_FIXTURES if p.parent.name == "seeds"]) == 2


def parse(text: str):
    return parse_page(text, FETCHED)
