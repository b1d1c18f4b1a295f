"""A manager can share results with the team: a summary in the team's channel, never comments or small rounds."""

from datetime import UTC, datetime, timedelta

from conftest import RESULTS_WAIT

from bot.cli.main import main
from surveys import answering, service

NOW = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)


def _round(bot, *, share, answers, comment=None):
    with bot.services.unit(NOW) as u:
        survey_id = service.create_survey(u.surveys, team="Hunters", question_ids=["enps"], cadence="weekly",
                                          weekday="mon", send_time="09:00", now=NOW, share_with_team=share)
        round_ = service.open_round_now(u.surveys, u.messenger, survey_id=survey_id, now=NOW)
        members = u.surveys.recipients_for(u.surveys.plan(survey_id).team_id)
        for member, value in zip(members, answers, strict=False):
            answering.record_answer(u.surveys, u.messenger, round_id=round_.id, person_id=member.person_id,
                                  question_id="enps", value=value, now=NOW)
        if comment:
            answering.record_comment(u.surveys, round_id=round_.id, person_id=members[0].person_id, comment=comment,
                                   now=NOW)
    bot.clock.now = NOW + timedelta(days=4)
    bot.job("close_rounds")
    bot.deliver(within=RESULTS_WAIT)


def _set_channel(bot, monkeypatch, channel):
    monkeypatch.setenv("DATABASE_URL", bot.services.settings.database_url)
    assert main(["team", "channel", "Hunters", channel, "--locale", "en-GB"]) == 0


def test_a_shared_round_posts_a_summary_without_comments_to_the_team_channel_once(running_bot, monkeypatch):
    bot = running_bot
    channel = bot.slack.add_channel("hunters")
    _set_channel(bot, monkeypatch, channel)
    _round(bot, share=True, answers=[10, 9, 9, 7, 3, 0], comment="My manager never listens")
    bot.job("close_rounds")
    bot.deliver(within=RESULTS_WAIT)
    (summary,) = bot.slack.messages(channel)
    text = str(summary["blocks"])
    assert "6 of 6 people answered" in text and "Shared with the team" in text
    assert "never listens" not in text
    assert "never listens" in str(bot.slack.messages("UMGR")[0]["blocks"])  # the manager still sees it


def test_nothing_goes_to_the_channel_when_the_round_is_withheld_or_not_shared(running_bot, monkeypatch):
    bot = running_bot
    channel = bot.slack.add_channel("hunters")
    _set_channel(bot, monkeypatch, channel)
    _round(bot, share=True, answers=[10, 9])
    _round(bot, share=False, answers=[10, 9, 9, 7, 3, 0])
    assert bot.slack.messages(channel) == []


def test_a_bad_channel_id_is_refused_with_what_is_allowed(running_bot, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", running_bot.services.settings.database_url)
    assert main(["team", "channel", "Hunters", "#hunters"]) == 1
    assert "expected one like C0123ABCD" in capsys.readouterr().err
