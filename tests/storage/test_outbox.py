"""The outbox: one row per key, and a retry knows whether the previous attempt may have reached Slack."""

from datetime import UTC, datetime, timedelta

from storage.db import make_engine, make_sessions
from storage.outbox import Outbox, Outcome, Queued

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
LEASE = timedelta(minutes=2)


def _outbox(url):
    engine = make_engine(url)
    return engine, make_sessions(engine)


def test_the_same_key_is_enqueued_once(migrated_database_url):
    engine, sessions = _outbox(migrated_database_url)
    with sessions.begin() as s:
        assert Outbox(s).enqueue("survey:1:1", "chat.postMessage", {"channel": "U1"}, now=NOW, person_id=None)
        assert not Outbox(s).enqueue("survey:1:1", "chat.postMessage", {"channel": "U1"}, now=NOW, person_id=None)
        assert Outbox(s).counts() == {"pending": 1}
    engine.dispose()


def test_a_batch_enqueues_each_new_key_once_and_skips_keys_already_there(migrated_database_url):
    engine, sessions = _outbox(migrated_database_url)
    batch = [Queued(f"survey:1:{i}", "chat.postMessage", {"channel": f"U{i}"}, None) for i in range(3)]
    with sessions.begin() as s:
        Outbox(s).enqueue("survey:1:1", "chat.postMessage", {"channel": "U1"}, now=NOW, person_id=None)
        Outbox(s).enqueue_many(batch, now=NOW)
        Outbox(s).enqueue_many(batch, now=NOW)  # a re-run job (or a second replica) adds nothing
    with sessions.begin() as s:
        assert Outbox(s).existing([q.key for q in batch]) == {"survey:1:0", "survey:1:1", "survey:1:2"}
        assert Outbox(s).counts() == {"pending": 3}
        assert [r.payload for r in Outbox(s).claim(now=NOW, limit=10, lease=LEASE)] == [
            {"channel": "U1"}, {"channel": "U0"}, {"channel": "U2"}]
    engine.dispose()


def test_only_a_crash_or_a_dropped_answer_counts_as_may_have_landed(migrated_database_url):
    engine, sessions = _outbox(migrated_database_url)
    with sessions.begin() as s:
        Outbox(s).enqueue("k", "chat.postMessage", {"channel": "U1"}, now=NOW, person_id=None)
    with sessions.begin() as s:
        (first,) = Outbox(s).claim(now=NOW, limit=10, lease=LEASE)
        assert not first.may_have_landed
        Outbox(s).retry(first.id, at=NOW, error="ratelimited")  # Slack answered: it did not post
    with sessions.begin() as s:
        (second,) = Outbox(s).claim(now=NOW, limit=10, lease=LEASE)
        assert not second.may_have_landed
        # this attempt crashes: nothing is recorded and the lease runs out
    with sessions.begin() as s:
        (third,) = Outbox(s).claim(now=NOW + LEASE, limit=10, lease=LEASE)
        assert third.may_have_landed
        Outbox(s).retry(third.id, at=NOW + LEASE, error="uncertain: ConnectionResetError()")
    with sessions.begin() as s:
        (fourth,) = Outbox(s).claim(now=NOW + LEASE, limit=10, lease=LEASE)
        assert fourth.may_have_landed and fourth.attempts == 4
    engine.dispose()


def test_a_late_release_retry_or_failure_leaves_the_row_to_the_worker_that_took_it_over(migrated_database_url):
    engine, sessions = _outbox(migrated_database_url)
    statuses = ("released", "retry", "failed")
    with sessions.begin() as s:
        for status in statuses:
            Outbox(s).enqueue(status, "chat.postMessage", {"channel": "U1"}, now=NOW, person_id=None)
    with sessions.begin() as s:
        slow = Outbox(s).claim(now=NOW, limit=10, lease=LEASE)
    with sessions.begin() as s:  # the slow worker's lease ran out: another worker takes the rows over
        other = Outbox(s).claim(now=NOW + LEASE, limit=10, lease=LEASE)
    with sessions.begin() as s:  # the slow worker records what it did with them, too late
        Outbox(s).settle([Outcome(row.id, row.key, at=NOW, error="late", lease=row.leased_until) for row in slow])
    with sessions.begin() as s:  # the other worker still holds every row: nobody else can take one
        assert Outbox(s).counts() == {"pending": 3}
        assert Outbox(s).claim(now=NOW + LEASE, limit=10, lease=LEASE) == []
        Outbox(s).settle([Outcome(row.id, "sent", at=NOW + LEASE, channel="D1", ts=f"1.{row.id}",
                                  lease=row.leased_until) for row in other])
        assert Outbox(s).counts() == {"sent": 3}
    engine.dispose()


def test_a_due_retry_is_claimed_before_rows_never_tried_even_those_queued_before_it(migrated_database_url):
    engine, sessions = _outbox(migrated_database_url)
    with sessions.begin() as s:
        Outbox(s).enqueue_many([Queued(f"survey:1:{i}", "chat.postMessage", {"channel": f"U{i}"}, None)
                                for i in range(6)], now=NOW)
    with sessions.begin() as s:
        first, second = Outbox(s).claim(now=NOW, limit=2, lease=LEASE)
        Outbox(s).settle([Outcome(first.id, "retry", at=NOW + timedelta(seconds=2), error="uncertain: timeout",
                                  lease=first.leased_until),
                          Outcome(second.id, "sent", at=NOW, channel="D1", ts="1.0")])
    with sessions.begin() as s:  # not due yet: the fan-out goes on in order
        assert [r.key for r in Outbox(s).claim(now=NOW + timedelta(seconds=1), limit=2, lease=LEASE)] == [
            "survey:1:2", "survey:1:3"]
    with sessions.begin() as s:  # due: ahead of the rows never tried, though they were queued before its retry time
        retried, *rest = Outbox(s).claim(now=NOW + timedelta(seconds=2), limit=2, lease=LEASE)
        assert (retried.key, retried.may_have_landed, [r.key for r in rest]) == ("survey:1:0", True, ["survey:1:4"])
    engine.dispose()


def test_the_key_queued_last_for_a_person_and_a_method_is_found_whatever_the_collation(migrated_database_url):
    from conftest import seed_team

    engine, sessions = _outbox(migrated_database_url)
    with sessions.begin() as s:
        ids = seed_team(s, reps=2)
        rep, other = ids["UREP0"], ids["UREP1"]
        box = Outbox(s)
        assert box.last_key(rep, "views.publish") is None
        box.enqueue("home:UREP0:bbb:1", "views.publish", {}, now=NOW, person_id=rep)
        box.enqueue("home:UREP0:aaa:2", "views.publish", {}, now=NOW, person_id=rep)  # sorts first, queued last
        box.enqueue("survey:1:1", "chat.postMessage", {}, now=NOW, person_id=rep)
        box.enqueue("home:UREP1:ccc:7", "views.publish", {}, now=NOW, person_id=other)
    with sessions.begin() as s:
        assert Outbox(s).last_key(rep, "views.publish") == "home:UREP0:aaa:2"
        assert Outbox(s).last_key(other, "views.publish") == "home:UREP1:ccc:7"
    engine.dispose()
