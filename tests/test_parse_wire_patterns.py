"""The wire-line patterns' possessive quantifiers change no match: on random lines built from
wire pieces, the patterns match exactly as their backtracking forms (the same pattern text
without the possessive marks) do."""

from __future__ import annotations

import random
import re

import pytest

from newsarchive.parse import wire

PIECES = [
    "DEN", "HAAG", "GOES", "Borsele", "Den", "ÎLE", "A", "AB", "X", "'S", "’s", "ST.", "ANP", "RTR", "Omroep", "Zeeland",
    "de", "bond", "NCTV", "ANPANPANPANPA", "²", "_", "1", "3 uur geleden", "net", "zojuist", "gisteren",
    "een uur geleden", " ", " ", " ", "-", "-", "/", " / ", "(", ")", " (", ") ", " - ", "- ", " – ", " − ", ".", "'",
    "‐", "\t", "  ", "x", "Body.",
]


def backtracking(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The pattern with `++` and `}+` made plain greedy quantifiers again."""
    return re.compile(pattern.pattern.replace("++", "+").replace("}+", "}"), pattern.flags)


@pytest.mark.parametrize("pattern", [wire._WIRE, wire._AGE_AND_WIRE], ids=["wire line", "age and wire line"])
def test_possessive_patterns_match_as_their_backtracking_forms(pattern: re.Pattern[str]) -> None:
    plain = backtracking(pattern)
    assert plain.pattern != pattern.pattern  # the test compares two different regexes
    rng = random.Random(10)
    matched = 0
    for _ in range(20_000):
        line = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 16)))
        mine, theirs = pattern.match(line), plain.match(line)
        assert (mine and (mine.groups(), mine.span())) == (theirs and (theirs.groups(), theirs.span())), line
        matched += theirs is not None
    assert matched > 2_000  # the pieces make wire lines often enough to compare matches
