"""`person export` lists a person's /intel items and reactions; `person delete` keeps their items without an author,
drops their reactions, and shows their channel posts again without their name: a sent post edited in place, a post
still waiting replaced by one without it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from conftest import seed_team
from sqlalchemy import select, update

from bot.bootstrap import bootstrap
from bot.cli.main import main
from bot.intel import usecases
from bot.settings import Settings
from storage.intel import IntelItem, IntelRepository, set_intel_channel
from storage.models import OutboxMessage

pytestmark = pytest.mark.both_databases  # what a dump of either database holds after a delete
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
URL = "http://127.0.0.1:9/api/"


def test_export_lists_their_intel_and_delete_keeps_it_anonymous_and_unsigns_its_posts(migrated_database_url,
                                                                                      monkeypatch, capsys):
    for name, value in (("DATABASE_URL", migrated_database_url), ("SLACK_API_URL", URL),
                        ("SLACK_BOT_TOKEN", "xoxb-intel-test")):
        monkeypatch.setenv(name, value)
    services = bootstrap(Settings(database_url=migrated_database_url, slack_api_url=URL,
                                  slack_bot_token="xoxb-intel-test"), clock=lambda: NOW, migrate=False)
    with services.unit() as u:
        seed_team(u.session, reps=2)
        set_intel_channel(u.session, channel_id="CINTEL01", locale=None)
    for view, text in (("V1", "Globex wants SSO before renewal"), ("V2", "Initech froze budgets")):
        outcome = usecases.submit(services, slack_user="UREP0", slack_team_id="T0DOUBLE", view_id=view, kind="need",
                                  text=text, account_id=None, competitor_id=None, competitor_text="")
        assert not outcome.errors
    with services.unit() as u:
        first, second = u.session.scalars(select(IntelItem.id).order_by(IntelItem.id)).all()
        u.session.execute(update(OutboxMessage).where(OutboxMessage.key == f"intel:{first}").values(
            status="sent", channel="CINTEL01", ts="1.000100", payload={}))
        repo = IntelRepository(u.session)
        repo.react(first, slack_user="UREP0", reaction="eyes", added=True)  # their own, and a colleague's
        repo.react(first, slack_user="UREP1", reaction="fire", added=True)
    assert main(["person", "export", "rep0@example.com"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [i["text"] for i in data["intel_items"]] == ["Globex wants SSO before renewal", "Initech froze budgets"]
    assert data["intel_reactions"] == [{"intel_id": first, "reaction": "eyes"}]

    assert main(["person", "delete", "rep0@example.com", "--yes"]) == 0
    assert "intel items made anonymous 2" in capsys.readouterr().out
    with services.unit() as u:
        items = u.session.execute(select(IntelItem.author_id, IntelItem.reactions, IntelItem.post_key)
                                  .order_by(IntelItem.id)).all()
        assert [tuple(i) for i in items] == [(None, 1, f"intel:{first}"), (None, 0, f"intel:{second}:anonymous")]
        rows = {o.key: o for o in u.session.scalars(select(OutboxMessage))}
    assert set(rows) == {f"intel:{first}", f"intel:{first}:erased", f"intel:{second}:anonymous"}
    edit = rows[f"intel:{first}:erased"]
    assert (edit.method, edit.edits_key) == ("chat.update", f"intel:{first}")
    for key in (f"intel:{first}:erased", f"intel:{second}:anonymous"):
        shown = json.dumps(rows[key].payload)
        assert "Customer need from a former colleague" in shown and "Rep 0" not in shown
    services.close()
