"""Team settings an admin changes by hand: the channel for shared summaries and its language."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Team
from storage.tables import slack_locale


class TeamError(Exception):
    """A team setting that cannot be applied; the message says what is allowed."""


def set_channel(session: Session, *, team: str, channel_id: str, locale: str | None = None) -> None:
    row = session.scalar(select(Team).where(func.lower(Team.name) == team.strip().lower()))
    if row is None:
        raise TeamError(f"team {team!r} is not in the roster")
    if not re.fullmatch(r"[CG][A-Z0-9]{6,}", channel_id):
        raise TeamError(f"{channel_id!r} is not a Slack channel id; expected one like C0123ABCD")
    row.channel_id = channel_id
    if locale is not None:
        language = slack_locale(locale)
        if not language:
            raise TeamError(f"{locale!r} is not a locale; expected one like en-US, ms-MY, zh-CN, lt-LT, fa-IR")
        row.locale = language
