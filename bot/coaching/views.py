"""Block Kit for coaching: the manager's digest (`/coach`, and the weekly DM) and one rep's view
(`/coach @rep`, `/coach me`), built only from what coaching.performance.digest computed; every figure in the
unit and rounding of coaching.performance.definitions, as the Excel pack shows it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot import ids
from bot.i18n import N_, Translator
from bot.intel.views import rollup_blocks
from bot.slack_text import literal
from bot.surveys.messages import Blocks
from coaching.asks.service import AskCounts
from coaching.intel.service import Rollup
from coaching.performance.definitions import KPI_BY_NAME, KPIS, POTENTIAL_NOTE, ROLE_KPIS, rounded
from coaching.performance.diagnosis import Finding
from coaching.performance.digest import MAX_ATTENTION, Digest, KpiLine, RepView

REP_LINES = ("revenue_won", "deals_won", "win_rate", "conversion_rate", "avg_deal_size", "cycle_days",
             "activities", "open_pipeline", "pipeline_coverage", "quota_attainment", "new_business_share",
             "stale_deals")
KPI_LABELS: Mapping[str, str] = {
    "activities": N_("Activities"), "calls": N_("Calls"), "emails": N_("Emails"), "meetings": N_("Meetings"),
    "demos": N_("Demos"), "other_activities": N_("Other activities"), "deals_created": N_("Deals created"),
    "deals_won": N_("Deals won"), "deals_lost": N_("Deals lost"), "win_rate": N_("Win rate"),
    "revenue_won": N_("Revenue won"), "avg_deal_size": N_("Average deal size"), "cycle_days": N_("Sales cycle"),
    "open_deals": N_("Open deals"), "open_pipeline": N_("Open pipeline"), "quota": N_("Quota"),
    "quota_attainment": N_("Quota attainment"), "pipeline_coverage": N_("Pipeline coverage"),
    "revenue_growth": N_("Revenue growth"), "lead_conversion": N_("Lead conversion"),
    "stale_deals": N_("Stale deals"), "new_business_revenue": N_("New-business revenue"),
    "new_business_share": N_("New-business share"), "leads": N_("Leads worked"),
    "conversion_rate": N_("Conversion rate"), "new_customers": N_("New customers"),
    "existing_business_revenue": N_("Revenue from existing customers"), "renewals": N_("Renewals"),
    "expansion_revenue": N_("Expansion revenue"), "acquisition_cost_per_deal": N_("Acquisition cost per won deal"),
    "high_potential_activity_share": N_("Activity on high-potential accounts"),
    "low_potential_activity_share": N_("Activity on low-potential accounts"),
    "high_potential_deal_share": N_("Deals with high-potential accounts"), "churn_rate": N_("Churn rate"),
    "acquisition_cost": N_("Customer acquisition cost"), "tenure_days": N_("Days since first activity"),
    "closed_deals": N_("Closed deals"),
}
SIZE_BASED = ("high_potential_activity_share", "low_potential_activity_share", "high_potential_deal_share")
MARKERS = {"better": ":large_green_circle:", "worse": ":red_circle:", "same": ":white_circle:"}
VERDICTS = {"better": N_("better"), "worse": N_("worse"), "same": N_("same")}


def value_text(t: Translator, name: str, value: float | None, currency: str) -> str:
    """A KPI value in the reader's locale, at the KPI's one unit and rounding (coaching.performance.definitions):
    money, a percent, a multiple (×), days or a count; a dash when undefined or missing."""
    if value is None:
        return "–"
    kpi = KPI_BY_NAME.get(name)
    unit, decimals, value = (kpi.unit, kpi.decimals, rounded(name, value)) if kpi else ("count", 0, round(value))
    if unit == "money":
        return t.money(value, currency)
    if unit == "percent":
        return t.percent(value, decimals)
    if unit == "multiple":
        return f"{t.number(value, decimals)}×"
    if unit == "days":
        return t.ngettext("{n} day", "{n} days", int(value))
    return t.number(value, decimals)


def label(t: Translator, name: str, sources: frozenset[str] | None = None) -> str:
    """A KPI's name in the reader's language; account potential taken from size (no imported potential) says so."""
    text = t.gettext(KPI_LABELS.get(name, name))
    if name in SIZE_BASED and sources is not None and "potential_size" in sources:
        text += " " + t.gettext("(potential by account size)")
    return text


def trend_text(t: Translator, verdict: str | None) -> str:
    """The one trend marker: better or worse by the KPI's own direction, coloured to match."""
    return "" if verdict is None else f"{MARKERS[verdict]} {t.gettext(VERDICTS[verdict])}"


def _line(t: Translator, line: KpiLine, currency: str, *, medians: bool = True,
          sources: frozenset[str] | None = None) -> str:
    text = f"{label(t, line.name, sources)}: *{value_text(t, line.name, line.value, currency)}*"
    if line.verdict is not None:
        text += " " + trend_text(t, line.verdict)
    extras = []
    if medians and line.median is not None:
        extras.append(t.gettext("peers' median {value}", value=value_text(t, line.name, line.median, currency)))
    if line.previous is not None:
        extras.append(t.gettext("before {value}", value=value_text(t, line.name, line.previous, currency)))
    return text + (f" ({' · '.join(extras)})" if extras else "")


def reason_text(t: Translator, f: Finding, currency: str, sources: frozenset[str] | None = None) -> str:
    """The finding's one reason in plain words, from its first piece of evidence; where a number the wording
    needs is withheld (a median in a small team), the KPI and its value alone."""
    e = f.evidence[0] if f.evidence else None
    if e is None:
        return t.gettext(f.focus)
    values = {"value": e.value, "median": e.median, "limit": e.limit, "own_average": e.own_average}
    needed = [k for k in values if "{" + k + "}" in f.reason]
    name = label(t, e.name, sources)
    if any(values[k] is None for k in needed):
        return f"{name} {value_text(t, e.name, e.value, currency)}"
    if e.name in ("tenure_days", "closed_deals"):
        return t.gettext(f.reason, value=t.number(e.value or 0))
    text = t.gettext(f.reason, kpi=name, **{k: value_text(t, e.name, values[k], currency) for k in needed})
    if e.name in SIZE_BASED and "{kpi}" not in f.reason and sources is not None and "potential_size" in sources:
        text += " " + t.gettext("(potential by account size)")
    return text


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}


def digest_message(t: Translator, digest: Digest, names: Mapping[int, str], *, currency: str, team: str,
                   min_deals: int, asks: AskCounts | None = None,
                   losses: Sequence[dict[str, Any]] = (), intel: Rollup | None = None,
                   complaints: dict[str, Any] | None = None) -> tuple[str, Blocks]:
    """One screen: three headline KPIs against last period, at most three people who need attention with the
    one reason that matters most, who to praise with a suggested recognition, the reps' asks for help and the
    company's field intel of the last seven days (when there were any), and the way to everything else."""
    title = t.gettext("Coaching digest for {team}, {period}", team=literal(team), period=digest.period.key)
    headline = "\n".join(_line(t, digest.line(name), currency, medians=False, sources=digest.sources)
                         for name in digest.headlines)
    blocks: Blocks = [{"type": "header", "text": {"type": "plain_text", "text": title[:150]}},
                      _section(t.ngettext("{n} rep", "{n} reps", len(digest.reps)) + "\n" + headline)]

    def who(person_id: int) -> str:
        return f"*{literal(names.get(person_id, '?'))}*"

    if digest.attention:
        lines = [f"• {who(d.person_id)}: {reason_text(t, d.attention[0], currency, digest.sources)}"
                 for d in digest.attention[:MAX_ATTENTION]]
        more = len(digest.attention) - MAX_ATTENTION
        if more > 0:
            lines.append(t.ngettext("and {n} more in the pack", "and {n} more in the pack", more))
        blocks.append(_section("*" + t.gettext("Needs attention") + "*\n" + "\n".join(lines)))
    if digest.praise:
        lines = []
        for d in digest.praise[:MAX_ATTENTION]:
            finding = d.praise[0]
            suggestion = f" ({t.gettext(finding.suggestion)})" if finding.suggestion else ""
            lines.append(f"• {who(d.person_id)}: {reason_text(t, finding, currency, digest.sources)}{suggestion}")
        blocks.append(_section("*" + t.gettext("Praise") + "*\n" + "\n".join(lines)))
    quiet = [*(d.person_id for d in digest.onboarding), *digest.too_little_data]
    if quiet:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": t.ngettext(
            "{n} rep onboarding or with too little data to judge",
            "{n} reps onboarding or with too little data to judge", len(quiet))}]})
    if asks is not None and asks.asked:
        hours = t.number(asks.median_hours, 1) if asks.median_hours is not None else "–"
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": t.ngettext(
            ":raising_hand: Asks for help in the last 7 days: {n} asked, {answered} answered, median time to answer "
            "{hours} h",
            ":raising_hand: Asks for help in the last 7 days: {n} asked, {answered} answered, median time to answer "
            "{hours} h", asks.asked, answered=t.number(asks.answered), hours=hours)}]})
    blocks.extend(losses)
    blocks += rollup_blocks(t, intel)  # the company's field intel of the last 7 days, when there was any
    if complaints is not None:  # bot.complaints.digest.digest_line: the reports' complaints
        blocks.append(complaints)
    blocks.append({"type": "actions", "block_id": "coach_pack", "elements": [
        {"type": "button", "action_id": ids.ACTION_COACH_PACK, "value": f"{digest.manager_id}:{digest.period.key}",
         "text": {"type": "plain_text", "text": t.gettext("Excel coaching pack")[:75]}}]})
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": t.gettext(
        "Everyone's figures, focus and one-on-one topics are in the pack; `/coach @rep` shows one rep. Each rep is "
        "compared with peers in the same role; no judgement on fewer than {n} closed deals.",
        n=t.number(min_deals))}]})
    return title, blocks


def rep_message(t: Translator, view: RepView, name: str, *, currency: str, own: bool) -> tuple[str, Blocks]:
    """One rep's numbers against peers in the same role and the period before, with the focus and topics."""
    title = (t.gettext("Your numbers, {period}", period=view.period.key) if own
             else t.gettext("{name}, {period}", name=literal(name), period=view.period.key))
    names = tuple(dict.fromkeys((*ROLE_KPIS[view.diagnosis.role], *REP_LINES)))
    lines = "\n".join(_line(t, view.line(n), currency, sources=view.sources) for n in names)
    blocks: Blocks = [{"type": "header", "text": {"type": "plain_text", "text": title[:150]}}, _section(lines)]
    d = view.diagnosis
    if d.status == "too_little_data":
        blocks.append(_section(t.gettext("Too little data this period to judge ({n} closed deals).",
                                         n=t.number(d.closed_deals))))
    for f in d.findings:
        heading = {"praise": t.gettext("Praise"), "onboarding": t.gettext("Onboarding")}.get(f.kind, t.gettext("Focus"))
        text = f"*{heading}*: {t.gettext(f.focus)} ({reason_text(t, f, currency, view.sources)})"
        if f.suggestion:
            text += "\n    " + t.gettext(f.suggestion)
        blocks.append(_section(text))
    blocks.append(_section("*" + t.gettext("One-on-one topics") + "*\n" + "\n".join(
        "• " + t.gettext(x) for x in view.topics)))
    return title, blocks


def glossary_message(t: Translator) -> tuple[str, Blocks]:
    """`/coach help`: how each figure is computed, one line per KPI, in the reader's language."""
    title = t.gettext("How each coaching figure is computed")
    lines = [f"*{t.gettext(KPI_LABELS[k.name])}*: {t.gettext(k.definition)}" for k in KPIS]
    lines += [t.gettext(POTENTIAL_NOTE), t.gettext(
        "A dash (–) means the data for the figure is missing, never zero. Better or worse compares with the "
        "period before, by each figure's own direction.")]
    sections, chunk = [], ""
    for line in lines:
        if len(chunk) + len(line) + 1 > 2900:
            sections.append(_section(chunk))
            chunk = ""
        chunk = f"{chunk}\n{line}" if chunk else line
    sections.append(_section(chunk))
    return title, [{"type": "header", "text": {"type": "plain_text", "text": title[:150]}}, *sections]
