"""The rep's morning nudge: their local morning on both sides of the date line and across DST, never on weekends,
holidays or while away, once per local date, top deals by value; and the manager's weekly digest of own reports."""

from datetime import UTC, date, datetime, timedelta

import pytest

from coaching.followups.rules import DealState, FollowupRules, Mute, Snooze, plan_followup_digests, plan_rep_nudges
from coaching.timing import Person

KIRITIMATI, AUCKLAND, LOS_ANGELES = 1, 2, 3
REPS = [Person(KIRITIMATI, 1, "Pacific/Kiritimati", manager_id=9),
        Person(AUCKLAND, 1, "Pacific/Auckland", manager_id=9),
        Person(LOS_ANGELES, 2, "America/Los_Angeles", manager_id=8)]
OLD = date(2026, 9, 1)


def stale(deal_id: int, owner: int, amount: float | None = 1000.0, **fields) -> DealState:
    values = {"stage": "Proposal", "last_activity_on": OLD, "stage_changed_on": date(2026, 11, 20), **fields}
    return DealState(deal_id, f"D-{deal_id}", owner, "Acme", amount, **values)


DEALS = [stale(10 + rep.person_id, rep.person_id) for rep in REPS]


def nudged(now: datetime, *, reps=REPS, deals=DEALS, snoozes=(), mutes=(), sent=(), holidays=None, **kw):
    plans = plan_rep_nudges(reps=reps, deals=deals, snoozes=snoozes, mutes=mutes, sent_today=sent, now=now,
                            holidays=holidays or {}, **kw)
    return {n.rep_id: n.local_date for n in plans}


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_monday_morning_reaches_kiritimati_then_auckland_on_sunday_utc_and_los_angeles_last():
    # Monday 23 November 2026, 09:00 local: Kiritimati (UTC+14) Sun 19:00 UTC, Auckland (NZDT, UTC+13) Sun 20:00,
    # Los Angeles (PST, UTC-8) Mon 17:00.
    monday = date(2026, 11, 23)
    assert nudged(utc(2026, 11, 22, 18, 59)) == {}
    assert nudged(utc(2026, 11, 22, 19, 0)) == {KIRITIMATI: monday}
    assert nudged(utc(2026, 11, 22, 20, 0)) == {KIRITIMATI: monday, AUCKLAND: monday}
    assert nudged(utc(2026, 11, 23, 17, 0)) == {LOS_ANGELES: monday}  # the Pacific is on Tuesday 06:00-07:00


def test_the_local_morning_follows_daylight_saving_time():
    # Los Angeles leaves DST on 1 November 2026: 09:00 is 16:00 UTC on Friday 30 October, 17:00 UTC on Monday 2nd.
    assert nudged(utc(2026, 10, 30, 16, 30)) == {LOS_ANGELES: date(2026, 10, 30)}
    assert nudged(utc(2026, 11, 2, 16, 30)) == {}
    assert nudged(utc(2026, 11, 2, 17, 0)) == {LOS_ANGELES: date(2026, 11, 2)}
    # Auckland enters DST on 27 September 2026: 09:00 is 21:00 UTC the day before, then 20:00 UTC.
    assert AUCKLAND in nudged(utc(2026, 9, 24, 21, 0)) and AUCKLAND not in nudged(utc(2026, 9, 24, 20, 30))
    assert AUCKLAND in nudged(utc(2026, 9, 27, 20, 0))


def test_no_nudge_on_the_local_weekend_even_when_it_is_a_weekday_in_utc():
    # Friday 27 November 20:30 UTC is Saturday morning in Kiritimati and Auckland (and Friday noon in Los Angeles).
    assert nudged(utc(2026, 11, 27, 20, 30)) == {LOS_ANGELES: date(2026, 11, 27)}
    assert nudged(utc(2026, 11, 28, 17, 30)) == {}  # Saturday in Los Angeles


def test_no_nudge_after_working_hours_end():
    assert LOS_ANGELES not in nudged(utc(2026, 11, 24, 2, 0))  # Monday 18:00 in Los Angeles
    assert LOS_ANGELES in nudged(utc(2026, 11, 24, 1, 59))


def test_a_holiday_of_the_reps_team_stops_the_nudge_and_another_teams_does_not():
    monday = date(2026, 11, 23)
    assert nudged(utc(2026, 11, 22, 20, 0), holidays={1: {monday}}) == {}
    assert nudged(utc(2026, 11, 23, 17, 0), holidays={1: {monday}}) == {LOS_ANGELES: monday}


def test_no_nudge_while_the_slack_status_says_out_and_again_once_it_expires():
    now = utc(2026, 11, 23, 17, 0)
    away = Person(LOS_ANGELES, 2, "America/Los_Angeles", status_emoji=":palm_tree:",
                  status_until=now + timedelta(hours=1))
    assert nudged(now, reps=[away]) == {}
    assert nudged(now + timedelta(hours=1), reps=[away]) == {LOS_ANGELES: date(2026, 11, 23)}


def test_one_nudge_per_rep_per_local_date_by_its_key():
    now = utc(2026, 11, 23, 17, 0)
    [plan] = plan_rep_nudges(reps=REPS, deals=DEALS, snoozes=(), mutes=(), sent_today=(), now=now, holidays={})
    assert plan.key == "nudge:3:2026-11-23"
    assert [i.key for i in plan.items] == ["nudge:no_activity:13:2026-11-23"]
    assert nudged(now, sent={"nudge:3:2026-11-23"}) == {}
    assert nudged(now + timedelta(days=1), sent={"nudge:3:2026-11-23"}) == {LOS_ANGELES: date(2026, 11, 24)}


def test_the_nudge_lists_the_top_deals_by_value_and_counts_the_rest():
    deals = [stale(n, LOS_ANGELES, amount=float(n * 100)) for n in range(1, 8)]
    [plan] = plan_rep_nudges(reps=REPS, deals=deals, snoozes=(), mutes=(), sent_today=(), now=utc(2026, 11, 23, 17),
                             holidays={}, top=5)
    assert [i.deal.deal_id for i in plan.items] == [7, 6, 5, 4, 3] and plan.more == 2


def test_a_deal_with_several_reasons_is_one_item_keyed_by_its_most_pressing_rule():
    deal = stale(5, LOS_ANGELES, next_step_on=date(2026, 11, 20), expected_close_on=date(2026, 11, 1))
    [plan] = plan_rep_nudges(reps=REPS, deals=[deal], snoozes=(), mutes=(), sent_today=(),
                             now=utc(2026, 11, 23, 17), holidays={})
    [item] = plan.items
    assert item.rules == ("next_step_overdue", "close_date_passed", "no_activity")
    assert item.key == "nudge:next_step_overdue:5:2026-11-23"
    assert [(r.days, r.threshold) for r in item.reasons] == [(3, 0), (22, 0), (83, 14)]


def test_a_rep_with_nothing_pending_gets_no_empty_nudge():
    deal = DEALS[2]
    quiet = [Snooze(deal.deal_id, "no_activity", deal.fingerprint, until=None)]
    assert nudged(utc(2026, 11, 23, 17), snoozes=quiet) == {}
    assert nudged(utc(2026, 11, 23, 17), mutes=[Mute(deal.deal_id, "no_activity")]) == {}


def test_team_thresholds_apply_to_that_teams_reps():
    fresh = [stale(10 + r.person_id, r.person_id, last_activity_on=date(2026, 11, 16)) for r in REPS]  # 7 days
    rules = FollowupRules(teams={2: FollowupRules(default_stale_after_days=5)})
    assert nudged(utc(2026, 11, 23, 17), deals=fresh, rules=rules) == {LOS_ANGELES: date(2026, 11, 23)}
    assert nudged(utc(2026, 11, 22, 20), deals=fresh, rules=rules) == {}


MANAGERS = [Person(9, 1, "Pacific/Auckland", role="manager"), Person(8, 2, "America/Los_Angeles", role="manager")]


@pytest.mark.parametrize("now", [utc(2026, 11, 22, 20, 30), utc(2026, 11, 23, 17, 30)])
def test_the_weekly_digest_lists_only_the_managers_own_reports(now):
    digests = plan_followup_digests(people=[*MANAGERS, *REPS], deals=DEALS, mutes=(), sent=(), now=now, holidays={})
    by_manager = {d.manager_id: [r.rep_id for r in d.reps] for d in digests}
    expected = {9: [KIRITIMATI, AUCKLAND]} if now.day == 22 else {8: [LOS_ANGELES]}
    assert by_manager == expected


def test_the_weekly_digest_goes_once_an_iso_week_and_leaves_muted_follow_ups_out():
    monday = utc(2026, 11, 23, 17, 30)
    [digest] = plan_followup_digests(people=[*MANAGERS, *REPS], deals=DEALS, mutes=(), sent=(), now=monday,
                                     holidays={})
    assert digest.key == "followup-digest:8:2026-W48"
    sent = {digest.key}
    tuesday = monday + timedelta(days=1)
    assert plan_followup_digests(people=[*MANAGERS, *REPS], deals=DEALS, mutes=(), sent=sent, now=tuesday,
                                 holidays={}) == []
    muted = [Mute(13, "no_activity")]
    assert plan_followup_digests(people=[*MANAGERS, *REPS], deals=DEALS, mutes=muted, sent=(), now=monday,
                                 holidays={}) == []


def test_a_monday_holiday_moves_the_digest_to_the_next_working_morning():
    holidays = {2: {date(2026, 11, 23)}}
    people = [*MANAGERS, *REPS]
    assert plan_followup_digests(people=people, deals=DEALS, mutes=(), sent=(), now=utc(2026, 11, 23, 17, 30),
                                 holidays=holidays) == []
    [digest] = plan_followup_digests(people=people, deals=DEALS, mutes=(), sent=(), now=utc(2026, 11, 24, 17, 30),
                                     holidays=holidays)
    assert digest.manager_id == 8 and digest.week == "2026-W48"
