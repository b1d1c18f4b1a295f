"""What the survey domain needs from the outside world, as Protocols and plain records."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from surveys.questions import Question, QuestionBank
from surveys.results import RoundSummary
from surveys.trends import RollupResult

Answers = dict[str, int | str | None]  # one respondent's answers by question: a value, an option index or text


@dataclass(frozen=True)
class Member:
    person_id: int
    name: str
    email: str
    role: str
    tz: str
    locale: str
    slack_id: str | None
    team_id: int
    status_text: str | None = None
    status_emoji: str | None = None
    status_until: datetime | None = None


@dataclass(frozen=True)
class Plan:
    """A survey as scheduled: team, questions, cadence, weekday (0 = Monday) and local send time."""

    id: int
    team_id: int
    team_name: str
    questions: tuple[str, ...]
    cadence: str
    weekday: int
    send_time: str
    window_hours: int
    anchor: date
    active: bool
    rotate: bool = False
    share_with_team: bool = False


@dataclass(frozen=True)
class RoundInfo:
    id: int
    survey_id: int
    team_name: str
    cycle_date: date
    questions: tuple[str, ...]
    opened_at: datetime
    closes_at: datetime
    closed_at: datetime | None

    def is_open(self, now: datetime) -> bool:
        return self.closed_at is None and now < self.closes_at


@dataclass(frozen=True)
class Invitation:
    """One person's place in a round; `token` links to their answers only while the round is open."""

    person_id: int
    due_at: datetime
    token: str


class SurveyStore(Protocol):
    def add_survey(self, *, team_id: int, questions: Sequence[str], cadence: str, weekday: int,
                   send_time: str, window_hours: int, anchor: date, created_by: int | None,
                   now: datetime, origin: str | None = None, rotate: bool = False,
                   share_with_team: bool = False) -> int: ...
    def team_channel(self, team_id: int) -> tuple[str, str] | None: ...
    def round_count(self, survey_id: int) -> int: ...
    def follow_ups(self, survey_id: int) -> tuple[str, ...]:
        """Follow-up questions of the survey's focuses (surveys.focus) that no round has asked yet."""
        ...
    def survey_from(self, origin: str) -> int | None: ...
    def team_id(self, team_name: str) -> int | None: ...
    def plans(self, *, active_only: bool = True) -> list[Plan]: ...
    def plan(self, survey_id: int) -> Plan | None: ...
    def has_round(self, survey_id: int, cycle_date: date) -> bool: ...
    def open_round_of(self, survey_id: int) -> RoundInfo | None: ...
    def round(self, round_id: int) -> RoundInfo | None: ...
    def recipients_for(self, team_id: int) -> list[Member]: ...

    def unmatched_reps(self, team_id: int) -> int:
        """Active reps of the team who are not matched to a Slack user yet (and so cannot be asked)."""
        ...
    def managers_of(self, team_id: int) -> list[Member]: ...
    def member(self, person_id: int) -> Member | None: ...
    def create_round(self, *, survey_id: int, cycle_date: date, questions: Sequence[str], opened_at: datetime,
                     closes_at: datetime, invitations: Sequence[Invitation]) -> RoundInfo: ...
    def due_invitations(self, now: datetime) -> list[tuple[RoundInfo, Member]]: ...
    def mark_invited(self, round_id: int, person_ids: Sequence[int], now: datetime) -> None: ...
    def holidays_of(self, team_id: int) -> frozenset[date]: ...
    def reminder_candidates(self, now: datetime) -> list[tuple[RoundInfo, Member, datetime, int]]: ...
    def mark_reminded(self, round_id: int, person_ids: Sequence[int], count: int) -> None: ...
    def rounds_to_close(self, now: datetime) -> list[RoundInfo]: ...
    def close_round(self, round_id: int, now: datetime) -> None: ...
    def was_invited(self, round_id: int, person_id: int) -> bool: ...
    def token_of(self, round_id: int, person_id: int) -> str | None: ...
    def save_answer(self, *, round_id: int, token: str, question_id: str, value: int | None,
                    comment: str | None = None, action_ts: str | None = None) -> bool: ...
    def answers_of(self, round_id: int, token: str) -> Answers: ...
    def mark_responded(self, round_id: int, person_id: int) -> None: ...
    def round_answers(self, round_id: int) -> list[tuple[str, str, int | None, str | None]]: ...
    def invited_count(self, round_id: int) -> int: ...
    def closed_rounds(self, survey_id: int, limit: int) -> list[RoundInfo]: ...
    def set_active(self, survey_id: int, active: bool) -> None: ...
    def bank(self) -> QuestionBank: ...
    def add_question(self, question: Question, *, now: datetime) -> None: ...
    def admins(self) -> list[Member]: ...


class Messenger(Protocol):
    """Delivers domain messages; the bot renders each one and puts it in the outbox under a stable key."""

    def send_surveys(self, round: RoundInfo, members: Sequence[Member]) -> None: ...  # a fan-out: many at once
    def refresh_survey(self, round: RoundInfo, member: Member, answers: Answers, *,
                       closed: bool = False) -> None: ...
    def send_results(self, round: RoundInfo, manager: Member, summary: RoundSummary,
                     history: Sequence[tuple[date, RoundSummary]] = (), *, at: datetime | None = None) -> None:
        """The results DM (and chart) for a manager, delivered from `at` (their next working moment) on."""
        ...
    def send_reminders(self, round: RoundInfo, members: Sequence[Member], number: int) -> None: ...
    def send_team_summary(self, round: RoundInfo, channel: str, locale: str, summary: RoundSummary) -> None: ...
    def send_rollup(self, round: RoundInfo, admin: Member, result: RollupResult) -> None: ...
