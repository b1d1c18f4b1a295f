"""Follow-up rules over open deals, the rep's morning nudge (top deals by value, each with its reasons) and the
manager's weekly list of overdue follow-ups. A deal already nudged stays quiet until its snooze ends or its
state changes; "not relevant" mutes that rule for that deal for good.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from coaching.followups.accounts import (
    DEFAULT_ACCOUNT_RULES,
    AccountFacts,
    AccountHold,
    AccountNudgeItem,
    AccountRules,
    due_for,
)
from coaching.timing import DEFAULT_MORNING, Holidays, Person, iso_week, local_date, morning_due, mornings_due
from surveys.availability import DEFAULT_AWAY, DEFAULT_WORKING_TIME, AwayRule, WorkingTime

RULES = ("next_step_overdue", "close_date_passed", "no_activity", "stalled")  # most pressing first
SNOOZE_DAYS = (1, 3, 7)
DEFAULT_TOP = 5


@dataclass(frozen=True)
class Threshold:
    """One stored setting: for a team (None: everyone) and a stage (None: any stage), days before a nudge."""

    team_id: int | None
    stage: str | None
    stale_after_days: int | None = None
    stall_after_days: int | None = None


@dataclass(frozen=True)
class FollowupRules:
    """Days without activity allowed per stage (case-insensitive, with a default), days a deal may sit in one
    stage, and per-team rules that replace these for that team's reps."""

    stale_after_days: Mapping[str, int] = field(default_factory=dict)
    default_stale_after_days: int = 14
    stall_after_days: int = 30
    teams: Mapping[int, FollowupRules] = field(default_factory=dict)

    def stale_after(self, stage: str) -> int:
        wanted = stage.strip().lower()
        found = [days for name, days in self.stale_after_days.items() if name.strip().lower() == wanted]
        return found[0] if found else self.default_stale_after_days

    def for_team(self, team_id: int | None) -> FollowupRules:
        return self.teams.get(team_id, self) if team_id is not None else self

    def with_thresholds(self, thresholds: Iterable[Threshold]) -> FollowupRules:
        """These rules changed by stored settings: everyone's first, then each team's on top of them."""
        rows = list(thresholds)
        base = _apply(replace(self, teams={}), [t for t in rows if t.team_id is None])
        teams = {team: _apply(base, [t for t in rows if t.team_id == team])
                 for team in sorted({t.team_id for t in rows if t.team_id is not None})}
        return replace(base, teams={**self.teams, **teams})


DEFAULT_RULES = FollowupRules()


def _apply(rules: FollowupRules, rows: Sequence[Threshold]) -> FollowupRules:
    stale = dict(rules.stale_after_days)
    for row in rows:
        if row.stage is not None and row.stale_after_days is not None:
            stale[row.stage.strip().lower()] = row.stale_after_days
        elif row.stage is None and row.stale_after_days is not None:
            rules = replace(rules, default_stale_after_days=row.stale_after_days)
        if row.stall_after_days is not None:
            rules = replace(rules, stall_after_days=row.stall_after_days)
    return replace(rules, stale_after_days=stale)


@dataclass(frozen=True)
class DealState:
    """An open deal as the follow-up rules see it: dates are the CRM's (last activity may include ours)."""

    deal_id: int
    external_id: str
    owner_id: int
    account_name: str | None
    amount: float | None
    stage: str
    outcome: str = "open"
    next_step: str | None = None
    next_step_on: date | None = None
    expected_close_on: date | None = None
    last_activity_on: date | None = None
    stage_changed_on: date | None = None
    account_id: int | None = None

    @property
    def fingerprint(self) -> str:
        """What a change of re-arms a quiet deal: stage, next-step date, expected close, last activity."""
        dates = (self.next_step_on, self.expected_close_on, self.last_activity_on)
        return "|".join([self.stage.strip().lower(), *(d.isoformat() if d else "-" for d in dates)])


@dataclass(frozen=True)
class Followup:
    """Why a deal needs a follow-up: a rule id, how many days, the days allowed and the date counted from."""

    deal: DealState
    rule: str  # one of RULES
    days: int  # since the last activity, past the date, or in the stage
    threshold: int  # days allowed: 0 for dates that passed
    since: date


@dataclass(frozen=True)
class Snooze:
    """A deal and rule kept quiet while the deal's state is unchanged: until a moment (a snooze), or with
    `until` None until the state changes (after a nudge about it, or after Done)."""

    deal_id: int
    rule: str
    fingerprint: str
    until: datetime | None = None

    def holds(self, *, deal: DealState, now: datetime) -> bool:
        return self.fingerprint == deal.fingerprint and (self.until is None or now < self.until)


@dataclass(frozen=True)
class Mute:
    """"Not relevant": this rule never nudges about this deal again."""

    deal_id: int
    rule: str


@dataclass(frozen=True)
class NudgeItem:
    deal: DealState
    reasons: tuple[Followup, ...]  # most pressing first; the deal's buttons act on all of them
    key: str  # nudge:{rule}:{deal}:{local date}, with the first reason's rule

    @property
    def rules(self) -> tuple[str, ...]:
        return tuple(f.rule for f in self.reasons)


@dataclass(frozen=True)
class RepNudge:
    """One rep's morning DM: at most `top` deals by value; `more` deals wait for a later day."""

    rep_id: int
    local_date: date
    key: str  # nudge:{rep}:{local date}
    items: tuple[NudgeItem, ...]
    more: int = 0
    accounts: tuple[AccountNudgeItem, ...] = ()  # accounts not to leave quiet, at most `top`
    more_accounts: int = 0


@dataclass(frozen=True)
class RepFollowups:
    rep_id: int
    followups: tuple[Followup, ...]


@dataclass(frozen=True)
class FollowupDigest:
    """A manager's weekly list of overdue follow-ups, per direct report (reps with none left out)."""

    manager_id: int
    week: str
    key: str  # followup-digest:{manager}:{iso week}
    reps: tuple[RepFollowups, ...]


def check_deal(deal: DealState, *, today: date, rules: FollowupRules) -> list[Followup]:
    """The rules an open deal breaks today, most pressing first; nothing for a won or lost deal."""
    if deal.outcome != "open":
        return []
    found = []
    if deal.next_step_on is not None and deal.next_step_on < today:
        found.append(Followup(deal, "next_step_overdue", (today - deal.next_step_on).days, 0, deal.next_step_on))
    if deal.expected_close_on is not None and deal.expected_close_on < today:
        found.append(Followup(deal, "close_date_passed", (today - deal.expected_close_on).days, 0,
                              deal.expected_close_on))
    touched = deal.last_activity_on or deal.stage_changed_on
    stale_after = rules.stale_after(deal.stage)
    if touched is not None and (today - touched).days > stale_after:
        found.append(Followup(deal, "no_activity", (today - touched).days, stale_after, touched))
    if deal.stage_changed_on is not None and (today - deal.stage_changed_on).days > rules.stall_after_days:
        found.append(Followup(deal, "stalled", (today - deal.stage_changed_on).days, rules.stall_after_days,
                              deal.stage_changed_on))
    return found


def followups_due(deals: Iterable[DealState], *, today: date, rules: FollowupRules) -> list[Followup]:
    """Every follow-up due today, the largest deals first (no amount counts as zero)."""
    found = [f for deal in deals for f in check_deal(deal, today=today, rules=rules)]
    return sorted(found, key=lambda f: (-(f.deal.amount or 0.0), f.deal.deal_id, RULES.index(f.rule)))


def pending(followups: Iterable[Followup], *, snoozes: Iterable[Snooze], mutes: Iterable[Mute],
            now: datetime) -> list[Followup]:
    """The follow-ups neither muted nor kept quiet by a snooze that still holds."""
    muted = {(m.deal_id, m.rule) for m in mutes}
    quiet = {(s.deal_id, s.rule): s for s in snoozes}
    return [f for f in followups if (f.deal.deal_id, f.rule) not in muted
            and not ((s := quiet.get((f.deal.deal_id, f.rule))) and s.holds(deal=f.deal, now=now))]


def snooze_until(*, now: datetime, days: int) -> datetime:
    if days not in SNOOZE_DAYS:
        raise ValueError(f"a snooze lasts {', '.join(map(str, SNOOZE_DAYS))} days, not {days}")
    return now + timedelta(days=days)


def plan_rep_nudges(*, reps: Sequence[Person], deals: Iterable[DealState], snoozes: Iterable[Snooze],
                    mutes: Iterable[Mute], sent_today: Collection[str], now: datetime, holidays: Holidays,
                    rules: FollowupRules = DEFAULT_RULES, morning: str = DEFAULT_MORNING, top: int = DEFAULT_TOP,
                    working: WorkingTime = DEFAULT_WORKING_TIME, away: AwayRule = DEFAULT_AWAY,
                    accounts: AccountFacts | None = None, account_holds: Iterable[AccountHold] = (),
                    account_rules: AccountRules = DEFAULT_ACCOUNT_RULES) -> list[RepNudge]:
    """The reps to nudge now, each with their top deals and accounts: their local morning has come on a working day
    that is not a holiday, they are not away, no nudge went to them that local date (`sent_today` holds the keys
    sent), and something is pending. Nothing when nothing is due: no empty nudges."""
    deals = list(deals)
    owned = _by_owner(deals)
    snoozes, mutes, holds = list(snoozes), list(mutes), list(account_holds)
    accounts = accounts or AccountFacts()
    account_owners = accounts.owners
    teams = {rep.person_id: rep.team_id for rep in reps}

    def rules_of(deal: DealState) -> FollowupRules:
        return rules.for_team(teams.get(deal.owner_id))

    silent: dict[date, set[int]] = {}  # by local date: accounts a deal's no-activity reason already names
    nudges = []
    watched = owned.keys() | account_owners
    mornings = reps_due([rep for rep in reps if rep.person_id in watched], sent_today=sent_today, now=now,
                        holidays=holidays, morning=morning, working=working, away=away)
    for rep in sorted(reps, key=lambda p: p.person_id):
        day = mornings.get(rep.person_id)
        key = f"nudge:{rep.person_id}:{day}"
        if day is None:
            continue
        due = followups_due(owned[rep.person_id], today=day, rules=rules.for_team(rep.team_id))
        items = _items(pending(due, snoozes=snoozes, mutes=mutes, now=now), day)
        found = []
        if rep.person_id in account_owners:
            if day not in silent:
                silent[day] = silent_accounts(deals, today=day, rules_of=rules_of)
            found = due_for(accounts, holds, person_id=rep.person_id, today=day, now=now,
                            rules=account_rules.for_team(rep.team_id), covered=silent[day])
        if items or found:
            nudges.append(RepNudge(rep.person_id, day, key, tuple(items[:top]), max(0, len(items) - top),
                                   tuple(found[:top]), max(0, len(found) - top)))
    return nudges


def reps_due(reps: Iterable[Person], *, sent_today: Collection[str], now: datetime, holidays: Holidays,
             morning: str = DEFAULT_MORNING, working: WorkingTime = DEFAULT_WORKING_TIME,
             away: AwayRule = DEFAULT_AWAY) -> dict[int, date]:
    """The reps whose daily nudge is due now (their local working morning, not away, none sent that local date),
    with that date."""
    mornings = mornings_due(reps, now=now, holidays=holidays, morning=morning, working=working, away=away)
    return {rep: day for rep, day in mornings.items() if f"nudge:{rep}:{day}" not in sent_today}


def silent_accounts(deals: Iterable[DealState], *, today: date,
                    rules_of: Callable[[DealState], FollowupRules]) -> set[int]:
    """Accounts an open deal's no-activity reason already names today: their silence is not nudged twice."""
    return {d.account_id for d in deals if d.account_id is not None
            and any(f.rule == "no_activity" for f in check_deal(d, today=today, rules=rules_of(d)))}


def _items(followups: Sequence[Followup], day: date) -> list[NudgeItem]:
    by_deal: dict[int, list[Followup]] = {}
    for f in followups:  # already largest deal first, then most pressing rule
        by_deal.setdefault(f.deal.deal_id, []).append(f)
    return [NudgeItem(fs[0].deal, tuple(fs), f"nudge:{fs[0].rule}:{deal_id}:{day}") for deal_id, fs in by_deal.items()]


def plan_followup_digests(*, people: Sequence[Person], deals: Iterable[DealState], mutes: Iterable[Mute],
                          sent: Collection[str], now: datetime, holidays: Holidays,
                          rules: FollowupRules = DEFAULT_RULES, weekday: int = 0, morning: str = DEFAULT_MORNING,
                          working: WorkingTime = DEFAULT_WORKING_TIME,
                          away: AwayRule = DEFAULT_AWAY) -> list[FollowupDigest]:
    """Each manager's weekly digest of their direct reports' overdue follow-ups (muted ones left out; snoozed
    ones still count): on the manager's first working morning on or after `weekday` in each ISO week."""
    owned = _by_owner(deals)
    muted = list(mutes)
    reports: dict[int, list[Person]] = defaultdict(list)
    for person in people:
        if person.manager_id is not None and person.role == "rep":
            reports[person.manager_id].append(person)
    digests = []
    for manager in sorted(people, key=lambda p: p.person_id):
        if not reports.get(manager.person_id):
            continue
        day = morning_due(manager, now=now, holidays=holidays, morning=morning, working=working, away=away)
        if day is None or day.weekday() < weekday:
            continue
        key = f"followup-digest:{manager.person_id}:{iso_week(day)}"
        if key in sent:
            continue
        rows = []
        for rep in sorted(reports[manager.person_id], key=lambda p: p.person_id):
            due = followups_due(owned.get(rep.person_id, ()), today=local_date(rep, now),
                                rules=rules.for_team(rep.team_id))
            due = pending(due, snoozes=(), mutes=muted, now=now)
            if due:
                rows.append(RepFollowups(rep.person_id, tuple(due)))
        if rows:
            digests.append(FollowupDigest(manager.person_id, iso_week(day), key, tuple(rows)))
    return digests


def _by_owner(deals: Iterable[DealState]) -> dict[int, list[DealState]]:
    owned: dict[int, list[DealState]] = defaultdict(list)
    for deal in deals:
        owned[deal.owner_id].append(deal)
    return owned
