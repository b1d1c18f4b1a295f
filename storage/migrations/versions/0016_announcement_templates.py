"""announcement_template: an admin's Jinja2 template for a win, milestone, shout-out or survey intro, per language

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "announcement_template",
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", "language", name=op.f("pk_announcement_template")),
    )


def downgrade() -> None:
    op.drop_table("announcement_template")
