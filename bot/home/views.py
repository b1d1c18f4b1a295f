"""Block Kit for App Home: a rep's, a manager's or an admin's dashboard, at most 100 blocks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot import ids
from bot.coaching.views import value_text
from bot.followups.account_views import account_blocks
from bot.followups.views import DealAction, deal_title, help_button, reason_text
from bot.i18n import Translator
from bot.recognition.messages import kudos_text
from bot.recognition.views import kudos_button
from bot.slack_text import literal
from bot.surveys.focus_views import home_lines
from bot.surveys.messages import Blocks

if TYPE_CHECKING:
    from bot.home.data import HomeData
    from coaching.followups.rules import Followup

MAX_BLOCKS = 100
NUMBERS = ("revenue_won", "quota_attainment", "win_rate", "open_pipeline", "activities")
SNAPSHOT = ("revenue_won", "win_rate", "quota_attainment", "pipeline_coverage", "activities")


def _section(text: str, accessory: dict[str, Any] | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}
    if accessory:
        block["accessory"] = accessory
    return block


def _header(text: str) -> dict[str, Any]:
    return {"type": "header", "text": {"type": "plain_text", "text": text[:150]}}


def _button(text: str, action_id: str, value: str = "home") -> dict[str, Any]:
    return {"type": "button", "action_id": action_id, "value": value,
            "text": {"type": "plain_text", "text": text[:75]}}


def home_view(t: Translator, data: HomeData, *, currency: str) -> dict[str, Any]:
    blocks: Blocks = [_section(t.gettext("*salescoach* runs your team's pulse surveys, follow-up nudges, "
                                         "recognition and coaching digests."),
                               _language_menu(t, data.language) if data.member is not None else None)]
    if data.member is None:
        blocks.append(_section(t.gettext("You are not in the roster yet. Ask your admin to add you.")))
        return {"type": "home", "blocks": blocks}
    blocks += _surveys(t, data) + _followups(t, data, currency) + _numbers(t, data, currency) + _kudos(t, data)
    if data.snapshot is not None:
        blocks += _snapshot(t, data, currency) + _results(t, data) + home_lines(t, data.focuses)
    blocks += _one_on_ones(t, data)
    if data.health is not None:
        blocks += _health(t, data)
    return {"type": "home", "blocks": blocks[:MAX_BLOCKS]}


LANGUAGE_NAMES = {"en": "English", "ms": "Bahasa Melayu", "zh": "中文", "lt": "Lietuvių", "fa": "فارسی"}


def _language_menu(t: Translator, chosen: str | None) -> dict[str, Any]:
    """The person's language: their own choice, or Slack's (the default)."""
    options = [{"text": {"type": "plain_text", "text": t.gettext("Slack's language")[:75]}, "value": "auto"}]
    options += [{"text": {"type": "plain_text", "text": name}, "value": code} for code, name in LANGUAGE_NAMES.items()]
    menu: dict[str, Any] = {"type": "static_select", "action_id": ids.ACTION_LANGUAGE, "options": options,
                            "placeholder": {"type": "plain_text", "text": t.gettext("Language")[:150]}}
    menu["initial_option"] = next(o for o in options if o["value"] == (chosen or "auto"))
    return menu


def _surveys(t: Translator, data: HomeData) -> Blocks:
    blocks: Blocks = [_header(t.gettext("My open surveys"))]
    if not data.open_rounds:
        return [*blocks, _section(t.gettext("No survey is waiting for you."))]
    for round_, answered in data.open_rounds[:5]:
        line = t.gettext("Pulse survey for {team}", team=literal(round_.team_name)) + " · " + t.gettext(
            "Open until {closes}.", closes=t.when(round_.closes_at))
        label = t.gettext("Change answers") if answered else t.gettext("Answer")
        blocks.append(_section(line, _button(label, ids.ACTION_SURVEY_OPEN, str(round_.id))))
    return blocks


def _followups(t: Translator, data: HomeData, currency: str) -> Blocks:
    blocks: Blocks = [_header(t.gettext("My follow-ups"))]
    key = f"home:{data.member.slack_id if data.member else ''}"
    accounts = account_blocks(t, key, data.accounts, 0) if data.accounts else []
    if not data.followups:
        return [*blocks, _section(t.gettext("No deal needs a follow-up today.")), *accounts]
    by_deal: dict[int, list[Followup]] = {}
    for f in data.followups:
        by_deal.setdefault(f.deal.deal_id, []).append(f)
    for deal_id, found in by_deal.items():
        deal, rules = found[0].deal, tuple(f.rule for f in found)
        action = DealAction(key, deal_id, rules)
        reasons = "\n".join("• " + reason_text(t, f) for f in found)
        blocks.append(_section(f"{deal_title(t, deal, currency)}\n{reasons}"))
        blocks.append({"type": "actions", "block_id": f"deal-actions:{deal_id}", "elements": [
            _button(t.gettext("Done"), f"{ids.ACTION_NUDGE}:done:{deal_id}", action.value),
            {"type": "static_select", "action_id": f"{ids.ACTION_NUDGE}:snooze:{deal_id}",
             "placeholder": {"type": "plain_text", "text": t.gettext("Snooze")[:150]},
             "options": [{"text": {"type": "plain_text", "text": t.ngettext("{n} day", "{n} days", days)[:75]},
                          "value": DealAction(key, deal_id, rules, days).value} for days in (1, 3, 7)]},
            _button(t.gettext("Not relevant"), f"{ids.ACTION_NUDGE}:mute:{deal_id}", action.value),
            help_button(t, deal_id)]})
    return blocks + accounts


def _numbers(t: Translator, data: HomeData, currency: str) -> Blocks:
    if data.numbers is None:
        return []
    lines = [f"{t.gettext(_label(name))}: *{value_text(t, name, data.numbers.line(name).value, currency)}*"
             for name in NUMBERS]
    return [_header(t.gettext("My numbers this month")), _section("\n".join(lines))]


def _kudos(t: Translator, data: HomeData) -> Blocks:
    blocks: Blocks = [_header(t.gettext("My recent kudos"))]
    received = data.kudos.received if data.kudos else ()
    if received:
        blocks.append(_section("\n".join(f"• *{literal(k.giver.name)}*: {kudos_text(k, data.kudos_names, limit=200)}"
                                         for k in received)))
    else:
        blocks.append(_section(t.gettext("No kudos yet this season. Recognition is a two-way street!")))
    blocks.append({"type": "actions", "block_id": "home-recognition", "elements": [
        kudos_button(t)["elements"][0],
        _button(t.gettext("Log a win"), ids.ACTION_WIN_OPEN)]})
    return blocks


def _snapshot(t: Translator, data: HomeData, currency: str) -> Blocks:
    digest = data.snapshot
    assert digest is not None
    lines = [f"{t.gettext(_label(n))}: *{value_text(t, n, digest.line(n).value, currency)}*" for n in SNAPSHOT]
    blocks = [_header(t.gettext("My team this month")), _section("\n".join(lines))]
    attention = [f"• *{literal(data.names.get(d.person_id, '?'))}*: "
                 + "; ".join(t.gettext(f.focus) for f in d.attention) for d in digest.attention[:6]]
    if attention:
        blocks.append(_section("*" + t.gettext("Needs attention") + "*\n" + "\n".join(attention)))
    return blocks


def _results(t: Translator, data: HomeData) -> Blocks:
    blocks: Blocks = [_header(t.gettext("Survey results"))]
    if not data.results:
        return [*blocks, _section(t.gettext("No closed rounds yet."))]
    for team, day, summary in data.results:
        line = f"*{literal(team)}* · {t.date(day)} · " + t.gettext(
            "{answered} of {invited} people answered ({rate}).", answered=t.number(summary.respondents),
            invited=t.number(summary.invited), rate=t.percent(summary.response_rate))
        enps = next((q.enps for q in summary.questions if q.enps is not None), None)
        if summary.withheld:
            line += "\n" + t.gettext("Withheld: fewer than {k} answers.", k=t.number(summary.threshold))
        elif enps is not None:
            line += "\n" + t.gettext("eNPS {score} (promoters {p} · passives {s} · detractors {d})",
                                     score=t.signed(enps.score), p=t.number(enps.promoters),
                                     s=t.number(enps.passives), d=t.number(enps.detractors))
        blocks.append(_section(line))
    return blocks


def _one_on_ones(t: Translator, data: HomeData) -> Blocks:
    if not data.one_on_ones:
        return []
    from bot.one_on_ones.views import pairs_blocks

    viewer = data.member.person_id if data.member else 0
    agendas = {pair.id: agenda for pair, agenda in data.one_on_ones}
    return [_header(t.gettext("Upcoming one-on-ones")),
            *pairs_blocks(t, viewer, [p for p, _ in data.one_on_ones], agendas, data.names)]


def _health(t: Translator, data: HomeData) -> Blocks:
    h = data.health
    assert h is not None
    lines = [t.gettext("People in the roster: {n}", n=t.number(h.people)),
             t.gettext("Not matched to a Slack user: {n}", n=t.number(h.unmatched))]
    if h.teams_without_channel:
        lines.append(t.gettext("Teams without a channel: {teams}",
                               teams=", ".join(literal(x) for x in h.teams_without_channel)))
    if h.last_import is None:
        lines.append(t.gettext("No import yet."))
    else:
        kind, filename, when, rows, errors = h.last_import
        lines.append(t.gettext("Last import: {kind} {file}, {when}, {rows} rows", kind=kind,
                               file=literal(filename.rsplit("/", 1)[-1]), when=t.when(when), rows=t.number(rows)))
        lines += ["> " + literal(e)[:300] for e in errors]
    lines.append(t.gettext("Outbox: {pending} waiting, {sent} sent, {failed} failed",
                           pending=t.number(h.outbox.get("pending", 0)), sent=t.number(h.outbox.get("sent", 0)),
                           failed=t.number(h.outbox.get("failed", 0))))
    jobs = " · ".join(f"{name} {t.when(at)}" for name, at, _ in data.jobs if at is not None)
    lines.append(t.gettext("Scheduled jobs, next runs: {jobs}", jobs=jobs))
    return [_header(t.gettext("Setup health")), _section("\n".join(lines)),
            {"type": "actions", "block_id": "home-admin", "elements": [
                _button(t.gettext("New pulse survey"), ids.ACTION_PULSE_NEW)]}]


def _label(name: str) -> str:
    from bot.coaching.views import KPI_LABELS

    return KPI_LABELS.get(name, name)
