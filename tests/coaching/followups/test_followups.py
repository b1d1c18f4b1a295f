"""Follow-up rules: each rule with its numbers, thresholds by stage and team, and snoozes and mutes that hold
until time passes or the deal changes (mutes for good)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coaching.followups.rules import (
    RULES,
    DealState,
    FollowupRules,
    Mute,
    Snooze,
    Threshold,
    check_deal,
    followups_due,
    pending,
    snooze_until,
)

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def deal(deal_id: int = 1, **fields) -> DealState:
    values = {"external_id": f"D-{deal_id}", "owner_id": 10, "account_name": "Acme", "amount": 1000.0,
              "stage": "Proposal", "outcome": "open", "last_activity_on": TODAY, "stage_changed_on": TODAY}
    return DealState(deal_id, **{**values, **fields})


DEFAULT = FollowupRules()


def reasons(d: DealState, rules: FollowupRules = DEFAULT, today: date = TODAY) -> dict[str, tuple]:
    return {f.rule: (f.days, f.threshold, f.since) for f in check_deal(d, today=today, rules=rules)}


def test_a_fresh_open_deal_needs_no_follow_up():
    assert reasons(deal()) == {}


def test_no_activity_counts_days_since_the_last_activity_against_the_stage_threshold():
    rules = FollowupRules(stale_after_days={"proposal": 10})
    last = TODAY - timedelta(days=12)
    assert reasons(deal(last_activity_on=last), rules) == {"no_activity": (12, 10, last)}
    assert reasons(deal(last_activity_on=TODAY - timedelta(days=10)), rules) == {}  # exactly 10 days is allowed


def test_without_any_activity_the_stage_change_counts_as_the_last_touch():
    since = TODAY - timedelta(days=20)
    found = reasons(deal(last_activity_on=None, stage_changed_on=since), FollowupRules(default_stale_after_days=14))
    assert found == {"no_activity": (20, 14, since)}


def test_a_passed_next_step_date_and_a_passed_close_date_are_due_with_days_overdue():
    found = reasons(deal(next_step_on=TODAY - timedelta(days=3), expected_close_on=TODAY - timedelta(days=1)))
    assert found == {"next_step_overdue": (3, 0, TODAY - timedelta(days=3)),
                     "close_date_passed": (1, 0, TODAY - timedelta(days=1))}
    assert reasons(deal(next_step_on=TODAY, expected_close_on=TODAY)) == {}  # due today is not yet passed


def test_a_deal_sitting_in_its_stage_too_long_is_stalled():
    since = TODAY - timedelta(days=31)
    found = reasons(deal(stage_changed_on=since), FollowupRules(stall_after_days=30))
    assert found == {"stalled": (31, 30, since)}


@pytest.mark.parametrize("outcome", ["won", "lost"])
def test_closed_deals_are_never_due(outcome):
    old = TODAY - timedelta(days=400)
    assert reasons(deal(outcome=outcome, last_activity_on=old, stage_changed_on=old, next_step_on=old,
                        expected_close_on=old)) == {}


def test_stage_thresholds_ignore_case_and_fall_back_to_the_default():
    rules = FollowupRules(stale_after_days={"Negotiation ": 5}, default_stale_after_days=20)
    assert rules.stale_after("negotiation") == 5
    assert rules.stale_after("Discovery") == 20


def test_stored_thresholds_change_everyone_then_each_team_on_top():
    rules = FollowupRules().with_thresholds([
        Threshold(None, None, stale_after_days=21, stall_after_days=40),
        Threshold(None, "Proposal", stale_after_days=7),
        Threshold(3, "proposal", stale_after_days=3),
        Threshold(3, None, stall_after_days=10),
    ])
    assert (rules.stale_after("Proposal"), rules.stale_after("Demo"), rules.stall_after_days) == (7, 21, 40)
    team = rules.for_team(3)
    assert (team.stale_after("Proposal"), team.stale_after("Demo"), team.stall_after_days) == (3, 21, 10)
    assert rules.for_team(4) is rules
    old = TODAY - timedelta(days=5)
    assert "no_activity" in reasons(deal(last_activity_on=old), team)
    assert "no_activity" not in reasons(deal(last_activity_on=old), rules.for_team(4))


def test_follow_ups_come_largest_deal_first_and_most_pressing_rule_first():
    old = TODAY - timedelta(days=100)
    small = deal(1, amount=10.0, last_activity_on=old)
    big = deal(2, amount=5000.0, last_activity_on=old, next_step_on=old)
    none = deal(3, amount=None, last_activity_on=old)
    due = followups_due([small, none, big], today=TODAY, rules=FollowupRules())
    assert [(f.deal.deal_id, f.rule) for f in due] == [(2, "next_step_overdue"), (2, "no_activity"),
                                                       (1, "no_activity"), (3, "no_activity")]


def test_a_snooze_holds_until_it_ends():
    stale = deal(last_activity_on=TODAY - timedelta(days=30))
    due = followups_due([stale], today=TODAY, rules=FollowupRules())
    snoozed = [Snooze(1, "no_activity", stale.fingerprint, until=NOW + timedelta(days=3))]
    assert pending(due, snoozes=snoozed, mutes=(), now=NOW + timedelta(days=3) - timedelta(seconds=1)) == []
    assert pending(due, snoozes=snoozed, mutes=(), now=NOW + timedelta(days=3)) == due


def test_a_change_of_the_deals_state_rearms_a_snooze_at_once():
    before = deal(last_activity_on=TODAY - timedelta(days=30))
    snoozed = [Snooze(1, "no_activity", before.fingerprint, until=None)]  # quiet until the deal changes
    after = deal(last_activity_on=TODAY - timedelta(days=30), expected_close_on=TODAY + timedelta(days=30))
    assert pending(followups_due([before], today=TODAY, rules=FollowupRules()), snoozes=snoozed, mutes=(),
                   now=NOW) == []
    assert [f.rule for f in pending(followups_due([after], today=TODAY, rules=FollowupRules()), snoozes=snoozed,
                                    mutes=(), now=NOW)] == ["no_activity"]


def test_a_mute_silences_only_that_rule_for_that_deal_even_after_the_deal_changes():
    old = TODAY - timedelta(days=60)
    one, two = deal(1, last_activity_on=old, next_step_on=old), deal(2, last_activity_on=old)
    due = followups_due([one, two], today=TODAY, rules=FollowupRules())
    left = pending(due, snoozes=(), mutes=[Mute(1, "no_activity")], now=NOW)
    assert [(f.deal.deal_id, f.rule) for f in left] == [(1, "next_step_overdue"), (2, "no_activity")]


def test_the_fingerprint_moves_with_stage_next_step_close_date_and_last_activity_only():
    base = deal()
    assert deal(amount=1.0, next_step="call back").fingerprint == base.fingerprint
    for change in ({"stage": "Won?"}, {"next_step_on": TODAY}, {"expected_close_on": TODAY},
                   {"last_activity_on": TODAY - timedelta(days=1)}):
        assert deal(**change).fingerprint != base.fingerprint


def test_snoozes_last_one_three_or_seven_days():
    assert snooze_until(now=NOW, days=3) == NOW + timedelta(days=3)
    with pytest.raises(ValueError, match="1, 3, 7"):
        snooze_until(now=NOW, days=2)


days_ago = st.one_of(st.none(), st.integers(min_value=-5, max_value=400).map(lambda n: TODAY - timedelta(days=n)))
deals = st.builds(
    DealState, deal_id=st.integers(1, 50), external_id=st.just("X"), owner_id=st.just(1), account_name=st.none(),
    amount=st.one_of(st.none(), st.floats(0, 1e7)), stage=st.sampled_from(["Demo", "Proposal"]),
    outcome=st.sampled_from(["open", "won", "lost"]), next_step_on=days_ago, expected_close_on=days_ago,
    last_activity_on=days_ago, stage_changed_on=days_ago)


@given(st.lists(deals, max_size=12), st.integers(0, 60), st.integers(0, 60))
def test_every_follow_up_is_an_open_deal_past_its_threshold_sorted_by_value(items, stale, stall):
    rules = FollowupRules(default_stale_after_days=stale, stall_after_days=stall)
    due = followups_due(items, today=TODAY, rules=rules)
    assert all(f.deal.outcome == "open" and f.rule in RULES and f.days > f.threshold >= 0 for f in due)
    assert all(f.since == TODAY - timedelta(days=f.days) for f in due)
    amounts = [f.deal.amount or 0.0 for f in due]
    assert amounts == sorted(amounts, reverse=True)
    expected = sum(len(check_deal(d, today=TODAY, rules=rules)) for d in items)
    assert len(due) == expected
