"""Field intelligence: one item per /intel modal (kind, text, an optional account and competitor), the reactions
its channel post gets, and the roll-up of a period (counts by kind and competitor, the top items by reactions)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

KINDS = ("competitor", "need", "market")  # a competitor move, a customer need, a market change
MAX_TEXT = 2000  # characters of an item's text
TOP = 3  # items the roll-up names
Refusal = Literal["empty", "too_long", "bad_kind", "bad_account", "bad_competitor", "two_competitors", "not_yours"]


class IntelError(ValueError):
    """An item the rules refuse; `reason` names which rule (bot/ says it in the person's language)."""

    def __init__(self, reason: Refusal, detail: str = "") -> None:
        super().__init__(detail or reason)
        self.reason = reason


@dataclass(frozen=True)
class Intel:
    id: int
    author_id: int | None  # None once the author was erased
    kind: str
    text: str
    account_id: int | None
    account: str | None  # the account's name
    competitor: str | None  # a listed competitor's name, or the author's own words
    created_at: datetime
    reactions: int = 0
    channel_id: str | None = None  # where it was posted; None: no intel channel was set


@dataclass(frozen=True)
class Rollup:
    """A period's intel: how many, by kind (in KINDS order), by competitor (most first) and the top items by
    reactions (at least one reaction, most first, older first on a tie)."""

    total: int
    by_kind: tuple[tuple[str, int], ...]
    by_competitor: tuple[tuple[str, int], ...]
    top: tuple[Intel, ...]


class IntelStore(Protocol):
    def submitted(self, origin: str) -> Intel | None:
        """The item a modal (`origin`) added already, if any."""
        ...

    def account_name(self, account_id: int) -> str | None: ...
    def competitor_name(self, competitor_id: int) -> str | None:
        """The listed competitor's name; None when it is not on the list."""
        ...

    def listed_competitor(self, name: str) -> str | None:
        """The listed competitor of this name (ignoring case), as the list spells it."""
        ...

    def add_item(self, *, author_id: int, slack_team_id: str | None, kind: str, text: str, account_id: int | None,
                 competitor: str | None, now: datetime, origin: str, channel_id: str | None) -> Intel: ...


def submit(store: IntelStore, *, author_id: int, slack_team_id: str | None, kind: str, text: str,
           account_id: int | None, competitor_id: int | None, competitor_text: str, now: datetime, origin: str,
           channel_id: str | None) -> tuple[Intel, bool]:
    """The item, and True when it is new (False: the same modal again gives back what it added). A forged kind,
    account or competitor is refused, as are both a listed and a typed competitor."""
    earlier = store.submitted(origin)
    if earlier is not None:
        if earlier.author_id != author_id:  # someone else's modal id: nothing of it is theirs
            raise IntelError("not_yours", "this modal was not theirs")
        return earlier, False
    text = text.strip()
    if kind not in KINDS:
        raise IntelError("bad_kind", f"a kind is one of {', '.join(KINDS)}")
    if not text:
        raise IntelError("empty", "an item needs its text")
    if len(text) > MAX_TEXT:
        raise IntelError("too_long", f"an item has at most {MAX_TEXT} characters, got {len(text)}")
    if account_id is not None and store.account_name(account_id) is None:
        raise IntelError("bad_account", "no such account")
    typed = " ".join(competitor_text.split())
    if competitor_id is not None and typed:
        raise IntelError("two_competitors", "a listed competitor or a typed one, not both")
    competitor = store.competitor_name(competitor_id) if competitor_id is not None else None
    if competitor_id is not None and competitor is None:
        raise IntelError("bad_competitor", "that competitor is not on the list")
    if typed:
        if len(typed) > 80:
            raise IntelError("too_long", "a competitor's name has at most 80 characters")
        competitor = store.listed_competitor(typed) or typed  # counted with the listed one of that name
    item = store.add_item(author_id=author_id, slack_team_id=slack_team_id, kind=kind, text=text,
                          account_id=account_id, competitor=competitor, now=now, origin=origin, channel_id=channel_id)
    return item, True


def rollup(items: Sequence[Intel], *, start: datetime, end: datetime, top: int = TOP) -> Rollup:
    """The roll-up of the items added in [start, end)."""
    made = [i for i in items if start <= i.created_at < end]
    kinds = Counter(i.kind for i in made)
    spelling: dict[str, str] = {}  # typed names count with any other spelling of them (the first one shown)
    for i in made:
        if i.competitor:
            spelling.setdefault(i.competitor.casefold(), i.competitor)
    competitors = Counter(spelling[i.competitor.casefold()] for i in made if i.competitor)
    ranked = sorted((i for i in made if i.reactions > 0), key=lambda i: (-i.reactions, i.created_at, i.id))
    return Rollup(len(made), tuple((k, kinds[k]) for k in KINDS if kinds[k]),
                  tuple(sorted(competitors.items(), key=lambda c: (-c[1], c[0].lower()))), tuple(ranked[:top]))
