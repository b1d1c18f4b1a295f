"""The manager digest and the rep view: overview with arrows and medians, attention, praise, topics, permissions."""

from datetime import UTC, date, datetime

import pytest

from coaching.access import NotAllowed, OrgEntry
from coaching.performance.digest import DEFAULT_TOPICS, TOO_LITTLE_DATA_TOPICS, build_digest, rep_kpis, without_medians
from coaching.performance.kpis import KPI_NAMES, RepFigures
from coaching.performance.service import digest_for, rep_view, team_digests, trend, weekly_digests
from coaching.periods import last_periods, parse_period

NOW = datetime(2017, 8, 16, 9, 0, tzinfo=UTC)
AUGUST = parse_period("2017-08", today=NOW.date())
OLD = date(2015, 1, 1)


def rep(person_id: int, *, calls: int = 100, won: int = 4, lost: int = 6, revenue: float = 40_000,
        **kw) -> RepFigures:
    return RepFigures(person_id, activities={"call": calls}, deals_won=won, deals_lost=lost, revenue_won=revenue,
                      first_seen=kw.pop("first_seen", OLD), **kw)


TEAM_NOW = [rep(5), rep(6, calls=140, won=2, lost=8, revenue=20_000), rep(7, won=6, lost=4, revenue=90_000),
            rep(8, calls=10, won=0, lost=1, revenue=0, first_seen=date(2017, 7, 20)), rep(9, won=1, lost=1)]
TEAM_BEFORE = [rep(5, revenue=20_000), rep(6, calls=150), rep(7, revenue=60_000)]


def digest():
    reps = rep_kpis(TEAM_NOW, TEAM_BEFORE)
    return build_digest(manager_id=3, period=AUGUST, reps=list(reps.values()), today=NOW.date())


def test_the_overview_pools_the_team_and_shows_the_median_rep_and_the_previous_period_with_one_marker():
    d = digest()
    assert [line.name for line in d.overview] == list(KPI_NAMES)
    revenue = d.line("revenue_won")
    assert (revenue.value, revenue.previous, revenue.median) == (190_000, 120_000, 40_000)
    assert (revenue.verdict, revenue.unit) == ("better", "money")
    win = d.line("win_rate")
    assert win.value == 13 / 33 and win.median == 0.4 and win.previous == 12 / 30
    assert win.verdict == "worse"
    assert d.line("revenue_growth").value == pytest.approx(70_000 / 120_000)


def test_the_digest_says_who_needs_attention_and_why_and_whom_to_praise():
    d = digest()
    assert [(x.person_id, [f.rule_id for f in x.attention]) for x in d.attention] == [(6, ["busy_low_win_rate"])]
    assert [x.person_id for x in d.praise] == [7]
    assert [x.person_id for x in d.onboarding] == [8]
    assert d.too_little_data == (9,)
    assert d.reps == (5, 6, 7, 8, 9)


def test_every_rep_gets_one_on_one_topics_from_their_findings_or_a_default():
    topics = digest().topics
    assert topics[6][0] == "Walk through the last deals you lost: where did they stall?"
    assert topics[5] == DEFAULT_TOPICS and topics[9] == TOO_LITTLE_DATA_TOPICS
    assert "What has been hardest to learn so far?" in topics[8]


def test_a_rep_view_holds_their_own_value_the_team_median_and_their_previous_period():
    view = digest().views[5]
    revenue = view.line("revenue_won")
    assert (revenue.value, revenue.median, revenue.previous, revenue.verdict) == (40_000, 40_000, 20_000, "better")
    assert view.line("revenue_growth").value == 1.0 and view.diagnosis.status == "diagnosed"
    assert digest().views[9].line("revenue_won").previous is None  # no figures the month before


def test_a_digest_over_nobody_is_empty_not_an_error():
    d = build_digest(manager_id=3, period=AUGUST, reps=[], today=NOW.date())
    assert d.reps == () and d.line("win_rate").value is None and d.line("activities").median is None
    assert d.line("activities").previous is None


def test_without_medians_strips_medians_and_the_limits_derived_from_them():
    view = without_medians(digest().views[6])
    assert all(line.median is None for line in view.lines)
    assert all(e.median is None and e.limit is None for f in view.diagnosis.findings for e in f.evidence)
    assert view.line("activities").value == 140


# ---- use cases over the port ----------------------------------------------------------------------------

ORG = {1: OrgEntry(None, "admin"), 2: OrgEntry(None, "manager"), 3: OrgEntry(2, "manager"), 4: OrgEntry(2, "manager"),
       5: OrgEntry(3, "rep"), 6: OrgEntry(3, "rep"), 7: OrgEntry(3, "rep"), 8: OrgEntry(3, "rep"),
       9: OrgEntry(3, "rep"), 10: OrgEntry(4, "rep"), 11: OrgEntry(4, "rep")}


class FakeStore:
    """Figures from memory; records every read so tests can count queries."""

    def __init__(self) -> None:
        self.reads: list[tuple[str, tuple[int, ...], str]] = []
        self.figures = {p.key: {f.person_id: f for f in figures}
                        for p, figures in ((AUGUST, [*TEAM_NOW, rep(10), rep(11)]), (AUGUST.previous(), TEAM_BEFORE))}

    def org_chart(self) -> dict[int, OrgEntry]:
        return dict(ORG)

    def rep_figures(self, *, rep_ids, periods, now: datetime, stale_after_days: int = 30):
        self.reads.append(("rep_figures", tuple(rep_ids), ",".join(p.key for p in periods)))
        return {p: [self.figures.get(p.key, {}).get(r, RepFigures(r)) for r in sorted(rep_ids)] for p in periods}

    def sales_roles(self, rep_ids):
        return dict.fromkeys(rep_ids)

    def spend(self, *, rep_ids, periods):
        return {}


def test_all_managers_digests_read_the_figures_once_per_period_for_everyone():
    store = FakeStore()
    digests = team_digests(store, period=AUGUST, now=NOW)
    assert [(d.manager_id, d.reps) for d in digests] == [(2, (5, 6, 7, 8, 9, 10, 11)), (3, (5, 6, 7, 8, 9)),
                                                         (4, (10, 11))]
    assert [(r[0], r[2]) for r in store.reads] == [("rep_figures", "2017-08,2017-07,2017-06,2017-05,2017-04")]
    mine, alone = digests[1], digest()
    assert mine.overview == alone.overview
    assert [(d.person_id, d.attention[0].rule_id) for d in mine.attention] == [
        (d.person_id, d.attention[0].rule_id) for d in alone.attention]
    assert [d.person_id for d in alone.praise] == [7] and 7 in [d.person_id for d in mine.praise]


def test_a_manager_asks_for_their_digest_and_a_rep_may_not():
    store = FakeStore()
    assert digest_for(store, viewer_id=4, period=AUGUST, now=NOW).reps == (10, 11)
    assert digest_for(store, viewer_id=1, period=AUGUST, now=NOW).reps == (5, 6, 7, 8, 9, 10, 11)
    with pytest.raises(NotAllowed):
        digest_for(store, viewer_id=5, period=AUGUST, now=NOW)


def test_a_rep_sees_their_own_view_and_not_a_colleagues():
    store = FakeStore()
    mine = rep_view(store, viewer_id=6, rep_id=6, period=AUGUST, now=NOW)
    assert mine.line("activities").value == 140 and mine.line("activities").median == 100  # five peers
    with pytest.raises(NotAllowed):
        rep_view(store, viewer_id=6, rep_id=5, period=AUGUST, now=NOW)


def test_a_rep_in_a_small_team_gets_no_median_that_would_give_a_colleague_away_but_their_manager_does():
    store = FakeStore()
    alone = rep_view(store, viewer_id=10, rep_id=10, period=AUGUST, now=NOW)
    assert alone.line("activities").value == 100 and alone.line("activities").median is None
    managed = rep_view(store, viewer_id=4, rep_id=10, period=AUGUST, now=NOW)
    assert managed.line("activities").median == 100


def test_the_trend_gives_each_period_its_growth_against_the_one_before():
    store = FakeStore()
    [(period, kpis)] = trend(store, viewer_id=3, periods=[AUGUST], now=NOW)
    assert period == AUGUST and kpis.revenue_won == 190_000
    assert kpis.revenue_growth == pytest.approx(70_000 / 120_000)
    assert store.reads == [("rep_figures", (5, 6, 7, 8, 9), "2017-07,2017-08")]
    [(_, own)] = trend(store, viewer_id=5, periods=[AUGUST], now=NOW)
    assert own.revenue_won == 40_000


def test_weekly_digests_read_every_period_once_and_give_each_manager_the_digest_and_trend_one_by_one_would():
    store = FakeStore()
    weekly = weekly_digests(store, wanted=[(4, AUGUST), (2, AUGUST), (3, AUGUST), (5, AUGUST)], now=NOW,
                            trend_periods=3)
    assert store.reads == [("rep_figures", (5, 6, 7, 8, 9, 10, 11),
                            "2017-04,2017-05,2017-06,2017-07,2017-08")]
    assert sorted(weekly) == [(2, AUGUST), (3, AUGUST), (4, AUGUST)]  # a rep gets no digest
    alone = {d.manager_id: d for d in team_digests(FakeStore(), period=AUGUST, now=NOW)}
    for manager in (2, 3, 4):
        assert weekly[manager, AUGUST].digest == alone[manager]
        assert weekly[manager, AUGUST].trend == trend(FakeStore(), viewer_id=manager,
                                                      periods=last_periods(AUGUST, count=3), now=NOW)
    assert weekly[3, AUGUST].trend[-1][1].revenue_won == 190_000  # rep 3's team only, never rep 10's or 11's
