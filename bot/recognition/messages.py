"""Block Kit for recognition posts: a won deal, a quota milestone, a kudos (channel post and the receiver's DM),
the weekly shout-out and the manager's private note of who nobody thanked lately, each in the channel's (or
reader's) language with Babel's money, numbers and dates."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any

from bot.i18n import DEFAULT, SUPPORTED, Translator
from bot.slack_text import literal
from bot.templates import Mention, render
from coaching.recognition.kudos import Kudos
from coaching.recognition.quiet import QuietNote
from coaching.recognition.records import Colleague
from coaching.recognition.shout_outs import BoardRow, ShoutOut, StepUpRow
from coaching.recognition.wins import Milestone, Win

Blocks = list[dict[str, Any]]
LISTED = 10  # wins or kudos listed in a shout-out; the rest are counted
QUOTED = 200  # characters of a kudos message quoted in a shout-out
_MENTIONED = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


def translator_for(locale: str | None, tz: str | None = None) -> Translator:
    """The reader's language for text, and their locale for money, numbers and dates even before that language
    has a catalog (Translator.for_person would format those the English way until then)."""
    code = (locale or "").replace("_", "-").split("-")[0].lower()
    return Translator(code if code in SUPPORTED else DEFAULT, tz or "UTC")


def mention(person: Colleague) -> str:
    """<@U…> when the person is linked to Slack, else their name."""
    return f"<@{person.slack_id}>" if person.slack_id else f"*{literal(person.name)}*"


def mentioned(kudos: Iterable[Kudos]) -> set[str]:
    """The Slack ids kudos messages name, so that the caller can look up their names in the roster."""
    return {found for k in kudos for found in _MENTIONED.findall(k.message)}


def kudos_text(kudos: Kudos, names: Mapping[str, str], *, mentions: bool = True, limit: int | None = None) -> str:
    """What the giver wrote, shown as written (bot.slack_text.literal): its giver and receivers stay mentions
    (their names when `mentions` is False), anyone else it names shows by roster name (`names`, by Slack id)."""
    message = kudos.message
    if limit is not None and len(message) > limit:
        message = message[:limit - 1].rstrip() + "…"
    people = {slack_id: f"*{literal(name)}*" for slack_id, name in names.items()}
    people.update({p.slack_id: f"<@{p.slack_id}>" if mentions else f"*{literal(p.name)}*"
                   for p in (kudos.giver, *kudos.receivers) if p.slack_id})
    return literal(message, escaped=True, people=people)


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:3000]}]}


def amount_text(t: Translator, win: Win, currency: str) -> str | None:
    """The won amount in the deployment's (or the win's own) currency, formatted for the reader's locale."""
    return None if win.amount is None else t.money(win.amount, win.currency or currency)


def _names(t: Translator, people: Sequence[Colleague], *, link: bool = True) -> str:
    shown = [mention(p) if link else f"*{literal(p.name)}*" for p in people]
    return shown[0] if len(shown) == 1 else t.gettext("{names} and {last}", names=", ".join(shown[:-1]),
                                                      last=shown[-1])


def win_message(t: Translator, win: Win, *, currency: str, template: str | None = None) -> tuple[str, Blocks]:
    """A won deal: the rep, the account, the amount and the cycle days; a logged win says it was logged (the first
    line from the admin's `template` when there is one: bot.templates)."""
    account = f"*{literal(win.account)}*" if win.account else t.gettext("a deal")
    amount = amount_text(t, win, currency)
    if win.source == "logged":
        text = t.gettext("{rep} logged a win: {account}", rep=mention(win.rep), account=account)
    else:
        text = t.gettext("{rep} won {account}", rep=mention(win.rep), account=account)
    details = [amount] if amount else []
    if win.cycle_days is not None:
        details.append(t.ngettext("closed in {n} day", "closed in {n} days", win.cycle_days))
    line = ":trophy: " + text + (" — " + " · ".join(details) if details else "")
    if template:
        line = render(template, t, "win", {"rep": Mention(mention(win.rep)), "rep_name": win.rep.name,
                                           "account": win.account or "", "amount": amount or "",
                                           "days": win.cycle_days, "logged": win.source == "logged"}) or line
    blocks: Blocks = [_section(line)]
    if win.notes:
        blocks.append(_section(">" + literal(win.notes).replace("\n", "\n>")))
    if win.source == "logged":
        blocks.append(_context(t.gettext("Logged by {rep} with /win on {day}; not counted toward quota.",
                                         rep=mention(win.logged_by or win.rep), day=t.date(win.occurred_on))))
    else:
        blocks.append(_context(t.gettext("Closed on {day}, from the CRM.", day=t.date(win.occurred_on))))
    return t.gettext("{rep} won {account}", rep=literal(win.rep.name),
                     account=literal(win.account) if win.account else t.gettext("a deal")), blocks


def milestone_message(t: Translator, milestone: Milestone, *, currency: str,
                      template: str | None = None) -> tuple[str, Blocks]:
    """Quota attainment past 100% in a month or quarter, with the figures."""
    period = milestone.period.key
    line = t.gettext(":dart: {rep} passed 100% of quota for {period}: {won} of {quota} ({share}).",
                     rep=mention(milestone.rep), period=period, won=t.money(milestone.won, currency),
                     quota=t.money(milestone.quota, currency), share=t.percent(milestone.attainment))
    if template:
        line = render(template, t, "milestone", {
            "rep": Mention(mention(milestone.rep)), "rep_name": milestone.rep.name, "period": period,
            "won": t.money(milestone.won, currency), "quota": t.money(milestone.quota, currency),
            "share": t.percent(milestone.attainment)}) or line
    return (t.gettext("{rep} passed 100% of quota for {period}", rep=literal(milestone.rep.name), period=period),
            [_section(line)])


def kudos_message(t: Translator, kudos: Kudos, *, description: str | None = None,
                  names: Mapping[str, str] | None = None) -> tuple[str, Blocks]:
    """The post in the team's recognition channel: giver, receivers, the value and the message (`names`: roster
    names of other people the message names, by Slack id)."""
    line = t.gettext(":clap: {giver} gave kudos to {receivers}", giver=mention(kudos.giver),
                     receivers=_names(t, kudos.receivers))
    if kudos.value:
        line += f" · *#{kudos.value}*"
    blocks: Blocks = [_section(line + "\n>" + kudos_text(kudos, names or {}).replace("\n", "\n>"))]
    if kudos.value and description:
        blocks.append(_context(f"#{kudos.value}: {literal(t.gettext(description))}"))
    text = t.gettext("{giver} gave kudos to {receivers}", giver=literal(kudos.giver.name),
                     receivers=", ".join(literal(r.name) for r in kudos.receivers))
    return text, blocks


def kudos_dm(t: Translator, kudos: Kudos, receiver: Colleague,
             names: Mapping[str, str] | None = None) -> tuple[str, Blocks]:
    """What a receiver gets in their DM (naming whoever else the kudos thanked)."""
    line = t.gettext(":sparkles: {giver} gave you kudos", giver=mention(kudos.giver))
    if kudos.value:
        line += f" · *#{kudos.value}*"
    blocks: Blocks = [_section(line + "\n>" + kudos_text(kudos, names or {}).replace("\n", "\n>"))]
    others = [r for r in kudos.receivers if r.person_id != receiver.person_id]
    if others:
        blocks.append(_context(t.gettext("Together with {names}.", names=_names(t, others))))
    return t.gettext("{giver} gave you kudos", giver=literal(kudos.giver.name)), blocks


def shout_out_message(t: Translator, shout_out: ShoutOut, *, currency: str, names: Mapping[str, str] | None = None,
                      template: str | None = None) -> tuple[str, Blocks]:
    """The week's wins and kudos and congratulations on three boards (most thanked by colleagues, most deals won,
    biggest step up); names rather than mentions, so the post itself pings nobody. Who went without kudos is not
    in it: quiet_note_message tells the manager alone."""
    title = t.gettext("Shout-outs for {team}, week of {day}", team=literal(shout_out.team.name),
                      day=t.date(shout_out.week.start))
    if template:
        title = render(template, t, "shout-out", {"team": shout_out.team.name, "week": t.date(shout_out.week.start),
                                                  "wins": len(shout_out.wins), "kudos": len(shout_out.kudos)}) or title
    blocks: Blocks = [{"type": "header", "text": {"type": "plain_text", "text": title[:150]}}]
    if shout_out.wins:
        lines = [f"• {_win_line(t, w, currency)}" for w in shout_out.wins[:LISTED]]
        lines += _more(t, len(shout_out.wins))
        blocks.append(_section("*" + t.ngettext("{n} win", "{n} wins", len(shout_out.wins)) + "*\n"
                               + "\n".join(lines)))
    if shout_out.kudos:
        lines = [f"• {_kudos_line(t, k, names or {})}" for k in shout_out.kudos[:LISTED]]
        lines += _more(t, len(shout_out.kudos))
        blocks.append(_section("*" + t.ngettext("{n} kudos", "{n} kudos", len(shout_out.kudos)) + "*\n"
                               + "\n".join(lines)))
    cheers = []
    if shout_out.kudos_board:
        cheers.append(t.gettext("Most thanked by colleagues: {board}", board=_board(t, shout_out.kudos_board)))
    if shout_out.win_board:
        cheers.append(t.gettext("Most deals won: {board}", board=_board(t, shout_out.win_board)))
    if shout_out.step_up_board:
        cheers.append(t.gettext("Biggest step up: {board}", board=_step_ups(t, shout_out.step_up_board)))
    if cheers:
        blocks.append(_section(":tada: *" + t.gettext("Congratulations!") + "*\n" + "\n".join(cheers)))
    return title, blocks


def quiet_note_message(t: Translator, note: QuietNote) -> tuple[str, Blocks]:
    """The manager's direct message: who on their team nobody has thanked lately, as a gentle suggestion, and that
    only they see it (names, not mentions: nobody is pinged about it)."""
    line = t.ngettext(
        "*{team}*: nobody has thanked {names} in {n} day. A word from you, or a nudge to the team, could help.",
        "*{team}*: nobody has thanked {names} in {n} days. A word from you, or a nudge to the team, could help.",
        note.quiet_days, team=literal(note.team.name), names=_names(t, note.people, link=False))
    blocks: Blocks = [_section(":seedling: " + line), _context(t.gettext(
        "Only you get this note. The team's shout-out never names anyone who went without kudos."))]
    text = t.ngettext("Nobody has thanked {names} in {n} day", "Nobody has thanked {names} in {n} days",
                      note.quiet_days, names=", ".join(literal(p.name) for p in note.people))
    return text, blocks


def _win_line(t: Translator, win: Win, currency: str) -> str:
    amount = amount_text(t, win, currency)
    line = f"*{literal(win.rep.name)}*: {literal(win.account) if win.account else t.gettext('a deal')}"
    line += f" — {amount}" if amount else ""
    logged = t.gettext("logged")
    return line + (f" ({logged})" if win.source == "logged" else "")


def _kudos_line(t: Translator, kudos: Kudos, names: Mapping[str, str]) -> str:
    message = kudos_text(kudos, names, mentions=False, limit=QUOTED)
    value = f" #{kudos.value}" if kudos.value else ""
    return t.gettext("{giver} to {receivers}{value}: {text}", giver=f"*{literal(kudos.giver.name)}*",
                     receivers=_names(t, kudos.receivers, link=False), value=value, text=message)


def _board(t: Translator, rows: Sequence[BoardRow]) -> str:
    return ", ".join(f"*{literal(r.person.name)}* ({t.number(r.count)})" for r in rows)


def _step_ups(t: Translator, rows: Sequence[StepUpRow]) -> str:
    return ", ".join(t.gettext("{name} ({won}, up from {average} a week)", name=f"*{literal(r.person.name)}*",
                               won=t.number(r.won), average=_average(t, r.average)) for r in rows)


def _average(t: Translator, value: Fraction) -> str:
    return t.number(int(value)) if value.denominator == 1 else t.number(float(value), digits=1)


def _more(t: Translator, count: int) -> list[str]:
    return [t.gettext("…and {n} more", n=t.number(count - LISTED))] if count > LISTED else []
