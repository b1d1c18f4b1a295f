"""complaint: customer complaints about accounts, their owners, due times and nudges

Revision ID: 0026
Revises: 0025
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "complaint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=True),
        sa.Column("origin", sa.String(length=128), nullable=True),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("logged_by", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("half_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("halves_sent", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("rearmed", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("overdue_told_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("snoozes", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("action_ts", sa.String(length=32), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["crm_account.id"], name=op.f("fk_complaint_account_id_crm_account"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["owner_id"], ["person.id"], name=op.f("fk_complaint_owner_id_person")),
        sa.ForeignKeyConstraint(["logged_by"], ["person.id"], name=op.f("fk_complaint_logged_by_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint")),
        sa.UniqueConstraint("external_id", name=op.f("uq_complaint_external_id")),
        sa.UniqueConstraint("origin", name=op.f("uq_complaint_origin")),
    )
    op.create_index("ix_complaint_open_due", "complaint", ["resolved_at", "due_at"], unique=False)
    op.create_index("ix_complaint_owner_resolved", "complaint", ["owner_id", "resolved_at"], unique=False)
    op.create_index(op.f("ix_complaint_account_id"), "complaint", ["account_id"], unique=False)
    op.create_index(op.f("ix_complaint_logged_by"), "complaint", ["logged_by"], unique=False)


def downgrade() -> None:
    op.drop_table("complaint")
