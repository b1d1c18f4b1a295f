"""One-on-one nudges on the clock: reminders the working day before at each side's local morning (across the
date line), the manager's data prep, overdue nudges and recognition gaps, each to the right manager, once."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from nudge_fixtures import MEETING, THURSDAY, add_deal, add_other_team, dms, person_ids, reply, run_hourly, set_weekly

from storage.crm.models import CrmActivity, CrmDeal
from storage.followups.models import OneOnOneMeeting
from storage.recognition.models import Win
from storage.recognition.repository import RecognitionRepository
from surveys import answering, closing
from surveys import service as surveys

MONDAY = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)


def test_reminders_reach_each_side_the_working_day_before_at_their_local_morning_once(running_bot):
    bot = running_bot
    set_weekly(bot, "UREP5")  # Auckland: the meeting is Tuesday 20:00 there
    set_weekly(bot, "UREP4")  # Los Angeles: the meeting is Monday 23:00 there, so Friday is the day before
    sent: dict[str, list[datetime]] = {"UMGR": [], "UREP4": [], "UREP5": []}
    for _ in range(2):  # the same days twice: the re-run sends nothing
        for hour in range(24 * 4 + 7):
            at = datetime(2026, 11, 20, 0, 0, tzinfo=UTC) + timedelta(hours=hour)
            run_hourly(bot, "one_on_ones", at, 1)
            for user in sent:
                sent[user] += [at] * (len(dms(bot, user, "One-on-one with")) - len(sent[user]))
    assert sent == {"UREP4": [datetime(2026, 11, 20, 17, 0, tzinfo=UTC)],  # Friday 09:00 in Los Angeles
                    "UREP5": [datetime(2026, 11, 22, 20, 0, tzinfo=UTC)],  # Monday 09:00 in Auckland
                    "UMGR": [datetime(2026, 11, 23, 7, 0, tzinfo=UTC)] * 2}  # Monday 09:00 in Vilnius, per rep
    rep = str(dms(bot, "UREP4", "One-on-one with")[0]["blocks"])
    assert "Mon, Nov 23 11:00" in rep and "Your prep" not in rep  # the rep's own time; no prep for the rep
    assert all("Your prep (only you see this)" in str(m["blocks"]) for m in dms(bot, "UMGR", "One-on-one with"))


def _seed_prep(bot, *, answers: list[int]) -> None:
    """Rep 5: more calls last week than in the week of the last one-on-one, a win, two kudos, a stale deal, and
    a closed survey round of the team with `answers` eNPS answers."""
    ids = person_ids(bot)
    rep = ids["UREP5"]
    with bot.services.unit(THURSDAY) as u:
        for day, n in ((date(2026, 11, 10), 10), (date(2026, 11, 17), 25)):
            u.session.add(CrmActivity(rep_id=rep, day=day, week_start=day - timedelta(days=day.weekday()),
                                      month=day.replace(day=1), kind="call", count=n))
        u.session.add(CrmDeal(external_id="W-1", owner_id=rep, stage="Won", outcome="won", amount=4000.0,
                              closed_on=date(2026, 11, 18), close_month=date(2026, 11, 1),
                              close_week=date(2026, 11, 16), updated_at=THURSDAY))
        u.session.add(Win(source="slack", rep_id=rep, account="Acme", amount=4000.0, occurred_on=date(2026, 11, 18),
                          created_at=datetime(2026, 11, 18, 9, tzinfo=UTC)))
        kudos = RecognitionRepository(u.session)
        for n, day in enumerate((12, 20)):
            kudos.add_kudos(key=f"k{n}", giver_id=ids["UMGR"], receiver_ids=[rep], value=None, message="Thanks!",
                            now=datetime(2026, 11, day, 9, tzinfo=UTC))
        pair = u.one_on_ones.pair_of(manager_id=ids["UMGR"], rep_id=rep)
        assert pair is not None
        u.session.add(OneOnOneMeeting(pair_id=pair.id, day=date(2026, 11, 10), outcome="held", recorded_by=ids["UMGR"],
                                      recorded_at=THURSDAY))
        survey = surveys.create_survey(u.surveys, team="Hunters", question_ids=["enps"], cadence="weekly",
                                       weekday="mon", send_time="09:00", now=THURSDAY)
        round_ = surveys.open_round_now(u.surveys, u.messenger, survey_id=survey, now=THURSDAY)
        for slack_id, value in zip(("UREP0", "UREP1", "UREP2", "UREP3", "UREP4"), answers, strict=False):
            answering.record_answer(u.surveys, u.messenger, round_id=round_.id, person_id=ids[slack_id],
                                  question_id="enps", value=value, now=THURSDAY)
        closing.close_round_now(u.surveys, u.messenger, survey_id=survey, now=THURSDAY)
    add_deal(bot, "D-STALE", "UREP5", 9000.0)


def _manager_reminder(bot) -> str:
    run_hourly(bot, "one_on_ones", MEETING - timedelta(hours=23), 1)  # Monday 08:00 UTC: 10:00 in Vilnius
    (dm,) = dms(bot, "UMGR", "One-on-one with Rep 5")
    return str(dm["blocks"])


def test_the_managers_reminder_carries_the_prep_with_kpi_changes_recognition_and_team_enps(running_bot):
    bot = running_bot
    set_weekly(bot)
    _seed_prep(bot, answers=[10, 9, 9, 6, 8])
    prep = _manager_reminder(bot)
    assert "since your last one-on-one on Nov 10, 2026" in prep
    assert "Week 2026-W47 against week 2026-W46:" in prep
    assert "Activities: 10 → *25* :large_green_circle: better" in prep
    assert "Revenue won: $0 → *$4,000* :large_green_circle: better" in prep
    assert "1 open deal needs a follow-up" in prep
    assert "Wins: 1 · kudos received: 2" in prep and "Last recognised 3 days ago" in prep
    assert "Team sentiment: eNPS +40" in prep


def test_team_sentiment_is_withheld_in_the_prep_when_fewer_than_five_answered(running_bot):
    bot = running_bot
    set_weekly(bot)
    _seed_prep(bot, answers=[10, 9, 9])
    prep = _manager_reminder(bot)
    assert "Team sentiment: withheld, fewer than 5 people answered the latest survey" in prep
    assert "eNPS" not in prep


def test_a_manager_is_nudged_once_a_week_when_no_one_on_one_was_held_for_one_and_a_half_cadences(running_bot):
    bot = running_bot
    add_other_team(bot)
    set_weekly(bot, "UREP5")
    set_weekly(bot, "UOTHER", manager="UMGR2")
    run_hourly(bot, "one_on_ones", MONDAY, 24)  # 4 days after the cadence was set: not yet
    assert not dms(bot, "UMGR", "No one-on-one with")
    for _ in range(2):
        run_hourly(bot, "one_on_ones", MONDAY + timedelta(days=7), 24)  # 11 days: more than 10.5
    (ours,) = dms(bot, "UMGR", "No one-on-one with")
    (theirs,) = dms(bot, "UMGR2", "No one-on-one with")
    assert "No one-on-one with Rep 5 for 11 days; a weekly cadence allows 10." in str(ours["blocks"])
    assert "Olga Other" in str(theirs["blocks"]) and "Rep 5" not in str(theirs["blocks"])
    assert not [m for m in bot.slack.messages("UMGR") if "Olga" in str(m.get("blocks"))]
    reply(bot, "UMGR", "")  # nothing else changes; a week on, the nudge comes again
    run_hourly(bot, "one_on_ones", MONDAY + timedelta(days=14), 24)
    assert len(dms(bot, "UMGR", "No one-on-one with Rep 5")) == 2


def test_managers_are_nudged_about_their_own_reports_not_recognised_for_the_configured_days(running_bot):
    bot = running_bot
    add_other_team(bot)
    ids = person_ids(bot)
    with bot.services.unit(MONDAY) as u:
        kudos = RecognitionRepository(u.session)
        for n, (rep, days) in enumerate((("UREP5", 70), ("UREP4", 10), ("UOTHER", 100))):
            kudos.add_kudos(key=f"gap{n}", giver_id=ids["UMGR"], receiver_ids=[ids[rep]], value=None,
                            message="Thanks!", now=MONDAY - timedelta(days=days))
    for _ in range(2):
        run_hourly(bot, "recognition_gaps", MONDAY, 24)
    (ours,) = dms(bot, "UMGR", "has not been recognised")
    (theirs,) = dms(bot, "UMGR2", "has not been recognised")
    assert "Rep 5 has not been recognised for 70 days (last on Sep 14, 2026)." in str(ours["blocks"])
    assert "Olga Other has not been recognised for 100 days" in str(theirs["blocks"])
    bot.services.settings = replace(bot.services.settings, recognition_gap_days=90)  # SALESCOACH_RECOGNITION_GAP_DAYS
    run_hourly(bot, "recognition_gaps", MONDAY + timedelta(days=7), 24)
    assert len(dms(bot, "UMGR", "has not been recognised")) == 1  # 77 days is within 90 now
    assert len(dms(bot, "UMGR2", "has not been recognised")) == 2
