"""Complaints through Slack over signed HTTP: `/complaint` and its modal, the owner's DM at once, the half-time
nudge and the manager's overdue word from the `complaints` job (each once), Resolved and Snooze only by the owner
(a replayed click changes nothing, the DM edited in place); and the signed /hooks/complaints route."""

import dataclasses
import json
from datetime import UTC, datetime, timedelta

import pytest
from conftest import block_texts, eventually
from nudge_fixtures import dms, listeners_done, person_ids, replay
from sqlalchemy import select

from bot.recognition.webhook_auth import sign
from storage.complaints.models import ComplaintRow
from storage.crm.models import CrmAccount
from storage.models import OutboxMessage

MONDAY = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)  # Monday 10:00 in Los Angeles (UREP4, en-US)
HALF, DUE = MONDAY + timedelta(hours=2), MONDAY + timedelta(hours=4)
WORDS = "Invoice wrong twice <!channel> ask <@UMGR>"
SECRET = "crm-shared-secret-0123456789"


def _account(bot, owner: str = "UREP4") -> None:
    with bot.services.sessions.begin() as s:
        s.add(CrmAccount(name="Acme", owner_id=person_ids(bot)[owner]))


def _complaints(bot) -> list[ComplaintRow]:
    with bot.services.sessions.begin() as s:
        return list(s.scalars(select(ComplaintRow).order_by(ComplaintRow.id)))


def _log(bot, account: str, *, user: str = "UMGR", retries: int = 0, refused: bool = False, owner: str = ""):
    before = set(bot.slack.open_views)
    with listeners_done(bot):
        assert bot.actor.slash_command(None, "/complaint", account, user_id=user).status == 200
    view = eventually(lambda: next((v for k, v in bot.slack.open_views.items() if k not in before), None))
    answers = []
    with listeners_done(bot, 0 if refused else 1 + retries):  # a refusal is in the ack: nothing sent after
        for retry in [None, *range(1, retries + 1)]:
            answers.append(bot.actor.submit_view(None, view, {"text": WORDS, **({"person": owner} if owner else {})},
                                                 user_id=user, retry_num=retry))
    return view, answers[0]


@pytest.mark.both_databases
def test_a_complaint_is_told_nudged_at_half_time_escalated_when_overdue_and_resolved_by_its_owner(running_bot):
    bot = running_bot
    _account(bot)
    bot.clock.now = MONDAY
    view, answer = _log(bot, "Nowhere Ltd", refused=True)
    assert answer.json()["response_action"] == "errors"  # no such account: said in the modal, nothing stored
    assert "No account by that name" in answer.json()["errors"]["account"] and not _complaints(bot)
    view, answer = _log(bot, "acme", retries=1)  # any case; Slack retries the submission once
    assert view["blocks"][0]["element"]["initial_value"] == "acme"
    assert "Rep 4 owns it; it is due Tue, Dec 8 12:00" in block_texts(answer.json()["view"]["blocks"])
    (complaint,) = _complaints(bot)  # the modal says when in the logger's zone (Vilnius)
    assert complaint.due_at == DUE and complaint.owner_id == person_ids(bot)["UREP4"]
    (dm,) = eventually(lambda: dms(bot, "UREP4", "yours to answer by"))
    shown = block_texts(dm["blocks"])
    assert "&lt;!channel&gt;" in shown and "<!channel>" not in shown and "<@UMGR>" not in shown
    for at in (HALF - timedelta(minutes=5), HALF, HALF + timedelta(minutes=5)):
        bot.clock.now = at
        bot.job("complaints", at)
        bot.deliver()
    (half,) = eventually(lambda: dms(bot, "UREP4", "Half the time to answer is gone"))
    with listeners_done(bot):  # someone else's click: refused to them alone, nothing changes
        assert bot.actor.click(None, "UREP0", half, "complaint:resolve").status == 200
    assert eventually(lambda: bot.slack.response_posts)
    assert _complaints(bot)[0].resolved_at is None
    bot.clock.now = HALF + timedelta(minutes=10)
    replay(bot, "UREP4", half, "complaint:snooze", f"{complaint.id}|complaint:{complaint.id}:half|1")
    assert _complaints(bot)[0].snoozes == 1 and _complaints(bot)[0].due_at == DUE + timedelta(hours=1)
    assert eventually(lambda: "Snoozed: now due" in block_texts(dms(bot, "UREP4", "Half the time")[0]["blocks"]))
    for at in (DUE, DUE + timedelta(hours=1), DUE + timedelta(hours=1, minutes=5)):
        bot.clock.now = at
        bot.job("complaints", at)
        bot.deliver()
    assert not dms(bot, "UMGR", "is overdue since")  # 01:00 in Vilnius: it waits for the manager's morning
    bot.services.delivery.drain(datetime(2026, 12, 8, 7, 0, tzinfo=UTC))  # Tuesday 09:00 in Vilnius
    (overdue,) = eventually(lambda: dms(bot, "UMGR", "is overdue since"))
    assert "Rep 4's complaint from Acme is overdue since" in block_texts(overdue["blocks"])
    (dm,) = dms(bot, "UREP4", "yours to answer by")
    with listeners_done(bot):  # a forged value naming the manager's DM: nothing happens
        bot.actor.click(None, "UREP4", dm, "complaint:resolve", f"{complaint.id}|complaint:{complaint.id}:overdue")
    assert _complaints(bot)[0].resolved_at is None
    with listeners_done(bot):
        bot.actor.click(None, "UREP4", dm, "complaint:resolve")
    assert _complaints(bot)[0].resolved_at == bot.clock.now
    assert eventually(lambda: "Resolved" in block_texts(dms(bot, "UREP4", "yours to answer by")[0]["blocks"]))


def _hook(bot, payload, *, secret=SECRET, timestamp=None, headers=None):
    import http.client

    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    stamp = timestamp or int(bot.clock.now.timestamp())
    sent = headers if headers is not None else {
        "Content-Type": "application/json", "X-Salescoach-Timestamp": str(stamp),
        "X-Salescoach-Signature": sign(body, timestamp=stamp, secret=secret)}
    connection = http.client.HTTPConnection("127.0.0.1", bot.server.effective_port, timeout=10)
    try:
        connection.request("POST", "/hooks/complaints", body=body, headers=sent)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


@pytest.mark.both_databases
def test_the_complaints_webhook_takes_signed_cases_once_and_refuses_replays_and_hostile_requests(running_bot):
    bot = running_bot
    assert _hook(bot, {"external_id": "C-1"})[0] == 503  # no secret configured: the route is off
    bot.services.settings = dataclasses.replace(bot.services.settings, webhook_secret=SECRET)
    _account(bot)
    bot.clock.now = MONDAY
    case = {"external_id": "C-1", "account": "Acme", "subject": "Late delivery", "text": "Still waiting",
            "opened_at": "2026-12-07T09:30:00-08:00"}
    stamp = int(MONDAY.timestamp())
    assert _hook(bot, case, timestamp=stamp) == (200, '{"status": "added", "external_id": "C-1"}')
    assert _hook(bot, case, timestamp=stamp)[0] == 409  # the very same signed request again: a replay
    assert _hook(bot, case, secret="someone-elses-secret-000")[0] == 401
    assert _hook(bot, case, headers={"Content-Type": "application/json"})[0] == 401  # unsigned
    assert _hook(bot, b"not json")[0] == 400
    assert _hook(bot, b" " * (64 * 1024 + 1))[0] == 413  # bounded before anything parses it
    status, text = _hook(bot, {**case, "account": "Acne", "opened_at": "yesterday"})
    assert status == 400 and "account: 'Acne' is not a stored account (close matches: Acme)" in text
    assert "opened_at: 'yesterday' is not a date and time" in text
    resolved = {**case, "resolved_at": "2026-12-07T19:00:00Z"}
    assert _hook(bot, resolved, timestamp=stamp + 1) == (200, '{"status": "updated", "external_id": "C-1"}')
    (complaint,) = _complaints(bot)
    assert complaint.due_at == datetime(2026, 12, 7, 21, 30, tzinfo=UTC)  # 09:30 + 4 working hours in LA
    assert complaint.text == "Late delivery\nStill waiting" and complaint.source == "webhook"
    assert complaint.resolved_at == datetime(2026, 12, 7, 19, 0, tzinfo=UTC)
    assert len(eventually(lambda: dms(bot, "UREP4", "yours to answer by"))) == 1
    later = {**case, "external_id": "C-2", "opened_at": "2026-12-07T10:00:00-08:00"}
    assert _hook(bot, later, timestamp=stamp + 2)[0] == 200
    monday = datetime(2026, 12, 14, 6, 0, tzinfo=UTC)  # 08:00 in Vilnius: Maria's weekly digest
    bot.clock.now = monday
    assert bot.job("digests", monday).startswith("queued 2 digest")
    with bot.services.sessions.begin() as s:  # as queued: delivering would draw the digest's chart (1.7 s)
        digest = s.scalars(select(OutboxMessage.payload).where(OutboxMessage.method == "chat.postMessage",
                                                               OutboxMessage.key.like("digest:%"))).one()
    assert (":rotating_light: Complaints: 1 open, 1 overdue; median time to resolve in the last 7 days 1.5 working h"
            in block_texts(digest["blocks"]))
    _log(bot, "Acme", user="UREP4", owner="UREP0")  # the owner chosen in the modal, not the account's
    assert _complaints(bot)[-1].owner_id == person_ids(bot)["UREP0"]
    assert eventually(lambda: dms(bot, "UREP0", "Aduan daripada Acme untuk anda jawab"))  # in Malay, UREP0's
