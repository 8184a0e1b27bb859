"""Render wire pages (layouts A, B, C, D) as text dumps, the way LAYOUTS.md shows them.

The page model (WirePage, WireItem, LeadStory, Headline) is the one render_html.py uses, so
the same random page can be rendered as text or as HTML. A WireItem's title is the title as
shown (layout D titles carry the `ANP ` prefix).
"""

from __future__ import annotations

from render_html import WEBMAIL_BANNER, LeadStory, WireItem, WirePage

EDITOR_LINE = "N i e u w bericht, meer quotes in 2e alinea"


def wire_line(dateline: str, agencies: tuple[str, ...], body: str, separator: str = " - ") -> str:
    """`DATELINE (AGENCIES) - body`; `separator` may be ` - `, ` – `, ` — ` or `- `."""
    bracket = f" ({'/'.join(agencies)})" if agencies else ""
    if bracket and not separator.startswith(" "):
        separator = " " + separator  # `GOES- ` is regional copy only
    return f"{dateline}{bracket}{separator}{body}"


def render_text(
    page: WirePage, *, separators: tuple[str, ...] = (" - ",), editor_line: bool = False
) -> str:
    """The page as a text dump; item i uses separators[i % len(separators)]."""
    lines = [wire_line(item.dateline, item.agencies, item.body, separators[i % len(separators)])
             for i, item in enumerate(page.items)]
    if page.layout == "A":
        return "\n".join([*_lead_lines(page.lead), f"Meer uit {page.section}", *_glued(page.items, lines)]) + "\n"
    if page.layout == "B":
        top = [*WEBMAIL_BANNER, page.lead.title] if page.lead else list(WEBMAIL_BANNER)
        lead = _lead_lines(page.lead, editor_line=editor_line, title=page.title_twice)
        blocks = [*top, *lead, f"Meer uit {page.section}"]
        return "\n\n".join(blocks) + "\n\n" + _titled(page.items, lines)
    if page.layout == "C":
        headlines = [f"- {h.section} {h.time} {h.title}" for h in page.headlines]
        return "\n".join([page.section, "Net binnen", *headlines, *_glued(page.items, lines)]) + "\n"
    blocks = [*WEBMAIL_BANNER, f"{page.date_line}\n{page.edition}", page.section]
    return "\n\n".join(blocks) + "\n\n" + _titled(page.items, lines)


def _lead_lines(lead: LeadStory | None, *, editor_line: bool = False, title: bool = True) -> list[str]:
    assert lead is not None
    first, *rest = lead.paragraphs
    return [
        *([lead.title] if title else []),
        *([EDITOR_LINE] if editor_line else []),
        *([lead.clock] if lead.clock else []),
        wire_line(lead.dateline, lead.agencies, first),
        *([" ".join(lead.photo)] if lead.photo else []),  # an embedded post is no text of the page's copy
        *rest,
        *([lead.byline] if lead.byline else []),
    ]


def _glued(items: tuple[WireItem, ...], lines: list[str]) -> list[str]:
    """Layouts A and C: each age glued to the start of the next item's line; the last alone."""
    ages = [""] + [item.age_text for item in items]
    return [age + line for age, line in zip(ages, lines)] + ([items[-1].age_text] if items else [])


def _titled(items: tuple[WireItem, ...], lines: list[str]) -> str:
    """Layouts B and D: title, blank line, wire line, blank line, age; next title after one newline."""
    return "\n".join(
        f"{item.title}\n\n{line}\n\n{item.age_text}" if item.title else f"{line}\n\n{item.age_text}"
        for item, line in zip(items, lines)
    ) + "\n"
