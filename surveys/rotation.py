"""Question rotation: a survey with a larger pool asks a few questions per round, so each comes back about
every three months; the eNPS question, when in the pool, is asked every round to keep its trend."""

from __future__ import annotations

import math
from collections.abc import Sequence

from surveys.questions import MAX_QUESTIONS_PER_ROUND

ROUNDS_PER_QUARTER = {"weekly": 13, "biweekly": 6, "monthly": 3, "quarterly": 1}
MAX_POOL = 40
ALWAYS = ("enps",)


def per_round(pool: Sequence[str], cadence: str) -> int:
    """How many rotating questions each round asks, so that the whole pool is asked once a quarter."""
    rotating = [q for q in pool if q not in ALWAYS]
    fixed = len(pool) - len(rotating)
    wanted = math.ceil(len(rotating) / ROUNDS_PER_QUARTER[cadence]) if rotating else 0
    return max(1 if rotating else 0, min(wanted, MAX_QUESTIONS_PER_ROUND - fixed))


def questions_for_round(pool: Sequence[str], cadence: str, round_number: int) -> tuple[str, ...]:
    """The questions of the `round_number`-th round (0 for the first): fixed ones first, then the next
    slice of the rotating pool, wrapping around."""
    fixed = [q for q in pool if q in ALWAYS]
    rotating = [q for q in pool if q not in ALWAYS]
    if not rotating:
        return tuple(fixed)
    k = per_round(pool, cadence)
    start = (round_number * k) % len(rotating)
    picked = [rotating[(start + i) % len(rotating)] for i in range(min(k, len(rotating)))]
    return tuple(fixed + picked)
