"""SurveyStore over SQL: surveys, rounds, recipients (who) and answers (what), kept apart."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from sqlalchemy import Table, Update, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from coaching.access import OrgEntry, teams_in_view
from storage.focus import follow_ups
from storage.members import MEMBER_BY_ID, member_of, member_row
from storage.models import Answer, CustomQuestion, Holiday, Person, Recipient, Round, Survey, Team
from storage.round_close import forget_who_answered
from surveys.ports import Answers, Invitation, Member, Plan, RoundInfo
from surveys.questions import STARTER, Question, QuestionBank

_RECIPIENT = cast(Table, Recipient.__table__)
_RECIPIENTS = _RECIPIENT.c
# Built once, one statement for a whole batch of a round's people: a fan-out marks thousands at a time.
_BATCH = 500  # ids a statement: within every SQLite's limit on bound parameters
_OF_ROUND = (_RECIPIENTS.round_id == bindparam("round"), _RECIPIENTS.person_id.in_(bindparam("people", expanding=True)))
_MARK_INVITED = update(_RECIPIENT).where(*_OF_ROUND).values(invited=True, invited_at=bindparam("at"))
_MARK_REMINDED = update(_RECIPIENT).where(*_OF_ROUND).values(reminders_sent=bindparam("count"))
# A morning's burst of answers runs these hundreds of times in one transaction: built once, run on the connection.
_ONE = (_RECIPIENTS.round_id == bindparam("round"), _RECIPIENTS.person_id == bindparam("person"))
_TOKEN = select(_RECIPIENTS.respondent_token).where(*_ONE).with_for_update()
_INVITED = select(_RECIPIENTS.invited).where(*_ONE)
_RESPONDED = update(_RECIPIENT).where(*_ONE, _RECIPIENTS.responded.is_(False)).values(responded=True)
_ANSWER = cast(Table, Answer.__table__)
_ANSWERS = _ANSWER.c
_OF_RESPONDENT = (_ANSWERS.round_id == bindparam("round"), _ANSWERS.respondent == bindparam("token"))
_ANSWER_OF = select(_ANSWERS.id, _ANSWERS.value, _ANSWERS.comment, _ANSWERS.action_ts).where(
    *_OF_RESPONDENT, _ANSWERS.question_id == bindparam("question")).with_for_update()
ADD_ANSWER = insert(_ANSWER)
CHANGE_ANSWER = update(_ANSWER).where(_ANSWERS.id == bindparam("row")).values(
    value=bindparam("new_value"), comment=bindparam("new_comment"), action_ts=bindparam("new_action_ts"))
_ANSWERS_OF = select(_ANSWERS.question_id, _ANSWERS.value, _ANSWERS.comment).where(*_OF_RESPONDENT)


# A Member's columns, read as plain rows: a fan-out reads thousands of people, and loading each as a Person (ORM
# identity map, instance state) cost more than the rest of the job.
_MEMBER = (Person.id, Person.name, Person.email, Person.role, Person.tz, Person.language, Person.locale,
           Person.slack_id, Person.team_id, Person.status_text, Person.status_emoji, Person.status_until)


def _member(row: Sequence[Any]) -> Member:
    """A Member from the _MEMBER columns of a row (more columns may follow)."""
    pid, name, email, role, tz, language, locale, slack_id, team_id, text, emoji, until = row[:12]
    return Member(pid, name, email, role, tz, language or locale, slack_id, team_id, text, emoji, until)


class SurveyRepository:
    """Implements surveys.ports.SurveyStore; never commits (the caller owns the transaction)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._team_names: dict[int, str] = {}
        self._bank: QuestionBank | None = None
        self._rounds: dict[int, RoundInfo] = {}  # read once a unit (a burst of answers to one round)

    # Question bank -------------------------------------------------------------------------------------------
    def bank(self) -> QuestionBank:
        """The built-in questions plus the ones admins added, oldest first."""
        if self._bank is None:
            rows = self.session.scalars(select(CustomQuestion).order_by(CustomQuestion.created_at, CustomQuestion.id))
            self._bank = STARTER.with_custom(Question(r.id, r.theme, r.kind, r.text, tuple(r.options), custom=True)
                                             for r in rows)
        return self._bank

    def add_question(self, question: Question, *, now: datetime) -> None:
        self.session.add(CustomQuestion(id=question.id, theme=question.theme, kind=question.kind, text=question.text,
                                        options=list(question.options), created_at=now))
        self.session.flush()
        self._bank = None

    # Surveys -------------------------------------------------------------------------------------------------
    def add_survey(self, *, team_id: int, questions: Sequence[str], cadence: str, weekday: int, send_time: str,
                   window_hours: int, anchor: date, created_by: int | None, now: datetime,
                   origin: str | None = None, rotate: bool = False, share_with_team: bool = False) -> int:
        survey = Survey(rotate=rotate, share_with_team=share_with_team, team_id=team_id, questions=list(questions),
                        cadence=cadence, weekday=weekday,
                        send_time=send_time, window_hours=window_hours, anchor=anchor, active=True,
                        created_by=created_by, created_at=now, origin=origin)
        self.session.add(survey)
        self.session.flush()
        return survey.id

    def team_channel(self, team_id: int) -> tuple[str, str] | None:
        """(channel id, language) of a team's channel, when the admin has set one."""
        row = self.session.execute(select(Team.channel_id, Team.locale).where(Team.id == team_id)).one_or_none()
        return (row[0], row[1]) if row and row[0] else None

    def follow_ups(self, survey_id: int) -> tuple[str, ...]:
        return follow_ups(self.session, survey_id)

    def round_count(self, survey_id: int) -> int:
        return int(self.session.scalar(select(func.count()).select_from(Round).where(Round.survey_id == survey_id))
                   or 0)

    def survey_from(self, origin: str) -> int | None:
        return self.session.scalar(select(Survey.id).where(Survey.origin == origin))

    def team_id(self, team_name: str) -> int | None:
        return self.session.scalar(select(Team.id).where(func.lower(Team.name) == team_name.strip().lower()))

    def plans(self, *, active_only: bool = True) -> list[Plan]:
        stmt = select(Survey, Team.name).join(Team, Team.id == Survey.team_id).order_by(Survey.id)
        if active_only:
            stmt = stmt.where(Survey.active.is_(True))
        return [_plan(s, name) for s, name in self.session.execute(stmt).all()]

    def plan(self, survey_id: int) -> Plan | None:
        row = self.session.execute(select(Survey, Team.name).join(Team, Team.id == Survey.team_id)
                                   .where(Survey.id == survey_id)).one_or_none()
        return _plan(row[0], row[1]) if row else None

    # Rounds --------------------------------------------------------------------------------------------------
    def has_round(self, survey_id: int, cycle_date: date) -> bool:
        return self.session.scalar(select(Round.id).where(Round.survey_id == survey_id,
                                                          Round.cycle_date == cycle_date)) is not None

    def open_round_of(self, survey_id: int) -> RoundInfo | None:
        row = self.session.scalar(select(Round).where(Round.survey_id == survey_id, Round.closed_at.is_(None))
                                  .order_by(Round.id.desc()).limit(1))
        return self._info(row) if row else None

    def round(self, round_id: int) -> RoundInfo | None:
        if round_id not in self._rounds:
            row = self.session.get(Round, round_id)
            if row is None:
                return None
            self._rounds[round_id] = self._info(row)
        return self._rounds[round_id]

    def create_round(self, *, survey_id: int, cycle_date: date, questions: Sequence[str], opened_at: datetime,
                     closes_at: datetime, invitations: Sequence[Invitation]) -> RoundInfo:
        round_ = Round(survey_id=survey_id, cycle_date=cycle_date, questions=list(questions), opened_at=opened_at,
                       closes_at=closes_at)
        self.session.add(round_)
        self.session.flush()
        if invitations:  # one Core executemany: a round of thousands of people opens in one statement
            self.session.connection().execute(insert(_RECIPIENT), [
                {"round_id": round_.id, "person_id": i.person_id, "due_at": i.due_at, "invited": False,
                 "responded": False, "respondent_token": i.token} for i in invitations])
        return self._info(round_)

    def rounds_to_close(self, now: datetime) -> list[RoundInfo]:
        rows = self.session.scalars(select(Round).where(Round.closed_at.is_(None), Round.closes_at <= now)
                                    .order_by(Round.id).with_for_update(skip_locked=True))
        return [self._info(r) for r in rows]

    def closes_so_far(self) -> int:
        """How many rounds have closed: a change tells that a close happened (and forgot answering traces)."""
        return self.session.scalar(select(func.count()).select_from(Round).where(Round.closed_at.is_not(None))) or 0

    def close_round(self, round_id: int, now: datetime) -> None:
        """Close the round and leave nothing that tells who gave which answer (storage.round_close)."""
        self.session.execute(update(Round).where(Round.id == round_id).values(closed_at=now))
        self._rounds.pop(round_id, None)
        forget_who_answered(self.session, round_id=round_id, now=now)

    # People --------------------------------------------------------------------------------------------------
    def recipients_for(self, team_id: int) -> list[Member]:
        people = self.session.execute(select(*_MEMBER).where(Person.team_id == team_id, Person.role == "rep",
                                                             Person.active.is_(True), Person.slack_id.is_not(None))
                                      .order_by(Person.id))
        return list(map(_member, people))

    def unmatched_reps(self, team_id: int) -> int:
        return self.session.scalar(select(func.count()).select_from(Person).where(
            Person.team_id == team_id, Person.role == "rep", Person.active.is_(True), Person.slack_id.is_(None))) or 0

    def managers_of(self, team_id: int) -> list[Member]:
        """The managers whose view of the org chart holds the team (coaching.access.teams_in_view): everyone its
        reps report to, directly or further up; being listed in the team is not leading it."""
        rows = self.session.execute(select(Person.id, Person.manager_id, Person.role, Person.team_id)
                                    .where(Person.active.is_(True))).all()
        org = {pid: OrgEntry(manager, role, team) for pid, manager, role, team in rows}
        chosen = [pid for pid, entry in org.items()
                  if entry.role == "manager" and team_id in teams_in_view(pid, org=org, teams=[team_id])]
        people = self.session.scalars(select(Person).where(Person.id.in_(chosen)).order_by(Person.id))
        return [member_of(p) for p in people]

    def open_rounds_for(self, person_id: int, now: datetime) -> list[tuple[RoundInfo, bool]]:
        """Open rounds this person was sent, each with whether they answered (for their App Home)."""
        rows = self.session.execute(select(Round, Recipient.responded).join(Recipient, Recipient.round_id == Round.id)
                                    .where(Recipient.person_id == person_id, Recipient.invited.is_(True),
                                           Round.closed_at.is_(None), Round.closes_at > now)
                                    .order_by(Round.closes_at)).all()
        return [(self._info(r), bool(responded)) for r, responded in rows]

    def admins(self) -> list[Member]:
        people = self.session.scalars(select(Person).where(Person.active.is_(True), Person.role == "admin",
                                                           Person.slack_id.is_not(None)).order_by(Person.id))
        return [member_of(p) for p in people]

    def member(self, person_id: int) -> Member | None:
        return member_row(self.session, MEMBER_BY_ID, {"person": person_id})

    # Invitations and answers ---------------------------------------------------------------------------------
    def due_invitations(self, now: datetime) -> list[tuple[RoundInfo, Member]]:
        rows: Sequence[Any] = self.session.execute(
            select(*_MEMBER, Recipient.round_id).join(Recipient, Recipient.person_id == Person.id)
            .join(Round, Round.id == Recipient.round_id)
            .where(Recipient.invited.is_(False), Recipient.due_at <= now, Round.closed_at.is_(None),
                   Round.closes_at > now, Person.active.is_(True))
            .order_by(Recipient.due_at, Recipient.id)
        ).all()
        rounds = self._infos({row[-1] for row in rows})
        return [(rounds[row[-1]], _member(row)) for row in rows]

    def mark_invited(self, round_id: int, person_ids: Sequence[int], now: datetime) -> None:
        self._mark(_MARK_INVITED, round_id, person_ids, at=now)

    def holidays_of(self, team_id: int) -> frozenset[date]:
        return frozenset(self.session.scalars(select(Holiday.day).where(
            (Holiday.team_id == team_id) | Holiday.team_id.is_(None))))

    def reminder_candidates(self, now: datetime) -> list[tuple[RoundInfo, Member, datetime, int]]:
        """Invited people who have not answered, in open rounds, with when they were invited and reminded."""
        rows: Sequence[Any] = self.session.execute(
            select(*_MEMBER, Recipient.round_id, Recipient.invited_at, Recipient.reminders_sent)
            .join(Recipient, Recipient.person_id == Person.id).join(Round, Round.id == Recipient.round_id)
            .where(Recipient.invited.is_(True), Recipient.responded.is_(False), Recipient.reminders_sent < 2,
                   Recipient.invited_at.is_not(None), Round.closed_at.is_(None), Round.closes_at > now,
                   Person.active.is_(True))
            .order_by(Recipient.id)).all()
        rounds = self._infos({row[-3] for row in rows})
        return [(rounds[row[-3]], _member(row), row[-2], row[-1]) for row in rows if row[-2] is not None]

    def mark_reminded(self, round_id: int, person_ids: Sequence[int], count: int) -> None:
        self._mark(_MARK_REMINDED, round_id, person_ids, count=count)

    def _mark(self, stmt: Update, round_id: int, person_ids: Sequence[int], **values: object) -> None:
        """One UPDATE for each batch of a round's people (not one a person)."""
        connection = self.session.connection()
        for start in range(0, len(person_ids), _BATCH):
            connection.execute(stmt, {"round": round_id, "people": list(person_ids[start:start + _BATCH]), **values})

    def was_invited(self, round_id: int, person_id: int) -> bool:
        return self.session.connection().execute(_INVITED, {"round": round_id, "person": person_id}).scalar() is True

    def token_of(self, round_id: int, person_id: int) -> str | None:
        """The person's respondent token while the round is open (row-locked: a close waits for this answer)."""
        return self.session.connection().execute(_TOKEN, {"round": round_id, "person": person_id}).scalar()

    def save_answer(self, *, round_id: int, token: str, question_id: str, value: int | None,
                    comment: str | None = None, action_ts: str | None = None) -> bool:
        """Insert or change one answer; False when it already had this value, or when `action_ts` (Slack's time
        of the click) is not later than the click that set it: a late copy of an older click changes nothing."""
        connection = self.session.connection()
        answer = connection.execute(_ANSWER_OF, {"round": round_id, "token": token, "question": question_id}).first()
        if answer is None:
            connection.execute(ADD_ANSWER, {"round_id": round_id, "respondent": token, "question_id": question_id,
                                             "value": value, "comment": comment, "action_ts": action_ts})
            return True
        write, changed, stamp = answer_change(answer.value, answer.comment, answer.action_ts, value, comment, action_ts)
        if write:
            connection.execute(CHANGE_ANSWER, {"row": answer.id, "new_value": value, "new_comment": comment,
                                               "new_action_ts": stamp})
        return changed

    def answers_of(self, round_id: int, token: str) -> Answers:
        """One respondent's answers: the value, or the text of a free-text answer (never the side comment)."""
        rows = self.session.connection().execute(_ANSWERS_OF, {"round": round_id, "token": token}).all()
        return {qid: value if value is not None or qid == "_comment" else comment for qid, value, comment in rows}

    def mark_responded(self, round_id: int, person_id: int) -> None:
        self.session.connection().execute(_RESPONDED, {"round": round_id, "person": person_id})

    def round_answers(self, round_id: int) -> list[tuple[str, str, int | None, str | None]]:
        rows = self.session.execute(select(Answer.respondent, Answer.question_id, Answer.value, Answer.comment)
                                    .where(Answer.round_id == round_id)).all()
        return [(r[0], r[1], r[2], r[3]) for r in rows]

    def invited_count(self, round_id: int) -> int:
        return int(self.session.scalar(select(func.count()).select_from(Recipient)
                                       .where(Recipient.round_id == round_id)) or 0)

    def closed_rounds(self, survey_id: int, limit: int) -> list[RoundInfo]:
        """The latest closed rounds of a survey, oldest first."""
        rows = self.session.scalars(select(Round).where(Round.survey_id == survey_id, Round.closed_at.is_not(None))
                                    .order_by(Round.cycle_date.desc(), Round.id.desc()).limit(limit))
        return [self._info(r) for r in reversed(list(rows))]

    def set_active(self, survey_id: int, active: bool) -> None:
        self.session.execute(update(Survey).where(Survey.id == survey_id).values(active=active))

    def _infos(self, round_ids: set[int]) -> dict[int, RoundInfo]:
        """RoundInfo of each of these rounds, by id (one read for all of a fan-out's rows)."""
        if not round_ids:
            return {}
        return {r.id: self._info(r) for r in self.session.scalars(select(Round).where(Round.id.in_(round_ids)))}

    def _info(self, row: Round) -> RoundInfo:
        team = self._team_names.get(row.survey_id)
        if team is None:
            team = self.session.scalar(select(Team.name).join(Survey, Survey.team_id == Team.id)
                                       .where(Survey.id == row.survey_id)) or ""
            self._team_names[row.survey_id] = team
        return RoundInfo(row.id, row.survey_id, team, row.cycle_date, tuple(row.questions), row.opened_at,
                         row.closes_at, row.closed_at)


def answer_change(old_value: int | None, old_comment: str | None, old_stamp: str | None, value: int | None,
                  comment: str | None, stamp: str | None) -> tuple[bool, bool, str | None]:
    """What a click does to a stored answer: (write the row, the answer changed, the stamp it keeps). A click not
    later than the one that set the answer changes nothing; a repeat of the same answer only moves its stamp."""
    if not _later(stamp, old_stamp):
        return False, False, old_stamp
    changed, kept = (old_value, old_comment) != (value, comment), stamp or old_stamp
    return changed or kept != old_stamp, changed, kept


def _later(new: str | None, old: str | None) -> bool:
    """Whether a change stamped `new` comes after the one stamped `old`; unstamped changes always apply."""
    if new is None or old is None:
        return True
    try:
        return Decimal(new) > Decimal(old)
    except InvalidOperation:
        return True


def _plan(s: Survey, team_name: str) -> Plan:
    return Plan(s.id, s.team_id, team_name, tuple(s.questions), s.cadence, s.weekday, s.send_time, s.window_hours,
                s.anchor, s.active, s.rotate, s.share_with_team)
