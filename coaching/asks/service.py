"""Asking for help with a deal: at most three open asks a rep, answered by the rep's manager as the org chart stands
when they answer (a reply, a talking point, an offer to join: each at most once); the weekly counts (asked,
answered, median time to the first answer) for a manager's digest."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from statistics import median
from typing import Literal, Protocol

from coaching.access import NotAllowed

MAX_OPEN = 3  # open asks a rep may have at once
MAX_NOTE = 1000  # characters of the rep's note
ANSWERS = ("reply", "agenda", "join")  # relay a message, add a talking point, offer to join the next call
Refusal = Literal["no_manager", "too_many", "not_your_deal", "answered", "note_too_long"]


class AskError(ValueError):
    """An ask or an answer the rules refuse; `reason` names which rule (bot/ says it in the person's language)."""

    def __init__(self, reason: Refusal, detail: str = "") -> None:
        super().__init__(detail or reason)
        self.reason = reason


@dataclass(frozen=True)
class Ask:
    id: int
    rep_id: int
    manager_id: int | None  # None once the manager was erased
    deal_id: int | None  # None once the deal is gone from the CRM
    note: str
    asked_at: datetime
    answers: tuple[str, ...] = ()  # the ANSWERS given, in order
    answered_at: datetime | None = None  # the first answer's time

    @property
    def answer(self) -> str | None:
        """The first answer given."""
        return self.answers[0] if self.answers else None

    @property
    def open(self) -> bool:
        return self.answered_at is None


@dataclass(frozen=True)
class AskCounts:
    """A manager's asks over a period: asked in it, answered in it, and the median hours from ask to answer of
    those answered, at one decimal (None when none was)."""

    asked: int
    answered: int
    median_hours: float | None


class AskStore(Protocol):
    def manager_of(self, person_id: int) -> int | None: ...
    def deal_owner(self, deal_id: int) -> int | None:
        """The deal's owner, or None when there is no such deal."""
        ...

    def open_asks(self, *, rep_id: int) -> list[Ask]:
        """The rep's unanswered asks; the rep is held (FOR UPDATE) until the transaction ends, so two asks at once
        count each other."""
        ...
    def ask(self, ask_id: int) -> Ask | None: ...
    def add_ask(self, *, rep_id: int, manager_id: int, deal_id: int, note: str, now: datetime, origin: str) -> Ask:
        """The new ask; the one already added under `origin` (a Slack retry of the same modal) if there is one."""
        ...

    def asked(self, origin: str) -> Ask | None: ...
    def answer_ask(self, *, ask_id: int, answer: str, now: datetime) -> Ask | None:
        """Record this answer (and, if it is the first, when); None when it was recorded already."""
        ...


def ask_for_help(store: AskStore, *, rep_id: int, deal_id: int, note: str, now: datetime, origin: str) -> Ask:
    """A rep's ask about one of their own deals, to their manager as the org chart stands now; the same modal
    submitted again (`origin`) gives back the ask it added."""
    earlier = store.asked(origin)
    if earlier is not None:
        if earlier.rep_id != rep_id:  # someone else's modal: nothing of it is theirs to see
            raise AskError("not_your_deal", "only the deal's owner may ask for help with it")
        return earlier
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise AskError("note_too_long", f"a note has at most {MAX_NOTE} characters, got {len(note)}")
    if store.deal_owner(deal_id) != rep_id:  # one refusal whether the deal exists or not
        raise AskError("not_your_deal", "only the deal's owner may ask for help with it")
    manager_id = store.manager_of(rep_id)
    if manager_id is None:
        raise AskError("no_manager", "the roster names no manager for this rep")
    if len(open_to(store, rep_id=rep_id, manager_id=manager_id)) >= MAX_OPEN:
        raise AskError("too_many", f"a rep may have at most {MAX_OPEN} open asks")
    return store.add_ask(rep_id=rep_id, manager_id=manager_id, deal_id=deal_id, note=note, now=now, origin=origin)


def open_to(store: AskStore, *, rep_id: int, manager_id: int) -> list[Ask]:
    """The rep's open asks to their manager now: asks to a former manager (who can no longer answer them) do not
    count against the three."""
    return [a for a in store.open_asks(rep_id=rep_id) if a.manager_id == manager_id]


def answer_ask(store: AskStore, *, ask_id: int, manager_id: int, answer: str, now: datetime) -> Ask:
    """One of the manager's answers, each at most once: only the rep's manager now may give it (a rep who moved
    belongs to their new manager); AskError "answered" when this answer was given already."""
    if answer not in ANSWERS:
        raise ValueError(f"an answer is one of {', '.join(ANSWERS)}, not {answer!r}")
    ask = store.ask(ask_id)
    if ask is None or store.manager_of(ask.rep_id) != manager_id:
        raise NotAllowed("only the rep's manager answers their asks")
    done = store.answer_ask(ask_id=ask_id, answer=answer, now=now) if answer not in ask.answers else None
    if done is None:  # given before, or by a click that committed meanwhile
        raise AskError("answered", f"{answer} was given already")
    return done


def counts(asks: Sequence[Ask], *, start: datetime, end: datetime) -> AskCounts:
    """Asks made in [start, end), how many of them are answered, and the median hours to answer them."""
    made = [a for a in asks if start <= a.asked_at < end]
    waits = [(a.answered_at - a.asked_at).total_seconds() / 3600 for a in made if a.answered_at is not None]
    return AskCounts(len(made), len(waits), _one_decimal(median(waits)) if waits else None)


def hours_to_answer(asked_at: datetime, answered_at: datetime) -> float:
    """Hours from ask to answer at one decimal, half away from zero as Excel rounds (the digest and the pack agree)."""
    return _one_decimal((answered_at - asked_at).total_seconds() / 3600)


def _one_decimal(value: float) -> float:
    return int(value * 10 + 0.5 + 1e-9) / 10
