"""One-on-ones: cadence days, the next meeting, agenda, reminders the day before on each side of the date line,
the outcome prompt after the slot, the overdue nudge, the manager's prep and recognition gaps."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from coaching.one_on_ones.meetings import (
    AgendaItem,
    Cadence,
    Meeting,
    OneOnOneError,
    Pair,
    build_agenda,
    meeting_days,
    next_meeting,
    plan_outcome_prompts,
    plan_overdue,
    plan_reminders,
    starts_at,
    to_carry,
)
from coaching.one_on_ones.prep import build_prep, plan_recognition_gaps
from coaching.timing import Person

LA_MANAGER, AUCKLAND_REP, KIRITIMATI_MANAGER, LA_REP = 1, 2, 3, 4
PEOPLE = {
    LA_MANAGER: Person(LA_MANAGER, 1, "America/Los_Angeles", role="manager"),
    AUCKLAND_REP: Person(AUCKLAND_REP, 1, "Pacific/Auckland", manager_id=LA_MANAGER),
    KIRITIMATI_MANAGER: Person(KIRITIMATI_MANAGER, 2, "Pacific/Kiritimati", role="manager"),
    LA_REP: Person(LA_REP, 2, "America/Los_Angeles", manager_id=KIRITIMATI_MANAGER),
}
ANCHOR = date(2026, 11, 2)
# Mondays 16:00 in Los Angeles: Tuesdays 13:00 in Auckland (in November, PST and NZDT).
LA_PAIR = Pair(7, LA_MANAGER, AUCKLAND_REP, Cadence("weekly", 0, time(16, 0), ANCHOR))
# Mondays 10:00 in Kiritimati: Sundays 12:00 in Los Angeles.
KIRITIMATI_PAIR = Pair(8, KIRITIMATI_MANAGER, LA_REP, Cadence("weekly", 0, time(10, 0), ANCHOR))


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_weekly_biweekly_and_monthly_meeting_days():
    start, end = date(2026, 11, 1), date(2027, 1, 1)
    weekly = Pair(1, 1, 2, Cadence("weekly", 1, time(9), ANCHOR))
    biweekly = Pair(1, 1, 2, Cadence("biweekly", 1, time(9), date(2026, 11, 10)))
    monthly = Pair(1, 1, 2, Cadence("monthly", 1, time(9), ANCHOR))
    assert meeting_days(weekly, [], start=start, end=end)[:3] == [date(2026, 11, 3), date(2026, 11, 10),
                                                                 date(2026, 11, 17)]
    assert meeting_days(biweekly, [], start=start, end=end) == [date(2026, 11, 10), date(2026, 11, 24),
                                                               date(2026, 12, 8), date(2026, 12, 22)]
    assert meeting_days(monthly, [], start=start, end=end) == [date(2026, 11, 3), date(2026, 12, 1)]


def test_a_cadence_refuses_unknown_kinds_and_weekdays():
    with pytest.raises(OneOnOneError, match="weekly, biweekly, monthly"):
        Cadence("daily", 0, time(9), ANCHOR)
    with pytest.raises(OneOnOneError, match="weekday"):
        Cadence("weekly", 7, time(9), ANCHOR)


def test_the_next_meeting_skips_days_with_an_outcome_and_includes_the_day_it_moved_to():
    today = date(2026, 11, 23)
    assert next_meeting(LA_PAIR, [], today=today) == today
    moved = [Meeting(LA_PAIR.id, today, "moved", moved_to=date(2026, 11, 25))]
    assert next_meeting(LA_PAIR, moved, today=today) == date(2026, 11, 25)
    skipped = [Meeting(LA_PAIR.id, today, "skipped"), Meeting(99, date(2026, 11, 30), "skipped")]
    assert next_meeting(LA_PAIR, skipped, today=today) == date(2026, 11, 30)


def test_the_slot_is_in_the_managers_time_zone_across_daylight_saving_time():
    manager = PEOPLE[LA_MANAGER]
    assert starts_at(LA_PAIR, date(2026, 10, 26), manager=manager) == utc(2026, 10, 26, 23, 0)  # PDT
    assert starts_at(LA_PAIR, date(2026, 11, 2), manager=manager) == utc(2026, 11, 3, 0, 0)  # PST


def item(item_id: int, kind: str = "talking_point", **fields) -> AgendaItem:
    values = {"pair_id": LA_PAIR.id, "author_id": AUCKLAND_REP, "text": f"item {item_id}",
              "created_at": utc(2026, 11, 1) + timedelta(hours=item_id), **fields}
    return AgendaItem(item_id, kind=kind, **values)


def test_the_agenda_has_carried_points_new_points_and_open_action_items_by_due_date():
    items = [item(1, carried=True), item(2), item(3, done=True), item(4, "action", owner_id=AUCKLAND_REP,
                                                                       due=date(2026, 12, 1)),
             item(5, "action", owner_id=LA_MANAGER, due=date(2026, 11, 20), carried=True),
             item(6, "action", owner_id=LA_MANAGER, done=True), item(7, pair_id=99)]
    agenda = build_agenda(pair=LA_PAIR, items=items, meeting_on=date(2026, 11, 23))
    assert [i.id for i in agenda.carried] == [1]
    assert [i.id for i in agenda.added] == [2]
    assert [(i.id, i.owner_id, i.due) for i in agenda.actions] == [(5, LA_MANAGER, date(2026, 11, 20)),
                                                                   (4, AUCKLAND_REP, date(2026, 12, 1))]
    assert to_carry(items, pair_id=LA_PAIR.id) == [2]  # open talking points not yet carried


def reminders(now: datetime, *, pairs=(LA_PAIR,), meetings=(), sent=(), holidays=None) -> set[str]:
    plans = plan_reminders(pairs=list(pairs), meetings=list(meetings), people=PEOPLE, sent=sent, now=now,
                           holidays=holidays or {})
    return {r.key for r in plans}


def test_each_side_is_reminded_the_working_day_before_their_own_meeting_date():
    # Monday 23 November 16:00 in Los Angeles is Tuesday 24 November 13:00 in Auckland.
    manager_key, rep_key = "1on1:7:2026-11-23:reminder:1", "1on1:7:2026-11-23:reminder:2"
    assert reminders(utc(2026, 11, 20, 16, 59)) == set()
    assert reminders(utc(2026, 11, 20, 17, 0)) == {manager_key}  # Friday 09:00 in Los Angeles
    assert reminders(utc(2026, 11, 22, 19, 59)) == set()  # Sunday for the manager, Monday 08:59 in Auckland
    assert reminders(utc(2026, 11, 22, 20, 0)) == {rep_key}  # Monday 09:00 in Auckland
    assert reminders(utc(2026, 11, 23, 17, 0), sent={manager_key, rep_key}) == set()
    assert reminders(utc(2026, 11, 24, 0, 0)) == set()  # the meeting has begun


def test_across_the_date_line_a_rep_can_meet_on_their_sunday_and_is_reminded_on_friday():
    # Monday 23 November 10:00 in Kiritimati is Sunday 22 November 12:00 in Los Angeles.
    rep_key = "1on1:8:2026-11-23:reminder:4"
    assert rep_key not in reminders(utc(2026, 11, 20, 16, 59), pairs=[KIRITIMATI_PAIR])
    assert rep_key in reminders(utc(2026, 11, 20, 17, 0), pairs=[KIRITIMATI_PAIR])  # Friday 09:00 in LA
    manager_key = "1on1:8:2026-11-23:reminder:3"
    assert manager_key in reminders(utc(2026, 11, 19, 19, 0), pairs=[KIRITIMATI_PAIR])  # Friday 09:00 there


def test_a_holiday_the_day_before_moves_the_reminder_to_the_working_day_before_it():
    holidays = {1: {date(2026, 11, 20)}}  # the manager's team is off on Friday
    assert reminders(utc(2026, 11, 20, 17, 0), holidays=holidays) == set()
    assert "1on1:7:2026-11-23:reminder:1" in reminders(utc(2026, 11, 19, 17, 0), holidays=holidays)


def test_no_reminder_for_a_meeting_that_already_has_an_outcome():
    assert reminders(utc(2026, 11, 20, 17, 0), meetings=[Meeting(7, date(2026, 11, 23), "skipped")]) == set()


def test_the_manager_is_asked_how_it_went_half_an_hour_into_the_slot_once():
    def prompts(now, meetings=(), sent=()):
        return [p.key for p in plan_outcome_prompts(pairs=[LA_PAIR], meetings=list(meetings), people=PEOPLE,
                                                    sent=sent, now=now, holidays={})]
    assert prompts(utc(2026, 11, 24, 0, 29)) == []
    assert prompts(utc(2026, 11, 24, 0, 30)) == ["1on1:7:2026-11-23:outcome"]
    assert prompts(utc(2026, 11, 24, 0, 30), sent={"1on1:7:2026-11-23:outcome"}) == []
    assert prompts(utc(2026, 11, 24, 0, 30), meetings=[Meeting(7, date(2026, 11, 23), "held")]) == []


def overdue(now: datetime, meetings=(), sent=()) -> list[tuple[int, int, str]]:
    found = plan_overdue(pairs=[LA_PAIR], meetings=list(meetings), people=PEOPLE, sent=sent, now=now, holidays={})
    return [(o.days, o.allowed_days, o.key) for o in found]


def test_the_manager_is_nudged_when_none_was_held_for_one_and_a_half_cadences():
    held = [Meeting(7, date(2026, 11, 9), "held"), Meeting(7, date(2026, 11, 16), "skipped")]
    assert overdue(utc(2026, 11, 19, 17, 0), held) == []  # Thursday 19th: 10 days
    assert overdue(utc(2026, 11, 20, 17, 0), held) == [(11, 10, "1on1-overdue:7:2026-W47")]
    assert overdue(utc(2026, 11, 20, 17, 0), held, sent={"1on1-overdue:7:2026-W47"}) == []
    assert overdue(utc(2026, 11, 23, 17, 0), held, sent={"1on1-overdue:7:2026-W47"})[0][2] == "1on1-overdue:7:2026-W48"


def test_a_pair_that_never_met_counts_from_the_day_the_cadence_was_set():
    assert overdue(utc(2026, 11, 12, 17, 0)) == []  # 10 days after the anchor
    assert overdue(utc(2026, 11, 13, 17, 0)) == [(11, 10, "1on1-overdue:7:2026-W46")]


def test_prep_gives_kpi_changes_counts_and_days_since_recognised():
    prep = build_prep(rep_id=2, since=date(2026, 11, 9), today=date(2026, 11, 23),
                      kpis={"win_rate": (0.25, 0.5), "calls": (None, 12.0)}, stale_deals=3, recent_wins=1,
                      recent_kudos=2, last_recognised_on=date(2026, 10, 24), team_sentiment=None)
    assert [(k.name, k.change) for k in prep.kpi_changes] == [("win_rate", 0.25), ("calls", None)]
    assert (prep.stale_deals, prep.recent_wins, prep.recent_kudos, prep.days_since_recognised) == (3, 1, 2, 30)
    assert prep.team_sentiment is None


def gaps(now: datetime, last: dict, started: dict | None = None, sent=(), **kw) -> list[tuple[int, int, int]]:
    found = plan_recognition_gaps(people=list(PEOPLE.values()), last_recognised=last, started_on=started or {},
                                  sent=sent, now=now, holidays={}, **kw)
    return [(g.manager_id, g.rep_id, g.days) for g in found]


def test_a_manager_is_nudged_only_about_their_own_reports_not_recognised_for_60_days():
    last = {AUCKLAND_REP: date(2026, 9, 1), LA_REP: date(2026, 9, 1)}
    # Monday 23 November 09:30 in Los Angeles: Tuesday in Kiritimati, Monday 83 days on for Los Angeles' report.
    assert gaps(utc(2026, 11, 23, 17, 30), last) == [(LA_MANAGER, AUCKLAND_REP, 83)]
    # Monday 09:30 in Kiritimati (Sunday 19:30 UTC): only the Kiritimati manager's own report.
    assert gaps(utc(2026, 11, 22, 19, 30), last) == [(KIRITIMATI_MANAGER, LA_REP, 83)]


def test_recognition_gap_threshold_never_recognised_reps_and_weekly_keys():
    now = utc(2026, 11, 23, 17, 30)
    assert gaps(now, {AUCKLAND_REP: date(2026, 9, 24)}) == []  # 60 days is not more than 60
    assert gaps(now, {AUCKLAND_REP: date(2026, 10, 24)}, threshold_days=20) == [(LA_MANAGER, AUCKLAND_REP, 30)]
    assert gaps(now, {}) == []  # never recognised and no start known: could be a new hire
    assert gaps(now, {}, started={AUCKLAND_REP: date(2026, 1, 5)}) == [(LA_MANAGER, AUCKLAND_REP, 322)]
    key = "recognition-gap:1:2:2026-W48"
    assert gaps(now, {}, started={AUCKLAND_REP: date(2026, 1, 5)}, sent={key}) == []
