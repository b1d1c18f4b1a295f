"""POST /hooks/deals on the bot's own HTTP server: signed deals are taken and a won one posted once, whatever
retries and replicas do; anything unsigned, badly signed, stale or replayed is refused with nothing recorded."""

import dataclasses
import http.client
import json

import pytest
from conftest import eventually, with_recognition_channel

from bot.app import build_app
from bot.bootstrap import bootstrap
from bot.recognition.webhook_auth import sign
from bot.runtime.server import serving
from storage.crm.models import CrmDeal
from storage.models import OutboxMessage
from storage.recognition.models import WebhookSignature, Win

SECRET = "crm-shared-secret-0123456789"
CHANNEL = "CHOOKS01"
DEAL = {"external_id": "SF-006Q1", "owner": "rep2@example.com", "stage": "Closed Won", "account": "Acme Sdn Bhd",
        "amount": 48000, "engaged_on": "2026-10-13", "closed_on": "2026-11-22"}


@pytest.fixture
def bot(running_bot):
    running_bot.services.settings = dataclasses.replace(running_bot.services.settings, webhook_secret=SECRET)
    return with_recognition_channel(running_bot, CHANNEL, "wins")


def signed(body, *, timestamp, secret=SECRET):
    """The headers a CRM sends: the timestamp and the signature of 'v0:{timestamp}:{body}'."""
    return {"Content-Type": "application/json", "X-Salescoach-Timestamp": str(timestamp),
            "X-Salescoach-Signature": sign(body, timestamp=timestamp, secret=secret)}


def post(port, body, headers, path="/hooks/deals"):
    """POST raw bytes with exactly these headers; returns (status, body text)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def send(port, body, *, timestamp, signature=None, secret=SECRET, path="/hooks/deals"):
    headers = signed(body, timestamp=timestamp, secret=secret)
    if signature is not None:
        headers["X-Salescoach-Signature"] = signature
    return post(port, body, headers, path)


def deal(bot, payload=DEAL, **options):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return send(bot.server.effective_port, body, timestamp=options.pop("timestamp", int(bot.clock.now.timestamp())),
                **options)


def recorded(bot):
    """What a request may have left behind: deals, wins, signatures taken and outbox rows."""
    with bot.services.sessions.begin() as s:
        return tuple(s.query(model).count() for model in (CrmDeal, Win, WebhookSignature, OutboxMessage))


def stored_deal(bot):
    with bot.services.sessions.begin() as s:
        row = s.query(CrmDeal).filter_by(external_id=DEAL["external_id"]).one()
        return row.outcome, row.stage, row.amount, row.closed_on.isoformat()


def test_a_won_deal_is_posted_to_the_reps_team_with_amount_and_cycle(bot):
    assert deal(bot) == (200, '{"status": "won", "external_id": "SF-006Q1"}')
    post = eventually(lambda: bot.slack.messages(CHANNEL))
    assert post[0]["blocks"][0]["text"]["text"] == (
        ":trophy: <@UREP2> won *Acme Sdn Bhd* — $48,000 · closed in 40 days")


def test_webhook_retries_and_a_second_replica_post_the_won_deal_once(bot, slack, clock):
    assert deal(bot)[0] == 200
    assert deal(bot)[0] == 409  # the same request again
    clock.advance(seconds=30)
    assert deal(bot) == (200, '{"status": "recorded", "external_id": "SF-006Q1"}')  # re-sent, newly stamped
    replica = bootstrap(bot.services.settings, clock=clock, migrate=False)
    try:
        with serving(build_app(replica, token_verification=True), replica, threads=2) as server:
            clock.advance(seconds=30)
            body = json.dumps(DEAL).encode()
            assert send(server.effective_port, body, timestamp=int(clock.now.timestamp()))[0] == 200
            assert replica.delivery.drain().sent == 0
    finally:
        replica.close()
    assert bot.job("announce_wins").startswith("announced 0 win(s)")  # the import path finds it taken too
    bot.deliver()
    assert len(bot.slack.messages(CHANNEL)) == 1 and len(slack.calls_to("chat.postMessage")) == 1


def test_a_bad_signature_is_refused_with_401_and_nothing_recorded(bot):
    before = recorded(bot)
    assert deal(bot, signature="v0=" + "0" * 64) == (401, "unauthorized: X-Salescoach-Signature does not match the "
                                                          "timestamp and body\n")
    assert deal(bot, secret="another-secret-of-the-same-size")[0] == 401
    tampered = json.dumps({**DEAL, "amount": 1}).encode()
    now = int(bot.clock.now.timestamp())
    assert deal(bot, tampered, signature=sign(json.dumps(DEAL).encode(), timestamp=now, secret=SECRET))[0] == 401
    assert deal(bot, timestamp=int(bot.clock.now.timestamp()) - 3600)[0] == 401  # a stale request replayed
    assert recorded(bot) == before
    assert bot.slack.messages(CHANNEL) == []


def test_a_bad_deal_is_refused_with_400_and_one_line_per_problem(bot):
    status, text = deal(bot, {"external_id": "D-9", "owner": "rep1@example.com", "stage": "won", "amount": "lots",
                              "closd_on": "2026-11-20"})
    assert status == 400
    assert text.splitlines() == [
        "amount: 'lots' is not a number; expected a number such as 1250.50 (no currency sign)",
        "closd_on: not a deal field (is it 'closed_on'?); expected external_id, owner, stage, outcome, account, "
        "product, amount, engaged_on, created_on, expected_close_on, closed_on, next_step, next_step_on, "
        "last_activity_on, churned, acquisition_cost, loss_reason, competitor",
        "closed_on: missing for a won deal; expected the date it closed as YYYY-MM-DD"]
    assert deal(bot, b"{not json")[0] == 400
    assert recorded(bot) == (0, 0, 0, 0)


def test_a_deal_whose_owner_is_not_in_the_roster_is_refused_and_leaves_nothing_behind(bot):
    status, text = deal(bot, {**DEAL, "owner": "stranger@example.com"})
    assert status == 400 and text.startswith("owner: 'stranger@example.com' is not in the roster")
    assert recorded(bot) == (0, 0, 0, 0)


def test_without_a_secret_the_route_answers_503_saying_how_to_turn_it_on(running_bot):
    status, text = send(running_bot.server.effective_port, b"{}", timestamp=0, secret="x")
    assert status == 503 and "set SALESCOACH_WEBHOOK_SECRET" in text


def test_a_lost_deal_asks_its_owner_why_unless_the_crm_sent_the_reason_and_a_strange_reason_is_refused(bot):
    lost = {"external_id": "SF-L1", "owner": "rep5@example.com", "stage": "Closed Lost", "closed_on": "2026-11-20"}
    assert deal(bot, lost)[0] == 200
    said = {**lost, "external_id": "SF-L2", "loss_reason": "No Decision", "competitor": "Acme CRM"}
    assert deal(bot, said)[0] == 200
    assert deal(bot, {**lost, "external_id": "SF-L3", "loss_reason": "weather"}) == (
        400, "loss_reason: 'weather' is not a loss reason; expected price, competitor, timing, no decision, product "
             "gap or other (also pricing, budget; competition; do nothing, status quo; missing feature)\n")
    bot.clock.now = bot.clock.now.replace(hour=20, minute=30)  # Tuesday 09:30 in Auckland, where rep 5 works
    bot.job("loss_reasons")
    bot.deliver()
    asked = [m for m in bot.slack.messages("UREP5") if "loss_reason:price" in json.dumps(m.get("blocks"))]
    assert len(asked) == 1 and "SF-L1" in json.dumps(asked[0]["blocks"]) and "SF-L2" not in json.dumps(asked)
    with bot.services.sessions.begin() as s:
        row = s.query(CrmDeal).filter_by(external_id="SF-L2").one()
        assert (row.loss_reason, row.competitor) == ("no_decision", "Acme CRM")
