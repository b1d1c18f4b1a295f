"""Covering activity indexes (issue 17): (rep_id, week_start | month, kind, account_id, count), so a period's sums by
rep and kind, tiers included, are read from the index alone; the month index held no more than (rep_id, month).

Revision ID: 0018
Revises: 0017
"""

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_crm_activity_rep_week", table_name="crm_activity")
    op.drop_index("ix_crm_activity_rep_month", table_name="crm_activity")
    op.create_index("ix_crm_activity_rep_week", "crm_activity", ["rep_id", "week_start", "kind", "account_id", "count"])
    op.create_index("ix_crm_activity_rep_month", "crm_activity", ["rep_id", "month", "kind", "account_id", "count"])


def downgrade() -> None:
    op.drop_index("ix_crm_activity_rep_week", table_name="crm_activity")
    op.drop_index("ix_crm_activity_rep_month", table_name="crm_activity")
    op.create_index("ix_crm_activity_rep_week", "crm_activity", ["rep_id", "week_start", "kind", "count"])
    op.create_index("ix_crm_activity_rep_month", "crm_activity", ["rep_id", "month"])
