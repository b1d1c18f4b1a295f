"""Field intelligence over SQL: the items, the reactions on their channel posts (one row per person and emoji, so a
replayed event counts once), and the intel channel the admin sets."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, delete, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from coaching.intel.service import Intel
from storage.competitors import competitor, find_competitor
from storage.crm.models import CrmAccount
from storage.models import Base, OutboxMessage, UTCDateTime
from storage.recognition.wins import insert_for


class IntelItem(Base):
    """One /intel item. author_id is None once its author was erased (the item stays, anonymous); channel_id and
    post_key name its channel post (None: no intel channel was set when it was added)."""

    __tablename__ = "intel_item"
    __table_args__ = (Index("ix_intel_item_created", "created_at"), Index("ix_intel_item_post", "channel_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    slack_team_id: Mapped[str | None] = mapped_column(String(32))  # the workspace it came from (and is posted in)
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("crm_account.id", ondelete="SET NULL"))
    competitor: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    origin: Mapped[str] = mapped_column(String(128), unique=True)  # the modal that added it
    channel_id: Mapped[str | None] = mapped_column(String(32))
    post_key: Mapped[str | None] = mapped_column(String(64))
    reactions: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class IntelReaction(Base):
    __tablename__ = "intel_reaction"

    intel_id: Mapped[int] = mapped_column(ForeignKey("intel_item.id", ondelete="CASCADE"), primary_key=True)
    slack_user: Mapped[str] = mapped_column(String(32), primary_key=True)
    reaction: Mapped[str] = mapped_column(String(100), primary_key=True)


class IntelChannel(Base):
    """The one intel channel (id 1), and the language its posts are written in."""

    __tablename__ = "intel_channel"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel_id: Mapped[str | None] = mapped_column(String(32))
    locale: Mapped[str] = mapped_column(String(16), default="en")


class IntelChannelError(ValueError):
    """A channel id that is not one; the message is one line."""


def set_intel_channel(session: Session, *, channel_id: str | None, locale: str | None) -> None:
    """Where new intel is posted (None: nowhere; items are still stored and rolled up)."""
    if channel_id is not None and not re.fullmatch(r"[CG][A-Z0-9]{6,}", channel_id):
        raise IntelChannelError(f"{channel_id!r} is not a Slack channel id; expected one like C0123ABCD, or none")
    session.execute(insert_for(session, IntelChannel).values(id=1, locale="en").on_conflict_do_nothing())
    values: dict[str, str | None] = {"channel_id": channel_id}
    if locale:
        values["locale"] = locale
    session.execute(update(IntelChannel).where(IntelChannel.id == 1).values(values))


def intel_channel(session: Session) -> tuple[str | None, str]:
    """(the channel, its language); (None, "en") when none is set."""
    row = session.get(IntelChannel, 1)
    return (row.channel_id, row.locale) if row is not None else (None, "en")


class IntelRepository:
    """Implements coaching.intel.service.IntelStore; never commits: the caller owns the transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _of(self, rows: list[IntelItem]) -> list[Intel]:
        accounts = {i: n for i, n in self.session.execute(select(CrmAccount.id, CrmAccount.name).where(
            CrmAccount.id.in_({r.account_id for r in rows if r.account_id is not None})))}
        return [Intel(r.id, r.author_id, r.kind, r.text, r.account_id, accounts.get(r.account_id or 0), r.competitor,
                      r.created_at, r.reactions, r.channel_id) for r in rows]

    def item(self, intel_id: int) -> Intel | None:
        row = self.session.get(IntelItem, intel_id)
        return self._of([row])[0] if row is not None else None

    def submitted(self, origin: str) -> Intel | None:
        row = self.session.scalar(select(IntelItem).where(IntelItem.origin == origin))
        return self._of([row])[0] if row is not None else None

    def account_name(self, account_id: int) -> str | None:
        return self.session.scalar(select(CrmAccount.name).where(CrmAccount.id == account_id))

    def accounts_of(self, person_id: int, *, limit: int = 100) -> list[tuple[int, str]]:
        """The accounts this person manages, by name (the modal's picker)."""
        return [(i, n) for i, n in self.session.execute(
            select(CrmAccount.id, CrmAccount.name).where(CrmAccount.owner_id == person_id)
            .order_by(CrmAccount.name).limit(limit))]

    def competitor_name(self, competitor_id: int) -> str | None:
        found = competitor(self.session, competitor_id)
        return found.name if found is not None else None

    def listed_competitor(self, name: str) -> str | None:
        found = find_competitor(self.session, name)
        return found.name if found is not None else None

    def add_item(self, *, author_id: int, slack_team_id: str | None, kind: str, text: str, account_id: int | None,
                 competitor: str | None, now: datetime, origin: str, channel_id: str | None) -> Intel:
        row = IntelItem(author_id=author_id, slack_team_id=slack_team_id, kind=kind, text=text,
                        account_id=account_id, competitor=competitor, created_at=now, origin=origin,
                        channel_id=channel_id, reactions=0)
        self.session.add(row)
        self.session.flush()
        if channel_id is not None:
            row.post_key = f"intel:{row.id}"
        return self._of([row])[0]

    def posted(self, *, channel_id: str, ts: str, slack_team_id: str | None) -> int | None:
        """The item whose channel post this is, in this workspace; None for any other message."""
        found = self.session.execute(
            select(IntelItem.id, IntelItem.slack_team_id).join(OutboxMessage, OutboxMessage.key == IntelItem.post_key)
            .where(IntelItem.channel_id == channel_id, OutboxMessage.channel == channel_id,
                   OutboxMessage.ts == ts)).first()
        if found is None or (found.slack_team_id is not None and found.slack_team_id != slack_team_id):
            return None
        return int(found.id)

    def react(self, intel_id: int, *, slack_user: str, reaction: str, added: bool) -> bool:
        """Count (or uncount) one person's emoji on an item; False when it changed nothing (a replayed event)."""
        if added:
            done = self.session.execute(insert_for(self.session, IntelReaction).values(
                intel_id=intel_id, slack_user=slack_user, reaction=reaction[:100]).on_conflict_do_nothing())
        else:
            done = self.session.execute(delete(IntelReaction).where(
                IntelReaction.intel_id == intel_id, IntelReaction.slack_user == slack_user,
                IntelReaction.reaction == reaction[:100]))
        if not getattr(done, "rowcount", 0):
            return False
        self._recount(intel_id)
        return True

    def _recount(self, intel_id: int) -> None:
        count = select(func.count()).where(IntelReaction.intel_id == intel_id).scalar_subquery()
        self.session.execute(update(IntelItem).where(IntelItem.id == intel_id).values(reactions=count))

    def items(self, *, start: datetime, end: datetime, author_ids: list[int] | None = None) -> list[Intel]:
        """Items added in [start, end), oldest first; only these authors' when `author_ids` is given."""
        query = select(IntelItem).where(IntelItem.created_at >= start, IntelItem.created_at < end)
        if author_ids is not None:
            query = query.where(IntelItem.author_id.in_(author_ids))
        return self._of(list(self.session.scalars(query.order_by(IntelItem.created_at, IntelItem.id))))

    def anyone_since(self, since: datetime) -> bool:
        return self.session.scalar(select(IntelItem.id).where(IntelItem.created_at >= since).limit(1)) is not None


def export_intel(session: Session, *, person_id: int, slack_id: str | None) -> dict[str, list[dict[str, object]]]:
    """A person's intel for `person export`: the items they shared and the reactions they gave."""
    items: list[dict[str, object]] = [
        {"id": r.id, "kind": r.kind, "text": r.text, "account_id": r.account_id, "competitor": r.competitor,
         "created_at": r.created_at.isoformat(), "channel_id": r.channel_id, "reactions": r.reactions}
        for r in session.scalars(select(IntelItem).where(IntelItem.author_id == person_id).order_by(IntelItem.id))]
    reactions = [{"intel_id": i, "reaction": e} for i, e in session.execute(
        select(IntelReaction.intel_id, IntelReaction.reaction).where(IntelReaction.slack_user == slack_id)
        .order_by(IntelReaction.intel_id, IntelReaction.reaction))] if slack_id else []
    return {"intel_items": items, "intel_reactions": reactions}


def erase_intel_author(session: Session, *, person_id: int, slack_id: str | None) -> tuple[int, list[tuple[int, bool]]]:
    """`person delete`: their items stay, anonymous (company knowledge, counted in roll-ups), and their reactions go.
    Returns how many items were anonymised and each channel post naming them: (item id, True when it was sent and
    must be edited; False when it was still waiting, deleted here and to be posted again without the name)."""
    rows = list(session.scalars(select(IntelItem).where(IntelItem.author_id == person_id)))
    posts: list[tuple[int, bool]] = []
    for row in rows:
        row.author_id = None
        sent = session.scalar(select(OutboxMessage).where(OutboxMessage.key == row.post_key)) if row.post_key else None
        if sent is not None and sent.status == "pending":
            session.delete(sent)
            row.post_key = f"intel:{row.id}:anonymous"
            posts.append((row.id, False))
        elif sent is not None and sent.status == "sent":
            posts.append((row.id, True))
    if slack_id:
        touched = list(session.scalars(select(IntelReaction.intel_id).where(IntelReaction.slack_user == slack_id)))
        session.execute(delete(IntelReaction).where(IntelReaction.slack_user == slack_id))
        repo = IntelRepository(session)
        for intel_id in set(touched):
            repo._recount(intel_id)
    session.flush()
    return len(rows), posts
