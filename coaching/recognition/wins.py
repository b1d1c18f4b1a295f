"""Wins: a won deal (from an import, the CRM webhook, or logged with /win), its once-only key, the quota
milestone it may cross, and the checks on a webhook's JSON deal and a logged win."""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from coaching.loss_reasons import ALLOWED, reason_of
from coaching.periods import Period
from coaching.recognition.records import N_, Colleague, RecognitionError

SOURCES = ("import", "webhook", "logged")
OUTCOMES = ("open", "won", "lost")
DEFAULT_STAGES: Mapping[str, str] = {"won": "won", "closed won": "won", "lost": "lost", "closed lost": "lost",
                                     "open": "open"}  # as storage.crm.mapping reads stages without a mapping
TEXT_FIELDS = {"external_id": 64, "owner": 254, "stage": 64, "outcome": 8, "account": 200, "product": 120,
               "next_step": 4000, "loss_reason": 16, "competitor": 120}
DATE_FIELDS = ("engaged_on", "created_on", "expected_close_on", "closed_on", "next_step_on", "last_activity_on")
MONEY_FIELDS = ("amount", "acquisition_cost")
FLAG_FIELDS = ("churned",)
DEAL_FIELDS = ("external_id", "owner", "stage", "outcome", "account", "product", "amount", "engaged_on",
               "created_on", "expected_close_on", "closed_on", "next_step", "next_step_on", "last_activity_on",
               "churned", "acquisition_cost", "loss_reason", "competitor")  # the deals import's canonical columns
MAX_NOTES_LENGTH = 1000


class WinError(RecognitionError):
    """A logged win refused: codes account_empty, account_too_long, amount_not_number, amount_negative,
    notes_too_long, unknown_rep."""


@dataclass(frozen=True)
class Win:
    """A won deal as recognition posts it; `occurred_on` is the close date (the day logged, for /win)."""

    id: int
    source: str  # one of SOURCES
    rep: Colleague
    occurred_on: date
    recorded_at: datetime  # when the win was recorded here: the shout-out of that week shows it
    account: str | None = None
    amount: float | None = None
    currency: str | None = None  # None: the deployment's currency
    cycle_days: int | None = None
    deal_external_id: str | None = None  # set for import and webhook wins
    logged_by: Colleague | None = None  # set for logged wins
    notes: str | None = None

    @property
    def key(self) -> str:
        """Posted once under this key: `win:{deal external id}`, or `win:logged:{id}`."""
        return win_key(deal_external_id=self.deal_external_id, win_id=self.id)

    @property
    def counts_toward_quota(self) -> bool:
        """CRM wins count toward quota attainment; a win a rep logs is celebrated but not counted."""
        return self.source != "logged" and bool(self.amount)


def win_key(*, deal_external_id: str | None, win_id: int) -> str:
    return f"win:{deal_external_id}" if deal_external_id is not None else f"win:logged:{win_id}"


def cycle_days(*, engaged_on: date | None, created_on: date | None, closed_on: date | None) -> int | None:
    """Days from first engagement (else creation) to close; None when unknown or negative."""
    start = engaged_on or created_on
    if start is None or closed_on is None or closed_on < start:
        return None
    return (closed_on - start).days


# ---- quota milestones -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class QuotaProgress:
    """A rep's quota for a month or quarter they have a target for, and the revenue won in it as now stored
    (including the wins being announced)."""

    rep_id: int
    period: Period
    quota: float
    won: float


@dataclass(frozen=True)
class Milestone:
    """The rep's quota attainment crossed 100% in `period` with `win`; posted once per rep and period."""

    rep: Colleague
    period: Period
    quota: float
    won: float  # revenue won in the period once `win` is counted
    win: Win

    @property
    def attainment(self) -> float:
        return self.won / self.quota

    @property
    def key(self) -> str:
        return f"milestone:{self.rep.person_id}:{self.period.key}"


def quota_milestones(*, wins: Sequence[Win], progress: Sequence[QuotaProgress]) -> list[Milestone]:
    """The milestones these wins reach: walking a rep's new wins of a period in close order from what was won
    before them, the win that takes attainment from under 100% to 100% or more."""
    milestones = []
    for p in progress:
        if p.quota <= 0:
            continue
        batch = sorted((w for w in wins if w.rep.person_id == p.rep_id and w.counts_toward_quota
                        and p.period.contains(w.occurred_on)), key=lambda w: (w.occurred_on, w.id))
        running = p.won - sum(w.amount or 0.0 for w in batch)
        for win in batch:
            after = running + (win.amount or 0.0)
            if running < p.quota <= after:
                milestones.append(Milestone(win.rep, p.period, p.quota, after, win))
            running = after
    return milestones


# ---- a logged win (/win) -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LoggedWin:
    account: str
    amount: float | None
    notes: str | None


def check_logged_win(*, account: str, amount: str | float | None, notes: str | None) -> LoggedWin:
    """The /win modal's fields checked: an account, an amount of 0 or more (optional), short notes."""
    name = " ".join((account or "").split())
    if not name:
        raise WinError("account_empty", N_("Name the account you won."))
    if len(name) > TEXT_FIELDS["account"]:
        raise WinError("account_too_long", N_("An account name has at most {limit} characters."),
                       limit=TEXT_FIELDS["account"])
    value: float | None = None
    if amount is not None and str(amount).strip():
        try:
            value = float(str(amount).replace(" ", "").replace("_", ""))
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise WinError("amount_not_number", N_("'{amount}' is not an amount; write a number such as 12500."),
                           amount=amount)
        if value < 0:
            raise WinError("amount_negative", N_("An amount is 0 or more."))
    text = (notes or "").strip() or None
    if text and len(text) > MAX_NOTES_LENGTH:
        raise WinError("notes_too_long", N_("Notes have at most {limit} characters."), limit=MAX_NOTES_LENGTH)
    return LoggedWin(name, value, text)


# ---- a deal from the CRM webhook -----------------------------------------------------------------------------

class DealRefused(Exception):
    """A webhook body that is not a deal we can store; one line per problem naming the field and what is
    allowed (for the CRM's admin, not translated). Nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class WebhookDeal:
    """A checked deal: the required fields, its outcome, and every other field the body carried (None when sent
    as null, which clears the stored value)."""

    external_id: str
    owner: str
    stage: str
    outcome: str
    fields: Mapping[str, Any] = field(default_factory=dict)

    def get(self, name: str) -> Any:
        return self.fields.get(name)


def check_webhook_deal(payload: object, *, stages: Mapping[str, str] | None = None) -> WebhookDeal:
    """One deal as JSON, with the deals import's fields; `stages` maps a stage (lower case) to its outcome, as
    the deals mapping does (DEFAULT_STAGES without one). Raises DealRefused listing every problem."""
    if not isinstance(payload, dict):
        raise DealRefused(["the body is not a JSON object; expected one deal such as "
                           '{"external_id": "D-1", "owner": "ana@example.com", "stage": "won", ...}'])
    problems: list[str] = []
    values: dict[str, Any] = {}
    for name, raw in payload.items():
        if name not in DEAL_FIELDS:
            close = difflib.get_close_matches(str(name), DEAL_FIELDS, n=1, cutoff=0.6)
            hint = f" (is it {close[0]!r}?)" if close else ""
            problems.append(f"{name}: not a deal field{hint}; expected {', '.join(DEAL_FIELDS)}")
            continue
        try:
            values[name] = None if raw is None else _typed(name, raw)
        except ValueError as problem:
            problems.append(f"{name}: {_shown(raw)} {problem}")
    for name, expected in (("external_id", "the deal's id in the CRM"), ("owner", "a roster person's email")):
        if values.get(name) is None and not any(p.startswith(f"{name}:") for p in problems):
            problems.append(f"{name}: missing; expected {expected}")
    outcome = values.get("outcome")
    mapping = DEFAULT_STAGES if stages is None else stages
    if outcome is None and values.get("stage") is not None:
        outcome = mapping.get(values["stage"].lower())
        if outcome is None:
            problems.append(f"stage: {_shown(values['stage'])} is not a stage we know; expected "
                            f"{', '.join(mapping)} (or send outcome: open, won or lost)")
    elif outcome is None and not any(p.startswith(("stage:", "outcome:")) for p in problems):
        problems.append("stage: missing; expected a stage (won, lost, open) or an outcome")
    if outcome in ("won", "lost") and values.get("closed_on") is None and "closed_on:" not in "".join(problems):
        problems.append(f"closed_on: missing for a {outcome} deal; expected the date it closed as YYYY-MM-DD")
    if problems:
        raise DealRefused(problems)
    assert outcome is not None
    stage = values.pop("stage", None) or outcome
    rest = {k: v for k, v in values.items() if k not in ("external_id", "owner", "outcome")}
    return WebhookDeal(values["external_id"], values["owner"], stage, outcome, rest)


def _typed(name: str, raw: Any) -> Any:
    if name in DATE_FIELDS:
        if not isinstance(raw, str):
            raise ValueError("is not a date; expected YYYY-MM-DD")
        try:
            return date.fromisoformat(raw) if len(raw) == 10 else datetime.fromisoformat(raw).date()
        except ValueError:
            raise ValueError("is not a date; expected YYYY-MM-DD") from None
    if name in MONEY_FIELDS:
        if isinstance(raw, bool) or not isinstance(raw, int | float | str):
            raise ValueError("is not a number; expected a number such as 1250.50")
        try:
            value = float(raw)
        except ValueError:
            raise ValueError("is not a number; expected a number such as 1250.50 (no currency sign)") from None
        if not math.isfinite(value) or value < 0:
            raise ValueError("is not an amount; expected a number of 0 or more")
        return value
    if name in FLAG_FIELDS:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("true", "yes", "1", "false", "no", "0"):
            return text in ("true", "yes", "1")
        raise ValueError("is not yes or no; expected true or false")
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise ValueError("is not text; expected a string")
    text = str(raw).strip()
    if name == "outcome":
        text = text.lower()
        if text not in OUTCOMES:
            raise ValueError(f"is not an outcome; expected {', '.join(OUTCOMES)}")
    if name == "loss_reason" and text:
        reason = reason_of(text)
        if reason is None:
            raise ValueError(f"is not a loss reason; expected {ALLOWED}")
        text = reason
    if not text:
        return None
    if len(text) > TEXT_FIELDS[name]:
        raise ValueError(f"is longer than {TEXT_FIELDS[name]} characters; expected at most {TEXT_FIELDS[name]}")
    return text


def _shown(raw: Any) -> str:
    text = repr(raw)
    return text if len(text) <= 60 else text[:57] + "..."
