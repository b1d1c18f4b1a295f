"""Block Kit for pulse surveys: the survey DM (with its answered state) and the manager's results DM."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot import ids
from bot.i18n import Translator
from bot.slack_text import literal
from bot.templates import render
from surveys.ports import Answers, RoundInfo
from surveys.questions import FOLLOW_UP_PREFIX, STARTER, Question, QuestionBank
from surveys.results import QuestionResult, RoundSummary
from surveys.trends import Trend, low_response

Blocks = list[dict[str, Any]]
INLINE_QUESTIONS = 3  # more than this and the DM opens a modal instead of rows of buttons


def _text(text: str, kind: str = "mrkdwn") -> dict[str, Any]:
    return {"type": kind, "text": text}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [_text(text)]}


def question_text(t: Translator, q: Question) -> str:
    """Built-in questions in the reader's language; an admin's own question as the admin wrote it."""
    return q.text if q.custom else t.gettext(q.text)


def option_label(t: Translator, q: Question, value: int | str | None) -> str:
    if isinstance(value, str):
        return value
    if q.kind == "choice" and value is not None and 0 <= value < len(q.options):
        return q.options[value]
    return t.number(value) if value is not None else ""


def inline(round_: RoundInfo, bank: QuestionBank) -> bool:
    """Up to three questions with buttons answer in the DM; longer surveys and written answers use a modal."""
    kinds = {q.kind for q in (bank.get(qid) for qid in round_.questions) if q is not None}
    return len(round_.questions) <= INLINE_QUESTIONS and "text" not in kinds


def survey_message(t: Translator, round_: RoundInfo, answers: Answers, *, closed: bool = False,
                   bank: QuestionBank = STARTER, intro: str | None = None) -> tuple[str, Blocks]:
    """The survey DM: up to three questions as rows of buttons; longer surveys open in a modal (its title from the
    admin's `intro` template when there is one: bot.templates)."""
    title = t.gettext("Pulse survey for {team}", team=literal(round_.team_name))
    if intro:
        title = render(intro, t, "survey", {"team": round_.team_name, "closes": t.when(round_.closes_at),
                                            "questions": len(round_.questions)}) or title
    blocks: Blocks = [
        {"type": "header", "text": _text(title[:150], "plain_text")},
        _context(t.gettext("Anonymous: your manager sees results only when enough people answer, "
                           "never who said what.")),
    ]
    buttons = inline(round_, bank)
    if not buttons:
        answered = sum(1 for qid in round_.questions if answers.get(qid) is not None)
        progress = t.gettext("{n} questions, about two minutes. You have answered {answered} of {n}.",
                             n=t.number(len(round_.questions)), answered=t.number(answered))
        section: dict[str, Any] = {"type": "section", "text": _text(progress)}
        if not closed:
            section["accessory"] = _button(t.gettext("Answer") if not answered else t.gettext("Change answers"),
                                           ids.ACTION_SURVEY_OPEN, str(round_.id), primary=not answered)
        blocks.append(section)
    for qid in round_.questions if buttons else ():
        q = bank.get(qid)
        if q is None:
            continue
        chosen = answers.get(qid)
        line = f"*{literal(question_text(t, q))}*"
        if chosen is not None:
            line += "\n" + t.gettext(":white_check_mark: Your answer: {value}",
                                     value=literal(option_label(t, q, chosen)))
        blocks.append({"type": "section", "block_id": f"q:{qid}", "text": _text(line)})
        if closed:
            continue
        blocks.append({"type": "actions", "block_id": f"a:{qid}", "elements": [
            _button(literal(option_label(t, q, v)), f"{ids.ACTION_SURVEY_ANSWER}:{qid}:{v}", f"{round_.id}:{qid}:{v}",
                    primary=chosen == v)
            for v in q.scale
        ]})
        if q.kind == "agreement":
            blocks.append(_context(t.gettext("1 = strongly disagree · 5 = strongly agree")))
        elif q.kind == "scale":
            blocks.append(_context(t.gettext("0 = not at all likely · 10 = extremely likely")))
    answered = sum(1 for qid in round_.questions if answers.get(qid) is not None)
    if closed:
        status = t.gettext("This round is closed. Thank you for taking part.")
    elif answered == len(round_.questions):
        status = t.gettext("Thank you, all answered. You can change an answer until {closes}.",
                           closes=t.when(round_.closes_at))
    else:
        status = t.gettext("Open until {closes}.", closes=t.when(round_.closes_at))
    blocks.append({"type": "divider"})
    footer: dict[str, Any] = {"type": "section", "text": _text(status)}
    if not closed and buttons:
        footer["accessory"] = _button(t.gettext("Add a comment"), ids.ACTION_SURVEY_COMMENT, str(round_.id))
    blocks.append(footer)
    return title, blocks


def reminder_message(t: Translator, round_: RoundInfo, number: int) -> tuple[str, Blocks]:
    """A gentle nudge; the survey itself stays in the first DM, where the buttons are."""
    if number == 1:
        text = t.gettext("A reminder: the pulse survey for {team} is waiting for you above. It takes about a "
                         "minute, and it closes {closes}.", team=literal(round_.team_name),
                         closes=t.when(round_.closes_at))
    else:
        text = t.gettext("Last reminder: the pulse survey for {team} closes {closes}. Your voice counts, and it "
                         "stays anonymous.", team=literal(round_.team_name), closes=t.when(round_.closes_at))
    return text, [{"type": "section", "text": _text(text)}]


def answers_view(t: Translator, round_: RoundInfo, answers: Answers, *,
                 bank: QuestionBank = STARTER) -> dict[str, Any]:
    """The modal for longer surveys: a select per scale or choice, a text box per written answer (prefilled
    with the person's own answers)."""
    blocks: Blocks = [_context(t.gettext("Anonymous: your manager sees results only when enough people answer, "
                                         "never who said what."))]
    for qid in round_.questions:
        q = bank.get(qid)
        if q is None:
            continue
        chosen = answers.get(qid)
        element = _text_element(chosen) if q.kind == "text" else _select(t, q, chosen)
        blocks.append({"type": "input", "block_id": f"q:{qid}", "optional": True,
                       "label": _text(literal(question_text(t, q))[:2000], "plain_text"), "element": element})
    blocks.append({"type": "input", "block_id": "comment", "optional": True,
                   "label": _text(t.gettext("Anything to add?"), "plain_text"),
                   "element": {"type": "plain_text_input", "action_id": "text", "multiline": True,
                               "max_length": 2000}})
    return {"type": "modal", "callback_id": ids.VIEW_SURVEY_ANSWERS, "private_metadata": str(round_.id),
            "title": _text(t.gettext("Pulse survey")[:24], "plain_text"),
            "submit": _text(t.gettext("Send")[:24], "plain_text"),
            "close": _text(t.gettext("Cancel")[:24], "plain_text"), "blocks": blocks}


def _select(t: Translator, q: Question, chosen: int | str | None) -> dict[str, Any]:
    if q.kind == "choice":
        labels = [option_label(t, q, v) for v in q.scale]
    else:
        low, high = (t.gettext("strongly disagree"), t.gettext("strongly agree")) if q.kind == "agreement" else (
            t.gettext("not at all likely"), t.gettext("extremely likely"))
        labels = [_scale_label(t, v, q.scale, low, high) for v in q.scale]
    options = [{"text": _text(literal(label)[:75], "plain_text"), "value": str(v)}
               for v, label in zip(q.scale, labels, strict=True)]
    element: dict[str, Any] = {"type": "static_select", "action_id": "value", "options": options,
                               "placeholder": _text(t.gettext("Choose"), "plain_text")}
    if isinstance(chosen, int) and chosen in q.scale:
        element["initial_option"] = options[list(q.scale).index(chosen)]
    return element


def _text_element(chosen: int | str | None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "action_id": "text", "multiline": True,
                               "max_length": 2000}
    if isinstance(chosen, str) and chosen:
        element["initial_value"] = chosen
    return element


def parse_answers(values: dict[str, Any]) -> tuple[dict[str, int | str], str]:
    """An answers_view submission as {question id: value or written answer} and the comment."""
    answers: dict[str, int | str] = {}
    for block_id, state in values.items():
        if not block_id.startswith("q:"):
            continue
        option = (state.get("value") or {}).get("selected_option")
        written = (state.get("text") or {}).get("value")
        if option:
            answers[block_id[2:]] = int(option["value"])
        elif written is not None and written.strip():
            answers[block_id[2:]] = written
    comment = ((values.get("comment") or {}).get("text") or {}).get("value") or ""
    return answers, comment


def _scale_label(t: Translator, value: int, scale: range, low: str, high: str) -> str:
    if value == scale[0]:
        return f"{t.number(value)} · {low}"
    if value == scale[-1]:
        return f"{t.number(value)} · {high}"
    return t.number(value)


def comment_view(t: Translator, round_id: int) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": ids.VIEW_SURVEY_COMMENT,
        "private_metadata": str(round_id),
        "title": _text(t.gettext("Comment")[:24], "plain_text"),
        "submit": _text(t.gettext("Send")[:24], "plain_text"),
        "close": _text(t.gettext("Cancel")[:24], "plain_text"),
        "blocks": [
            {"type": "input", "block_id": "comment", "label": _text(t.gettext("Anything to add?"), "plain_text"),
             "element": {"type": "plain_text_input", "action_id": "text", "multiline": True, "max_length": 2000}},
            _context(t.gettext("Comments are shown to your manager without your name, and only when enough "
                               "people answered.")),
        ],
    }


def results_message(t: Translator, team: str, summary: RoundSummary, trend: Trend | None = None, *,
                    bank: QuestionBank = STARTER) -> tuple[str, Blocks]:
    """The manager's results DM, built only from what the anonymity rules let through."""
    title = t.gettext("Pulse results for {team}", team=literal(team))
    rate = t.gettext("{answered} of {invited} people answered ({rate}).", answered=t.number(summary.respondents),
                     invited=t.number(summary.invited), rate=t.percent(summary.response_rate))
    change = trend.response_rate_change() if trend else None
    if change is not None:
        rate += " " + t.gettext("{arrow} {points} points since the last round.", arrow=_arrow(change),
                                points=t.signed(round(change * 100)))
    if low_response(summary.response_rate):
        rate += "\n" + t.gettext(":warning: Fewer than 60% answered: read these results with care, and ask the "
                                 "team what would make answering easier.")
    blocks: Blocks = [{"type": "header", "text": _text(title[:150], "plain_text")},
                      {"type": "section", "text": _text(rate)}]
    if summary.withheld:
        blocks.append({"type": "section", "text": _text(t.gettext(
            "Results are withheld: we show results only when at least {k} people answer, so that no one "
            "can be identified.", k=t.number(summary.threshold)))})
        return title, blocks
    for result in beside_their_theme(summary.questions, bank):
        q = bank.get(result.question_id)
        if q is None:
            continue
        label = f"*{literal(question_text(t, q))}*\n"
        blocks.append({"type": "section", "text": _text((label + _result_line(t, q, result, summary.threshold,
                                                                             trend))[:3000])})
    if summary.comments:
        quoted = "\n".join("> " + literal(c).replace("\n", "\n> ") for c in summary.comments)
        blocks.append({"type": "section", "text": _text((t.gettext("Comments") + "\n" + quoted)[:3000])})
    return title, blocks


def beside_their_theme(results: Sequence[QuestionResult], bank: QuestionBank) -> list[QuestionResult]:
    """The round's results in its order, a focus's follow-up question moved to just after its theme's questions."""
    def theme(result: QuestionResult) -> str | None:
        q = bank.get(result.question_id)
        return q.theme if q is not None else None

    follow_ups = [r for r in results if r.question_id.startswith(FOLLOW_UP_PREFIX)]
    ordered = [r for r in results if r not in follow_ups]
    for follow_up in follow_ups:
        after = [n for n, r in enumerate(ordered) if theme(r) == theme(follow_up)]
        ordered.insert(after[-1] + 1 if after else len(ordered), follow_up)
    return ordered


def _result_line(t: Translator, q: Question, result: QuestionResult, threshold: int, trend: Trend | None) -> str:
    if result.enps is not None:
        e = result.enps
        line = t.gettext("eNPS {score} (promoters {p} · passives {s} · detractors {d})", score=t.signed(e.score),
                         p=t.number(e.promoters), s=t.number(e.passives), d=t.number(e.detractors))
        enps_change = trend.enps_change() if trend else None
        if enps_change is not None:
            line += " " + t.gettext("{arrow} {change} since the last round", arrow=_arrow(enps_change),
                                    change=t.signed(enps_change))
        return line
    if result.texts:
        return "\n".join("> " + literal(text).replace("\n", "\n> ") for text in result.texts)
    if result.distribution and q.kind == "choice":
        return "\n".join(t.gettext("{option}: {n} ({share})", option=literal(option_label(t, q, value)),
                                    n=t.number(n), share=t.percent(n / result.answers))
                         for value, n in result.distribution)
    if result.average is not None:
        line = t.gettext("Average {average} of {top} ({n} answers)", average=t.number(result.average, 1),
                         top=t.number(q.scale[-1]), n=t.number(result.answers))
        spread = " · ".join(f"{t.number(value)}: {t.number(n)}" for value, n in reversed(result.distribution))
        return line + (f"\n{spread}" if spread else "")
    return t.gettext("Withheld: fewer than {k} answers.", k=t.number(threshold))


def team_summary_message(t: Translator, team: str, summary: RoundSummary, *,
                         bank: QuestionBank = STARTER) -> tuple[str, Blocks]:
    """What the whole team sees when its manager shares results: the same figures, without comments or
    written answers."""
    questions = tuple(r for r in summary.questions if r.kind != "text")
    shared = RoundSummary(summary.invited, summary.respondents, summary.threshold, questions, ())
    text, blocks = results_message(t, team, shared, bank=bank)
    blocks.append(_context(t.gettext("Shared with the team. Answers are anonymous; figures from fewer than {k} "
                                     "people are never shown.", k=t.number(summary.threshold))))
    return text, blocks


def _arrow(change: float) -> str:
    return "▲" if change > 0 else "▼" if change < 0 else "▶"


def _button(text: str, action_id: str, value: str, *, primary: bool = False) -> dict[str, Any]:
    button: dict[str, Any] = {"type": "button", "text": _text(text[:75], "plain_text"), "action_id": action_id,
                              "value": value}
    if primary:
        button["style"] = "primary"
    return button
