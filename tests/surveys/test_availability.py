"""Working days, holidays, out-of-office statuses and the reminder policy, with an injected `now`."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from surveys.availability import AwayRule, WorkingTime
from surveys.ports import Member
from surveys.reminders import DEFAULT_POLICY

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)  # Tuesday 11:00 in Kuala Lumpur


def _member(tz="Asia/Kuala_Lumpur", **status):
    return Member(1, "Aisyah", "a@example.com", "rep", tz, "ms-MY", "U1", 1, **status)


def test_a_send_date_on_a_holiday_or_weekend_moves_to_the_next_working_day():
    working = WorkingTime()
    assert working.on_or_after(date(2026, 12, 25), {date(2026, 12, 25)}) == date(2026, 12, 28)
    assert working.on_or_after(date(2026, 11, 30), set()) == date(2026, 11, 30)


def test_slack_statuses_that_mean_out_of_office_in_several_languages():
    rule = AwayRule()
    assert rule.is_away(text="", emoji=":palm_tree:", until=None, now=NOW)
    assert rule.is_away(text="OOO until Monday", emoji=None, until=None, now=NOW)
    assert rule.is_away(text="Sedang cuti", emoji=None, until=None, now=NOW)
    assert rule.is_away(text="休假中", emoji=None, until=None, now=NOW)
    assert not rule.is_away(text="Booked solid with demos", emoji=":calendar:", until=None, now=NOW)
    assert not rule.is_away(text="Leaving early", emoji=None, until=None, now=NOW)


def test_an_expired_status_no_longer_counts_as_out():
    assert not AwayRule().is_away(text="vacation", emoji=None, until=NOW - timedelta(minutes=1), now=NOW)


def test_admins_can_choose_their_own_away_emoji_and_words():
    rule = AwayRule(emoji=(":mountain:",), words=("offsite",))
    assert rule.is_away(text="", emoji=":mountain:", until=None, now=NOW)
    assert rule.is_away(text="At the offsite", emoji=None, until=None, now=NOW)
    assert not rule.is_away(text="", emoji=":palm_tree:", until=None, now=NOW)


def _next(policy=DEFAULT_POLICY, *, invited_at=NOW - timedelta(hours=25), sent=0, responded=False,
          closes_at=NOW + timedelta(days=2), now=NOW, member=None, holidays=frozenset()):
    return policy.next_reminder(member=member or _member(), invited_at=invited_at, sent=sent, responded=responded,
                                closes_at=closes_at, now=now, holidays=holidays)


def test_first_reminder_after_24_hours_and_the_second_after_72():
    assert _next(invited_at=NOW - timedelta(hours=23)) is None
    assert _next() == 1
    assert _next(sent=1) is None
    assert _next(sent=1, invited_at=NOW - timedelta(hours=73)) == 2
    assert _next(sent=2, invited_at=NOW - timedelta(hours=200)) is None


def test_no_reminder_for_people_who_answered_or_after_the_round_closed():
    assert _next(responded=True) is None
    assert _next(closes_at=NOW) is None


def test_reminders_wait_for_local_working_hours_on_both_sides_of_the_date_line():
    assert _next(member=_member("America/Los_Angeles")) is None  # Monday 19:00 in Los Angeles
    assert _next(member=_member("America/Los_Angeles"), now=NOW + timedelta(hours=14)) == 1  # Tue 09:00
    assert _next(member=_member("Pacific/Auckland")) == 1  # Tuesday 16:00 in Auckland
    assert _next(member=_member("Pacific/Auckland"), now=NOW + timedelta(hours=3)) is None  # 19:00


def test_no_reminders_on_holidays_or_while_out_of_office():
    assert _next(holidays=frozenset({date(2026, 12, 1)})) is None
    assert _next(member=_member(status_emoji=":palm_tree:")) is None


def test_reminders_follow_daylight_saving_time_in_vilnius():
    march = datetime(2026, 3, 30, 6, 30, tzinfo=UTC)  # Monday after the change: 09:30 EEST
    assert _next(member=_member("Europe/Vilnius"), now=march, invited_at=march - timedelta(days=2),
                 closes_at=march + timedelta(days=1)) == 1
    winter = datetime(2026, 3, 23, 6, 30, tzinfo=UTC)  # a week earlier: 08:30 EET, before working hours
    assert _next(member=_member("Europe/Vilnius"), now=winter, invited_at=winter - timedelta(days=2),
                 closes_at=winter + timedelta(days=1)) is None


def test_the_last_reminder_comes_a_day_before_the_close_when_the_window_is_short():
    invited = NOW - timedelta(hours=50)
    assert _next(sent=1, invited_at=invited, closes_at=NOW + timedelta(hours=25)) == 2  # pulled in to a day before
    assert _next(sent=1, invited_at=invited, closes_at=NOW + timedelta(hours=30)) is None  # not yet
    assert _next(sent=1, invited_at=invited, closes_at=NOW + timedelta(hours=23)) is None  # too late: never


def test_no_reminder_comes_less_than_a_day_before_the_close_even_if_working_hours_come_late():
    """The README's promise, for the demo's Tehran rep: a round closing Thursday 17:00 UTC (20:30 in Tehran) gets
    its last reminder on Wednesday, in the last working hour there (17:00-18:00 Tehran), never on Thursday."""
    tehran, invited = _member(tz="Asia/Tehran"), datetime(2026, 11, 30, 5, 30, tzinfo=UTC)  # Monday 09:00 there
    closes = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)
    moments = [invited + timedelta(minutes=5 * n) for n in range(int((closes - invited) / timedelta(minutes=5)))]
    sent, when = 0, []
    for now in moments:
        if _next(sent=sent, invited_at=invited, closes_at=closes, now=now, member=tehran) is not None:
            sent, when = sent + 1, [*when, now]
    assert len(when) == 2 and all(closes - moment >= timedelta(hours=24) for moment in when)
    local = [moment.astimezone(ZoneInfo("Asia/Tehran")) for moment in when]
    assert [(m.strftime("%a"), 9 <= m.hour < 18) for m in local] == [("Tue", True), ("Wed", True)]
    assert local[1].hour == 17


def test_results_wait_for_the_managers_working_hours():
    working = WorkingTime()
    close = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)  # Thursday; Friday 01:00 in Kuala Lumpur
    assert working.next_moment(close, "Asia/Kuala_Lumpur", frozenset()) == datetime(2026, 12, 4, 1, 0, tzinfo=UTC)
    assert working.next_moment(close, "Europe/London", frozenset()) == close  # 17:00 there: still working
    friday = datetime(2026, 12, 4, 17, 30, tzinfo=UTC)  # 01:30 Saturday in Kuala Lumpur, holiday Monday
    assert working.next_moment(friday, "Asia/Kuala_Lumpur", {date(2026, 12, 7)}) == datetime(
        2026, 12, 8, 1, 0, tzinfo=UTC)
