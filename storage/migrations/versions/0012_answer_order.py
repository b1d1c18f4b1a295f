"""survey_answer, followup_hold and one_on_one_meeting .action_ts: the Slack time of the click that set an answer
(kept only while its round is open), a nudge's snooze, done or mute, or a meeting's outcome, so that a late copy
of an older click loses

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("survey_answer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("action_ts", sa.String(32), nullable=True))
    with op.batch_alter_table("followup_hold", schema=None) as batch_op:
        batch_op.add_column(sa.Column("action_ts", sa.String(32), nullable=True))
    with op.batch_alter_table("one_on_one_meeting", schema=None) as batch_op:
        batch_op.add_column(sa.Column("action_ts", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("one_on_one_meeting", schema=None) as batch_op:
        batch_op.drop_column("action_ts")
    with op.batch_alter_table("followup_hold", schema=None) as batch_op:
        batch_op.drop_column("action_ts")
    with op.batch_alter_table("survey_answer", schema=None) as batch_op:
        batch_op.drop_column("action_ts")
