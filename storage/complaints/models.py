"""The complaint table: one customer complaint about an account, its owner, due time and nudges."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime


class ComplaintRow(Base):
    """A complaint about an account, owned by one person and due within working hours (due_at). half_at: when the
    owner is nudged next (NULL: none pending); overdue_told_at: when their manager was told. external_id names a
    case from the CRM (imports and the webhook update it by that id); origin names the Slack modal that logged it
    (a retry adds nothing twice)."""

    __tablename__ = "complaint"
    __table_args__ = (Index("ix_complaint_open_due", "resolved_at", "due_at"),
                      Index("ix_complaint_owner_resolved", "owner_id", "resolved_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    origin: Mapped[str | None] = mapped_column(String(128), unique=True)
    source: Mapped[str] = mapped_column(String(8))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("crm_account.id", ondelete="SET NULL"), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    logged_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    half_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    halves_sent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    rearmed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    overdue_told_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    snoozes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    action_ts: Mapped[str | None] = mapped_column(String(32))  # Slack's time of the last click recorded
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
