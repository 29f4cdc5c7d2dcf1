"""Check-ins at day 7, 30 and 90: the answers (counted only in anonymous insights) and the questions put off or switched off.

Revision ID: c2b7e4a1d0f2
Revises: c1a9d3e5f7b1
Create Date: 2026-12-03 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import onboarding.extensions


# revision identifiers, used by Alembic.
revision = 'c2b7e4a1d0f2'
down_revision = 'c1a9d3e5f7b1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('checkin_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('newcomer_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=20), nullable=False),
    sa.Column('topic', sa.String(length=10), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=True),
    sa.Column('answered_at', onboarding.extensions.UTCDateTime(), nullable=False),
    sa.CheckConstraint('score BETWEEN 1 AND 5', name=op.f('ck_checkin_answer_score_range')),
    sa.ForeignKeyConstraint(['newcomer_id'], ['newcomer.id'], name=op.f('fk_checkin_answer_newcomer_id_newcomer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checkin_answer')),
    sa.UniqueConstraint('newcomer_id', 'key', name=op.f('uq_checkin_answer_newcomer_id'))
    )
    with op.batch_alter_table('checkin_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checkin_answer_newcomer_id'), ['newcomer_id'], unique=False)

    op.create_table('checkin_pause',
    sa.Column('newcomer_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=20), nullable=False),
    sa.Column('until', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['newcomer_id'], ['newcomer.id'], name=op.f('fk_checkin_pause_newcomer_id_newcomer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('newcomer_id', 'key', name=op.f('pk_checkin_pause'))
    )


def downgrade():
    op.drop_table('checkin_pause')
    with op.batch_alter_table('checkin_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checkin_answer_newcomer_id'))

    op.drop_table('checkin_answer')
