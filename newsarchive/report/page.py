"""The report as one self-contained HTML file (inline CSS and SVG, nothing fetched), and its
tables as CSV files: one `<section key>.csv` per chart, the same rows the HTML prints."""

from __future__ import annotations

import csv
import html
from pathlib import Path
from typing import Any

from .charts import chart_svg
from .model import Report, Section

CSS = """
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
       color: #1d2329; background: #fafafa; }
main { max-width: 60rem; margin: 0 auto; padding: 0.75rem; }
h1 { font-size: 1.4rem; margin: 0.5rem 0; }
h2 { font-size: 1.15rem; margin: 0 0 0.3rem; }
nav { font-size: 0.9rem; margin: 0.5rem 0 1rem; }
nav a { display: inline-block; margin: 0 0.6rem 0.3rem 0; }
section { background: #fff; border: 1px solid #e3e3e3; border-radius: 6px; padding: 0.75rem;
          margin: 0 0 1rem; }
.note { color: #555; font-size: 0.9rem; margin: 0 0 0.5rem; }
svg { display: block; width: 100%; height: auto; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: 0.8rem; margin-top: 0.4rem;
        font-variant-numeric: tabular-nums; }
th, td { padding: 0.15rem 0.5rem; border-bottom: 1px solid #eee; text-align: right;
         white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
tr.warn td { color: #c0392b; font-weight: 600; }
summary { cursor: pointer; font-size: 0.9rem; color: #245; }
.empty { color: #777; font-style: italic; }
"""


def render_html(report: Report) -> str:
    period = report.period
    nav = "".join(f'<a href="#{s.key}">{html.escape(s.title)}</a>' for s in report.sections)
    body = "\n".join(_section(section) for section in report.sections)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(report.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"<main>\n<h1>{html.escape(report.title)}</h1>\n"
        f'<p class="note">{_when(period.since)} to {_when(period.until)} UTC '
        f"({_span(period)}, per {period.unit}): <strong>{report.items}</strong> items. "
        f"Compared with {_when(period.previous.since)} to {_when(period.since)}.</p>\n"
        f"<nav>{nav}</nav>\n{body}\n</main>\n</body>\n</html>\n"
    )


def _section(section: Section) -> str:
    svg = chart_svg(section)
    chart = svg if svg is not None else '<p class="empty">Nothing in this period.</p>'
    head = "".join(f"<th>{html.escape(name)}</th>" for name in section.table.columns)
    rows = "".join(
        ('<tr class="warn">' if row[0] in section.highlight else "<tr>")
        + "".join(f"<td>{html.escape(cell_text(value))}</td>" for value in row) + "</tr>"
        for row in section.table.rows
    )
    many = len(section.table.rows) > 12
    table = (f'<div class="scroll"><table><thead><tr>{head}</tr></thead>'
             f"<tbody>{rows}</tbody></table></div>")
    if many:
        table = f"<details><summary>The numbers ({len(section.table.rows)} rows)</summary>" \
                f"{table}</details>"
    return (f'<section id="{section.key}">\n<h2>{html.escape(section.title)}</h2>\n'
            f'<p class="note">{html.escape(section.note)}</p>\n{chart}\n{table}\n</section>')


def cell_text(value: Any) -> str:
    """A table cell as the HTML and the CSV both write it."""
    if value is None:
        return ""
    return str(value)


def write_csvs(report: Report, directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for section in report.sections:
        path = directory / f"{section.key}.csv"
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(section.table.columns)
            writer.writerows([cell_text(value) for value in row] for row in section.table.rows)
        written.append(path)
    return written


def _when(moment: Any) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def _span(period: Any) -> str:
    hours = period.span.total_seconds() / 3600
    return f"{hours:g} hours" if hours < 48 else f"{hours / 24:g} days"
