"""Cycle dates and local send times, with fixed dates (no clock)."""

from datetime import UTC, date, datetime, time

from surveys.cadence import is_cycle_date, local_due, recent_cycle_dates

MON = 0


def test_weekly_cycle_is_every_chosen_weekday_from_the_anchor():
    anchor = date(2026, 11, 1)
    assert is_cycle_date("weekly", MON, anchor, date(2026, 11, 2))
    assert is_cycle_date("weekly", MON, anchor, date(2026, 11, 9))
    assert not is_cycle_date("weekly", MON, anchor, date(2026, 11, 10))
    assert not is_cycle_date("weekly", MON, anchor, date(2026, 10, 26))


def test_biweekly_skips_every_other_week():
    anchor = date(2026, 11, 1)
    assert is_cycle_date("biweekly", MON, anchor, date(2026, 11, 2))
    assert not is_cycle_date("biweekly", MON, anchor, date(2026, 11, 9))
    assert is_cycle_date("biweekly", MON, anchor, date(2026, 11, 16))


def test_monthly_is_the_first_chosen_weekday_and_quarterly_only_in_quarter_months():
    anchor = date(2026, 1, 1)
    assert is_cycle_date("monthly", MON, anchor, date(2026, 12, 7))
    assert not is_cycle_date("monthly", MON, anchor, date(2026, 12, 14))
    assert is_cycle_date("quarterly", MON, anchor, date(2026, 10, 5))
    assert not is_cycle_date("quarterly", MON, anchor, date(2026, 11, 2))


def test_recent_cycle_dates_are_newest_first_and_not_before_the_anchor():
    assert recent_cycle_dates("weekly", MON, date(2026, 11, 1), date(2026, 11, 20)) == [
        date(2026, 11, 16), date(2026, 11, 9)]
    assert recent_cycle_dates("weekly", MON, date(2026, 11, 10), date(2026, 11, 20)) == [date(2026, 11, 16)]


def test_local_due_is_nine_in_each_persons_zone_across_the_date_line():
    day = date(2026, 11, 23)
    assert local_due(day, time(9), "Asia/Kuala_Lumpur") == datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
    assert local_due(day, time(9), "America/Los_Angeles") == datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
    assert local_due(day, time(9), "Pacific/Kiritimati") == datetime(2026, 11, 22, 19, 0, tzinfo=UTC)


def test_local_due_follows_daylight_saving_time():
    assert local_due(date(2026, 3, 30), time(9), "Europe/Vilnius") == datetime(2026, 3, 30, 6, 0, tzinfo=UTC)
    assert local_due(date(2026, 3, 23), time(9), "Europe/Vilnius") == datetime(2026, 3, 23, 7, 0, tzinfo=UTC)
