"""Answering a survey: record or change answers while the round is open (a click or the whole modal), prefill
the modal with the person's own answers, and take the optional comment; the survey DM is edited once each time."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from surveys.ports import Answers, Messenger, RoundInfo, SurveyStore
from surveys.service import SurveyError


@dataclass(frozen=True)
class AnswerOutcome:
    status: str  # "recorded" | "unchanged" | "closed" | "not_invited"
    round: RoundInfo | None = None


def record_answer(store: SurveyStore, messenger: Messenger, *, round_id: int, person_id: int, question_id: str,
                  value: int, now: datetime, action_ts: str | None = None) -> AnswerOutcome:
    """Record or change one answer while the round is open; a repeat of the same answer changes nothing, and
    neither does a late copy of a click older than the one that set the answer (`action_ts`, Slack's time)."""
    return record_answers(store, messenger, round_id=round_id, person_id=person_id, answers={question_id: value},
                          now=now, action_ts=action_ts)


def record_answers(store: SurveyStore, messenger: Messenger, *, round_id: int, person_id: int,
                   answers: Mapping[str, int | str], now: datetime, action_ts: str | None = None) -> AnswerOutcome:
    """Record or change answers (one click, or a whole modal) and edit the survey DM once.

    Scales and single choice take an int (the value, or the option's index); free text takes a str. A modal
    has no click time: it always applies, and keeps the stamp of the last click, so a late copy of that click
    still loses.
    """
    round_ = store.round(round_id)
    if round_ is None:
        raise SurveyError(f"round {round_id} does not exist")
    bank = store.bank()
    for question_id, value in answers.items():
        q = bank.get(question_id)
        if q is None or question_id not in round_.questions:
            raise SurveyError(f"round {round_id} has no question {question_id!r}")
        if q.kind == "text" and not isinstance(value, str):
            raise SurveyError(f"question {question_id!r} takes a written answer")
        if q.kind != "text" and (isinstance(value, str) or value not in q.scale):
            raise SurveyError(f"{value!r} is not on the scale of question {question_id!r}")
    member = store.member(person_id)
    if not round_.is_open(now):
        if member is not None and store.was_invited(round_id, person_id):
            messenger.refresh_survey(round_, member, {}, closed=True)
        return AnswerOutcome("closed", round_)
    token = store.token_of(round_id, person_id)
    if token is None or member is None:
        return AnswerOutcome("not_invited", round_)
    stamp = action_ts
    changed = [store.save_answer(round_id=round_id, token=token, question_id=qid, value=value, comment=None,
                                 action_ts=stamp)
               if isinstance(value, int) else
               store.save_answer(round_id=round_id, token=token, question_id=qid, value=None,
                                 comment=value.strip()[:2000] or None, action_ts=stamp)
               for qid, value in answers.items()]
    if not any(changed):
        return AnswerOutcome("unchanged", round_)
    store.mark_responded(round_id, person_id)
    messenger.refresh_survey(round_, member, store.answers_of(round_id, token))
    return AnswerOutcome("recorded", round_)


def current_answers(store: SurveyStore, *, round_id: int, person_id: int) -> Answers:
    """A respondent's own answers while the round is open (to prefill the modal); nothing once it closed."""
    token = store.token_of(round_id, person_id)
    return store.answers_of(round_id, token) if token else {}


def record_comment(store: SurveyStore, *, round_id: int, person_id: int, comment: str, now: datetime) -> str:
    round_ = store.round(round_id)
    if round_ is None or not round_.is_open(now):
        return "closed"
    token = store.token_of(round_id, person_id)
    if token is None:
        return "not_invited"
    text = comment.strip()[:2000]
    store.save_answer(round_id=round_id, token=token, question_id="_comment", value=None, comment=text or None)
    return "recorded"
