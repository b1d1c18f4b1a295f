"""The coaching pack use case: a manager's digest, team trend and names for one period, written as .xlsx bytes.

`salescoach export coaching` and the digest's download button both call build_pack inside a unit's transaction.
"""

from __future__ import annotations

import argparse
import io
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

from bot.coaching.history import FocusRow
from bot.coaching.workbook import PackPerson, write_coaching_workbook
from bot.i18n import Translator
from coaching.access import NotAllowed, OrgChart, can_see, teams_in_view
from coaching.asks.service import Ask
from coaching.intel.service import Intel
from coaching.losses.reasons import LostDeal
from coaching.performance.diagnosis import Thresholds
from coaching.performance.digest import Digest
from coaching.performance.kpis import Kpis
from coaching.performance.service import digest_for, trend
from coaching.periods import Period, PeriodError, last_periods, parse_period
from storage.focus import FocusRepository
from storage.followups.asks import AskRepository
from storage.intel import IntelRepository
from storage.kpis import PerformanceRepository
from storage.losses import LossRepository
from storage.people import PeopleRepository
from storage.surveys import SurveyRepository
from surveys.questions import FOLLOW_UP_PREFIX
from surveys.visibility import Audience, what_may_see

if TYPE_CHECKING:
    from bot.bootstrap import Services
    from bot.settings import Settings
    from storage.db import Session  # SQLAlchemy's, as storage re-exports it: bot/ imports no sqlalchemy

TREND_PERIODS = 6  # periods on the Trends sheet, the pack's own period last
MAX_TREND_PERIODS = 60
PACK_ROLES = ("manager", "admin")
SHOWN = 8  # manager emails listed when --manager names nobody


class CoachingPackError(ValueError):
    """A manager, period or output file that makes no pack; the message says what is allowed, on one line."""


@dataclass(frozen=True)
class PackData:
    """Everything the workbook shows: the manager, the digest over their reps, the trend and who is who."""

    manager: PackPerson
    digest: Digest
    trend: list[tuple[Period, Kpis]]
    people: dict[int, PackPerson]
    generated_at: datetime
    asks: list[Ask] = field(default_factory=list)  # the reps' asks for help made in the period
    deals: dict[int, str] = field(default_factory=dict)  # the names of the deals they were about
    focuses: list[FocusRow] = field(default_factory=list)  # their teams' focuses, with the follow-up's average
    losses: list[LostDeal] = field(default_factory=list)  # the reps' deals lost in the period, with their reasons
    intel: list[Intel] = field(default_factory=list)  # the period's /intel items by the manager and those reps


def build_pack(session: Session, *, manager_id: int, period: Period, now: datetime, t: Translator, settings: Settings,
               viewer_id: int | None = None, periods: int = TREND_PERIODS) -> bytes:
    """The .xlsx bytes of `manager_id`'s pack for `period`, read in the caller's transaction. With `viewer_id`
    (someone in Slack) the viewer must be that manager, a manager above them or an admin (NotAllowed otherwise);
    None is the operator at the CLI."""
    data = load_pack(session, manager_id=manager_id, period=period, now=now, settings=settings, viewer_id=viewer_id,
                     periods=periods)
    return pack_bytes(data, t=t, currency=settings.currency)


def load_pack(session: Session, *, manager_id: int, period: Period, now: datetime, settings: Settings,
              viewer_id: int | None = None, periods: int = TREND_PERIODS) -> PackData:
    """The digest of the manager's reps (all the way down; every rep for an admin) and the team's KPIs for the
    `periods` periods ending with `period`, both cut down to the reps `viewer_id` may see: the pack follows the
    asker's view, never the subject's (a manager asking for an admin's pack gets their own reps)."""
    store = PerformanceRepository(session)
    check_may_pack(viewer_id=viewer_id, manager_id=manager_id, org=store.org_chart())
    digest = digest_for(store, viewer_id=viewer_id, subject_id=manager_id, period=period, now=now,
                        thresholds=thresholds_of(settings))
    history = trend(store, viewer_id=viewer_id, subject_id=manager_id, periods=last_periods(period, count=periods),
                    now=now)
    people = {p: PackPerson(p, m.name, m.email)
              for p, m in PeopleRepository(session).members((manager_id, *digest.reps)).items()}
    asks = AskRepository(session)
    start, end = datetime.combine(period.start, time.min, UTC), datetime.combine(period.end, time.min, UTC)
    asked = asks.asks_of(rep_ids=list(digest.reps), start=start, end=end)
    return PackData(people[manager_id], digest, history, people, now, asked,
                    asks.deal_names([a.deal_id for a in asked if a.deal_id is not None]),
                    focus_rows(session, rep_ids=digest.reps, reader=manager_id if viewer_id is None else viewer_id,
                               org=store.org_chart(), threshold=settings.anonymity_threshold),
                    LossRepository(session).losses(owner_ids=digest.reps, start=period.start, end=period.end),
                    IntelRepository(session).items(start=start, end=end, author_ids=[manager_id, *digest.reps]))


def focus_rows(session: Session, *, rep_ids: Collection[int], reader: int, org: OrgChart,
               threshold: int) -> list[FocusRow]:
    """Every focus of the teams the pack's reps are listed in whose surveys `reader` may see (the asker in Slack, the
    pack's manager at the CLI: coaching.access.teams_in_view, as for every survey surface), with its follow-up
    question's average as the visibility function shows it (None while not asked, or withheld below k)."""
    people = PeopleRepository(session)
    every = people.team_names()
    teams = {m.team_id for m in people.members(rep_ids).values()} & teams_in_view(reader, org=org, teams=every)
    names = {team_id: name for team_id, name in every.items() if team_id in teams}
    focuses = FocusRepository(session).of_teams(list(names))
    if not focuses:
        return []
    visible = what_may_see(SurveyRepository(session), Audience(frozenset(n.lower() for n in names.values())),
                           threshold=threshold)
    averages = {r.question_id: r.average for d in visible.rounds for r in d.summary.questions
                if r.question_id.startswith(FOLLOW_UP_PREFIX)}
    return [FocusRow(f, names[f.team_id], averages.get(f.question_id or "")) for f in reversed(focuses)]


def pack_bytes(data: PackData, *, t: Translator, currency: str | None = None) -> bytes:
    buffer = io.BytesIO()
    write_coaching_workbook(buffer, t, manager=data.manager, digest=data.digest, trend=data.trend,
                            people=data.people, generated_at=data.generated_at, currency=currency,
                            asks=data.asks, deals=data.deals, focuses=data.focuses, losses=data.losses,
                            intel=data.intel)
    return buffer.getvalue()


def check_may_pack(*, viewer_id: int | None, manager_id: int, org: OrgChart) -> None:
    entry = org.get(manager_id)
    if entry is None or entry.role not in PACK_ROLES:
        raise NotAllowed(f"person {manager_id} is not an active manager or admin and has no coaching pack")
    if viewer_id is not None and not can_see(viewer_id, manager_id, org=org):
        raise NotAllowed(f"person {viewer_id} may not see the coaching pack of person {manager_id}")


def thresholds_of(settings: Settings) -> Thresholds:
    return Thresholds(min_closed_deals=settings.min_closed_deals, new_business_target=settings.new_business_target)


def find_manager(session: Session, *, email: str) -> int:
    """The person id of the active manager or admin with this email; CoachingPackError naming who may be asked."""
    people = PeopleRepository(session)
    member = people.by_email(email)
    org = PerformanceRepository(session).org_chart()
    if member is not None and member.person_id in org and org[member.person_id].role in PACK_ROLES:
        return member.person_id
    managers = sorted(m.email for m in people.members(p for p, e in org.items() if e.role in PACK_ROLES).values())
    if member is None or member.person_id not in org:
        problem = "no active person has this email"
    else:
        problem = f"{member.name} is a {member.role}, not a manager or admin"
    if not managers:
        raise CoachingPackError(f"--manager {email!r}: {problem}; the roster has no manager yet "
                                "(see `salescoach import roster`)")
    more = f" and {len(managers) - SHOWN} more" if len(managers) > SHOWN else ""
    raise CoachingPackError(f"--manager {email!r}: {problem}; expected the email of a manager or admin, "
                            f"e.g. {', '.join(managers[:SHOWN])}{more}")


def export_coaching(args: argparse.Namespace, services: Services) -> int:
    """`salescoach export coaching --manager EMAIL --period 2017-Q3 --out pack.xlsx`."""
    now = services.clock()
    try:
        period = parse_period(args.period, today=now.date())
    except PeriodError as exc:
        raise CoachingPackError(f"--period: {exc}") from None
    if not 1 <= args.periods <= MAX_TREND_PERIODS:
        raise CoachingPackError(f"--periods {args.periods}: expected a whole number from 1 to {MAX_TREND_PERIODS}")
    with services.unit(now) as u:
        manager_id = find_manager(u.session, email=args.manager)
        data = load_pack(u.session, manager_id=manager_id, period=period, now=now, settings=services.settings,
                         periods=args.periods)
    content = pack_bytes(data, t=Translator.for_person(args.locale), currency=services.settings.currency)
    try:
        Path(args.out).write_bytes(content)
    except OSError as exc:
        raise CoachingPackError(f"--out {args.out!r}: cannot write it ({exc.strerror}); expected a path to a "
                                "new or writable .xlsx file") from None
    print(f"{args.out}: coaching pack of {data.manager.name} for {period.key}: {len(data.digest.reps)} rep(s), "
          f"{len(data.trend)} period(s) of trend")
    return 0
