"""Survey listeners: answer buttons, the comment modal; each acks, parses, calls one service, sends once."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from logging import Logger
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot import ids
from bot.bootstrap import Services
from bot.i18n import Translator
from bot.people.identity import log_stranger
from bot.runtime.batches import Batches
from bot.surveys import usecases
from bot.surveys.messages import answers_view, comment_view, parse_answers
from bot.surveys.usecases import Click
from storage.identity import Origin

ACKS_FIRST = 1.0  # seconds an answer may wait for a burst of acks to go out before it is recorded anyway
RECORD_AT_MOST = 500  # answers recorded in one transaction
log = logging.getLogger(__name__)


class SurveyListeners:
    """Reps answer a pulse survey in its DM: a click records or changes an answer and edits the DM in place."""

    def __init__(self, services: Services) -> None:
        self.services = services
        # A whole team answers at 09:00: every click is acked at once and handed over here, after its ack. In bolt's
        # 5-thread listener executor the work would hold later acks back; bolt's lazy= copies and parses each
        # request again; more threads take the GIL from the acks (python -m bench.ack). Answers waiting are recorded
        # together, in one transaction (SQLite has one writer); one lane on SQLite, two on PostgreSQL.
        lanes = 1 if services.engine.dialect.name == "sqlite" else 2
        self.recorder: Batches[Click] = Batches(self.record_answers, lanes=lanes, limit=RECORD_AT_MOST,
                                                yield_to=services.in_flight.wait_quiet, name="survey-answers")
        # Each answer's DM edit goes out from here, as many at once as the delivery has workers, so the next answers
        # are recorded meanwhile; App Home refreshes (coalesced per person) wait for these (Services.answering).
        self.edits = EditSender(services)

    def register(self, app: App) -> None:
        app.action(ids.ACTION_SURVEY_ANSWER_RE)(self.on_answer)
        app.action(ids.ACTION_SURVEY_COMMENT)(self.on_comment_button)
        app.view(ids.VIEW_SURVEY_COMMENT)(self.on_comment_submitted)
        app.action(ids.ACTION_SURVEY_OPEN)(self.on_open_survey)
        app.view(ids.VIEW_SURVEY_ANSWERS)(self.on_answers_submitted)

    def on_open_survey(self, ack: Ack, body: dict[str, Any]) -> None:
        """Longer surveys: the DM's button opens a modal prefilled with the person's own answers."""
        ack()
        result = usecases.answers_form(self.services, slack_user=body["user"]["id"],
                                       round_id=int(body["actions"][0]["value"]))
        if result.status != "open" or result.member is None or result.round is None:
            return
        t = Translator.for_person(result.member.locale, result.member.tz)
        with self.services.unit() as u:
            u.messenger.open_view(body["trigger_id"], answers_view(t, result.round, result.answers, bank=result.bank),
                                  for_user=body["user"]["id"], person_id=result.member.person_id)
            keys = u.messenger.enqueued
        self.services.delivery.drain(keys=keys)

    def on_answers_submitted(self, ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        answers, comment_text = parse_answers(view["state"]["values"])
        result = usecases.submit_answers(self.services, slack_user=body["user"]["id"],
                                         round_id=int(view["private_metadata"]), answers=answers,
                                         comment_text=comment_text)
        if result.status == "closed":
            t = Translator.for_person(result.member.locale if result.member else None)
            ack(response_action="errors", errors={"comment": t.gettext("This round is closed.")})
            return
        ack()
        self.services.delivery.drain(keys=result.keys)

    def on_answer(self, ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        ack()
        action = body["actions"][0]
        round_id, rest = action["value"].split(":", 1)
        question_id, value = rest.rsplit(":", 1)  # a focus's follow-up question's id has a colon: focus:{id}
        # admitted when recorded (bot.people.identity); without the gate's origin, nobody may act for anyone
        click = Click(body["user"]["id"], int(round_id), question_id, int(value), action.get("action_ts"),
                      origin=context.get("origin") or Origin(None))
        self.services.answering.begin()  # ended once its DM edit went out (or there was none)
        self.recorder.submit(click, lane=click.slack_user, yield_until=time.monotonic() + ACKS_FIRST)

    def record_answers(self, clicks: list[Click]) -> None:
        """Every click waiting, recorded in one transaction; if that transaction fails, each click alone."""
        try:
            results = usecases.answer_many(self.services, clicks)
        except Exception as exc:
            log.warning("recording %d survey answers together failed (%s); recording each alone", len(clicks),
                        type(exc).__name__)
            results = [self._alone(click) for click in clicks]
        for click, result in zip(clicks, results, strict=True):
            if result.error is not None:
                log.error("listener failed on block_actions: %s", type(result.error).__name__, exc_info=result.error)
            elif result.status == "stranger":
                log_stranger(click.origin.team_id if click.origin else None)
            else:
                log.info("survey answer on round %s: %s", click.round_id, result.status)
        self.edits.send([result.keys for result in results])  # ends each answer's share of Services.answering

    def _alone(self, click: Click) -> usecases.Result:
        try:
            return usecases.answer_many(self.services, [click])[0]
        except Exception as exc:
            return usecases.Result("failed", error=exc)

    def on_comment_button(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        round_id = int(body["actions"][0]["value"])
        t = Translator.for_person(body["user"].get("locale"))
        with self.services.unit() as u:
            member = u.people.by_slack_id(body["user"]["id"])
            if member is not None:
                t = Translator.for_person(member.locale, member.tz)
            u.messenger.open_view(body["trigger_id"], comment_view(t, round_id), for_user=body["user"]["id"],
                                  person_id=member.person_id if member else None)
            keys = u.messenger.enqueued
        self.services.delivery.drain(keys=keys)

    def on_comment_submitted(self, ack: Ack, body: dict[str, Any], view: dict[str, Any], logger: Logger) -> None:
        text = view["state"]["values"]["comment"]["text"].get("value") or ""
        result = usecases.comment(self.services, slack_user=body["user"]["id"],
                                  round_id=int(view["private_metadata"]), text=text)
        if result.status == "closed":
            t = Translator.for_person(result.member.locale if result.member else None)
            ack(response_action="errors", errors={"comment": t.gettext("This round is closed.")})
            return
        ack()
        logger.info("survey comment: %s", result.status)


class EditSender:
    """Sends answers' DM edits from a few threads, a recorded batch shared out between them (each share claimed,
    sent and settled together); each answer's share of Services.answering ends once its edit has been tried."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self._workers = services.settings.delivery_workers
        self._pool = ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix="survey-edits")

    def send(self, answers: list[list[str]]) -> None:
        """Each answer's outbox keys (an answer that changed nothing has none and is done at once)."""
        edited = [keys for keys in answers if keys]
        for _ in range(len(answers) - len(edited)):
            self.services.answering.end()
        share = max(1, min(self.services.delivery.batch, -(-len(edited) // self._workers)))
        for start in range(0, len(edited), share):
            self._pool.submit(self._drain, edited[start:start + share]).add_done_callback(_log_failure_to(log))

    def _drain(self, taken: list[list[str]]) -> None:
        try:
            self.services.delivery.drain(keys=[k for keys in taken for k in keys])
        finally:
            for _ in taken:
                self.services.answering.end()


def _log_failure_to(logger: Logger) -> Callable[[Future[None]], None]:
    return lambda done: _log_failure(done, logger)


def _log_failure(done: Future[None], logger: Logger) -> None:
    """What @app.error says about a listener, for the recording that runs after the ack."""
    error = done.exception()
    if error is not None:
        logger.error("listener failed on block_actions: %s", type(error).__name__, exc_info=error)
