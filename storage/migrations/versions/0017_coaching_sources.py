"""Coaching sources (issue 16): person.sales_role; crm_account.potential, potential_basis, churned_on, owner_id and
owner_basis; crm_deal.deal_type; crm_spend. Stored tiers were all computed from size (potential_basis 'size'), and
accounts get the owner of their first won deal (owner_basis 'deals'), as a deals import would give them.

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sales_role", sa.String(16), nullable=True))
    with op.batch_alter_table("crm_deal", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deal_type", sa.String(12), nullable=True))
    _add_account_columns()
    op.create_table(
        "crm_spend",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_kind", sa.String(8), nullable=False),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_crm_spend_team_id_team")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crm_spend")),
        sa.UniqueConstraint("period_start", "period_kind", "team_id", name=op.f("uq_crm_spend_period_start")),
    )
    op.create_index("uq_crm_spend_organisation_period", "crm_spend", ["period_start", "period_kind"], unique=True,
                    sqlite_where=sa.text("team_id IS NULL"), postgresql_where=sa.text("team_id IS NULL"))
    _fill_in(op.get_bind())


def _add_account_columns() -> None:
    columns: list[sa.Column[object]] = [sa.Column("potential", sa.Float(), nullable=True),
               sa.Column("potential_basis", sa.String(8), nullable=True),
               sa.Column("churned_on", sa.Date(), nullable=True),
               sa.Column("owner_basis", sa.String(8), nullable=True)]
    if op.get_bind().dialect.name == "sqlite":
        # ADD COLUMN ... REFERENCES in place: a batch copy of crm_account would drop the table that crm_deal and
        # crm_activity refer to, which SQLite refuses with foreign keys on (and the pragma cannot change inside
        # the migration's transaction). A named constraint in the column's definition is what the model reflects.
        for col in columns:
            op.add_column("crm_account", col)
        op.execute("ALTER TABLE crm_account ADD COLUMN owner_id INTEGER "
                   "CONSTRAINT fk_crm_account_owner_id_person REFERENCES person (id)")
    else:
        for col in columns:
            op.add_column("crm_account", col)
        op.add_column("crm_account", sa.Column("owner_id", sa.Integer(), nullable=True))
        op.create_foreign_key(op.f("fk_crm_account_owner_id_person"), "crm_account", "person", ["owner_id"], ["id"])
    op.create_index(op.f("ix_crm_account_owner_id"), "crm_account", ["owner_id"], unique=False)


def _fill_in(conn: sa.Connection) -> None:
    """Tiers stored before this revision came from revenue or employees; owners come from first won deals."""
    conn.execute(sa.text("UPDATE crm_account SET potential_basis = 'size' WHERE potential_tier IS NOT NULL"))
    first = conn.execute(sa.text(
        "SELECT account_id, owner_id FROM (SELECT account_id, owner_id, ROW_NUMBER() OVER (PARTITION BY account_id "
        "ORDER BY closed_on, id) AS n FROM crm_deal WHERE outcome = 'won' AND account_id IS NOT NULL "
        "AND closed_on IS NOT NULL) AS won WHERE n = 1")).all()
    if first:
        conn.execute(sa.text("UPDATE crm_account SET owner_id = :owner, owner_basis = 'deals' WHERE id = :account"),
                     [{"owner": owner, "account": account} for account, owner in first])


def downgrade() -> None:
    op.drop_index("uq_crm_spend_organisation_period", table_name="crm_spend")
    op.drop_table("crm_spend")
    op.drop_index(op.f("ix_crm_account_owner_id"), table_name="crm_account")
    if op.get_bind().dialect.name == "sqlite":
        for name in ("owner_id", "owner_basis", "churned_on", "potential_basis", "potential"):
            op.execute(f"ALTER TABLE crm_account DROP COLUMN {name}")  # SQLite 3.35+; owner_id's FK goes with it
    else:
        op.drop_constraint(op.f("fk_crm_account_owner_id_person"), "crm_account", type_="foreignkey")
        for name in ("owner_id", "owner_basis", "churned_on", "potential_basis", "potential"):
            op.drop_column("crm_account", name)
    with op.batch_alter_table("crm_deal", schema=None) as batch_op:
        batch_op.drop_column("deal_type")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("sales_role")
