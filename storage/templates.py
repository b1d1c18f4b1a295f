"""Announcement templates an admin saved: one row per announcement and language (none: the built-in text)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.models import Base, UTCDateTime


class AnnouncementTemplate(Base):
    """The Jinja2 source of one announcement (win, milestone, shout-out, survey) in one language."""

    __tablename__ = "announcement_template"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    source: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


def announcement_template(session: Session, name: str, language: str) -> str | None:
    """The saved source, or None when the built-in text applies."""
    return session.scalar(select(AnnouncementTemplate.source).where(AnnouncementTemplate.name == name,
                                                                    AnnouncementTemplate.language == language))


def save_template(session: Session, *, name: str, language: str, source: str, now: datetime) -> None:
    """Save (or replace) a template that bot.templates.check accepted."""
    row = session.get(AnnouncementTemplate, (name, language))
    if row is None:
        session.add(AnnouncementTemplate(name=name, language=language, source=source, updated_at=now))
    else:
        row.source, row.updated_at = source, now
    session.flush()


def reset_template(session: Session, *, name: str, language: str) -> bool:
    """Back to the built-in text; False when there was no template to remove."""
    gone = session.execute(delete(AnnouncementTemplate).where(AnnouncementTemplate.name == name,
                                                              AnnouncementTemplate.language == language))
    return bool(gone.rowcount)  # type: ignore[attr-defined]


def saved_templates(session: Session) -> list[tuple[str, str, datetime, int]]:
    """(name, language, saved at, characters) of every saved template."""
    rows = session.scalars(select(AnnouncementTemplate).order_by(AnnouncementTemplate.name,
                                                                 AnnouncementTemplate.language))
    return [(r.name, r.language, r.updated_at, len(r.source)) for r in rows]
