"""SQLAlchemy 2 typed models: every table the product stores. Alembic migrations must match these."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out, on SQLite (which stores naive text) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        from datetime import UTC

        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        from datetime import UTC

        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Team(Base):
    __tablename__ = "team"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    channel_id: Mapped[str | None] = mapped_column(String(32))
    locale: Mapped[str] = mapped_column(String(16), default="en")
    # the loss reasons its reps are offered, comma-separated in order (coaching.losses.REASONS); NULL: all of them
    loss_reasons: Mapped[str | None] = mapped_column(String(120))


class Person(Base):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    sales_role: Mapped[str | None] = mapped_column(String(16))  # 'sdr', 'ae' or 'am' (storage.roster.SALES_ROLES)
    slack_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    tz: Mapped[str] = mapped_column(String(64), default="UTC")
    locale: Mapped[str] = mapped_column(String(16), default="en")
    language: Mapped[str | None] = mapped_column(String(8))  # the person's own choice; None: Slack's locale
    # The workspace (and Enterprise Grid org) their Slack id is linked in; only requests from there act for them.
    slack_team_id: Mapped[str | None] = mapped_column(String(32))
    slack_enterprise_id: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Slack status as last seen; the domain decides from it whether the person is out of office.
    status_text: Mapped[str | None] = mapped_column(String(100))
    status_emoji: Mapped[str | None] = mapped_column(String(100))
    status_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Survey(Base):
    __tablename__ = "survey"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    questions: Mapped[list[str]] = mapped_column(JSON)
    cadence: Mapped[str] = mapped_column(String(16))
    weekday: Mapped[int] = mapped_column(Integer)
    send_time: Mapped[str] = mapped_column(String(5))
    window_hours: Mapped[int] = mapped_column(Integer, default=72)
    # True: `questions` is a pool that rounds rotate through (surveys.rotation); False: every round asks all.
    rotate: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # True: when a round closes with enough answers, a team-level summary goes to the team's channel too.
    share_with_team: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    anchor: Mapped[date] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Where the request came from (e.g. the Slack view id), so a replayed submission creates nothing twice.
    origin: Mapped[str | None] = mapped_column(String(128), unique=True)


class Round(Base):
    __tablename__ = "survey_round"
    __table_args__ = (UniqueConstraint("survey_id", "cycle_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"), index=True)
    cycle_date: Mapped[date] = mapped_column(Date)
    questions: Mapped[list[str]] = mapped_column(JSON)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Recipient(Base):
    """Who was asked and whether they answered; never what they answered."""

    __tablename__ = "survey_recipient"
    __table_args__ = (UniqueConstraint("round_id", "person_id"), Index("ix_recipient_due", "invited", "due_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_round.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    invited: Mapped[bool] = mapped_column(Boolean, default=False)
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    responded: Mapped[bool] = mapped_column(Boolean, default=False)
    # The only link between a person and their answers; set to NULL when the round closes.
    respondent_token: Mapped[str | None] = mapped_column(String(64), unique=True)


class Answer(Base):
    """What was answered, keyed by an opaque respondent token, never by person.

    At close, a round's answers are rewritten in value order under labels that say nothing of who or when.
    """

    __tablename__ = "survey_answer"
    __table_args__ = (UniqueConstraint("round_id", "respondent", "question_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_round.id"), index=True)
    respondent: Mapped[str] = mapped_column(String(64))
    question_id: Mapped[str] = mapped_column(String(64))
    value: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    # Slack's action_ts of the click that set it, so a late copy of an older click loses; gone at close.
    action_ts: Mapped[str | None] = mapped_column(String(32))


class CustomQuestion(Base):
    """A question an admin added to the bank; built-in questions live in code, these in the database."""

    __tablename__ = "custom_question"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    theme: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(String(300))
    options: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SurveyFocus(Base):
    """What a team's manager will change after a round: one theme, one action, a date; shared with the team's
    channel or not; done or not. `question_id` is the follow-up question the team's next round asks."""

    __tablename__ = "survey_focus"
    __table_args__ = (Index("ix_survey_focus_team_done", "team_id", "done_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"))
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"))
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_round.id"))
    theme: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(300))
    due: Mapped[date] = mapped_column(Date)
    shared: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    question_id: Mapped[str | None] = mapped_column(String(64))
    origin: Mapped[str] = mapped_column(String(128), unique=True)  # the modal that chose it: a retry adds nothing


class Holiday(Base):
    """A day without surveys or reminders: for everyone, or for one team (a local public holiday)."""

    __tablename__ = "holiday"
    __table_args__ = (UniqueConstraint("day", "team_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    name: Mapped[str] = mapped_column(String(120))


class OutboxMessage(Base):
    """One Slack side effect under a unique idempotency key; delivered at most once, recorded with its ts."""

    __tablename__ = "outbox"
    # The claim's index: never-tried rows in due order, and the few due retries apart from them (storage.outbox).
    __table_args__ = (Index("ix_outbox_due", "status", "attempts", "available_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    method: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    edits_key: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    available_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    channel: Mapped[str | None] = mapped_column(String(32))
    ts: Mapped[str | None] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Whom the effect is for (their DM, App Home, modal or private reply); NULL for a channel post. Export and
    # erasure find a person's messages by it, also after delivery, when channel is a D… id and payload is empty.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)


class ImportRun(Base):
    """One file import: what, when, and how it ended (shown to admins)."""

    __tablename__ = "import_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(500))
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[list[str]] = mapped_column(JSON, default=list)



class DataVersion(Base):
    """A counter bumped by every transaction that writes what it names ('kpis': CRM rows and the org chart), so
    figures cached under one version are never shown after a change (storage.data_version)."""

    __tablename__ = "data_version"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
