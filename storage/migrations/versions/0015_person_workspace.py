"""person.slack_enterprise_id: a person's Slack identity belongs to the workspace (and Enterprise Grid org) that
linked them; person.slack_team_id now holds that workspace, no longer the last one they wrote from

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("slack_enterprise_id", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("slack_enterprise_id")
