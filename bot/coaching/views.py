"""Block Kit for coaching: the manager's digest (`/coach`, and the weekly DM) and one rep's view
(`/coach @rep`, `/coach me`), built only from what coaching.performance.digest computed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot import ids
from bot.i18n import N_, Translator
from bot.slack_text import literal
from bot.surveys.messages import Blocks
from coaching.performance.diagnosis import Evidence, Finding
from coaching.performance.digest import Digest, KpiLine, RepView

MAX_REPS_LISTED = 8  # per section; the Excel pack has everyone
OVERVIEW = ("revenue_won", "deals_won", "win_rate", "avg_deal_size", "cycle_days", "activities", "open_pipeline",
            "pipeline_coverage", "quota_attainment", "new_business_share", "stale_deals")
REP_LINES = (*OVERVIEW, "deals_created", "lead_conversion", "low_potential_activity_share")
KPI_LABELS: Mapping[str, str] = {
    "activities": N_("Activities"), "calls": N_("Calls"), "emails": N_("Emails"), "meetings": N_("Meetings"),
    "demos": N_("Demos"), "other_activities": N_("Other activities"), "deals_created": N_("Deals created"),
    "deals_won": N_("Deals won"), "deals_lost": N_("Deals lost"), "win_rate": N_("Win rate"),
    "revenue_won": N_("Revenue won"), "avg_deal_size": N_("Average deal size"), "cycle_days": N_("Sales cycle"),
    "open_deals": N_("Open deals"), "open_pipeline": N_("Open pipeline"), "quota": N_("Quota"),
    "quota_attainment": N_("Quota attainment"), "pipeline_coverage": N_("Pipeline coverage"),
    "revenue_growth": N_("Revenue growth"), "lead_conversion": N_("Lead conversion"),
    "stale_deals": N_("Stale deals"), "new_business_revenue": N_("New-business revenue"),
    "new_business_share": N_("New-business share"),
    "high_potential_activity_share": N_("Activity on high-potential accounts"),
    "low_potential_activity_share": N_("Activity on low-potential accounts"),
    "high_potential_deal_share": N_("Deals with high-potential accounts"), "churn_rate": N_("Churn rate"),
    "acquisition_cost": N_("Acquisition cost"), "tenure_days": N_("Days since first activity"),
    "closed_deals": N_("Closed deals"),
}
ARROWS = {"up": "▲", "down": "▼", "flat": "▶"}


def value_text(t: Translator, name: str, value: float | None, currency: str) -> str:
    """A KPI value in the reader's locale: money, a share, days or a count; a dash when undefined."""
    from coaching.performance.kpis import KPI_BY_NAME

    if value is None:
        return "–"
    unit = KPI_BY_NAME[name].unit if name in KPI_BY_NAME else "count"
    if unit == "money":
        return t.money(value, currency)
    if unit == "ratio":
        return f"{t.number(value, 2)}×" if name == "pipeline_coverage" else t.percent(value)
    if unit == "days":
        return t.gettext("{n} days", n=t.number(value))
    return t.number(value)


def _line(t: Translator, line: KpiLine, currency: str, *, medians: bool = True) -> str:
    text = f"{t.gettext(KPI_LABELS.get(line.name, line.name))}: *{value_text(t, line.name, line.value, currency)}*"
    if line.arrow is not None:
        mark = "" if line.good is None else (" :large_green_circle:" if line.good else " :small_red_triangle_down:")
        text += f" {ARROWS[line.arrow]}{mark}"
    extras = []
    if medians and line.median is not None:
        extras.append(t.gettext("median {value}", value=value_text(t, line.name, line.median, currency)))
    if line.previous is not None:
        extras.append(t.gettext("before {value}", value=value_text(t, line.name, line.previous, currency)))
    return text + (f" ({' · '.join(extras)})" if extras else "")


def _evidence(t: Translator, e: Evidence, currency: str) -> str:
    text = f"{t.gettext(KPI_LABELS.get(e.name, e.name))} {value_text(t, e.name, e.value, currency)}"
    if e.median is not None:
        text += " · " + t.gettext("median {value}", value=value_text(t, e.name, e.median, currency))
    if e.limit is not None:
        text += " · " + t.gettext("limit {value}", value=value_text(t, e.name, e.limit, currency))
    return text


def _finding(t: Translator, f: Finding, currency: str) -> str:
    evidence = "; ".join(_evidence(t, e, currency) for e in f.evidence)
    text = f"{t.gettext(f.focus)}: {evidence}"
    if f.suggestion:
        text += "\n    " + t.gettext(f.suggestion)
    return text


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}


def digest_message(t: Translator, digest: Digest, names: Mapping[int, str], *, currency: str, team: str,
                   min_deals: int) -> tuple[str, Blocks]:
    """Overview with trend arrows and medians, who needs attention and why, who to praise, one-on-one topics,
    and a button for the Excel pack."""
    title = t.gettext("Coaching digest for {team}, {period}", team=literal(team), period=digest.period.key)
    overview = "\n".join(_line(t, digest.line(name), currency) for name in OVERVIEW)
    blocks: Blocks = [{"type": "header", "text": {"type": "plain_text", "text": title[:150]}},
                      _section(t.ngettext("{n} rep", "{n} reps", len(digest.reps)) + "\n" + overview)]
    if digest.attention:
        lines = [f"*{literal(names.get(d.person_id, '?'))}*\n" + "\n".join(
            "• " + _finding(t, f, currency) for f in d.attention) for d in digest.attention[:MAX_REPS_LISTED]]
        blocks.append(_section("*" + t.gettext("Needs attention") + "*\n" + "\n".join(lines)))
    if digest.praise:
        lines = [f"*{literal(names.get(d.person_id, '?'))}*: " + "; ".join(_finding(t, f, currency)
                                                                            for f in d.praise)
                 for d in digest.praise[:MAX_REPS_LISTED]]
        blocks.append(_section("*" + t.gettext("Praise") + "*\n" + "\n".join(lines)))
    quiet = [*(d.person_id for d in digest.onboarding), *digest.too_little_data]
    if quiet:
        blocks.append(_section(t.gettext("Onboarding or too little data to judge: {names}",
                                         names=", ".join(literal(names.get(p, "?")) for p in quiet))))
    topics = [f"*{literal(names.get(p, '?'))}*: " + " · ".join(t.gettext(x) for x in view.topics[:2])
              for p, view in list(digest.views.items())[:MAX_REPS_LISTED * 2]]
    if topics:
        blocks.append(_section("*" + t.gettext("One-on-one topics") + "*\n" + "\n".join(topics)))
    blocks.append({"type": "actions", "block_id": "coach_pack", "elements": [
        {"type": "button", "action_id": ids.ACTION_COACH_PACK, "value": f"{digest.manager_id}:{digest.period.key}",
         "text": {"type": "plain_text", "text": t.gettext("Excel coaching pack")[:75]}}]})
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": t.gettext(
        "Every finding compares a rep with the team median; no judgement on fewer than {n} closed deals.",
        n=t.number(min_deals))}]})
    return title, blocks


def rep_message(t: Translator, view: RepView, name: str, *, currency: str, own: bool) -> tuple[str, Blocks]:
    """One rep's numbers against the team median and the period before, with the focus and topics."""
    title = (t.gettext("Your numbers, {period}", period=view.period.key) if own
             else t.gettext("{name}, {period}", name=literal(name), period=view.period.key))
    lines = "\n".join(_line(t, view.line(n), currency) for n in REP_LINES)
    blocks: Blocks = [{"type": "header", "text": {"type": "plain_text", "text": title[:150]}}, _section(lines)]
    d = view.diagnosis
    if d.status == "too_little_data":
        blocks.append(_section(t.gettext("Too little closed business this period to judge ({n} closed deals).",
                                         n=t.number(d.closed_deals))))
    for f in d.findings:
        label = t.gettext("Praise") if f.kind == "praise" else t.gettext("Focus")
        blocks.append(_section(f"*{label}*: {_finding(t, f, currency)}"))
    blocks.append(_section("*" + t.gettext("One-on-one topics") + "*\n" + "\n".join(
        "• " + t.gettext(x) for x in view.topics)))
    return title, blocks
