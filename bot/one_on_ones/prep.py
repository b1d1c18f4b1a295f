"""The manager's one-on-one prep from stored data (coaching.one_on_ones.ports.PrepSource): KPI changes, deals needing a
follow-up, recent wins and kudos, days since last recognised, and team sentiment under the anonymity rules and the
team's open focus (only of a team whose surveys the manager may see)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from coaching.access import check_can_see, teams_in_view
from coaching.followups.rules import DEFAULT_RULES, FollowupRules, followups_due
from coaching.one_on_ones.prep import Prep, build_prep
from coaching.performance.kpis import kpis_of
from coaching.periods import Period, period_of
from storage.recognition.repository import last_recognised, recent_recognition
from surveys.focus import Focus
from surveys.questions import FOLLOW_UP_PREFIX
from surveys.results import RoundSummary
from surveys.visibility import Audience, what_may_see

if TYPE_CHECKING:
    from bot.bootstrap import Unit

PREP_KPIS = ("activities", "deals_created", "deals_won", "revenue_won", "win_rate", "open_pipeline")
RECENT = timedelta(days=30)  # wins and kudos counted over this when no one-on-one was held yet


@dataclass(frozen=True)
class PrepShown(Prep):
    """A Prep with what the renderer needs to say where the figures come from: the weeks compared, and whether
    team sentiment is an eNPS, an engagement average, withheld (fewer than `threshold` answered) or unknown."""

    weeks: tuple[str, str] = ("", "")  # (before, now) ISO week keys
    sentiment: str = "none"  # "enps", "engagement", "withheld" or "none"
    sentiment_on: date | None = None  # the survey round's date
    threshold: int = 5
    focus: Focus | None = None  # the team's open focus after its latest round (surveys.focus), if any


def compared_weeks(since: date | None, today: date) -> tuple[Period, Period]:
    """The week of the last one-on-one against the last full week; the two full weeks before today otherwise."""
    now = period_of("week", today).previous()
    before = period_of("week", since) if since is not None else now.previous()
    return (before if before < now else now.previous()), now


def team_sentiment(summary: RoundSummary) -> tuple[str, float | None]:
    """eNPS when the round asked it and it may be shown; else the average of the agreement questions shown."""
    if summary.withheld:
        return "withheld", None
    enps = next((q.enps for q in summary.questions if q.question_id == "enps"), None)
    if enps is not None:
        return "enps", float(enps.score)
    averages = [q.average for q in summary.questions if q.kind == "agreement" and q.average is not None
                and not q.question_id.startswith(FOLLOW_UP_PREFIX)]  # "has the focus helped?" is no engagement
    if averages:
        return "engagement", sum(averages) / len(averages)
    if any(q.question_id == "enps" or q.kind == "agreement" for q in summary.questions):
        return "withheld", None  # asked, but fewer than k answered those questions
    return "none", None


class StoredPrep:
    """Implements coaching.one_on_ones.ports.PrepSource over one unit of work (the manager's DM is rendered from it)."""

    def __init__(self, u: Unit, *, threshold: int, rules: FollowupRules = DEFAULT_RULES) -> None:
        self.u, self.threshold, self.rules = u, threshold, rules

    def prep(self, *, rep_id: int, manager_id: int, since: date | None, today: date) -> Prep:
        u = self.u
        org = u.performance.org_chart()
        check_can_see(manager_id, rep_id, org=org)  # asked again at every use: the org chart may have moved
        before, now = compared_weeks(since, today)
        figures = u.performance.rep_figures(rep_ids=[rep_id], periods=[before.previous(), before, now],
                                            now=u.now)
        kpis_before = kpis_of(figures[before][0], previous=figures[before.previous()][0])
        kpis_now = kpis_of(figures[now][0], previous=figures[before][0])
        changes = {name: (kpis_before.value(name), kpis_now.value(name)) for name in PREP_KPIS}
        rep = u.nudges.person(rep_id)
        rules = self.rules.with_thresholds(u.nudges.thresholds()).for_team(rep.team_id if rep else None)
        due = followups_due(u.nudges.open_deals(owner_ids=[rep_id]), today=today, rules=rules)
        start = datetime.combine(since, time(), tzinfo=UTC) if since else u.now - RECENT
        wins, kudos = recent_recognition(u.session, person_ids=[rep_id], since=start)[rep_id]
        team = rep.team_id if rep else None
        seen = team is not None and team in teams_in_view(manager_id, org=org, teams=[team])
        kind, value, on = self._sentiment(team) if seen else ("none", None, None)
        focus = next(iter(u.focuses.of_teams([team], open_only=True)), None) if seen and team is not None else None
        base = build_prep(rep_id=rep_id, since=since, today=today, kpis=changes,
                          stale_deals=len({f.deal.deal_id for f in due}), recent_wins=wins, recent_kudos=kudos,
                          last_recognised_on=last_recognised(u.session, person_ids=[rep_id])[rep_id],
                          team_sentiment=value)
        return PrepShown(**{f.name: getattr(base, f.name) for f in fields(Prep)}, weeks=(before.key, now.key),
                         sentiment=kind, sentiment_on=on, threshold=self.threshold, focus=focus)

    def _sentiment(self, team_id: int | None) -> tuple[str, float | None, date | None]:
        """The team's latest closed round over all its surveys, as surveys.visibility lets its managers see it."""
        store = self.u.surveys
        names = {plan.team_name for plan in store.plans(active_only=False) if plan.team_id == team_id}
        if not names:
            return "none", None, None
        name = names.pop()
        latest = what_may_see(store, Audience(frozenset({name.lower()})), threshold=self.threshold).latest()
        if name not in latest:
            return "none", None, None
        day, summary = latest[name]
        kind, value = team_sentiment(summary)
        return kind, value, day
