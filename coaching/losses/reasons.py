"""The loss reasons a team offers, the owner's answer and its checks, and the mix of reasons over a set of lost deals:
shares of the losses that have a reason, and the pattern a coach should act on ("4 of 6 losses to price")."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from coaching.loss_reasons import REASONS

MAX_NOTE = 500
MAX_COMPETITOR = 120
PATTERN_AT_LEAST = 4  # losses with a reason before a pattern is named
PATTERN_SHARE = 0.5  # the share one reason must reach (at least half)


class LossError(ValueError):
    """An answer the rules refuse; `reason` names why (bot/losses says it in the person's language)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def team_reasons(stored: str | None) -> tuple[str, ...]:
    """The reasons a team offers, in its order: what the admin kept (comma-separated), else all of them."""
    kept = tuple(r for r in (stored or "").split(",") if r in REASONS)
    return kept or REASONS


def parse_reasons(text: str) -> tuple[str, ...]:
    """An admin's list ("price, competitor, no decision"): each a known reason, once; raises LossError."""
    words = [w.strip().lower().replace(" ", "_").replace("-", "_") for w in text.split(",") if w.strip()]
    unknown = [w for w in words if w not in REASONS]
    if unknown or not words:
        raise LossError(f"unknown reason {', '.join(unknown) or '(none given)'}; expected some of "
                        f"{', '.join(REASONS)}, comma-separated")
    return tuple(dict.fromkeys(words))


@dataclass(frozen=True)
class LostDeal:
    """A lost deal as the loss reasons see it; `reason` None until the owner (or an import) gave one."""

    deal_id: int
    external_id: str
    owner_id: int
    account_name: str | None
    amount: float | None
    closed_on: date | None
    reason: str | None = None
    competitor: str | None = None
    note: str | None = None
    answered_at: datetime | None = None
    action_ts: str | None = None  # Slack's time of the click that set the reason (None: a modal, an import)
    event_id: int | None = None  # the import's or webhook's 'lost' event the owner is asked about


@dataclass(frozen=True)
class Answer:
    reason: str
    competitor: str | None
    note: str | None


def check_answer(deal: LostDeal | None, *, person_id: int, reason: str, offered: Sequence[str],
                 competitor: str | None = None, note: str | None = None) -> Answer:
    """The owner's answer about their lost deal, trimmed; LossError or PermissionError when refused."""
    if deal is None:
        raise LossError("not_lost")
    if deal.owner_id != person_id:
        raise PermissionError(f"person {person_id} does not own deal {deal.deal_id}")
    if reason not in offered:
        raise LossError("unknown_reason")
    competitor = " ".join((competitor or "").split()) or None
    note = (note or "").strip() or None
    if competitor is not None and len(competitor) > MAX_COMPETITOR:
        raise LossError("competitor_too_long")
    if note is not None and len(note) > MAX_NOTE:
        raise LossError("note_too_long")
    return Answer(reason, competitor, note)


@dataclass(frozen=True)
class LossMix:
    """Lost deals and why: `lost` in all, `reasons` counted over those with one, `competitors` named."""

    lost: int
    reasons: tuple[tuple[str, int], ...]  # most first, then in REASONS order
    competitors: tuple[tuple[str, int], ...]  # most first, then by name

    @property
    def with_reason(self) -> int:
        return sum(n for _, n in self.reasons)

    def share(self, reason: str) -> float | None:
        """This reason's share of the losses that have a reason (None when none has)."""
        total = self.with_reason
        return dict(self.reasons).get(reason, 0) / total if total else None

    @property
    def pattern(self) -> tuple[str, int, int] | None:
        """(reason, n, of) when one reason holds at least half of at least PATTERN_AT_LEAST reasoned losses."""
        total = self.with_reason
        if total < PATTERN_AT_LEAST or not self.reasons:
            return None
        reason, n = self.reasons[0]
        return (reason, n, total) if n / total >= PATTERN_SHARE and reason != "other" else None


def mix(deals: Iterable[LostDeal]) -> LossMix:
    found = list(deals)
    reasons = Counter(d.reason for d in found if d.reason)
    spelled: dict[str, str] = {}  # one competitor however it was written: the first spelling met
    competitors = Counter(spelled.setdefault(" ".join(d.competitor.split()).casefold(), d.competitor)
                          for d in found if d.competitor)
    return LossMix(len(found), tuple(sorted(reasons.items(), key=lambda p: (-p[1], REASONS.index(p[0])))),
                   tuple(sorted(competitors.items(), key=lambda p: (-p[1], p[0].lower()))))


def mix_by_owner(deals: Iterable[LostDeal]) -> dict[int, LossMix]:
    owned: dict[int, list[LostDeal]] = {}
    for deal in deals:
        owned.setdefault(deal.owner_id, []).append(deal)
    return {owner: mix(found) for owner, found in sorted(owned.items())}
