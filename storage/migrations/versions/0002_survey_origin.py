"""survey origin: a replayed Slack submission creates no second survey

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("survey", schema=None) as batch_op:
        batch_op.add_column(sa.Column("origin", sa.String(length=128), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_survey_origin"), ["origin"])


def downgrade() -> None:
    with op.batch_alter_table("survey", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_survey_origin"), type_="unique")
        batch_op.drop_column("origin")
