"""Block Kit for `/pulse list|results` and `/enps`: replies only the asker sees."""

from __future__ import annotations

from bot.i18n import Translator
from bot.slack_text import literal
from bot.surveys.admin import TeamHistory
from bot.surveys.focus_views import choose_button
from bot.surveys.messages import Blocks, results_message
from bot.surveys.pulse_views import CADENCE_NAMES, WEEKDAY_NAMES
from bot.surveys.rollup_views import organisation_line
from surveys.ports import Plan
from surveys.trends import RollupResult, RoundPoint, Trend


def _section(text: str) -> dict[str, object]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}


def help_text(t: Translator) -> str:
    return t.gettext("*/pulse* opens a new survey · */pulse list* · */pulse pause ID* · */pulse resume ID* · "
                     "*/pulse close ID* closes the open round now · */pulse results [team]* · */enps [team]*")


def survey_list(t: Translator, plans: list[Plan]) -> tuple[str, Blocks]:
    if not plans:
        text = t.gettext("No surveys yet. Type /pulse to create one.")
        return text, [_section(text)]
    lines = []
    for p in plans:
        state = t.gettext("active") if p.active else t.gettext("paused")
        lines.append(t.gettext("#{id} {team}: {cadence}, {day} {time} · {count} questions · {state}",
                               id=p.id, team=literal(p.team_name), cadence=t.gettext(CADENCE_NAMES[p.cadence]),
                               day=t.gettext(WEEKDAY_NAMES[p.weekday]), time=p.send_time,
                               count=t.number(len(p.questions)), state=state))
    text = "\n".join(lines)
    return text, [_section(text)]


def latest_results(t: Translator, history: TeamHistory) -> tuple[str, Blocks]:
    """The latest closed round of a team, with the trend, as the manager's results DM shows it."""
    if not history.rounds:
        text = t.gettext("No closed rounds yet for {team}.", team=literal(history.team))
        return text, [_section(text)]
    day, summary = history.rounds[-1]
    trend = Trend.of(RoundPoint.of_round(d, s) for d, s in history.rounds)
    text, blocks = results_message(t, history.team, summary, trend, bank=history.bank)
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": t.date(day)}]})
    if history.latest_round is not None and not summary.withheld:
        blocks.append(choose_button(t, history.latest_round))
    return text, blocks


def enps_trends(t: Translator, histories: list[TeamHistory],
                organisation: RollupResult | None = None) -> tuple[str, Blocks]:
    """eNPS per team and round, each round's own score and split; withheld rounds say so."""
    blocks: Blocks = [{"type": "header", "text": {"type": "plain_text", "text": t.gettext("eNPS trend")}}]
    if organisation is not None:
        blocks.append(_section(organisation_line(t, organisation)))
    for history in histories:
        lines = [f"*{literal(history.team)}*"]
        for day, summary in history.rounds:
            enps = next((q.enps for q in summary.questions if q.enps is not None), None)
            if enps is None:
                lines.append(t.gettext("{date}: withheld (fewer than {k} answers)", date=t.date(day),
                                       k=t.number(summary.threshold)))
            else:
                lines.append(t.gettext("{date}: {score} (promoters {p} · passives {s} · detractors {d})",
                                       date=t.date(day), score=t.signed(enps.score), p=t.number(enps.promoters),
                                       s=t.number(enps.passives), d=t.number(enps.detractors)))
        if not history.rounds:
            lines.append(t.gettext("No closed rounds yet."))
        blocks.append(_section("\n".join(lines)))
    text = t.gettext("eNPS trend")
    return text, blocks[:50]
