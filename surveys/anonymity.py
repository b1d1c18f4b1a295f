"""Anonymity over plain sets of respondent tokens: the threshold k and the differencing guard.

Which groups' aggregates may be shown so that no sum or difference of shown aggregates covers fewer than k people.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping

MIN_THRESHOLD = 3
MAX_THRESHOLD = 10


def check_threshold(threshold: int) -> int:
    """The threshold an admin may choose (3 to 10); anything else is refused with a one-line reason."""
    if not MIN_THRESHOLD <= threshold <= MAX_THRESHOLD:
        raise ValueError(f"anonymity threshold {threshold} is not allowed: choose {MIN_THRESHOLD} to {MAX_THRESHOLD}")
    return threshold


def reveals(a: Collection[str], b: Collection[str], threshold: int) -> bool:
    """True when one set contains the other and subtracting them leaves between 1 and k-1 people."""
    small, big = (set(a), set(b)) if len(a) <= len(b) else (set(b), set(a))
    return small <= big and 0 < len(big - small) < threshold


def atoms(sets: Iterable[Collection[str]]) -> list[frozenset[str]]:
    """Everyone covered by `sets`, split into classes of people who belong to exactly the same sets.

    Adding and subtracting aggregates of `sets` only ever yields sums over whole atoms, so an atom is the
    smallest group anyone can learn anything about. Sorted by size, then by members, so callers are deterministic.
    """
    signature: dict[str, list[int]] = defaultdict(list)
    for index, members in enumerate(sets):
        for token in set(members):
            signature[token].append(index)
    classes: dict[tuple[int, ...], set[str]] = defaultdict(set)
    for token, where in signature.items():
        classes[tuple(where)].add(token)
    return sorted((frozenset(c) for c in classes.values()), key=lambda a: (len(a), sorted(a)))


def exposed(sets: Iterable[Collection[str]], threshold: int,
            already_shown: Iterable[Collection[str]] = ()) -> list[frozenset[str]]:
    """Groups of 1 to k-1 people that the shown sets newly single out (ones earlier views alone exposed are left out).

    Empty means safe: every aggregate derivable from `sets` plus `already_shown` covers 0 or at least k people.
    """
    shown = [frozenset(s) for s in already_shown]
    old = {a for a in atoms(shown) if len(a) < threshold}
    return [a for a in atoms([*(frozenset(s) for s in sets), *shown]) if len(a) < threshold and a not in old]


def visible_groups(
    groups: Mapping[str, frozenset[str]],
    *,
    threshold: int,
    parents: Mapping[str, str | None] | None = None,
    already_shown: Iterable[frozenset[str]] = (),
) -> set[str]:
    """The ids of the groups whose aggregates may be shown, given each group's respondent tokens.

    1. A group with fewer than `threshold` respondents is never shown.
    2. The rest are shown only if `exposed(...)` is empty, i.e. every atom (see `atoms`) of the shown sets plus
       `already_shown` (sets shown in earlier views) has 0 or at least k people. This implies the pairwise rule
       (for shown A within B, |B - A| is 0 or >= k) and also covers complements: a parent minus its shown
       children, and overlaps derived as A + B - (A union B).
    3. While some atom is too small, one more group is suppressed and the check repeats. Which one: we keep
       the parent and suppress siblings. The tightest shown set around the small atom is its "parent"; among
       the shown groups that overlap that parent without containing the atom (its siblings), the smallest goes
       first (declared parents in `parents` after leaves, then by size, then by id). Only when there is no such
       sibling is the smallest group containing the atom suppressed. A group whose set an earlier view already showed
       is suppressed last: showing it again reveals nothing new. Example: org of 15 = teams of 6, 7 and 2;
       the team of 2 is under k, so the org minus the others would reveal it: the team of 6 is suppressed too,
       and the org and the team of 7 stay. Parents are kept because the organisation-wide figure is the one
       admins need most and it is the hardest to reconstruct elsewhere.

    `parents` only steers that choice; safety comes from the sets themselves, so a missing or wrong map can
    never make the result unsafe. Sets in `already_shown` are never suppressed (they are out already). The
    result is deterministic; it is safe but not always the largest safe choice.
    """
    if threshold < 1:
        raise ValueError(f"anonymity threshold must be at least 1, got {threshold}")
    shown = [frozenset(s) for s in already_shown if s]
    kept = {g for g, members in groups.items() if len(members) >= threshold}
    while True:
        leaks = exposed((groups[g] for g in sorted(kept)), threshold, shown)
        if not leaks:
            return kept
        kept.discard(_to_suppress(leaks[0], kept, groups, parents or {}, shown))


def _to_suppress(atom: frozenset[str], kept: set[str], groups: Mapping[str, frozenset[str]],
                 parents: Mapping[str, str | None], shown: list[frozenset[str]]) -> str:
    """The group to suppress so that `atom` merges into a bigger one: the smallest sibling, else the parent."""
    covering = sorted(g for g in kept if atom <= groups[g])
    enclosures = [groups[g] for g in covering] + [s for s in shown if atom <= s]
    parent = min(enclosures, key=lambda s: (len(s), sorted(s)))
    siblings = [g for g in sorted(kept) if g not in covering and groups[g] & parent]
    declared = {p for p in parents.values() if p is not None}
    pool = siblings or covering or sorted(kept)
    fresh = [g for g in pool if groups[g] not in shown] or [g for g in sorted(kept) if groups[g] not in shown]
    return min(fresh or pool, key=lambda g: (g in declared, len(groups[g]), g))
