"""The weekly shout-out (wins, kudos, and three boards kept apart: most thanked, most deals won, biggest step up),
kudos history, and when each person was last recognised (for the one-on-one helper). Who went without kudos is
never part of it: coaching.recognition.quiet tells the team's manager privately."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction

from coaching.periods import Period
from coaching.recognition.kudos import Kudos
from coaching.recognition.records import Colleague, RecognitionTeam
from coaching.recognition.wins import Win

BOARD_SIZE = 5
STEP_UP_WEEKS = 3  # a step up is this week's deals won against the person's weekly average over these weeks before


@dataclass(frozen=True)
class BoardRow:
    person: Colleague
    count: int


@dataclass(frozen=True)
class StepUpRow:
    """A member who won more deals this week than their own weekly average over the `weeks` weeks before."""

    person: Colleague
    won: int  # deals won this week
    earlier: int  # deals won in the `weeks` weeks before it
    weeks: int = STEP_UP_WEEKS

    @property
    def average(self) -> Fraction:
        return Fraction(self.earlier, self.weeks)

    @property
    def step(self) -> Fraction:
        return self.won - self.average


@dataclass(frozen=True)
class ShoutOut:
    """One team's week, for its channel. Peer recognition (kudos received), deals (wins) and each person's step up
    against their own recent weeks are ranked on separate boards, so that deals never crowd out praise. It holds
    nobody's lack of kudos: that is for the manager alone (coaching.recognition.quiet)."""

    team: RecognitionTeam
    week: Period  # the ISO week it is posted in, which names it
    since: datetime
    until: datetime
    wins: tuple[Win, ...]
    kudos: tuple[Kudos, ...]
    kudos_board: tuple[BoardRow, ...]
    win_board: tuple[BoardRow, ...]
    step_up_board: tuple[StepUpRow, ...]

    @property
    def key(self) -> str:
        return f"shoutout:{self.team.id}:{self.week.key}"

    @property
    def is_empty(self) -> bool:
        """Nothing to celebrate: no win and no kudos (the shout-out is then not posted)."""
        return not self.wins and not self.kudos


def build_shout_out(*, team: RecognitionTeam, week: Period, since: datetime, until: datetime, wins: Sequence[Win],
                    kudos: Sequence[Kudos], board_size: int = BOARD_SIZE,
                    step_up_weeks: int = STEP_UP_WEEKS) -> ShoutOut:
    """The shout-out of `team` labelled `week`: its members' wins recorded and the kudos any of them received
    from `since` to `until` (so a deal imported late is still shown once), in time order; the kudos and deals
    boards rank by count, then name. `wins` may start `step_up_weeks` weeks before `since`: those earlier ones
    are each member's recent weeks that the step-up board compares this week with (step_up_board)."""
    members = {m.person_id: m for m in team.members}
    team_wins = tuple(sorted((w for w in wins if w.rep.person_id in members and since <= w.recorded_at < until),
                             key=lambda w: (w.recorded_at, w.occurred_on, w.id)))
    team_kudos = tuple(sorted((k for k in kudos if since <= k.created_at < until
                               and any(r.person_id in members for r in k.receivers)),
                              key=lambda k: (k.created_at, k.id)))
    received = Counter(r.person_id for k in team_kudos for r in k.receivers if r.person_id in members)
    won = Counter(w.rep.person_id for w in team_wins)
    earlier_since = since - timedelta(weeks=step_up_weeks)
    earlier = Counter(w.rep.person_id for w in wins
                      if w.rep.person_id in members and earlier_since <= w.recorded_at < since)
    return ShoutOut(team, week, since, until, team_wins, team_kudos, _board(received, members, board_size),
                    _board(won, members, board_size),
                    step_up_board(won, earlier, members, weeks=step_up_weeks, size=board_size))


def step_up_board(won: Mapping[int, int], earlier: Mapping[int, int], members: Mapping[int, Colleague], *,
                  weeks: int = STEP_UP_WEEKS, size: int = BOARD_SIZE) -> tuple[StepUpRow, ...]:
    """Members whose deals won this week (`won`) exceed their weekly average over the `weeks` weeks before
    (`earlier`: deals won in those weeks together) by at least one deal, biggest step first, then by name.

    A member with no deal in those weeks has no history to step up from and is left off: the roster keeps no
    date a person joined the team, so a newcomer's first deal and a return from a quiet spell look the same,
    and an average of 0 is never assumed (both still show on the deals board)."""
    rows = [StepUpRow(members[p], n, earlier.get(p, 0), weeks) for p, n in won.items()
            if p in members and earlier.get(p, 0) > 0]
    rows = sorted((r for r in rows if r.step >= 1), key=lambda r: (-r.step, r.person.name, r.person.person_id))
    return tuple(rows[:size])


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
