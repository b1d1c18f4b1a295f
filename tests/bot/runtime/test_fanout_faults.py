"""A survey fan-out through the outbox while the Slack double faults: every person gets exactly one DM."""

from __future__ import annotations

import os
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bench.fanout import seed, survey_posts
from bot.bootstrap import bootstrap
from bot.runtime.delivery import Delivery
from bot.runtime.jobs import run_job
from bot.runtime.pacing import make_client
from bot.settings import Settings
from bot.slack_double import SlackDouble
from bot.slack_double.faults import FAULT_KINDS, FAULT_MIX
from storage.models import OutboxMessage

pytestmark = pytest.mark.both_databases  # delivery threads sharing the outbox on each engine

MONDAY = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # 10:00 in Kuala Lumpur, an hour after the survey's time
# Not 5,000: the bot and the double share one process here, and each Slack call costs about 3 ms of CPU between
# them on the shared 2-core box (slack_sdk, http.server, SQLite), so 5,000 people with 10% faults (~6,100
# calls) take ~20 s. `python -m bench.fanout` runs the 5,000 under rate limits and 5% faults.
PEOPLE = int(os.environ.get("FANOUT_TEST_PEOPLE", "1000"))  # FANOUT_TEST_PEOPLE=5000 for the full size


def _fan_out(url: str, slack: SlackDouble, clock, people: int, *, workers: int) -> tuple[Counter[str], list[tuple]]:
    """Open the round with the open_rounds job, then drain until nothing waits (moving the clock past
    retries); returns the survey posts per outbox key and the outbox rows."""
    clock.now = MONDAY - timedelta(days=3)
    settings = Settings(database_url=url, slack_api_url=slack.api_url, slack_bot_token=slack.bot_token,
                        slack_timeout=0.2, delivery_workers=workers)
    client = make_client(token=slack.bot_token, base_url=slack.api_url, timeout=0.2, backoff=0.05)
    services = bootstrap(settings, clock=clock, migrate=False, client=client)
    try:
        seed(services, slack, people, created=clock.now)
        slack.set_fault_rate(0.10, seed=8, mix=FAULT_MIX, retry_after=0, late=0.4)
        clock.now = MONDAY
        run_job(services, "open_rounds", MONDAY)
        for _ in range(30):
            services.delivery.drain()
            with services.sessions.begin() as s:
                rows = s.execute(select(OutboxMessage.key, OutboxMessage.status, OutboxMessage.attempts)).all()
            if all(status == "sent" for _, status, _ in rows):
                break
            clock.now += timedelta(seconds=30)  # past every retry's time (Retry-After, backoff)
        slack.set_fault_rate(0)
        return survey_posts(slack), rows
    finally:
        services.close()


@pytest.mark.parametrize("migrated_database_url", ["sqlite"], indirect=True)
def test_a_big_fan_out_under_ten_percent_faults_reaches_everyone_exactly_once(slack, clock, migrated_database_url):
    posts, rows = _fan_out(migrated_database_url, slack, clock, PEOPLE, workers=8)
    keys = {key for key, _, _ in rows}
    assert len(rows) == PEOPLE and {status for _, status, _ in rows} == {"sent"}
    assert set(posts) == keys and set(posts.values()) == {1}  # nobody lost, nobody twice
    dms = [c for c in slack.workspace.channels.values() if c.is_im]
    assert len(dms) == PEOPLE and all(len(c.messages) == 1 for c in dms)
    assert set(slack.faults.counts) >= set(FAULT_KINDS)  # every kind of fault happened, and was survived
    assert any(attempts > 1 for _, _, attempts in rows)


@pytest.mark.parametrize("migrated_database_url", ["postgresql"], indirect=True)
def test_delivery_threads_on_postgresql_share_the_queue_without_a_duplicate(slack, clock, migrated_database_url):
    posts, rows = _fan_out(migrated_database_url, slack, clock, 300, workers=4)
    assert {status for _, status, _ in rows} == {"sent"} and len(rows) == 300
    assert set(posts) == {key for key, _, _ in rows} and set(posts.values()) == {1}


def test_client_for_sends_a_row_with_the_client_it_picks_and_the_rest_with_the_default(slack, clock,
                                                                                        migrated_database_url):
    from storage.outbox import Outbox, OutboxStore

    slack.workspace.bot_tokens.add("xoxb-other-workspace")
    other = make_client(token="xoxb-other-workspace", base_url=slack.api_url)
    for user in ("UHOME", "UAWAY"):
        slack.add_user(user.lower(), id=user)
    services = bootstrap(Settings(database_url=migrated_database_url, slack_api_url=slack.api_url,
                                  slack_bot_token=slack.bot_token), clock=clock, migrate=False)
    try:
        delivery = Delivery(OutboxStore(services.sessions), services.client, clock,
                            client_for=lambda payload: other if payload.get("team") == "T0OTHER" else None)
        with services.sessions.begin() as s:
            Outbox(s).enqueue("home", "chat.postMessage", {"channel": "UHOME", "text": "hi"}, now=clock.now,
                              person_id=None)
            Outbox(s).enqueue("away", "chat.postMessage", {"channel": "UAWAY", "text": "hi", "team": "T0OTHER"},
                              now=clock.now, person_id=None)
        assert delivery.drain().sent == 2
    finally:
        services.close()
    tokens = {c.params["channel"]: c.token for c in slack.calls_to("chat.postMessage")}
    assert tokens == {"UHOME": slack.bot_token, "UAWAY": "xoxb-other-workspace"}


@pytest.mark.parametrize("migrated_database_url", ["sqlite"], indirect=True)
def test_a_post_that_slack_made_before_answering_503_is_found_not_posted_again(slack, clock, migrated_database_url):
    from storage.outbox import Outbox

    slack.add_user("rep", id="UREP")
    services = bootstrap(Settings(database_url=migrated_database_url, slack_api_url=slack.api_url,
                                  slack_bot_token=slack.bot_token), clock=clock, migrate=False)
    try:
        with services.sessions.begin() as s:
            Outbox(s).enqueue("survey:1:1", "chat.postMessage", {"channel": "UREP", "text": "hi"}, now=clock.now,
                              person_id=None)
        slack.faults.fail_next("chat.postMessage", status=503, carried_out=True)
        first = services.delivery.drain()
        clock.advance(minutes=5)
        second = services.delivery.drain()
    finally:
        services.close()
    assert (first.sent, first.retried, second.sent) == (0, 1, 1)
    assert survey_posts(slack) == {"survey:1:1": 1}
    assert len(slack.calls_to("chat.postMessage")) == 1  # not retried blindly: the history was read instead
