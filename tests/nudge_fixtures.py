"""Shared seeding for the nudge and one-on-one tests: deals, a second team, Slack-style replays of one payload."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from conftest import eventually

from bot.slack_double import payloads
from storage.crm.models import CrmAccount, CrmDeal
from storage.models import Person, Team

SEEDED = datetime(2026, 11, 1, tzinfo=UTC)
THURSDAY = datetime(2026, 11, 19, 10, 0, tzinfo=UTC)
MEETING = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)  # Tuesday 09:00 in Vilnius, the manager's zone


def person_ids(bot) -> dict[str, int]:
    with bot.services.sessions.begin() as s:
        return {p.slack_id: p.id for p in s.query(Person) if p.slack_id}


def add_deal(bot, external_id: str, owner: str, amount: float, *, account: str | None = "Acme",
             stage: str = "Proposal", **fields: Any) -> int:
    """An open deal of a seeded person (by Slack id); touched on 1 November unless fields say otherwise."""
    values = {"stage_changed_on": date(2026, 11, 1), "last_activity_on": date(2026, 11, 1), **fields}
    with bot.services.sessions.begin() as s:
        owner_id = s.query(Person).filter(Person.slack_id == owner).one().id
        account_id = None
        if account:
            found = s.query(CrmAccount).filter(CrmAccount.name == account).one_or_none()
            found = found or CrmAccount(name=account)
            s.add(found)
            s.flush()
            account_id = found.id
        deal = CrmDeal(external_id=external_id, owner_id=owner_id, account_id=account_id, amount=amount,
                       outcome="open", stage=stage, updated_at=SEEDED, **values)
        s.add(deal)
        s.flush()
        return deal.id


def add_other_team(bot) -> dict[str, int]:
    """A second team: manager UMGR2 (Kuala Lumpur) and rep UOTHER (Kuala Lumpur), in the roster and in Slack."""
    with bot.services.sessions.begin() as s:
        team = Team(name="Farmers", locale="en")
        s.add(team)
        s.flush()
        manager = Person(email="omar@example.com", name="Omar Other", team_id=team.id, role="manager",
                         slack_id="UMGR2", tz="Asia/Kuala_Lumpur", locale="en-US", active=True)
        s.add(manager)
        s.flush()
        rep = Person(email="olga@example.com", name="Olga Other", team_id=team.id, manager_id=manager.id,
                     role="rep", slack_id="UOTHER", tz="Asia/Kuala_Lumpur", locale="en-US", active=True)
        s.add(rep)
        s.flush()
        ids = {"UMGR2": manager.id, "UOTHER": rep.id}
    bot.slack.add_user("omar", id="UMGR2", email="omar@example.com", real_name="Omar Other", tz="Asia/Kuala_Lumpur")
    bot.slack.add_user("olga", id="UOTHER", email="olga@example.com", real_name="Olga Other", tz="Asia/Kuala_Lumpur")
    return ids


def run_hourly(bot, job: str, start: datetime, hours: int) -> dict[datetime, str]:
    """Tick a job every hour (and deliver), as the scheduler would; what each tick reported."""
    said = {}
    for hour in range(hours):
        at = start + timedelta(hours=hour)
        bot.clock.now = at
        said[at] = bot.job(job, at)
        bot.deliver()
    return said


def dms(bot, user: str, words: str) -> list[dict[str, Any]]:
    return [m for m in bot.slack.messages(user) if words in json.dumps(m.get("blocks"), ensure_ascii=False)]


def replay(bot, user: str, message: dict[str, Any], action_id: str, value: Any = None, *, times: int = 2) -> None:
    """One click, then the very same signed payload again with X-Slack-Retry-Num, as Slack retries it."""
    block_id, element = payloads.find_element(message["blocks"], action_id)
    payload = payloads.block_actions(
        bot.slack.workspace, user_id=user, source=message, action=payloads.action_for(element, block_id, value),
        trigger_id=bot.actor.trigger_id(user),
        response_url=bot.slack.issue_response_url(message["channel"], user, message["ts"]))
    body = urlencode({"payload": json.dumps(payload)}).encode()
    with listeners_done(bot, times):
        for attempt in range(times):
            reply = bot.actor.post(None, body, "application/x-www-form-urlencoded", retry_num=attempt or None)
            assert reply.status == 200, reply


def _handled(bot) -> list[int]:
    """How many listeners have finished: each ends by sending its outbox keys (drain(keys=...))."""
    delivery = bot.services.delivery
    if not hasattr(delivery, "handled"):
        drain, delivery.handled = delivery.drain, [0]

        def counting(*args: Any, **kwargs: Any) -> Any:
            try:
                return drain(*args, **kwargs)
            finally:
                if "keys" in kwargs:
                    delivery.handled[0] += 1

        delivery.drain = counting
    return delivery.handled


@contextmanager
def listeners_done(bot, n: int = 1) -> Iterator[None]:
    """Wait (without sleeping blindly) until the `n` requests sent inside have been fully handled."""
    before = _handled(bot)[0]
    yield
    assert eventually(lambda: _handled(bot)[0] >= before + n)


def updates(bot) -> int:
    return len([c for c in bot.slack.calls_to("chat.update") if c.ok])


def wait_updates(bot, n: int) -> bool:
    return eventually(lambda: updates(bot) >= n)


def reply(bot, user: str, text: str) -> str:
    """`/oneonone text` typed by `user`; the reply only they see."""
    before = len(bot.slack.response_posts)
    response = bot.actor.slash_command(None, "/oneonone", text, user_id=user)
    assert response.status == 200 and response.body.strip() == b""  # acked at once, the reply comes after
    post = eventually(lambda: bot.slack.response_posts[before] if len(bot.slack.response_posts) > before else None)
    return str(post["body"])


def set_weekly(bot, rep: str = "UREP5", manager: str = "UMGR") -> str:
    """On Thursday 19 November: weekly on Tuesdays at 09:00 in the manager's zone."""
    bot.clock.now = THURSDAY
    return reply(bot, manager, f"<@{rep}|{rep.lower()}> weekly tue 09:00")


def pack_clicked(bot, user: str, manager: str, period: str):
    """`user` clicks a digest's "Excel coaching pack" button for `manager`'s pack (by Slack id) of `period`; the
    workbook uploaded to their DM, opened with openpyxl."""
    import io

    from openpyxl import load_workbook

    button = {"type": "actions", "elements": [{"type": "button", "action_id": "coach_pack",
                                               "text": {"type": "plain_text", "text": "Excel pack"},
                                               "value": f"{person_ids(bot)[manager]}:{period}"}]}
    message = {"channel": bot.slack.dm_channel_id(user), "ts": "1700000000.000100", "blocks": [button]}
    assert bot.actor.click(None, user, message, "coach_pack").status == 200
    (pack,) = eventually(lambda: [f for f in bot.slack.files.values()
                                  if f["completed"] and f["name"].endswith(".xlsx")])
    return load_workbook(io.BytesIO(pack["content"]))
