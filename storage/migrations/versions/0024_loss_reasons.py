"""loss reasons: why a lost deal was lost, the competitor and the owner's note, stored with the deal; the reasons
each team's reps are offered

Revision ID: 0024
Revises: 0023
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("crm_deal") as batch:
        batch.add_column(sa.Column("loss_reason", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("competitor", sa.String(length=120), nullable=True))
        batch.add_column(sa.Column("loss_note", sa.Text(), nullable=True))
        batch.add_column(sa.Column("loss_answered_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("loss_action_ts", sa.String(length=32), nullable=True))
    with op.batch_alter_table("team") as batch:
        batch.add_column(sa.Column("loss_reasons", sa.String(length=120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("team") as batch:
        batch.drop_column("loss_reasons")
    with op.batch_alter_table("crm_deal") as batch:
        for name in ("loss_action_ts", "loss_answered_at", "loss_note", "competitor", "loss_reason"):
            batch.drop_column(name)
