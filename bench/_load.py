"""Signed survey-button clicks fired all at once from a separate process, for the load test and bench.ack.

`fire(url, requests)` runs `python -m bench._load URL` (asyncio, one connection per request, so the client's CPU
does not share the server's GIL) and returns each request's status, latency in milliseconds and the time.time() its
answer arrived, in input order.
"""

from __future__ import annotations

import asyncio
import json
import math
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import urlencode, urlsplit

if TYPE_CHECKING:  # the child process imports nothing of the bot, so it starts fast
    from bot.bootstrap import Services
    from bot.slack_double import SlackDouble

TIMEZONES = ("Asia/Kuala_Lumpur", "Asia/Shanghai", "Europe/Vilnius", "Asia/Tehran", "America/Los_Angeles",
             "Pacific/Auckland", "Europe/London", "America/New_York")


class LoadRequest(NamedTuple):
    body: str
    headers: dict[str, str]


class Reply(NamedTuple):
    status: int
    ms: float
    at: float = 0.0  # time.time() when the answer arrived (the same clock as the double's Call.at)


def click_request(slack: SlackDouble, user_id: str, message: dict[str, Any], action_id: str, *,
                  retry_num: int | None = None) -> LoadRequest:
    """The signed block_actions request Slack sends when `user_id` clicks `action_id` in a stored message
    (as SlackActor.click builds it), with Slack's retry headers when `retry_num` is given."""
    from bot.slack_double import payloads
    from bot.slack_double.actor import sign

    block_id, element = payloads.find_element(message.get("blocks"), action_id)
    payload = payloads.block_actions(
        slack.workspace, user_id=user_id, source=message, action=payloads.action_for(element, block_id),
        trigger_id=slack.issue_trigger_id(user_id),
        response_url=slack.issue_response_url(message["channel"], user_id, message["ts"]))
    body = urlencode({"payload": json.dumps(payload)})
    ts = int(time.time())
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": str(ts),
               "X-Slack-Signature": sign(slack.signing_secret, ts, body.encode())}
    if retry_num is not None:
        headers |= {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
    return LoadRequest(body, headers)


def bench_services(folder: str, slack: SlackDouble) -> Services:
    """The bot's services on a new SQLite file in `folder`, against the double, with the product's defaults;
    waitress's queue warnings are off (200 requests at once pass its connection limit, and it queues them)."""
    import logging

    from bot.bootstrap import bootstrap
    from bot.settings import Settings

    logging.getLogger("waitress").setLevel(logging.ERROR)
    return bootstrap(Settings(database_url=f"sqlite:///{folder}/bench.db", slack_api_url=slack.api_url,
                              slack_bot_token=slack.bot_token, slack_signing_secret=slack.signing_secret))


def fire(url: str, requests: Sequence[LoadRequest], *, timeout: float = 60.0) -> list[Reply]:
    """Send every request at once from a child process; (status, ms, at) for each, in order."""
    job = json.dumps([r._asdict() for r in requests])
    done = subprocess.run([sys.executable, "-m", "bench._load", url], input=job, capture_output=True, text=True,
                          timeout=timeout, check=True, cwd=Path(__file__).resolve().parent.parent)
    return [Reply(*row) for row in json.loads(done.stdout)]


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (share 0.99 for p99)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered), math.ceil(share * len(ordered))) - 1)]


def add_reps(services: Services, slack: SlackDouble, *, team: str, count: int, prefix: str = "ULOAD") -> list[str]:
    """`count` active reps in `team` (made when missing), in the database and in the double; their Slack ids."""
    from sqlalchemy import insert, select

    from storage.models import Person, Team

    users = [f"{prefix}{i:05d}" for i in range(count)]
    with services.sessions.begin() as s:
        team_id = s.scalar(select(Team.id).where(Team.name == team))
        if team_id is None:
            row = Team(name=team, locale="en")
            s.add(row)
            s.flush()
            team_id = row.id
        s.execute(insert(Person), [
            {"email": f"{u.lower()}@example.com", "name": f"Rep {u}", "team_id": team_id, "role": "rep",
             "slack_id": u, "tz": TIMEZONES[i % len(TIMEZONES)], "locale": "en-US", "active": True}
            for i, u in enumerate(users)])
    for i, u in enumerate(users):
        slack.add_user(u.lower(), id=u, email=f"{u.lower()}@example.com", real_name=f"Rep {u}",
                       tz=TIMEZONES[i % len(TIMEZONES)])
    return users


def open_round(services: Services, *, team: str, questions: Sequence[str] = ("enps", "manager")) -> int:
    """A weekly survey for `team` with a round opened now and every survey DM delivered; the round's id."""
    from surveys import service

    with services.unit() as u:
        survey_id = service.create_survey(u.surveys, team=team, question_ids=list(questions), cadence="weekly",
                                          weekday="mon", send_time="09:00", now=u.now)
        round_ = service.open_round_now(u.surveys, u.messenger, survey_id=survey_id, now=u.now)
    services.delivery.drain()
    return round_.id


async def _one(host: str, port: int, path: str, request: dict[str, Any]) -> tuple[int, float, float]:
    body = request["body"].encode()
    head = "".join(f"{k}: {v}\r\n" for k, v in request["headers"].items())
    raw = (f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n{head}Content-Length: {len(body)}\r\n"
           "Connection: close\r\n\r\n").encode() + body
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(raw)
    await writer.drain()
    answer = await reader.read()  # the server closes the connection after its answer
    elapsed, at = (time.perf_counter() - started) * 1000, time.time()
    writer.close()
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0
    return status, elapsed, at


async def _all(url: str, requests: list[dict[str, Any]]) -> list[tuple[int, float, float]]:
    target = urlsplit(url)
    host, port = target.hostname or "127.0.0.1", target.port or 80
    return await asyncio.gather(*(_one(host, port, target.path, r) for r in requests))


if __name__ == "__main__":
    print(json.dumps(asyncio.run(_all(sys.argv[1], json.load(sys.stdin)))))
