"""Turning one cell into a typed value (date, amount, count, yes/no, one of a few words) or a BadValue saying what
was expected."""

from __future__ import annotations

import math
from datetime import date, datetime

from coaching.loss_reasons import ALIASES, ALLOWED
from storage.tables import Value

TEXT_LIMITS = {"external_id": 64, "owner": 254, "stage": 64, "outcome": 8, "account": 200, "product": 120,
               "next_step": 4000, "sector": 100, "name": 200, "kind": 16, "period_kind": 8, "deal_external_id": 64,
               "deal_type": 120, "potential_tier": 120, "team": 120, "loss_reason": 120, "competitor": 120,
               "email": 254, "role": 120}
DATES = {"engaged_on", "created_on", "expected_close_on", "closed_on", "next_step_on", "last_activity_on", "day",
         "period_start", "converted_on", "churned_on", "left_on"}
MONEY = {"amount", "acquisition_cost", "revenue", "potential"}
COUNTS = {"employees", "count"}
FLAGS = {"churned"}
TRUE, FALSE = {"true", "yes", "y", "1"}, {"false", "no", "n", "0"}
# Columns that hold one of a few words: each accepted spelling (see word_key) -> the stored word, and what to say
# when a cell is none of them.
CHOICES: dict[str, dict[str, str]] = {
    "deal_type": {"new": "new", "new business": "new", "renewal": "renewal", "renew": "renewal",
                  "expansion": "expansion", "upsell": "expansion", "cross sell": "expansion", "upgrade": "expansion"},
    "potential_tier": {"high": "high", "medium": "medium", "low": "low", "a": "high", "b": "medium", "c": "low"},
    "loss_reason": ALIASES,
}
CHOSEN = {
    "deal_type": "new, renewal or expansion (also new business; renew; upsell, cross-sell, upgrade)",
    "potential_tier": "high, medium or low (also a, b, c)",
    "loss_reason": ALLOWED,
}
COMMON_DATES = ("%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%Y/%m/%d", "%d-%m-%Y", "%m-%d-%Y", "%d %b %Y", "%b %d, %Y")


class BadValue(Exception):
    """A cell that cannot be read as its column's type: what is wrong with it and what was expected."""

    def __init__(self, problem: str, expected: str) -> None:
        self.problem, self.expected = problem, expected


def to_date(raw: Value, formats: tuple[str, ...]) -> date:
    """A date cell as is; text by the mapping's formats, else ISO (2026-11-23, or with a time)."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = str(raw)
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    try:
        return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text).date()
    except ValueError:
        pass
    allowed = " or ".join(formats or ("YYYY-MM-DD",))
    guess = next((f for f in COMMON_DATES if f not in formats and _parses(text, f)), None)
    hint = f" (it reads as {guess}: set dates: format: {guess!r} in the mapping)" if guess else ""
    raise BadValue(f"is not a date{hint}", f"a date as {allowed}, or a date cell")


def _parses(text: str, fmt: str) -> bool:
    try:
        datetime.strptime(text, fmt)
    except ValueError:
        return False
    return True


def to_amount(raw: Value) -> float:
    """A number of 0 or more (money, revenue); text may have spaces but no currency sign."""
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise BadValue("is not a number", "a number such as 1250.50")
    try:
        value = float(raw.replace(" ", "").replace("_", "")) if isinstance(raw, str) else float(raw)
    except ValueError:
        raise BadValue("is not a number", "a number such as 1250.50 (no currency sign or thousands separator)") \
            from None
    if not math.isfinite(value):
        raise BadValue("is not a number", "a number such as 1250.50")
    if value < 0:
        raise BadValue("is negative", "0 or more")
    return value


def to_count(raw: Value) -> int:
    value = to_amount(raw)
    if not value.is_integer():
        raise BadValue("is not a whole number", "a whole number of 0 or more")
    return int(value)


def to_flag(raw: Value) -> bool:
    text = str(raw).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise BadValue("is not yes or no", "true/false, yes/no or 1/0")


def word_key(text: str) -> str:
    """How a word of CHOICES is compared: any case, spacing, hyphens or underscores ('Cross-Sell' is 'cross sell')."""
    return " ".join(text.replace("-", " ").replace("_", " ").split()).casefold()


def to_choice(column: str, text: str) -> str | None:
    """The stored word for a cell of a CHOICES column, or None when it is none of the accepted spellings."""
    return CHOICES[column].get(word_key(text))
