"""Block Kit for the manager's one-on-one prep: KPI changes, follow-ups, recognition, team sentiment and focus."""

from __future__ import annotations

from bot.coaching.views import KPI_LABELS, trend_text, value_text
from bot.i18n import Translator
from bot.slack_text import literal
from bot.surveys.focus_views import theme_label
from bot.surveys.messages import Blocks
from coaching.one_on_ones.prep import KpiChange, Prep
from coaching.performance.kpis import trend_of


def _change(t: Translator, c: KpiChange, currency: str) -> str:
    """Before → now, with the one trend marker every coaching surface uses (better or worse for this KPI)."""
    before, now = value_text(t, c.name, c.before, currency), value_text(t, c.name, c.now, currency)
    marker = trend_text(t, trend_of(c.name, c.now, c.before).verdict)
    return f"{t.gettext(KPI_LABELS.get(c.name, c.name))}: {before} → *{now}*" + (f" {marker}" if marker else "")


def _sentiment(t: Translator, prep: Prep) -> str:
    kind = getattr(prep, "sentiment", "enps" if prep.team_sentiment is not None else "withheld")
    on = getattr(prep, "sentiment_on", None)
    when = t.date(on) if on else ""
    if kind == "enps" and prep.team_sentiment is not None:
        return t.gettext("Team sentiment: eNPS {score} (survey of {day})", score=t.signed(round(prep.team_sentiment)),
                         day=when)
    if kind == "engagement" and prep.team_sentiment is not None:
        return t.gettext("Team sentiment: engagement {score} of 5 (survey of {day})",
                         score=t.number(prep.team_sentiment, 1), day=when)
    if kind == "none":
        return t.gettext("Team sentiment: no closed survey round yet")
    return t.gettext("Team sentiment: withheld, fewer than {k} people answered the latest survey",
                     k=t.number(getattr(prep, "threshold", 5)))


def prep_blocks(t: Translator, prep: Prep, *, currency: str) -> Blocks:
    """For the manager only: what changed for the rep since the last one-on-one."""
    since = (t.gettext("since your last one-on-one on {day}", day=t.date(prep.since)) if prep.since
             else t.gettext("no one-on-one held yet"))
    weeks = getattr(prep, "weeks", ("", ""))
    lines = [t.gettext("Week {now} against week {before}:", now=weeks[1], before=weeks[0])] if weeks[0] else []
    lines += ["• " + _change(t, c, currency) for c in prep.kpi_changes if c.before or c.now]  # not 0 → 0
    lines.append(t.ngettext("{n} open deal needs a follow-up", "{n} open deals need a follow-up", prep.stale_deals))
    lines.append(t.gettext("Wins: {wins} · kudos received: {kudos}", wins=t.number(prep.recent_wins),
                           kudos=t.number(prep.recent_kudos)))
    if prep.days_since_recognised is None:
        lines.append(t.gettext("Not recognised yet, as far as wins and kudos show"))
    else:
        lines.append(t.ngettext("Last recognised {n} day ago", "Last recognised {n} days ago",
                                prep.days_since_recognised))
    lines.append(_sentiment(t, prep))
    focus = getattr(prep, "focus", None)
    if focus is not None:
        lines.append(t.gettext("Team focus: {theme}: {action}, by {day}", theme=theme_label(t, focus.theme),
                               action=literal(focus.action), day=t.date(focus.due)))
    head = "*" + t.gettext("Your prep (only you see this)") + f"*, {since}"
    return [{"type": "divider"},
            {"type": "section", "block_id": "prep", "text": {"type": "mrkdwn", "text": (head + "\n" +
                                                                                         "\n".join(lines))[:3000]}}]
