"""RecognitionStore over SQL: people and teams as recognition sees them, company values, kudos, and (through
storage.recognition.wins) wins. Never commits: the caller owns the transaction."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from datetime import UTC, date, datetime

from sqlalchemy import ColumnElement, exists, func, select, update
from sqlalchemy.orm import Session

from coaching.access import OrgEntry
from coaching.recognition.kudos import CompanyValue as CompanyValueRecord
from coaching.recognition.kudos import Kudos as KudosValue
from coaching.recognition.records import Colleague, RecognitionTeam
from coaching.recognition.shout_outs import KudosHistory, LastRecognised
from storage.models import Person, Team
from storage.recognition.models import CompanyValue, Kudos, KudosReceiver, TeamRecognition, Win
from storage.recognition.wins import WinRepository, colleague_of, insert_for


class RecognitionError(Exception):
    """An admin setting that cannot be applied; the message says what is allowed."""


class RecognitionRepository(WinRepository):
    """Implements coaching.recognition.ports.RecognitionStore."""

    def __init__(self, session: Session) -> None:
        super().__init__(session)

    # ---- people and teams ------------------------------------------------------------------------------------

    def colleagues_by_slack(self, slack_ids: Collection[str]) -> dict[str, Colleague]:
        if not slack_ids:
            return {}
        people = self.session.scalars(select(Person).where(Person.slack_id.in_(list(slack_ids)),
                                                           Person.active.is_(True)))
        return {p.slack_id: colleague_of(p) for p in people if p.slack_id}

    def colleagues(self, person_ids: Collection[int]) -> dict[int, Colleague]:
        return self._colleagues(person_ids)

    def org_chart(self) -> dict[int, OrgEntry]:
        rows = self.session.execute(select(Person.id, Person.manager_id, Person.role, Person.team_id)
                                    .where(Person.active.is_(True)))
        return {pid: OrgEntry(manager, role, team) for pid, manager, role, team in rows}

    def team(self, team_id: int) -> RecognitionTeam | None:
        found = self._teams(Team.id == team_id)
        return found[0] if found else None

    def teams(self) -> list[RecognitionTeam]:
        return self._teams(None)

    def _teams(self, where: ColumnElement[bool] | None) -> list[RecognitionTeam]:
        stmt = (select(Team, TeamRecognition.channel_id)
                .outerjoin(TeamRecognition, TeamRecognition.team_id == Team.id).order_by(Team.id))
        if where is not None:
            stmt = stmt.where(where)
        rows = self.session.execute(stmt).all()
        members: dict[int, list[Colleague]] = {}
        for person in self.session.scalars(select(Person).where(
                Person.active.is_(True), Person.team_id.in_([t.id for t, _ in rows])).order_by(Person.id)):
            members.setdefault(person.team_id, []).append(colleague_of(person))
        return [RecognitionTeam(t.id, t.name, own or t.channel_id, t.locale, tuple(members.get(t.id, ())))
                for t, own in rows]

    def claim_shout_out(self, team_id: int, week_start: date) -> bool:
        self.session.execute(insert_for(self.session, TeamRecognition).values(team_id=team_id)
                             .on_conflict_do_nothing())
        result = self.session.execute(
            update(TeamRecognition)
            .where(TeamRecognition.team_id == team_id,
                   TeamRecognition.last_shout_out_week.is_(None) | (TeamRecognition.last_shout_out_week < week_start))
            .values(last_shout_out_week=week_start))
        return bool(getattr(result, "rowcount", 0))

    # ---- company values --------------------------------------------------------------------------------------

    def company_values(self) -> list[CompanyValueRecord]:
        return [CompanyValueRecord(v.name, v.description, v.active)
                for v in self.session.scalars(select(CompanyValue).order_by(CompanyValue.name))]

    def save_company_value(self, value: CompanyValueRecord, *, now: datetime) -> None:
        stmt = insert_for(self.session, CompanyValue).values(
            name=value.name, description=value.description, active=value.active, updated_at=now)
        self.session.execute(stmt.on_conflict_do_update(index_elements=["name"], set_={
            "description": value.description, "active": value.active, "updated_at": now}))

    # ---- kudos -----------------------------------------------------------------------------------------------

    def add_kudos(self, *, key: str, giver_id: int, receiver_ids: Sequence[int], value: str | None, message: str,
                  now: datetime) -> KudosValue | None:
        stmt = (insert_for(self.session, Kudos).values(key=key, giver_id=giver_id, value=value, message=message,
                                                       created_at=now)
                .on_conflict_do_nothing().returning(Kudos.id))
        kudos_id = self.session.execute(stmt).scalar()
        if kudos_id is None:
            return None
        self.session.add_all(KudosReceiver(kudos_id=kudos_id, person_id=p, position=i, created_at=now)
                             for i, p in enumerate(dict.fromkeys(receiver_ids)))
        self.session.flush()
        return self._kudos([kudos_id])[0]

    def kudos_with_key(self, key: str) -> KudosValue | None:
        found = self._kudos(self.session.scalars(select(Kudos.id).where(Kudos.key == key)).all())
        return found[0] if found else None

    def receivers_given(self, *, giver_id: int, since: datetime, until: datetime) -> int:
        return int(self.session.scalar(
            select(func.count()).select_from(KudosReceiver).join(Kudos, Kudos.id == KudosReceiver.kudos_id)
            .where(Kudos.giver_id == giver_id, Kudos.created_at >= since, Kudos.created_at < until)) or 0)

    def kudos_between(self, *, since: datetime, until: datetime, team_id: int | None = None) -> list[KudosValue]:
        stmt = select(Kudos.id).where(Kudos.created_at >= since, Kudos.created_at < until)
        if team_id is not None:
            stmt = stmt.where(exists().where(KudosReceiver.kudos_id == Kudos.id, Person.id == KudosReceiver.person_id,
                                             Person.team_id == team_id))
        return self._kudos(self.session.scalars(stmt.order_by(Kudos.created_at, Kudos.id)).all())

    def kudos_history(self, person: Colleague, *, limit: int) -> KudosHistory:
        given = self.session.scalars(select(Kudos.id).where(Kudos.giver_id == person.person_id)
                                     .order_by(Kudos.created_at.desc(), Kudos.id.desc()).limit(limit)).all()
        received = self.session.scalars(
            select(KudosReceiver.kudos_id).where(KudosReceiver.person_id == person.person_id)
            .order_by(KudosReceiver.created_at.desc(), KudosReceiver.kudos_id.desc()).limit(limit)).all()
        return KudosHistory(person, tuple(self._kudos(given)), tuple(self._kudos(received)))

    def last_kudos_received(self, person_ids: Collection[int]) -> dict[int, datetime]:
        rows = self.session.execute(select(KudosReceiver.person_id, func.max(KudosReceiver.created_at))
                                    .where(KudosReceiver.person_id.in_(list(person_ids)))
                                    .group_by(KudosReceiver.person_id))
        return {person: _aware(at) for person, at in rows if at is not None}

    def _kudos(self, ids: Iterable[int]) -> list[KudosValue]:
        """Kudos by id, in the order given, with giver and receivers (in the order named)."""
        wanted = list(ids)
        if not wanted:
            return []
        rows = {k.id: k for k in self.session.scalars(select(Kudos).where(Kudos.id.in_(wanted)))}
        receivers: dict[int, list[int]] = {}
        for kudos_id, person_id in self.session.execute(
                select(KudosReceiver.kudos_id, KudosReceiver.person_id).where(KudosReceiver.kudos_id.in_(wanted))
                .order_by(KudosReceiver.kudos_id, KudosReceiver.position)):
            receivers.setdefault(kudos_id, []).append(person_id)
        people = self._colleagues({k.giver_id for k in rows.values()} | {p for ps in receivers.values() for p in ps})
        return [KudosValue(k.id, people[k.giver_id], tuple(people[p] for p in receivers.get(k.id, ())), k.value,
                           k.message, k.created_at) for k in (rows[i] for i in wanted if i in rows)]


def _aware(value: datetime) -> datetime:
    """A max() over a UTC column comes back naive from SQLite (the column type is not applied to it)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# ---- admin settings and the one-on-one helper's inputs ----------------------------------------------------------

def set_recognition_channel(session: Session, *, team: str, channel_id: str | None) -> None:
    """Where a team's wins, kudos and shout-outs go; None goes back to the team's channel."""
    team_id = session.scalar(select(Team.id).where(func.lower(Team.name) == team.strip().lower()))
    if team_id is None:
        raise RecognitionError(f"team {team!r} is not in the roster")
    if channel_id is not None and not re.fullmatch(r"[CG][A-Z0-9]{6,}", channel_id):
        raise RecognitionError(f"{channel_id!r} is not a Slack channel id; expected one like C0123ABCD")
    session.execute(insert_for(session, TeamRecognition).values(team_id=team_id).on_conflict_do_nothing())
    session.execute(update(TeamRecognition).where(TeamRecognition.team_id == team_id).values(channel_id=channel_id))


def last_recognised(session: Session, *, person_ids: Collection[int]) -> dict[int, date | None]:
    """The day each person last received kudos (UTC date) or had a win, whichever is later; None: never."""
    repo = RecognitionRepository(session)
    kudos, wins = repo.last_kudos_received(person_ids), repo.last_win(person_ids)
    return {p: LastRecognised(p, kudos.get(p), wins.get(p)).on for p in person_ids}


def recent_recognition(session: Session, *, person_ids: Collection[int], since: datetime) -> dict[int, tuple[int, int]]:
    """(wins recorded, kudos received) per person since `since`, for the one-on-one prep."""
    ids = list(person_ids)
    wins = {rep: n for rep, n in session.execute(
        select(Win.rep_id, func.count()).where(Win.rep_id.in_(ids), Win.created_at >= since).group_by(Win.rep_id))}
    kudos = {person: n for person, n in session.execute(
        select(KudosReceiver.person_id, func.count())
        .where(KudosReceiver.person_id.in_(ids), KudosReceiver.created_at >= since).group_by(KudosReceiver.person_id))}
    return {p: (int(wins.get(p, 0)), int(kudos.get(p, 0))) for p in ids}
