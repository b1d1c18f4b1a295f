"""competitor: the admin's competitor list (shared by /intel and loss reasons)

Revision ID: 0025
Revises: 0023
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0023"
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


def downgrade() -> None:
    op.drop_table("competitor")
