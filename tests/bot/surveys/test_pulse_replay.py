"""Exactly once for /pulse: a replayed command opens one modal, a replayed submission creates one survey."""

import pytest
from conftest import eventually

pytestmark = pytest.mark.both_databases  # replays refused by each engine's unique keys


def test_replayed_pulse_command_and_submission_create_one_modal_and_one_survey(running_bot):
    bot = running_bot
    command = bot.actor.slash_command(None, "/pulse", user_id="UMGR")
    assert command.status == 200
    view = eventually(lambda: next(iter(bot.slack.open_views.values()), None))
    assert view["callback_id"] == "pulse_create"
    values = {"questions": ["enps", "manager"]}
    first = bot.actor.submit_view(None, dict(view), values, user_id="UMGR")
    again = bot.actor.submit_view(None, dict(view), values, user_id="UMGR", retry_num=1)
    assert (first.status, again.status) == (200, 200)
    assert eventually(lambda: bot.slack.messages("UMGR"))
    with bot.services.unit() as u:
        plans = u.surveys.plans()
    assert [(p.team_name, p.questions, p.cadence, p.send_time) for p in plans] == [
        ("Hunters", ("enps", "manager"), "weekly", "09:00")]
    assert len(bot.slack.messages("UMGR")) == 1
    assert len(bot.slack.calls_to("views.open")) == 1


def test_the_modal_can_create_a_rotating_survey_from_a_larger_pool(running_bot):
    bot = running_bot
    bot.actor.slash_command(None, "/pulse", user_id="UMGR")
    view = eventually(lambda: next(iter(bot.slack.open_views.values()), None))
    pool = ["enps", "recognition", "feedback", "happiness", "growth", "wellness", "manager", "peers", "alignment",
            "quota_confidence", "quota_fairness", "crm_burden"]
    too_many = bot.actor.submit_view(None, dict(view), {"questions": pool}, user_id="UMGR")
    assert too_many.json()["errors"]["questions"] == (
        "Choose 1 to 10 questions; 12 are chosen. Or tick \"Ask a few each round\" to draw from up to 40.")
    reply = bot.actor.submit_view(None, dict(view), {"questions": pool, "options": ["rotate"]}, user_id="UMGR")
    assert reply.status == 200
    with bot.services.unit() as u:
        (plan,) = u.surveys.plans()
    assert plan.rotate and len(plan.questions) == 12
