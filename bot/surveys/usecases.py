"""Application services: one transaction around one domain call; they return the outbox keys to send now."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.bootstrap import Services, Unit
from bot.surveys.access import may_survey
from storage.identity import Origin
from surveys import answering, service
from surveys.ports import Answers, Member, RoundInfo
from surveys.questions import STARTER, QuestionBank
from surveys.service import QuestionCount, SurveyError, TeamHasSurvey


@dataclass
class Result:
    status: str
    keys: list[str] = field(default_factory=list)
    member: Member | None = None
    round: RoundInfo | None = None
    detail: str = ""
    answers: Answers = field(default_factory=dict)
    bank: QuestionBank = STARTER
    error: Exception | None = None  # why an answer of a batch was not recorded ("failed")


@dataclass(frozen=True)
class Click:
    """One answer button clicked, as plain values: who, which round and question, the value, Slack's time."""

    slack_user: str
    round_id: int
    question_id: str
    value: int
    action_ts: str | None = None
    origin: Origin | None = None  # the workspace the click came from; None: not from Slack (the demo, tests)


def answer(services: Services, *, slack_user: str, round_id: int, question_id: str, value: int,
           now: datetime | None = None, action_ts: str | None = None) -> Result:
    """One click, as a burst of one; a click the domain refuses raises its error."""
    result = answer_many(services, [Click(slack_user, round_id, question_id, value, action_ts)], now=now)[0]
    if result.error is not None:
        raise result.error
    return result


def answer_many(services: Services, clicks: Sequence[Click], *, now: datetime | None = None) -> list[Result]:
    """A burst of clicks recorded in one transaction (group commit), in the order given, each decided by the domain
    as if alone: what they need is read up front and their answers, DM edits and marks written together at the end
    (storage.answer_batch). Each recorded answer has its own DM edit under its own outbox key; a copy of a click
    already in the batch changes nothing; a click that fails ("failed", with its error) leaves nothing behind."""
    results: list[Result] = []
    with services.unit(now) as u:
        refused = _strangers(u, clicks)
        members = u.people.by_slack_ids(click.slack_user for i, click in enumerate(clicks) if i not in refused)
        store, messenger, outbox = u.answer_batch(
            people=[(c.round_id, members[c.slack_user].person_id) for c in clicks if c.slack_user in members],
            members={member.person_id: member for member in members.values()})
        for i, click in enumerate(clicks):
            member = members.get(click.slack_user)
            if i in refused:
                results.append(Result("stranger"))  # another workspace's person's id: read and changed nothing
                continue
            if member is None:
                results.append(Result("unknown_person"))
                continue
            checkpoint, held, enqueued = store.checkpoint(), len(outbox.held), len(messenger.enqueued)
            try:
                outcome = answering.record_answer(store, messenger, round_id=click.round_id, person_id=member.person_id,
                                                question_id=click.question_id, value=click.value, now=u.now,
                                                action_ts=click.action_ts)
            except Exception as exc:  # this click only; a broken transaction fails the write below, for all
                store.undo(checkpoint)
                del outbox.held[held:], messenger.enqueued[enqueued:]
                results.append(Result("failed", member=member, error=exc))
                continue
            results.append(Result(outcome.status, messenger.enqueued[enqueued:], member, outcome.round))
        store.write()
        outbox.write(now=u.now)
    for click, result in zip(clicks, results, strict=True):
        if result.status == "recorded":
            services.refresh_home_later(click.slack_user)  # once committed; a burst publishes App Home once
    return results


def _strangers(u: Unit, clicks: Sequence[Click]) -> set[int]:
    """Which clicks came from a workspace that may not act for the person their user id is linked to; the others'
    people are tied to their click's workspace if not bound to one yet (the identity gate's rule, for a burst)."""
    from_slack = [(i, click.slack_user, click.origin) for i, click in enumerate(clicks) if click.origin is not None]
    verdicts = u.admissions([(slack_user, origin) for _, slack_user, origin in from_slack])
    return {i for (i, _, _), verdict in zip(from_slack, verdicts, strict=True) if verdict == "stranger"}


def answers_form(services: Services, *, slack_user: str, round_id: int) -> Result:
    """What the long-survey modal needs: the round and the person's own answers so far."""
    with services.unit() as u:
        member = u.people.by_slack_id(slack_user)
        round_ = u.surveys.round(round_id)
        if member is None or round_ is None:
            return Result("unknown_person")
        if not round_.is_open(u.now):
            return Result("closed", member=member, round=round_)
        return Result("open", member=member, round=round_, answers=answering.current_answers(
            u.surveys, round_id=round_id, person_id=member.person_id), bank=u.surveys.bank())


def submit_answers(services: Services, *, slack_user: str, round_id: int, answers: dict[str, int | str],
                   comment_text: str) -> Result:
    """A whole modal at once: every answer, then the comment, in one transaction; the DM is edited once."""
    with services.unit() as u:
        member = u.people.by_slack_id(slack_user)
        if member is None:
            return Result("unknown_person")
        outcome = answering.record_answers(u.surveys, u.messenger, round_id=round_id, person_id=member.person_id,
                                         answers=answers, now=u.now)
        if outcome.status != "closed" and comment_text.strip():
            answering.record_comment(u.surveys, round_id=round_id, person_id=member.person_id, comment=comment_text,
                                   now=u.now)
        result = Result(outcome.status, u.messenger.enqueued, member, outcome.round)
    if result.status == "recorded":
        services.refresh_home_later(slack_user)
    return result


def comment(services: Services, *, slack_user: str, round_id: int, text: str) -> Result:
    with services.unit() as u:
        member = u.people.by_slack_id(slack_user)
        if member is None:
            return Result("unknown_person")
        status = answering.record_comment(u.surveys, round_id=round_id, person_id=member.person_id, comment=text,
                                        now=u.now)
        return Result(status, member=member)


def create_survey(services: Services, *, created_by: str | None, team: str, question_ids: list[str], cadence: str,
                  weekday: str, send_time: str, now: datetime | None = None, origin: str | None = None,
                  rotate: bool = False, share_with_team: bool = False, also: bool = False) -> Result:
    """Create a survey; a Slack user must manage the team (admins manage all). A team with an active survey gets
    a second only with `also`."""
    with services.unit(now) as u:
        member = u.people.by_slack_id(created_by) if created_by else None
        if created_by is not None:
            if member is None:
                return Result("unknown_person")
            if not may_survey(u, member, team):
                return Result("forbidden", member=member)
        try:
            survey_id = service.create_survey(
                u.surveys, team=team, question_ids=question_ids, cadence=cadence, weekday=weekday,
                send_time=send_time, now=u.now, created_by=member.person_id if member else None, origin=origin,
                rotate=rotate, share_with_team=share_with_team, only_one=not also)
        except (TeamHasSurvey, QuestionCount) as exc:  # the two a modal can meet: said in the asker's language
            return Result("invalid", member=member, detail=str(exc), error=exc)
        except SurveyError as exc:
            return Result("invalid", member=member, detail=str(exc))
        return Result("created", member=member, detail=str(survey_id))

