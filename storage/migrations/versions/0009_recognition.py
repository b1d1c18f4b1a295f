"""recognition: kudos and receivers, company values, wins, webhook deliveries, team recognition settings

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kudos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("giver_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.String(length=40), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["giver_id"], ["person.id"], name=op.f("fk_kudos_giver_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kudos")),
        sa.UniqueConstraint("key", name=op.f("uq_kudos_key")),
    )
    op.create_index(op.f("ix_kudos_created_at"), "kudos", ["created_at"], unique=False)
    op.create_index("ix_kudos_giver_created", "kudos", ["giver_id", "created_at"], unique=False)
    op.create_table(
        "kudos_receiver",
        sa.Column("kudos_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["kudos_id"], ["kudos.id"], name=op.f("fk_kudos_receiver_kudos_id_kudos"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_kudos_receiver_person_id_person")),
        sa.PrimaryKeyConstraint("kudos_id", "person_id", name=op.f("pk_kudos_receiver")),
    )
    op.create_index("ix_kudos_receiver_person_created", "kudos_receiver", ["person_id", "created_at"], unique=False)
    op.create_table(
        "company_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("description", sa.String(length=200), server_default="", nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_company_value")),
        sa.UniqueConstraint("name", name=op.f("uq_company_value_name")),
    )
    op.create_table(
        "win",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deal_external_id", sa.String(length=64), nullable=True),
        sa.Column("origin", sa.String(length=128), nullable=True),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("account", sa.String(length=200), nullable=True),
        sa.Column("amount", sa.Float(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("cycle_days", sa.Integer(), nullable=True),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("logged_by", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["logged_by"], ["person.id"], name=op.f("fk_win_logged_by_person")),
        sa.ForeignKeyConstraint(["rep_id"], ["person.id"], name=op.f("fk_win_rep_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_win")),
        sa.UniqueConstraint("deal_external_id", name=op.f("uq_win_deal_external_id")),
        sa.UniqueConstraint("origin", name=op.f("uq_win_origin")),
    )
    op.create_index(op.f("ix_win_created_at"), "win", ["created_at"], unique=False)
    op.create_index("ix_win_rep_occurred", "win", ["rep_id", "occurred_on"], unique=False)
    op.create_table(
        "webhook_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery", sa.String(length=100), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_delivery")),
        sa.UniqueConstraint("delivery", name=op.f("uq_webhook_delivery_delivery")),
    )
    op.create_index(op.f("ix_webhook_delivery_received_at"), "webhook_delivery", ["received_at"], unique=False)
    op.create_table(
        "team_recognition",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("last_shout_out_week", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_team_recognition_team_id_team")),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_team_recognition")),
    )


def downgrade() -> None:
    op.drop_table("team_recognition")
    op.drop_table("webhook_delivery")
    op.drop_index("ix_win_rep_occurred", table_name="win")
    op.drop_index(op.f("ix_win_created_at"), table_name="win")
    op.drop_table("win")
    op.drop_table("company_value")
    op.drop_index("ix_kudos_receiver_person_created", table_name="kudos_receiver")
    op.drop_table("kudos_receiver")
    op.drop_index("ix_kudos_giver_created", table_name="kudos")
    op.drop_index(op.f("ix_kudos_created_at"), table_name="kudos")
    op.drop_table("kudos")
