"""Who may see whose figures, which teams' surveys and which one-on-ones, decided from the org chart as it is now:
reps their own, managers their reports (all the way down), admins everyone.

The org chart is plain values (person id -> manager id, role, team); a loop in the chart never hangs anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

ROLES = ("rep", "manager", "admin")


@dataclass(frozen=True)
class OrgEntry:
    manager_id: int | None
    role: str  # one of ROLES
    team_id: int | None = None  # the team row the person is listed in (surveys go to a team's reps)


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


def team_reps(person_id: int, *, org: OrgChart) -> tuple[int, ...]:
    """The reps in a person's team figures: every rep for an admin, the reps below a manager, a rep alone."""
    entry = org.get(person_id)
    if entry is not None and entry.role == "admin":
        return tuple(sorted(p for p, e in org.items() if e.role == "rep"))
    if entry is not None and entry.role == "manager":
        return reps_under(person_id, org=org)
    return (person_id,)


def team_reps_in_view(viewer_id: int | None, subject_id: int, *, org: OrgChart) -> tuple[int, ...]:
    """The reps of `subject_id`'s team figures that `viewer_id` may see (None: the operator, who sees all). A
    manager who asks for the pack of an admin reporting to them gets their own reps, not the whole organisation."""
    reps = team_reps(subject_id, org=org)
    if viewer_id is None:
        return reps
    seen = visible_to(viewer_id, org=org)
    return tuple(r for r in reps if r in seen)


def teams_in_view(viewer_id: int, *, org: OrgChart, teams: Iterable[int]) -> frozenset[int]:
    """The teams whose surveys `viewer_id` may see, create and close: every team for an admin; for a manager, each
    team whose active reps (the people its surveys go to) all report to them, directly or further down. Being
    listed in a team is not leading it; a team with no rep is an admin's."""
    entry = org.get(viewer_id)
    if entry is None or entry.role == "rep":
        return frozenset()
    if entry.role == "admin":
        return frozenset(teams)
    mine = reports_of(viewer_id, org=org)
    reps: dict[int, set[int]] = {}
    for person_id, person in org.items():
        if person.role == "rep" and person.team_id is not None:
            reps.setdefault(person.team_id, set()).add(person_id)
    return frozenset(t for t in teams if reps.get(t) and reps[t] <= mine)


def pair_stands(manager_id: int, rep_id: int, *, org: OrgChart) -> bool:
    """A one-on-one stands while both people are active and the rep reports directly to the manager; it ends the
    moment the org chart moves the rep to someone else (and stands again only if they move back)."""
    rep = org.get(rep_id)
    return rep is not None and manager_id in org and rep.manager_id == manager_id
