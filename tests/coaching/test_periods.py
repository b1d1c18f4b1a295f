"""Periods: keys for weeks, months and quarters, words relative to an injected today, and the period before."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coaching.periods import KINDS, Period, PeriodError, parse_period, period_of

TODAY = date(2017, 8, 16)  # a Wednesday in 2017-W33, 2017-08, 2017-Q3


@pytest.mark.parametrize(("key", "start", "end", "kind"), [
    ("2017-Q3", date(2017, 7, 1), date(2017, 10, 1), "quarter"),
    ("2017-07", date(2017, 7, 1), date(2017, 8, 1), "month"),
    ("2017-W27", date(2017, 7, 3), date(2017, 7, 10), "week"),
    ("2017-12", date(2017, 12, 1), date(2018, 1, 1), "month"),
    ("2020-W53", date(2020, 12, 28), date(2021, 1, 4), "week"),
    (" 2017q4 ", date(2017, 10, 1), date(2018, 1, 1), "quarter"),
])
def test_keys_name_their_days_and_read_back_as_written(key, start, end, kind):
    period = parse_period(key, today=TODAY)
    assert (period.start, period.end, period.kind) == (start, end, kind)
    assert parse_period(period.key, today=TODAY) == period


@pytest.mark.parametrize(("words", "key"), [
    ("this month", "2017-08"), ("last month", "2017-07"), ("This  Quarter", "2017-Q3"),
    ("last quarter", "2017-Q2"), ("this week", "2017-W33"), ("previous week", "2017-W32"),
])
def test_words_are_read_against_the_injected_today(words, key):
    assert parse_period(words, today=TODAY).key == key


def test_last_quarter_in_january_is_the_previous_years_fourth():
    assert parse_period("last quarter", today=date(2018, 1, 2)).key == "2017-Q4"


@pytest.mark.parametrize(("key", "previous"), [
    ("2017-Q1", "2016-Q4"), ("2017-01", "2016-12"), ("2021-W01", "2020-W53"), ("2017-W27", "2017-W26"),
])
def test_the_previous_period_is_the_one_just_before_of_the_same_kind(key, previous):
    assert parse_period(key, today=TODAY).previous().key == previous


@pytest.mark.parametrize(("text", "says"), [
    ("2017-13", "names no such period"),
    ("2021-W53", "names no such period"),  # 2021 has 52 ISO weeks
    ("2017-Q5", "is not a period"),
    ("yesterday", "is not a period"),
    ("0000-01", "names no such period"),
])
def test_unreadable_periods_are_refused_with_what_is_allowed(text, says):
    with pytest.raises(PeriodError) as caught:
        parse_period(text, today=TODAY)
    message = str(caught.value)
    assert says in message and "2017-Q3" in message and "\n" not in message


def test_a_week_straddling_two_months_touches_both():
    week = parse_period("2017-W31", today=TODAY)  # Monday 31 July to Sunday 6 August
    assert week.months() == (date(2017, 7, 1), date(2017, 8, 1))
    assert week.last_day == date(2017, 8, 6) and week.days == 7


def test_an_unknown_kind_of_period_is_refused():
    with pytest.raises(PeriodError, match="fortnight"):
        period_of("fortnight", TODAY)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)), st.sampled_from(KINDS))
def test_every_day_falls_in_one_period_whose_key_reads_back_and_whose_neighbours_touch_it(day, kind):
    period = period_of(kind, day)
    assert period.contains(day)
    assert parse_period(period.key, today=TODAY) == period
    assert period.previous().end == period.start and period.following().start == period.end
    assert period.previous().following() == period
    assert period.start.weekday() == 0 if kind == "week" else period.start.day == 1


def test_periods_order_by_start():
    assert sorted([Period(date(2017, 8, 1), date(2017, 9, 1), "month"),
                   Period(date(2017, 7, 1), date(2017, 8, 1), "month")])[0].key == "2017-07"
