"""Holidays admins configure: days without surveys or reminders, for everyone or for one team."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Holiday, Team


class HolidayError(Exception):
    """A holiday that cannot be added; the message says what is allowed."""


def add_holiday(session: Session, *, day: str, name: str, team: str | None = None) -> bool:
    """Add a holiday; False when it was there already (adding twice changes nothing)."""
    try:
        when = date.fromisoformat(day)
    except ValueError:
        raise HolidayError(f"{day!r} is not a date; expected YYYY-MM-DD, e.g. 2026-12-25") from None
    team_id = None
    if team is not None:
        team_id = session.scalar(select(Team.id).where(func.lower(Team.name) == team.strip().lower()))
        if team_id is None:
            raise HolidayError(f"team {team!r} is not in the roster")
    exists = session.scalar(select(Holiday.id).where(Holiday.day == when, Holiday.team_id.is_(team_id)
                                                     if team_id is None else Holiday.team_id == team_id))
    if exists is not None:
        return False
    session.add(Holiday(day=when, team_id=team_id, name=name.strip()[:120] or "Holiday"))
    session.flush()
    return True


def list_holidays(session: Session) -> list[tuple[date, str, str | None]]:
    rows = session.execute(select(Holiday.day, Holiday.name, Team.name).outerjoin(Team, Team.id == Holiday.team_id)
                           .order_by(Holiday.day)).all()
    return [(d, n, t) for d, n, t in rows]
