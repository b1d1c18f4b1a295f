"""The real app over Socket Mode: connects through SLACK_API_URL with the app token, records answers, edits DMs."""

from collections.abc import Iterator

import pytest
from conftest import add_slack_users, block_texts, eventually, reader, seed_team
from slack_bolt.adapter.socket_mode import SocketModeHandler
from sqlalchemy import select

from bot.slack_double import SlackActor, close_socket_mode_client
from storage.models import Answer


@pytest.fixture
def socket_bot(migrated_database_url, slack, clock) -> Iterator[tuple]:
    """The full app over Socket Mode against the double, with a seeded team and one open round already DMed."""
    from bot.app import build_app
    from bot.bootstrap import bootstrap
    from bot.settings import Settings
    from surveys import service

    settings = Settings(database_url=migrated_database_url, slack_api_url=slack.api_url,
                        slack_bot_token=slack.bot_token, slack_signing_secret=slack.signing_secret,
                        slack_app_token=slack.app_token)
    services = bootstrap(settings, clock=clock, migrate=False)
    with services.sessions.begin() as session:
        seed_team(session, reps=6)
    add_slack_users(slack, reps=6)
    with services.unit() as u:
        survey_id = service.create_survey(u.surveys, team="Hunters", question_ids=["enps", "manager"],
                                          cadence="weekly", weekday="mon", send_time="09:00", now=u.now)
        round_ = service.open_round_now(u.surveys, u.messenger, survey_id=survey_id, now=u.now)
    assert services.delivery.drain().sent == 6
    handler = SocketModeHandler(build_app(services), settings.slack_app_token)
    try:
        handler.connect()
        assert slack.enable_socket_mode().wait_for_connection(timeout=5)
        yield services, handler, round_.id
    finally:
        close_socket_mode_client(handler)  # before the double stops, or the client dials it again
        services.close()


def _answers(services):
    with services.sessions.begin() as s:
        return [tuple(r) for r in s.execute(select(Answer.question_id, Answer.value)).all()]


def test_the_connection_is_opened_through_slack_api_url_with_the_app_token(slack, socket_bot):
    (opened,) = slack.calls_to("apps.connections.open")
    assert opened.ok and opened.token == slack.app_token
    assert opened.response["url"].startswith(f"ws://127.0.0.1:{slack.socket_mode.port}/")
    assert slack.socket_mode.connection_count == 1


def test_a_click_over_socket_mode_records_the_answer_and_edits_the_dm_in_place(slack, socket_bot):
    services, _, round_id = socket_bot
    (dm,) = slack.messages("UREP0")
    reply = SlackActor(slack).click(None, "UREP0", dm, "survey_answer:enps:9", via_socket=True)
    assert reply.status == 200 and reply.body == b""  # the envelope was acked with no payload
    assert eventually(lambda: _answers(services) == [("enps", 9)])
    assert eventually(lambda: len(slack.calls_to("chat.update")) == 1)
    (updated,) = slack.messages("UREP0")
    assert updated["ts"] == dm["ts"] and len(updated["edit_history"]) == 1
    chosen = [e["value"] for b in updated["blocks"] if b["type"] == "actions" for e in b["elements"]
              if e.get("style")]
    assert chosen == [f"{round_id}:enps:9"]
    t = reader(0)  # UREP0 reads Malay
    assert t.gettext(":white_check_mark: Your answer: {value}", value=t.number(9)) in block_texts(updated["blocks"])


def test_a_redelivered_envelope_records_nothing_twice(slack, socket_bot, monkeypatch):
    services, _, _ = socket_bot
    finished = []  # each answer listener ends by sending its outbox keys (none when nothing changed)
    drain = services.delivery.drain

    def counting(*args, **kwargs):
        try:
            return drain(*args, **kwargs)
        finally:
            keys = kwargs.get("keys")
            if not (keys and all(k.startswith("home:") for k in keys)):  # App Home refreshes are coalesced apart
                finished.append(keys)

    monkeypatch.setattr(services.delivery, "drain", counting)
    actor = SlackActor(slack)
    (dm,) = slack.messages("UREP1")
    actor.click(None, "UREP1", dm, "survey_answer:manager:4", via_socket=True)
    assert eventually(lambda: len(finished) == 1 and len(slack.calls_to("chat.update")) == 1)
    assert actor.click(None, "UREP1", dm, "survey_answer:manager:4", via_socket=True, retry_num=1).status == 200
    (other,) = slack.messages("UREP2")  # a later click: once its edit is out and nothing is in flight, the retry ended
    actor.click(None, "UREP2", other, "survey_answer:manager:3", via_socket=True)
    assert eventually(lambda: len(slack.calls_to("chat.update")) == 2 and services.answering.count == 0)
    assert len(finished) == 2  # the first click's edit and the later click's: the retry sent nothing
    assert sorted(_answers(services)) == [("manager", 3), ("manager", 4)]
    assert len(slack.calls_to("chat.update")) == 2  # the retry edited nothing


def test_a_reps_pulse_over_socket_mode_is_refused_in_the_ack(slack, socket_bot):
    reply = SlackActor(slack).slash_command(None, "/pulse", user_id="UREP4", via_socket=True)
    assert reply.json() == {"text": "Only managers and admins in the roster can create pulse surveys."}
    assert not slack.calls_to("views.open")
