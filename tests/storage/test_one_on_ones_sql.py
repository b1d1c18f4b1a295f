"""OneOnOneStore in SQL, on SQLite and PostgreSQL: pairs, meetings, agenda items, last recognised and first seen;
and the one-on-one use cases over it, with a re-run job that sends nothing twice."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from conftest import seed_team
from sqlalchemy import select

from coaching.one_on_ones.meetings import Cadence, Meeting
from coaching.one_on_ones.prep import build_prep
from coaching.one_on_ones.service import add_item, record_outcome, send_one_on_one_nudges, set_one_on_one
from storage.crm.models import CrmActivity, CrmDeal
from storage.db import make_engine, make_sessions
from storage.followups.models import AgendaItem as ItemRow
from storage.followups.one_on_ones import OneOnOneRepository
from storage.models import Person
from storage.recognition.models import Kudos, KudosReceiver, Win

NOW = datetime(2026, 11, 17, 8, 0, tzinfo=UTC)  # Tuesday 17 November, 10:00 in Vilnius (the manager)


@pytest.fixture
def sessions(migrated_database_url):
    engine = make_engine(migrated_database_url)
    yield make_sessions(engine)
    engine.dispose()


@pytest.fixture
def ids(sessions) -> dict[str, int]:
    with sessions.begin() as session:
        return seed_team(session)


def weekly(anchor: date = date(2026, 11, 17)) -> Cadence:
    return Cadence("weekly", 0, time(10, 0), anchor)


def test_a_pair_is_set_once_per_manager_and_rep_and_replaced_when_set_again(sessions, ids):
    manager, rep = ids["UMGR"], ids["UREP5"]
    with sessions.begin() as session:
        repo = OneOnOneRepository(session)
        first = repo.set_pair(manager_id=manager, rep_id=rep, cadence=weekly(), now=NOW)
        second = repo.set_pair(manager_id=manager, rep_id=rep, cadence=Cadence("monthly", 2, time(15, 30),
                                                                                date(2026, 11, 18)), now=NOW)
    assert second.id == first.id
    with sessions.begin() as session:
        repo = OneOnOneRepository(session)
        assert repo.pairs() == [second] and repo.pair(first.id) == second
        assert repo.pair_of(manager_id=manager, rep_id=rep) == second
        assert repo.pair_of(manager_id=rep, rep_id=manager) is None
        assert second.cadence == Cadence("monthly", 2, time(15, 30), date(2026, 11, 18))
        session.get(Person, rep).active = False
    with sessions.begin() as session:
        assert OneOnOneRepository(session).pairs() == []  # someone left: no more nudges about them


def test_a_meetings_outcome_is_recorded_once_per_day_and_may_change(sessions, ids):
    with sessions.begin() as session:
        repo = OneOnOneRepository(session)
        pair = repo.set_pair(manager_id=ids["UMGR"], rep_id=ids["UREP1"], cadence=weekly(), now=NOW)
        repo.record_meeting(pair_id=pair.id, day=date(2026, 11, 23), outcome="skipped", moved_to=None,
                            recorded_by=ids["UMGR"], now=NOW)
        repo.record_meeting(pair_id=pair.id, day=date(2026, 11, 23), outcome="moved", moved_to=date(2026, 11, 24),
                            recorded_by=ids["UMGR"], now=NOW)
        repo.record_meeting(pair_id=pair.id, day=date(2026, 11, 30), outcome="held", moved_to=None,
                            recorded_by=ids["UREP1"], now=NOW)
    with sessions.begin() as session:
        assert OneOnOneRepository(session).meetings(pair_ids=[pair.id]) == [
            Meeting(pair.id, date(2026, 11, 23), "moved", date(2026, 11, 24)),
            Meeting(pair.id, date(2026, 11, 30), "held")]


def test_agenda_items_are_added_once_per_origin_completed_and_carried(sessions, ids):
    manager, rep = ids["UMGR"], ids["UREP2"]
    with sessions.begin() as session:
        repo = OneOnOneRepository(session)
        pair = repo.set_pair(manager_id=manager, rep_id=rep, cadence=weekly(), now=NOW)
        point = repo.add_item(pair_id=pair.id, author_id=rep, text="pricing", kind="talking_point", owner_id=None,
                              due=None, now=NOW, origin="trigger-1")
        again = repo.add_item(pair_id=pair.id, author_id=rep, text="pricing", kind="talking_point", owner_id=None,
                              due=None, now=NOW, origin="trigger-1")
        action = repo.add_item(pair_id=pair.id, author_id=manager, text="deck", kind="action", owner_id=rep,
                               due=date(2026, 11, 20), now=NOW)
        done = repo.add_item(pair_id=pair.id, author_id=manager, text="intro", kind="action", owner_id=manager,
                             due=None, now=NOW)
        repo.complete_item(item_id=done.id, now=NOW)
        repo.mark_carried(item_ids=[point.id])
    assert again == point
    with sessions.begin() as session:
        repo = OneOnOneRepository(session)
        items = repo.agenda_items(pair_ids=[pair.id])
        assert [(i.id, i.kind, i.carried, i.owner_id, i.due) for i in items] == [
            (point.id, "talking_point", True, None, None), (action.id, "action", False, rep, date(2026, 11, 20))]
        assert items[0].created_at == NOW
        finished = repo.item(done.id)
        assert finished is not None and finished.done
        assert session.scalar(select(ItemRow.done_at).where(ItemRow.id == done.id)) == NOW


def test_last_recognised_is_the_later_of_kudos_received_and_wins(sessions, ids):
    kudos_only, win_only, both, neither = ids["UREP0"], ids["UREP1"], ids["UREP2"], ids["UREP3"]
    with sessions.begin() as session:
        for n, (person, at) in enumerate([(kudos_only, datetime(2026, 10, 1, 23, tzinfo=UTC)),
                                          (both, datetime(2026, 11, 2, tzinfo=UTC)),
                                          (kudos_only, datetime(2026, 9, 1, tzinfo=UTC))]):
            kudos = Kudos(key=f"k{n}", giver_id=ids["UMGR"], message="thanks", created_at=at)
            session.add(kudos)
            session.flush()
            session.add(KudosReceiver(kudos_id=kudos.id, person_id=person, created_at=at))
        session.add_all([Win(source="logged", rep_id=win_only, occurred_on=date(2026, 10, 5), created_at=NOW,
                             origin="w1"),
                         Win(source="logged", rep_id=both, occurred_on=date(2026, 11, 9), created_at=NOW,
                             origin="w2")])
    with sessions.begin() as session:
        found = OneOnOneRepository(session).last_recognised(rep_ids=[kudos_only, win_only, both, neither])
    assert found == {kudos_only: date(2026, 10, 1), win_only: date(2026, 10, 5), both: date(2026, 11, 9),
                     neither: None}


def test_a_rep_is_first_seen_at_their_earliest_activity_or_deal(sessions, ids):
    with sessions.begin() as session:
        day = date(2026, 3, 4)
        session.add(CrmActivity(rep_id=ids["UREP0"], day=day, week_start=date(2026, 3, 2), month=date(2026, 3, 1),
                                kind="call", count=1))
        session.add(CrmDeal(external_id="D-1", owner_id=ids["UREP0"], stage="Demo", outcome="open",
                            created_on=date(2026, 2, 1), updated_at=NOW))
        session.add(CrmDeal(external_id="D-2", owner_id=ids["UREP1"], stage="Demo", outcome="open",
                            engaged_on=date(2026, 5, 1), updated_at=NOW))
    with sessions.begin() as session:
        found = OneOnOneRepository(session).started_on(rep_ids=[ids["UREP0"], ids["UREP1"], ids["UREP2"]])
    assert found == {ids["UREP0"]: date(2026, 2, 1), ids["UREP1"]: date(2026, 5, 1)}


class Recorder:
    def __init__(self) -> None:
        self.sent: list[tuple[str, int, str]] = []

    def send_one_on_one_reminder(self, person, reminder, agenda, prep) -> None:
        self.sent.append(("reminder", person.person_id, reminder.key))
        self.agenda = agenda

    def ask_one_on_one_outcome(self, manager, prompt) -> None:
        self.sent.append(("outcome", manager.person_id, prompt.key))

    def send_one_on_one_overdue(self, manager, overdue) -> None:
        self.sent.append(("overdue", manager.person_id, overdue.key))

    def send_recognition_gap(self, manager, gap) -> None:
        self.sent.append(("gap", manager.person_id, gap.key))


class NoData:
    def prep(self, *, rep_id, manager_id, since, today):
        return build_prep(rep_id=rep_id, since=since, today=today, kpis={}, stale_deals=0, recent_wins=0,
                          recent_kudos=0, last_recognised_on=None, team_sentiment=None)


def test_one_on_one_nudges_over_sql_are_sent_once_and_carry_the_agenda(sessions, ids):
    manager, rep = ids["UMGR"], ids["UREP5"]  # Vilnius and Auckland
    with sessions.begin() as session:
        repo = OneOnOneRepository(session)
        pair = set_one_on_one(repo, manager_id=manager, rep_id=rep, cadence="weekly", weekday="mon", at="10:00",
                              now=NOW)
        add_item(repo, author_id=rep, other_id=manager, text="pricing", now=NOW, origin="v1")
    messenger = Recorder()
    friday = datetime(2026, 11, 20, 7, 0, tzinfo=UTC)  # 09:00 in Vilnius; Friday 20:00 in Auckland
    # Monday 09:00 in Auckland, where the meeting is at 21:00: no job ran in the rep's Friday working hours, so
    # the reminder comes now, still before the meeting.
    sunday = datetime(2026, 11, 22, 20, 0, tzinfo=UTC)
    for now in (friday, friday + timedelta(minutes=5), sunday, sunday + timedelta(minutes=5)):
        with sessions.begin() as session:
            send_one_on_one_nudges(OneOnOneRepository(session), messenger, NoData(), now=now)
    assert messenger.sent == [("reminder", manager, f"1on1:{pair.id}:2026-11-23:reminder:{manager}"),
                              ("reminder", rep, f"1on1:{pair.id}:2026-11-23:reminder:{rep}")]
    assert [i.text for i in messenger.agenda.added] == ["pricing"]
    with sessions.begin() as session:
        record_outcome(OneOnOneRepository(session), pair_id=pair.id, meeting_on=date(2026, 11, 23), outcome="held",
                       person_id=manager, now=datetime(2026, 11, 23, 9, tzinfo=UTC))
    with sessions.begin() as session:
        [item] = OneOnOneRepository(session).agenda_items(pair_ids=[pair.id])
    assert item.carried
