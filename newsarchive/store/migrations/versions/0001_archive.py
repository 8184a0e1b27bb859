"""The archive: pages, items, sightings, agencies, places, revisions, the item_links view.

Revision ID: 0001
Revises: -
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from newsarchive.store.models import UTCDateTime

# A teaser and an article are the same story when the teaser's key equals the key of the
# article's first paragraph (items.lead_key): derived, so a view rather than a table.
ITEM_LINKS_VIEW = (
    "CREATE VIEW item_links AS "
    "SELECT teaser.id AS teaser_id, article.id AS article_id "
    "FROM items AS article JOIN items AS teaser ON teaser.content_key = article.lead_key "
    "WHERE article.kind = 'article' AND teaser.kind = 'teaser'"
)

revision: str = '0001'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('agencies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agencies')),
    sa.UniqueConstraint('name', name=op.f('uq_agencies_name'))
    )
    op.create_table('items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('content_key', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('dateline', sa.Text(), nullable=True),
    sa.Column('dateline_folded', sa.Text(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('lead_key', sa.String(length=32), nullable=True),
    sa.Column('section', sa.Text(), nullable=True),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('first_seen_at', UTCDateTime(), nullable=False),
    sa.Column('last_seen_at', UTCDateTime(), nullable=False),
    sa.Column('published_earliest', UTCDateTime(), nullable=True),
    sa.Column('published_latest', UTCDateTime(), nullable=True),
    sa.Column('window_source', sa.String(length=12), nullable=False),
    sa.Column('window_conflicts', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('article', 'teaser')", name=op.f('ck_items_kind')),
    sa.CheckConstraint("window_source IN ('metadata', 'relative_age', 'teaser', 'none')", name=op.f('ck_items_window_source')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_items')),
    sa.UniqueConstraint('content_key', name=op.f('uq_items_content_key'))
    )
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_items_lead_key'), ['lead_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_items_url'), ['url'], unique=False)

    op.create_table('pages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('fetched_at', UTCDateTime(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('section', sa.Text(), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('parser_version', sa.String(length=32), nullable=False),
    sa.Column('warnings', sa.Text(), nullable=False),
    sa.Column('page_published', UTCDateTime(), nullable=True),
    sa.Column('page_published_source', sa.String(length=40), nullable=True),
    sa.CheckConstraint("kind IN ('article', 'listing')", name=op.f('ck_pages_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pages')),
    sa.UniqueConstraint('content_hash', 'fetched_at', name=op.f('uq_pages_content_hash_fetched_at'))
    )
    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pages_url_fetched_at'), ['url', 'fetched_at'], unique=False)

    op.create_table('places',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('name_folded', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_places')),
    sa.UniqueConstraint('name', name=op.f('uq_places_name'))
    )
    with op.batch_alter_table('places', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_places_name_folded'), ['name_folded'], unique=False)

    op.create_table('item_agencies',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_item_agencies_agency_id_agencies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_item_agencies_item_id_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('item_id', 'position', name=op.f('pk_item_agencies'))
    )
    with op.batch_alter_table('item_agencies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_agencies_agency_id_item_id'), ['agency_id', 'item_id'], unique=False)

    op.create_table('item_places',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_item_places_item_id_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['place_id'], ['places.id'], name=op.f('fk_item_places_place_id_places'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('item_id', 'position', name=op.f('pk_item_places'))
    )
    with op.batch_alter_table('item_places', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_places_place_id_item_id'), ['place_id', 'item_id'], unique=False)

    op.create_table('item_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=16), nullable=False),
    sa.Column('old_value', sa.Text(), nullable=True),
    sa.Column('new_value', sa.Text(), nullable=True),
    sa.Column('page_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint("field IN ('title', 'agencies', 'dateline', 'body')", name=op.f('ck_item_revisions_field')),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_item_revisions_item_id_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['page_id'], ['pages.id'], name=op.f('fk_item_revisions_page_id_pages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item_revisions'))
    )
    with op.batch_alter_table('item_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_revisions_item_id'), ['item_id'], unique=False)

    op.create_table('sightings',
    sa.Column('page_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('age_text', sa.Text(), nullable=True),
    sa.Column('window_earliest', UTCDateTime(), nullable=True),
    sa.Column('window_latest', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_sightings_item_id_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['page_id'], ['pages.id'], name=op.f('fk_sightings_page_id_pages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('page_id', 'position', name=op.f('pk_sightings')),
    sqlite_with_rowid=False,
    )
    with op.batch_alter_table('sightings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sightings_item_id'), ['item_id'], unique=False)

    op.execute(ITEM_LINKS_VIEW)



def downgrade() -> None:
    op.execute("DROP VIEW item_links")
    with op.batch_alter_table('sightings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sightings_item_id'))

    op.drop_table('sightings')
    with op.batch_alter_table('item_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_revisions_item_id'))

    op.drop_table('item_revisions')
    with op.batch_alter_table('item_places', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_places_place_id_item_id'))

    op.drop_table('item_places')
    with op.batch_alter_table('item_agencies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_agencies_agency_id_item_id'))

    op.drop_table('item_agencies')
    with op.batch_alter_table('places', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_places_name_folded'))

    op.drop_table('places')
    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pages_url_fetched_at'))

    op.drop_table('pages')
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_items_url'))
        batch_op.drop_index(batch_op.f('ix_items_lead_key'))

    op.drop_table('items')
    op.drop_table('agencies')
