"""Plain records wins and kudos share: who (Colleague, RecognitionTeam), the refusal they raise, the N_ marker."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


def N_(text: str) -> str:
    """Marks English text for the translators' catalog; the bot translates it when it renders."""
    return text


class RecognitionError(Exception):
    """A request the recognition rules refuse. `code` is stable, `params` fill `template` (English, marked with
    N_ so the bot can translate it first: t.gettext(error.template, **error.params))."""

    def __init__(self, code: str, template: str, **params: Any) -> None:
        self.code, self.template, self.params = code, template, params
        super().__init__(template.format(**params))


@dataclass(frozen=True)
class Colleague:
    """A person as recognition shows them: mention by `slack_id`, address them in `locale`, their week in `tz`."""

    person_id: int
    name: str
    slack_id: str | None
    team_id: int
    role: str = "rep"
    tz: str = "UTC"
    locale: str = "en"
    active: bool = True


@dataclass(frozen=True)
class RecognitionTeam:
    """A team and where its recognition goes: `channel` (None: nowhere set) in `locale`; members are active."""

    id: int
    name: str
    channel: str | None
    locale: str
    members: tuple[Colleague, ...] = field(default=())

    @property
    def tz(self) -> str:
        """The team's clock: its first manager's time zone, else the commonest among its members, else UTC."""
        managers = sorted((m.person_id, m.tz) for m in self.members if m.role == "manager")
        if managers:
            return managers[0][1]
        zones = Counter(m.tz for m in self.members)
        return min(zones, key=lambda tz: (-zones[tz], tz)) if zones else "UTC"
