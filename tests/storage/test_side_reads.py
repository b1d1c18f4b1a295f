"""Reads shared with a second connection give exactly the rows one connection would, and never rows from another
snapshot of the KPI data than the transaction's own."""

import threading
from datetime import date

import pytest
from conftest import seed_team
from sqlalchemy import event, func, insert, literal, select

from storage.crm.models import CrmActivity
from storage.db import make_engine, make_sessions, reading_engine
from storage.side_reads import read_all

A = CrmActivity


def _activity(rep_id: int, count: int) -> dict[str, object]:
    day = date(2026, 11, 2)
    return {"rep_id": rep_id, "day": day, "week_start": day, "month": day.replace(day=1), "kind": "call",
            "count": count}


@pytest.fixture
def reps(sessions) -> list[int]:
    with sessions.begin() as session:
        return [i for key, i in seed_team(session, reps=40, slack_ids=False).items() if key != "UMGR"]


@pytest.fixture
def sessions(migrated_database_url):
    engine = make_engine(migrated_database_url)
    yield make_sessions(engine)
    engine.dispose()


def _statements(reps: list[int]) -> list:
    """One statement per rep, each made to count to 20,000 first, so that both connections have work to take."""
    n = select(literal(1).label("i")).cte("n", recursive=True)
    n = n.union_all(select(n.c.i + 1).where(n.c.i < 20_000))
    work = select(func.count()).select_from(n).scalar_subquery()
    return [select(A.rep_id, func.sum(A.count), work).where(A.rep_id == r).group_by(A.rep_id) for r in reps]


@pytest.fixture
def threads(sessions):
    """The names of the threads that ran each statement on activities."""
    names: list[str] = []
    engine = sessions.kw["bind"]

    def note(_conn, _cursor, statement, *args):
        if "crm_activity" in statement:
            names.append(threading.current_thread().name)
    event.listen(engine, "before_cursor_execute", note)
    yield names
    event.remove(engine, "before_cursor_execute", note)


def test_statements_read_on_two_connections_give_each_its_own_rows_in_order(sessions, reps, threads):
    with sessions.begin() as session:
        session.execute(insert(A), [_activity(n, n * 10) for n in reps])
    threads.clear()
    with make_sessions(reading_engine(sessions.kw["bind"])).begin() as session:
        rows = read_all(session, _statements(reps))
    assert [[tuple(r) for r in found] for found in rows] == [[(n, n * 10, 20_000)] for n in reps]
    assert any(name.startswith("side-reads") for name in threads)  # the second connection took its share


def test_a_transaction_that_changed_kpi_data_reads_its_own_changes_in_every_statement(sessions, reps, threads):
    with sessions.begin() as session:
        session.execute(insert(A), [_activity(n, 1) for n in reps])
    with sessions.begin() as session:
        session.execute(insert(A), [_activity(n, 1000) for n in reps])  # not committed: no other connection sees it
        threads.clear()
        rows = read_all(session, _statements(reps))
        assert [found[0][1] for found in rows] == [1001] * 40  # none read on a connection that cannot see it
        assert len(threads) == 40 and not any(name.startswith("side-reads") for name in threads)
        session.rollback()


def test_a_change_committed_by_another_connection_meanwhile_is_not_mixed_in(sessions, reps):
    with sessions.begin() as session:
        session.execute(insert(A), [_activity(n, 1) for n in reps])
    with make_sessions(reading_engine(sessions.kw["bind"])).begin() as session:
        before = read_all(session, _statements(reps)[:1])  # this transaction's snapshot starts here
        with sessions.begin() as other:
            other.execute(insert(A), [_activity(n, 5) for n in reps])
        rows = read_all(session, _statements(reps))
    assert before[0][0][1] == 1
    assert [found[0][1] for found in rows] == [1] * 40  # every statement, on either connection, from before it


def test_a_transaction_that_may_see_a_new_snapshot_at_each_statement_reads_on_its_own_connection(sessions, reps,
                                                                                                  threads):
    with sessions.begin() as session:
        session.execute(insert(A), [_activity(n, 1) for n in reps])
    threads.clear()
    with sessions.begin() as session:  # PostgreSQL's default, READ COMMITTED: a second snapshot proves nothing
        rows = read_all(session, _statements(reps))
    assert [found[0][1] for found in rows] == [1] * 40
    if session.get_bind().dialect.name == "postgresql":
        assert not any(name.startswith("side-reads") for name in threads)
