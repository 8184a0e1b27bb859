"""Agencies in one spelling (`values.canonical_agency`): `dpa`, `Dpa` and `DPA` become one row.

Each group of agencies with one canonical spelling keeps one row (the one already spelled so,
else the oldest); the links of the others are moved to it (an item linked to two of them
keeps its first link only, so that it names an agency once) and the others are deleted; then
the kept row takes the canonical spelling. The triggers of 0008_browse keep
`items.agencies` right through every step. Earlier agency lists in `item_revisions` stay as
they were recorded.

The downgrade changes nothing: the merged spellings are not recorded anywhere.

Revision ID: 0012_agency_spelling
Revises: 0011_response_bodies
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from newsarchive.values import canonical_agency

revision: str = "0012_agency_spelling"
down_revision: str | Sequence[str] | None = "0011_response_bodies"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AGENCIES = sa.table("agencies", sa.column("id", sa.Integer), sa.column("name", sa.Text))
LINKS = sa.table("item_agencies", sa.column("item_id", sa.Integer),
                 sa.column("position", sa.Integer), sa.column("agency_id", sa.Integer))


def upgrade() -> None:
    connection = op.get_bind()
    groups: dict[str, list[tuple[int, str]]] = {}
    for agency_id, name in connection.execute(
            sa.select(AGENCIES.c.id, AGENCIES.c.name).order_by(AGENCIES.c.id)):
        groups.setdefault(canonical_agency(name), []).append((agency_id, name))
    for spelling, rows in groups.items():
        if len(rows) == 1 and rows[0][1] == spelling:
            continue
        kept = next((agency_id for agency_id, name in rows if name == spelling), rows[0][0])
        for other, _ in rows:
            if other != kept:
                _merge(connection, other, kept)
        connection.execute(sa.update(AGENCIES).where(AGENCIES.c.id == kept,
                                                     AGENCIES.c.name != spelling)
                           .values(name=spelling))


def _merge(connection: sa.Connection, other: int, kept: int) -> None:
    """Move the links of agency `other` to agency `kept`, and delete `other`. An item linked
    to both keeps the first of its two links (`canonical_agencies` keeps the first too)."""
    both = (sa.select(LINKS.c.item_id, LINKS.c.position, LINKS.c.agency_id)
            .where(LINKS.c.agency_id.in_((other, kept)),
                   LINKS.c.item_id.in_(sa.select(LINKS.c.item_id).where(LINKS.c.agency_id == other)),
                   LINKS.c.item_id.in_(sa.select(LINKS.c.item_id).where(LINKS.c.agency_id == kept)))
            .order_by(LINKS.c.item_id, LINKS.c.position))
    first: dict[int, int] = {}
    for item_id, position, _ in connection.execute(both).all():
        if item_id in first:
            connection.execute(sa.delete(LINKS).where(LINKS.c.item_id == item_id,
                                                      LINKS.c.position == position))
        else:
            first[item_id] = position
    connection.execute(sa.update(LINKS).where(LINKS.c.agency_id == other).values(agency_id=kept))
    connection.execute(sa.delete(AGENCIES).where(AGENCIES.c.id == other))


def downgrade() -> None:
    pass
