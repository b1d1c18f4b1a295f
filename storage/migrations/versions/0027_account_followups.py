"""crm_contact (contacts import), account_hold (account follow-ups kept quiet), account_quiet_threshold, and
an index for an account's latest activity

Revision ID: 0027
Revises: 0026
"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "crm_contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("role", sa.String(length=120), nullable=True),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["crm_account.id"], name=op.f("fk_crm_contact_account_id_crm_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crm_contact")),
        sa.UniqueConstraint("external_id", name=op.f("uq_crm_contact_external_id")),
    )
    op.create_index(op.f("ix_crm_contact_account_id"), "crm_contact", ["account_id"], unique=False)
    op.create_table(
        "account_hold",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False, server_default=""),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("muted", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("fingerprint", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action_ts", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["crm_account.id"], name=op.f("fk_account_hold_account_id_crm_account"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_account_hold_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_hold")),
        sa.UniqueConstraint("account_id", "rule", "subject", name=op.f("uq_account_hold_account_id")),
    )
    op.create_index(op.f("ix_account_hold_person_id"), "account_hold", ["person_id"], unique=False)
    op.create_table(
        "account_quiet_threshold",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("tier", sa.String(length=8), nullable=False),
        sa.Column("days", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_account_quiet_threshold_team_id_team")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_quiet_threshold")),
        sa.UniqueConstraint("team_id", "tier", name=op.f("uq_account_quiet_threshold_team_id")),
    )


    op.create_index("ix_crm_activity_account_day", "crm_activity", ["account_id", "day"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_crm_activity_account_day", table_name="crm_activity")
    op.drop_table("account_quiet_threshold")
    op.drop_table("account_hold")
    op.drop_table("crm_contact")
