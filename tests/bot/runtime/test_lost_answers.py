"""A post whose answer was lost (dropped or held past the timeout) after Slack made it: looked for, not posted twice."""

from __future__ import annotations

import pytest

from bench.fanout import survey_posts
from bot.bootstrap import bootstrap
from bot.runtime.delivery import SETTLE
from bot.runtime.pacing import make_client
from bot.settings import Settings
from storage.outbox import Outbox

LOST = {"posted_then_dropped": {"drop": True}, "posted_then_timeout": {"late": 0.4}}


@pytest.mark.parametrize("kind", sorted(LOST))
@pytest.mark.parametrize("migrated_database_url", ["sqlite"], indirect=True)
def test_a_post_made_before_its_answer_was_lost_is_found_after_the_short_settle_not_posted_again(
        slack, clock, migrated_database_url, kind):
    slack.add_user("rep", id="UREP")
    client = make_client(token=slack.bot_token, base_url=slack.api_url, timeout=0.2, backoff=0.05)
    services = bootstrap(Settings(database_url=migrated_database_url, slack_api_url=slack.api_url,
                                  slack_bot_token=slack.bot_token), clock=clock, migrate=False, client=client)
    try:
        with services.sessions.begin() as s:
            Outbox(s).enqueue("survey:1:1", "chat.postMessage", {"channel": "UREP", "text": "hi"}, now=clock.now,
                              person_id=None)
        slack.faults.fail_next("chat.postMessage", carried_out=True, retry_after=None, **LOST[kind])
        first = services.delivery.drain()
        clock.now += SETTLE / 2
        early = services.delivery.drain()  # not looked for yet: a slow post may still be landing
        clock.now += SETTLE / 2
        second = services.delivery.drain()
    finally:
        services.close()
    assert (first.retried, early.sent, early.retried, second.sent) == (1, 0, 0, 1)
    assert survey_posts(slack) == {"survey:1:1": 1}
    assert len(slack.calls_to("chat.postMessage")) == 1  # found by its key in the history, not posted again
    assert len(slack.calls_to("conversations.history")) == 1
