"""The weekly shout-out (wins, kudos, and two boards kept apart: most thanked, most deals won), kudos history, and
when each person was last recognised (for the one-on-one helper). Who went without kudos is never part of it:
coaching.recognition.quiet tells the team's manager privately."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from coaching.periods import Period
from coaching.recognition.kudos import Kudos
from coaching.recognition.records import Colleague, RecognitionTeam
from coaching.recognition.wins import Win

BOARD_SIZE = 5


@dataclass(frozen=True)
class BoardRow:
    person: Colleague
    count: int


@dataclass(frozen=True)
class ShoutOut:
    """One team's week, for its channel. Peer recognition (kudos received) and deals (wins) are ranked on separate
    boards, so that deals never crowd out praise. It holds nobody's lack of kudos: that is for the manager alone
    (coaching.recognition.quiet)."""

    team: RecognitionTeam
    week: Period  # the ISO week it is posted in, which names it
    since: datetime
    until: datetime
    wins: tuple[Win, ...]
    kudos: tuple[Kudos, ...]
    kudos_board: tuple[BoardRow, ...]
    win_board: tuple[BoardRow, ...]

    @property
    def key(self) -> str:
        return f"shoutout:{self.team.id}:{self.week.key}"

    @property
    def is_empty(self) -> bool:
        """Nothing to celebrate: no win and no kudos (the shout-out is then not posted)."""
        return not self.wins and not self.kudos


def build_shout_out(*, team: RecognitionTeam, week: Period, since: datetime, until: datetime, wins: Sequence[Win],
                    kudos: Sequence[Kudos], board_size: int = BOARD_SIZE) -> ShoutOut:
    """The shout-out of `team` labelled `week`: its members' wins recorded and the kudos any of them received
    from `since` to `until` (so a deal imported late is still shown once), in time order; each board ranks by
    count, then name."""
    members = {m.person_id: m for m in team.members}
    team_wins = tuple(sorted((w for w in wins if w.rep.person_id in members and since <= w.recorded_at < until),
                             key=lambda w: (w.recorded_at, w.occurred_on, w.id)))
    team_kudos = tuple(sorted((k for k in kudos if since <= k.created_at < until
                               and any(r.person_id in members for r in k.receivers)),
                              key=lambda k: (k.created_at, k.id)))
    received = Counter(r.person_id for k in team_kudos for r in k.receivers if r.person_id in members)
    won = Counter(w.rep.person_id for w in team_wins)
    return ShoutOut(team, week, since, until, team_wins, team_kudos, _board(received, members, board_size),
                    _board(won, members, board_size))


def _board(counts: Counter[int], members: Mapping[int, Colleague], size: int) -> tuple[BoardRow, ...]:
    rows = sorted((BoardRow(members[p], n) for p, n in counts.items() if n > 0),
                  key=lambda r: (-r.count, r.person.name, r.person.person_id))
    return tuple(rows[:size])


@dataclass(frozen=True)
class KudosHistory:
    """What `/kudos history` lists: the person's latest kudos given and received, newest first."""

    person: Colleague
    given: tuple[Kudos, ...]
    received: tuple[Kudos, ...]


@dataclass(frozen=True)
class LastRecognised:
    """When a person was last recognised by peers (kudos received) and by a deal (a win)."""

    person_id: int
    last_kudos_at: datetime | None
    last_win_on: date | None

    @property
    def on(self) -> date | None:
        """The later of the two days (kudos by their UTC date); None when neither ever happened."""
        days = [d for d in (self.last_kudos_at.date() if self.last_kudos_at else None, self.last_win_on) if d]
        return max(days) if days else None

    def days_without_kudos(self, now: datetime) -> int | None:
        return None if self.last_kudos_at is None else (now - self.last_kudos_at).days
