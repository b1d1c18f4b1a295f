"""reminders holidays and slack status

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "holiday",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_holiday_team_id_team")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holiday")),
        sa.UniqueConstraint("day", "team_id", name=op.f("uq_holiday_day")),
    )
    with op.batch_alter_table("holiday", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_holiday_day"), ["day"], unique=False)

    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status_text", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("status_emoji", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("status_until", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("survey_recipient", schema=None) as batch_op:
        batch_op.add_column(sa.Column("invited_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("reminders_sent", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("survey_recipient", schema=None) as batch_op:
        batch_op.drop_column("reminders_sent")
        batch_op.drop_column("invited_at")

    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("status_until")
        batch_op.drop_column("status_emoji")
        batch_op.drop_column("status_text")

    with op.batch_alter_table("holiday", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_holiday_day"))

    op.drop_table("holiday")
