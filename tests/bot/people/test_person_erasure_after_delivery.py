"""Export and erasure of a person whose messages were delivered through the Slack double (each outbox row's
channel is then the DM's D… id and its payload is empty): the export lists every one, and after `person delete` a
reader of the whole database (every table, every column) finds neither their Slack id, their email, their DM
channel nor their open-round answer token."""

import json
from datetime import UTC, datetime

import pytest
from conftest import eventually, with_recognition_channel
from cryptography.fernet import Fernet
from nudge_fixtures import add_deal, dms, person_ids, reply, set_weekly
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import inspect, select, text

from bot.cli.main import main
from storage.installations import SealedInstallationStore
from storage.models import OutboxMessage, Recipient
from surveys import service

pytestmark = pytest.mark.both_databases  # what a dump of either database holds after a delete

SLACK_ID, EMAIL = "UREP5", "rep5@example.com"  # Rep 5, in Auckland
MONDAY_AUCKLAND = datetime(2026, 11, 22, 20, 30, tzinfo=UTC)  # 09:30 on Monday there: the nudge is due


def _dump(engine) -> list[str]:
    """Every value of every column of every table in the database, as text, with where it was."""
    found = []
    with engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')).mappings():
                found += [f"{table}.{column}: {value}" for column, value in row.items()]
    return found


def _deliver_everything_to_rep5(bot) -> None:
    """A survey DM answered (so edited in place), App Home published, a follow-up nudge, kudos naming them in a
    channel and DMed to them, an app install they made; and colleagues' records that name them in free text."""
    set_weekly(bot, rep="UREP1")
    assert "Pair with" in reply(bot, "UREP1", f"add <@UMGR|maria> Pair with <@{SLACK_ID}|rep5> on Acme")
    add_deal(bot, "D-REP1", "UREP1", 500.0, next_step=f"Intro from {EMAIL.upper()}")
    bot.clock.now = MONDAY_AUCKLAND
    with bot.services.unit() as u:
        survey_id = service.create_survey(u.surveys, team="Hunters", question_ids=["enps"], cadence="weekly",
                                          weekday="mon", send_time="09:00", now=MONDAY_AUCKLAND)
        service.open_round_now(u.surveys, u.messenger, survey_id=survey_id, now=MONDAY_AUCKLAND)
    bot.deliver()
    bot.actor.click(None, SLACK_ID, bot.slack.messages(SLACK_ID)[0], "survey_answer:enps:9")
    assert eventually(lambda: bot.slack.home_view(SLACK_ID) and bot.slack.calls_to("chat.update"))
    bot.actor.app_home_opened(None, SLACK_ID)
    add_deal(bot, "D-REP5", SLACK_ID, 9000.0)
    assert bot.job("nudges").startswith("queued 1 follow-up nudge(s)")
    with_recognition_channel(bot, "C0KUDOS", "kudos")
    assert bot.actor.slash_command(None, "/kudos", f"<@{SLACK_ID}|rep5> <@UREP1|rep1> thanks for the demo",
                                   user_id="UREP0").status == 200
    assert eventually(lambda: dms(bot, SLACK_ID, "gave you kudos") and bot.slack.messages("C0KUDOS"))
    SealedInstallationStore(client_id="C0CLIENT", engine=bot.services.engine,
                            keys=[Fernet.generate_key().decode()]).save(Installation(
                                app_id="A0APP", team_id="T0AAAA", bot_token="xoxb-1", bot_id="B0AAAA",
                                bot_user_id="U0AAAABOT", user_id=SLACK_ID, user_token="xoxp-rep5",
                                user_scopes="search:read"))
    assert eventually(lambda: _all_sent(bot))  # the App Home event is handled after its ack
    assert bot.services.home_refresher.idle(30)  # and App Home refreshes, coalesced, come after the clicks' edits
    assert eventually(lambda: _all_sent(bot))
    assert dms(bot, SLACK_ID, "Follow-ups for today")


def _all_sent(bot) -> bool:
    bot.deliver()
    with bot.services.sessions.begin() as s:
        return s.scalar(select(OutboxMessage.id).where(OutboxMessage.status != "sent")) is None


def test_export_lists_every_delivered_message_and_delete_leaves_no_trace_of_the_person(running_bot, monkeypatch,
                                                                                        tmp_path, capsys):
    bot = running_bot
    _deliver_everything_to_rep5(bot)
    rep5 = person_ids(bot)[SLACK_ID]
    dm_channel = bot.slack.dm_channel_id(SLACK_ID)
    with bot.services.sessions.begin() as s:
        (token,) = s.scalars(select(Recipient.respondent_token).where(Recipient.person_id == rep5))
        rows = s.execute(select(OutboxMessage.key, OutboxMessage.method, OutboxMessage.status, OutboxMessage.channel,
                                OutboxMessage.payload).where(OutboxMessage.person_id == rep5)).all()
    assert token
    methods = {method for _, method, _, _, _ in rows}
    assert {"chat.postMessage", "chat.update", "views.publish"} <= methods
    assert all(status == "sent" and payload == {} for _, _, status, _, payload in rows)  # delivered, emptied
    assert {channel for _, method, _, channel, _ in rows if method == "chat.postMessage"} == {dm_channel}
    for env, value in (("DATABASE_URL", bot.services.settings.database_url), ("SLACK_API_URL", bot.slack.api_url),
                       ("SLACK_BOT_TOKEN", bot.slack.bot_token)):
        monkeypatch.setenv(env, value)
    out = tmp_path / "rep5.json"
    assert main(["person", "export", EMAIL, "--out", str(out)]) == 0
    exported = {o["key"] for o in json.loads(out.read_text())["outbox"]}
    assert exported == {key for key, *_ in rows}
    assert {"survey:", "nudge:", "kudos:", "home:"} <= {k.split(":")[0] + ":" for k in exported}
    assert any(SLACK_ID in line for line in _dump(bot.services.engine))  # the dump does find them before
    assert main(["person", "delete", EMAIL, "--yes"]) == 0
    capsys.readouterr()
    traces = [line for line in _dump(bot.services.engine)
              if any(needle.lower() in line.lower() for needle in (SLACK_ID, EMAIL, dm_channel, token))]
    assert traces == []
    with bot.services.engine.connect() as conn:  # the install they made: their user token is gone too
        assert conn.execute(text("SELECT user_id, user_token FROM slack_installations")).all() == [("erased", None)]
