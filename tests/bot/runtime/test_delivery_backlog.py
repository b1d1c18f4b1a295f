"""A backlog several leases long, sent after a restart by the always-on worker and the backstop `deliver` job at
once, under the Slack double's rate limit: every DM exactly once, none lost. Time is a fake clock that the posts
Slack answers move on, so two minutes of posting take a few seconds and nothing sleeps."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from conftest import eventually
from slack_sdk import WebClient
from sqlalchemy import select

from bot.bootstrap import bootstrap
from bot.runtime.delivery import OUTBOX_EVENT
from bot.runtime.jobs import run_job
from bot.runtime.pacing import Pacer, make_client
from bot.settings import Settings
from bot.slack_double import SlackDouble
from storage.models import OutboxMessage

pytestmark = pytest.mark.both_databases  # the outbox's leases as each engine claims them

START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
BACKLOG, RATE, LEASE = 600, 5.0, 20.0  # two minutes of posts at 5 a second: six leases long
DEAD_CLAIMS, DEAD_POSTS = 40, 10  # what the crashed process held, and had posted before it died
IDLE_TICKS = 10  # ticks (2 ms apart) without a post before time moves on anyway


class SlackTime:
    """Fake time that Slack's answers move: each post the double answered moves it 1/RATE s on (a moment with no
    post moves it too, so leases run out when nothing is sent). Whoever waits for the pace blocks until it has
    moved far enough; nothing sleeps for a fixed real time."""

    def __init__(self) -> None:
        self.seconds, self._seen, self._idle = 0.0, 0, 0
        self.posts: Callable[[], int] = lambda: 0
        self._moved = threading.Condition()

    def monotonic(self) -> float:
        with self._moved:
            return self.seconds

    def sleep(self, seconds: float) -> None:
        with self._moved:
            target = self.seconds + seconds
            while self.seconds < target:
                self._moved.wait(0.5)

    def tick(self) -> None:
        """Move on by the posts answered since the last tick, or by one post's time after a few ticks without any."""
        posts = self.posts()
        self._idle = 0 if posts > self._seen else self._idle + 1
        step = (posts - self._seen) / RATE or (1 / RATE if self._idle >= IDLE_TICKS else 0.0)
        self._seen = posts
        if step:
            self._idle = 0
            with self._moved:
                self.seconds += step
                self._moved.notify_all()

    def epoch(self) -> float:
        """The double's clock: its rate limit counts in the same time as the bot's pace."""
        return START.timestamp() + self.monotonic()

    def __call__(self) -> datetime:
        return START + timedelta(seconds=self.monotonic())


def _die_mid_drain(settings: Settings, slack: SlackDouble, time: SlackTime) -> list[str]:
    """The first process: the backlog is queued, it claims two batches, posts a few and dies recording nothing."""
    first = bootstrap(settings, clock=time, migrate=False)
    try:
        users = [slack.add_user(f"rep{i}")["id"] for i in range(BACKLOG)]
        with first.unit() as u:
            for user in users:
                u.outbox.enqueue(f"dm:{user}", "chat.postMessage", {"channel": user, "text": "Your weekly pulse"},
                                 now=u.now, person_id=None)
        with first.delivery.store.transaction() as outbox:
            held = outbox.claim(now=time(), limit=DEAD_CLAIMS, lease=timedelta(seconds=LEASE))
        poster = WebClient(token=slack.bot_token, base_url=slack.api_url)
        for row in held[:DEAD_POSTS]:
            poster.chat_postMessage(channel=row.payload["channel"], text=row.payload["text"],
                                    metadata={"event_type": OUTBOX_EVENT, "event_payload": {"key": row.key}})
        return [f"dm:{user}" for user in users]
    finally:
        first.close()


def _posts(slack: SlackDouble) -> Counter[str]:
    with slack.workspace.lock:
        return Counter(m["metadata"]["event_payload"]["key"] for c in slack.workspace.channels.values()
                       for m in c.messages if (m.get("metadata") or {}).get("event_type") == OUTBOX_EVENT)


@pytest.mark.parametrize("migrated_database_url", ["sqlite", "postgresql"], indirect=True)
def test_a_backlog_six_leases_long_after_a_restart_is_posted_once_by_the_worker_and_the_deliver_job(
        migrated_database_url):
    time = SlackTime()
    with SlackDouble(clock=time.epoch) as slack:
        time.posts = lambda: sum(1 for c in slack.calls_to("chat.postMessage") if c.ok)
        settings = Settings(database_url=migrated_database_url, slack_api_url=slack.api_url,
                            slack_bot_token=slack.bot_token, slack_timeout=2, delivery_lease=LEASE)
        keys = _die_mid_drain(settings, slack, time)
        slack.rate_limit("chat.postMessage", per_second=RATE)

        pacer = Pacer({"chat.postMessage": RATE}, clock=time.monotonic, sleep=time.sleep)
        client = make_client(token=slack.bot_token, base_url=slack.api_url, timeout=2, pacer=pacer)
        services = bootstrap(settings, clock=time, migrate=False, client=client)  # the restarted process
        stop, job_sent = threading.Event(), []

        def backstop() -> None:  # the scheduler's `deliver` job, here back to back instead of every 30 s
            while not stop.is_set():
                job_sent.append(int(run_job(services, "deliver").split()[1].rstrip(",")))

        def ticking() -> None:
            while not stop.wait(0.002):
                time.tick()

        def all_sent() -> bool:
            with services.sessions.begin() as s:
                return set(s.scalars(select(OutboxMessage.status))) == {"sent"}

        threads = [threading.Thread(target=target, daemon=True) for target in (ticking, backstop)]
        threads.append(threading.Thread(target=services.delivery.run_forever, args=(stop, 0.01), daemon=True))
        try:
            for thread in threads:
                thread.start()
            assert eventually(all_sent, timeout=120)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=30)
            services.close()
        posts = _posts(slack)
        assert sorted(posts) == sorted(keys)  # nothing lost
        assert [k for k, n in posts.items() if n > 1] == []  # nothing twice
        assert 0 < sum(job_sent) < BACKLOG - DEAD_POSTS  # the job and the worker both sent part of it
        assert time.monotonic() > 5 * LEASE  # the backlog outlasted several leases
        assert slack.calls_to("conversations.history")  # the dead process's claims were looked for before posting
