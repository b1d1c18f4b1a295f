"""KPIs from a rep's figures: every ratio None where undefined, team totals, medians, prorated quotas, trends."""

from dataclasses import fields
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coaching.performance.kpis import (
    KPI_BY_NAME,
    KPI_NAMES,
    UNITS,
    Kpis,
    QuotaTarget,
    RepFigures,
    kpis_of,
    medians,
    quota_for,
    total,
    trend_of,
)
from coaching.periods import parse_period

TODAY = date(2017, 8, 16)


def period(key: str):
    return parse_period(key, today=TODAY)


def test_kpi_names_are_the_stable_column_names_in_order_and_each_has_a_unit():
    assert KPI_NAMES == (
        "activities", "calls", "emails", "meetings", "demos", "other_activities", "deals_created", "deals_won",
        "deals_lost", "win_rate", "revenue_won", "avg_deal_size", "cycle_days", "open_deals", "open_pipeline",
        "quota", "quota_attainment", "pipeline_coverage", "revenue_growth", "lead_conversion", "stale_deals",
        "new_business_revenue", "new_business_share", "high_potential_activity_share",
        "low_potential_activity_share", "high_potential_deal_share", "churn_rate", "acquisition_cost",
    )
    assert tuple(f.name for f in fields(Kpis)) == KPI_NAMES
    assert {KPI_BY_NAME[n].unit for n in KPI_NAMES} <= set(UNITS)
    assert KPI_BY_NAME["win_rate"].unit == "ratio" and KPI_BY_NAME["cycle_days"].unit == "days"
    assert KPI_BY_NAME["revenue_won"].unit == "money" and KPI_BY_NAME["stale_deals"].unit == "count"


def test_a_rep_with_no_data_has_zero_counts_and_no_ratios_at_all():
    k = kpis_of(RepFigures(1), previous=RepFigures(1))
    assert k.activities == 0 and k.deals_won == 0 and k.revenue_won == 0 and k.open_pipeline == 0
    undefined = ("win_rate", "avg_deal_size", "cycle_days", "quota", "quota_attainment", "pipeline_coverage",
                 "revenue_growth", "lead_conversion", "new_business_share", "high_potential_activity_share",
                 "low_potential_activity_share", "high_potential_deal_share", "churn_rate", "acquisition_cost")
    assert {name: k.value(name) for name in undefined} == dict.fromkeys(undefined)


def test_each_kpi_follows_its_definition():
    f = RepFigures(
        7, activities={"call": 30, "email": 50, "meeting": 8, "demo": 2, "other": 1, "visit": 4},
        deals_created=6, deals_won=3, deals_lost=1, revenue_won=30_000, cycle_days_total=90, cycle_count=3,
        open_deals=5, open_value=80_000, due_value=40_000, dated_open=4, quota=50_000, stale_deals=2,
        new_business_revenue=10_000, existing_business_revenue=20_000, leads=10, leads_converted=4,
        activities_by_tier={"high": 10, "medium": 20, "low": 50, "none": 15},
        deals_by_tier={"high": 3, "low": 1},
        churned=1, churn_known=2, acquisition_cost_total=3_000, acquisition_cost_count=2,
    )
    k = kpis_of(f, previous=RepFigures(7, revenue_won=20_000))
    assert (k.activities, k.calls, k.emails, k.meetings, k.demos, k.other_activities) == (95, 30, 50, 8, 2, 5)
    assert k.win_rate == 0.75 and k.avg_deal_size == 10_000 and k.cycle_days == 30
    assert k.open_deals == 5 and k.open_pipeline == 80_000 and k.quota == 50_000
    assert k.quota_attainment == 0.6
    assert k.pipeline_coverage == 2.0  # 40,000 due against 20,000 still to win
    assert k.revenue_growth == 0.5 and k.lead_conversion == 0.4 and k.stale_deals == 2
    assert k.new_business_revenue == 10_000 and k.new_business_share == pytest.approx(1 / 3)
    assert k.high_potential_activity_share == 0.125 and k.low_potential_activity_share == 0.625
    assert k.high_potential_deal_share == 0.75 and k.churn_rate == 0.5 and k.acquisition_cost == 1_500
    assert k.row()[KPI_NAMES.index("win_rate")] == 0.75


def test_coverage_is_undefined_once_the_quota_is_met_or_when_no_open_deal_has_a_close_date():
    met = RepFigures(1, revenue_won=100, quota=100, open_deals=2, due_value=50, dated_open=2)
    undated = RepFigures(1, revenue_won=0, quota=100, open_deals=2, open_value=50, dated_open=0)
    empty = RepFigures(1, quota=100)
    assert kpis_of(met).pipeline_coverage is None and kpis_of(undated).pipeline_coverage is None
    assert kpis_of(empty).pipeline_coverage == 0  # no pipeline against a whole quota is a real zero


def test_growth_needs_revenue_in_the_period_before():
    assert kpis_of(RepFigures(1, revenue_won=50), previous=RepFigures(1, revenue_won=0)).revenue_growth is None
    assert kpis_of(RepFigures(1, revenue_won=50)).revenue_growth is None
    assert kpis_of(RepFigures(1, revenue_won=0), previous=RepFigures(1, revenue_won=50)).revenue_growth == -1


@given(st.integers(0, 10_000), st.integers(0, 10_000))
def test_win_rate_is_within_zero_and_one_and_none_without_closed_deals(won, lost):
    rate = kpis_of(RepFigures(1, deals_won=won, deals_lost=lost)).win_rate
    if won + lost == 0:
        assert rate is None
    else:
        assert rate is not None and 0 <= rate <= 1 and rate == won / (won + lost)


@given(st.lists(st.one_of(st.none(), st.floats(-1e9, 1e9)), max_size=12))
def test_medians_ignore_reps_without_a_value(values):
    result = medians(Kpis(win_rate=v) for v in values).win_rate
    known = sorted(v for v in values if v is not None)
    if not known:
        assert result is None
    else:
        assert known[0] <= result <= known[-1]
        assert sum(v < result for v in known) <= len(known) / 2 >= sum(v > result for v in known)


def test_the_team_total_adds_every_count_and_merges_the_breakdowns():
    a = RepFigures(1, activities={"call": 3}, deals_won=1, revenue_won=10, quota=100, first_seen=date(2017, 3, 1),
                   activities_by_tier={"low": 2}, deals_by_tier={"high": 1})
    b = RepFigures(2, activities={"call": 1, "demo": 2}, deals_won=2, deals_lost=1, revenue_won=30, quota=50,
                   first_seen=date(2016, 1, 1), activities_by_tier={"low": 1, "high": 4})
    team = total([a, b])
    assert team.person_id == 0 and team.activities == {"call": 4, "demo": 2}
    assert (team.deals_won, team.deals_lost, team.revenue_won, team.quota) == (3, 1, 40, 150)
    assert team.activities_by_tier == {"low": 3, "high": 4} and team.deals_by_tier == {"high": 1}
    assert team.first_seen == date(2016, 1, 1)
    assert kpis_of(team).win_rate == 0.75  # pooled, not an average of the reps' rates


def test_the_team_quota_is_unknown_when_one_rep_has_none():
    assert total([RepFigures(1, quota=100), RepFigures(2)]).quota is None
    assert total([]).quota is None


@pytest.mark.parametrize(("key", "targets", "expected"), [
    ("2017-07", [QuotaTarget(date(2017, 7, 1), "month", 31_000)], 31_000),
    ("2017-Q3", [QuotaTarget(date(2017, m, 1), "month", 10_000) for m in (7, 8, 9)], 30_000),
    ("2017-Q3", [QuotaTarget(date(2017, 7, 1), "quarter", 92_000)], 92_000),
    ("2017-07", [QuotaTarget(date(2017, 7, 1), "quarter", 92_000)], 31_000),  # 31 of the quarter's 92 days
    ("2017-W27", [QuotaTarget(date(2017, 7, 1), "month", 31_000)], 7_000),
    ("2017-W31", [QuotaTarget(date(2017, 7, 1), "month", 31_000), QuotaTarget(date(2017, 8, 1), "month", 62_000)],
     1_000 + 6 * 2_000),  # Monday 31 July, then six days of August
    ("2017-Q3", [QuotaTarget(date(2017, 7, 1), "month", 10_000)], None),  # August and September unknown
    ("2017-07", [], None),
])
def test_the_quota_of_a_period_is_prorated_by_days_from_targets_covering_all_of_it(key, targets, expected):
    result = quota_for(period(key), targets)
    assert result == (None if expected is None else pytest.approx(expected))


def test_monthly_targets_win_over_a_quarterly_one_when_both_cover_the_period():
    targets = [QuotaTarget(date(2017, 7, 1), "quarter", 1), QuotaTarget(date(2017, 7, 1), "month", 500)]
    assert quota_for(period("2017-07"), targets) == 500


@pytest.mark.parametrize(("name", "now", "before", "arrow", "good"), [
    ("revenue_won", 120, 100, "up", True),
    ("revenue_won", 80, 100, "down", False),
    ("stale_deals", 5, 2, "up", False),
    ("cycle_days", 20, 30, "down", True),
    ("deals_lost", 4, 2, "up", None),
    ("revenue_won", 100.5, 100, "flat", None),
    ("revenue_won", 1, 0, "up", True),
    ("revenue_won", None, 100, None, None),
    ("win_rate", 0.5, None, None, None),
])
def test_the_trend_arrow_says_which_way_and_whether_that_is_good_news(name, now, before, arrow, good):
    trend = trend_of(name, now, before)
    assert (trend.arrow, trend.good) == (arrow, good)


def test_asking_for_an_unknown_kpi_names_the_known_ones():
    with pytest.raises(KeyError, match="win_rate"):
        Kpis().value("winrate")
