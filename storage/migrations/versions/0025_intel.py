"""competitor: the admin's competitor list (shared by /intel and loss reasons); intel_item, intel_reaction and
intel_channel: /intel items, the reactions on their channel posts, and where they are posted

Revision ID: 0025
Revises: 0024
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "competitor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competitor")),
        sa.UniqueConstraint("name", name=op.f("uq_competitor_name")),
    )
    op.create_table(
        "intel_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("slack_team_id", sa.String(length=32), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("competitor", sa.String(length=80), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("origin", sa.String(length=128), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("post_key", sa.String(length=64), nullable=True),
        sa.Column("reactions", sa.Integer(), nullable=False, server_default="0"),
        sa.ForeignKeyConstraint(["author_id"], ["person.id"], name=op.f("fk_intel_item_author_id_person")),
        sa.ForeignKeyConstraint(["account_id"], ["crm_account.id"], name=op.f("fk_intel_item_account_id_crm_account"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intel_item")),
        sa.UniqueConstraint("origin", name=op.f("uq_intel_item_origin")),
    )
    op.create_index("ix_intel_item_created", "intel_item", ["created_at"], unique=False)
    op.create_index("ix_intel_item_post", "intel_item", ["channel_id"], unique=False)
    op.create_index(op.f("ix_intel_item_author_id"), "intel_item", ["author_id"], unique=False)
    op.create_table(
        "intel_reaction",
        sa.Column("intel_id", sa.Integer(), nullable=False),
        sa.Column("slack_user", sa.String(length=32), nullable=False),
        sa.Column("reaction", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["intel_id"], ["intel_item.id"], name=op.f("fk_intel_reaction_intel_id_intel_item"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("intel_id", "slack_user", "reaction", name=op.f("pk_intel_reaction")),
    )
    op.create_table(
        "intel_channel",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("locale", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intel_channel")),
    )


def downgrade() -> None:
    op.drop_table("intel_channel")
    op.drop_table("intel_reaction")
    op.drop_table("intel_item")
    op.drop_table("competitor")
