"""A person as the domain sees them (surveys.ports.Member), from a loaded Person or straight from its columns."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, select
from sqlalchemy.orm import Session

from storage.models import Person
from surveys.ports import Member


def member_of(person: Person) -> Member:
    return Member(person.id, person.name, person.email, person.role, person.tz, person.language or person.locale,
                  person.slack_id,
                  person.team_id, person.status_text, person.status_emoji, person.status_until)


# A member's columns, read on the connection without loading a Person (a burst of answers looks up hundreds; the
# ORM's way costs several times the query): rows for member_from, after pending changes are flushed.
_PEOPLE = cast(Table, Person.__table__).c
MEMBER = select(_PEOPLE.id, _PEOPLE.name, _PEOPLE.email, _PEOPLE.role, _PEOPLE.tz, _PEOPLE.language, _PEOPLE.locale,
                _PEOPLE.slack_id, _PEOPLE.team_id, _PEOPLE.status_text, _PEOPLE.status_emoji, _PEOPLE.status_until)
MEMBER_BY_ID = MEMBER.where(_PEOPLE.id == bindparam("person"))
MEMBER_BY_SLACK_ID = MEMBER.where(_PEOPLE.slack_id == bindparam("slack_id"), _PEOPLE.active.is_(True))
MEMBERS_BY_SLACK_ID = MEMBER.where(_PEOPLE.slack_id.in_(bindparam("slack_ids", expanding=True)),
                                   _PEOPLE.active.is_(True))


def member_row(session: Session, statement: Select[Any], params: dict[str, Any]) -> Member | None:
    session.flush()  # as the ORM's autoflush would
    row = session.connection().execute(statement, params).first()
    return member_from(row) if row else None


def member_from(row: Sequence[Any]) -> Member:
    (person_id, name, email, role, tz, language, locale, slack_id, team_id, status_text, status_emoji,
     status_until) = row
    return Member(person_id, name, email, role, tz, language or locale, slack_id, team_id, status_text, status_emoji,
                  status_until)
