"""Tables of nudges and one-on-ones: follow-up holds (snoozes and mutes) of deals and accounts, the nudge log,
follow-up and account thresholds, one-on-one pairs, their meetings and agenda items."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime


class FollowupHold(Base):
    """A deal and rule kept quiet: muted for good, or while the deal's fingerprint is unchanged and, when
    `until` is set, until then (a snooze)."""

    __tablename__ = "followup_hold"
    __table_args__ = (UniqueConstraint("deal_id", "rule"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("crm_deal.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(String(32))
    until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    muted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    fingerprint: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Slack's action_ts of the click that set it: a late copy of an older click changes nothing
    action_ts: Mapped[str | None] = mapped_column(String(32))


class NudgeLog(Base):
    """Every nudge sent, by idempotency key: a rep's daily DM, each deal it named, digests and one-on-one nudges."""

    __tablename__ = "nudge_log"
    __table_args__ = (Index("ix_nudge_log_person_day", "person_id", "local_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    local_date: Mapped[date] = mapped_column(Date)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("crm_deal.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class FollowupThreshold(Base):
    """Days before a follow-up nudge, for a team (NULL: everyone) and a stage (NULL: any stage)."""

    __tablename__ = "followup_threshold"
    __table_args__ = (UniqueConstraint("team_id", "stage"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    stage: Mapped[str | None] = mapped_column(String(64))
    stale_after_days: Mapped[int | None] = mapped_column(Integer)
    stall_after_days: Mapped[int | None] = mapped_column(Integer)


class OneOnOne(Base):
    """A manager-rep pair's cadence: weekly, biweekly or monthly on a weekday at a time in the manager's zone."""

    __tablename__ = "one_on_one"
    __table_args__ = (UniqueConstraint("manager_id", "rep_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    manager_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    rep_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    cadence: Mapped[str] = mapped_column(String(16))
    weekday: Mapped[int] = mapped_column(Integer)
    at: Mapped[str] = mapped_column(String(5))
    anchor: Mapped[date] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OneOnOneMeeting(Base):
    """What became of one scheduled day: held, moved (perhaps to another day) or skipped."""

    __tablename__ = "one_on_one_meeting"
    __table_args__ = (UniqueConstraint("pair_id", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("one_on_one.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(8))
    moved_to: Mapped[date | None] = mapped_column(Date)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    action_ts: Mapped[str | None] = mapped_column(String(32))  # Slack's time of the click that recorded it


class AgendaItem(Base):
    """A talking point or an action item (owner, due date) of a pair; open until done, carried after a held
    meeting. `origin` names the request (a Slack action or command) so a retry adds nothing twice."""

    __tablename__ = "agenda_item"
    __table_args__ = (Index("ix_agenda_item_pair_done", "pair_id", "done"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("one_on_one.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    due: Mapped[date | None] = mapped_column(Date)
    done: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    carried: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    origin: Mapped[str | None] = mapped_column(String(128), unique=True)


class HelpAsk(Base):
    """A rep's ask for help with a deal, to their manager: the rep's note, the manager's answers (reply, agenda,
    join: each at most once, comma-separated in the order given) and when the first came. Open until answered."""

    __tablename__ = "help_ask"
    __table_args__ = (Index("ix_help_ask_rep_open", "rep_id", "answered_at"),
                      Index("ix_help_ask_manager_asked", "manager_id", "asked_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rep_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("crm_deal.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answers: Mapped[str] = mapped_column(String(32), default="", server_default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    origin: Mapped[str] = mapped_column(String(128), unique=True)  # the modal that asked: a retry adds nothing twice


class AccountHold(Base):
    """An account item kept quiet (rule and subject: "" for the account's silence, a won deal's id for a check-in,
    the departure's date): muted for good, or while its fingerprint is unchanged and, when `until` is set, until
    then. `person_id`: whose nudge it was (erased with them)."""

    __tablename__ = "account_hold"
    __table_args__ = (UniqueConstraint("account_id", "rule", "subject"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("crm_account.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(64), default="", server_default="")
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    muted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    fingerprint: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    action_ts: Mapped[str | None] = mapped_column(String(32))  # Slack's time of the click that set it


class QuietThreshold(Base):
    """Days an account of a potential tier may go without activity before its owner is nudged, for a team (NULL:
    everyone); NULL days: never."""

    __tablename__ = "account_quiet_threshold"
    __table_args__ = (UniqueConstraint("team_id", "tier"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    tier: Mapped[str] = mapped_column(String(8))
    days: Mapped[int | None] = mapped_column(Integer)
