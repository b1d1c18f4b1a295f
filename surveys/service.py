"""Survey use cases: create a survey, open due rounds, invite and remind (answering: surveys.answering; closing:
surveys.closing)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from surveys.availability import DEFAULT_AWAY, DEFAULT_WORKING_TIME, AwayRule, WorkingTime
from surveys.cadence import CADENCES, WEEKDAYS, local_send_times, parse_send_time, recent_cycle_dates
from surveys.ports import Invitation, Member, Messenger, Plan, RoundInfo, SurveyStore
from surveys.questions import MAX_QUESTIONS_PER_ROUND, Question, new_custom_question
from surveys.reminders import DEFAULT_POLICY, ReminderPolicy
from surveys.rotation import MAX_POOL, questions_for_round


class SurveyError(Exception):
    """A request the survey rules refuse; the message says what is allowed."""


class QuestionCount(SurveyError):
    """A survey with too few or too many questions for a round (`most`: the largest number allowed)."""

    def __init__(self, got: int, most: int, rotate: bool) -> None:
        hint = "" if rotate else f"; a rotating survey (--rotate) may draw from up to {MAX_POOL}"
        super().__init__(f"a survey has 1 to {most} questions, got {got}{hint}")
        self.got, self.most, self.rotate = got, most, rotate


class TeamHasSurvey(SurveyError):
    """A second active survey for a team, refused unless asked for on purpose: each rep would get both."""

    def __init__(self, plan: Plan) -> None:
        super().__init__(f"team {plan.team_name} already has active survey {plan.id} ({plan.cadence}, "
                         f"{WEEKDAYS[plan.weekday]} {plan.send_time}), so each rep would get both; pause it first, "
                         "or add another on purpose with --also")
        self.plan = plan


def create_survey(store: SurveyStore, *, team: str, question_ids: Sequence[str], cadence: str, weekday: str,
                  send_time: str, now: datetime, created_by: int | None = None, window_hours: int = 72,
                  origin: str | None = None, rotate: bool = False, share_with_team: bool = False,
                  only_one: bool = False) -> int:
    """Validate everything first; then add the survey and return its id.

    `origin` names the request (a Slack view id); the same origin again returns the same survey. `only_one`
    refuses a team that has an active survey already (the command line, unless --also).
    """
    if origin is not None:
        existing = store.survey_from(origin)
        if existing is not None:
            return existing
    team_id = store.team_id(team)
    if team_id is None:
        raise SurveyError(f"team {team!r} is not in the roster; import the roster first")
    ids = [q.strip() for q in question_ids if q.strip()]
    most = MAX_POOL if rotate else MAX_QUESTIONS_PER_ROUND
    if not 1 <= len(ids) <= most:
        raise QuestionCount(len(ids), most, rotate)
    pickable = {q.id for q in store.bank().pickable()}
    unknown = [q for q in ids if q not in pickable]
    if unknown:
        raise SurveyError(f"unknown question id {unknown[0]!r}; see `salescoach survey questions`")
    if len(set(ids)) != len(ids):
        raise SurveyError("a question appears twice in the survey")
    if cadence not in CADENCES:
        raise SurveyError(f"cadence {cadence!r} is not one of {', '.join(CADENCES)}")
    if weekday.lower()[:3] not in WEEKDAYS:
        raise SurveyError(f"day {weekday!r} is not one of {', '.join(WEEKDAYS)}")
    try:
        at = parse_send_time(send_time)
    except ValueError:
        raise SurveyError(f"time {send_time!r} is not a local time HH:MM such as 09:00") from None
    if not 1 <= window_hours <= 24 * 28:
        raise SurveyError("a round stays open from 1 hour to 28 days")
    first = next((p for p in store.plans(active_only=True) if p.team_id == team_id), None)
    if first is not None and only_one:
        raise TeamHasSurvey(first)
    return store.add_survey(
        team_id=team_id, questions=ids, cadence=cadence, weekday=WEEKDAYS.index(weekday.lower()[:3]),
        send_time=at.strftime("%H:%M"), window_hours=window_hours, anchor=now.date() - timedelta(days=1),
        created_by=created_by, now=now, origin=origin, rotate=rotate, share_with_team=share_with_team,
    )


def open_due_rounds(store: SurveyStore, messenger: Messenger, *, now: datetime,
                    working: WorkingTime = DEFAULT_WORKING_TIME, away: AwayRule = DEFAULT_AWAY) -> list[RoundInfo]:
    """Open every round whose first local send time has come, then invite everyone whose time has come.

    A send date on a weekend or a configured holiday moves to the next working day.
    """
    opened = []
    for plan in store.plans():
        if store.open_round_of(plan.id) is not None:
            continue
        members = store.recipients_for(plan.team_id)
        if not members:
            continue
        at = parse_send_time(plan.send_time)
        holidays = store.holidays_of(plan.team_id)
        for day in recent_cycle_dates(plan.cadence, plan.weekday, plan.anchor, (now + timedelta(days=1)).date()):
            send_day = working.on_or_after(day, holidays)
            dues = local_send_times({m.person_id: m.tz for m in members}, send_day, at)
            first, last = min(dues.values()), max(dues.values())
            closes_at = last + timedelta(hours=plan.window_hours)
            if first > now:
                continue
            if now < closes_at and not store.has_round(plan.id, day):
                opened.append(_open(store, plan.id, day, _round_questions(store, plan), now, closes_at, dues))
            break
    send_due_invitations(store, messenger, now=now, away=away)
    return opened


def open_round_now(store: SurveyStore, messenger: Messenger, *, survey_id: int, now: datetime) -> RoundInfo:
    """Open a round at once for everyone, ignoring local send times."""
    plan = store.plan(survey_id)
    if plan is None:
        raise SurveyError(f"survey {survey_id} does not exist; see `salescoach survey list`")
    current = store.open_round_of(survey_id)
    if current is not None:
        raise SurveyError(f"survey {survey_id} already has an open round (#{current.id})")
    if store.has_round(survey_id, now.date()):
        raise SurveyError(f"survey {survey_id} already had a round today; open the next one tomorrow")
    members = store.recipients_for(plan.team_id)
    if not members:
        unmatched = store.unmatched_reps(plan.team_id)
        if unmatched:
            raise SurveyError(f"{unmatched} rep(s) of {plan.team_name} are not matched to Slack yet: run `salescoach "
                              "import roster` with Slack reachable, or add slack_id")
        raise SurveyError(f"team {plan.team_name!r} has no active reps to ask")
    round_ = _open(store, survey_id, now.date(), _round_questions(store, plan), now,
                   now + timedelta(hours=plan.window_hours), {m.person_id: now for m in members})
    send_due_invitations(store, messenger, now=now)
    return round_


def _round_questions(store: SurveyStore, plan: Plan) -> tuple[str, ...]:
    """The plan's questions (or this round's share of its rotating pool), then any focus's follow-up question
    the team has not been asked yet (one more than the plan's own)."""
    own = plan.questions if not plan.rotate else questions_for_round(plan.questions, plan.cadence,
                                                                    store.round_count(plan.id))
    return (*own, *(q for q in store.follow_ups(plan.id) if q not in own))


def _open(store: SurveyStore, survey_id: int, day: object, questions: Sequence[str], now: datetime,
          closes_at: datetime, dues: dict[int, datetime]) -> RoundInfo:
    invitations = [Invitation(pid, due, secrets.token_urlsafe(24)) for pid, due in dues.items()]
    return store.create_round(survey_id=survey_id, cycle_date=day,  # type: ignore[arg-type]
                              questions=questions, opened_at=now, closes_at=closes_at, invitations=invitations)


def send_due_invitations(store: SurveyStore, messenger: Messenger, *, now: datetime,
                         away: AwayRule = DEFAULT_AWAY) -> int:
    """Invite everyone whose local send time has come; people who are out get it when they are back.
    Each round's invitations go out, and are marked, as one batch (in the caller's transaction)."""
    due: dict[int, tuple[RoundInfo, list[Member]]] = {}
    for round_, member in store.due_invitations(now):
        has_status = member.status_text or member.status_emoji  # most people have none: nothing to read
        if has_status and away.is_away(text=member.status_text, emoji=member.status_emoji,
                                       until=member.status_until, now=now):
            continue
        due.setdefault(round_.id, (round_, []))[1].append(member)
    for round_, members in due.values():
        messenger.send_surveys(round_, members)
        store.mark_invited(round_.id, [m.person_id for m in members], now)
    return sum(len(members) for _, members in due.values())


def send_due_reminders(store: SurveyStore, messenger: Messenger, *, now: datetime,
                       policy: ReminderPolicy = DEFAULT_POLICY) -> int:
    """Remind people who have not answered, by the policy; each reminder is sent once.

    People are grouped by time zone first; then each of the policy's tests is asked once for everyone it is the
    same for: working hours by zone and team, the reminder's due time by round, invitation time and count, away
    by status. Each round's reminders go out, and are marked, as one batch per reminder number."""
    due: dict[tuple[int, int], tuple[RoundInfo, list[Member]]] = {}  # by round and reminder number
    by_zone: dict[str, list[tuple[RoundInfo, Member, datetime, int]]] = {}
    for candidate in store.reminder_candidates(now):
        group = by_zone.get(candidate[1].tz)
        if group is None:
            by_zone[candidate[1].tz] = [candidate]
        else:
            group.append(candidate)
    holidays: dict[int, frozenset] = {}
    due_now: dict[tuple[int, datetime, int, int], int | None] = {}
    away_now: dict[tuple[str | None, str | None], bool] = {}
    for tz, group in by_zone.items():
        due_now.clear()  # its keys hold for one zone
        if not policy.working.is_working_moment(now, tz, frozenset()):
            continue  # outside working hours there: nobody in this zone, whatever their team's holidays
        working_now: dict[int, bool] = {}  # by team, in this zone
        for round_, member, invited_at, sent in group:
            working = working_now.get(member.team_id)
            if working is None:
                if member.team_id not in holidays:
                    holidays[member.team_id] = store.holidays_of(member.team_id)
                working = working_now[member.team_id] = policy.working.is_working_moment(
                    now, tz, holidays[member.team_id])
            if not working:
                continue  # outside their working hours no reminder is due, whatever else holds
            when = (round_.id, invited_at, sent, member.team_id)  # within this zone
            number = due_now.get(when, 0)
            if number == 0:
                number = due_now[when] = policy.number_due(invited_at=invited_at, sent=sent,
                                                           closes_at=round_.closes_at, now=now, tz=tz,
                                                           holidays=holidays[member.team_id])
            if number is None:
                continue
            expired = member.status_until is not None and member.status_until <= now
            if (member.status_text or member.status_emoji) and not expired:
                status = (member.status_text, member.status_emoji)
                away = away_now.get(status)
                if away is None:
                    away = away_now[status] = policy.away.is_away(text=status[0], emoji=status[1], until=None,
                                                                  now=now)
                if away:
                    continue
            due.setdefault((round_.id, number), (round_, []))[1].append(member)
    for (_, number), (round_, members) in due.items():
        messenger.send_reminders(round_, members, number)
        store.mark_reminded(round_.id, [m.person_id for m in members], number)
    return sum(len(members) for _, members in due.values())


def add_question(store: SurveyStore, *, text: str, kind: str, now: datetime, theme: str = "custom",
                 options: Sequence[str] = ()) -> Question:
    """An admin's own question, added to the bank for every survey to use."""
    try:
        q = new_custom_question(store.bank(), text=text, kind=kind, theme=theme, options=options)
    except ValueError as exc:
        raise SurveyError(str(exc)) from None
    store.add_question(q, now=now)
    return q


def set_active(store: SurveyStore, *, survey_id: int, active: bool) -> Plan:
    """Pause or resume a survey: a paused survey opens no rounds; an open round runs to its close."""
    plan = store.plan(survey_id)
    if plan is None:
        raise SurveyError(f"survey {survey_id} does not exist; see /pulse list")
    store.set_active(survey_id, active)
    return plan
