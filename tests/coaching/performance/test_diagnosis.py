"""Diagnosis rules: each pattern against the team median gives its coaching focus with numbers, and no more."""

from dataclasses import replace

import pytest

from coaching.performance.diagnosis import DEFAULTS, RULES, Evidence, Rule, Thresholds, diagnose
from coaching.performance.kpis import KPI_NAMES, Kpis

MEDIANS = Kpis(activities=100, win_rate=0.4, cycle_days=30, stale_deals=2, revenue_won=50_000,
               quota_attainment=0.8, pipeline_coverage=3, new_business_share=0.4,
               low_potential_activity_share=0.3, high_potential_activity_share=0.3, high_potential_deal_share=0.3)
TYPICAL = replace(MEDIANS, deals_won=4, deals_lost=6)  # ten closed deals: enough to judge


def rules_for(tenure_days: int | None = 365, thresholds: Thresholds = DEFAULTS, **kpis) -> list[str]:
    diagnosis = diagnose(person_id=1, kpis=replace(TYPICAL, **kpis), medians=MEDIANS, tenure_days=tenure_days,
                         thresholds=thresholds)
    return [f.rule_id for f in diagnosis.findings]


def test_a_rep_at_the_team_median_gets_no_finding():
    diagnosis = diagnose(person_id=1, kpis=TYPICAL, medians=MEDIANS, tenure_days=365)
    assert diagnosis.status == "diagnosed" and diagnosis.findings == () and diagnosis.closed_deals == 10


def test_rules_are_data_with_unique_ids_a_kind_a_focus_a_reason_topics_and_the_roles_they_judge():
    assert [r.id for r in RULES] == ["new_rep", "busy_low_win_rate", "low_activity_normal_conversion", "long_cycle",
                                     "stale_deals", "thin_pipeline", "few_new_customers", "low_potential_focus",
                                     "low_lead_conversion", "few_meetings", "high_churn", "top_performer",
                                     "most_improved"]
    assert all(r.kind in ("attention", "praise", "onboarding") and r.focus and r.reason and r.topics for r in RULES)
    assert all(set(r.roles) <= {"sdr", "ae", "am"} and r.roles for r in RULES)


def test_high_activity_with_a_low_win_rate_points_to_qualification_and_closing_with_its_numbers():
    diagnosis = diagnose(person_id=1, kpis=replace(TYPICAL, activities=130, win_rate=0.28, pipeline_coverage=4),
                         medians=MEDIANS, tenure_days=365)
    (finding,) = diagnosis.findings
    assert finding.rule_id == "busy_low_win_rate" and finding.focus == "Qualification and closing"
    assert finding.evidence == (Evidence("win_rate", 0.28, 0.4, pytest.approx(0.3)),
                                Evidence("activities", 130, 100, 125))
    assert all(e.name in KPI_NAMES for e in finding.evidence)


def test_busy_reps_who_convert_near_the_median_or_are_not_that_busy_are_left_alone():
    assert rules_for(activities=130, win_rate=0.32, pipeline_coverage=4) == []
    assert rules_for(activities=120, win_rate=0.28, pipeline_coverage=4) == []


def test_low_activity_with_normal_conversion_calls_for_a_capacity_talk_not_a_skills_drill():
    assert rules_for(activities=70) == ["low_activity_normal_conversion"]
    assert rules_for(activities=70, win_rate=0.3, pipeline_coverage=4) == []  # conversion is not normal
    assert rules_for(activities=80) == []


@pytest.mark.parametrize(("kpis", "fires"), [
    ({"cycle_days": 45}, True), ({"cycle_days": 44}, False),
    ({"stale_deals": 3}, True), ({"stale_deals": 2.5}, False),
])
def test_a_long_cycle_or_many_stale_deals_calls_for_next_step_discipline(kpis, fires):
    expected = ["long_cycle" if "cycle_days" in kpis else "stale_deals"] if fires else []
    assert rules_for(**kpis) == expected


def test_a_few_stale_deals_are_not_many_even_when_the_team_median_is_zero():
    diagnosis = diagnose(person_id=1, kpis=replace(TYPICAL, stale_deals=2), medians=replace(MEDIANS, stale_deals=0),
                         tenure_days=365)
    assert diagnosis.findings == ()


@pytest.mark.parametrize(("kpis", "fires"), [
    ({"pipeline_coverage": 2.4}, True),  # below 1 / 0.4 = 2.5
    ({"pipeline_coverage": 2.6}, False),
    ({"new_business_share": 0.2}, True),
    ({"new_business_share": 0.3}, False),
    ({"pipeline_coverage": None, "new_business_share": None}, False),
])
def test_thin_coverage_or_too_little_new_business_calls_for_prospecting(kpis, fires):
    rule = "few_new_customers" if "new_business_share" in kpis and "pipeline_coverage" not in kpis else "thin_pipeline"
    assert rules_for(**kpis) == ([rule] if fires else [])


def test_the_new_business_target_is_a_threshold():
    assert rules_for(new_business_share=0.35, thresholds=Thresholds(new_business_target=0.5)) == ["few_new_customers"]


@pytest.mark.parametrize(("kpis", "fires"), [
    ({"low_potential_activity_share": 0.6, "high_potential_activity_share": 0.1}, True),  # under the team's 0.3
    ({"low_potential_activity_share": 0.6, "high_potential_activity_share": 0.35, "high_potential_deal_share": 0.5},
     True),  # half their deals are with high-potential accounts, which get a third of their effort
    ({"low_potential_activity_share": 0.6, "high_potential_activity_share": 0.35}, False),  # big ones are served
    ({"low_potential_activity_share": 0.44, "high_potential_activity_share": 0.1}, False),  # under the 50% floor
])
def test_effort_on_low_potential_accounts_calls_for_account_planning(kpis, fires):
    assert rules_for(**kpis) == (["low_potential_focus"] if fires else [])


def test_a_team_that_all_works_small_accounts_does_not_single_out_one_rep():
    diagnosis = diagnose(person_id=1, kpis=replace(TYPICAL, low_potential_activity_share=0.6,
                                                   high_potential_activity_share=0.1),
                         medians=replace(MEDIANS, low_potential_activity_share=0.55), tenure_days=365)
    assert diagnosis.findings == ()


def test_a_top_performer_gets_praise_with_a_recognition_suggestion():
    diagnosis = diagnose(person_id=1, kpis=replace(TYPICAL, quota_attainment=1.1, win_rate=0.45),
                         medians=MEDIANS, tenure_days=365)
    assert [f.rule_id for f in diagnosis.praise] == ["top_performer"] and diagnosis.attention == ()
    assert diagnosis.praise[0].suggestion and diagnosis.praise[0].evidence[0] == Evidence(
        "quota_attainment", 1.1, 0.8, 1.0)


def test_a_praised_rep_is_never_also_under_attention_the_issue_becomes_a_one_on_one_topic():
    diagnosis = diagnose(person_id=1, kpis=replace(TYPICAL, quota_attainment=1.16, win_rate=0.45,
                                                   new_business_share=0.1, pipeline_coverage=None),
                         medians=MEDIANS, tenure_days=365)
    assert [f.rule_id for f in diagnosis.praise] == ["top_performer"] and diagnosis.attention == ()
    assert [(f.rule_id, f.kind) for f in diagnosis.findings if f.kind == "topic"] == [("few_new_customers", "topic")]


def test_an_unknown_coverage_never_puts_anyone_under_prospecting():
    assert rules_for(pipeline_coverage=None, new_business_share=0.5) == []


SDR_MEDIANS = Kpis(leads=40, lead_conversion=0.2, meetings=12)
SDR = Kpis(leads=40, lead_conversion=0.2, meetings=12, deals_won=0, deals_lost=0)


def sdr_rules(**kpis) -> list[str]:
    diagnosis = diagnose(person_id=1, kpis=replace(SDR, **kpis), medians=SDR_MEDIANS, tenure_days=365, role="sdr")
    return [f.rule_id for f in diagnosis.findings]


def test_an_sdr_without_closed_deals_is_judged_on_leads_not_left_as_too_little_data_for_ever():
    diagnosis = diagnose(person_id=1, kpis=SDR, medians=SDR_MEDIANS, tenure_days=365, role="sdr")
    assert diagnosis.status == "diagnosed" and diagnosis.findings == ()
    assert sdr_rules(lead_conversion=0.1) == ["low_lead_conversion"]
    assert sdr_rules(meetings=8) == ["few_meetings"]
    assert sdr_rules(lead_conversion=0.3) == ["top_performer"]
    assert diagnose(person_id=1, kpis=replace(SDR, leads=5), medians=SDR_MEDIANS, tenure_days=365,
                    role="sdr").status == "too_little_data"


def test_rules_for_closers_never_judge_an_sdr_and_sdr_rules_never_judge_an_ae():
    assert sdr_rules(win_rate=0.05, activities=500, pipeline_coverage=0.1) == []
    assert rules_for(lead_conversion=0.01, meetings=0) == []


def test_an_account_manager_losing_customers_faster_than_peers_is_asked_about_retention():
    medians = replace(MEDIANS, churn_rate=0.04)
    diagnosis = diagnose(person_id=1, kpis=replace(TYPICAL, churn_rate=0.08), medians=medians, tenure_days=365,
                         role="am")
    assert [f.rule_id for f in diagnosis.findings] == ["high_churn"]
    assert diagnosis.findings[0].evidence[0] == Evidence("churn_rate", 0.08, 0.04, pytest.approx(0.06))


def test_most_improved_praises_a_role_kpi_better_than_the_reps_own_three_period_average_even_below_target():
    history = (replace(TYPICAL, win_rate=0.3), replace(TYPICAL, win_rate=0.25), replace(TYPICAL, win_rate=0.35))
    diagnosis = diagnose(person_id=1, kpis=replace(TYPICAL, win_rate=0.38, quota_attainment=0.7),
                         medians=MEDIANS, tenure_days=365, history=history)
    assert [f.rule_id for f in diagnosis.praise] == ["most_improved"]
    (evidence,) = diagnosis.praise[0].evidence
    assert evidence.name == "win_rate" and evidence.own_average == pytest.approx(0.3) and evidence.value == 0.38
    assert diagnosis.praise[0].suggestion


@pytest.mark.parametrize("history_rates", [(0.34, 0.35, 0.36), (0.3, 0.3), (0.3, None, 0.3)])
def test_no_most_improved_under_the_margin_or_without_three_known_periods(history_rates):
    history = tuple(replace(TYPICAL, win_rate=r) for r in history_rates)
    diagnosis = diagnose(person_id=1, kpis=replace(TYPICAL, win_rate=0.38, quota_attainment=0.7),
                         medians=MEDIANS, tenure_days=365, history=history)
    assert diagnosis.praise == ()


def test_a_shorter_cycle_counts_as_improvement():
    history = tuple(replace(TYPICAL, cycle_days=d) for d in (40, 44, 36))
    diagnosis = diagnose(person_id=1, kpis=replace(TYPICAL, cycle_days=30, quota_attainment=0.7),
                         medians=MEDIANS, tenure_days=365, history=history)
    assert [(e.name, e.own_average) for f in diagnosis.praise for e in f.evidence] == [("cycle_days", 40)]


def test_without_quotas_a_top_performer_is_one_winning_well_above_the_median():
    assert rules_for(quota_attainment=None, revenue_won=80_000) == ["top_performer"]
    assert rules_for(quota_attainment=None, revenue_won=70_000) == []
    assert rules_for(quota_attainment=1.2, win_rate=0.38, pipeline_coverage=None) == []  # converts below median


def test_a_new_rep_with_little_data_gets_onboarding_and_no_judgement_however_the_numbers_look():
    diagnosis = diagnose(person_id=1, kpis=replace(TYPICAL, deals_won=0, deals_lost=2, activities=10, win_rate=0,
                                                   pipeline_coverage=0.1),
                         medians=MEDIANS, tenure_days=20)
    assert diagnosis.status == "onboarding" and [f.rule_id for f in diagnosis.findings] == ["new_rep"]
    assert diagnosis.findings[0].evidence == (Evidence("tenure_days", 20, None, 90), Evidence("closed_deals", 2,
                                                                                             None, 5))
    assert rules_for(tenure_days=None, deals_won=0, deals_lost=0) == ["new_rep"]


def test_a_new_rep_who_already_closed_enough_is_judged_like_everyone():
    assert rules_for(tenure_days=20, activities=70) == ["low_activity_normal_conversion"]


def test_no_diagnosis_on_too_little_data_for_an_established_rep():
    diagnosis = diagnose(person_id=1, kpis=replace(TYPICAL, deals_won=1, deals_lost=3, activities=300, win_rate=0.25),
                         medians=MEDIANS, tenure_days=400)
    assert diagnosis.status == "too_little_data" and diagnosis.findings == ()


def test_the_minimum_of_closed_deals_and_the_factors_are_configurable():
    few = {"deals_won": 1, "deals_lost": 2, "activities": 70}
    assert rules_for(**few) == []
    assert rules_for(thresholds=Thresholds(min_closed_deals=3), **few) == ["low_activity_normal_conversion"]
    assert rules_for(activities=130, win_rate=0.28, pipeline_coverage=4,
                     thresholds=Thresholds(high_activity=1.5)) == []


def test_several_findings_come_in_rule_order():
    assert rules_for(cycle_days=60, pipeline_coverage=1, low_potential_activity_share=0.7,
                     high_potential_activity_share=0.0) == ["long_cycle", "thin_pipeline", "low_potential_focus"]


def test_a_team_can_bring_its_own_rules():
    quiet = Rule("no_demos", "attention", "Demos", "{value} demos", ("Why no demos?",), lambda c: not c.kpis.demos,
                 lambda c: (Evidence("demos", c.kpis.demos),))
    diagnosis = diagnose(person_id=1, kpis=TYPICAL, medians=MEDIANS, tenure_days=365, rules=[quiet])
    assert [f.rule_id for f in diagnosis.findings] == ["no_demos"]
