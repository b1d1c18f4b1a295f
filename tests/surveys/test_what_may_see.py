"""surveys.visibility: whatever order teams close rounds in, no combination of every view ever given (team results
and roll-ups, to any audience) singles out fewer than k people; and every audience sees a part of one ledger."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from surveys.anonymity import exposed
from surveys.ports import Plan, RoundInfo
from surveys.questions import STARTER
from surveys.visibility import Audience, ledger, what_may_see

K = 5
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@dataclass
class FakeStore:
    """Closed rounds as plain values: the part of SurveyStore the ledger reads."""

    teams: list[str]
    rounds: list[RoundInfo] = field(default_factory=list)
    answers: dict[int, list[tuple[str, str, int | None, str | None]]] = field(default_factory=dict)

    def close(self, team: str, respondents: int, at: int) -> RoundInfo:
        rid = len(self.rounds) + 1
        closed = START + timedelta(days=at)
        round_ = RoundInfo(rid, self.teams.index(team) + 1, team, closed.date(), ("enps",), closed, closed, closed)
        self.rounds.append(round_)
        self.answers[rid] = [(f"{rid}.{n}", "enps", n % 11, None) for n in range(respondents)]
        return round_

    def plans(self, *, active_only: bool = True) -> list[Plan]:
        return [Plan(i + 1, i + 1, t, ("enps",), "weekly", 0, "09:00", 72, date(2026, 1, 1), True)
                for i, t in enumerate(self.teams)]

    def closed_rounds(self, survey_id: int, limit: int) -> list[RoundInfo]:
        return [r for r in self.rounds if r.survey_id == survey_id][-limit:]

    def invited_count(self, round_id: int) -> int:
        return 10

    def round_answers(self, round_id: int):
        return self.answers[round_id]

    def bank(self):
        return STARTER


def _every_view(store: FakeStore) -> list[frozenset[str]]:
    """Rebuilt from what was shown, not from the ledger's own bookkeeping."""
    book = ledger(store, threshold=K)
    people = {r.id: frozenset(t for t, *_ in store.answers[r.id]) for r in store.rounds}
    views = [people[d.round.id] for d in book.rounds if not d.summary.withheld]
    for closing, view in book.rollups.items():
        latest: dict[str, RoundInfo] = {}
        for r in store.rounds:
            if r.id <= closing:
                latest[r.team_name] = r
        if view.organisation is not None and not view.organisation.withheld:
            views.append(frozenset().union(*(people[r.id] for r in latest.values())))
        views += [people[latest[team].id] for team, summary in view.teams.items() if not summary.withheld]
    return views


closes = st.lists(st.tuples(st.sampled_from(["A", "B", "C", "D"]), st.integers(0, 9)), min_size=1, max_size=9)


@settings(max_examples=150, deadline=None)
@given(closes)
def test_no_combination_of_every_view_ever_given_singles_out_fewer_than_k(sequence):
    store = FakeStore(["A", "B", "C", "D"])
    for at, (team, respondents) in enumerate(sequence):
        store.close(team, respondents, at)
    assert exposed(_every_view(store), K) == []


def test_a_team_shown_to_its_manager_makes_the_total_that_would_reveal_a_small_team_withheld():
    store = FakeStore(["A", "B", "C"])
    store.close("A", 6, 0)
    store.close("B", 7, 1)
    store.close("C", 2, 2)
    admin = what_may_see(store, Audience.admin(), threshold=K)
    assert admin.rollup is not None and admin.rollup.organisation is None  # 15 - 6 - 7 = C's 2
    assert [team for team, (_, s) in admin.latest().items() if not s.withheld] == ["A", "B"]


def test_every_audience_sees_a_part_of_the_same_ledger():
    store = FakeStore(["A", "B", "C"])
    for at, (team, n) in enumerate([("A", 6), ("C", 3), ("B", 7), ("A", 5)]):
        store.close(team, n, at)
    admin = what_may_see(store, Audience.admin(), threshold=K)
    manager = what_may_see(store, Audience(frozenset({"a"})), threshold=K)
    assert manager.rollup is None and manager.history("A") == admin.history("A")
    assert what_may_see(store, Audience(frozenset()), threshold=K).rounds == ()
