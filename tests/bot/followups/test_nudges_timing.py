"""When follow-up nudges go out: each rep's local morning on a working day, on both sides of the date line and
across a DST change; never on weekends, holidays or while away; and a re-run job sends nothing twice."""

from datetime import UTC, date, datetime, timedelta

from nudge_fixtures import add_deal, dms

from storage.calendar import add_holiday
from storage.models import Person

FRIDAY = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # Saturday 01:00 in Auckland, Friday 04:00 in Los Angeles


def _first_nudges(bot, start: datetime, hours: int, users=("UREP4", "UREP5")) -> dict[str, list[datetime]]:
    """Tick `nudges` hourly and deliver; when each rep's nudge DMs arrived."""
    arrived: dict[str, list[datetime]] = {u: [] for u in users}
    for hour in range(hours):
        at = start + timedelta(hours=hour)
        bot.clock.now = at
        seen = {u: len(dms(bot, u, "Follow-ups for today")) for u in users}
        bot.job("nudges", at)
        bot.deliver()
        for u in users:
            arrived[u] += [at] * (len(dms(bot, u, "Follow-ups for today")) - seen[u])
    return arrived


def _set_status(bot, slack_id: str, emoji: str | None) -> None:
    with bot.services.sessions.begin() as s:
        s.query(Person).filter(Person.slack_id == slack_id).one().status_emoji = emoji


def test_each_rep_gets_one_nudge_at_nine_local_on_either_side_of_the_date_line_and_a_rerun_sends_nothing(
        running_bot):
    bot = running_bot
    add_deal(bot, "D-NZ", "UREP5", 5000.0)  # Auckland, UTC+13
    add_deal(bot, "D-LA", "UREP4", 7000.0)  # Los Angeles, UTC-8
    arrived = _first_nudges(bot, FRIDAY, 24 * 4)
    assert arrived == {"UREP4": [datetime(2026, 11, 20, 17, 0, tzinfo=UTC)],  # Friday 09:00 in Los Angeles
                       "UREP5": [datetime(2026, 11, 22, 20, 0, tzinfo=UTC)]}  # Monday 09:00 in Auckland (Sunday UTC)
    again = _first_nudges(bot, FRIDAY, 24 * 4)  # the same four days once more
    assert again == {"UREP4": [], "UREP5": []}
    assert len([c for c in bot.slack.calls_to("chat.postMessage") if "Follow-ups for today" in str(c.params)]) == 2


def test_no_nudge_on_a_holiday_or_while_away_then_the_next_working_morning(running_bot):
    bot = running_bot
    add_deal(bot, "D-NZ", "UREP5", 5000.0)
    add_deal(bot, "D-LA", "UREP4", 7000.0)
    with bot.services.sessions.begin() as s:
        add_holiday(s, day="2026-11-23", name="Team day", team="Hunters")
    _set_status(bot, "UREP4", ":palm_tree:")
    arrived = _first_nudges(bot, FRIDAY, 24 * 3)  # to Monday 12:00 UTC
    assert arrived == {"UREP4": [], "UREP5": []}  # away on Friday, the weekend, the team's holiday on Monday
    _set_status(bot, "UREP4", None)
    arrived = _first_nudges(bot, FRIDAY + timedelta(days=3), 36)
    assert arrived == {"UREP4": [datetime(2026, 11, 24, 17, 0, tzinfo=UTC)],  # Tuesday 09:00 in Los Angeles
                       "UREP5": [datetime(2026, 11, 23, 20, 0, tzinfo=UTC)]}  # Tuesday 09:00 in Auckland


def test_the_local_morning_follows_daylight_saving_time(running_bot):
    bot = running_bot
    add_deal(bot, "D-1", "UREP4", 7000.0, last_activity_on=date(2026, 10, 1), stage_changed_on=date(2026, 10, 1))
    friday = _first_nudges(bot, datetime(2026, 10, 30, 12, 0, tzinfo=UTC), 12, users=("UREP4",))
    assert friday == {"UREP4": [datetime(2026, 10, 30, 16, 0, tzinfo=UTC)]}  # 09:00 PDT (UTC-7)
    add_deal(bot, "D-2", "UREP4", 3000.0, last_activity_on=date(2026, 10, 1), stage_changed_on=date(2026, 10, 1))
    monday = _first_nudges(bot, datetime(2026, 11, 2, 12, 0, tzinfo=UTC), 12, users=("UREP4",))
    assert monday == {"UREP4": [datetime(2026, 11, 2, 17, 0, tzinfo=UTC)]}  # 09:00 PST (UTC-8), after the change
    assert "D-2" in str(dms(bot, "UREP4", "Follow-ups for today")[-1]["blocks"])


def test_the_admins_own_away_emoji_keeps_nudges_away_too(running_bot):
    import dataclasses

    bot = running_bot
    add_deal(bot, "D-LA", "UREP4", 7000.0)
    _set_status(bot, "UREP4", ":hammock_custom:")  # parental leave: not one of the built-in away emoji
    bot.services.settings = dataclasses.replace(bot.services.settings, away_emoji=(":hammock_custom:",))
    assert _first_nudges(bot, FRIDAY, 12, users=("UREP4",)) == {"UREP4": []}  # Friday 09:00 LA passes quietly
    bot.services.settings = dataclasses.replace(bot.services.settings, away_emoji=())
    assert _first_nudges(bot, FRIDAY, 12, users=("UREP4",)) == {
        "UREP4": [datetime(2026, 11, 20, 17, 0, tzinfo=UTC)]}  # without the setting the same status is no excuse
