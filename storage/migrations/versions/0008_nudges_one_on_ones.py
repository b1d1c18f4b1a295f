"""nudges and one-on-ones: follow-up holds, nudge log, follow-up thresholds, pairs, meetings, agenda items

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "followup_threshold",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("stage", sa.String(length=64), nullable=True),
        sa.Column("stale_after_days", sa.Integer(), nullable=True),
        sa.Column("stall_after_days", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_followup_threshold_team_id_team")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followup_threshold")),
        sa.UniqueConstraint("team_id", "stage", name=op.f("uq_followup_threshold_team_id")),
    )
    op.create_table(
        "followup_hold",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=32), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("muted", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("fingerprint", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["deal_id"], ["crm_deal.id"], name=op.f("fk_followup_hold_deal_id_crm_deal"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followup_hold")),
        sa.UniqueConstraint("deal_id", "rule", name=op.f("uq_followup_hold_deal_id")),
    )
    op.create_table(
        "nudge_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["deal_id"], ["crm_deal.id"], name=op.f("fk_nudge_log_deal_id_crm_deal"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_nudge_log_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nudge_log")),
        sa.UniqueConstraint("key", name=op.f("uq_nudge_log_key")),
    )
    op.create_index("ix_nudge_log_person_day", "nudge_log", ["person_id", "local_date"], unique=False)
    op.create_index(op.f("ix_nudge_log_sent_at"), "nudge_log", ["sent_at"], unique=False)
    op.create_table(
        "one_on_one",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("cadence", sa.String(length=16), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("at", sa.String(length=5), nullable=False),
        sa.Column("anchor", sa.Date(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["manager_id"], ["person.id"], name=op.f("fk_one_on_one_manager_id_person")),
        sa.ForeignKeyConstraint(["rep_id"], ["person.id"], name=op.f("fk_one_on_one_rep_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_one_on_one")),
        sa.UniqueConstraint("manager_id", "rep_id", name=op.f("uq_one_on_one_manager_id")),
    )
    op.create_index(op.f("ix_one_on_one_rep_id"), "one_on_one", ["rep_id"], unique=False)
    op.create_table(
        "one_on_one_meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=8), nullable=False),
        sa.Column("moved_to", sa.Date(), nullable=True),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["pair_id"], ["one_on_one.id"], name=op.f("fk_one_on_one_meeting_pair_id_one_on_one"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recorded_by"], ["person.id"],
                                name=op.f("fk_one_on_one_meeting_recorded_by_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_one_on_one_meeting")),
        sa.UniqueConstraint("pair_id", "day", name=op.f("uq_one_on_one_meeting_pair_id")),
    )
    op.create_table(
        "agenda_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("done", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("carried", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("origin", sa.String(length=128), nullable=True),
        sa.ForeignKeyConstraint(["author_id"], ["person.id"], name=op.f("fk_agenda_item_author_id_person")),
        sa.ForeignKeyConstraint(["owner_id"], ["person.id"], name=op.f("fk_agenda_item_owner_id_person")),
        sa.ForeignKeyConstraint(["pair_id"], ["one_on_one.id"], name=op.f("fk_agenda_item_pair_id_one_on_one"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_item")),
        sa.UniqueConstraint("origin", name=op.f("uq_agenda_item_origin")),
    )
    op.create_index("ix_agenda_item_pair_done", "agenda_item", ["pair_id", "done"], unique=False)


def downgrade() -> None:
    op.drop_table("agenda_item")
    op.drop_table("one_on_one_meeting")
    op.drop_index(op.f("ix_one_on_one_rep_id"), table_name="one_on_one")
    op.drop_table("one_on_one")
    op.drop_table("nudge_log")
    op.drop_table("followup_hold")
    op.drop_table("followup_threshold")
