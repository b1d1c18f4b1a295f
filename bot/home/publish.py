"""App Home: what each person's tab shows, gathered in one transaction under the same rules as everywhere else.

Reps see their own surveys, follow-ups, numbers and kudos; managers add their team's snapshot, survey results
(anonymity rules applied by the survey domain) and one-on-ones; admins add the setup's health.
"""

from __future__ import annotations

import hashlib
import json
import time
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from bot.bootstrap import Services, Unit
from bot.coaching.pack import thresholds_of
from bot.home.data import HomeData
from bot.home.views import home_view
from bot.i18n import Translator
from bot.recognition.messages import mentioned
from bot.recognition.usecases import names
from bot.runtime.coalesce import Coalescer
from bot.runtime.jobs import next_runs
from bot.surveys.access import audience_of
from bot.surveys.focus import open_focuses
from coaching.access import NotAllowed
from coaching.followups.accounts import LOOK_BACK as ACCOUNT_LOOK_BACK
from coaching.followups.accounts import AccountNudgeItem, AccountRules, due_for
from coaching.followups.rules import DealState, FollowupRules, followups_due, pending, silent_accounts
from coaching.one_on_ones.service import agenda_of, standing_pairs
from coaching.performance import service as coaching
from coaching.periods import period_of
from storage.data_version import kpis_version
from storage.health import setup_health
from storage.models import Person
from storage.recognition.wins import colleague_of
from surveys.ports import Member
from surveys.results import RoundSummary
from surveys.visibility import what_may_see

MAX_FOLLOWUPS = 5


def _accounts(u: Unit, member: Member, deals: list[DealState], *, today: date,
              rules: FollowupRules) -> list[AccountNudgeItem]:
    """The accounts the daily DM would name today (an account one of their own deals is already nudged about for
    the same silence left out)."""
    facts = u.nudges.account_facts(owner_ids=[member.person_id], since=today - ACCOUNT_LOOK_BACK)
    holds = u.nudges.account_holds(account_ids={a.account_id for a in facts.accounts}
                                   | {w.account_id for w in facts.wins} | {d.account_id for d in facts.departures})
    covered = silent_accounts(deals, today=today, rules_of=lambda d: rules)
    account_rules = AccountRules().with_thresholds(u.nudges.quiet_thresholds()).for_team(member.team_id)
    return due_for(facts, holds, person_id=member.person_id, today=today, now=u.now, rules=account_rules,
                   covered=covered)[:MAX_FOLLOWUPS]


def gather(services: Services, u: Unit, member: Member | None) -> HomeData:
    data = HomeData(member, u.now)
    if member is None:
        return data
    data.open_rounds = u.surveys.open_rounds_for(member.person_id, u.now)
    today = u.now.astimezone(ZoneInfo(member.tz or "UTC")).date()
    rules = FollowupRules().with_thresholds(u.nudges.thresholds()).for_team(member.team_id)
    deals = u.nudges.open_deals(owner_ids=[member.person_id])
    ids = [d.deal_id for d in deals]
    data.followups = pending(followups_due(deals, today=today, rules=rules), snoozes=u.nudges.snoozes(deal_ids=ids),
                             mutes=u.nudges.mutes(deal_ids=ids), now=u.now)[:MAX_FOLLOWUPS]
    data.accounts = _accounts(u, member, deals, today=today, rules=rules)
    thresholds, month = thresholds_of(services.settings), period_of("month", today)
    if member.role == "rep":
        try:
            data.numbers = services.rep_numbers.rep_view(  # worked out once per team, month and data version
                u.performance, version=kpis_version(u.session), viewer_id=member.person_id,
                rep_id=member.person_id, period=month, now=u.now, thresholds=thresholds)
        except NotAllowed:
            data.numbers = None
    person = u.session.get(Person, member.person_id)
    data.language = person.language if person is not None else None
    if person is not None:
        data.kudos = u.recognition.kudos_history(colleague_of(person), limit=3)
        data.kudos_names = names(u, mentioned(data.kudos.received))
    if member.role in ("manager", "admin"):
        data.snapshot = coaching.digest_for(u.performance, viewer_id=member.person_id, period=month, now=u.now,
                                            thresholds=thresholds)
        data.names = {p: m.name for p, m in u.people.members(data.snapshot.reps).items()}
        data.results = _latest_results(services, u, member)
        data.focuses = open_focuses(u, member)
    pairs = standing_pairs(u.one_on_ones, person_id=member.person_id)
    data.one_on_ones = [(p, agenda_of(u.one_on_ones, pair_id=p.id, person_id=member.person_id, now=u.now))
                        for p in pairs[:10]]
    others = {p.rep_id if p.manager_id == member.person_id else p.manager_id for p, _ in data.one_on_ones}
    data.names.update({p: m.name for p, m in u.people.members(others).items()})
    if member.role == "admin":
        data.health = setup_health(u.session)
        data.jobs = next_runs(u.now)
    return data


def _latest_results(services: Services, u: Unit, member: Member) -> list[tuple[str, date, RoundSummary]]:
    """The latest closed round of each team this person may see, as surveys.visibility lets them see it."""
    visible = what_may_see(u.surveys, audience_of(u, member), threshold=services.settings.anonymity_threshold)
    return [(team, day, summary) for team, (day, summary) in sorted(visible.latest().items())][:6]


def publish(services: Services, *, slack_user: str, u: Unit | None = None) -> list[str]:
    """Render and publish a person's App Home, unless the view last queued for them is this one (a view that was
    shown before, such as the first language again, is published again: each publish is numbered). Without a unit,
    the figures are read in a transaction that only reads and the publish is queued in a short one."""
    if u is not None:
        return _queue(u, slack_user, *_render(services, u, slack_user))
    with services.reading() as reading:
        seen, rendered = _moment(reading), _render(services, reading, slack_user)
    with services.unit() as unit:
        if _moment(unit) != seen:  # the org chart, CRM rows or a round's close changed meanwhile: as they are now
            rendered = _render(services, unit, slack_user)
        return _queue(unit, slack_user, *rendered)


def _moment(u: Unit) -> tuple[int, int]:
    """What a view read in one transaction and queued in another must not have missed: the KPI inputs' version and
    how many rounds have closed (a close forgets the App Home views of people who answered)."""
    return kpis_version(u.session), u.surveys.closes_so_far()


def _render(services: Services, u: Unit, slack_user: str) -> tuple[dict[str, Any], Member | None]:
    member = u.people.by_slack_id(slack_user)
    t = Translator.for_person(member.locale if member else None, member.tz if member else None)
    return home_view(t, gather(services, u, member), currency=services.settings.currency), member


def _queue(u: Unit, slack_user: str, view: dict[str, Any], member: Member | None) -> list[str]:
    version = hashlib.sha256(json.dumps(view, sort_keys=True).encode()).hexdigest()[:16]
    last = u.outbox.last_key(member.person_id, "views.publish") if member else None
    if last is not None and not last.startswith(f"home:{slack_user}:"):
        last = None  # another Slack id's (the person was linked again)
    latest = (last or "").split(":")  # home:{user}:{version}[:{number}]
    if last is not None and len(latest) > 2 and latest[2] == version:
        return [*u.messenger.enqueued, last]  # shown already (or on its way): nothing new to deliver
    number = int(latest[3]) + 1 if len(latest) > 3 and latest[3].isdigit() else 1
    u.messenger.publish_home(slack_user, view, version=f"{version}:{number}",
                             person_id=member.person_id if member else None)
    return u.messenger.enqueued


YIELD_AT_MOST = 2.0  # seconds a refresh waits for acks and survey answers' DM edits before it goes anyway


def home_refresher(services: Services) -> Coalescer:
    """Publishes a person's App Home once per burst of changes (Services.refresh_home_later), after the acks and
    the survey answers' DM edits waiting at that moment, and for the state as it is then."""

    def yield_to() -> None:
        until = time.monotonic() + YIELD_AT_MOST
        services.in_flight.wait_quiet(until)
        services.answering.wait_quiet(until)

    def refresh(slack_user: str) -> None:
        services.delivery.drain(keys=publish(services, slack_user=slack_user))

    return Coalescer(refresh, yield_to=yield_to, name="home-refresh")


LANGUAGES = ("en", "ms", "zh", "lt", "fa")


def set_language(services: Services, *, slack_user: str, language: str) -> list[str]:
    """A person's own language ("auto": follow their Slack locale again); their App Home is re-published in it."""
    with services.unit() as u:
        if language not in (*LANGUAGES, "auto"):
            return []
        if not u.people.set_language(slack_user, None if language == "auto" else language):
            return []
        return publish(services, slack_user=slack_user, u=u)
