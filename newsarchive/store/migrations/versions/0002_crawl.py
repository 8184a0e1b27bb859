"""The crawl: the frontier (crawl_frontier) and the raw responses (crawl_responses).

Revision ID: 0002_crawl
Revises: 0001
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from newsarchive.store.models import UTCDateTime  # noqa: F401

revision: str = '0002_crawl'
down_revision: str | Sequence[str] | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('crawl_frontier',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=True),
    sa.Column('state', sa.String(length=8), nullable=False),
    sa.Column('discovered_from', sa.Text(), nullable=True),
    sa.Column('first_seen_at', UTCDateTime(), nullable=False),
    sa.Column('last_fetched_at', UTCDateTime(), nullable=True),
    sa.Column('next_due_at', UTCDateTime(), nullable=True),
    sa.Column('failure_count', sa.Integer(), nullable=False),
    sa.Column('last_status', sa.Integer(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('given_up_reason', sa.Text(), nullable=True),
    sa.Column('etag', sa.Text(), nullable=True),
    sa.Column('last_modified', sa.Text(), nullable=True),
    sa.Column('page_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IS NULL OR kind IN ('listing', 'feed', 'article')", name=op.f('ck_crawl_frontier_kind')),
    sa.CheckConstraint("state IN ('pending', 'fetched', 'done', 'failed', 'given_up')", name=op.f('ck_crawl_frontier_state')),
    sa.ForeignKeyConstraint(['page_id'], ['pages.id'], name=op.f('fk_crawl_frontier_page_id_pages'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crawl_frontier')),
    sa.UniqueConstraint('url', name=op.f('uq_crawl_frontier_url'))
    )
    with op.batch_alter_table('crawl_frontier', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crawl_frontier_state_next_due_at'), ['state', 'next_due_at'], unique=False)

    op.create_table('crawl_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('final_url', sa.Text(), nullable=False),
    sa.Column('status', sa.Integer(), nullable=False),
    sa.Column('headers', sa.Text(), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('compression', sa.String(length=8), nullable=False),
    sa.Column('body_size', sa.Integer(), nullable=False),
    sa.Column('fetched_at', UTCDateTime(), nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("compression IN ('zlib', 'none')", name=op.f('ck_crawl_responses_compression')),
    sa.ForeignKeyConstraint(['page_id'], ['pages.id'], name=op.f('fk_crawl_responses_page_id_pages'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crawl_responses'))
    )
    with op.batch_alter_table('crawl_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crawl_responses_page_id'), ['page_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_crawl_responses_url_fetched_at'), ['url', 'fetched_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('crawl_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crawl_responses_url_fetched_at'))
        batch_op.drop_index(batch_op.f('ix_crawl_responses_page_id'))

    op.drop_table('crawl_responses')
    with op.batch_alter_table('crawl_frontier', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crawl_frontier_state_next_due_at'))

    op.drop_table('crawl_frontier')
