"""Pages for the archive tests: ParsedPages built directly, and layout-A pages rendered as text
or as simple HTML from wire items with known publication times (our own invented sentences)."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from newsarchive.items import Item, Lead, PageDate, ParsedPage, PublicationWindow

T0 = datetime(2026, 3, 17, 12, 0, tzinfo=timezone.utc)


def teaser(
    dateline: str,
    body: str,
    *,
    agencies: tuple[str, ...] = ("ANP",),
    title: str | None = None,
    window: tuple[datetime, datetime] | None = None,
    age_text: str | None = None,
    url: str | None = None,
) -> Item:
    return Item(
        title=title,
        dateline=dateline,
        places=tuple(dateline.split("/")),
        agencies=agencies,
        body=body,
        age_text=age_text or ("1 uur geleden" if window else None),
        window=PublicationWindow(*window) if window else None,
        url=url,
    )


def listing(fetched_at: datetime, *items: Item, section: str = "Buitenland") -> ParsedPage:
    return ParsedPage("listing", None, fetched_at, title=section, section=section, items=list(items))


def article(
    fetched_at: datetime,
    dateline: str,
    paragraphs: tuple[str, ...],
    *items: Item,
    url: str | None = None,
    title: str | None = "Een kop",
    agencies: tuple[str, ...] = ("ANP",),
    published: datetime | None = None,
) -> ParsedPage:
    lead = Lead(title, dateline, tuple(dateline.split("/")), agencies, paragraphs)
    page_date = PageDate(published, "json-ld") if published else None
    return ParsedPage(
        "article", url, fetched_at, title=title, section="Buitenland", lead=lead,
        items=list(items), page_date=page_date,
    )


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


@dataclass(frozen=True)
class WireStory:
    """An item of a simulated wire with the moment it was really published."""

    dateline: str
    agencies: tuple[str, ...]
    body: str
    published: datetime

    @property
    def wire_line(self) -> str:
        return f"{self.dateline} ({'/'.join(self.agencies)}) - {self.body}"


def age_text(story: WireStory, fetched_at: datetime) -> str:
    """The age a site that truncates would print."""
    seconds = (fetched_at - story.published).total_seconds()
    minutes, hours_, days = int(seconds // 60), int(seconds // 3600), int(seconds // 86400)
    if minutes < 1:
        return "zojuist"
    if hours_ < 1:
        return "1 minuut geleden" if minutes == 1 else f"{minutes} minuten geleden"
    if days < 1:
        return f"{hours_} uur geleden"
    return "1 dag geleden" if days == 1 else f"{days} dagen geleden"


def layout_a_text(
    title: str, lead_line: str, stories: list[WireStory], fetched_at: datetime, section: str
) -> str:
    """A compact article page (layout A): each age glued to the next item's wire line."""
    lines = [title, lead_line, f"Meer uit {section}"]
    age = ""
    for story in stories:
        lines.append(age + story.wire_line)
        age = age_text(story, fetched_at)
    lines.append(age)
    return "\n".join(lines) + "\n"


def layout_a_html(title: str, lead_paragraphs: list[str], sidebar: list[tuple[str, str]], section: str) -> str:
    """A small HTML document of our own: lead in <article>, the sidebar as links with <time>."""
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in lead_paragraphs)
    entries = "".join(
        f'<li><a href="/nieuws/{n}">{html.escape(line)}</a> <time>{html.escape(age)}</time></li>'
        for n, (line, age) in enumerate(sidebar)
    )
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>"
        f"{html.escape(title)}</title><script>var s = 'Meer uit Sport';</script></head><body>"
        "<nav><a href='/'>Home</a> <a href='/sport'>Sport</a></nav>"
        f"<article><h1>{html.escape(title)}</h1>{paragraphs}</article>"
        f"<aside><h2>Meer uit {html.escape(section)}</h2><ul>{entries}</ul></aside>"
        "<footer>Over ons · Contact</footer></body></html>"
    )


DATELINES = ("TEHERAN", "IZJOEM/LONDEN", "WASHINGTON", "ÎLE LONGUE", "DEN HAAG", "GOES", "BRUSSEL")
AGENCY_LISTS = (("ANP",), ("ANP", "AFP"), ("ANP", "AFP", "RTR"), ("ANP", "DPA"))
WORDS = "kabinet minister stad haven plan regering raad oorlog zorg geld dorp school trein".split()


def wire_stream(rng, count: int, start: datetime, span: timedelta) -> list[WireStory]:
    """Invented stories published at random moments (to the second) in [start, start + span]."""
    stories = []
    for n in range(count):
        moment = start + timedelta(seconds=rng.randrange(int(span.total_seconds())))
        words = " ".join(rng.choice(WORDS) for _ in range(12))
        body = f"Bericht {n}: de {words} meldt iets nieuws over de {rng.choice(WORDS)}."
        stories.append(WireStory(rng.choice(DATELINES), rng.choice(AGENCY_LISTS), body, moment))
    return sorted(stories, key=lambda story: story.published)


def shown_at(stories: list[WireStory], fetched_at: datetime, count: int = 7) -> list[WireStory]:
    """What a sidebar shows at a moment: the newest stories already published, newest first."""
    return [s for s in reversed(stories) if s.published <= fetched_at][:count]
