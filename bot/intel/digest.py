"""The intel roll-up of the last seven days for managers' weekly digests, and the admins' weekly intel DM (once per
ISO week, from the digest day and time in their own zone, skipped when there was no intel)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from bot.bootstrap import Services, Unit
from bot.followups.messenger import translator
from bot.intel.views import admin_digest
from coaching.intel.service import Rollup, rollup
from coaching.performance.schedule import digests_due
from storage.intel import IntelRepository

WEEK = timedelta(days=7)


def week_rollup(u: Unit, now: datetime) -> Rollup:
    """Everyone's intel of the seven days before `now`: it was posted to a channel the whole company reads, so a
    manager's roll-up is not narrowed to their reports (the pack's Intel sheet is)."""
    return rollup(IntelRepository(u.session).items(start=now - WEEK, end=now), start=now - WEEK, end=now)


def send_admin_digests(services: Services, now: datetime) -> int:
    """Each admin's weekly intel DM under `intel-digest:{admin}:{ISO week}`; none in a week without intel."""
    s = services.settings
    hour, minute = (int(x) for x in s.digest_time.split(":"))
    with services.unit(now) as u:
        if not IntelRepository(u.session).anyone_since(now - WEEK):
            return 0
        admins = [m for m in u.people.members(p for p, e in u.performance.org_chart().items() if e.role == "admin")
                  .values() if m.slack_id]
        due = digests_due(((m.person_id, m.tz) for m in admins), now=now, weekday=s.digest_day, at=time(hour, minute))
        keys = {d.manager_id: f"intel-digest:{d.manager_id}:{d.week}" for d in due}
        already = u.outbox.existing(list(keys.values()))
        due = [d for d in due if keys[d.manager_id] not in already]
        if not due:
            return 0
        found = week_rollup(u, now)
        by_id = {m.person_id: m for m in admins}
        for d in due:
            admin = by_id[d.manager_id]
            text, blocks = admin_digest(translator(admin), found)
            u.messenger.post(keys[d.manager_id], admin.slack_id or "", text, blocks, person_id=admin.person_id)
        sent = len(u.messenger.enqueued)
    services.delivery.wake()
    return sent
