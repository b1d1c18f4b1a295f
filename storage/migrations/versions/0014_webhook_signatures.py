"""The CRM webhook's replay store: webhook_signature (a signature taken, and until when its timestamp is accepted)
replaces webhook_delivery ('{timestamp}:{signature}' of a body-only signature, which no longer exists)

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index(op.f("ix_webhook_delivery_received_at"), table_name="webhook_delivery")
    op.drop_table("webhook_delivery")
    op.create_table(
        "webhook_signature",
        sa.Column("signature", sa.String(length=64), nullable=False),
        sa.Column("accepted_until", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("signature", name=op.f("pk_webhook_signature")),
    )
    op.create_index(op.f("ix_webhook_signature_accepted_until"), "webhook_signature", ["accepted_until"],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_webhook_signature_accepted_until"), table_name="webhook_signature")
    op.drop_table("webhook_signature")
    op.create_table(
        "webhook_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery", sa.String(length=100), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_delivery")),
        sa.UniqueConstraint("delivery", name=op.f("uq_webhook_delivery_delivery")),
    )
    op.create_index(op.f("ix_webhook_delivery_received_at"), "webhook_delivery", ["received_at"], unique=False)
