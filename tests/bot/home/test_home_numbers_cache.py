"""App Home's KPIs: worked out once per team, month and data version; any write to their inputs is seen at once."""

import json
from datetime import UTC, date, datetime

from conftest import eventually
from sqlalchemy import update

from storage.crm.models import CrmDeal
from storage.models import Person

NOW = datetime(2026, 11, 23, 6, 30, tzinfo=UTC)


def _won(bot, slack_id, external_id, amount):
    with bot.services.sessions.begin() as s:
        owner = s.query(Person).filter(Person.slack_id == slack_id).one()
        s.add(CrmDeal(external_id=external_id, owner_id=owner.id, stage="Won", outcome="won", amount=amount,
                      engaged_on=date(2026, 10, 1), closed_on=date(2026, 11, 10), close_month=date(2026, 11, 1),
                      close_week=date(2026, 11, 9), updated_at=NOW))


def _numbers(bot, user):
    before = len(bot.slack.calls_to("views.publish"))
    assert bot.actor.app_home_opened(bot.url, user).status == 200
    eventually(lambda: len(bot.slack.calls_to("views.publish")) > before)
    blocks = bot.slack.home_view(user)["blocks"]
    start = next(i for i, b in enumerate(blocks) if "My numbers this month" in json.dumps(b))
    return json.dumps(blocks[start + 1], ensure_ascii=False)


def test_one_team_is_worked_out_once_and_a_new_deal_or_a_new_manager_is_seen_at_once(running_bot):
    bot = running_bot
    bot.clock.now = NOW
    cache = bot.services.rep_numbers
    _won(bot, "UREP4", "N-1", 12345.0)
    rep1 = _numbers(bot, "UREP4")
    assert "12,345" in rep1
    assert "12,345" not in _numbers(bot, "UREP5")  # the same team's views, but only their own figures
    assert cache.computed == 1  # both from one working-out of the team

    _won(bot, "UREP4", "N-2", 1000.0)  # an import or the webhook: the data version moves on
    assert "13,345" in _numbers(bot, "UREP4")
    assert cache.computed == 2

    with bot.services.sessions.begin() as s:  # the org chart changes: UREP4 leaves for no manager
        s.execute(update(Person).where(Person.slack_id == "UREP4").values(manager_id=None))
    assert bot.actor.app_home_opened(bot.url, "UREP5").status == 200  # UREP5's own figures: the same view as before
    assert eventually(lambda: cache.computed == 3)  # worked out again for the new peer groups, never from the old ones
