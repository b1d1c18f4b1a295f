"""Use cases behind `/coach`, the weekly digest DM and the Excel-pack button: who asks, what they may see,
one coaching call, then the reply rendered in the reader's language and put in the outbox."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.bootstrap import Services, Unit
from bot.coaching.chart import chart_request
from bot.coaching.pack import build_pack, thresholds_of
from bot.coaching.views import digest_message, glossary_message, rep_message
from bot.complaints.digest import digest_counts, digest_line
from bot.i18n import N_, Translator
from bot.intel.digest import week_rollup
from bot.losses.views import digest_blocks as loss_blocks
from bot.messenger import OutboxMessenger
from coaching.access import NotAllowed
from coaching.asks.service import Ask
from coaching.asks.service import counts as ask_counts
from coaching.losses.reasons import mix, mix_by_owner
from coaching.performance import service as coaching
from coaching.performance.diagnosis import Thresholds
from coaching.performance.schedule import digests_due
from coaching.periods import Period, PeriodError, parse_period, period_of
from storage.data_version import kpis_version
from storage.outbox import HeldOutbox, Queued
from surveys.ports import Member

MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
TREND_PERIODS = 6


class CoachRefused(Exception):
    """A `/coach` request that cannot be answered; the message (English, translated when shown) says why."""


@dataclass(frozen=True)
class CoachRequest:
    target: str  # "team", "me", or a Slack user id
    period: Period


def parse_request(text: str, *, today: datetime) -> CoachRequest:
    """`/coach [me | @rep | help] [period]`: period as 2017-Q3, 2017-07, 2017-W27, or "last month"; this month by
    default. `help` explains how every figure is computed."""
    words = text.split()
    target = "team"
    if words and words[0].lower() == "help":
        return CoachRequest("help", period_of("month", today.date()))
    if words and (words[0].lower() == "me" or MENTION.match(words[0])):
        first = words.pop(0)
        match = MENTION.match(first)
        target = match.group(1) if match else "me"
    rest = " ".join(words)
    try:
        period = parse_period(rest, today=today.date()) if rest else period_of("month", today.date())
    except PeriodError:
        raise CoachRefused(N_("Say a period like 2017-Q3, 2017-07, 2017-W27, this month or last quarter.")) from None
    return CoachRequest(target, period)


def thresholds(services: Services) -> Thresholds:
    return thresholds_of(services.settings)


def translator(member: Member | None) -> Translator:
    return Translator.for_person(member.locale if member else None, member.tz if member else None)


def answer(services: Services, *, slack_user: str, text: str, response_url: str, key: str) -> list[str]:
    """Work out the reply to `/coach ...` and queue it for the asker only; returns the outbox keys."""
    with services.unit() as u:
        viewer = u.people.by_slack_id(slack_user)
        t = translator(viewer)
        try:
            if viewer is None:
                raise CoachRefused(N_("You are not in the roster yet. Ask your admin to add you."))
            title, blocks = _reply(services, u, viewer, t, parse_request(text, today=u.now.astimezone(ZoneInfo(t.tz))))
        except (CoachRefused, NotAllowed) as refusal:
            title, blocks = t.gettext(str(refusal)), [
                {"type": "section", "text": {"type": "mrkdwn", "text": t.gettext(str(refusal))}}]
        u.messenger.respond(key, response_url, title, blocks, person_id=viewer.person_id if viewer else None)
        return u.messenger.enqueued


def _reply(services: Services, u: Unit, viewer: Member, t: Translator,
           request: CoachRequest) -> tuple[str, list[dict[str, object]]]:
    currency, rules = services.settings.currency, thresholds(services)
    if request.target == "help":
        return glossary_message(t)
    if request.target == "team":
        if viewer.role not in ("manager", "admin"):
            raise CoachRefused(N_("The team digest is for managers. Try /coach me for your own numbers."))
        digest = coaching.digest_for(u.performance, viewer_id=viewer.person_id, period=request.period, now=u.now,
                                     thresholds=rules)
        names = {p: m.name for p, m in u.people.members(digest.reps).items()}
        return digest_message(t, digest, names, currency=currency, team=u.people.team_name(viewer.team_id),
                              min_deals=rules.min_closed_deals)
    rep = viewer if request.target == "me" else u.people.by_slack_id(request.target)
    if rep is None:
        raise CoachRefused(N_("That person is not in the roster."))
    try:
        view = coaching.rep_view(u.performance, viewer_id=viewer.person_id, rep_id=rep.person_id,
                                 period=request.period, now=u.now, thresholds=rules)
    except NotAllowed:
        raise CoachRefused(N_("You can see the numbers of your own reports only.")) from None
    return rep_message(t, view, rep.name, currency=currency, own=rep.person_id == viewer.person_id)


def send_weekly_digests(services: Services, now: datetime) -> int:
    """Each manager's digest (and its chart) by DM once a local week, from the configured day and time on. The
    figures are read in a transaction that only reads (it holds no writer back); the messages are then queued in a
    short one, worked out again there if the KPI inputs (CRM rows, people, teams) changed meanwhile. The chart is
    queued as what it shows; the delivery worker draws it when it uploads it."""
    with services.reading(now) as u:
        version, held = kpis_version(u.session), _digests(services, u, now)
    with services.unit(now) as w:  # a key queued meanwhile (a second run) is skipped, as enqueue always does
        if kpis_version(w.session) != version:
            held = _digests(services, w, now)
        w.outbox.enqueue_many(held, now=now)
    services.delivery.wake()
    return len(held)


def _digests(services: Services, u: Unit, now: datetime) -> list[Queued]:
    """The digests and charts due now, as outbox rows not yet written."""
    s = services.settings
    org = u.performance.org_chart()
    managers = u.people.members(p for p, e in org.items() if e.role == "manager")
    hour, minute = (int(x) for x in s.digest_time.split(":"))
    due = [d for d in digests_due(((m.person_id, m.tz) for m in managers.values() if m.slack_id), now=now,
                                  weekday=s.digest_day, at=time(hour, minute), period_kind=s.digest_period)]
    keys = {d.manager_id: f"digest:{d.manager_id}:{d.week}" for d in due}
    already = u.outbox.existing(list(keys.values()))
    due = [d for d in due if keys[d.manager_id] not in already]
    if not due:
        return []
    rules = thresholds(services)
    # every (manager, period) at once: each period's figures are read once for all managers' digests and trends
    weekly = coaching.weekly_digests(u.performance, wanted=[(d.manager_id, d.period) for d in due], now=now,
                                     trend_periods=TREND_PERIODS, thresholds=rules)
    names = {p: m.name for p, m in u.people.members(org).items()}
    week_ago = now - timedelta(days=7)
    asked: dict[int | None, list[Ask]] = {}
    for ask in u.asks.asks_to(manager_ids=[d.manager_id for d in due], since=week_ago):
        asked.setdefault(ask.manager_id, []).append(ask)
    intel = week_rollup(u, now)  # everyone's, the same for every manager (bot.intel.digest)
    complaints = digest_counts(u, manager_ids=[d.manager_id for d in due], org=org, now=now)
    held = HeldOutbox(u.session)  # kept in memory: the caller writes the rows
    messenger = OutboxMessenger(held, now=now)
    for item in due:
        manager, found = managers[item.manager_id], weekly.get((item.manager_id, item.period))
        if found is None or manager.slack_id is None:
            continue
        digest, team = found.digest, u.people.team_name(manager.team_id)
        t = translator(manager)
        lost = u.losses.losses(owner_ids=digest.reps, start=digest.period.start, end=digest.period.end)
        text, blocks = digest_message(t, digest, names, currency=s.currency, team=team,
                                      min_deals=rules.min_closed_deals,
                                      asks=ask_counts(asked.get(item.manager_id, []), start=week_ago, end=now),
                                      losses=loss_blocks(t, mix(lost), mix_by_owner(lost), names),
                                      intel=intel, complaints=digest_line(t, complaints.get(item.manager_id)))
        messenger.post(keys[item.manager_id], manager.slack_id, text, blocks, person_id=manager.person_id)
        chart = chart_request(t, found.trend, currency=s.currency,
                              title=t.gettext("Revenue won and win rate, {team}", team=team))
        messenger.upload_chart(keys[item.manager_id] + ":chart", manager.slack_id, title=text,
                               filename=f"coaching-{digest.period.key}.png", chart=chart,
                               person_id=manager.person_id)  # drawn by the delivery worker
    return held.held


def send_pack(services: Services, *, slack_user: str, manager_id: int, period_key: str) -> list[str]:
    """The digest's button: the manager's Excel pack uploaded to the asker's DM, once per asker, pack and day."""
    with services.unit() as u:
        viewer = u.people.by_slack_id(slack_user)
        if viewer is None or viewer.slack_id is None:
            return []
        t = translator(viewer)
        period = parse_period(period_key, today=u.now.date())
        try:
            content = build_pack(u.session, manager_id=manager_id, period=period, now=u.now, t=t,
                                 settings=services.settings, viewer_id=viewer.person_id)
        except NotAllowed:
            return []
        day = u.now.astimezone(ZoneInfo(t.tz)).date().isoformat()
        u.messenger.upload(f"pack:{viewer.person_id}:{manager_id}:{period.key}:{day}", viewer.slack_id,
                           filename=f"coaching-{period.key}.xlsx",
                           title=t.gettext("Coaching pack, {period}", period=period.key), content=content,
                           person_id=viewer.person_id)
        return u.messenger.enqueued
