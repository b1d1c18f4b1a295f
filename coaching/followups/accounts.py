"""Accounts not left to go quiet: a high-potential account without activity, check-ins 30 and 90 days after a win,
and an account whose last known contact left. Each is an item of the rep's daily follow-up DM, kept quiet like a
deal's reasons: until its state changes, for a snooze, or for good ("not relevant")."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

ACCOUNT_RULES = ("contact_left", "check_in_30", "check_in_90", "account_quiet")  # most pressing first
CHECK_INS = {"check_in_30": 30, "check_in_90": 90}  # days after the win's close
CHECK_IN_GRACE = 30  # a check-in is offered this many days after its day, no later (an old win stays quiet)
DEPARTURE_GRACE = 90  # a departure is followed up this many days after the last contact left, no later
TIERS = ("high", "medium", "low")
MAX_ID = 2**31  # row ids are 32-bit integers: a larger one in a button value is not ours
DEFAULT_QUIET_DAYS: Mapping[str, int | None] = {"high": 30, "medium": 60, "low": None}  # None: never nudged
LOOK_BACK = timedelta(days=max(max(CHECK_INS.values()) + CHECK_IN_GRACE, DEPARTURE_GRACE) + 1)  # wins, departures


@dataclass(frozen=True)
class QuietThreshold:
    """One stored setting: for a team (None: everyone), the days an account of a tier may go without activity
    (None: never nudged)."""

    team_id: int | None
    tier: str
    days: int | None


@dataclass(frozen=True)
class AccountRules:
    """Days without activity allowed per potential tier, and per-team settings that replace these for that team."""

    quiet_after_days: Mapping[str, int | None] = field(default_factory=lambda: dict(DEFAULT_QUIET_DAYS))
    teams: Mapping[int, AccountRules] = field(default_factory=dict)

    def quiet_after(self, tier: str | None) -> int | None:
        return self.quiet_after_days.get(tier) if tier else None

    def for_team(self, team_id: int | None) -> AccountRules:
        return self.teams.get(team_id, self) if team_id is not None else self

    def with_thresholds(self, thresholds: Iterable[QuietThreshold]) -> AccountRules:
        """These rules changed by stored settings: everyone's first, then each team's on top of them."""
        rows = list(thresholds)
        base = replace(self, teams={}, quiet_after_days={**self.quiet_after_days,
                                                         **{t.tier: t.days for t in rows if t.team_id is None}})
        teams = {team: replace(base, quiet_after_days={**base.quiet_after_days,
                                                       **{t.tier: t.days for t in rows if t.team_id == team}})
                 for team in sorted({t.team_id for t in rows if t.team_id is not None})}
        return replace(base, teams={**self.teams, **teams})


DEFAULT_ACCOUNT_RULES = AccountRules()


@dataclass(frozen=True)
class AccountState:
    """An account as these rules see it: its owner (account manager) and its latest activity by anyone, on the
    account or on its deals."""

    account_id: int
    name: str
    owner_id: int | None
    potential_tier: str | None
    last_activity_on: date | None = None

    @property
    def fingerprint(self) -> str:
        return self.last_activity_on.isoformat() if self.last_activity_on else "-"


@dataclass(frozen=True)
class WonDeal:
    deal_id: int
    external_id: str
    account_id: int
    account_name: str
    owner_id: int
    closed_on: date


@dataclass(frozen=True)
class Departure:
    """An account every known contact of which has left; `left_on` is when the last one left."""

    account_id: int
    account_name: str
    owner_id: int
    left_on: date


@dataclass(frozen=True)
class AccountFacts:
    accounts: tuple[AccountState, ...] = ()
    wins: tuple[WonDeal, ...] = ()
    departures: tuple[Departure, ...] = ()

    @property
    def owners(self) -> set[int]:
        found = {a.owner_id for a in self.accounts if a.owner_id is not None}
        return found | {w.owner_id for w in self.wins} | {d.owner_id for d in self.departures}


@dataclass(frozen=True)
class AccountFollowup:
    """Why an account needs a follow-up: a rule, what within the account it is about (`subject`: "" for the
    account's silence, the won deal's id, the departure's date), and the state a hold is kept for."""

    account_id: int
    account_name: str
    rule: str  # one of ACCOUNT_RULES
    subject: str
    fingerprint: str
    days: int  # since the last activity, the close, or the departure
    since: date
    threshold: int = 0  # days allowed (quiet) or the check-in's day after close
    tier: str | None = None
    deal_external_id: str | None = None

    @property
    def ref(self) -> tuple[str, str]:
        return self.rule, self.subject


@dataclass(frozen=True)
class AccountHold:
    """An account item kept quiet: muted for good, or while its fingerprint is unchanged and, when `until` is set,
    until then (a snooze)."""

    account_id: int
    rule: str
    subject: str
    fingerprint: str
    until: datetime | None = None
    muted: bool = False

    def holds(self, item: AccountFollowup, *, now: datetime) -> bool:
        return self.muted or (self.fingerprint == item.fingerprint and (self.until is None or now < self.until))


@dataclass(frozen=True)
class AccountNudgeItem:
    account_id: int
    account_name: str
    reasons: tuple[AccountFollowup, ...]  # most pressing first; the account's buttons act on all of them
    key: str  # nudge:{rule}:a{account}:{local date}, with the first reason's rule

    @property
    def refs(self) -> tuple[tuple[str, str], ...]:
        return tuple(f.ref for f in self.reasons)


def account_followups(facts: AccountFacts, *, person_id: int, today: date, rules: AccountRules,
                      covered: Collection[int] = ()) -> list[AccountFollowup]:
    """What this person should follow up on their accounts today. `covered`: accounts whose silence a deal's
    no-activity reason already names (not nudged twice for the same silence)."""
    found = []
    for account in facts.accounts:
        limit = rules.quiet_after(account.potential_tier)
        last = account.last_activity_on
        if account.owner_id != person_id or limit is None or last is None or account.account_id in covered:
            continue
        if (today - last).days > limit:
            found.append(AccountFollowup(account.account_id, account.name, "account_quiet", "", account.fingerprint,
                                         (today - last).days, last, limit, account.potential_tier))
    for win in facts.wins:
        for rule, after in CHECK_INS.items() if win.owner_id == person_id else ():
            due = win.closed_on + timedelta(days=after)
            if due <= today < due + timedelta(days=CHECK_IN_GRACE):
                found.append(AccountFollowup(win.account_id, win.account_name, rule, str(win.deal_id),
                                             str(win.deal_id), (today - win.closed_on).days, win.closed_on, after,
                                             deal_external_id=win.external_id))
    for gone in facts.departures:
        if gone.owner_id == person_id and gone.left_on <= today < gone.left_on + timedelta(days=DEPARTURE_GRACE):
            subject = gone.left_on.isoformat()
            found.append(AccountFollowup(gone.account_id, gone.account_name, "contact_left", subject, subject,
                                         (today - gone.left_on).days, gone.left_on))
    return found


def due_for(facts: AccountFacts, holds: Iterable[AccountHold], *, person_id: int, today: date, now: datetime,
            rules: AccountRules, covered: Collection[int] = ()) -> list[AccountNudgeItem]:
    """This person's account items due today and not held, one per account, the most pressing first."""
    found = account_followups(facts, person_id=person_id, today=today, rules=rules, covered=covered)
    return account_items(pending_accounts(found, holds=holds, now=now), today)


def pending_accounts(followups: Iterable[AccountFollowup], *, holds: Iterable[AccountHold],
                     now: datetime) -> list[AccountFollowup]:
    """The account follow-ups neither muted nor kept quiet by a hold that still holds."""
    held = {(h.account_id, h.rule, h.subject): h for h in holds}
    return [f for f in followups if not ((h := held.get((f.account_id, f.rule, f.subject))) and h.holds(f, now=now))]


def account_items(followups: Sequence[AccountFollowup], day: date) -> list[AccountNudgeItem]:
    """One item per account, the account with the most pressing reason first, then by name."""
    ordered = sorted(followups, key=lambda f: (ACCOUNT_RULES.index(f.rule), f.account_name.casefold(),
                                               f.account_id, f.subject))
    by_account: dict[int, list[AccountFollowup]] = {}
    for f in ordered:
        by_account.setdefault(f.account_id, []).append(f)
    return [AccountNudgeItem(account_id, fs[0].account_name, tuple(fs), f"nudge:{fs[0].rule}:a{account_id}:{day}")
            for account_id, fs in by_account.items()]


def parse_ref(text: str) -> tuple[str, str]:
    """"rule@subject" as a button carries it; ValueError when it is not one."""
    rule, at, subject = text.partition("@")
    if not at or rule not in ACCOUNT_RULES:
        raise ValueError(f"{text!r} is not an account follow-up")
    if rule in CHECK_INS and not (subject.isdigit() and int(subject) < MAX_ID):
        raise ValueError(f"{text!r} does not name a won deal")
    if rule == "contact_left":
        date.fromisoformat(subject)
    if rule == "account_quiet" and subject:
        raise ValueError(f"{text!r} has a subject the account's silence does not take")
    return rule, subject
