"""Survey listeners: answer buttons, the comment modal; each acks, parses, calls one service, sends once."""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from logging import Logger
from typing import Any

from slack_bolt import Ack, App

from bot import ids
from bot.bootstrap import Services
from bot.i18n import Translator
from bot.surveys import usecases
from bot.surveys.messages import answers_view, comment_view, parse_answers

ACKS_FIRST = 1.0  # seconds an answer may wait for a burst of acks to go out before it is recorded anyway


class SurveyListeners:
    """Reps answer a pulse survey in its DM: a click records or changes an answer and edits the DM in place."""

    def __init__(self, services: Services) -> None:
        self.services = services
        # A whole team answers at 09:00: every click is acked at once and recorded here, after its ack. In bolt's
        # 5-thread listener executor the work would hold later acks back; bolt's lazy= copies and parses each
        # request again; more threads take the GIL from the acks (python -m bench.ack). SQLite has one writer.
        recorders = 1 if services.engine.dialect.name == "sqlite" else 2
        self.recorder = ThreadPoolExecutor(max_workers=recorders, thread_name_prefix="survey-answers")
        # Each answer's DM edit goes out from here, as many at once as the delivery has workers, so the next answer
        # is recorded meanwhile; App Home refreshes (coalesced per person) wait for these (Services.answering).
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

    def on_answer(self, ack: Ack, body: dict[str, Any], logger: Logger) -> None:
        ack()
        action = body["actions"][0]
        round_id, question_id, value = action["value"].split(":")
        self.services.answering.begin()  # ended once its DM edit went out (or there was none)
        recorded = self.recorder.submit(self.record_answer, body["user"]["id"], int(round_id), question_id,
                                        int(value), logger, time.monotonic() + ACKS_FIRST, action.get("action_ts"))
        recorded.add_done_callback(lambda done: _log_failure(done, logger))

    def record_answer(self, slack_user: str, round_id: int, question_id: str, value: int, logger: Logger,
                      acks_first_until: float = 0.0, action_ts: str | None = None) -> None:
        keys: list[str] = []
        try:
            self.services.in_flight.wait_quiet(acks_first_until)  # a burst of clicks: acks first, then the answers
            result = usecases.answer(self.services, slack_user=slack_user, round_id=round_id,
                                     question_id=question_id, value=value, action_ts=action_ts)
            logger.info("survey answer on round %s: %s", round_id, result.status)
            keys = result.keys
        finally:
            self.edits.send(keys)  # ends this answer's share of Services.answering, with or without keys

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
    """Sends answers' DM edits from a few threads, each taking every edit waiting (up to a delivery batch) in one
    drain; each answer's share of Services.answering ends once its edit has been tried."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self._waiting: deque[list[str]] = deque()
        self._pool = ThreadPoolExecutor(max_workers=services.settings.delivery_workers,
                                        thread_name_prefix="survey-edits")

    def send(self, keys: list[str]) -> None:
        if not keys:
            self.services.answering.end()
            return
        self._waiting.append(keys)
        self._pool.submit(self._drain).add_done_callback(_log_failure_to(logging.getLogger(__name__)))

    def _drain(self) -> None:
        taken: list[list[str]] = []
        while self._waiting and len(taken) < self.services.delivery.batch:
            try:
                taken.append(self._waiting.popleft())
            except IndexError:  # another sender took the last one
                break
        try:
            if taken:
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
