"""survey share_with_team: post a team-level summary to the team's channel when a round closes

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("survey", schema=None) as batch_op:
        batch_op.add_column(sa.Column("share_with_team", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("survey", schema=None) as batch_op:
        batch_op.drop_column("share_with_team")
