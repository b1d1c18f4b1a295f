"""Admins see the organisation's eNPS beside each team, and no team that the total would give away."""

import json
from datetime import UTC, datetime, timedelta

import openpyxl
from conftest import eventually

from bot.cli.main import main
from storage.models import Person, Team
from surveys import answering, closing, service

NOW = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)


def _add_team(bot, name, reps):
    with bot.services.sessions.begin() as s:
        team = Team(name=name, locale="en")
        s.add(team)
        s.flush()
        for i in range(reps):
            s.add(Person(email=f"{name}{i}@example.com", name=f"{name} {i}", team_id=team.id, role="rep",
                         slack_id=f"U{name.upper()}{i}", tz="Asia/Shanghai", locale="zh-CN", active=True))
        s.add(Person(email=f"admin-{name}@example.com", name="Ada Admin", team_id=team.id, role="admin",
                     slack_id=f"UADMIN{name.upper()}", tz="UTC", locale="en-US", active=True))
    for i in range(reps):
        bot.slack.add_user(f"{name}{i}", id=f"U{name.upper()}{i}", email=f"{name}{i}@example.com")
    bot.slack.add_user(f"admin{name}", id=f"UADMIN{name.upper()}", email=f"admin-{name}@example.com")


def _round(bot, team, answers, day=0):
    now = NOW + timedelta(days=day)
    with bot.services.unit(now) as u:
        plans = [p.id for p in u.surveys.plans() if p.team_name == team]
        survey_id = plans[0] if plans else service.create_survey(
            u.surveys, team=team, question_ids=["enps"], cadence="weekly", weekday="mon", send_time="09:00", now=now)
        round_ = service.open_round_now(u.surveys, u.messenger, survey_id=survey_id, now=now)
        members = u.surveys.recipients_for(u.surveys.plan(survey_id).team_id)
        for member, value in zip(members, answers, strict=False):
            answering.record_answer(u.surveys, u.messenger, round_id=round_.id, person_id=member.person_id,
                                  question_id="enps", value=value, now=now)
        closing.close_round_now(u.surveys, u.messenger, survey_id=survey_id, now=now)
    bot.services.delivery.drain(now)


def test_every_surface_shows_a_team_alike_and_the_total_that_would_reveal_a_small_team_is_withheld(running_bot):
    bot = running_bot
    _add_team(bot, "Farmers", 4)
    _round(bot, "Farmers", [10, 2, 9])
    _round(bot, "Hunters", [10, 10, 9, 7, 3, 0])  # Hunters' manager was sent Hunters' +17 at its close
    reply = bot.actor.slash_command(None, "/enps", user_id="UADMINFARMERS").json()
    text = str(reply["blocks"])
    assert "+17 (promoters 3 · passives 1 · detractors 2)" in text  # the admin sees what the manager saw
    assert "9 of 10 answered" not in text  # organisation minus Hunters would be Farmers' 3 people
    assert "Withheld: too few answers across the organisation." in text
    one_team = str(bot.actor.slash_command(None, "/enps", "Hunters", user_id="UADMINFARMERS").json()["blocks"])
    assert "+17 (promoters" in one_team and "9 of 10" not in one_team
    results = bot.actor.slash_command(None, "/pulse", "results Hunters", user_id="UADMINFARMERS").text
    assert "6 of 6 people answered" in results
    farmers = bot.actor.slash_command(None, "/pulse", "results Farmers", user_id="UADMINFARMERS").text
    assert "so that no one can be identified" in farmers and "eNPS" not in farmers
    manager_view = bot.actor.slash_command(None, "/enps", user_id="UMGR").json()
    assert "Organisation" not in str(manager_view["blocks"])
    assert "+17 (promoters 3 · passives 1 · detractors 2)" in str(manager_view["blocks"])
    admin_rollups = [str(m["blocks"]) for m in bot.slack.messages("UADMINFARMERS")]
    assert not any("9 of 10 answered" in m for m in admin_rollups)
    assert bot.actor.app_home_opened(bot.url, "UADMINFARMERS").status == 200
    assert eventually(lambda: bot.slack.home_view("UADMINFARMERS") is not None)
    home = json.dumps(bot.slack.home_view("UADMINFARMERS")["blocks"], ensure_ascii=False)
    assert "eNPS +17 (promoters 3 · passives 1 · detractors 2)" in home and "9 of 10" not in home
    assert "eNPS" not in home.split("Farmers", 1)[1].split("Hunters", 1)[0]  # Farmers' 3 stay withheld


def test_an_older_round_shown_later_cannot_be_subtracted_from_the_roll_up_sent_at_its_close(running_bot, tmp_path,
                                                                                              monkeypatch):
    bot = running_bot
    monkeypatch.setenv("DATABASE_URL", bot.services.settings.database_url)
    _add_team(bot, "Farmers", 4)
    _round(bot, "Farmers", [10, 2, 9])
    _round(bot, "Hunters", [10, 10, 9, 7, 3, 0])  # the roll-up sent now must not show 9 people
    _round(bot, "Hunters", [10, 10, 10, 10, 10, 10], day=1)  # a newer round: the older one is history now
    rollups = [str(m["blocks"]) for m in bot.slack.messages("UADMINFARMERS")]
    history = str(bot.actor.slash_command(None, "/enps", "Hunters", user_id="UADMINFARMERS").json()["blocks"])
    assert "+17 (promoters 3 · passives 1 · detractors 2)" in history and "+100" in history
    assert not any("9 of 10 answered" in m for m in rollups)  # or older Hunters + it would give Farmers' 3
    out = tmp_path / "hunters.xlsx"
    assert main(["export", "survey", "--team", "Hunters", "--out", str(out)]) == 0
    sheet = "\n".join(str(row) for row in openpyxl.load_workbook(out).worksheets[0].iter_rows(values_only=True))
    assert "17" in sheet and "100" in sheet


def test_roll_up_pushed_at_close_is_withheld_when_it_minus_an_earlier_view_reveals_a_small_team(running_bot):
    bot = running_bot
    _add_team(bot, "Farmers", 4)
    _round(bot, "Hunters", [10, 10, 9, 7, 3, 0])  # the admin is sent the organisation = Hunters' 6 people
    first = str(bot.slack.messages("UADMINFARMERS")[-1]["blocks"])
    assert "Hunters just closed a round" in first and "6 of 6 answered" in first
    _round(bot, "Farmers", [10, 2, 9])  # organisation now 9: minus the earlier view it would be Farmers' 3
    second = str(bot.slack.messages("UADMINFARMERS")[-1]["blocks"])
    assert "Farmers just closed a round" in second
    assert "Withheld: too few answers across the organisation." in second and "9 of 10" not in second
    on_demand = str(bot.actor.slash_command(None, "/enps", user_id="UADMINFARMERS").json()["blocks"])
    assert "9 of 10 answered" not in on_demand and "+17 (promoters" in on_demand  # Hunters stays visible
