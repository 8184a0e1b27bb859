"""The bound on start tags (`bound_markup`) cuts exactly what a plain search for crowded tags
cuts: the oracle below is that search (every `<` tried, left to right), on generated markup
with tags on both sides of the attribute limit and name runs on both sides of the length
the fast path reads at once."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsarchive.parse.html import MAX_ATTRIBUTES, bound_markup

ATTRIBUTE = r"""[\s/]*+[^\s/>=]++(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s>]*+))?+"""
KEPT = rf"<[a-zA-Z][^\s/>]*+(?:{ATTRIBUTE}){{{MAX_ATTRIBUTES}}}"
CROWDED = re.compile(rf"(?P<kept>{KEPT})(?:{ATTRIBUTE})++")


def oracle(text: str) -> tuple[str, list[str]]:
    bounded, cut = CROWDED.subn(r"\g<kept>", text)
    if not cut:
        return text, []
    return bounded, [f"{cut} start tag(s) with more than {MAX_ATTRIBUTES} attributes cut short"]


def attribute(rng: random.Random, index: int) -> str:
    name = rng.choice(["a", "data-x", "class"] * 4 + ["x<y", "'q", '"q'])
    value = rng.choice(["", "=v", '="v"'] * 4 + ['=">"', "='<b c d>'", ' = "x y"', "=<a", '="'])
    return f"{name}{index}{value}"


def tag(rng: random.Random) -> str:
    count = rng.choice([0, 1, 3, MAX_ATTRIBUTES - 2, MAX_ATTRIBUTES - 1, MAX_ATTRIBUTES,
                        MAX_ATTRIBUTES + 1, MAX_ATTRIBUTES + 2, 3 * MAX_ATTRIBUTES])
    name = rng.choice(["div", "p", "a", "a<b", "x" * rng.choice([250, 253, 254, 255, 256, 257, 300])])
    separators = [" "] * 12 + ["", "/", "\n", " / "]  # mostly spaced: a glued name runs on
    parts = [name] + [rng.choice(separators) + attribute(rng, i) for i in range(count)]
    return "<" + "".join(parts) + rng.choice([">", "/>", "", " "])


def markup(rng: random.Random) -> str:
    pieces = []
    for _ in range(rng.randint(1, 12)):
        pieces.append(rng.choice([tag(rng), "tekst ", "</div>", "<a" * rng.choice([1, 100, 200]), "a < b ", "<"]))
    return "".join(pieces)


@pytest.mark.parametrize("seed", range(300))
def test_bound_markup_cuts_what_a_plain_search_cuts(seed: int) -> None:
    text = markup(random.Random(seed))
    warnings: list[str] = []
    assert (bound_markup(text, warnings), warnings) == oracle(text)


@pytest.mark.parametrize("seed", range(0, 300, 7))
def test_bound_markup_on_bytes_is_the_same_cut(seed: int) -> None:
    text = markup(random.Random(seed))
    warnings: list[str] = []
    bounded, expected = bound_markup(text.encode(), warnings), oracle(text)
    assert (bounded.decode(), warnings) == expected


@pytest.mark.parametrize("length", [254, 255, 256, 257])
def test_name_runs_at_the_fast_path_length_are_cut_alike(length: int) -> None:
    crowded = "<" + "a" * length + " " + " ".join(f"b{i}" for i in range(MAX_ATTRIBUTES + 1)) + ">"
    for text in (crowded, "<a" * length + crowded, crowded + "<" + "a" * length):
        warnings: list[str] = []
        assert (bound_markup(text, warnings), warnings) == oracle(text)


def test_unchanged_markup_is_the_same_object() -> None:
    text = "<body>" + "<a" * 300 + "</body>"
    assert bound_markup(text, []) is text


# The tightest tags: every attribute as short as the tokenizer reads one (a name and a
# separator, or a name and an empty quoted value with no separator after it), and values
# holding `>` (the one place a tag holds one), around the attribute limit.
_SHORTEST_ATTRIBUTES = [" a", "/a", 'a=""', "a=''", ' a=">"', " a='>'", ' a = ">"', " a=", ' a="x>', "\n'"]
_PIECES = ["<", "<a", ">", " ", "/", "=", '"', "'", "a", "\n", "x" * 120, "<" + "x" * 254]


@st.composite
def _tight_markup(draw: st.DrawFn) -> str:
    pieces = []
    for _ in range(draw(st.integers(1, 4))):
        count = draw(st.sampled_from([MAX_ATTRIBUTES - 1, MAX_ATTRIBUTES, MAX_ATTRIBUTES + 1, 3]))
        attributes = draw(st.lists(st.sampled_from(_SHORTEST_ATTRIBUTES), min_size=count, max_size=count))
        pieces.append(draw(st.sampled_from(["<a", "<b c", "<" + "x" * 200])) + "".join(attributes))
        pieces.extend(draw(st.lists(st.sampled_from(_PIECES), max_size=6)))
    return "".join(pieces)


@settings(max_examples=400, deadline=None)
@given(_tight_markup())
@example("<a" + " a" * MAX_ATTRIBUTES)  # the shortest run that reaches the limit
@example("<a " + 'a=""' * MAX_ATTRIBUTES)
@example("<a" + ' a = ">"' * MAX_ATTRIBUTES)  # a `>` in every value, spaces around the `=`
@example("<a" + " a='>'" * MAX_ATTRIBUTES)
def test_the_cheap_searches_miss_no_tag_the_plain_search_finds(text: str) -> None:
    """The prefilter of `bound_markup` (a long run without `>`, a `>` in a quoted value) decides
    as the plain search over the whole text does, on str and on bytes."""
    from newsarchive.parse.html import _SUSPECT_TAG, _has_suspect_tag

    expected = _SUSPECT_TAG.search(text) is not None
    assert (_has_suspect_tag(text, False), _has_suspect_tag(text.encode(), True)) == (expected, expected)


# Script and style text that the prefilter skips (from the `>` after the start tag up to the
# next `<`), at the skip's length limit and past it, with and without a `<`, a `>` or a quote.
_RAW_TEXTS = ["x" * 255, "x" * 256, "a = 1; " * 50, 'x="' + "y" * 300, "i<n; " * 60, '">' * 150, "<"]
_RAW_STARTS = ["<script>", "<style>", "<script type='x'>", "<script", "<style", "</script>", ">"]


@st.composite
def _markup_with_raw_text(draw: st.DrawFn) -> str:
    pieces = []
    for _ in range(draw(st.integers(1, 4))):
        pieces.append(draw(st.sampled_from(_RAW_STARTS)))
        pieces.extend(draw(st.lists(st.sampled_from(_RAW_TEXTS), max_size=3)))
        pieces.append(draw(_tight_markup()))
    return "".join(pieces)


@settings(max_examples=300, deadline=None)
@given(_markup_with_raw_text())
@example("<script>" + "x" * 300 + "<a" + " a" * MAX_ATTRIBUTES)  # crowded right after skipped text
@example("<script>" + "x" * 300 + "<a" + ' a=">"' * MAX_ATTRIBUTES)
@example("<style>" + "x" * 300 + "<a" + " a" * (MAX_ATTRIBUTES - 1))  # one short of the limit
@example('<a x="<script>' + "y" * 300 + '"' + " a" * MAX_ATTRIBUTES + ">")  # a script start in a value
def test_script_text_the_prefilter_skips_hides_no_tag(text: str) -> None:
    """The prefilter skips the text after a script or style start tag: it decides as the plain
    search over the whole text does all the same, on str and on bytes."""
    from newsarchive.parse.html import _SUSPECT_TAG, _has_suspect_tag

    expected = _SUSPECT_TAG.search(text) is not None
    assert (_has_suspect_tag(text, False), _has_suspect_tag(text.encode(), True)) == (expected, expected)


def test_a_crowded_tag_after_a_long_script_is_cut() -> None:
    text = "<script>" + "x" * 300 + "</script><div " + " ".join(f"a{i}" for i in range(MAX_ATTRIBUTES + 1)) + ">"
    warnings: list[str] = []
    assert (bound_markup(text, warnings), warnings) == oracle(text)
    assert warnings == [f"1 start tag(s) with more than {MAX_ATTRIBUTES} attributes cut short"]
