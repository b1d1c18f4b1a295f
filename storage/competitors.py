"""The competitor list the admin keeps (`salescoach competitor add|list|remove`), shared by /intel and loss reasons:
a pick-list only; what people record keeps the competitor's name as text, so removing one rewrites no history."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from sqlalchemy import Integer, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.models import Base

MAX_NAME = 80  # characters of a competitor's name


class Competitor(Base):
    __tablename__ = "competitor"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(MAX_NAME), unique=True)  # unique ignoring case, too (add checks)


@dataclass(frozen=True)
class CompetitorName:
    id: int
    name: str


class CompetitorError(ValueError):
    """A name the list refuses, or one that is not on it; the message is one line."""


def clean_name(name: str) -> str:
    """The name with its spaces collapsed; CompetitorError when it is empty, too long or holds control characters."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise CompetitorError("a competitor's name must not be empty")
    if len(cleaned) > MAX_NAME:
        raise CompetitorError(f"a competitor's name has at most {MAX_NAME} characters, got {len(cleaned)}")
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in cleaned):
        raise CompetitorError(f"{cleaned!r}: a competitor's name must not hold control characters")
    return cleaned


def add_competitor(session: Session, name: str) -> tuple[CompetitorName, bool]:
    """The competitor, added unless already on the list (ignoring case); True when it was added."""
    cleaned = clean_name(name)
    found = find_competitor(session, cleaned)
    if found is not None:
        return found, False
    row = Competitor(name=cleaned)
    session.add(row)
    session.flush()
    return CompetitorName(row.id, row.name), True


def find_competitor(session: Session, name: str) -> CompetitorName | None:
    """The competitor of this name, ignoring case and extra spaces; None when it is not on the list."""
    cleaned = " ".join(name.split()).lower()
    row = session.scalar(select(Competitor).where(func.lower(Competitor.name) == cleaned))
    return CompetitorName(row.id, row.name) if row is not None else None


def competitor(session: Session, competitor_id: int) -> CompetitorName | None:
    """The competitor of this id (a modal's option value), None when it is not (or no longer) on the list."""
    row = session.get(Competitor, competitor_id)
    return CompetitorName(row.id, row.name) if row is not None else None


def competitors(session: Session) -> list[CompetitorName]:
    """The list, by name."""
    rows = session.scalars(select(Competitor).order_by(func.lower(Competitor.name), Competitor.id))
    return [CompetitorName(r.id, r.name) for r in rows]


def remove_competitor(session: Session, name: str) -> CompetitorName:
    """Take a competitor off the list (what was recorded with it keeps its name); CompetitorError when not on it."""
    found = find_competitor(session, name)
    if found is None:
        raise CompetitorError(f"{' '.join(name.split())!r} is not on the competitor list; see "
                              "`salescoach competitor list`")
    session.delete(session.get(Competitor, found.id))
    session.flush()
    return found
