"""Accounts not left to go quiet, as rules: a tiered account without activity, check-ins 30 and 90 days after a win,
an account whose last contact left; all in the rep's one daily nudge, each kept quiet like a deal's reasons."""

from datetime import UTC, date, datetime, timedelta

import pytest

from coaching.followups.accounts import (
    AccountFacts,
    AccountHold,
    AccountRules,
    AccountState,
    Departure,
    QuietThreshold,
    WonDeal,
    account_followups,
    parse_ref,
)
from coaching.followups.rules import DealState, plan_rep_nudges
from coaching.timing import Person

REP, OTHER = 1, 2
REPS = [Person(REP, 1, "Europe/Vilnius", manager_id=9), Person(OTHER, 2, "Europe/Vilnius", manager_id=9)]
MONDAY = date(2026, 11, 23)
MORNING = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 10:00 in Vilnius
RULES = AccountRules()


def quiet(account_id: int, tier: str | None, last: date | None, owner: int = REP) -> AccountState:
    return AccountState(account_id, f"Account {account_id}", owner, tier, last)


def rules_due(facts: AccountFacts, *, today: date = MONDAY, rules: AccountRules = RULES, person: int = REP,
              covered=()) -> list[tuple[str, int, str]]:
    return [(f.rule, f.account_id, f.subject) for f in account_followups(facts, person_id=person, today=today,
                                                                         rules=rules, covered=covered)]


def test_a_high_potential_account_goes_quiet_after_30_days_a_medium_after_60_and_a_low_never():
    facts = AccountFacts(accounts=(quiet(1, "high", MONDAY - timedelta(days=31)),
                                   quiet(2, "high", MONDAY - timedelta(days=30)),
                                   quiet(3, "medium", MONDAY - timedelta(days=61)),
                                   quiet(4, "medium", MONDAY - timedelta(days=59)),
                                   quiet(5, "low", MONDAY - timedelta(days=400)),
                                   quiet(6, None, MONDAY - timedelta(days=400)),
                                   quiet(7, "high", None),  # no activity ever recorded: nothing to count from
                                   quiet(8, "high", MONDAY - timedelta(days=90), owner=OTHER)))
    assert rules_due(facts) == [("account_quiet", 1, ""), ("account_quiet", 3, "")]


def test_stored_quiet_days_replace_the_defaults_for_everyone_and_then_per_team():
    rules = RULES.with_thresholds([QuietThreshold(None, "low", 90), QuietThreshold(1, "high", 10),
                                   QuietThreshold(1, "medium", None)])
    assert rules.for_team(2).quiet_after_days == {"high": 30, "medium": 60, "low": 90}
    assert rules.for_team(1).quiet_after_days == {"high": 10, "medium": None, "low": 90}
    facts = AccountFacts(accounts=(quiet(1, "high", MONDAY - timedelta(days=11)),
                                   quiet(2, "medium", MONDAY - timedelta(days=100))))
    assert rules_due(facts, rules=rules.for_team(1)) == [("account_quiet", 1, "")]


def test_an_account_a_deals_no_activity_reason_already_names_is_not_nudged_twice_for_the_same_silence():
    facts = AccountFacts(accounts=(quiet(1, "high", MONDAY - timedelta(days=40)),))
    assert rules_due(facts, covered={1}) == []
    deal = DealState(5, "D-5", REP, "Account 1", 100.0, "Proposal", last_activity_on=MONDAY - timedelta(days=40),
                     account_id=1)
    plans = plan_rep_nudges(reps=REPS, deals=[deal], snoozes=(), mutes=(), sent_today=(), now=MORNING, holidays={},
                            accounts=facts)
    assert [(n.rep_id, [i.deal.deal_id for i in n.items], n.accounts) for n in plans] == [(REP, [5], ())]


def test_a_won_deal_gets_a_check_in_from_30_and_from_90_days_after_close_and_an_old_win_none():
    def won(deal_id: int, days_ago: int) -> WonDeal:
        return WonDeal(deal_id, f"D-{deal_id}", 10 + deal_id, "Acme", REP, MONDAY - timedelta(days=days_ago))

    facts = AccountFacts(wins=(won(1, 29), won(2, 30), won(3, 45), won(4, 90), won(5, 125), won(6, 400)))
    assert rules_due(facts) == [("check_in_30", 12, "2"), ("check_in_30", 13, "3"), ("check_in_90", 14, "4")]
    assert rules_due(facts, person=OTHER) == []


def test_an_account_whose_last_contact_left_is_followed_up_once_the_day_has_come_and_not_for_old_departures():
    facts = AccountFacts(departures=(Departure(1, "Acme", REP, MONDAY), Departure(2, "Globex", REP, MONDAY + timedelta(
        days=1)), Departure(3, "Hooli", REP, MONDAY - timedelta(days=200))))
    assert rules_due(facts) == [("contact_left", 1, MONDAY.isoformat())]


def test_one_daily_nudge_carries_deals_and_accounts_the_most_pressing_account_first_grouped_by_account():
    facts = AccountFacts(accounts=(quiet(1, "high", MONDAY - timedelta(days=40)),),
                         wins=(WonDeal(7, "D-7", 1, "Account 1", REP, MONDAY - timedelta(days=30)),),
                         departures=(Departure(2, "Account 2", REP, MONDAY - timedelta(days=1)),))
    deal = DealState(5, "D-5", REP, "Other", 100.0, "Proposal", next_step_on=MONDAY - timedelta(days=2))
    [nudge] = plan_rep_nudges(reps=REPS, deals=[deal], snoozes=(), mutes=(), sent_today=(), now=MORNING, holidays={},
                              accounts=facts)
    assert nudge.key == f"nudge:{REP}:{MONDAY}" and [i.deal.deal_id for i in nudge.items] == [5]
    assert [(a.account_id, a.refs, a.key) for a in nudge.accounts] == [
        (2, (("contact_left", "2026-11-22"),), f"nudge:contact_left:a2:{MONDAY}"),
        (1, (("check_in_30", "7"), ("account_quiet", "")), f"nudge:check_in_30:a1:{MONDAY}")]
    assert plan_rep_nudges(reps=REPS, deals=[deal], snoozes=(), mutes=(), sent_today={nudge.key}, now=MORNING,
                           holidays={}, accounts=facts) == []  # once a local day, accounts or not


def test_a_rep_with_only_account_items_is_nudged_and_a_weekend_still_waits():
    facts = AccountFacts(accounts=(quiet(1, "high", MONDAY - timedelta(days=40)),))
    [nudge] = plan_rep_nudges(reps=REPS, deals=[], snoozes=(), mutes=(), sent_today=(), now=MORNING, holidays={},
                              accounts=facts)
    assert nudge.items == () and [a.account_id for a in nudge.accounts] == [1]
    saturday = MORNING - timedelta(days=2)
    assert plan_rep_nudges(reps=REPS, deals=[], snoozes=(), mutes=(), sent_today=(), now=saturday, holidays={},
                           accounts=facts) == []


def test_holds_keep_an_account_item_quiet_until_its_state_changes_its_snooze_ends_or_for_good_when_muted():
    last = MONDAY - timedelta(days=40)
    facts = AccountFacts(accounts=(quiet(1, "high", last),),
                         wins=(WonDeal(7, "D-7", 2, "Account 2", REP, MONDAY - timedelta(days=31)),))

    def accounts(*holds: AccountHold) -> list[tuple[str, str]]:
        plans = plan_rep_nudges(reps=REPS, deals=[], snoozes=(), mutes=(), sent_today=(), now=MORNING, holidays={},
                                accounts=facts, account_holds=holds)
        return [ref for n in plans for a in n.accounts for ref in a.refs]

    assert accounts() == [("check_in_30", "7"), ("account_quiet", "")]
    nudged = AccountHold(1, "account_quiet", "", last.isoformat())
    assert accounts(nudged) == [("check_in_30", "7")]  # the same silence: quiet
    assert accounts(AccountHold(1, "account_quiet", "", "2026-09-01")) == accounts()  # a new silence nudges again
    assert accounts(AccountHold(2, "check_in_30", "7", "7")) == [("account_quiet", "")]  # once each
    snoozed = AccountHold(2, "check_in_30", "7", "7", until=MORNING + timedelta(days=1))
    assert accounts(snoozed) == [("account_quiet", "")]
    assert accounts(AccountHold(2, "check_in_30", "7", "7", until=MORNING)) == accounts()
    assert accounts(AccountHold(1, "account_quiet", "", "-", muted=True)) == [("check_in_30", "7")]


@pytest.mark.parametrize("text", ["nope@", "account_quiet@3", "check_in_30@x", "contact_left@2026-13-01",
                                  "check_in_30", "check_in_90@99999999999"])
def test_a_button_value_names_only_known_items(text):
    with pytest.raises(ValueError):
        parse_ref(text)
    assert parse_ref("check_in_90@12") == ("check_in_90", "12")
