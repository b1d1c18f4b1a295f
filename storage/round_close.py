"""What a round's close does to storage so that nothing left tells who gave which answer, or when.

Answers are rewritten in value order under labels derived from the answers alone; recipients are rewritten in id
order without their tokens; the DM edits and App Home publishes made while people answered are forgotten; on
SQLite, the write-ahead log that still holds the open round's pages is emptied once the close commits.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, delete, event, insert, or_, select, update
from sqlalchemy.orm import Session

from storage.models import Answer, OutboxMessage, Person, Recipient

log = logging.getLogger(__name__)


def forget_who_answered(session: Session, *, round_id: int, now: datetime) -> None:
    """Run inside the transaction that closes the round; the caller commits."""
    _rewrite_answers(session, round_id)
    slack_ids = _rewrite_recipients(session, round_id)
    _forget_answering_traces(session, round_id, slack_ids, now)
    _empty_sqlite_log_after_commit(session, round_id)


def _rewrite_answers(session: Session, round_id: int) -> None:
    """Every answer again, sorted by question and value, under the label `{round}.{n}`, where n ranks each
    respondent's whole set of answers: the rows, their ids, their order and their labels are a function of the
    round's answers alone, so two reps who swap answers leave the same table behind."""
    rows = session.execute(select(Answer.respondent, Answer.question_id, Answer.value, Answer.comment)
                           .where(Answer.round_id == round_id)).all()
    if not rows:
        return
    sets: dict[str, list[tuple[str, int, str]]] = defaultdict(list)
    for token, question_id, value, comment in rows:
        sets[token].append((question_id, -1 if value is None else value, comment or ""))
    ranked = sorted(sets, key=lambda token: sorted(sets[token]))
    label = {token: f"{round_id}.{n}" for n, token in enumerate(ranked, start=1)}
    rank = {token: n for n, token in enumerate(ranked, start=1)}
    ordered = sorted(rows, key=lambda r: (r[1], r[2] is None, r[2] or 0, r[3] or "", rank[r[0]]))
    fresh = [{"round_id": round_id, "respondent": label[token], "question_id": question_id, "value": value,
              "comment": comment, "action_ts": None} for token, question_id, value, comment in ordered]
    session.execute(delete(Answer).where(Answer.round_id == round_id))
    session.execute(insert(Answer), fresh)


def _rewrite_recipients(session: Session, round_id: int) -> list[str]:
    """The round's recipients again, in id order and without tokens: on PostgreSQL an UPDATE moves each row to
    the end of the table, so the physical order (what a dump or an unordered SELECT shows) would otherwise follow
    the order in which people first answered. Returns the recipients' Slack ids."""
    columns = [c.key for c in Recipient.__table__.columns]
    rows: list[dict[str, Any]] = [dict(r._mapping) for r in session.execute(
        select(*(getattr(Recipient, c) for c in columns)).where(Recipient.round_id == round_id)
        .order_by(Recipient.id))]
    if not rows:
        return []
    for row in rows:
        row["respondent_token"] = None
    session.execute(delete(Recipient).where(Recipient.round_id == round_id))
    session.execute(insert(Recipient), rows)
    people = [r["person_id"] for r in rows]
    return [s for s in session.scalars(select(Person.slack_id).where(Person.id.in_(people))) if s]


def _forget_answering_traces(session: Session, round_id: int, slack_ids: list[str], now: datetime) -> None:
    """Per-person rows written at the moment someone answered: the survey DM's edits and App Home publishes.

    Delivered ones are deleted; one still waiting keeps its place in the queue, stamped with the close time.
    """
    edits = OutboxMessage.key.like(f"survey:{round_id}:%:edit:%")
    homes = or_(*(OutboxMessage.key.like(f"home:{slack_id}:%") for slack_id in slack_ids)) if slack_ids else None
    traces = or_(edits, homes) if homes is not None else edits
    # PostgreSQL: wait for a worker settling one of them, then see its outcome (one sent meanwhile is deleted below;
    # one sent after this commits is deleted by its settle, which sees the round closed: storage.outbox)
    session.execute(select(OutboxMessage.id).where(traces).with_for_update())
    session.execute(delete(OutboxMessage).where(traces, OutboxMessage.status != "pending"))
    session.execute(update(OutboxMessage).where(traces, OutboxMessage.status == "pending")
                    .values(created_at=now, available_at=now))


def _empty_sqlite_log_after_commit(session: Session, round_id: int) -> None:
    """SQLite keeps every page a transaction wrote in the -wal file until a checkpoint, and a checkpoint leaves
    the file's frames in place: while the process runs, the pages of the open round (tokens beside people and
    beside answers) stay on disk after the close. Once the close commits, copy the log into the database file
    (whose deleted rows secure_delete has zeroed) and truncate it; readers still using it are waited for."""
    engine = session.get_bind()
    if not isinstance(engine, Engine) or engine.dialect.name != "sqlite":
        return

    def empty_log(_session: Session) -> None:
        connection = engine.raw_connection()  # autocommit: a checkpoint cannot run inside a transaction
        try:
            busy, _, _ = connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            connection.close()
        if busy:
            log.warning("round %s closed, but a reader held the SQLite log: it still holds the open round's pages "
                        "until the next close", round_id)

    event.listen(session, "after_commit", empty_log, once=True)
