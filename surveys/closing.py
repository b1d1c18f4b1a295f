"""Closing a round: the round is closed and who answered what forgotten (the store's part), then each audience is
sent only what surveys.visibility lets it see: managers the results in their working hours, a shared team summary,
admins the roll-up."""

from __future__ import annotations

from datetime import datetime

from surveys.availability import DEFAULT_WORKING_TIME
from surveys.ports import Messenger, RoundInfo, SurveyStore
from surveys.results import DEFAULT_THRESHOLD, RoundSummary, summarize_round
from surveys.service import SurveyError
from surveys.visibility import Audience, what_may_see


def close_due_rounds(store: SurveyStore, messenger: Messenger, *, now: datetime,
                     threshold: int = DEFAULT_THRESHOLD) -> list[RoundInfo]:
    closed = []
    for round_ in store.rounds_to_close(now):
        closed.append(_close(store, messenger, round_, now, threshold, in_working_hours=True))
    return closed


def close_round_now(store: SurveyStore, messenger: Messenger, *, survey_id: int, now: datetime,
                    threshold: int = DEFAULT_THRESHOLD) -> RoundInfo:
    round_ = store.open_round_of(survey_id)
    if round_ is None:
        raise SurveyError(f"survey {survey_id} has no open round")
    return _close(store, messenger, round_, now, threshold, in_working_hours=False)  # asked for now: answered now


def _close(store: SurveyStore, messenger: Messenger, round_: RoundInfo, now: datetime,
           threshold: int, *, in_working_hours: bool) -> RoundInfo:
    """Close, forget who answered what, then send each audience only what surveys.visibility lets it see."""
    store.close_round(round_.id, now)
    plan = store.plan(round_.survey_id)
    if plan is not None:
        team = what_may_see(store, Audience(frozenset({plan.team_name.lower()})), threshold=threshold)
        history = team.history(survey_id=round_.survey_id)
        summary = team.of_round(round_.id)
        if summary is not None:
            for manager in store.managers_of(plan.team_id):  # in each manager's working hours
                at = (DEFAULT_WORKING_TIME.next_moment(now, manager.tz, store.holidays_of(manager.team_id))
                      if in_working_hours else None)
                messenger.send_results(round_, manager, summary, history, at=at)
            channel = store.team_channel(plan.team_id) if plan.share_with_team else None
            if channel is not None and not summary.withheld:
                messenger.send_team_summary(round_, channel[0], channel[1], summary)
    admins = store.admins()
    if admins:
        rollup = what_may_see(store, Audience.admin(), threshold=threshold).rollup
        if rollup is not None:
            for admin in admins:
                messenger.send_rollup(round_, admin, rollup)
    return round_


def summarize(store: SurveyStore, round_: RoundInfo, threshold: int) -> RoundSummary:
    """One round under the k-threshold alone; for an open round's live counts (tests, operators). Closed
    rounds are shown through surveys.visibility.what_may_see, which also applies the differencing guard."""
    return summarize_round(question_ids=round_.questions, answers=store.round_answers(round_.id),
                           invited=store.invited_count(round_.id), threshold=threshold, bank=store.bank())
