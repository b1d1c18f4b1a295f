"""Identity belongs to a workspace: a person's Slack id is linked in one workspace (or Enterprise Grid org), only
requests and events from there act for them, and only workspaces the admin allowed link people to the roster.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from storage.models import Person

Admission = Literal["unknown", "member", "stranger"]


@dataclass(frozen=True)
class Origin:
    """Where a Slack request or event came from (its workspace and Grid org), and the workspaces (T…) or orgs
    (E…) the admin allows to link roster people to their users."""

    team_id: str | None
    enterprise_id: str | None = None
    roster: frozenset[str] = frozenset()

    @property
    def links_people(self) -> bool:
        """True when this workspace may link people: by email (unlinked people) or on first contact (unbound ids)."""
        return bool(({self.team_id, self.enterprise_id} - {None}) & self.roster)


def bound(person: Person) -> bool:
    """True once the person's Slack id is tied to a workspace or org (people linked before that are not yet)."""
    return person.slack_team_id is not None or person.slack_enterprise_id is not None


def belongs(person: Person, origin: Origin) -> bool:
    """May a request or event from `origin` act for this person? Their own workspace may, and so may any
    workspace of their Enterprise Grid org (user ids are the same across it); a person not yet bound to a
    workspace only from a workspace allowed to link people."""
    if not bound(person):
        return origin.links_people
    if origin.team_id is not None and origin.team_id == person.slack_team_id:
        return True
    return person.slack_enterprise_id is not None and origin.enterprise_id == person.slack_enterprise_id


def bind(session: Session, person: Person, origin: Origin) -> bool:
    """Tie a person's Slack id to the origin's workspace, unless it is tied already (the first binding wins,
    even against a racing request from elsewhere); True when this call tied it."""
    if bound(person) or not (origin.team_id or origin.enterprise_id):
        return False
    tied = session.execute(update(Person).where(
        Person.id == person.id, Person.slack_team_id.is_(None), Person.slack_enterprise_id.is_(None),
    ).values(slack_team_id=origin.team_id, slack_enterprise_id=origin.enterprise_id),
        execution_options={"synchronize_session": False})
    session.refresh(person, ["slack_team_id", "slack_enterprise_id"])
    return bool(tied.rowcount)  # type: ignore[attr-defined]


def admission(session: Session, slack_id: str, origin: Origin) -> tuple[Admission, bool]:
    """Whom a request's user is to us, read only: ("unknown" | "member" | "stranger", whether they still need
    binding to the origin's workspace, which `admit` or `bind_first_contact` does)."""
    person = session.scalar(select(Person).where(Person.slack_id == slack_id))
    if person is None:
        return "unknown", False
    if not belongs(person, origin):
        return "stranger", False
    return "member", not bound(person)


def bind_first_contact(session: Session, slack_id: str, origin: Origin) -> bool:
    """Tie an unbound person to the workspace of their first request (the first binding wins)."""
    person = session.scalar(select(Person).where(Person.slack_id == slack_id))
    return person is not None and belongs(person, origin) and bind(session, person, origin)


def workspace_of(session: Session, slack_id: str) -> tuple[str | None, str | None] | None:
    """The (workspace, Grid org) a person's Slack id is linked in; None for an id nobody has."""
    row = session.execute(select(Person.slack_team_id, Person.slack_enterprise_id)
                          .where(Person.slack_id == slack_id)).first()
    return (row[0], row[1]) if row else None


class PersonWorkspaces:
    """The workspace each person is linked in, for the bot token of what we send them (installs in several
    workspaces, one roster)."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def of(self, slack_id: str) -> tuple[str | None, str | None] | None:
        """The (workspace, Grid org) a person is linked in, for what we send them; None for an id nobody has."""
        with self.sessions.begin() as session:
            return workspace_of(session, slack_id)
