"""First-data indexes (issue 17): deals on (owner_id, created_on, engaged_on) and leads on (owner_id, created_on)
instead of (owner_id), so each person's first deal (created, or engaged when it has no creation date) and first lead
are read from the ends of an index instead of from every deal and lead they own.

Revision ID: 0020
Revises: 0019
"""

from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_crm_deal_owner_created", "crm_deal", ["owner_id", "created_on", "engaged_on"])
    op.drop_index("ix_crm_lead_owner_id", table_name="crm_lead")
    op.create_index("ix_crm_lead_owner_created", "crm_lead", ["owner_id", "created_on"])


def downgrade() -> None:
    op.drop_index("ix_crm_lead_owner_created", table_name="crm_lead")
    op.create_index("ix_crm_lead_owner_id", "crm_lead", ["owner_id"])
    op.drop_index("ix_crm_deal_owner_created", table_name="crm_deal")
