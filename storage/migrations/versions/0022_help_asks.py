"""help_ask: a rep's ask for help with a deal, to their manager, and the manager's answers

Revision ID: 0022
Revises: 0021
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "help_ask",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=True),
        sa.Column("deal_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answers", sa.String(length=32), nullable=False, server_default=""),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("origin", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(["rep_id"], ["person.id"], name=op.f("fk_help_ask_rep_id_person")),
        sa.ForeignKeyConstraint(["manager_id"], ["person.id"], name=op.f("fk_help_ask_manager_id_person")),
        sa.ForeignKeyConstraint(["deal_id"], ["crm_deal.id"], name=op.f("fk_help_ask_deal_id_crm_deal"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_help_ask")),
        sa.UniqueConstraint("origin", name=op.f("uq_help_ask_origin")),
    )
    op.create_index("ix_help_ask_rep_open", "help_ask", ["rep_id", "answered_at"], unique=False)
    op.create_index("ix_help_ask_manager_asked", "help_ask", ["manager_id", "asked_at"], unique=False)


def downgrade() -> None:
    op.drop_table("help_ask")
