"""Replicas: exactly one process leads the scheduler (a PostgreSQL advisory lock); a kill -9 hands it over."""

import logging
import signal
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from conftest import eventually
from replica_fixtures import add_team_due_now, migrate_and_seed, posted_keys, replicas, survey_keys, up
from sqlalchemy import text

from bot.bootstrap import bootstrap
from bot.runtime.jobs import JOBS, make_scheduler
from bot.runtime.leader import Leadership
from bot.settings import Settings, SettingsError

pytestmark = pytest.mark.both_databases  # leadership through PostgreSQL advisory locks and SQLite's lock file

__all__ = ["replicas"]  # a fixture

POSTGRES_ONLY = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


def _roles(*running):
    return sorted(str(r.role()) for r in running)


@POSTGRES_ONLY
def test_killing_the_leader_hands_the_scheduler_over_and_every_effect_goes_out_once(replicas, database_url, slack):
    engine, sessions = migrate_and_seed(database_url)
    hunters = add_team_due_now(sessions, slack, team="Hunters", reps=3)
    a, b = replicas("a"), replicas("b")
    assert eventually(lambda: up(a) and up(b), timeout=20)
    assert eventually(lambda: _roles(a, b) == ["leader", "standby"], timeout=5), _roles(a, b)
    leader, standby = (a, b) if a.role() == "leader" else (b, a)
    assert eventually(lambda: len(survey_keys(slack, hunters)) == 3, timeout=10), posted_keys(slack)
    assert set(survey_keys(slack, hunters).values()) == {1}
    assert _roles(a, b) == ["leader", "standby"]  # still exactly one leader once the work is done

    # the standby is held still only so that the order is certain: kill -9, then new work, then it may take over
    standby.process.send_signal(signal.SIGSTOP)
    leader.process.kill()
    leader.process.wait(timeout=5)
    farmers = add_team_due_now(sessions, slack, team="Farmers", reps=3)  # due after the leader died
    standby.process.send_signal(signal.SIGCONT)
    resumed = time.monotonic()
    assert eventually(lambda: standby.role() == "leader", timeout=10), standby.log()
    handover = time.monotonic() - resumed
    assert handover < 5, f"the standby took {handover:.1f} s to lead"

    assert eventually(lambda: len(survey_keys(slack, farmers)) == 3, timeout=10), posted_keys(slack)
    assert set(survey_keys(slack, farmers).values()) == {1}
    assert set(survey_keys(slack, hunters).values()) == {1}  # the new leader's catch-up re-sent nothing
    assert max(posted_keys(slack).values()) == 1  # nothing either replica did reached Slack twice
    engine.dispose()


@POSTGRES_ONLY
def test_one_candidate_at_a_time_holds_the_lock_a_lost_connection_stops_it_and_closing_releases_it(database_url, slack):
    services = [bootstrap(Settings(database_url=database_url, slack_api_url=slack.api_url,
                                   slack_bot_token=slack.bot_token), migrate=i == 0) for i in range(2)]
    first, second = (Leadership(s, poll_seconds=0.3) for s in services)
    try:
        first.poll()
        second.poll()
        assert [s.scheduler_role for s in services] == ["leader", "standby"]
        assert first.still_leading() and not second.still_leading()
        with services[1].engine.connect() as conn:  # the leader's lock connection dies under it
            pid = conn.execute(text("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
                                    "AND classid::bigint = :high"), {"high": first.key >> 32}).scalar_one()
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            conn.commit()
        assert eventually(lambda: first.poll() or not first.leading, timeout=5)  # its scheduler is stopped
        assert services[0].scheduler_role == "standby"
        assert eventually(lambda: second.poll() or second.leading, timeout=5)  # the lock went with the backend
        first.poll()
        assert [s.scheduler_role for s in services] == ["standby", "leader"]
        second.close()  # a clean shutdown lets the lock go at once
        first.poll()
        assert [s.scheduler_role for s in services] == ["leader", "off"]
    finally:
        for leadership in (first, second):
            leadership.close()
        for s in services:
            s.close()
    assert [s.scheduler_role for s in services] == ["off", "off"]


def test_on_sqlite_the_single_process_leads_without_an_election(tmp_path, slack, caplog):
    services = bootstrap(Settings(database_url=f"sqlite:///{tmp_path}/one.db", slack_api_url=slack.api_url,
                                  slack_bot_token=slack.bot_token))
    stop = threading.Event()
    with caplog.at_level(logging.INFO, logger="bot.runtime.leader"):
        thread = threading.Thread(target=Leadership(services).run, args=(stop,))
        thread.start()
        assert eventually(lambda: services.scheduler_role == "leader", timeout=5)
        stop.set()
        thread.join(timeout=10)
    services.close()
    assert services.scheduler_role == "off"
    assert [r.getMessage() for r in caplog.records if r.name == "bot.runtime.leader"] == [
        "scheduler: leader (SQLite: no election; running several replicas needs PostgreSQL)"]


def test_the_leader_poll_interval_is_seconds_and_a_bad_one_is_named():
    assert Settings.from_env({}).leader_poll_seconds == 5
    assert Settings.from_env({"SALESCOACH_LEADER_POLL_SECONDS": "0.5"}).leader_poll_seconds == 0.5
    for bad in ("0", "soon", "301"):
        with pytest.raises(SettingsError) as refused:
            Settings.from_env({"SALESCOACH_LEADER_POLL_SECONDS": bad})
        assert str(refused.value) == (f"SALESCOACH_LEADER_POLL_SECONDS is {bad!r}: "
                                      "expected a number of seconds from 0.1 to 300, e.g. 5")


def test_a_new_leaders_scheduler_runs_every_job_at_once_then_on_its_interval(tmp_path, slack):
    services = bootstrap(Settings(database_url=f"sqlite:///{tmp_path}/one.db", slack_api_url=slack.api_url,
                                  slack_bot_token=slack.bot_token), migrate=False)
    catching_up, steady = make_scheduler(services, run_now=True), make_scheduler(services)
    for scheduler in (catching_up, steady):
        scheduler.start(paused=True)
    now = datetime.now(UTC)
    try:
        assert {job.id for job in catching_up.get_jobs()} == set(JOBS)
        assert all(job.next_run_time <= now for job in catching_up.get_jobs())
        assert all(job.next_run_time >= now + timedelta(seconds=20) for job in steady.get_jobs())
    finally:
        for scheduler in (catching_up, steady):
            scheduler.shutdown(wait=False)
        services.close()
