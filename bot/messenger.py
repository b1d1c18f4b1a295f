"""The Messenger port over the outbox: renders each domain message for its reader and enqueues it once."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from bot.charts import ChartPoint, trend_chart
from bot.i18n import Translator
from bot.slack_text import literal
from bot.surveys.focus_views import choose_button
from bot.surveys.messages import reminder_message, results_message, survey_message, team_summary_message
from bot.surveys.rollup_views import rollup_message
from storage.outbox import Outbox, Queued
from surveys.ports import Answers, Member, RoundInfo
from surveys.questions import STARTER, QuestionBank
from surveys.results import RoundSummary
from surveys.trends import RollupResult, RoundPoint, Trend


def survey_key(round_id: int, person_id: int) -> str:
    return f"survey:{round_id}:{person_id}"


class OutboxMessenger:
    """Implements surveys.ports.Messenger: every message is an outbox row under a stable idempotency key."""

    def __init__(self, outbox: Outbox, *, now: datetime, bank: Callable[[], QuestionBank] = lambda: STARTER,
                 templates: Callable[[str, str], str | None] = lambda name, language: None) -> None:
        """`templates(name, language)`: an admin's announcement template (bot.templates), None for the built-in."""
        self.outbox, self.now, self._bank, self.template = outbox, now, bank, templates
        self.enqueued: list[str] = []
        self._surveys: dict[tuple[int, str | None, str | None], tuple[str, list[dict[str, Any]]]] = {}

    @property
    def bank(self) -> QuestionBank:
        return self._bank()

    def _enqueue(self, key: str, method: str, payload: dict[str, Any], edits_key: str | None = None, *,
                 person_id: int | None, not_before: datetime | None = None) -> None:
        self.outbox.enqueue(key, method, payload, now=self.now, edits_key=edits_key, person_id=person_id,
                            not_before=not_before)
        self.enqueued.append(key)

    def _enqueue_many(self, rows: Sequence[Queued]) -> None:
        self.outbox.enqueue_many(rows, now=self.now)
        self.enqueued.extend(row.key for row in rows)

    def post(self, key: str, channel: str, text: str, blocks: list[dict[str, Any]], *, person_id: int | None,
             not_before: datetime | None = None, for_user: str | None = None) -> None:
        """Any other message: one post under its idempotency key; `person_id` is whom a DM is for (None: a
        channel post, for no single person); `not_before` holds it back until then; `for_user` posts it with the
        token of that user's workspace (a `_for` hint, never sent to Slack)."""
        payload: dict[str, Any] = {"channel": channel, "text": text, "blocks": blocks}
        if for_user:
            payload["_for"] = for_user
        self._enqueue(key, "chat.postMessage", payload, person_id=person_id, not_before=not_before)

    def respond(self, key: str, response_url: str, text: str, blocks: list[dict[str, Any]], *,
                person_id: int | None) -> None:
        """A reply only the asker sees, through the slash command's response_url (`person_id`: the asker, None
        when they are not in the roster)."""
        self._enqueue(key, "response_url", {"url": response_url, "body": {
            "response_type": "ephemeral", "text": text, "blocks": blocks}}, person_id=person_id)

    def upload(self, key: str, user_id: str, *, filename: str, title: str, content: bytes,
               person_id: int | None, not_before: datetime | None = None) -> None:
        """A file (a chart, an Excel pack) into a person's DM."""
        self._enqueue(key, "files.uploadV2", {"user": user_id, "filename": filename, "title": title,
                                              "content_base64": base64.b64encode(content).decode()},
                      person_id=person_id, not_before=not_before)

    def upload_chart(self, key: str, user_id: str, *, filename: str, title: str, chart: dict[str, Any],
                     person_id: int | None, not_before: datetime | None = None) -> None:
        """A chart into a person's DM, queued as what it shows (bot.chart_requests): the delivery worker draws the
        PNG when it uploads it, so the job that queues it draws nothing."""
        self._enqueue(key, "files.uploadV2", {"user": user_id, "filename": filename, "title": title, "chart": chart},
                      person_id=person_id, not_before=not_before)

    def open_view(self, trigger_id: str, view: dict[str, Any], *, person_id: int | None,
                  for_user: str | None = None) -> None:
        """A modal, keyed by the trigger so a replayed request opens nothing twice; `for_user` (who clicked) picks
        their workspace's token when the app is installed in several (a `_for` hint, never sent to Slack)."""
        payload: dict[str, Any] = {"trigger_id": trigger_id, "view": view}
        if for_user:
            payload["_for"] = for_user
        self._enqueue(f"view:{trigger_id}", "views.open", payload, person_id=person_id)

    def publish_home(self, user_id: str, view: dict[str, Any], *, version: str, person_id: int | None) -> None:
        self._enqueue(f"home:{user_id}:{version}", "views.publish", {"user_id": user_id, "view": view},
                      person_id=person_id)

    def send_surveys(self, round: RoundInfo, members: Sequence[Member]) -> None:
        """Each member's survey DM, rendered once per language and time zone, enqueued in one statement."""
        rows = []
        for member in members:
            if not member.slack_id:
                continue
            reader = (round.id, member.locale, member.tz)
            if reader not in self._surveys:
                t = Translator.for_person(member.locale, member.tz)
                self._surveys[reader] = survey_message(t, round, {}, bank=self.bank,
                                                       intro=self.template("survey", t.language))
            text, blocks = self._surveys[reader]
            rows.append(Queued(survey_key(round.id, member.person_id), "chat.postMessage",
                               {"channel": member.slack_id, "text": text, "blocks": blocks}, member.person_id))
        self._enqueue_many(rows)

    def refresh_survey(self, round: RoundInfo, member: Member, answers: Answers, *,
                       closed: bool = False) -> None:
        """Edit the survey DM in place; one edit per recorded change, one for the closed state.

        An edit's key is an opaque nonce: nothing in it (no time, no hash of the answers) outlives the round's
        close, when storage.round_close deletes the edits anyway.
        """
        t = Translator.for_person(member.locale, member.tz)
        text, blocks = survey_message(t, round, answers, closed=closed, bank=self.bank,
                                      intro=self.template("survey", t.language))
        key = f"{survey_key(round.id, member.person_id)}:" + (
            "closed" if closed else f"edit:{secrets.token_hex(8)}")
        self._enqueue(key, "chat.update", {"text": text, "blocks": blocks, "_for": member.slack_id},
                      survey_key(round.id, member.person_id), person_id=member.person_id)

    def send_results(self, round: RoundInfo, manager: Member, summary: RoundSummary,
                     history: Sequence[tuple[date, RoundSummary]] = (), *, at: datetime | None = None) -> None:
        """The results DM, then the trend chart as a PNG in the same DM, both held back until `at`."""
        if not manager.slack_id:
            return
        t = Translator.for_person(manager.locale, manager.tz)
        trend = Trend.of(RoundPoint.of_round(day, s) for day, s in history or [(round.cycle_date, summary)])
        text, blocks = results_message(t, round.team_name, summary, trend, bank=self.bank)
        if not summary.withheld:  # the manager picks one thing to change, by figures they may see
            blocks.append(choose_button(t, round.id))
        key = f"results:{round.id}:{manager.person_id}"
        self.post(key, manager.slack_id, text, blocks, person_id=manager.person_id, not_before=at)
        if any(not s.withheld for _, s in history):
            points = [ChartPoint.of_round(t.date(day), s) for day, s in history]
            title = t.gettext("Pulse trend for {team}", team=round.team_name)
            png = trend_chart(t, points, title=title, threshold=summary.threshold)
            self.upload(key + ":chart", manager.slack_id, filename=f"pulse-{round.cycle_date.isoformat()}.png",
                        title=literal(title), content=png, not_before=at,
                        person_id=manager.person_id)  # the image shows the name as it is

    def send_reminders(self, round: RoundInfo, members: Sequence[Member], number: int) -> None:
        rows = []
        for member in members:
            if member.slack_id:
                text, blocks = reminder_message(Translator.for_person(member.locale, member.tz), round, number)
                rows.append(Queued(f"reminder:{round.id}:{member.person_id}:{number}", "chat.postMessage",
                                   {"channel": member.slack_id, "text": text, "blocks": blocks}, member.person_id))
        self._enqueue_many(rows)

    def send_team_summary(self, round: RoundInfo, channel: str, locale: str, summary: RoundSummary) -> None:
        """The team-level summary in the team's channel, in the team's language; never comments."""
        text, blocks = team_summary_message(Translator.for_person(locale), round.team_name, summary, bank=self.bank)
        self.post(f"team-summary:{round.id}", channel, text, blocks, person_id=None)

    def send_rollup(self, round: RoundInfo, admin: Member, result: RollupResult) -> None:
        """The organisation roll-up an admin gets each time a team's round closes."""
        if not admin.slack_id:
            return
        t = Translator.for_person(admin.locale, admin.tz)
        text, blocks = rollup_message(t, result, closed_team=round.team_name)
        self.post(f"rollup:{round.id}:{admin.person_id}", admin.slack_id, text, blocks, person_id=admin.person_id)
