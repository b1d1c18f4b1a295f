"""Kudos over a real database: once per Slack request, the weekly cap, no self-kudos, company values, history,
the weekly shout-out and the manager's private note once per team and week, and who was recognised when."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from conftest import seed_team
from sqlalchemy import func, select, update

from coaching.recognition.kudos import CompanyValue, KudosError
from coaching.recognition.service import (
    company_values,
    give_kudos,
    give_kudos_from_modal,
    kudos_history,
    post_shout_outs,
    set_company_value,
)
from storage.db import make_engine, make_sessions
from storage.models import Person, Team
from storage.recognition.models import Kudos, KudosReceiver
from storage.recognition.repository import (
    RecognitionError,
    RecognitionRepository,
    last_recognised,
    recent_recognition,
    set_recognition_channel,
)

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class FakeMessenger:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []  # (what, key, where)

    def post_win(self, win, *, channel, locale):
        self.sent.append(("win", win.key, channel))

    def post_milestone(self, milestone, *, channel, locale):
        self.sent.append(("milestone", milestone.key, channel))

    def post_kudos(self, kudos, *, channel, locale):
        self.sent.append(("kudos", kudos.post_key(channel), channel))

    def dm_kudos(self, kudos, *, receiver):
        self.sent.append(("dm", kudos.dm_key(receiver), receiver.slack_id))

    def post_shout_out(self, shout_out, *, channel, locale):
        self.sent.append(("shout-out", shout_out.key, channel))

    def dm_quiet_note(self, note):
        self.sent.append(("quiet", note.key, note.manager.slack_id))


@pytest.fixture
def sessions(migrated_database_url):
    """A manager (UMGR, Europe/Vilnius) and six reps UREP0..UREP5 in team Hunters, posting to C0HUNTERS."""
    engine = make_engine(migrated_database_url)
    made = make_sessions(engine)
    with made.begin() as session:
        seed_team(session, reps=6)
        session.execute(Team.__table__.update().values(channel_id="C0HUNTERS"))
    yield made
    engine.dispose()


@pytest.fixture
def messenger():
    return FakeMessenger()


def give(sessions, messenger, text, *, giver="UREP0", key="trigger-1", now=MONDAY, cap=5):
    with sessions.begin() as session:
        return give_kudos(RecognitionRepository(session), messenger, giver=giver, text=text, key=key, now=now,
                          cap=cap)


def refused(sessions, messenger, text, **kwargs) -> KudosError:
    with pytest.raises(KudosError) as caught:
        give(sessions, messenger, text, **kwargs)
    return caught.value


def stored_kudos(sessions) -> int:
    with sessions.begin() as session:
        return session.scalar(select(func.count()).select_from(Kudos)) or 0


def test_a_kudos_is_posted_to_the_team_channel_and_dmed_to_each_receiver(sessions, messenger):
    outcome = give(sessions, messenger, "<@UREP1|rep1> <@UREP2> #teamwork covered my demo")
    assert [r.slack_id for r in outcome.kudos.receivers] == ["UREP1", "UREP2"]
    assert (outcome.kudos.value, outcome.kudos.message) == ("teamwork", "covered my demo")
    assert outcome.allowance is not None and outcome.allowance.remaining == 3
    k = outcome.kudos.id
    assert messenger.sent == [("kudos", f"kudos:{k}:C0HUNTERS", "C0HUNTERS"), ("dm", f"kudos:{k}:dm:3", "UREP1"),
                              ("dm", f"kudos:{k}:dm:4", "UREP2")]


def test_a_slack_retry_of_the_same_command_records_and_posts_nothing_more(sessions, messenger):
    first = give(sessions, messenger, "<@UREP1> thanks")
    again = give(sessions, messenger, "<@UREP1> thanks")
    assert again.duplicate and again.kudos == first.kudos
    assert stored_kudos(sessions) == 1 and len(messenger.sent) == 2


def test_self_kudos_is_refused_and_nothing_is_recorded(sessions, messenger):
    assert refused(sessions, messenger, "<@UREP0> I closed it myself").code == "self_kudos"
    assert stored_kudos(sessions) == 0 and messenger.sent == []


def test_the_cap_counts_each_receiver_and_refuses_the_kudos_past_it(sessions, messenger):
    give(sessions, messenger, "<@UREP1> <@UREP2> <@UREP3> thanks", key="k1")
    error = refused(sessions, messenger, "<@UREP4> <@UREP5> <@UMGR> thanks", key="k2")
    assert (error.code, error.params["remaining"]) == ("over_cap", 2)
    assert give(sessions, messenger, "<@UREP4> <@UREP5> thanks", key="k3").allowance.remaining == 0
    error = refused(sessions, messenger, "<@UMGR> thanks", key="k4")
    assert error.code == "cap_reached" and error.params["renews_on"] == date(2026, 11, 30)
    assert stored_kudos(sessions) == 2


def test_the_cap_renews_at_the_givers_local_monday(sessions, messenger):
    give(sessions, messenger, "<@UREP1> <@UREP2> <@UREP3> <@UREP4> <@UREP5> thanks", key="k1")
    # UREP0 is in Kuala Lumpur (UTC+8): Sunday 16:30 UTC is already Monday there.
    sunday = datetime(2026, 11, 29, 15, 59, tzinfo=UTC)
    assert refused(sessions, messenger, "<@UREP1> again", key="k2", now=sunday).code == "cap_reached"
    assert give(sessions, messenger, "<@UREP1> again", key="k3", now=sunday + timedelta(minutes=2)).kudos


def test_a_receiver_not_in_the_roster_is_named_in_the_refusal(sessions, messenger):
    error = refused(sessions, messenger, "<@UREP1> <@UBOT> thanks")
    assert (error.code, error.params) == ("unknown_receiver", {"names": "<@UBOT>"})
    assert refused(sessions, messenger, "<@UREP1> hi", giver="USTRANGER").code == "unknown_giver"


def test_the_modal_follows_the_same_rules_and_records_once_per_view(sessions, messenger):
    with sessions.begin() as session:
        store = RecognitionRepository(session)
        first = give_kudos_from_modal(store, messenger, giver="UMGR", receivers=["UREP3"], value="grit",
                                      message="kept <calling>", key="V1", now=MONDAY)
        again = give_kudos_from_modal(store, messenger, giver="UMGR", receivers=["UREP3"], value="grit",
                                      message="kept <calling>", key="V1", now=MONDAY)
    assert first.kudos.message == "kept &lt;calling&gt;" and again.duplicate


def test_company_values_are_the_defaults_until_an_admin_edits_them(sessions, messenger):
    with sessions.begin() as session:
        store = RecognitionRepository(session)
        assert [v.name for v in company_values(store)][:2] == ["customer-first", "teamwork"]
        assert store.company_values() == []
        set_company_value(store, name="Grit", active=False, now=MONDAY)
        set_company_value(store, name="Craft", description="  We   sweat the details ", now=MONDAY)
        values = {v.name: v for v in company_values(store)}
    assert values["grit"].active is False and values["teamwork"].active is True
    assert values["craft"] == CompanyValue("craft", "We sweat the details", True)
    error = refused(sessions, messenger, "<@UREP1> #grit kept going")
    assert error.code == "unknown_value" and "#craft" in error.params["allowed"] and "#grit" not in \
        error.params["allowed"]


def test_history_lists_kudos_given_and_received_newest_first(sessions, messenger):
    give(sessions, messenger, "<@UREP1> first", key="k1")
    give(sessions, messenger, "<@UREP0> back at you", giver="UREP1", key="k2", now=MONDAY + timedelta(hours=1))
    give(sessions, messenger, "<@UREP1> second", key="k3", now=MONDAY + timedelta(hours=2))
    with sessions.begin() as session:
        history = kudos_history(RecognitionRepository(session), person="UREP0", limit=10)
    assert [k.message for k in history.given] == ["second", "first"]
    assert [k.message for k in history.received] == ["back at you"]


def test_last_recognised_and_recent_counts_for_the_one_on_one_helper(sessions, messenger):
    give(sessions, messenger, "<@UREP1> thanks", key="k1")
    with sessions.begin() as session:
        ids = [3, 4]  # UREP1, UREP2
        assert last_recognised(session, person_ids=ids) == {3: MONDAY.date(), 4: None}
        assert RecognitionRepository(session).last_kudos_received(ids) == {3: MONDAY}
        assert recent_recognition(session, person_ids=ids, since=MONDAY - timedelta(days=7)) == {3: (0, 1),
                                                                                                 4: (0, 0)}


def test_the_shout_out_is_posted_once_after_friday_four_pm_team_time(sessions, messenger):
    give(sessions, messenger, "<@UREP1> thanks", key="k1")
    friday = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)  # 16:00 in Vilnius, the manager's zone
    for now in (friday - timedelta(minutes=1), friday, friday + timedelta(hours=3)):
        with sessions.begin() as session:
            post_shout_outs(RecognitionRepository(session), messenger, now=now)
    assert [s for s in messenger.sent if s[0] in ("shout-out", "quiet")] == [
        ("shout-out", "shoutout:1:2026-W48", "C0HUNTERS"), ("quiet", "shoutout:1:2026-W48:quiet", "UMGR")]


def test_a_week_without_recognition_posts_no_shout_out_but_still_tells_the_manager_who_went_unthanked(
        sessions, messenger):
    with sessions.begin() as session:
        assert post_shout_outs(RecognitionRepository(session), messenger,
                               now=datetime(2026, 11, 27, 15, tzinfo=UTC)) == []
    assert messenger.sent == [("quiet", "shoutout:1:2026-W48:quiet", "UMGR")]


def test_the_quiet_note_goes_to_whoever_leads_the_team_in_the_org_chart_when_the_job_runs(sessions, messenger):
    with sessions.begin() as session:
        hunters = session.scalar(select(Team.id))
        session.add(Person(email="nia@example.com", name="Nia", team_id=hunters, role="manager", slack_id="UNIA",
                           tz="Europe/Vilnius", locale="lt-LT"))
        session.flush()
        nia = session.scalar(select(Person.id).where(Person.slack_id == "UNIA"))
        session.execute(update(Person).where(Person.role == "rep").values(manager_id=nia))
    with sessions.begin() as session:
        post_shout_outs(RecognitionRepository(session), messenger, now=datetime(2026, 11, 27, 15, tzinfo=UTC))
    assert messenger.sent == [("quiet", "shoutout:1:2026-W48:quiet", "UNIA")]  # not Maria, who no longer leads it


def test_a_recognition_channel_overrides_the_team_channel(sessions, messenger):
    with sessions.begin() as session:
        set_recognition_channel(session, team="hunters", channel_id="C0KUDOS1")
        with pytest.raises(RecognitionError):
            set_recognition_channel(session, team="Hunters", channel_id="#kudos")
        assert RecognitionRepository(session).teams()[0].channel == "C0KUDOS1"
    give(sessions, messenger, "<@UREP1> thanks")
    assert messenger.sent[0][2] == "C0KUDOS1"


def test_receivers_are_kept_in_the_order_named(sessions, messenger):
    give(sessions, messenger, "<@UREP3> <@UREP1> <@UREP2> thanks")
    with sessions.begin() as session:
        rows = session.execute(select(KudosReceiver.person_id).order_by(KudosReceiver.position)).scalars().all()
    assert rows == [5, 3, 4]
