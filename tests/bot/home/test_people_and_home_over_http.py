"""The full app over real HTTP: profile events keep people current, App Home publishes once; health and 404."""

import json
import urllib.error
import urllib.request

from alembic.script import ScriptDirectory
from conftest import count_drains, eventually
from sqlalchemy import select

from bot.slack_double import payloads
from storage.db import MIGRATIONS
from storage.models import Person

HEAD = ScriptDirectory(str(MIGRATIONS)).get_current_head()  # the newest migration, applied at start-up


def _person(bot, slack_id):
    with bot.services.sessions.begin() as s:
        person = s.scalar(select(Person).where(Person.slack_id == slack_id))
        return {"tz": person.tz, "locale": person.locale, "active": person.active}


def _get(bot, path):
    url = bot.url.replace("/slack/events", path)
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.headers.get("Content-Type"), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type"), json.loads(error.read())


def test_a_user_change_with_a_new_time_zone_and_locale_updates_the_person(running_bot):
    bot = running_bot
    assert _person(bot, "UREP0") == {"tz": "Asia/Kuala_Lumpur", "locale": "ms-MY", "active": True}
    bot.slack.set_user("UREP0", tz="America/Chicago", locale="es-LA")
    assert bot.actor.user_change(bot.url, "UREP0").status == 200
    assert eventually(lambda: _person(bot, "UREP0")["tz"] == "America/Chicago")
    assert _person(bot, "UREP0") == {"tz": "America/Chicago", "locale": "es-LA", "active": True}
    assert _person(bot, "UREP1")["tz"] == "Asia/Shanghai"  # nobody else changed


def test_a_deleted_user_change_deactivates_the_person(running_bot):
    bot = running_bot
    bot.slack.set_user("UREP2", deleted=True)
    assert bot.actor.user_change(bot.url, "UREP2").status == 200
    assert eventually(lambda: _person(bot, "UREP2")["active"] is False)
    assert _person(bot, "UREP3")["active"] is True


def test_app_home_opened_publishes_a_home_view_and_a_replayed_event_publishes_nothing_more(running_bot,
                                                                                          monkeypatch):
    bot = running_bot
    drained = count_drains(bot, monkeypatch, "home:")
    ws = bot.slack.workspace
    event = {"type": "app_home_opened", "user": "UREP4", "channel": bot.slack.dm_channel_id("UREP4"), "tab": "home"}
    body = json.dumps(payloads.event_callback(ws, event, event_id="Ev0HOME0001")).encode()
    assert bot.actor.post(bot.url, body, "application/json").status == 200
    home = eventually(lambda: bot.slack.home_view("UREP4"))
    assert home is not None and home["type"] == "home"
    assert "My open surveys" in json.dumps(home["blocks"]) and "My numbers this month" in json.dumps(home["blocks"])
    assert eventually(lambda: len(drained) == 1)
    for retry in (1, 2):  # Slack retries with the very same body (same event_id and event_ts)
        assert bot.actor.post(bot.url, body, "application/json", retry_num=retry).status == 200
    assert eventually(lambda: len(drained) == 3)  # both retries ran to the end
    assert len(bot.slack.calls_to("views.publish")) == 1


def test_app_home_tells_someone_outside_the_roster_to_ask_their_admin(running_bot):
    bot = running_bot
    bot.slack.add_user("stranger", id="USTRANGER")
    assert bot.actor.app_home_opened(bot.url, "USTRANGER").status == 200
    home = eventually(lambda: bot.slack.home_view("USTRANGER"))
    assert "You are not in the roster yet" in json.dumps(home["blocks"])


def test_healthz_reports_the_database_its_migration_and_outbox_counts(running_bot):
    bot = running_bot
    status, content_type, body = _get(bot, "/healthz")
    assert (status, content_type) == (200, "application/json")
    dialect = bot.services.engine.dialect.name
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True, "dialect": dialect, "migration": HEAD}
    assert body["outbox"] == {}
    with bot.services.unit() as u:
        u.messenger.post("health:1", "UREP0", "hello", [{"type": "section", "text": {"type": "mrkdwn",
                                                                                      "text": "hello"}}],
                         person_id=None)
    assert _get(bot, "/healthz")[2]["outbox"] == {"pending": 1}
    bot.deliver()
    assert _get(bot, "/healthz")[2]["outbox"] == {"sent": 1}


def test_an_unknown_path_answers_404_with_the_paths_that_exist(running_bot):
    status, content_type, body = _get(running_bot, "/nope")
    assert (status, content_type) == (404, "application/json")
    assert body["paths"] == ["/slack/events", "/healthz"]


def test_a_url_verification_challenge_is_echoed(running_bot):
    challenge = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    reply = running_bot.actor.url_verification(running_bot.url, challenge=challenge)
    assert reply.status == 200
    assert reply.json() == {"challenge": challenge}
