"""Every KPI as the trade defines it: name, unit, rounding, which way is better, the source data it needs, the
roles it matters for, and a one-line definition (English, translated when shown) for the Glossary and /coach help.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

UNITS = ("count", "money", "percent", "multiple", "days")
ROLES = ("sdr", "ae", "am")  # sales development, account executive, account management
DEFAULT_ROLE = "ae"  # a rep whose roster row names no sales_role carries a quota and closes deals


def N_(text: str) -> str:
    """Marks English text for the translators' catalog; the bot translates it when it renders."""
    return text


@dataclass(frozen=True)
class Kpi:
    """`decimals` is the one rounding rule (half away from zero, as Excel rounds) on every surface; `source` is
    the imported data it needs, without which it shows "–"; `roles` are the roles it is a headline KPI for."""

    name: str
    unit: str  # one of UNITS
    better: str | None  # "higher", "lower", or None when neither direction is good news
    source: str
    definition: str
    decimals: int = 0
    roles: tuple[str, ...] = ()


KPIS: tuple[Kpi, ...] = (
    Kpi("activities", "count", "higher", "activities",
        N_("Calls, emails, meetings, demos and other activities logged in the period.")),
    Kpi("calls", "count", "higher", "activities", N_("Calls logged in the period.")),
    Kpi("emails", "count", "higher", "activities", N_("Emails logged in the period.")),
    Kpi("meetings", "count", "higher", "activities", N_("Meetings booked: meetings logged in the period."),
        roles=("sdr",)),
    Kpi("demos", "count", "higher", "activities", N_("Demos logged in the period.")),
    Kpi("other_activities", "count", None, "activities", N_("Other activities logged in the period.")),
    Kpi("leads", "count", "higher", "leads", N_("Leads worked: leads created in the period."), roles=("sdr",)),
    Kpi("lead_conversion", "percent", "higher", "leads",
        N_("Leads created in the period whose deal was won by its end (or today) ÷ leads created in the period."),
        roles=("sdr",)),
    Kpi("deals_created", "count", "higher", "created_on", N_("Deals created in the period, by created date.")),
    Kpi("deals_won", "count", "higher", "deals", N_("Deals won with a close date in the period.")),
    Kpi("deals_lost", "count", None, "deals", N_("Deals lost with a close date in the period.")),
    Kpi("win_rate", "percent", "higher", "deals", N_("Deals won ÷ deals won or lost, by close date in the period."),
        roles=("ae",)),
    Kpi("conversion_rate", "percent", "higher", "engaged_on",
        N_("Deals first engaged in the period that were won by its end (or today) ÷ deals first engaged in it.")),
    Kpi("revenue_won", "money", "higher", "deals", N_("Sum of the amounts of the deals won in the period.")),
    Kpi("avg_deal_size", "money", "higher", "deals", N_("Revenue won ÷ deals won.")),
    Kpi("cycle_days", "days", "lower", "engaged_on",
        N_("Mean days from first engagement to close, over the deals won in the period."), roles=("ae",)),
    Kpi("open_deals", "count", "higher", "deals",
        N_("Deals open at the period's end (or today): engaged or created by then and not yet closed.")),
    Kpi("open_pipeline", "money", "higher", "deals", N_("Sum of the amounts of the deals open at the period's end.")),
    Kpi("quota", "money", None, "quotas",
        N_("The target for the period, prorated by days from monthly or quarterly targets.")),
    Kpi("quota_attainment", "percent", "higher", "quotas", N_("Revenue won ÷ quota.")),
    Kpi("pipeline_coverage", "multiple", "higher", "expected_close_on",
        N_("Open value expected to close by the period's end ÷ quota still to reach, as a multiple (×)."),
        decimals=1, roles=("ae",)),
    Kpi("revenue_growth", "percent", "higher", "deals",
        N_("Revenue won against the period before: (this − before) ÷ before.")),
    Kpi("stale_deals", "count", "lower", "deals",
        N_("Deals open at the period's end with no activity or stage change for 30 days.")),
    Kpi("new_customers", "count", "higher", "accounts", N_("Accounts whose first won deal closed in the period.")),
    Kpi("new_business_revenue", "money", "higher", "accounts",
        N_("Revenue won from accounts whose first win falls in the period.")),
    Kpi("new_business_share", "percent", "higher", "accounts", N_("New-business revenue ÷ revenue won.")),
    Kpi("existing_business_revenue", "money", "higher", "accounts",
        N_("Revenue won from accounts first won before the period.")),
    Kpi("renewals", "count", "higher", "deal_type", N_("Deals of type renewal won in the period."), roles=("am",)),
    Kpi("expansion_revenue", "money", "higher", "deal_type",
        N_("Revenue won from deals of type expansion in the period."), roles=("am",)),
    Kpi("churn_rate", "percent", "lower", "churn",
        N_("Customers lost in the period ÷ customers at its start (accounts won before it, not yet churned)."),
        decimals=1, roles=("am",)),
    Kpi("acquisition_cost", "money", "lower", "spend",
        N_("Sales and marketing spend imported for the period ÷ new customers won in it (teams, not reps).")),
    Kpi("acquisition_cost_per_deal", "money", "lower", "deal_cost",
        N_("Mean acquisition cost recorded on the deals won in the period (a per-deal field, not spend).")),
    Kpi("high_potential_activity_share", "percent", "higher", "potential",
        N_("Share of account activities spent on high-potential accounts.")),
    Kpi("low_potential_activity_share", "percent", "lower", "potential",
        N_("Share of account activities spent on low-potential accounts.")),
    Kpi("high_potential_deal_share", "percent", "higher", "potential",
        N_("Share of the deals worked in the period that are with high-potential accounts.")),
)
KPI_NAMES: tuple[str, ...] = tuple(k.name for k in KPIS)
KPI_BY_NAME: Mapping[str, Kpi] = {k.name: k for k in KPIS}
ROLE_KPIS: Mapping[str, tuple[str, ...]] = {role: tuple(k.name for k in KPIS if role in k.roles) for role in ROLES}
POTENTIAL_NOTE = N_("Account potential is the imported revenue potential; where none was imported, the tercile of "
                    "account revenue (or employees) within the last accounts file, labelled 'size'.")


def rounded(name: str, value: float) -> float:
    """The value as every surface shows it: at the KPI's decimals (in its unit: percent points, whole money),
    half away from zero as Excel rounds, so Slack and Excel never differ by a rounding rule."""
    kpi = KPI_BY_NAME.get(name)
    decimals = kpi.decimals if kpi else 0
    scale = 10 ** (decimals + (2 if kpi is not None and kpi.unit == "percent" else 0))
    shifted = abs(value) * scale
    whole = int(shifted + 0.5 + 1e-9)
    return (whole if value >= 0 else -whole) / scale
