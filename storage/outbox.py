"""The outbox table: enqueue a Slack side effect once per idempotency key; claim, complete and retry it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from storage.models import OutboxMessage


@dataclass(frozen=True)
class Claimed:
    id: int
    key: str
    method: str
    payload: dict[str, Any]
    edits_key: str | None
    attempts: int
    last_error: str | None = None  # what the previous attempt recorded; None after a crash mid-send

    @property
    def may_have_landed(self) -> bool:
        """An earlier attempt ended without a clear answer from Slack (a crash or a dropped connection)."""
        return self.attempts > 1 and (self.last_error is None or self.last_error.startswith("uncertain"))


class Outbox:
    """Repository over the outbox; it never commits, the caller owns the transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def enqueue(self, key: str, method: str, payload: dict[str, Any], *, now: datetime,
                edits_key: str | None = None) -> bool:
        """Insert unless the key exists already; True when this call added it."""
        dialect = self.session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        stmt = insert(OutboxMessage).values(
            key=key, method=method, payload=payload, edits_key=edits_key, status="pending", attempts=0,
            available_at=now, created_at=now,
        ).on_conflict_do_nothing(index_elements=["key"]).returning(OutboxMessage.id)
        return self.session.execute(stmt).scalar() is not None

    def existing(self, keys: list[str]) -> set[str]:
        """Which of these keys are in the outbox already (sent or not)."""
        if not keys:
            return set()
        return set(self.session.scalars(select(OutboxMessage.key).where(OutboxMessage.key.in_(keys))))

    def claim(self, *, now: datetime, limit: int, lease: timedelta, keys: list[str] | None = None) -> list[Claimed]:
        """Take due rows under row locks (SKIP LOCKED on PostgreSQL) and lease them to this worker."""
        stmt = (
            select(OutboxMessage)
            .where(OutboxMessage.status == "pending", OutboxMessage.available_at <= now,
                   or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until <= now))
            .order_by(OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        if keys is not None:
            stmt = stmt.where(OutboxMessage.key.in_(keys))
        rows = list(self.session.scalars(stmt))
        claimed = [Claimed(r.id, r.key, r.method, dict(r.payload), r.edits_key, r.attempts + 1, r.error) for r in rows]
        for row in rows:
            row.claimed_until = now + lease
            row.attempts += 1
            row.error = None  # so that a crash during this attempt is seen as "may have landed"
        self.session.flush()
        return claimed

    def target_of(self, key: str) -> tuple[str, str] | None:
        """(channel, ts) of a message already posted under `key`, for chat.update."""
        row = self.session.execute(
            select(OutboxMessage.channel, OutboxMessage.ts).where(OutboxMessage.key == key)
        ).one_or_none()
        return (row[0], row[1]) if row and row[0] and row[1] else None

    def complete(self, row_id: int, *, now: datetime, channel: str | None, ts: str | None) -> None:
        self.session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(
            status="sent", sent_at=now, channel=channel, ts=ts, claimed_until=None, error=None))

    def retry(self, row_id: int, *, at: datetime, error: str) -> None:
        self.session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(
            available_at=at, claimed_until=None, error=error[:500]))

    def fail(self, row_id: int, *, error: str) -> None:
        self.session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(
            status="failed", claimed_until=None, error=error[:500]))

    def counts(self) -> dict[str, int]:
        rows = self.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
        return {status: count for status, count in rows}


class OutboxStore:
    """Opens one short transaction per delivery step, for the delivery service (which knows no SQL)."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    @contextmanager
    def transaction(self) -> Iterator[Outbox]:
        with self.sessions.begin() as session:
            yield Outbox(session)
