"""A category for "I'm stuck", which the municipality may count; the free text stays private.

Revision ID: c1a9d3e5f7b1
Revises: b95e8907e456
Create Date: 2026-12-02 23:10:00.000000

"""
from alembic import op
import sqlalchemy as sa

import onboarding.extensions


# revision identifiers, used by Alembic.
revision = 'c1a9d3e5f7b1'
down_revision = 'b95e8907e456'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('step_progress', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stuck_category', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('stuck_category_at', onboarding.extensions.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('step_progress', schema=None) as batch_op:
        batch_op.drop_column('stuck_category_at')
        batch_op.drop_column('stuck_category')
