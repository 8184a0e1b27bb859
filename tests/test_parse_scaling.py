"""Parse cost grows linearly with the input, whatever its shape (no timing thresholds).

Each case parses an input of size n and of size 4n and compares the CPU cost: linear work
costs about 4 times as much, quadratic work 16 times. The bound (8) leaves room for a
noisy, shared machine while failing any quadratic step. The best of a few runs is taken, and
a ratio over the bound is measured again (up to three times): a quadratic step is over it
every time, a burst of load on a shared machine once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timezone

import pytest

from newsarchive.parse import parse_page

FETCHED = datetime(2026, 3, 17, 12, 0, tzinfo=timezone.utc)
GROWTH = 4
BOUND = 8.0
ATTEMPTS = 3


def crowded_tags(n: int) -> str:
    """One start tag of n distinct attributes (libxml2 alone is quadratic in them)."""
    attributes = " ".join(f'data-x{i}="{i}"' for i in range(n))
    return f"<html><body><h1>Titel</h1><div {attributes}><p>DEN HAAG (ANP) - Tekst.</p></div></body></html>"


def long_tag_names(n: int) -> str:
    """`<a<a<a...`: one start tag whose name runs on (a name ends at whitespace, `/`, `>`)."""
    return "<html><body><h1>Titel</h1><p>DEN HAAG (ANP) - Tekst.</p>" + "<a" * n + "</body></html>"


def deep_nesting(n: int) -> str:
    return "<html><body><h1>Titel</h1>" + "<div><span>" * n + "DEN HAAG (ANP) - Tekst." + "</span></div>" * n


def long_line(n: int) -> str:
    return "<html><body><h1>Titel</h1><p>DEN HAAG (ANP) - " + "woord (ANP) - 3 uur geleden " * n + "</p></body></html>"


def many_items(n: int) -> str:
    items = "".join(f"<p>ASSEN (ANP) - Bericht {i}.</p><span>{i % 50 + 1} uur geleden</span>" for i in range(n))
    return f"<html><body><h1>Titel</h1><p>GOES (ANP) - Tekst.</p><h2>Meer uit Zeeland</h2>{items}</body></html>"


def many_text_lines(n: int) -> str:
    return "Titel\nGOES (ANP) - Tekst.\nMeer uit Zeeland\n" + "".join(
        f"ASSEN (ANP) - Bericht {i} met ANPMinister - 9:31 tekst.\n{i % 50 + 1} uur geleden" for i in range(n)
    )


def chrome_in_chrome(n: int) -> str:
    """A menu of n footers of one link each: every one a chrome element inside another."""
    return "<html><body><h1>Titel</h1><nav>" + "<footer><a href='/x'>x</a></footer>" * n + "</nav></body></html>"


def cost(text: str, with_links: bool = False) -> float:
    data = text.encode("utf-8")
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        parse_page(data, FETCHED, "https://regio.example.nl/", with_links=with_links)
        best = min(best, time.process_time() - start)
    return best


@pytest.mark.parametrize(
    ("build", "n"),
    [(crowded_tags, 6000), (long_tag_names, 20000), (deep_nesting, 3000), (long_line, 6000), (many_items, 1500), (many_text_lines, 1500)],
    ids=["many attributes", "long tag names", "deep nesting", "long line", "many items", "many text lines"],
)
def test_cost_of_four_times_the_input_is_about_four_times_the_cost(build: Callable[[int], str], n: int) -> None:
    small_input, large_input = build(n), build(GROWTH * n)
    ratios = []
    for _ in range(ATTEMPTS):  # quadratic work fails every attempt, a burst of load one
        ratios.append(cost(large_input) / cost(small_input))
        if ratios[-1] < BOUND:
            return
    pytest.fail(f"{min(ratios):.1f}x the cost for {GROWTH}x the input, at best of {ATTEMPTS}")


def test_links_in_chrome_inside_chrome_cost_linear_time() -> None:
    """Each chrome element's links are found by a look-up, not by a search through the page's links."""
    small_input, large_input = chrome_in_chrome(3000), chrome_in_chrome(GROWTH * 3000)
    ratios = []
    for _ in range(ATTEMPTS):
        ratios.append(cost(large_input, with_links=True) / cost(small_input, with_links=True))
        if ratios[-1] < BOUND:
            return
    pytest.fail(f"{min(ratios):.1f}x the cost for {GROWTH}x the input, at best of {ATTEMPTS}")
