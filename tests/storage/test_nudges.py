"""NudgeStore in SQL, on SQLite and PostgreSQL: open deals for follow-up (with logged activities), snoozes and
mutes, the nudge log, Done activities, thresholds and holidays; and a re-run nudge job that sends nothing twice."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from conftest import seed_team
from sqlalchemy import func, select

from coaching.followups.rules import FollowupRules, Mute, Snooze, Threshold
from coaching.followups.service import send_rep_nudges
from storage.crm.models import CrmAccount, CrmActivity, CrmDeal
from storage.db import make_engine, make_sessions
from storage.followups.models import NudgeLog
from storage.followups.repository import NudgeRepository
from storage.models import Holiday, Person, Team

# Monday 23 November 2026, 09:30 in Auckland (UREP5)
NOW = datetime(2026, 11, 22, 20, 30, tzinfo=UTC)


@pytest.fixture
def sessions(migrated_database_url):
    engine = make_engine(migrated_database_url)
    yield make_sessions(engine)
    engine.dispose()


@pytest.fixture
def ids(sessions) -> dict[str, int]:
    """The seeded team, two accounts and four deals of UREP5 (Auckland) and UREP4 (Los Angeles)."""
    with sessions.begin() as session:
        people = seed_team(session)
        acme, globex = CrmAccount(name="Acme"), CrmAccount(name="Globex")
        session.add_all([acme, globex])
        session.flush()
        rep, other = people["UREP5"], people["UREP4"]
        deals = {
            "big": _deal("D-1", rep, acme.id, 9000.0, "open", last_activity_on=date(2026, 9, 1)),
            "small": _deal("D-2", rep, globex.id, 100.0, "open", next_step_on=date(2026, 11, 20)),
            "won": _deal("D-3", rep, acme.id, 5000.0, "won"),
            "theirs": _deal("D-4", other, acme.id, 700.0, "open"),
        }
        session.add_all(deals.values())
        session.flush()
        return {**people, **{k: d.id for k, d in deals.items()}, "acme": acme.id, "globex": globex.id}


def _deal(external_id: str, owner: int, account: int, amount: float, outcome: str, **fields) -> CrmDeal:
    values = {"stage": "Proposal", "stage_changed_on": date(2026, 11, 1), "updated_at": NOW, **fields}
    return CrmDeal(external_id=external_id, owner_id=owner, account_id=account, amount=amount, outcome=outcome,
                   **values)


def _activity(rep: int, day: date, account: int | None) -> CrmActivity:
    return CrmActivity(rep_id=rep, day=day, week_start=day - timedelta(days=day.weekday()), month=day.replace(day=1),
                       kind="call", count=1, account_id=account)


def test_open_deals_of_the_reps_asked_for_largest_first_with_account_names(sessions, ids):
    with sessions.begin() as session:
        deals = NudgeRepository(session).open_deals(owner_ids=[ids["UREP5"]])
    assert [(d.deal_id, d.account_name, d.amount) for d in deals] == [(ids["big"], "Acme", 9000.0),
                                                                      (ids["small"], "Globex", 100.0)]
    assert deals[1].next_step_on == date(2026, 11, 20) and deals[0].stage_changed_on == date(2026, 11, 1)


def test_last_activity_is_the_later_of_the_crm_date_and_the_owners_logged_activity_on_the_account(sessions, ids):
    with sessions.begin() as session:
        session.add_all([_activity(ids["UREP5"], date(2026, 11, 10), ids["acme"]),
                         _activity(ids["UREP4"], date(2026, 11, 21), ids["acme"]),  # someone else's call
                         _activity(ids["UREP5"], date(2026, 8, 1), ids["globex"])])
    with sessions.begin() as session:
        repo = NudgeRepository(session)
        by_id = {d.deal_id: d for d in repo.open_deals(owner_ids=[ids["UREP5"], ids["UREP4"]])}
    assert by_id[ids["big"]].last_activity_on == date(2026, 11, 10)
    assert by_id[ids["small"]].last_activity_on == date(2026, 8, 1)
    assert by_id[ids["theirs"]].last_activity_on == date(2026, 11, 21)


def test_a_snooze_replaces_the_last_one_and_never_lifts_a_mute(sessions, ids):
    big, small = ids["big"], ids["small"]
    with sessions.begin() as session:
        repo = NudgeRepository(session)
        repo.hold(deal_id=big, rule="no_activity", fingerprint="a", until=None, now=NOW)
        repo.hold(deal_id=big, rule="no_activity", fingerprint="b", until=NOW + timedelta(days=3), now=NOW)
        repo.mute(deal_id=small, rule="next_step_overdue", now=NOW)
        repo.hold(deal_id=small, rule="next_step_overdue", fingerprint="c", until=None, now=NOW)
    with sessions.begin() as session:
        repo = NudgeRepository(session)
        assert repo.snoozes(deal_ids=[big, small]) == [Snooze(big, "no_activity", "b", NOW + timedelta(days=3))]
        assert repo.mutes(deal_ids=[big, small]) == [Mute(small, "next_step_overdue")]
        assert repo.snoozes(deal_ids=[]) == [] and repo.mutes(deal_ids=[big]) == []


def test_the_nudge_log_records_a_key_once_and_reads_keys_since_a_moment(sessions, ids):
    rep = ids["UREP5"]
    with sessions.begin() as session:
        repo = NudgeRepository(session)
        assert repo.record_sent(person_id=rep, local_date=date(2026, 11, 23), key="nudge:1:2026-11-23", now=NOW)
        assert not repo.record_sent(person_id=rep, local_date=date(2026, 11, 23), key="nudge:1:2026-11-23",
                                    now=NOW + timedelta(hours=1))
        repo.record_sent(person_id=rep, local_date=date(2026, 11, 13), key="old", now=NOW - timedelta(days=10))
    with sessions.begin() as session:
        assert NudgeRepository(session).sent_keys(since=NOW - timedelta(days=8)) == {"nudge:1:2026-11-23"}


def test_done_logs_one_activity_per_deal_and_day_and_moves_last_activity_up_only(sessions, ids):
    big = ids["big"]
    with sessions.begin() as session:
        repo = NudgeRepository(session)
        before = repo.deal(big)
        after = repo.log_activity(deal_id=big, day=date(2026, 11, 23), now=NOW)
        repo.log_activity(deal_id=big, day=date(2026, 11, 23), now=NOW)  # a retried click
        older = repo.log_activity(deal_id=big, day=date(2026, 10, 1), now=NOW)
    assert before is not None and after is not None and older is not None
    assert after.last_activity_on == date(2026, 11, 23) and after.fingerprint != before.fingerprint
    assert older.last_activity_on == date(2026, 11, 23)
    with sessions.begin() as session:
        rows = session.execute(select(CrmActivity.rep_id, CrmActivity.day, CrmActivity.kind, CrmActivity.account_id,
                                      CrmActivity.week_start)).all()
        assert sorted(rows) == [(ids["UREP5"], date(2026, 10, 1), "other", ids["acme"], date(2026, 9, 28)),
                                (ids["UREP5"], date(2026, 11, 23), "other", ids["acme"], date(2026, 11, 23))]
        assert session.get(CrmDeal, big).last_activity_on == date(2026, 11, 23)
        assert NudgeRepository(session).log_activity(deal_id=999, day=date(2026, 11, 23), now=NOW) is None


def test_thresholds_are_stored_per_team_and_stage_and_replaced_when_set_again(sessions, ids):
    with sessions.begin() as session:
        team = session.scalar(select(Team.id))
        repo = NudgeRepository(session)
        repo.set_threshold(Threshold(None, None, stale_after_days=21))
        repo.set_threshold(Threshold(team, "Proposal", stale_after_days=5))
        repo.set_threshold(Threshold(team, "proposal", stale_after_days=3, stall_after_days=9))
    with sessions.begin() as session:
        stored = NudgeRepository(session).thresholds()
    assert stored == [Threshold(None, None, 21, None), Threshold(team, "proposal", 3, 9)]
    rules = FollowupRules().with_thresholds(stored)
    assert rules.for_team(team).stale_after("Proposal") == 3 and rules.stale_after("Proposal") == 21


def test_holidays_by_team_include_everyones_and_people_are_the_active_ones(sessions, ids):
    with sessions.begin() as session:
        team = session.scalar(select(Team.id))
        other = Team(name="Farmers")
        session.add(other)
        session.flush()
        session.add_all([Holiday(day=date(2026, 12, 25), team_id=None, name="Christmas"),
                         Holiday(day=date(2026, 11, 26), team_id=team, name="Thanksgiving")])
        session.get(Person, ids["UREP0"]).active = False
    with sessions.begin() as session:
        repo = NudgeRepository(session)
        assert repo.holidays() == {team: {date(2026, 12, 25), date(2026, 11, 26)}, other.id: {date(2026, 12, 25)}}
        people = repo.people()
        assert ids["UREP0"] not in [p.person_id for p in people] and repo.person(ids["UREP0"]) is None
        auckland = repo.person(ids["UREP5"])
    assert auckland is not None and (auckland.tz, auckland.manager_id, auckland.role) == (
        "Pacific/Auckland", ids["UMGR"], "rep")


class Recorder:
    def __init__(self) -> None:
        self.sent: list[tuple[int, str, list[int]]] = []

    def send_rep_nudge(self, rep, nudge) -> None:
        self.sent.append((rep.person_id, nudge.key, [i.deal.deal_id for i in nudge.items]))

    def send_followup_digest(self, manager, digest) -> None:
        raise AssertionError("not expected")


def test_a_rerun_nudge_job_over_sql_sends_nothing_twice(sessions, ids):
    messenger = Recorder()
    for now in (NOW, NOW + timedelta(minutes=1), NOW + timedelta(days=1)):
        with sessions.begin() as session:
            send_rep_nudges(NudgeRepository(session), messenger, now=now)
    auckland, los_angeles = ids["UREP5"], ids["UREP4"]  # Los Angeles reaches Monday morning a day later in UTC
    assert messenger.sent == [(auckland, f"nudge:{auckland}:2026-11-23", [ids["big"], ids["small"]]),
                              (los_angeles, f"nudge:{los_angeles}:2026-11-23", [ids["theirs"]])]
    with sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(NudgeLog)) == 5
        quiet = NudgeRepository(session).snoozes(deal_ids=[ids["big"], ids["small"]])
    assert {(s.deal_id, s.rule, s.until) for s in quiet} == {(ids["big"], "no_activity", None),
                                                              (ids["small"], "next_step_overdue", None),
                                                              (ids["small"], "no_activity", None)}
