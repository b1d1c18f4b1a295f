"""Recognition tables: kudos and their receivers, company values, wins, webhook signatures, team settings.

Unique keys make every write idempotent: kudos.key (the Slack trigger or view id), win.deal_external_id and
win.origin (a /win view id), webhook_signature.signature, one team_recognition row per team.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime

WIN_SOURCES = ("import", "webhook", "logged")


class Kudos(Base):
    """Praise from one person to one or more others, optionally tagged with a company value."""

    __tablename__ = "kudos"
    __table_args__ = (Index("ix_kudos_giver_created", "giver_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    giver_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    value: Mapped[str | None] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class KudosReceiver(Base):
    """One receiver of a kudos; created_at is the kudos's, copied so 'last recognised' reads one index."""

    __tablename__ = "kudos_receiver"
    __table_args__ = (Index("ix_kudos_receiver_person_created", "person_id", "created_at"),)

    kudos_id: Mapped[int] = mapped_column(ForeignKey("kudos.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # order named
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CompanyValue(Base):
    """A value kudos may be tagged with; none stored means the built-in defaults apply."""

    __tablename__ = "company_value"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    description: Mapped[str] = mapped_column(String(200), default="", server_default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Win(Base):
    """A won deal announced once: from a deals import or the CRM webhook (by deal_external_id), or logged by
    a rep with /win (by origin, the view id). created_at is when it was recorded here."""

    __tablename__ = "win"
    __table_args__ = (Index("ix_win_rep_occurred", "rep_id", "occurred_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deal_external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    origin: Mapped[str | None] = mapped_column(String(128), unique=True)
    source: Mapped[str] = mapped_column(String(8))
    rep_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    account: Mapped[str | None] = mapped_column(String(200))
    amount: Mapped[float | None] = mapped_column(Float)
    currency: Mapped[str | None] = mapped_column(String(3))
    cycle_days: Mapped[int | None] = mapped_column(Integer)
    occurred_on: Mapped[date] = mapped_column(Date)
    logged_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class WebhookSignature(Base):
    """The replay store: the signature of a CRM webhook request already taken, kept while its timestamp is
    still accepted (`accepted_until`) and a little longer, so the same request is never taken twice."""

    __tablename__ = "webhook_signature"

    signature: Mapped[str] = mapped_column(String(64), primary_key=True)
    accepted_until: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class TeamRecognition(Base):
    """A team's recognition settings: its own channel (else the team channel) and the last shout-out week."""

    __tablename__ = "team_recognition"

    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), primary_key=True)
    channel_id: Mapped[str | None] = mapped_column(String(32))
    last_shout_out_week: Mapped[date | None] = mapped_column(Date)
