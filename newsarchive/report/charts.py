"""A section's chart as inline SVG, drawn with matplotlib from the section's table.

Deterministic: a fixed hash salt for the SVG's ids, no date in its metadata, text kept as text
(no font embedded, so the file stays small and the phone's own sans-serif draws it), and every
style set here rather than read from the user's matplotlibrc.
"""

from __future__ import annotations

import io
import math
import re
from typing import Any

from .model import Section

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf")
WARNING = "#c0392b"
PLAIN = "#4a7ab0"
ROW_CHARTS = ("bars", "compare", "hstacked")  # one horizontal bar per table row
AREA_ABOVE = 60  # more buckets than this: stacked areas instead of stacked bars
MAX_TICKS = 8
LABEL_CHARS = 30
WIDTH_INCHES = 6.0
STYLE: dict[str, Any] = {
    "svg.hashsalt": "newsarchive-report",
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 10.0,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "legend.fontsize": 8.0,
    "path.simplify": True,
}


def chart_svg(section: Section) -> str | None:
    """The chart as an `<svg>` element sized by its viewBox, or None for an empty table."""
    if not section.table.rows or not section.series:
        return None
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context(STYLE):  # type: ignore[arg-type]
        height = _height(section)
        figure = Figure(figsize=(WIDTH_INCHES, height))
        # Fixed margins, in inches (matplotlib's constrained layout would take half the time):
        # room for the legend above, rotated dates below, row labels on the left.
        rows = section.chart in ROW_CHARTS
        figure.subplots_adjust(left=0.42 if rows else 0.1, right=0.97,
                               bottom=(0.45 if rows else 1.15) / height,
                               top=1 - 0.8 / height)
        axes = figure.add_subplot()
        DRAW[section.chart](axes, section)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return _inline(buffer.getvalue(), section.title)


def _height(section: Section) -> float:
    if section.chart in ROW_CHARTS:
        return 1.6 + 0.3 * len(section.table.rows)
    return 3.8


def _inline(document: str, title: str) -> str:
    """The bare `<svg>` element, scaled by CSS (its width and height attributes removed)."""
    svg = document[document.index("<svg"):]
    head, rest = svg.split(">", 1)
    head = re.sub(r'\s(width|height)="[^"]*"', "", head)
    safe = title.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return f'{head} role="img" aria-label="{safe}">{rest}'


def _short(label: Any) -> str:
    text = str(label)
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def _numbers(section: Section, name: str) -> list[float]:
    return [math.nan if value is None else float(value) for value in section.table.column(name)]


def _time_axis(axes: Any, labels: list[str]) -> None:
    step = max(1, math.ceil(len(labels) / MAX_TICKS))
    positions = list(range(0, len(labels), step))
    axes.set_xticks(positions, [labels[i] for i in positions], rotation=30, ha="right")
    axes.set_xlim(-0.6, len(labels) - 0.4)


def _legend(axes: Any, count: int, columns: int = 5) -> None:
    axes.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=min(count, columns))


def _stacked(axes: Any, section: Section) -> None:
    labels = [str(label) for label in section.table.column(section.label)]
    positions = list(range(len(labels)))
    series = [_numbers(section, name) for name in section.series]
    if len(labels) > AREA_ABOVE:
        axes.stackplot(positions, *series, labels=section.series, colors=PALETTE,
                       linewidth=0)
    else:
        bottom = [0.0] * len(labels)
        for index, (name, values) in enumerate(zip(section.series, series)):
            axes.bar(positions, values, 0.8, bottom=bottom, label=name,
                     color=PALETTE[index % len(PALETTE)])
            bottom = [b + v for b, v in zip(bottom, values)]
    axes.set_ylabel("items")
    _time_axis(axes, labels)
    _legend(axes, len(section.series))


def _lines(axes: Any, section: Section) -> None:
    labels = [str(label) for label in section.table.column(section.label)]
    positions = list(range(len(labels)))
    for index, name in enumerate(section.series):
        axes.plot(positions, _numbers(section, name), label=name.removesuffix(" %"),
                  color=PALETTE[index % len(PALETTE)], linewidth=1.4,
                  marker="o" if len(labels) <= 31 else None, markersize=2.5)
    axes.set_ylabel("% of the items")
    axes.set_ylim(bottom=0)
    _time_axis(axes, labels)
    _legend(axes, len(section.series))


def _rows_axis(axes: Any, section: Section) -> list[int]:
    labels = [_short(label) for label in section.table.column(section.label)]
    positions = list(range(len(labels)))
    axes.set_yticks(positions, labels)
    axes.invert_yaxis()  # the table's first row on top
    axes.grid(axis="y", visible=False)
    for tick, label in zip(axes.get_yticklabels(), section.table.column(section.label)):
        if label in section.highlight:
            tick.set_color(WARNING)
    return positions


def _bars(axes: Any, section: Section) -> None:
    positions = _rows_axis(axes, section)
    names = section.table.column(section.label)
    values = _numbers(section, section.series[0])
    colors = [WARNING if name in section.highlight else PLAIN for name in names]
    axes.barh(positions, [0.0 if math.isnan(v) else v for v in values], 0.7, color=colors)
    axes.set_xlabel(section.series[0])


def _compare(axes: Any, section: Section) -> None:
    positions = _rows_axis(axes, section)
    current, previous = (_numbers(section, name) for name in section.series[:2])
    axes.barh(positions, current, 0.7, color=PLAIN, label=section.series[0])
    axes.scatter(previous, positions, marker="|", s=160, color="#222222", linewidths=1.6,
                 label=section.series[1], zorder=3)
    axes.set_xlabel("items")
    _legend(axes, 2, 3)


def _hstacked(axes: Any, section: Section) -> None:
    positions = _rows_axis(axes, section)
    left = [0.0] * len(positions)
    for index, name in enumerate(section.series):
        values = _numbers(section, name)
        axes.barh(positions, values, 0.7, left=left, label=name,
                  color=PALETTE[index % len(PALETTE)])
        left = [a + b for a, b in zip(left, values)]
    _legend(axes, len(section.series), 3)


DRAW = {"stacked": _stacked, "lines": _lines, "bars": _bars, "compare": _compare,
        "hstacked": _hstacked}
