"""Follow-up nudge use cases: the morning nudges, the weekly digest, and the Done, Snooze and Not relevant buttons.

A re-run sends nothing twice: every nudge is recorded under its key and each deal it named stays quiet until
its state changes; the outbox key behind the messenger guards the Slack side.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from coaching.access import NotAllowed
from coaching.clicks import check_order
from coaching.followups.accounts import (
    CHECK_INS,
    DEFAULT_ACCOUNT_RULES,
    AccountRules,
    AccountState,
)
from coaching.followups.accounts import LOOK_BACK as ACCOUNT_LOOK_BACK
from coaching.followups.ports import AccountStore, NudgeMessenger, NudgeStore
from coaching.followups.rules import (
    DEFAULT_RULES,
    DEFAULT_TOP,
    RULES,
    DealState,
    FollowupDigest,
    FollowupRules,
    RepNudge,
    plan_followup_digests,
    plan_rep_nudges,
    reps_due,
    snooze_until,
)
from coaching.timing import DEFAULT_MORNING, local_date
from surveys.availability import DEFAULT_AWAY, AwayRule

LOOK_BACK = timedelta(days=8)  # keys sent longer ago than this can no longer repeat a daily or weekly nudge


class NudgeError(ValueError):
    """A button or command the follow-up rules refuse; the message says what is allowed."""


def send_rep_nudges(store: NudgeStore, messenger: NudgeMessenger, *, now: datetime,
                    rules: FollowupRules = DEFAULT_RULES, morning: str = DEFAULT_MORNING,
                    top: int = DEFAULT_TOP, away: AwayRule = DEFAULT_AWAY, accounts: AccountStore | None = None,
                    account_rules: AccountRules = DEFAULT_ACCOUNT_RULES) -> list[RepNudge]:
    """Send every morning nudge due now, with the accounts not to leave quiet when `accounts` is given (one DM a
    day all the same); each deal and account item named stays quiet until its state changes."""
    people = store.people()
    deals = store.open_deals(owner_ids=[p.person_id for p in people])
    deal_ids = [d.deal_id for d in deals]
    sent, holidays = store.sent_keys(since=now - LOOK_BACK), store.holidays()
    facts, holds = None, []
    due = reps_due(people, sent_today=sent, now=now, holidays=holidays, morning=morning, away=away) \
        if accounts is not None else {}
    if accounts is not None and due:  # most runs nobody's morning is due: the account tables are not read
        facts = accounts.account_facts(owner_ids=list(due), since=now.date() - ACCOUNT_LOOK_BACK)
        holds = accounts.account_holds(account_ids={a.account_id for a in facts.accounts}
                                       | {w.account_id for w in facts.wins} | {d.account_id for d in facts.departures})
        account_rules = account_rules.with_thresholds(accounts.quiet_thresholds())
    nudges = plan_rep_nudges(reps=people, deals=deals, snoozes=store.snoozes(deal_ids=deal_ids),
                             mutes=store.mutes(deal_ids=deal_ids), sent_today=sent, now=now, holidays=holidays,
                             rules=rules.with_thresholds(store.thresholds()), morning=morning, top=top, away=away,
                             accounts=facts, account_holds=holds, account_rules=account_rules)
    by_id = {p.person_id: p for p in people}
    for nudge in nudges:
        messenger.send_rep_nudge(by_id[nudge.rep_id], nudge)
        store.record_sent(person_id=nudge.rep_id, local_date=nudge.local_date, key=nudge.key, now=now)
        for item in nudge.items:
            store.record_sent(person_id=nudge.rep_id, local_date=nudge.local_date, key=item.key, now=now,
                              deal_id=item.deal.deal_id)
            for rule in item.rules:
                store.hold(deal_id=item.deal.deal_id, rule=rule, fingerprint=item.deal.fingerprint, until=None,
                           now=now)
        if accounts is not None:  # account items come only from the account store
            for account in nudge.accounts:
                store.record_sent(person_id=nudge.rep_id, local_date=nudge.local_date, key=account.key, now=now)
                for f in account.reasons:
                    accounts.hold_account(account_id=f.account_id, rule=f.rule, subject=f.subject,
                                          fingerprint=f.fingerprint, until=None, person_id=nudge.rep_id, now=now)
    return nudges


def send_followup_digests(store: NudgeStore, messenger: NudgeMessenger, *, now: datetime,
                          rules: FollowupRules = DEFAULT_RULES, weekday: int = 0,
                          morning: str = DEFAULT_MORNING, away: AwayRule = DEFAULT_AWAY) -> list[FollowupDigest]:
    """Send each manager's weekly list of overdue follow-ups of their direct reports, once an ISO week."""
    people = store.people()
    deals = store.open_deals(owner_ids=[p.person_id for p in people if p.manager_id is not None])
    digests = plan_followup_digests(people=people, deals=deals, mutes=store.mutes(deal_ids=[d.deal_id for d in deals]),
                                    sent=store.sent_keys(since=now - LOOK_BACK), now=now, holidays=store.holidays(),
                                    rules=rules.with_thresholds(store.thresholds()), weekday=weekday, morning=morning,
                                    away=away)
    by_id = {p.person_id: p for p in people}
    for digest in digests:
        manager = by_id[digest.manager_id]
        messenger.send_followup_digest(manager, digest)
        store.record_sent(person_id=manager.person_id, local_date=local_date(manager, now), key=digest.key, now=now)
    return digests


def mark_done(store: NudgeStore, *, deal_id: int, rules: Sequence[str], person_id: int, now: datetime,
              action_ts: str | None = None) -> DealState:
    """Done: log an activity today (the owner's local date) and keep these rules quiet until the deal changes."""
    deal = _own_deal(store, deal_id=deal_id, rules=rules, person_id=person_id, action_ts=action_ts)
    person = store.person(person_id)
    day = local_date(person, now) if person is not None else now.date()
    after = store.log_activity(deal_id=deal.deal_id, day=day, now=now) or deal
    for rule in rules:
        store.hold(deal_id=deal_id, rule=rule, fingerprint=after.fingerprint, until=None, now=now, action_ts=action_ts)
    return after


def snooze(store: NudgeStore, *, deal_id: int, rules: Sequence[str], days: int, person_id: int,
           now: datetime, action_ts: str | None = None) -> datetime:
    """Snooze 1, 3 or 7 days: these rules stay quiet until then, or until the deal's state changes."""
    try:
        until = snooze_until(now=now, days=days)
    except ValueError as exc:
        raise NudgeError(str(exc)) from None
    deal = _own_deal(store, deal_id=deal_id, rules=rules, person_id=person_id, action_ts=action_ts)
    for rule in rules:
        store.hold(deal_id=deal_id, rule=rule, fingerprint=deal.fingerprint, until=until, now=now,
                   action_ts=action_ts)
    return until


def mute(store: NudgeStore, *, deal_id: int, rules: Sequence[str], person_id: int, now: datetime,
         action_ts: str | None = None) -> None:
    """Not relevant: these rules never nudge about this deal again."""
    _own_deal(store, deal_id=deal_id, rules=rules, person_id=person_id, action_ts=action_ts)
    for rule in rules:
        store.mute(deal_id=deal_id, rule=rule, now=now, action_ts=action_ts)


def _in_order(store: NudgeStore, *, deal_id: int, rules: Sequence[str], action_ts: str | None) -> None:
    check_order(action_ts, store.last_click(deal_id=deal_id, rules=rules) if action_ts else None)


def _own_deal(store: NudgeStore, *, deal_id: int, rules: Sequence[str], person_id: int,
              action_ts: str | None = None) -> DealState:
    unknown = [r for r in rules if r not in RULES]
    if not rules or unknown:
        raise NudgeError(f"rules must be some of {', '.join(RULES)}, got {', '.join(rules) or 'none'}")
    deal = store.deal(deal_id)
    if deal is None:
        raise NudgeError(f"deal {deal_id} does not exist (any more)")
    if deal.owner_id != person_id:
        raise NotAllowed(f"person {person_id} does not own deal {deal_id}")
    _in_order(store, deal_id=deal_id, rules=rules, action_ts=action_ts)
    return deal


# Account items: the same three buttons, on an account's reasons (rule and subject pairs) -------------------------

def account_done(store: NudgeStore, accounts: AccountStore, *, account_id: int, refs: Sequence[tuple[str, str]],
                 person_id: int, now: datetime, action_ts: str | None = None) -> None:
    """Done: log an activity on the account today (the person's local date). A check-in or a departure is then
    done for good; the account's silence is over, and a new one as long nudges again."""
    account = _own_account(accounts, account_id=account_id, refs=refs, person_id=person_id, action_ts=action_ts)
    person = store.person(person_id)
    day = local_date(person, now) if person is not None else now.date()
    accounts.log_account_activity(account_id=account_id, person_id=person_id, day=day, now=now)
    for rule, subject in refs:
        accounts.hold_account(account_id=account_id, rule=rule, subject=subject, person_id=person_id, now=now,
                              fingerprint=account.fingerprint if rule == "account_quiet" else subject, until=None,
                              action_ts=action_ts)


def account_snooze(accounts: AccountStore, *, account_id: int, refs: Sequence[tuple[str, str]], days: int,
                   person_id: int, now: datetime, action_ts: str | None = None) -> datetime:
    """Snooze 1, 3 or 7 days: these items stay quiet until then (the silence also until the account changes)."""
    try:
        until = snooze_until(now=now, days=days)
    except ValueError as exc:
        raise NudgeError(str(exc)) from None
    account = _own_account(accounts, account_id=account_id, refs=refs, person_id=person_id, action_ts=action_ts)
    for rule, subject in refs:
        accounts.hold_account(account_id=account_id, rule=rule, subject=subject, person_id=person_id, now=now,
                              fingerprint=account.fingerprint if rule == "account_quiet" else subject, until=until,
                              action_ts=action_ts)
    return until


def account_mute(accounts: AccountStore, *, account_id: int, refs: Sequence[tuple[str, str]], person_id: int,
                 now: datetime, action_ts: str | None = None) -> None:
    """Not relevant: these items never nudge again (the account's silence: never again for this account)."""
    _own_account(accounts, account_id=account_id, refs=refs, person_id=person_id, action_ts=action_ts)
    for rule, subject in refs:
        accounts.mute_account(account_id=account_id, rule=rule, subject=subject, person_id=person_id, now=now,
                              action_ts=action_ts)


def _own_account(accounts: AccountStore, *, account_id: int, refs: Sequence[tuple[str, str]], person_id: int,
                 action_ts: str | None) -> AccountState:
    """The account, when every item is this person's: a won deal's check-in is its owner's, the rest the account
    owner's."""
    account = accounts.account(account_id)
    if not refs or account is None:
        raise NudgeError(f"account {account_id} does not exist (any more), or no item was named")
    for rule, subject in refs:
        if rule in CHECK_INS:
            won = accounts.won_deal(int(subject))
            if won is None or won.account_id != account_id:
                raise NudgeError(f"deal {subject} is not a won deal of account {account_id}")
            if won.owner_id != person_id:
                raise NotAllowed(f"person {person_id} does not own deal {subject}")
        elif account.owner_id != person_id:
            raise NotAllowed(f"person {person_id} does not own account {account_id}")
    check_order(action_ts, accounts.last_account_click(account_id=account_id, refs=refs) if action_ts else None)
    return account
