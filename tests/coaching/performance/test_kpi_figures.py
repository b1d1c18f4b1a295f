"""KPIs from a rep's figures: every ratio None where undefined, team totals, medians, prorated quotas, trends."""

from dataclasses import fields, replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coaching.performance.definitions import KPI_BY_NAME, KPI_NAMES, KPIS, UNITS, rounded
from coaching.performance.kpis import (
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
ALL_SOURCES = frozenset(k.source for k in KPIS)


def period(key: str):
    return parse_period(key, today=TODAY)


def test_kpi_names_are_the_stable_column_names_in_order_and_each_has_one_unit_rounding_and_definition():
    assert KPI_NAMES == (
        "activities", "calls", "emails", "meetings", "demos", "other_activities", "leads", "lead_conversion",
        "deals_created", "deals_won", "deals_lost", "win_rate", "conversion_rate", "revenue_won", "avg_deal_size",
        "cycle_days", "open_deals", "open_pipeline", "quota", "quota_attainment", "pipeline_coverage",
        "revenue_growth", "stale_deals", "new_customers", "new_business_revenue", "new_business_share",
        "existing_business_revenue", "renewals", "expansion_revenue", "churn_rate", "acquisition_cost",
        "acquisition_cost_per_deal", "high_potential_activity_share", "low_potential_activity_share",
        "high_potential_deal_share",
    )
    assert tuple(f.name for f in fields(Kpis)) == KPI_NAMES
    assert {KPI_BY_NAME[n].unit for n in KPI_NAMES} <= set(UNITS)
    assert KPI_BY_NAME["win_rate"].unit == "percent" and KPI_BY_NAME["cycle_days"].unit == "days"
    assert KPI_BY_NAME["pipeline_coverage"].unit == "multiple"
    assert all(k.definition.endswith(".") and len(k.definition) < 130 for k in KPIS)


@pytest.mark.parametrize(("name", "value", "shown"), [
    ("deals_won", 2.5, 3), ("deals_won", 3.5, 4), ("revenue_won", 1_234.5, 1_235), ("win_rate", 0.1875, 0.19),
    ("churn_rate", 0.01875, 0.019), ("pipeline_coverage", 0.25, 0.3), ("pipeline_coverage", 0.188, 0.2),
    ("cycle_days", 44.5, 45), ("revenue_growth", -0.125, -0.13),
])
def test_every_kpi_rounds_half_away_from_zero_at_its_own_decimals_as_excel_does(name, value, shown):
    assert rounded(name, value) == pytest.approx(shown)


def test_a_rep_with_no_data_has_zero_counts_and_no_ratios_at_all():
    k = kpis_of(RepFigures(1, known=ALL_SOURCES), previous=RepFigures(1, known=ALL_SOURCES))
    assert k.activities == 0 and k.deals_won == 0 and k.revenue_won == 0 and k.open_pipeline == 0
    undefined = ("win_rate", "conversion_rate", "avg_deal_size", "cycle_days", "quota", "quota_attainment",
                 "pipeline_coverage", "revenue_growth", "lead_conversion", "new_business_share",
                 "high_potential_activity_share", "low_potential_activity_share", "high_potential_deal_share",
                 "churn_rate", "acquisition_cost", "acquisition_cost_per_deal")
    assert {name: k.value(name) for name in undefined} == dict.fromkeys(undefined)


def test_a_kpi_whose_source_the_data_lacks_is_a_dash_never_a_zero():
    f = RepFigures(1, deals_won=2, deals_created=0, known=frozenset({"deals"}))
    k = kpis_of(f)
    assert k.deals_won == 2 and k.deals_created is None and k.activities is None and k.leads is None
    assert k.churn_rate is None and k.acquisition_cost is None and k.renewals is None


def test_every_figure_is_a_dash_for_a_period_that_ended_before_the_data_began():
    f = RepFigures(1, deals_won=0, open_deals=0, data_since=date(2026, 6, 19), as_of=date(2026, 3, 31),
                   known=ALL_SOURCES)
    assert kpis_of(f) == Kpis()
    assert kpis_of(RepFigures(1, as_of=date(2026, 3, 31), known=ALL_SOURCES)) == Kpis()  # no data at all
    started = replace(f, data_since=date(2026, 3, 31))
    assert kpis_of(started).deals_won == 0  # data from the period's last day on: a real zero


FIXTURE = RepFigures(
    7, activities={"call": 30, "email": 50, "meeting": 8, "demo": 2, "other": 1, "visit": 4},
    deals_created=6, deals_won=3, deals_lost=1, revenue_won=30_000, cycle_days_total=90, cycle_count=3,
    deals_engaged=8, engaged_won=2, open_deals=5, open_value=80_000, due_value=40_000, dated_open=4, quota=50_000,
    stale_deals=2, new_customers=2, new_business_revenue=10_000, existing_business_revenue=20_000, renewals=1,
    expansion_revenue=5_000, leads=10, leads_won=3, activities_by_tier={"high": 10, "medium": 20, "low": 50},
    deals_by_tier={"high": 3, "low": 1}, customers_at_start=40, customers_lost=3, deal_cost_total=3_000,
    deal_cost_count=2, spend=12_000, known=ALL_SOURCES,
)
BY_HAND = {  # each KPI worked out by hand from FIXTURE and a previous period with 20,000 won
    "activities": 30 + 50 + 8 + 2 + 1 + 4, "calls": 30, "emails": 50, "meetings": 8, "demos": 2,
    "other_activities": 1 + 4, "leads": 10, "lead_conversion": 3 / 10, "deals_created": 6, "deals_won": 3,
    "deals_lost": 1, "win_rate": 3 / 4, "conversion_rate": 2 / 8, "revenue_won": 30_000,
    "avg_deal_size": 30_000 / 3, "cycle_days": 90 / 3, "open_deals": 5, "open_pipeline": 80_000, "quota": 50_000,
    "quota_attainment": 30_000 / 50_000, "pipeline_coverage": 40_000 / (50_000 - 30_000),
    "revenue_growth": (30_000 - 20_000) / 20_000, "stale_deals": 2, "new_customers": 2,
    "new_business_revenue": 10_000, "new_business_share": 10_000 / 30_000, "existing_business_revenue": 20_000,
    "renewals": 1, "expansion_revenue": 5_000, "churn_rate": 3 / 40, "acquisition_cost": 12_000 / 2,
    "acquisition_cost_per_deal": 3_000 / 2, "high_potential_activity_share": 10 / 80,
    "low_potential_activity_share": 50 / 80, "high_potential_deal_share": 3 / 4,
}


@pytest.mark.parametrize("name", KPI_NAMES)
def test_each_kpi_matches_its_definition_worked_out_by_hand(name):
    k = kpis_of(FIXTURE, previous=RepFigures(7, revenue_won=20_000, known=ALL_SOURCES))
    assert k.value(name) == pytest.approx(BY_HAND[name])


def test_acquisition_cost_is_spend_per_new_customer_and_unknown_without_imported_spend():
    assert kpis_of(RepFigures(1, new_customers=4, spend=10_000, known=ALL_SOURCES)).acquisition_cost == 2_500
    assert kpis_of(RepFigures(1, new_customers=4, known=ALL_SOURCES)).acquisition_cost is None


def test_coverage_is_undefined_once_the_quota_is_met_or_when_no_open_deal_has_a_close_date():
    met = RepFigures(1, revenue_won=100, quota=100, open_deals=2, due_value=50, dated_open=2, known=ALL_SOURCES)
    undated = RepFigures(1, revenue_won=0, quota=100, open_deals=2, open_value=50, dated_open=0, known=ALL_SOURCES)
    empty = RepFigures(1, quota=100, known=ALL_SOURCES)
    assert kpis_of(met).pipeline_coverage is None and kpis_of(undated).pipeline_coverage is None
    assert kpis_of(empty).pipeline_coverage == 0  # no pipeline against a whole quota is a real zero


def test_growth_needs_revenue_in_the_period_before():
    def rep(revenue):
        return RepFigures(1, revenue_won=revenue, known=ALL_SOURCES)

    assert kpis_of(rep(50), previous=rep(0)).revenue_growth is None
    assert kpis_of(rep(50)).revenue_growth is None
    assert kpis_of(rep(0), previous=rep(50)).revenue_growth == -1


@given(st.integers(0, 10_000), st.integers(0, 10_000))
def test_win_rate_is_within_zero_and_one_and_none_without_closed_deals(won, lost):
    rate = kpis_of(RepFigures(1, deals_won=won, deals_lost=lost, known=ALL_SOURCES)).win_rate
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
    assert kpis_of(replace(team, known=ALL_SOURCES)).win_rate == 0.75  # pooled, not an average of the reps' rates


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


@pytest.mark.parametrize(("name", "now", "before", "verdict"), [
    ("revenue_won", 120, 100, "better"),
    ("revenue_won", 80, 100, "worse"),
    ("stale_deals", 5, 2, "worse"),
    ("cycle_days", 20, 30, "better"),  # a shorter cycle is better: one marker, never "down" and "good"
    ("cycle_days", 44, 30, "worse"),
    ("churn_rate", 0.02, 0.05, "better"),
    ("deals_lost", 4, 2, None),  # neither direction is good news
    ("revenue_won", 100.5, 100, "same"),
    ("revenue_won", 1, 0, "better"),
    ("revenue_won", None, 100, None),
    ("win_rate", 0.5, None, None),
])
def test_the_one_trend_marker_says_better_or_worse_by_the_kpis_own_direction(name, now, before, verdict):
    assert trend_of(name, now, before).verdict == verdict


def test_asking_for_an_unknown_kpi_names_the_known_ones():
    with pytest.raises(KeyError, match="win_rate"):
        Kpis().value("winrate")
