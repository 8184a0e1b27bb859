"""The archive tables (SQLAlchemy 2.x declarative). The schema is a public interface: see README.

The schema is created and changed only by the Alembic migrations in `store/migrations/`; a test
proves these models and the migrations agree.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ..items import StoredPageKind, sql_in
from ..values import ItemKind
from .evidence import WindowSource
from .types import SQLITE_TIME_FORMAT, PreciseUTCDateTime, UTCDateTime, sqlite_text  # noqa: F401 - their old home

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Page(Base):
    """One observation of a document: a file ingested or a URL fetched at a moment."""

    __tablename__ = "pages"
    __table_args__ = (
        UniqueConstraint("content_hash", "fetched_at"),
        Index(None, "url", "fetched_at"),
        CheckConstraint(sql_in("kind", StoredPageKind), name="kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str | None] = mapped_column(Text)
    fetched_at: Mapped[datetime] = mapped_column(PreciseUTCDateTime)  # the fetch order within a second
    kind: Mapped[str] = mapped_column(String(8))
    title: Mapped[str | None] = mapped_column(Text)
    section: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    parser_version: Mapped[str] = mapped_column(String(32))
    warnings: Mapped[str] = mapped_column(Text, default="[]")
    page_published: Mapped[datetime | None] = mapped_column(UTCDateTime)
    page_published_source: Mapped[str | None] = mapped_column(String(40))
    # How to parse it again: its raw bytes are the raw_bodies row of content_hash, and
    # content_type the HTTP Content-Type header as received (NULL for a file).
    content_type: Mapped[str | None] = mapped_column(Text)
    source_path: Mapped[str | None] = mapped_column(Text)  # the file it was read from, if any
    warc_record_id: Mapped[str | None] = mapped_column(Text)  # the WARC record it came in, if any


class RawBody(Base):
    """The bytes of a stored document, compressed, once per content (sha256 as content_hash).

    compression: `zstd` (with the dictionary `dictionary_id`, or none), `zlib`, `none`."""

    __tablename__ = "raw_bodies"
    __table_args__ = (
        CheckConstraint("compression IN ('zstd', 'zlib', 'none')", name="compression"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    compression: Mapped[str] = mapped_column(String(8))
    dictionary_id: Mapped[int | None] = mapped_column(ForeignKey("raw_dictionaries.id"))
    size: Mapped[int] = mapped_column(Integer)  # bytes before compression
    body: Mapped[bytes] = mapped_column(LargeBinary)


class RawDictionary(Base):
    """A zstandard dictionary trained on the archive's own first pages; never changed."""

    __tablename__ = "raw_dictionaries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Item(Base):
    """One distinct wire item: a lead article or a teaser, stored once."""

    __tablename__ = "items"
    __table_args__ = (
        CheckConstraint(sql_in("kind", ItemKind), name="kind"),
        CheckConstraint(
            sql_in("window_source", WindowSource),
            name="window_source",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_key: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(8), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    dateline: Mapped[str | None] = mapped_column(Text)
    dateline_folded: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    # An article's key of its first paragraph: equal to the content_key of its teasers.
    lead_key: Mapped[str | None] = mapped_column(String(32), index=True)
    section: Mapped[str | None] = mapped_column(Text, index=True)
    url: Mapped[str | None] = mapped_column(Text, index=True)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_earliest: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_latest: Mapped[datetime | None] = mapped_column(UTCDateTime)
    window_source: Mapped[str] = mapped_column(String(12), default="none")
    window_conflicts: Mapped[int] = mapped_column(Integer, default=0)
    # The story this item is a version of (see store/stories.py); every item has one.
    story_id: Mapped[int | None] = mapped_column(
        ForeignKey("stories.id", ondelete="SET NULL"), index=True
    )
    # The agency names in position order as a JSON array (`["ANP","RTR"]`), written only by
    # the triggers of migration 0008_browse on item_agencies and agencies: never set it.
    # Indexed, like section and kind, so that Datasette's facets count an index.
    agencies: Mapped[str] = mapped_column(Text, server_default="[]", index=True)


class Story(Base):
    """Versions of one wire story: items grouped by `store.stories.same_story`."""

    __tablename__ = "stories"

    # The smallest id of its items (store/derive.py), never from a sequence.
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


class ItemKey(Base):
    """Signatures that find an item's candidates through an index: `story` keys (place and
    MinHash value, store/stories.py), `title_head` and `title_tail` (the ends of its folded
    title, store/headlines.py)."""

    __tablename__ = "item_keys"
    __table_args__ = (
        CheckConstraint("kind IN ('story', 'title_head', 'title_tail')", name="kind"),
        {"sqlite_with_rowid": False},
    )

    kind: Mapped[str] = mapped_column(String(12), primary_key=True)
    key: Mapped[str] = mapped_column(Text, primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class HeadlineRow(Base):
    """A `Net binnen` headline of a listing page: its clock time and title as printed."""

    __tablename__ = "headlines"
    __table_args__ = ({"sqlite_with_rowid": False},)

    page_id: Mapped[int] = mapped_column(
        ForeignKey("pages.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)  # 0, 1, ... in page order
    section: Mapped[str] = mapped_column(Text)
    clock: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(Text)
    title_folded: Mapped[str] = mapped_column(Text)
    title_head: Mapped[str] = mapped_column(Text, index=True)
    title_tail: Mapped[str] = mapped_column(Text, index=True)
    url: Mapped[str | None] = mapped_column(Text)


class Sighting(Base):
    """An item shown on a page: where, with which age, and the window that age implies.

    Keyed by its place, (page_id, position), and on SQLite stored WITHOUT ROWID: the table is
    that key's B-tree, with no sighting id and no second index to keep unique (ten sightings per
    item make this the biggest table)."""

    __tablename__ = "sightings"
    __table_args__ = ({"sqlite_with_rowid": False},)

    page_id: Mapped[int] = mapped_column(
        ForeignKey("pages.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    age_text: Mapped[str | None] = mapped_column(Text)
    window_earliest: Mapped[datetime | None] = mapped_column(UTCDateTime)
    window_latest: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Agency(Base):
    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)


class ItemAgency(Base):
    __tablename__ = "item_agencies"
    __table_args__ = (Index(None, "agency_id", "item_id"),)

    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"))


class Place(Base):
    __tablename__ = "places"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    name_folded: Mapped[str] = mapped_column(Text, index=True)


class ItemPlace(Base):
    __tablename__ = "item_places"
    __table_args__ = (Index(None, "place_id", "item_id"),)

    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id", ondelete="CASCADE"))


class ItemRevision(Base):
    """A value an item had before a sighting changed it (or a value an older page showed)."""

    __tablename__ = "item_revisions"
    __table_args__ = (
        CheckConstraint(
            "field IN ('title', 'agencies', 'dateline', 'body')", name="field"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(16))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


# A view (created by migration 0001), not a table: a teaser is linked to every article whose
# first paragraph (dateline + text) is the teaser's text, so the link is derived, never stored.
# Described here so that queries can use it; autogenerate ignores it (info is_view).
item_links = Table(
    "item_links",
    Base.metadata,
    Column("teaser_id", Integer),
    Column("article_id", Integer),
    info={"is_view": True},
)


# The tables as SQLAlchemy Core sees them, for the write path's statements.
PAGES: Table = Page.__table__  # type: ignore[assignment]
ITEMS: Table = Item.__table__  # type: ignore[assignment]
SIGHTINGS: Table = Sighting.__table__  # type: ignore[assignment]
AGENCIES: Table = Agency.__table__  # type: ignore[assignment]
PLACES: Table = Place.__table__  # type: ignore[assignment]
ITEM_AGENCIES: Table = ItemAgency.__table__  # type: ignore[assignment]
ITEM_PLACES: Table = ItemPlace.__table__  # type: ignore[assignment]
REVISIONS: Table = ItemRevision.__table__  # type: ignore[assignment]
HEADLINES: Table = HeadlineRow.__table__  # type: ignore[assignment]
ITEM_KEYS: Table = ItemKey.__table__  # type: ignore[assignment]
STORIES: Table = Story.__table__  # type: ignore[assignment]
