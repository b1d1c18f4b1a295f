"""Setup health for the admin's App Home: the roster, Slack matching, team channels, imports and the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import ImportRun, OutboxMessage, Person, Team


@dataclass(frozen=True)
class Health:
    people: int  # active people in the roster
    unmatched: int  # active people without a Slack user
    teams_without_channel: tuple[str, ...]
    last_import: tuple[str, str, datetime, int, tuple[str, ...]] | None  # kind, file, when, rows, first errors
    outbox: dict[str, int]  # by status
    oldest_pending: datetime | None


def setup_health(session: Session) -> Health:
    active = Person.active.is_(True)
    people = session.scalar(select(func.count()).select_from(Person).where(active)) or 0
    unmatched = session.scalar(select(func.count()).select_from(Person).where(active, Person.slack_id.is_(None))) or 0
    teams = tuple(session.scalars(select(Team.name).where(Team.channel_id.is_(None)).order_by(Team.name)))
    latest = select(ImportRun).order_by(ImportRun.finished_at.desc(), ImportRun.id.desc()).limit(1)
    run = session.scalars(latest).first()
    last = None if run is None else (run.kind, run.filename, run.finished_at, run.rows, tuple(run.errors[:3]))
    outbox = {status: count for status, count in session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))}
    oldest = session.scalar(select(func.min(OutboxMessage.created_at)).where(OutboxMessage.status == "pending"))
    return Health(people, unmatched, teams, last, outbox, oldest)
