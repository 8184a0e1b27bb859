"""Tables of reparse: each page's kept parse, and the work of a reparse in progress.

`page_parses` holds what the parser derived from each page (see parses.py), written when the
page is stored; `reparse_runs` and `reparse_staged` hold a reparse between its two steps (parse
the selected pages, possibly in several processes or on several machines; then rebuild the
archive from every page's parse in fetch order), so a killed reparse resumes where it stopped.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base


class PageParse(Base):
    """The ParsedPage that derived a page's sightings (its parser: pages.parser_version)."""

    __tablename__ = "page_parses"

    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class ReparseRun(Base):
    """A reparse not yet applied: which pages it selects, with which parser."""

    __tablename__ = "reparse_runs"
    __table_args__ = (UniqueConstraint("selection", "parser_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    selection: Mapped[str] = mapped_column(Text)  # JSON: the options that select its pages
    parser_version: Mapped[str] = mapped_column(String(32))
    last_page_id: Mapped[int] = mapped_column(Integer)  # pages stored later are not selected


class ReparseStaged(Base):
    """A selected page parsed again by a run, waiting for the run to be applied."""

    __tablename__ = "reparse_staged"

    run_id: Mapped[int] = mapped_column(ForeignKey("reparse_runs.id", ondelete="CASCADE"), primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
