"""skill text in other languages: the catalogue's Spanish (and later) name, use_when, steps

Revision ID: 6aafc7d5f506
Revises: 7d8447a40ced
Create Date: 2026-11-29 09:43:43.689381

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6aafc7d5f506'
down_revision = '7d8447a40ced'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('skill_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('translations', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('skill_versions', schema=None) as batch_op:
        batch_op.drop_column('translations')
