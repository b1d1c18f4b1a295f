"""The outbox's due index takes attempts too, (status, attempts, available_at): the claim takes due retries first and
then never-tried rows in due order, so a retry no longer waits behind the rest of a fan-out queued before it.

Revision ID: 0021
Revises: 0020
"""

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_outbox_due", table_name="outbox")
    op.create_index("ix_outbox_due", "outbox", ["status", "attempts", "available_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_due", table_name="outbox")
    op.create_index("ix_outbox_due", "outbox", ["status", "available_at"])
