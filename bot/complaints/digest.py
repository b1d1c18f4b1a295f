"""The complaints line of a manager's weekly digest: their reports' open and overdue complaints, and the median
working hours to resolve those resolved in the last seven days."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.i18n import Translator
from coaching.access import OrgChart, reports_of
from coaching.complaints.service import Complaint, ComplaintCounts, counts

if TYPE_CHECKING:
    from bot.bootstrap import Unit

WINDOW = timedelta(days=7)


def digest_counts(u: Unit, *, manager_ids: Sequence[int], org: OrgChart, now: datetime) -> dict[int, ComplaintCounts]:
    """Each manager's figures over their reports as the org chart stands now (coaching.access.reports_of), in a
    reading or a writing unit."""
    reports = {m: reports_of(m, org=org) for m in manager_ids}
    everyone = sorted(set().union(*reports.values())) if reports else []
    if not everyone:
        return {}
    found = u.complaints.owned_by(everyone, resolved_since=now - WINDOW)
    owners = u.complaints.people_of(sorted({c.owner_id for c in found if c.owner_id is not None}))
    holidays = u.complaints.holidays()
    by_owner: dict[int, list[Complaint]] = {}
    for complaint in found:
        by_owner.setdefault(complaint.owner_id or 0, []).append(complaint)
    return {m: counts([c for p in reports[m] for c in by_owner.get(p, [])], owners, start=now - WINDOW, now=now,
                      holidays=holidays) for m in manager_ids}


def digest_line(t: Translator, figures: ComplaintCounts | None) -> dict[str, Any] | None:
    """The digest's context line, or None when the reports had no complaint open or resolved this week."""
    if figures is None or not (figures.open or figures.resolved):
        return None
    hours = t.number(figures.median_hours, 1) if figures.median_hours is not None else "–"
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": t.ngettext(
        ":rotating_light: Complaints: {n} open, {overdue} overdue; median time to resolve in the last 7 days "
        "{hours} working h",
        ":rotating_light: Complaints: {n} open, {overdue} overdue; median time to resolve in the last 7 days "
        "{hours} working h", figures.open, overdue=t.number(figures.overdue), hours=hours)}]}
