"""crm data: accounts, deals, activities, quotas, leads and deal events, with the digests' indexes

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "crm_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("sector", sa.String(length=100), nullable=True),
        sa.Column("employees", sa.Integer(), nullable=True),
        sa.Column("revenue", sa.Float(), nullable=True),
        sa.Column("potential_tier", sa.String(length=8), nullable=True),
        sa.Column("first_won_date", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crm_account")),
        sa.UniqueConstraint("name", name=op.f("uq_crm_account_name")),
    )
    op.create_table(
        "crm_deal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("product", sa.String(length=120), nullable=True),
        sa.Column("stage", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=8), nullable=False),
        sa.Column("amount", sa.Float(), nullable=True),
        sa.Column("engaged_on", sa.Date(), nullable=True),
        sa.Column("created_on", sa.Date(), nullable=True),
        sa.Column("expected_close_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("close_month", sa.Date(), nullable=True),
        sa.Column("close_week", sa.Date(), nullable=True),
        sa.Column("next_step", sa.Text(), nullable=True),
        sa.Column("next_step_on", sa.Date(), nullable=True),
        sa.Column("last_activity_on", sa.Date(), nullable=True),
        sa.Column("stage_changed_on", sa.Date(), nullable=True),
        sa.Column("churned", sa.Boolean(), nullable=True),
        sa.Column("acquisition_cost", sa.Float(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["crm_account.id"], name=op.f("fk_crm_deal_account_id_crm_account")),
        sa.ForeignKeyConstraint(["owner_id"], ["person.id"], name=op.f("fk_crm_deal_owner_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crm_deal")),
        sa.UniqueConstraint("external_id", name=op.f("uq_crm_deal_external_id")),
    )
    op.create_index("ix_crm_deal_account_won", "crm_deal", ["account_id", "outcome", "closed_on"], unique=False)
    op.create_index("ix_crm_deal_owner_close_month", "crm_deal", ["owner_id", "close_month"], unique=False)
    op.create_index("ix_crm_deal_owner_outcome_closed", "crm_deal", ["owner_id", "outcome", "closed_on"],
                    unique=False)
    op.create_table(
        "crm_activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("count", sa.Integer(), server_default="1", nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("external_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["crm_account.id"],
                                name=op.f("fk_crm_activity_account_id_crm_account")),
        sa.ForeignKeyConstraint(["rep_id"], ["person.id"], name=op.f("fk_crm_activity_rep_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crm_activity")),
        sa.UniqueConstraint("external_id", name=op.f("uq_crm_activity_external_id")),
    )
    op.create_index("ix_crm_activity_rep_month", "crm_activity", ["rep_id", "month"], unique=False)
    op.create_index("ix_crm_activity_rep_week", "crm_activity", ["rep_id", "week_start", "kind", "count"],
                    unique=False)
    op.create_table(
        "crm_quota",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_kind", sa.String(length=8), nullable=False),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["rep_id"], ["person.id"], name=op.f("fk_crm_quota_rep_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crm_quota")),
        sa.UniqueConstraint("rep_id", "period_start", "period_kind", name=op.f("uq_crm_quota_rep_id")),
    )
    op.create_table(
        "crm_lead",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=True),
        sa.Column("converted_on", sa.Date(), nullable=True),
        sa.Column("deal_external_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["owner_id"], ["person.id"], name=op.f("fk_crm_lead_owner_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crm_lead")),
        sa.UniqueConstraint("external_id", name=op.f("uq_crm_lead_external_id")),
    )
    op.create_index(op.f("ix_crm_lead_owner_id"), "crm_lead", ["owner_id"], unique=False)
    op.create_table(
        "crm_deal_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("import_run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["deal_id"], ["crm_deal.id"], name=op.f("fk_crm_deal_event_deal_id_crm_deal")),
        sa.ForeignKeyConstraint(["import_run_id"], ["import_run.id"],
                                name=op.f("fk_crm_deal_event_import_run_id_import_run")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crm_deal_event")),
    )
    op.create_index(op.f("ix_crm_deal_event_deal_id"), "crm_deal_event", ["deal_id"], unique=False)
    op.create_index(op.f("ix_crm_deal_event_occurred_at"), "crm_deal_event", ["occurred_at"], unique=False)


def downgrade() -> None:
    op.drop_table("crm_deal_event")
    op.drop_table("crm_lead")
    op.drop_table("crm_quota")
    op.drop_table("crm_activity")
    op.drop_table("crm_deal")
    op.drop_table("crm_account")
