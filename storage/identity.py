"""Identity belongs to a workspace: a person's Slack id is linked in one workspace (or Enterprise Grid org), only
requests and events from there act for them, and only workspaces the admin allowed link people to the roster.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, cast
from weakref import WeakKeyDictionary

from sqlalchemy import ColumnElement, Connection, Engine, Table, bindparam, create_engine, select, update
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import SingletonThreadPool

from storage.models import Person
from storage.schema_state import sqlite_file

Admission = Literal["unknown", "member", "stranger"]
Linked = tuple[str | None, str | None]  # (workspace, Grid org) a person's Slack id is linked in; (None, None): not yet


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

    def may_act_for(self, linked: Linked) -> bool:
        """A person's own workspace may, and so may any workspace of their Enterprise Grid org (user ids are the
        same across it); for a person not yet bound to a workspace, only a workspace allowed to link people."""
        team, enterprise = linked
        if team is None and enterprise is None:
            return self.links_people
        return (self.team_id is not None and self.team_id == team) or \
            (enterprise is not None and self.enterprise_id == enterprise)


def linked_in(person: Person) -> Linked:
    return person.slack_team_id, person.slack_enterprise_id


def belongs(person: Person, origin: Origin) -> bool:
    """May a request or event from `origin` act for this person?"""
    return origin.may_act_for(linked_in(person))


def _tie(session: Session, where: ColumnElement[bool], origin: Origin) -> bool:
    return _ties(session, where, origin) > 0


def _ties(session: Session, where: ColumnElement[bool], origin: Origin) -> int:
    if not (origin.team_id or origin.enterprise_id):
        return 0
    tied = session.execute(update(Person).where(
        where, Person.slack_team_id.is_(None), Person.slack_enterprise_id.is_(None),
    ).values(slack_team_id=origin.team_id, slack_enterprise_id=origin.enterprise_id),
        execution_options={"synchronize_session": False})
    return int(tied.rowcount)  # type: ignore[attr-defined]


def bind(session: Session, person: Person, origin: Origin) -> bool:
    """Tie a person's Slack id to the origin's workspace unless it is tied already (the first binding wins, even
    against a racing request from elsewhere); True when this call tied it."""
    if linked_in(person) != (None, None) or not _tie(session, Person.id == person.id, origin):
        return False
    session.refresh(person, ["slack_team_id", "slack_enterprise_id"])
    return True


_PEOPLE = cast(Table, Person.__table__).c
_LINKED = select(_PEOPLE.slack_team_id, _PEOPLE.slack_enterprise_id).where(
    _PEOPLE.slack_id == bindparam("slack_id"))  # built once: it runs before every ack


_LINKED_MANY = select(_PEOPLE.slack_id, _PEOPLE.slack_team_id, _PEOPLE.slack_enterprise_id).where(
    _PEOPLE.slack_id.in_(bindparam("slack_ids", expanding=True)))


_READERS: WeakKeyDictionary[Engine, Engine] = WeakKeyDictionary()


def _reader(engine: Engine) -> Engine:
    """What admission reads with. On SQLite, a connection of its own kept by each server thread (SQLAlchemy's
    SingletonThreadPool), without the engine's transaction hooks: a burst of 200 clicks no longer waits for the
    pool's connections, which the recording and delivery threads hold, nor takes a BEGIN and a ROLLBACK each."""
    if sqlite_file(engine.url) is None:
        return engine
    reader = _READERS.get(engine)
    if reader is None:
        reader = _READERS[engine] = create_engine(engine.url, poolclass=SingletonThreadPool, pool_size=64,
                                                  connect_args={"timeout": 30})
    return reader


def admission(engine: Engine, slack_id: str, origin: Origin) -> tuple[Admission, bool]:
    """Whom a request's user is to us: "unknown" (no person has this id), "member" (the person linked here), or
    "stranger" (another workspace's person has it); and whether a member is still to be bound to this workspace.
    Read without a write lock: it runs before every ack."""
    with _reader(engine).connect() as connection:
        row = connection.execute(_LINKED, {"slack_id": slack_id}).first()
    if row is None:
        return "unknown", False
    linked: Linked = (row[0], row[1])
    if not origin.may_act_for(linked):
        return "stranger", False
    return "member", linked == (None, None)


def admit_many(session: Session, requests: Sequence[tuple[str, Origin]]) -> list[Admission]:
    """admission() for a burst of requests (survey clicks recorded together), inside the transaction that acts on
    them: one read per 500 ids, and each member not yet bound to a workspace tied to its request's (the first
    request wins, as in bind())."""
    connection = session.connection()
    linked = _linked(connection, sorted({slack_id for slack_id, _ in requests}))
    verdicts: list[Admission] = []
    first: dict[Origin, list[str]] = {}
    for slack_id, origin in requests:
        where = linked.get(slack_id)
        if where is None:
            verdicts.append("unknown")
        elif not origin.may_act_for(where):
            verdicts.append("stranger")
        else:
            verdicts.append("member")
            if where == (None, None) and (origin.team_id or origin.enterprise_id):
                linked[slack_id] = (origin.team_id, origin.enterprise_id)  # later requests from elsewhere: strangers
                first.setdefault(origin, []).append(slack_id)
    if not first:
        return verdicts
    for origin, slack_ids in first.items():
        for start in range(0, len(slack_ids), 500):
            _ties(session, Person.slack_id.in_(slack_ids[start:start + 500]), origin)
    tied = sorted({slack_id for slack_ids in first.values() for slack_id in slack_ids})
    now_linked = _linked(connection, tied)  # a racing transaction may have tied one of them elsewhere first
    return [verdict if verdict != "member" or slack_id not in now_linked or origin.may_act_for(now_linked[slack_id])
            else "stranger" for verdict, (slack_id, origin) in zip(verdicts, requests, strict=True)]


def _linked(connection: Connection, slack_ids: Sequence[str]) -> dict[str, Linked]:
    return {row[0]: (row[1], row[2]) for start in range(0, len(slack_ids), 500)
            for row in connection.execute(_LINKED_MANY, {"slack_ids": list(slack_ids[start:start + 500])})}


class PersonWorkspaces:
    """The workspace each person is linked in: tied on their first contact, and read for what we send them."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def first_contact(self, slack_id: str, origin: Origin) -> bool:
        """Tie the person with this Slack id to the origin's workspace, unless tied already; True when tied now."""
        with self.sessions.begin() as session:
            return _tie(session, Person.slack_id == slack_id, origin)

    def first_contacts(self, contacts: Sequence[tuple[str, Origin]]) -> dict[Origin, int]:
        """Many first contacts (a burst of first clicks) in one transaction, one UPDATE per origin and 500 people;
        how many people each origin tied now."""
        by_origin: dict[Origin, list[str]] = {}
        for slack_id, origin in contacts:
            by_origin.setdefault(origin, []).append(slack_id)
        with self.sessions.begin() as session:
            return {origin: sum(_ties(session, Person.slack_id.in_(ids[start:start + 500]), origin)
                                for start in range(0, len(ids), 500))
                    for origin, ids in by_origin.items()}

    def of(self, slack_id: str) -> Linked | None:
        """The (workspace, Grid org) a person is linked in; None for an id nobody has."""
        with self.sessions.begin() as session:
            row = session.execute(select(Person.slack_team_id, Person.slack_enterprise_id)
                                  .where(Person.slack_id == slack_id)).first()
        return (row[0], row[1]) if row else None
