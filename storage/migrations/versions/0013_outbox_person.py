"""outbox.person_id: the person each Slack side effect is for (NULL for channel posts), so that a person's export
and erasure find their delivered messages too; rows from before are filled in from their keys and channels

Revision ID: 0013
Revises: 0012
"""

import json
import re

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# Keys that named their person before the column existed (edits, charts and refusals extend them with ":...").
BY_PERSON = tuple(re.compile(pattern) for pattern in (
    r"^(?:survey|reminder|results|rollup):\d+:(\d+)(?::|$)",
    r"^(?:digest|pack|followup-digest|recognition-gap|nudge):(\d+):",
    r"^1on1:\d+:[\d-]+:reminder:(\d+)(?::|$)",
    r"^kudos:\d+:dm:(\d+)$",
))
BY_PAIR = re.compile(r"^(?:1on1:(\d+):[\d-]+:outcome|1on1-overdue:(\d+):)")  # for the pair's manager
USER_IN_PAYLOAD = re.compile(r'"(?:channel|user|user_id|_for)": ?"([UW][A-Z0-9]+)"')


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("person_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_outbox_person_id"), ["person_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_outbox_person_id_person"), "person", ["person_id"], ["id"])
    _fill_in(op.get_bind())


def _fill_in(conn: sa.Connection) -> None:
    """Rows enqueued before this revision: their person from the key, the channel or payload (a Slack user id),
    or the message they edit."""
    people: dict[str, int] = {slack: pid for slack, pid in conn.execute(sa.text(
        "SELECT slack_id, id FROM person WHERE slack_id IS NOT NULL"))}
    known = set(conn.execute(sa.text("SELECT id FROM person")).scalars())
    managers: dict[int, int] = {pair: manager for pair, manager in conn.execute(sa.text(
        "SELECT id, manager_id FROM one_on_one"))}
    rows = conn.execute(sa.text("SELECT key, channel, edits_key, payload FROM outbox")).all()
    found: dict[str, int] = {}
    for key, channel, _, payload in rows:
        text = payload if isinstance(payload, str) else json.dumps(payload or {})  # SQLite: text; PostgreSQL: JSON
        person = _person_of(key, channel, text, people, managers)
        if person is not None and person in known:
            found[key] = person
    for key, _, edits_key, _ in rows:
        if key not in found and edits_key in found:
            found[key] = found[edits_key]
    if found:
        conn.execute(sa.text("UPDATE outbox SET person_id = :person WHERE key = :key"),
                     [{"person": person, "key": key} for key, person in found.items()])


def _person_of(key: str, channel: str | None, payload: str, people: dict[str, int],
               managers: dict[int, int]) -> int | None:
    for pattern in BY_PERSON:
        match = pattern.match(key)
        if match:
            return int(match.group(1))
    match = BY_PAIR.match(key)
    if match:
        return managers.get(int(match.group(1) or match.group(2)))
    if key.startswith("home:"):
        return people.get(key.split(":")[1])
    if channel in people:
        return people[channel]
    users = USER_IN_PAYLOAD.findall(payload)
    return people.get(users[0]) if users else None


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_outbox_person_id_person"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_outbox_person_id"))
        batch_op.drop_column("person_id")
