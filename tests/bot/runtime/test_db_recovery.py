"""PostgreSQL drops every connection of a running `salescoach serve --http`: requests, delivery, leadership recover."""

from datetime import UTC, datetime

import pytest
from conftest import eventually
from replica_fixtures import add_team_due_now, migrate_and_seed, posted_keys, replicas, up
from sqlalchemy import text

from bot.runtime.jobs import JOBS
from bot.slack_double import SlackActor
from storage.outbox import Outbox

__all__ = ["replicas"]  # a fixture

pytestmark = [pytest.mark.parametrize("database_url", ["postgresql"], indirect=True), pytest.mark.both_databases]
REFUSAL = "Only managers and admins in the roster can create pulse surveys."
LOCK_HOLDER = text("SELECT l.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                   "WHERE l.locktype = 'advisory' AND l.granted AND a.application_name = :name")


def test_killed_backends_are_replaced_and_the_service_keeps_answering_delivering_and_leading(
        replicas, database_url, slack):
    engine, sessions = migrate_and_seed(database_url)
    add_team_due_now(sessions, slack, team="Hunters", reps=1)  # a rep, UHUN0, and a survey for the leader
    served = replicas("a")
    assert eventually(lambda: up(served) and served.role() == "leader", timeout=20), served.log()
    slack.add_user("stranger", id="USTRANGER")
    actor = SlackActor(slack, f"{served.base}/slack/events")
    assert actor.slash_command(None, "/pulse", user_id="USTRANGER").text == REFUSAL
    assert eventually(lambda: _caught_up(served, terms=1), timeout=10), served.log()  # the kill lands between runs

    def lock_holder():  # a transaction of its own each time: pg_stat_activity is a snapshot per transaction
        with engine.connect() as conn:
            return conn.execute(LOCK_HOLDER, {"name": served.app_name}).scalar()

    holder = lock_holder()
    with engine.connect() as conn:
        pids = conn.execute(text("SELECT pid FROM pg_stat_activity WHERE application_name = :name"),
                            {"name": served.app_name}).scalars().all()
        killed = {pid for pid in pids  # one at a time: only this process's backends, never anyone else's
                  if conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()}
    assert holder in killed and len(killed) >= 2, killed  # the lock's own connection and pooled ones

    # (a) signed requests and the health check are answered from fresh connections
    assert eventually(lambda: (served.health() or {}).get("status") == "ok", timeout=5)
    assert actor.slash_command(None, "/pulse", user_id="USTRANGER").text == REFUSAL

    # (c) the leader notices its lock connection is gone, stops its scheduler, and leads again on a new backend
    assert eventually(lambda: "the leader lock's database connection was lost" in served.log(), timeout=5)
    assert eventually(lambda: lock_holder() not in (None, holder), timeout=5), served.log()
    assert served.role() == "leader"
    assert eventually(lambda: _caught_up(served, terms=2), timeout=10), served.log()  # the new term's first runs

    # (b) the delivery worker still runs: a row queued now goes out long before the scheduler's 30 s backstop
    with sessions.begin() as session:
        Outbox(session).enqueue("recovery:probe", "chat.postMessage",
                                {"channel": "UHUN0", "text": "still here"}, now=datetime.now(UTC), person_id=None)
    assert eventually(lambda: posted_keys(slack)["recovery:probe"] == 1, timeout=5), served.log()
    assert max(posted_keys(slack).values()) == 1
    engine.dispose()


def _caught_up(replica, *, terms: int) -> bool:
    """Every job has run once in each of `terms` terms as leader (a new leader runs each job at once)."""
    log = replica.log()
    return all(log.count(f"job {name} at ") >= terms for name in JOBS)
