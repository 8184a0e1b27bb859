"""Printing query results: an aligned table for people, JSON / JSON Lines / CSV for programs.

`table` shortens bodies to the terminal width; the other formats print every field in full.
In CSV and in the table a list (agencies, places) is written as the wire writes it: `ANP/AFP`.
"""

from __future__ import annotations

import csv
import itertools
import json
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TextIO

from ..words import count
from .search import ItemRow

if TYPE_CHECKING:  # `query` imports only what it prints: show and stories pull in the models
    from .show import ItemDetail
    from .stats import ArchiveStats, Count
    from .stories import StoryRow

FORMATS = ("table", "json", "jsonl", "csv")
TABLE_COLUMNS = ("id", "published", "dateline", "agencies", "section", "kind", "text")
STORY_TABLE_COLUMNS = ("story", "published", "dateline", "versions", "outlets", "text")
ELLIPSIS = "…"


class RecordShape(NamedTuple):
    """How one kind of record is printed: its fields (JSON, CSV header), how a field's value
    becomes a CSV cell, and its table's columns and cells."""

    fields: tuple[str, ...]
    csv_cell: Callable[[str, Any], Any]
    table_columns: tuple[str, ...]
    table_cells: Callable[[Any], list[str]]


class Record(Protocol):
    def to_dict(self) -> dict[str, Any]: ...


def write_records(records: Iterable[Record], shape: RecordShape, fmt: str, out: TextIO) -> None:
    """Every row (anything with `to_dict`) in `fmt`. The first row is fetched before anything
    is written, so that a query that fails (a bad search) prints no partial output; no rows is
    `no items` on stderr for a table, `[]` for JSON, a header alone for CSV, nothing for JSON
    Lines."""
    remaining = iter(records)
    first = next(remaining, None)
    rows: Iterator[Record] = itertools.chain([first], remaining) if first is not None else iter(())
    if fmt == "table" and first is None:
        print("no items", file=sys.stderr)
        return
    if fmt == "json":
        _write_json_array((row.to_dict() for row in rows), out)
    elif fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(row.to_dict(), ensure_ascii=False) + "\n")
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(shape.fields)
        for row in rows:
            data = row.to_dict()
            writer.writerow(shape.csv_cell(name, data[name]) for name in shape.fields)
    else:
        _write_table([shape.table_cells(row) for row in rows], shape.table_columns, out,
                     stretch="text")


def write_items(rows: Iterable[ItemRow], fmt: str, out: TextIO) -> None:
    write_records(rows, ITEM_SHAPE, fmt, out)


def write_stories(rows: Iterable[StoryRow], fmt: str, out: TextIO) -> None:
    """`query --stories`: in CSV, `versions` and `outlets` are JSON text."""
    from .stories import STORY_FIELDS

    shape = RecordShape(STORY_FIELDS, _story_csv_cell, STORY_TABLE_COLUMNS, _story_table_cells)
    write_records(rows, shape, fmt, out)


def _item_csv_cell(name: str, value: Any) -> Any:
    return _flat(value)


def _story_csv_cell(name: str, value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if name in ("versions", "outlets") else value


def _table_text(title: str | None, body: str) -> str:
    """The table's text column: title, a dash, body, on one line."""
    return " ".join(" — ".join(part for part in (title, body) if part).split())


def _item_table_cells(row: ItemRow) -> list[str]:
    return [str(row.id), _when(row.published_earliest), row.dateline or "-",
            "/".join(row.agencies) or "-", row.section or "-", row.kind,
            _table_text(row.title, row.body)]


def _story_table_cells(row: StoryRow) -> list[str]:
    return [str(row.story_id), _when(row.published_earliest), row.dateline or "-",
            str(len(row.versions)), " ".join(o.site for o in row.outlets) or "-",
            _table_text(row.title, row.body)]


ITEM_SHAPE = RecordShape(tuple(ItemRow.__dataclass_fields__), _item_csv_cell, TABLE_COLUMNS,
                         _item_table_cells)


def write_detail(detail: ItemDetail, fmt: str, out: TextIO) -> None:
    if fmt != "table":
        out.write(json.dumps(detail.to_dict(), ensure_ascii=False, indent=2 if fmt == "json"
                             else None) + "\n")
        return
    item = detail.item
    lines = [
        f"{item.kind} {item.id}: {item.title or '(no title)'}",
        f"dateline:  {item.dateline or '-'}   places: {_flat(list(item.places)) or '-'}   "
        f"agencies: {_flat(list(item.agencies)) or '-'}",
        f"section:   {item.section or '-'}   url: {item.url or '-'}",
        f"published: {_window(item.published_earliest, item.published_latest)} "
        f"(from {item.window_source}; {detail.window_conflicts} conflicting sightings)",
        f"seen:      {_when(item.first_seen_at)} .. {_when(item.last_seen_at)}, "
        f"{count(item.sightings, 'sighting')}",
        "",
        item.body,
        "",
        "sightings:",
    ]
    lines += [
        f"  {_when(s.fetched_at)}  {s.age_text or '-':<18} "
        f"{_window(s.window_earliest, s.window_latest):<37} #{s.position} {s.page_url or s.page_source_path or ''}"
        for s in detail.sightings
    ]
    lines.append("window, evidence by evidence:")
    lines += [
        f"  {_when(e.observed_at)}  {e.source:<12} {e.detail!r} (page {e.page_id}): "
        f"{_window(e.earliest, e.latest)} -> {_window(e.window_earliest, e.window_latest)}"
        f"{'  CONFLICT' if e.conflict else ''}"
        for e in detail.evidence
    ]
    if item.window_source == "teaser":
        lines.append("  (no evidence of its own: the window of its linked teasers)")
    if detail.linked:
        lines.append("linked teaser/article:")
        lines += [f"  {link.kind} {link.id}: {link.dateline or '-'} {link.title or ''}"
                  for link in detail.linked]
    if detail.revisions:
        lines.append("earlier values:")
        lines += [f"  {_when(r.recorded_at)} {r.field}: {r.old_value!r} -> {r.new_value!r}"
                  for r in detail.revisions]
    if item.story_id is not None:
        lines.append(f"story {item.story_id}: {len(detail.versions)} versions, outlets: "
                     + (", ".join(f"{o.site} (first {_when(o.first_seen_at)})" for o in detail.outlets) or "-"))
        for number, version in enumerate(detail.versions, start=1):
            mark = "*" if version.id == item.id else " "
            lines.append(f" {mark}{number}. {version.kind} {version.id}  published "
                         f"{_window(version.published_earliest, version.published_latest)}  "
                         f"first seen {_when(version.first_seen_at)}  {version.title or ''}")
            lines += [f"      {name}: {diff}" for name, diff in version.changes]
    out.write("\n".join(lines) + "\n")


def write_stats(stats: ArchiveStats, fmt: str, out: TextIO) -> None:
    if fmt != "table":
        out.write(json.dumps(stats.to_dict(), ensure_ascii=False, indent=2 if fmt == "json"
                             else None) + "\n")
        return
    out.write(
        f"items {stats.items}, sightings {stats.sightings}, pages {stats.pages}, "
        f"{stats.size_bytes / 1_000_000:.1f} MB\n"
        f"fetched {_when(stats.first_fetch)} .. {_when(stats.last_fetch)}\n"
        f"pages with warnings: {stats.pages_with_warnings}\n"
    )
    for title, counts in (("agency", stats.per_agency), ("dateline", stats.per_dateline),
                          ("section", stats.per_section), ("day (first seen)", stats.per_day)):
        out.write("\n")
        _write_table(_count_cells(counts), (title, "items", "sightings"), out)
    for page in stats.warning_pages:
        out.write(f"\nwarnings of page {page.page_id} ({_when(page.fetched_at)} "
                  f"{page.url or ''}):\n")
        out.write("".join(f"  {warning}\n" for warning in page.warnings))


def _count_cells(counts: Iterable[Count]) -> list[list[str]]:
    return [[count.name or "-", str(count.items), str(count.sightings)] for count in counts]


def _write_json_array(objects: Iterator[dict[str, Any]], out: TextIO) -> None:
    separator = "[\n"
    for data in objects:
        out.write(separator + " " + json.dumps(data, ensure_ascii=False))
        separator = ",\n"
    out.write("[]\n" if separator == "[\n" else "\n]\n")


def _flat(value: Any) -> Any:
    return "/".join(value) if isinstance(value, list) else value


def _when(moment: Any) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"


def _window(earliest: Any, latest: Any) -> str:
    return "unknown" if earliest is None else f"{_when(earliest)} .. {_when(latest)}"


def _write_table(rows: list[list[str]], header: tuple[str, ...], out: TextIO,
                 stretch: str | None = None) -> None:
    """Aligned columns; the `stretch` column is cut to what the terminal width leaves."""
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(header)]
    if stretch is not None:
        index = header.index(stretch)
        room = shutil.get_terminal_size((120, 24)).columns - sum(widths) + widths[index]
        widths[index] = max(20, room - 2 * (len(header) - 1))
        rows = [[_shorten(c, widths[index]) if i == index else c for i, c in enumerate(r)]
                for r in rows]
    for cells in [list(header), ["-" * w for w in widths], *rows]:
        out.write("  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip() + "\n")


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + ELLIPSIS
