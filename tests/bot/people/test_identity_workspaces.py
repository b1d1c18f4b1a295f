"""Identity belongs to a workspace: two workspaces installed through OAuth, and workspace B tries to take over,
deactivate or move Maria, who is linked in A. Every attempt is refused over real signed HTTP; Enterprise Grid ids,
the same in every workspace of one org, still work across it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from conftest import block_texts, eventually
from oauth_fixtures import TEAM_A, TEAM_B, oauth_bot
from sqlalchemy import select, update

from storage.models import Answer, Person

pytestmark = pytest.mark.both_databases  # a hostile second workspace against each engine

__all__ = ["oauth_bot"]  # a fixture
STRANGER = "You are not in the roster yet. Ask your admin to add you."
MONDAY = datetime(2026, 11, 30, tzinfo=UTC)
OPENED = MONDAY + timedelta(hours=18)  # every rep's 09:00 has passed: the round opens for all
ORG, TEAM_GRID = "E0ORGORGOR", "T0CCCCCCCC"  # an Enterprise Grid org, and another of its workspaces


def _maria(bot) -> tuple:
    with bot.services.sessions.begin() as s:
        p = s.scalar(select(Person).where(Person.email == "maria@example.com"))
        return p.slack_id, p.slack_team_id, p.slack_enterprise_id, p.active, p.tz


def _profile_outcomes(bot, monkeypatch) -> list[str]:
    """What each user_change or team_join came to, as the people listener saw it (it runs after the ack)."""
    import bot.people.listeners as people

    outcomes: list[str] = []
    sync = people.sync_profile

    def recording(*args, **kwargs):
        outcomes.append(sync(*args, **kwargs))
        return outcomes[-1]

    monkeypatch.setattr(people, "sync_profile", recording)
    return outcomes


def _coach(bot, actor, user: str) -> str:
    """The text `/coach` answered `user` with: inline (to a user of another workspace's person) or through the
    response URL (to everyone else)."""
    before = len(bot.slack.response_posts)
    reply = actor.slash_command(None, "/coach", user_id=user)
    assert reply.status == 200
    answer = reply.json() if reply.body.strip() else \
        eventually(lambda: bot.slack.response_posts[before:] and bot.slack.response_posts[before])["body"]
    return block_texts(answer["blocks"])


def _installed(bot, *, a_in_org: str | None = None):
    """A installed first (the roster's workspace by default), then B; Maria's first request from A links her."""
    token_a = bot.install(TEAM_A, "Acme", enterprise_id=a_in_org)
    token_b = bot.install(TEAM_B, "Bolt & Co")
    a = bot.actor(TEAM_A, a_in_org)
    assert "Coaching digest for Hunters" in _coach(bot, a, "UMGR")
    assert eventually(lambda: _maria(bot)[:3] == ("UMGR", TEAM_A, a_in_org))  # tied after the ack
    return token_a, token_b, a, bot.actor(TEAM_B)


@pytest.mark.parametrize("oauth_bot", [(), (TEAM_A, TEAM_B)], indirect=True)  # B may link people, or may not
def test_a_team_join_from_another_workspace_with_marias_email_does_not_take_her_over(oauth_bot, monkeypatch):
    bot = oauth_bot
    outcomes = _profile_outcomes(bot, monkeypatch)
    _, _, a, b = _installed(bot)
    bot.slack.add_user("mallory", id="UMALLORY", email="Maria@Example.com", tz="Pacific/Fiji")
    assert b.team_join(None, "UMALLORY").status == 200
    assert eventually(lambda: outcomes) == ["unknown"]  # linked already: never again by email
    assert _maria(bot) == ("UMGR", TEAM_A, None, True, "Europe/Vilnius")
    assert _coach(bot, b, "UMALLORY") == _coach(bot, b, "UMGR") == STRANGER  # B's users are strangers ...
    assert "Coaching digest for Hunters" in _coach(bot, a, "UMGR")  # ... and the real Maria is not locked out


def test_a_deleted_user_change_from_another_workspace_deactivates_nobody(oauth_bot, monkeypatch):
    bot = oauth_bot
    outcomes = _profile_outcomes(bot, monkeypatch)
    _, _, a, b = _installed(bot)
    bot.slack.add_user("mallory", id="UMALLORY", email="maria@example.com", deleted=True)
    assert b.user_change(None, "UMALLORY").status == 200  # by her email
    bot.slack.set_user("UMGR", deleted=True, tz="Pacific/Fiji")
    assert b.user_change(None, "UMGR").status == 200  # by her id: refused before any listener runs
    assert eventually(lambda: outcomes) == ["unknown"]
    assert _maria(bot) == ("UMGR", TEAM_A, None, True, "Europe/Vilnius")
    assert a.user_change(None, "UMGR").status == 200  # the same event from her own workspace is applied
    assert eventually(lambda: _maria(bot)[3] is False) and outcomes == ["unknown", "updated"]


def test_a_request_from_another_workspace_neither_moves_maria_nor_her_dms(oauth_bot):
    bot = oauth_bot
    token_a, _, _, b = _installed(bot)
    assert b.app_home_opened(None, "UMGR").status == 200
    assert b.slash_command(None, "/language", "ms", user_id="UMGR").json()["text"] == STRANGER
    assert _maria(bot)[1] == TEAM_A and bot.slack.calls_to("views.publish") == []
    with bot.services.unit() as u:
        u.messenger.post("test:dm-to-maria", "UMGR", "Your weekly digest", [], person_id=None)
    bot.services.delivery.drain(keys=["test:dm-to-maria"])
    posted = [c for c in bot.slack.calls_to("chat.postMessage") if c.params.get("channel") == "UMGR"]
    assert [(c.token, c.ok) for c in posted] == [(token_a, True)]


def test_enterprise_grid_ids_work_in_every_workspace_of_the_org_and_nowhere_else(oauth_bot, monkeypatch):
    bot = oauth_bot
    outcomes = _profile_outcomes(bot, monkeypatch)
    token_a, _, _, b = _installed(bot, a_in_org=ORG)
    bot.install(TEAM_GRID, "Acme Labs", enterprise_id=ORG)
    grid = bot.actor(TEAM_GRID, ORG)
    assert "Coaching digest for Hunters" in _coach(bot, grid, "UMGR")  # the same user id, another workspace
    bot.slack.set_user("UMGR", tz="Asia/Tokyo")
    assert grid.user_change(None, "UMGR").status == 200
    assert eventually(lambda: outcomes) == ["updated"]
    assert _maria(bot) == ("UMGR", TEAM_A, ORG, True, "Asia/Tokyo")  # changed within her org, never moved
    assert _coach(bot, b, "UMGR") == STRANGER  # outside the org she is nobody
    with bot.services.unit() as u:
        u.messenger.post("test:dm-to-maria", "UMGR", "Your weekly digest", [], person_id=None)
    bot.services.delivery.drain(keys=["test:dm-to-maria"])
    posted = [c for c in bot.slack.calls_to("chat.postMessage") if c.params.get("channel") == "UMGR"]
    assert [(c.token, c.ok) for c in posted] == [(token_a, True)]


@pytest.mark.parametrize("oauth_bot", [(TEAM_B,)], indirect=True)  # SALESCOACH_ROSTER_WORKSPACES=T0BBBBBBBB
def test_only_the_workspaces_the_admin_allowed_link_people_by_email(oauth_bot, monkeypatch):
    bot = oauth_bot
    outcomes = _profile_outcomes(bot, monkeypatch)
    bot.install(TEAM_A, "Acme")
    bot.install(TEAM_B, "Bolt & Co")
    with bot.services.sessions.begin() as s:  # Maria has no Slack user yet
        s.scalar(select(Person).where(Person.email == "maria@example.com")).slack_id = None
    bot.slack.add_user("maria.a", id="UMARIAA", email="maria@example.com")
    bot.slack.add_user("maria.b", id="UMARIAB", email="maria@example.com")
    assert bot.actor(TEAM_A).team_join(None, "UMARIAA").status == 200
    assert eventually(lambda: outcomes) == ["unknown"]  # A installed first, but the admin named B
    assert bot.actor(TEAM_B).team_join(None, "UMARIAB").status == 200
    assert eventually(lambda: len(outcomes) == 2) and outcomes[1] == "updated"
    assert _maria(bot)[:3] == ("UMARIAB", TEAM_B, None)


def test_with_one_bot_token_only_its_own_workspace_links_or_acts_for_people(running_bot, monkeypatch):
    from bot.slack_double import SlackActor

    bot = running_bot
    outcomes = _profile_outcomes(bot, monkeypatch)
    own, other = bot.actor, SlackActor(bot.slack, bot.url, team_id="T0ELSEWHER")
    assert own.app_home_opened(None, "UMGR").status == 200  # her first request: bound to the token's workspace
    assert eventually(lambda: bot.slack.home_view("UMGR") and _maria(bot)[1] == bot.slack.workspace.team_id)
    with bot.services.sessions.begin() as s:  # a colleague on the roster with no Slack user yet
        s.scalar(select(Person).where(Person.email == "rep5@example.com")).slack_id = None
    bot.slack.add_user("rep5.elsewhere", id="UREP5X", email="rep5@example.com")
    assert other.team_join(None, "UREP5X").status == 200
    assert eventually(lambda: outcomes) == ["unknown"]
    assert _coach(bot, other, "UMGR") == STRANGER
    assert own.team_join(None, "UREP5").status == 200
    assert eventually(lambda: len(outcomes) == 2) and outcomes[1] == "updated"
    with bot.services.sessions.begin() as s:
        assert s.scalar(select(Person.slack_id).where(Person.email == "rep5@example.com")) == "UREP5"


def _answers_of(bot) -> int:
    with bot.services.sessions.begin() as s:
        return len(s.scalars(select(Answer)).all())


def _rep0(bot) -> tuple:
    with bot.services.sessions.begin() as s:
        p = s.scalar(select(Person).where(Person.slack_id == "UREP0"))
        return p.slack_team_id, p.slack_enterprise_id


def test_a_survey_answer_clicked_from_another_workspace_records_edits_and_ties_nothing(oauth_bot):
    """Survey clicks are admitted where they are recorded, a burst at once, not before their ack: the rule is the
    gate's all the same."""
    from bot.runtime.jobs import run_job
    from surveys import service

    bot = oauth_bot
    _, _, a, b = _installed(bot)  # A links people (installed first); B may not
    bot.clock.now = MONDAY
    with bot.services.unit() as u:
        service.create_survey(u.surveys, team="Hunters", question_ids=["enps"], cadence="weekly", weekday="mon",
                              send_time="09:00", now=MONDAY)
    bot.clock.now = OPENED
    run_job(bot.services, "open_rounds", OPENED)
    bot.services.delivery.drain()
    dm = bot.slack.messages("UREP0")[0]

    def clicked(actor, score: int) -> int:
        edits = len(bot.slack.calls_to("chat.update"))
        assert actor.click(None, "UREP0", dm, f"survey_answer:enps:{score}").status == 200
        assert eventually(lambda: bot.services.answering.count == 0)
        bot.services.delivery.drain()
        return len(bot.slack.calls_to("chat.update")) - edits

    assert clicked(b, 0) == 0  # unbound, from a workspace that may not link people: a stranger
    assert (_answers_of(bot), _rep0(bot)) == (0, (None, None))
    assert clicked(a, 9) == 1  # from A: recorded, edited, and tied to A in the same transaction
    assert (_answers_of(bot), _rep0(bot)) == (1, (TEAM_A, None))
    with bot.services.sessions.begin() as s:
        s.execute(update(Person).where(Person.slack_id == "UREP0").values(slack_team_id=TEAM_B))
    assert clicked(a, 3) == 0  # now linked in B: A's click is a stranger's, and the answer stays 9
    with bot.services.sessions.begin() as s:
        assert s.scalars(select(Answer.value)).all() == [9]
