"""Page fixtures: `<name>.txt` or `<name>.html` with `<name>.expected.json` beside it.

The expected file holds the full `newsarchive parse` JSON object, `url` and `fetched_at`
included; a fixture test parses the page with that url and fetched_at and compares the
whole object field by field, so a failure names the field that differs.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from newsarchive.parse import parse_page

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PAGE_SUFFIXES = (".txt", ".html", ".htm", ".xhtml")


def page_fixtures(*folders: str) -> list[Path]:
    """Every page with an expected file beside it in the given folders under fixtures/."""
    pages = []
    for folder in folders:
        for path in sorted((FIXTURES / folder).glob("*")):
            if path.suffix in PAGE_SUFFIXES and expected_path(path).exists():
                pages.append(path)
    return pages


def expected_path(page: Path) -> Path:
    return page.with_name(page.stem + ".expected.json")


def parse_fixture(page: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """(actual, expected) JSON objects of one fixture page."""
    expected = json.loads(expected_path(page).read_text(encoding="utf-8"))
    fetched_at = datetime.fromisoformat(expected["fetched_at"])
    actual = parse_page(page.read_bytes(), fetched_at, expected["url"]).to_dict()
    return actual, expected


def differences(actual: Any, expected: Any, where: str = "page") -> list[str]:
    """Every place where two JSON values differ, as `path: expected X, got Y` lines."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        keys = list(expected) + [key for key in actual if key not in expected]
        return [
            line
            for key in keys
            for line in differences(actual.get(key, "<missing>"), expected.get(key, "<missing>"), f"{where}.{key}")
        ]
    if isinstance(expected, list) and isinstance(actual, list):
        lines = [] if len(actual) == len(expected) else [
            f"{where}: expected {len(expected)} entries, got {len(actual)}"
        ]
        for index, (got, want) in enumerate(zip(actual, expected)):
            lines.extend(differences(got, want, f"{where}[{index}]"))
        return lines
    return [] if actual == expected else [f"{where}: expected {expected!r}, got {actual!r}"]


def assert_matches_fixture(page: Path) -> None:
    actual, expected = parse_fixture(page)
    diff = differences(actual, expected)
    assert not diff, f"{page.name}:\n" + "\n".join(diff)
