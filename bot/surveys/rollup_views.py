"""Block Kit for the organisation roll-up admins get when a round closes, and its line in `/enps`."""

from __future__ import annotations

from bot.i18n import Translator
from bot.slack_text import literal
from bot.surveys.messages import Blocks
from surveys.trends import RollupResult


def rollup_message(t: Translator, result: RollupResult, *, closed_team: str) -> tuple[str, Blocks]:
    """The organisation's eNPS and response rate, each team that may be shown, and which are withheld."""
    title = t.gettext("Organisation pulse: {team} just closed a round", team=literal(closed_team))
    lines = [organisation_line(t, result)]
    for team, summary in result.teams.items():
        enps = next((q.enps for q in summary.questions if q.enps is not None), None)
        if enps is not None:
            lines.append(t.gettext("{team}: eNPS {score} · {answered} of {invited} answered", team=literal(team),
                                   score=t.signed(enps.score), answered=t.number(summary.respondents),
                                   invited=t.number(summary.invited)))
    if result.withheld:
        lines.append(t.gettext("Withheld, so that no small group can be singled out: {teams}",
                               teams=", ".join(literal(team) for team in result.withheld)))
    return title, [{"type": "header", "text": {"type": "plain_text", "text": title[:150]}},
                   {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)[:3000]}}]


def organisation_line(t: Translator, result: RollupResult) -> str:
    head = "*" + t.gettext("Organisation, latest round of each team") + "*\n"
    enps = None
    if result.organisation is not None:
        enps = next((q.enps for q in result.organisation.questions if q.enps is not None), None)
    if enps is None:
        return head + t.gettext("Withheld: too few answers across the organisation.")
    return head + t.gettext("eNPS {score} (promoters {p} · passives {s} · detractors {d}) · {answered} of {invited} "
                            "answered", score=t.signed(enps.score), p=t.number(enps.promoters),
                            s=t.number(enps.passives), d=t.number(enps.detractors),
                            answered=t.number(result.respondents), invited=t.number(result.invited))

