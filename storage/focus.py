"""FocusStore over SQL: a team's focuses after its rounds, by team, by manager's view, or by id."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import CustomQuestion, Round, SurveyFocus, Team
from surveys.focus import Focus


def focus_of(row: SurveyFocus) -> Focus:
    return Focus(row.id, row.team_id, row.survey_id, row.round_id, row.theme, row.action, row.due, row.shared,
                 row.created_by, row.created_at, row.done_at, row.question_id)


class FocusRepository:
    """Never commits: the caller owns the transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add_focus(self, *, team_id: int, survey_id: int, round_id: int, theme: str, action: str, due: date,
                  shared: bool, created_by: int, now: datetime, origin: str) -> Focus:
        row = SurveyFocus(team_id=team_id, survey_id=survey_id, round_id=round_id, theme=theme, action=action, due=due,
                          shared=shared, created_by=created_by, created_at=now, origin=origin)
        self.session.add(row)
        self.session.flush()
        return focus_of(row)

    def focus(self, focus_id: int) -> Focus | None:
        row = self.session.get(SurveyFocus, focus_id)
        return focus_of(row) if row is not None else None

    def from_origin(self, origin: str) -> Focus | None:
        row = self.session.scalar(select(SurveyFocus).where(SurveyFocus.origin == origin))
        return focus_of(row) if row is not None else None

    def of_round(self, round_id: int) -> Focus | None:
        row = self.session.scalar(select(SurveyFocus).where(SurveyFocus.round_id == round_id)
                                  .order_by(SurveyFocus.id).limit(1))
        return focus_of(row) if row is not None else None

    def mark_done(self, *, focus_id: int, now: datetime) -> Focus:
        row = self.session.get(SurveyFocus, focus_id, with_for_update=True)
        if row is None:
            raise LookupError(f"focus {focus_id} is gone")
        if row.done_at is None:
            row.done_at = now
            self.session.flush()
        return focus_of(row)

    def of_teams(self, team_ids: Collection[int], *, open_only: bool = False) -> list[Focus]:
        """The teams' focuses, newest first."""
        stmt = select(SurveyFocus).where(SurveyFocus.team_id.in_(list(team_ids)))
        if open_only:
            stmt = stmt.where(SurveyFocus.done_at.is_(None))
        return [focus_of(r) for r in self.session.scalars(stmt.order_by(SurveyFocus.created_at.desc(),
                                                                          SurveyFocus.id.desc()))]

    def team_locale(self, team_id: int) -> str | None:
        """The team's language (its channel's, and its follow-up questions')."""
        return self.session.scalar(select(Team.locale).where(Team.id == team_id))

    def add_follow_up(self, *, focus_id: int, text: str, now: datetime) -> str:
        """The focus's follow-up question (once): an agreement question of its theme, as the team reads it."""
        row = self.session.get(SurveyFocus, focus_id)
        if row is None:
            raise LookupError(f"focus {focus_id} is gone")
        if row.question_id is None:
            row.question_id = f"focus:{focus_id}"
            self.session.add(CustomQuestion(id=row.question_id, theme=row.theme, kind="agreement", text=text[:300],
                                            options=[], created_at=now))
            self.session.flush()
        return row.question_id


def follow_ups(session: Session, survey_id: int) -> tuple[str, ...]:
    """The follow-up questions of this survey's focuses that no round has asked since the focus was chosen."""
    pending = session.execute(select(SurveyFocus.question_id, SurveyFocus.created_at).where(
        SurveyFocus.survey_id == survey_id, SurveyFocus.question_id.is_not(None)).order_by(SurveyFocus.id)).all()
    if not pending:
        return ()
    since = min(at for _, at in pending)
    asked = {q for questions in session.scalars(select(Round.questions).where(
        Round.survey_id == survey_id, Round.opened_at >= since)) for q in questions}
    return tuple(q for q, _ in pending if q is not None and q not in asked)
