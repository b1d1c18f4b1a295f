"""data_version: a counter every write to KPI inputs (CRM rows, people, teams) bumps, for App Home's KPI cache

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "data_version",
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_data_version")),
    )
    op.bulk_insert(table, [{"name": "kpis", "version": 0}])


def downgrade() -> None:
    op.drop_table("data_version")
