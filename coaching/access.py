"""Who may see whose figures: reps their own, managers their reports (all the way down), admins everyone.

The org chart is plain values (person id -> manager id and role); a loop in the chart never hangs anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

ROLES = ("rep", "manager", "admin")


@dataclass(frozen=True)
class OrgEntry:
    manager_id: int | None
    role: str  # one of ROLES


OrgChart = Mapping[int, OrgEntry]


class NotAllowed(PermissionError):
    """The viewer may not see this person's figures."""


def reports_of(manager_id: int, *, org: OrgChart) -> frozenset[int]:
    """Everyone who reports to `manager_id`, directly or through other managers (never the manager)."""
    children: dict[int, list[int]] = {}
    for person_id, entry in org.items():
        if entry.manager_id is not None:
            children.setdefault(entry.manager_id, []).append(person_id)
    found: set[int] = set()
    todo = [manager_id]
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in found and child != manager_id:
                found.add(child)
                todo.append(child)
    return frozenset(found)


def visible_to(viewer_id: int, *, org: OrgChart) -> frozenset[int]:
    """The people whose figures `viewer_id` may see: themselves, their reports, or everyone for an admin."""
    entry = org.get(viewer_id)
    if entry is None:
        return frozenset()
    if entry.role == "admin":
        return frozenset(org)
    return reports_of(viewer_id, org=org) | {viewer_id}


def can_see(viewer_id: int, subject_id: int, *, org: OrgChart) -> bool:
    return subject_id in visible_to(viewer_id, org=org)


def check_can_see(viewer_id: int, subject_id: int, *, org: OrgChart) -> None:
    if not can_see(viewer_id, subject_id, org=org):
        raise NotAllowed(f"person {viewer_id} may not see the figures of person {subject_id}")


def reps_under(manager_id: int, *, org: OrgChart) -> tuple[int, ...]:
    """The reps in a manager's digest: every report with the rep role, directly or further down."""
    return tuple(sorted(p for p in reports_of(manager_id, org=org) if org[p].role == "rep"))


def digest_recipients(org: OrgChart) -> tuple[int, ...]:
    """The people who get a team digest: everyone with at least one rep below them."""
    managers = {e.manager_id for e in org.values() if e.manager_id is not None and e.manager_id in org}
    return tuple(sorted(m for m in managers if reps_under(m, org=org)))


def peers_of(person_id: int, *, org: OrgChart) -> tuple[int, ...]:
    """The reps a rep is compared with: the reps under the same manager (including the rep)."""
    entry = org.get(person_id)
    if entry is None or entry.manager_id is None:
        return (person_id,)
    direct = [p for p, e in org.items() if e.manager_id == entry.manager_id and e.role == "rep"]
    return tuple(sorted({*direct, person_id}))
