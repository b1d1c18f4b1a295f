"""An admin's announcement templates in the real flows: a Malay win post and a Chinese survey intro saved with
`salescoach template set`, shown in those languages only, with user and CRM text still unable to ping."""

from datetime import UTC, datetime, timedelta

import pytest
from conftest import eventually, reader, with_recognition_channel
from sqlalchemy import update

from bot.cli.main import main
from storage.crm.importer import import_crm_file
from storage.models import Team
from storage.teams import set_channel

CHANNEL = "CWINS001"
HEADER = "external_id,owner,stage,account,amount,engaged_on,closed_on\n"
WIN_MS = (':tada: {{ rep }} menang *{{ account or "satu urusan" }}*{% if amount %} — {{ amount }}{% endif %}'
          '{% if days %} dalam {{ days }} hari{% endif %}')


@pytest.fixture
def template(running_bot, tmp_path, monkeypatch):
    """`salescoach template set NAME FILE --locale L` against the running bot's database."""
    monkeypatch.setenv("DATABASE_URL", running_bot.services.settings.database_url)
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")

    def save(name, text, locale):
        path = tmp_path / f"{name}-{locale}.j2"
        path.write_text(text, encoding="utf-8")
        assert main(["template", "set", name, str(path), "--locale", locale]) == 0

    return save


def _win(bot, tmp_path, account, locale):
    with bot.services.unit() as u:
        set_channel(u.session, team="Hunters", channel_id=CHANNEL, locale=locale)
    deals = tmp_path / "deals.csv"
    deals.write_text(HEADER + f'D-1,rep1@example.com,won,"{account}",48000,2026-10-01,2026-11-20\n', encoding="utf-8")
    with bot.services.unit() as u:
        import_crm_file(u.session, kind="deals", path=deals, now=u.now)
    assert bot.job("announce_wins") == "announced 1 win(s), queued 1 post(s)"
    bot.deliver()
    return eventually(lambda: bot.slack.messages(CHANNEL))[0]


def test_a_malay_channel_gets_the_admins_win_template_with_malay_money(running_bot, template, tmp_path):
    bot = with_recognition_channel(running_bot, CHANNEL, "wins")
    template("win", WIN_MS, "ms")
    post = _win(bot, tmp_path, "Acme Sdn Bhd", "ms-MY")
    assert post["blocks"][0]["text"]["text"] == ":tada: <@UREP1> menang *Acme Sdn Bhd* — USD48,000 dalam 50 hari"
    assert "20 Nov 2026" in str(post["blocks"][1])  # the rest of the post stays built-in, in Malay


def test_a_template_for_another_language_leaves_the_built_in_post_unchanged(running_bot, template, tmp_path):
    bot = with_recognition_channel(running_bot, CHANNEL, "wins")
    template("win", WIN_MS, "ms")
    post = _win(bot, tmp_path, "Acme Sdn Bhd", "en-US")
    assert post["blocks"][0]["text"]["text"] == ":trophy: <@UREP1> won *Acme Sdn Bhd* — $48,000 · closed in 50 days"


def test_a_crm_account_named_like_a_channel_ping_pings_nobody_through_a_template(running_bot, template, tmp_path):
    bot = with_recognition_channel(running_bot, CHANNEL, "wins")
    template("win", WIN_MS + " <!{{ account|lower }}>", "ms")  # even a template that tries to build the markup
    post = _win(bot, tmp_path, "<!channel> <@UMGR> <https://evil.example|Acme>", "ms-MY")
    line = post["blocks"][0]["text"]["text"]
    assert line.startswith(":tada: <@UREP1> menang *&lt;!channel&gt; &lt;@UMGR&gt; &lt;https://evil.example|Acme&gt;*")
    assert "<!" not in line and "<@UMGR" not in line and "<http" not in line
    assert "<" not in line.replace("<@UREP1>", "")  # the only markup left is the bot's own mention of the rep


def test_a_chinese_survey_intro_heads_the_chinese_readers_dm_only(running_bot, template):
    bot = running_bot
    template("survey", "{{ team }} 的脉搏调查：{{ questions }} 个问题，{{ closes }} 截止", "zh")
    with bot.services.unit() as u:
        u.session.execute(update(Team).values(name="<!here> Hunters"))
    from surveys import service

    monday = datetime(2026, 11, 30, tzinfo=UTC)
    with bot.services.unit(bot.clock()) as u:
        service.create_survey(u.surveys, team="<!here> Hunters", question_ids=["enps", "manager"], cadence="weekly",
                              weekday="mon", send_time="09:00", now=bot.clock())
    bot.clock.now = monday + timedelta(hours=18)
    bot.job("open_rounds")
    bot.deliver()
    chinese = bot.slack.messages("UREP1")[0]  # UREP1 reads Chinese; the others Malay, Lithuanian, Persian, English
    assert chinese["blocks"][0]["text"]["text"].startswith("&lt;!here&gt; Hunters 的脉搏调查：2 个问题，")
    assert chinese["blocks"][0]["text"]["text"].endswith(" 截止")
    for i in (0, 2, 3, 4):
        built_in = reader(i).gettext("Pulse survey for {team}", team="&lt;!here&gt; Hunters")
        assert bot.slack.messages(f"UREP{i}")[0]["blocks"][0]["text"]["text"] == built_in
