"""Working-hours arithmetic for complaint due times: weekends, holidays, time zones, and the hours between."""

from datetime import UTC, date, datetime

import pytest

from coaching.complaints.hours import add_working_hours, midway, working_hours_between

VILNIUS = "Europe/Vilnius"  # UTC+2 in December


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """A December 2026 moment in Vilnius, in UTC."""
    return datetime(2026, 12, day, hour - 2, minute, tzinfo=UTC)


def test_four_working_hours_inside_one_day_are_four_hours_later():
    assert add_working_hours(local(7, 10), 4, tz=VILNIUS) == local(7, 14)


def test_a_complaint_at_half_past_five_on_friday_is_due_on_monday_at_half_past_twelve():
    friday = local(11, 17, 30)
    assert add_working_hours(friday, 4, tz=VILNIUS) == local(14, 12, 30)


def test_time_logged_outside_working_hours_starts_counting_at_the_next_working_morning():
    assert add_working_hours(local(12, 11), 4, tz=VILNIUS) == local(14, 13)  # Saturday: Monday 09:00 + 4 h
    assert add_working_hours(local(8, 7), 1, tz=VILNIUS) == local(8, 10)  # before 09:00


def test_holidays_are_skipped_like_weekends():
    assert add_working_hours(local(11, 17), 4, tz=VILNIUS, holidays={date(2026, 12, 14)}) == local(15, 12)


def test_the_owners_time_zone_decides():
    monday_utc = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)  # 16:00 in Kuala Lumpur, 10:00 in Vilnius
    assert add_working_hours(monday_utc, 4, tz="Asia/Kuala_Lumpur") == datetime(2026, 12, 8, 3, 0, tzinfo=UTC)
    assert add_working_hours(monday_utc, 4, tz=VILNIUS) == datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def test_working_hours_between_count_only_working_time():
    assert working_hours_between(local(11, 17, 30), local(14, 12, 30), tz=VILNIUS) == pytest.approx(4)
    assert working_hours_between(local(14, 12), local(14, 10), tz=VILNIUS) == 0


def test_halfway_is_half_the_working_time():
    assert midway(local(11, 17, 30), local(14, 12, 30), tz=VILNIUS) == local(14, 10, 30)


def test_negative_hours_are_refused():
    with pytest.raises(ValueError, match="0 or more"):
        add_working_hours(local(7, 10), -1, tz=VILNIUS)
