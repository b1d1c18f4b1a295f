"""The manager's weekly list of overdue follow-ups (their own reports only, once a week), and follow-up thresholds
set with `salescoach nudges threshold` per team and stage."""

from datetime import UTC, datetime, timedelta

import pytest
from conftest import seed_team
from nudge_fixtures import add_deal, add_other_team, dms, run_hourly

from bot.cli.main import main
from coaching.followups.rules import Threshold
from storage.db import make_engine, make_sessions

MONDAY = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)


def test_each_manager_gets_one_weekly_list_of_their_own_reports_overdue_followups(running_bot):
    bot = running_bot
    add_other_team(bot)
    add_deal(bot, "D-NZ", "UREP5", 5000.0)
    muted = add_deal(bot, "D-MUTED", "UREP4", 9000.0)
    add_deal(bot, "D-LA", "UREP4", 7000.0, account="Initech")
    add_deal(bot, "D-KL", "UOTHER", 3000.0, account="Umbrella")
    with bot.services.unit(MONDAY) as u:
        u.nudges.mute(deal_id=muted, rule="no_activity", now=MONDAY)
    for _ in range(2):  # the whole Monday, twice: the re-run sends nothing
        run_hourly(bot, "nudges", MONDAY, 24)
    (ours,) = dms(bot, "UMGR", "Overdue follow-ups, 2026-W48")
    (theirs,) = dms(bot, "UMGR2", "Overdue follow-ups, 2026-W48")
    text = str(ours["blocks"])
    assert "*Rep 4*: 1 deal" in text and "*Rep 5*: 1 deal" in text and "Initech" in text
    assert "no activity for 22 days (limit 14)" in text
    assert "D-MUTED" not in text and "Olga" not in text and "Umbrella" not in text
    assert "Olga Other" in str(theirs["blocks"]) and "Rep 4" not in str(theirs["blocks"])
    run_hourly(bot, "nudges", MONDAY + timedelta(days=7), 24)  # a week later: the next week's list
    assert len(dms(bot, "UMGR", "Overdue follow-ups, 2026-W49")) == 1


def test_a_teams_threshold_for_a_stage_changes_when_its_deals_are_nudged(running_bot):
    bot = running_bot
    add_deal(bot, "D-1", "UREP5", 5000.0, last_activity_on=datetime(2026, 11, 12).date())
    with bot.services.unit(MONDAY) as u:
        team = u.surveys.team_id("Hunters")
        u.nudges.set_threshold(Threshold(team, "proposal", 10, None))
    run_hourly(bot, "nudges", MONDAY - timedelta(hours=4), 2)  # Monday 09:00 in Auckland
    (dm,) = dms(bot, "UREP5", "Follow-ups for today")
    assert "no activity for 11 days (limit 10)" in str(dm["blocks"])


@pytest.fixture
def cli_db(cli_database):
    url = cli_database
    engine = make_engine(url)
    with make_sessions(engine).begin() as s:
        seed_team(s, reps=2, slack_ids=False)
    engine.dispose()
    return url


def test_nudges_threshold_stores_a_teams_days_per_stage_and_lists_them(cli_db, capsys):
    assert main(["nudges", "threshold", "--team", "hunters", "--stage", "Proposal", "--stale-days", "10"]) == 0
    assert capsys.readouterr().out.strip() == "hunters, stage Proposal: nudge after 10 day(s) without activity"
    assert main(["nudges", "threshold", "--stall-days", "45"]) == 0
    capsys.readouterr()
    assert main(["nudges", "thresholds"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing == ["Hunters, stage proposal: nudge after 10 day(s) without activity",
                       "everyone, any stage: after 45 day(s) in one stage",
                       "defaults: 14 day(s) without activity, 30 day(s) in one stage",
                       "account defaults (days without activity, by potential): high 30, medium 60, low never"]


def test_nudges_quiet_stores_a_teams_days_per_potential_tier_and_refuses_bad_days(cli_db, capsys):
    assert main(["nudges", "quiet", "--tier", "high", "--team", "hunters", "--days", "21"]) == 0
    assert capsys.readouterr().out.strip() == "hunters, high-potential accounts: nudge after 21 day(s) without activity"
    assert main(["nudges", "quiet", "--tier", "low", "--never"]) == 0
    assert main(["nudges", "quiet", "--tier", "medium", "--days", "0"]) == 1
    assert "--days 0 is not a number of days from 1 to 365" in capsys.readouterr().err
    assert main(["nudges", "thresholds"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[:2] == ["Hunters, high-potential accounts: nudge after 21 day(s) without activity",
                           "everyone, low-potential accounts: nudge never"]


@pytest.mark.parametrize(("argv", "says"), [
    (["--team", "Hunters"], "say --stale-days N, --stall-days N or both"),
    (["--team", "Nobody", "--stale-days", "10"], "team 'Nobody' is not in the roster"),
    (["--stale-days", "0"], "--stale-days 0 is not a number of days from 1 to 365"),
    (["--stage", "Proposal", "--stall-days", "20"], "--stall-days applies to every stage of a team; leave out --stage"),
])
def test_a_bad_threshold_is_refused_in_one_line_and_nothing_is_stored(cli_db, capsys, argv, says):
    assert main(["nudges", "threshold", *argv]) == 1
    assert capsys.readouterr().err.strip() == f"salescoach: {says}"
    assert main(["nudges", "thresholds"]) == 0
    assert capsys.readouterr().out.startswith("defaults:")
