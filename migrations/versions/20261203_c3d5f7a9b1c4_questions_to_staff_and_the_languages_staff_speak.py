"""Questions newcomers ask staff, their answers, and the languages each staff member speaks.

Revision ID: c3d5f7a9b1c4
Revises: c2b7e4a1d0f2
Create Date: 2026-12-03 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import onboarding.extensions


# revision identifiers, used by Alembic.
revision = 'c3d5f7a9b1c4'
down_revision = 'c2b7e4a1d0f2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('languages', sa.String(length=80), server_default='', nullable=False))

    op.create_table('question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('newcomer_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('topic', sa.String(length=40), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('helped', sa.Boolean(), nullable=True),
    sa.Column('asked_at', onboarding.extensions.UTCDateTime(), nullable=False),
    sa.Column('answered_at', onboarding.extensions.UTCDateTime(), nullable=True),
    sa.Column('closed_at', onboarding.extensions.UTCDateTime(), nullable=True),
    sa.CheckConstraint("status IN ('open', 'answered', 'closed')", name=op.f('ck_question_status_known')),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_question_location_id_location'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['newcomer_id'], ['newcomer.id'], name=op.f('fk_question_newcomer_id_newcomer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question'))
    )
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_location_id'), ['location_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_newcomer_id'), ['newcomer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_status'), ['status'], unique=False)

    op.create_table('question_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('at', onboarding.extensions.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], name=op.f('fk_question_answer_question_id_question'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_user.id'], name=op.f('fk_question_answer_staff_id_staff_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_answer'))
    )
    with op.batch_alter_table('question_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_answer_question_id'), ['question_id'], unique=False)


def downgrade():
    with op.batch_alter_table('question_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_answer_question_id'))

    op.drop_table('question_answer')
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_status'))
        batch_op.drop_index(batch_op.f('ix_question_newcomer_id'))
        batch_op.drop_index(batch_op.f('ix_question_location_id'))

    op.drop_table('question')
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_column('languages')
