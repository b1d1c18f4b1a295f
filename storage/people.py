"""People and teams as the listeners need them: who is this Slack user, which teams may they manage."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.members import MEMBER_BY_SLACK_ID, MEMBERS_BY_SLACK_ID, member_from, member_of, member_row
from storage.models import Person, Team
from surveys.ports import Member


class PeopleRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def by_slack_id(self, slack_id: str) -> Member | None:
        return member_row(self.session, MEMBER_BY_SLACK_ID, {"slack_id": slack_id})

    def by_slack_ids(self, slack_ids: Iterable[str]) -> dict[str, Member]:
        """Active people by Slack id, in one statement for each 500 (a burst of clicks)."""
        ids = sorted(set(slack_ids))
        self.session.flush()
        connection = self.session.connection()
        rows = [row for start in range(0, len(ids), 500)
                for row in connection.execute(MEMBERS_BY_SLACK_ID, {"slack_ids": ids[start:start + 500]})]
        return {member.slack_id: member for member in map(member_from, rows) if member.slack_id}

    def by_email(self, email: str) -> Member | None:
        person = self.session.scalar(select(Person).where(Person.email == email.strip().lower()))
        return member_of(person) if person else None

    def members(self, person_ids: Iterable[int]) -> dict[int, Member]:
        """People by id (active or not), for names and languages."""
        ids = sorted(set(person_ids))
        return {p.id: member_of(p) for p in self.session.scalars(select(Person).where(Person.id.in_(ids)))}

    def set_language(self, slack_id: str, language: str | None) -> bool:
        """A person's own language (None: follow their Slack locale); False when no such person."""
        person = self.session.scalar(select(Person).where(Person.slack_id == slack_id))
        if person is None:
            return False
        person.language = language
        self.session.flush()
        return True

    def team_name(self, team_id: int) -> str:
        return self.session.scalar(select(Team.name).where(Team.id == team_id)) or ""

    def team_names(self) -> dict[int, str]:
        """Every team's name by id (who may survey which is coaching.access.teams_in_view's to say)."""
        return {team_id: name for team_id, name in self.session.execute(select(Team.id, Team.name))}
