"""Clicks apply in the order people made them: Slack's `action_ts` orders a late copy of an older click (a retry,
or a captured request sent again) behind the click already recorded, so it changes nothing."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation


class StaleClick(Exception):
    """A copy of a click older than, or the same as, the one already recorded: ignore it."""


def check_order(action_ts: str | None, recorded: str | None) -> None:
    """Raise StaleClick when `action_ts` is not after `recorded`; a click without a time (a modal) always applies."""
    if action_ts is None or recorded is None:
        return
    if _stamp(action_ts) <= _stamp(recorded):
        raise StaleClick(f"a click at {action_ts} is not after the one recorded at {recorded}")


def latest(stamps: list[str | None]) -> str | None:
    """The latest of some recorded click times."""
    known = [s for s in stamps if s]
    return max(known, key=_stamp) if known else None


def _stamp(action_ts: str) -> Decimal:
    try:
        return Decimal(action_ts)
    except InvalidOperation:
        return Decimal(0)  # not a Slack timestamp: orders first, so a real click always wins over it
