"""Performance data imported from a CRM: accounts, deals, activities, quotas, leads, sales and marketing spend, and
deal events.

Period keys (week_start on Monday, month on the 1st, close_week, close_month) are stored at import so that
digest aggregates read them from covering indexes instead of computing them per row.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, column
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime

OUTCOMES = ("open", "won", "lost")
ACTIVITY_KINDS = ("call", "email", "meeting", "demo", "other")
PERIOD_KINDS = ("month", "quarter")
TIERS = ("low", "medium", "high")
DEAL_TYPES = ("new", "renewal", "expansion")
POTENTIAL_BASES = ("imported", "size")  # where an account's potential_tier came from
OWNER_BASES = ("imported", "deals")  # where an account's owner_id came from


class CrmAccount(Base):
    """A customer or prospect company, as the last accounts import described it, with what is derived from it.

    potential_tier (high, medium, low) and potential_basis: the file's own tier ('imported'), else the tercile of
    the file's potential figures ('imported'), else the tercile of revenue (or, lacking revenue, of employees)
    among the file's accounts ('size'). owner_id is the account manager: the file's owner ('imported'), else the
    owner of the account's first won deal ('deals', kept current by every deals import). first_won_date follows
    every deals import."""

    __tablename__ = "crm_account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    sector: Mapped[str | None] = mapped_column(String(100))
    employees: Mapped[int | None] = mapped_column(Integer)
    revenue: Mapped[float | None] = mapped_column(Float)
    potential: Mapped[float | None] = mapped_column(Float)  # revenue potential as imported (money)
    potential_tier: Mapped[str | None] = mapped_column(String(8))
    potential_basis: Mapped[str | None] = mapped_column(String(8))  # POTENTIAL_BASES; None when there is no tier
    first_won_date: Mapped[date | None] = mapped_column(Date)
    churned_on: Mapped[date | None] = mapped_column(Date)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    owner_basis: Mapped[str | None] = mapped_column(String(8))  # OWNER_BASES; None when there is no owner


class CrmDeal(Base):
    """An opportunity as the CRM last exported it; `stage` is the source's text, `outcome` what it means."""

    __tablename__ = "crm_deal"
    __table_args__ = (
        Index("ix_crm_deal_owner_outcome_closed", "owner_id", "outcome", "closed_on"),
        Index("ix_crm_deal_owner_close_month", "owner_id", "close_month"),
        Index("ix_crm_deal_account_won", "account_id", "outcome", "closed_on"),  # first_won_date, account lookups
        Index("ix_crm_deal_owner_created", "owner_id", "created_on", "engaged_on"),  # each owner's first deal
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("person.id"))  # indexed first in both indexes above
    account_id: Mapped[int | None] = mapped_column(ForeignKey("crm_account.id"))
    product: Mapped[str | None] = mapped_column(String(120))
    stage: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(8))
    amount: Mapped[float | None] = mapped_column(Float)
    engaged_on: Mapped[date | None] = mapped_column(Date)
    created_on: Mapped[date | None] = mapped_column(Date)
    expected_close_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    close_month: Mapped[date | None] = mapped_column(Date)  # first day of closed_on's month
    close_week: Mapped[date | None] = mapped_column(Date)  # Monday of closed_on's week
    next_step: Mapped[str | None] = mapped_column(Text)
    next_step_on: Mapped[date | None] = mapped_column(Date)
    last_activity_on: Mapped[date | None] = mapped_column(Date)
    # When the stage last changed as seen by imports; at first import engaged_on, else created_on.
    stage_changed_on: Mapped[date | None] = mapped_column(Date)
    churned: Mapped[bool | None] = mapped_column(Boolean)
    acquisition_cost: Mapped[float | None] = mapped_column(Float)
    deal_type: Mapped[str | None] = mapped_column(String(12))  # DEAL_TYPES: new, renewal or expansion
    # Why a lost deal was lost (coaching.losses.REASONS), from an import's column or the owner's answer in Slack,
    # with the competitor it went to; the note and its time only from the owner's answer.
    loss_reason: Mapped[str | None] = mapped_column(String(16))
    competitor: Mapped[str | None] = mapped_column(String(120))
    loss_note: Mapped[str | None] = mapped_column(Text)
    loss_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    loss_action_ts: Mapped[str | None] = mapped_column(String(32))  # Slack's time of the click that set the reason
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CrmActivity(Base):
    """Calls, emails, meetings and demos a rep logged: one row per (rep, day, kind, account) when the
    source has no ids (counts summed within a file), else one row per source id."""

    __tablename__ = "crm_activity"
    __table_args__ = (
        # covering for the digests: a period's sums by rep and kind, and by account tier, from the index alone
        Index("ix_crm_activity_rep_week", "rep_id", "week_start", "kind", "account_id", "count"),
        Index("ix_crm_activity_rep_month", "rep_id", "month", "kind", "account_id", "count"),
        Index("ix_crm_activity_account_day", "account_id", "day"),  # an account's latest activity (going quiet)
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rep_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    day: Mapped[date] = mapped_column(Date)
    week_start: Mapped[date] = mapped_column(Date)  # Monday of `day`
    month: Mapped[date] = mapped_column(Date)  # first of `day`'s month
    kind: Mapped[str] = mapped_column(String(16))
    count: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    account_id: Mapped[int | None] = mapped_column(ForeignKey("crm_account.id"))
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)


class CrmQuota(Base):
    """A rep's target for a month or a quarter (period_start is the first day of the period)."""

    __tablename__ = "crm_quota"
    __table_args__ = (UniqueConstraint("rep_id", "period_start", "period_kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rep_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    period_start: Mapped[date] = mapped_column(Date)
    period_kind: Mapped[str] = mapped_column(String(8))
    amount: Mapped[float] = mapped_column(Float)


class CrmSpend(Base):
    """Sales and marketing spend (money) in a month or quarter (period_start is its first day), for one team or,
    with team_id NULL, for the whole organisation. One row per period and team: the unique constraint covers teams,
    the partial unique index the organisation's rows (NULLs are distinct in a unique constraint)."""

    __tablename__ = "crm_spend"
    __table_args__ = (
        UniqueConstraint("period_start", "period_kind", "team_id"),
        Index("uq_crm_spend_organisation_period", "period_start", "period_kind", unique=True,
              sqlite_where=column("team_id").is_(None), postgresql_where=column("team_id").is_(None)),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_kind: Mapped[str] = mapped_column(String(8))
    amount: Mapped[float] = mapped_column(Float)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))


class CrmLead(Base):
    """A lead and, once converted, when and into which deal (by the deal's external id)."""

    __tablename__ = "crm_lead"
    __table_args__ = (Index("ix_crm_lead_owner_created", "owner_id", "created_on"),)  # a period's leads, the first

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    created_on: Mapped[date | None] = mapped_column(Date)
    converted_on: Mapped[date | None] = mapped_column(Date)
    deal_external_id: Mapped[str | None] = mapped_column(String(64))


class CrmDealEvent(Base):
    """What an import (or the webhook) found a deal became: 'won' (recognition announces it) or 'lost' (its
    owner is asked why). Recorded when a stored deal turns won or lost, or when a new deal arrives so with
    closed_on in the 7 days up to the import's `now` (so the first import of a historical export says nothing
    about old deals)."""

    __tablename__ = "crm_deal_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("crm_deal.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    import_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_run.id"))


class CrmContact(Base):
    """A person at a customer (customer data, not a rep's), as the last contacts import described them; `left_on`
    is when they left the account."""

    __tablename__ = "crm_contact"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("crm_account.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    role: Mapped[str | None] = mapped_column(String(120))
    left_on: Mapped[date | None] = mapped_column(Date)
