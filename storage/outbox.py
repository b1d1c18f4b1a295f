"""The outbox table: enqueue a Slack side effect once per idempotency key; claim, complete and retry it.

A row's payload is emptied once it is sent or has failed: edits need only (channel, ts), and a survey DM's edits
show the person's answers, which must not stay linked to them after the round closes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from json.encoder import encode_basestring_ascii
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, exists, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from storage.db import JsonText
from storage.models import OutboxMessage, Round

_TABLE = cast(Table, OutboxMessage.__table__)
_T = _TABLE.c
# Built once: a fan-out enqueues thousands of rows, and compiling the statement each time costs more than the row.
_INSERT = {postgres: insert(_TABLE).on_conflict_do_nothing(index_elements=["key"]).returning(_T.id)
           for postgres, insert in ((True, pg_insert), (False, sqlite_insert))}
_INSERT_MANY = {postgres: insert(_TABLE).on_conflict_do_nothing(index_elements=["key"])
                for postgres, insert in ((True, pg_insert), (False, sqlite_insert))}


@dataclass(frozen=True)
class Queued:
    """A row to enqueue in a batch: its idempotency key, method, payload and the person it is for."""

    key: str
    method: str
    payload: dict[str, Any]
    person_id: int | None
    edits_key: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What one claimed row came to: "sent" (with channel and ts), "retry" at a time, "failed", or "released"
    (not tried: its lease ran short), which gives the claim back as if it had not been made.

    All but "sent" are recorded only while `lease` (the claim's) still holds the row: once another worker has
    claimed it, the row is theirs to settle. What was sent is recorded whoever holds it.
    """

    id: int
    status: str
    at: datetime | None = None
    channel: str | None = None
    ts: str | None = None
    error: str | None = None
    lease: datetime | None = None

    def params(self) -> dict[str, Any]:
        values = {"row": self.id, "at_": self.at, "channel_": self.channel, "ts_": self.ts,
                  "error_": self.error[:500] if self.error else self.error, "lease_": self.lease}
        return {name: values[name] for name in _PARAMS[self.status]}


_ROW = _T.id == bindparam("row")
_HELD = _T.claimed_until == bindparam("lease_")  # the claim that tried the row still holds it
_SETTLE = {
    "sent": update(_TABLE).where(_ROW).values(
        status="sent", sent_at=bindparam("at_"), channel=bindparam("channel_"), ts=bindparam("ts_"),
        claimed_until=None, error=None, payload={}),
    "retry": update(_TABLE).where(_ROW, _HELD).values(
        available_at=bindparam("at_"), claimed_until=None, error=bindparam("error_")),
    "failed": update(_TABLE).where(_ROW, _HELD).values(
        status="failed", claimed_until=None, error=bindparam("error_"), payload={}),
    "released": update(_TABLE).where(_ROW, _HELD).values(
        claimed_until=None, attempts=_T.attempts - 1, error=bindparam("error_")),
}
_PARAMS = {"sent": ("row", "at_", "channel_", "ts_"), "retry": ("row", "at_", "error_", "lease_"),
           "failed": ("row", "error_", "lease_"), "released": ("row", "error_", "lease_")}


_ORIGINAL = _TABLE.alias("original")  # an edit waits until the message it edits has been posted
_TARGET = _TABLE.alias("target")  # and is claimed with that message's (channel, ts), which no longer change
_TARGET_OF = {column: select(getattr(_TARGET.c, column)).where(_TARGET.c.key == _T.edits_key)
              .scalar_subquery().label(f"target_{column}") for column in ("channel", "ts")}
# Built once, like _SETTLE: a fan-out claims hundreds of batches, and building the statement cost more than running it.
# Due retries come first (few: sorted), then never-tried rows in the due index's own order (no sort of every pending
# row): a retry waits for its own time, not for the rest of a fan-out queued before it, so a lost answer is looked
# for while the fan-out is still sending (on conversations.* lanes of their own), not in a tail after it.
_DUE = (_T.status == "pending", _T.available_at <= bindparam("due_by"),
        or_(_T.claimed_until.is_(None), _T.claimed_until <= bindparam("now")),
        or_(_T.edits_key.is_(None), exists().where(_ORIGINAL.c.key == _T.edits_key, _ORIGINAL.c.status == "sent")))
_CLAIMED = (_T.id, _T.key, _T.method, _T.payload, _T.edits_key, _T.attempts, _T.error, *_TARGET_OF.values())
_CLAIM_RETRIES = (select(*_CLAIMED).where(*_DUE, _T.attempts > 0).order_by(_T.available_at, _T.id)
                  .limit(bindparam("limit")).with_for_update(skip_locked=True))
_CLAIM_FRESH = (select(*_CLAIMED).where(*_DUE, _T.attempts == 0)
                .order_by(_T.available_at, _T.id)  # ix_outbox_due: (status, attempts, available_at)
                .limit(bindparam("limit")).with_for_update(skip_locked=True))
_KEYS = _T.key.in_(bindparam("keys", expanding=True))
_CLAIMS = {False: (_CLAIM_RETRIES, _CLAIM_FRESH), True: (_CLAIM_RETRIES.where(_KEYS), _CLAIM_FRESH.where(_KEYS))}
_TAKE = update(_TABLE).where(_T.id.in_(bindparam("ids", expanding=True))).values(
    claimed_until=bindparam("until"), attempts=_T.attempts + 1, error=None)


def _payload_json(payload: dict[str, Any], shared: dict[tuple[Any, ...], str]) -> JsonText:
    """The payload as JSON, its values after the channel serialized once for every payload holding the very same
    objects (the rows of one batch, alive meanwhile): the same text json.dumps gives."""
    names = tuple(payload)
    channel = payload.get("channel")
    if names[0] != "channel" or len(names) == 1 or not isinstance(channel, str):
        return JsonText(json.dumps(payload))
    values = list(payload.values())
    same = (names, *map(id, values[1:]))
    tail = shared.get(same)
    if tail is None:
        tail = shared[same] = json.dumps(dict(zip(names[1:], values[1:], strict=True)))
    return JsonText(f'{{"channel": {encode_basestring_ascii(channel)}, {tail[1:]}')


@dataclass(frozen=True)
class Claimed:
    id: int
    key: str
    method: str
    payload: dict[str, Any]
    edits_key: str | None
    attempts: int
    last_error: str | None = None  # what the previous attempt recorded; None after a crash mid-send
    leased_until: datetime | None = None  # when the claim runs out and another worker may take the row
    target: tuple[str, str] | None = None  # an edit's (channel, ts): the message it edits, posted already

    @property
    def may_have_landed(self) -> bool:
        """An earlier attempt ended without a clear answer from Slack (a crash or a dropped connection)."""
        return self.attempts > 1 and (self.last_error is None or self.last_error.startswith("uncertain"))


class Outbox:
    """Repository over the outbox; it never commits, the caller owns the transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def enqueue(self, key: str, method: str, payload: dict[str, Any], *, now: datetime, person_id: int | None,
                edits_key: str | None = None, not_before: datetime | None = None) -> bool:
        """Insert unless the key exists already; True when this call added it. `person_id` is the person the
        effect is for (their DM, their App Home, their modal, a reply only they see); None for a channel post,
        which is for no single person. Export and erasure find a person's rows by it. `not_before` holds the
        row back until then (results wait for the reader's working hours)."""
        stmt = _INSERT[self.session.get_bind().dialect.name == "postgresql"]
        result = self.session.connection().execute(stmt, {
            "key": key, "method": method, "payload": payload, "edits_key": edits_key, "status": "pending",
            "attempts": 0, "available_at": max(now, not_before or now), "created_at": now, "person_id": person_id})
        return result.scalar() is not None

    def enqueue_many(self, rows: Sequence[Queued], *, now: datetime) -> None:
        """Enqueue a batch (a fan-out) in one executemany; keys already in the outbox are skipped, as by enqueue.
        What the payloads share (a survey's text and blocks, the same objects in every row) is serialized once."""
        if rows:
            shared: dict[tuple[Any, ...], str] = {}
            self.session.connection().execute(_INSERT_MANY[self.session.get_bind().dialect.name == "postgresql"], [
                {"key": r.key, "method": r.method, "payload": _payload_json(r.payload, shared),
                 "edits_key": r.edits_key, "status": "pending", "attempts": 0, "available_at": now, "created_at": now,
                 "person_id": r.person_id} for r in rows])

    def existing(self, keys: list[str]) -> set[str]:
        """Which of these keys are in the outbox already (sent or not)."""
        if not keys:
            return set()
        return set(self.session.scalars(select(OutboxMessage.key).where(OutboxMessage.key.in_(keys))))

    def last_key(self, person_id: int, method: str) -> str | None:
        """The key of the row queued last for this person with this Slack method (by the person index: a range of
        keys would follow the database's collation, which on PostgreSQL need not sort ':' before ';')."""
        return self.session.scalar(select(OutboxMessage.key)
                                   .where(OutboxMessage.person_id == person_id, OutboxMessage.method == method)
                                   .order_by(OutboxMessage.id.desc()).limit(1))

    def claim(self, *, now: datetime, limit: int, lease: timedelta, keys: list[str] | None = None,
              due_by: datetime | None = None) -> list[Claimed]:
        """Take rows due by `due_by` (default `now`) under row locks (SKIP LOCKED on PostgreSQL) and lease them to
        this worker until `now` + `lease`; `now` must be the time of this claim, or the lease has run out already.
        Due retries come before rows never tried, each in due order."""
        params: dict[str, Any] = {"now": now, "due_by": due_by or now, "limit": limit}
        if keys is not None:
            params["keys"] = keys
        connection = self.session.connection()
        retries, fresh = _CLAIMS[keys is not None]
        rows = list(connection.execute(retries, params))
        if len(rows) < limit:
            rows += connection.execute(fresh, {**params, "limit": limit - len(rows)}).all()
        if rows:
            # error=NULL: a crash during this attempt is then seen as "may have landed"
            connection.execute(_TAKE, {"ids": [r.id for r in rows], "until": now + lease})
        return [Claimed(r.id, r.key, r.method, dict(r.payload), r.edits_key, r.attempts + 1, r.error, now + lease,
                        (r.target_channel, r.target_ts) if r.target_channel and r.target_ts else None)
                for r in rows]

    def settle(self, outcomes: Sequence[Outcome]) -> None:
        """Record what a batch of sends came to, in a few statements (sent, retry later, failed, or untried).

        A survey DM's edit sent once its round has closed is deleted rather than kept: the close forgot the round's
        edits, and one a worker still held then would otherwise stay linked to its person."""
        connection = self.session.connection()
        for status, stmt in _SETTLE.items():
            rows = [o.params() for o in outcomes if o.status == status]
            if rows:
                connection.execute(stmt, rows)
        self._forget_edits_of_closed_rounds([o.id for o in outcomes if o.status == "sent"])

    def _forget_edits_of_closed_rounds(self, sent: list[int]) -> None:
        if not sent:
            return
        connection = self.session.connection()  # read after the update above: a close committed since is seen
        edits = connection.execute(select(_T.id, _T.key).where(_T.id.in_(sent), _T.key.like("survey:%:edit:%"))).all()
        if not edits:
            return
        round_of = {row_id: int(key.split(":")[1]) for row_id, key in edits}
        closed = set(connection.execute(select(Round.id).where(
            Round.id.in_(set(round_of.values())), Round.closed_at.is_not(None))).scalars())
        gone = [row_id for row_id, round_id in round_of.items() if round_id in closed]
        if gone:
            connection.execute(delete(_TABLE).where(_T.id.in_(gone)))

    def next_due(self, now: datetime) -> datetime | None:
        """When the earliest pending row can next be claimed (a retry's time, or a lease running out)."""
        free = self.session.scalar(select(func.min(_T.available_at)).where(
            _T.status == "pending", or_(_T.claimed_until.is_(None), _T.claimed_until <= now)))
        leased = self.session.scalar(select(func.min(_T.claimed_until)).where(
            _T.status == "pending", _T.claimed_until > now))
        return min((t for t in (free, leased) if t is not None), default=None)

    def target_of(self, key: str) -> tuple[str, str] | None:
        """(channel, ts) of a message already posted under `key`, for chat.update."""
        row = self.session.execute(
            select(OutboxMessage.channel, OutboxMessage.ts).where(OutboxMessage.key == key)
        ).one_or_none()
        return (row[0], row[1]) if row and row[0] and row[1] else None

    def complete(self, row_id: int, *, now: datetime, channel: str | None, ts: str | None) -> None:
        self.session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(
            status="sent", sent_at=now, channel=channel, ts=ts, claimed_until=None, error=None, payload={}))

    def retry(self, row_id: int, *, at: datetime, error: str) -> None:
        self.session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(
            available_at=at, claimed_until=None, error=error[:500]))

    def fail(self, row_id: int, *, error: str) -> None:
        self.session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(
            status="failed", claimed_until=None, error=error[:500], payload={}))

    def counts(self) -> dict[str, int]:
        rows = self.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
        return {status: count for status, count in rows}


class HeldOutbox(Outbox):
    """An Outbox that holds what is enqueued for now (a burst of answers' DM edits) until write(), which inserts it
    all in one executemany; a key already in the outbox is skipped then, as by enqueue_many. A row held back until
    later (`not_before`) is inserted at once."""

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.held: list[Queued] = []

    def enqueue(self, key: str, method: str, payload: dict[str, Any], *, now: datetime, person_id: int | None,
                edits_key: str | None = None, not_before: datetime | None = None) -> bool:
        if not_before is not None and not_before > now:
            return super().enqueue(key, method, payload, now=now, person_id=person_id, edits_key=edits_key,
                                   not_before=not_before)
        self.held.append(Queued(key, method, payload, person_id, edits_key))
        return True

    def write(self, *, now: datetime) -> None:
        self.enqueue_many(self.held, now=now)
        self.held = []


class OutboxStore:
    """Opens one short transaction per delivery step, for the delivery service (which knows no SQL)."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    @contextmanager
    def transaction(self) -> Iterator[Outbox]:
        with self.sessions.begin() as session:
            yield Outbox(session)
