"""survey_focus: the one thing a team's manager will change after a round, by when, shared or not, done or not

Revision ID: 0023
Revises: 0022
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "survey_focus",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("theme", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=300), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("shared", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("question_id", sa.String(length=64), nullable=True),
        sa.Column("origin", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_survey_focus_team_id_team")),
        sa.ForeignKeyConstraint(["survey_id"], ["survey.id"], name=op.f("fk_survey_focus_survey_id_survey")),
        sa.ForeignKeyConstraint(["round_id"], ["survey_round.id"], name=op.f("fk_survey_focus_round_id_survey_round")),
        sa.ForeignKeyConstraint(["created_by"], ["person.id"], name=op.f("fk_survey_focus_created_by_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_focus")),
        sa.UniqueConstraint("origin", name=op.f("uq_survey_focus_origin")),
    )
    op.create_index("ix_survey_focus_team_done", "survey_focus", ["team_id", "done_at"], unique=False)


def downgrade() -> None:
    op.drop_table("survey_focus")
