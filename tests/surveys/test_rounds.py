"""Survey use cases over a real database and a recording messenger, with an injected `now`."""

from datetime import UTC, datetime, timedelta

import pytest
from conftest import seed_team

from storage.db import make_engine, make_sessions
from storage.surveys import SurveyRepository
from surveys import answering, closing, service
from surveys.questions import STARTER_BANK
from surveys.service import SurveyError


class FakeMessenger:
    """Records what the domain asked to deliver."""

    def __init__(self):
        self.sent, self.refreshed, self.results = [], [], []

    def send_surveys(self, round, members):
        self.sent.extend((round.id, member.slack_id) for member in members)

    def refresh_survey(self, round, member, answers, *, closed=False):
        self.refreshed.append((member.slack_id, dict(answers), closed))

    def send_results(self, round, manager, summary, history=(), *, at=None):
        self.results.append((manager.slack_id, summary))
        self.results_at = at
        self.history = list(history)

    def send_reminders(self, round, members, number):
        self.sent.extend((round.id, f"reminder {number} to {member.slack_id}") for member in members)


@pytest.fixture
def db(migrated_database_url):
    engine = make_engine(migrated_database_url)
    sessions = make_sessions(engine)
    with sessions.begin() as s:
        people = seed_team(s, reps=6)
    yield sessions, people
    engine.dispose()


MONDAY_UTC_0030 = datetime(2026, 11, 23, 0, 30, tzinfo=UTC)


def _create(sessions, now, **kw):
    with sessions.begin() as s:
        return service.create_survey(SurveyRepository(s), team="Hunters", question_ids=["enps", "manager"],
                                     cadence="weekly", weekday="mon", send_time="09:00", now=now, **kw)


def _open_now(sessions, messenger, now=MONDAY_UTC_0030):
    survey_id = _create(sessions, now)
    with sessions.begin() as s:
        return survey_id, service.open_round_now(SurveyRepository(s), messenger, survey_id=survey_id, now=now)


def _tick(sessions, now, messenger):
    with sessions.begin() as s:
        return service.open_due_rounds(SurveyRepository(s), messenger, now=now)


def test_each_rep_gets_the_survey_at_nine_in_their_own_time_zone(db):
    sessions, _people = db
    _create(sessions, MONDAY_UTC_0030 - timedelta(days=3))
    m = FakeMessenger()
    # 00:30 UTC Monday: 09:00 has come in Auckland only (UTC+13) and not yet in Kuala Lumpur (01:00 UTC).
    assert len(_tick(sessions, MONDAY_UTC_0030, m)) == 1
    assert [who for _, who in m.sent] == ["UREP5"]
    _tick(sessions, datetime(2026, 11, 23, 1, 0, tzinfo=UTC), m)  # 09:00 in Kuala Lumpur and Shanghai
    assert sorted(who for _, who in m.sent) == ["UREP0", "UREP1", "UREP5"]
    _tick(sessions, datetime(2026, 11, 23, 17, 0, tzinfo=UTC), m)  # 09:00 in Los Angeles, the last
    assert sorted(who for _, who in m.sent) == [f"UREP{i}" for i in range(6)]


def test_a_rerun_tick_opens_and_sends_nothing_twice(db):
    sessions, _ = db
    _create(sessions, MONDAY_UTC_0030 - timedelta(days=3))
    m = FakeMessenger()
    at = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)
    assert len(_tick(sessions, at, m)) == 1
    assert _tick(sessions, at, m) == []
    assert len(m.sent) == 6


def test_answers_can_change_until_close_and_a_repeat_changes_nothing(db):
    sessions, people = db
    m = FakeMessenger()
    now = MONDAY_UTC_0030
    _, round_ = _open_now(sessions, m)
    rep = people["UREP0"]

    def answer(value, at=now):
        with sessions.begin() as s:
            return answering.record_answer(SurveyRepository(s), m, round_id=round_.id, person_id=rep,
                                         question_id="enps", value=value, now=at).status

    assert answer(9) == "recorded"
    assert answer(9) == "unchanged"
    assert answer(3) == "recorded"
    assert m.refreshed[-1] == ("UREP0", {"enps": 3}, False)
    assert answer(10, at=now + timedelta(days=4)) == "closed"
    with pytest.raises(SurveyError):
        answer(11)


def test_closing_sends_results_to_the_manager_and_destroys_the_link_to_people(db):
    sessions, people = db
    m = FakeMessenger()
    now = MONDAY_UTC_0030
    _, round_ = _open_now(sessions, m)
    for i, value in enumerate([10, 9, 8, 5, 10]):
        with sessions.begin() as s:
            answering.record_answer(SurveyRepository(s), m, round_id=round_.id, person_id=people[f"UREP{i}"],
                                  question_id="enps", value=value, now=now)
    with sessions.begin() as s:
        closed = closing.close_due_rounds(SurveyRepository(s), m, now=now + timedelta(hours=73))
    assert [r.id for r in closed] == [round_.id]
    (manager, summary), = m.results
    assert manager == "UMGR"
    assert summary.respondents == 5 and summary.invited == 6
    assert summary.questions[0].enps.score == 40
    with sessions.begin() as s:
        repo = SurveyRepository(s)
        assert all(repo.token_of(round_.id, pid) is None for pid in people.values())


def test_fewer_than_five_respondents_withholds_everything(db):
    sessions, people = db
    survey_id = _create(sessions, MONDAY_UTC_0030)
    m = FakeMessenger()
    with sessions.begin() as s:
        round_ = service.open_round_now(SurveyRepository(s), m, survey_id=survey_id, now=MONDAY_UTC_0030)
        for i in range(4):
            answering.record_answer(SurveyRepository(s), m, round_id=round_.id, person_id=people[f"UREP{i}"],
                                  question_id="manager", value=5, now=MONDAY_UTC_0030)
    with sessions.begin() as s:
        closing.close_round_now(SurveyRepository(s), m, survey_id=survey_id, now=MONDAY_UTC_0030)
    (_, summary), = m.results
    assert summary.withheld and summary.questions == ()


@pytest.mark.parametrize(("field", "value", "message"), [
    ("question_ids", ["nope"], "unknown question id 'nope'"),
    ("cadence", "daily", "cadence 'daily' is not one of weekly"),
    ("weekday", "xyz", "day 'xyz' is not one of mon"),
    ("send_time", "9am", "time '9am' is not a local time HH:MM"),
    ("team", "Nobody", "team 'Nobody' is not in the roster"),
])
def test_create_refuses_bad_input_with_what_is_allowed(db, field, value, message):
    sessions, _ = db
    args = dict(team="Hunters", question_ids=["enps"], cadence="weekly", weekday="mon", send_time="09:00")
    args[field] = value
    with sessions.begin() as s, pytest.raises(SurveyError, match=message):
        service.create_survey(SurveyRepository(s), now=MONDAY_UTC_0030, **args)


def test_a_rotating_survey_asks_enps_every_round_and_moves_through_its_pool(db):
    sessions, _ = db
    pool = ["enps", "recognition", "feedback", "happiness", "growth", "wellness", "manager", "peers",
            "alignment", "quota_confidence", "quota_fairness", "crm_burden", "lead_quality", "deal_support"]
    with sessions.begin() as s:
        survey_id = service.create_survey(SurveyRepository(s), team="Hunters", question_ids=pool, cadence="weekly",
                                          weekday="mon", send_time="09:00", now=MONDAY_UTC_0030, rotate=True)
    m = FakeMessenger()
    asked = []
    for week in range(3):
        now = MONDAY_UTC_0030 + timedelta(days=7 * week)
        with sessions.begin() as s:
            round_ = service.open_round_now(SurveyRepository(s), m, survey_id=survey_id, now=now)
            closing.close_round_now(SurveyRepository(s), m, survey_id=survey_id, now=now)
        asked.append(round_.questions)
    assert all(r[0] == "enps" and len(r) == 2 for r in asked)
    assert len({r[1] for r in asked}) == 3


def test_a_fixed_survey_is_capped_at_ten_questions_and_says_how_to_use_more(db):
    sessions, _ = db
    with sessions.begin() as s, pytest.raises(SurveyError, match="rotating survey"):
        service.create_survey(SurveyRepository(s), team="Hunters", question_ids=[q.id for q in STARTER_BANK],
                              cadence="weekly", weekday="mon", send_time="09:00", now=MONDAY_UTC_0030)
