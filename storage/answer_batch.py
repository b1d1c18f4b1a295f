"""A burst of survey answers recorded together (group commit): what its clicks need is read in a few statements up
front (each person's recipient row, locked, and their answers so far) and their changes written in a few at the end;
surveys.service still decides each click, through the SurveyStore port."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from storage.models import Answer, Recipient
from storage.surveys import ADD_ANSWER, CHANGE_ANSWER, SurveyRepository, answer_change
from surveys.ports import Answers, Member

_BATCH = 500  # ids a statement: within every SQLite's limit on bound parameters
_RECIPIENT = cast(Table, Recipient.__table__)
_R = _RECIPIENT.c
_A = cast(Table, Answer.__table__).c
# Recipients in id order, so that two batches (PostgreSQL's two lanes) lock rows in one order.
_RECIPIENTS = (select(_R.person_id, _R.respondent_token, _R.invited)
               .where(_R.round_id == bindparam("round"), _R.person_id.in_(bindparam("people", expanding=True)))
               .order_by(_R.id).with_for_update())
_ANSWERS = (select(_A.id, _A.respondent, _A.question_id, _A.value, _A.comment, _A.action_ts)
            .where(_A.round_id == bindparam("round"), _A.respondent.in_(bindparam("tokens", expanding=True)))
            .order_by(_A.id).with_for_update())
_RESPONDED = update(_RECIPIENT).where(_R.round_id == bindparam("round"),
                                      _R.person_id.in_(bindparam("people", expanding=True)),
                                      _R.responded.is_(False)).values(responded=True)


@dataclass
class _Held:
    """One answer as the batch sees it: `id` None while it is new; `dirty` once the batch changed it."""

    id: int | None
    value: int | None
    comment: str | None
    action_ts: str | None
    dirty: bool = False


class AnswerBatch(SurveyRepository):
    """SurveyStore for a burst of answers to be recorded in one transaction: the recipients and answers of `people`
    ((round, person) pairs) are read, row-locked, when it is made; save_answer, answers_of and mark_responded work on
    what it holds, and write() stores every change. checkpoint() and undo() take back one click's changes."""

    def __init__(self, session: Session, *, people: Sequence[tuple[int, int]], members: Mapping[int, Member]) -> None:
        super().__init__(session)
        self._members = dict(members)
        self._recipients: dict[tuple[int, int], tuple[str | None, bool]] = {}
        self._answers: dict[tuple[int, str], dict[str, _Held]] = {}
        self._responded: dict[tuple[int, int], None] = {}
        self._journal: list[Callable[[], object]] = []  # how to take back each change, in order
        by_round: dict[int, set[int]] = {}
        for round_id, person_id in people:
            by_round.setdefault(round_id, set()).add(person_id)
        connection = session.connection()
        for round_id, person_ids in by_round.items():
            ordered = sorted(person_ids)
            for start in range(0, len(ordered), _BATCH):
                for person_id, token, invited in connection.execute(
                        _RECIPIENTS, {"round": round_id, "people": ordered[start:start + _BATCH]}):
                    self._recipients[round_id, person_id] = (token, bool(invited))
            tokens = sorted(token for (r, _), (token, _) in self._recipients.items() if r == round_id and token)
            for token in tokens:
                self._answers[round_id, token] = {}
            for start in range(0, len(tokens), _BATCH):
                for row_id, token, question_id, value, comment, action_ts in connection.execute(
                        _ANSWERS, {"round": round_id, "tokens": tokens[start:start + _BATCH]}):
                    self._answers[round_id, token][question_id] = _Held(row_id, value, comment, action_ts)

    def checkpoint(self) -> int:
        return len(self._journal)

    def undo(self, checkpoint: int) -> None:
        """Take back every change made since `checkpoint` (a click that failed halfway)."""
        while len(self._journal) > checkpoint:
            self._journal.pop()()

    def member(self, person_id: int) -> Member | None:
        return self._members[person_id] if person_id in self._members else super().member(person_id)

    def was_invited(self, round_id: int, person_id: int) -> bool:
        held = self._recipients.get((round_id, person_id))
        return held[1] if held else super().was_invited(round_id, person_id)

    def token_of(self, round_id: int, person_id: int) -> str | None:
        held = self._recipients.get((round_id, person_id))
        return held[0] if held else super().token_of(round_id, person_id)

    def save_answer(self, *, round_id: int, token: str, question_id: str, value: int | None,
                    comment: str | None = None, action_ts: str | None = None) -> bool:
        answers = self._answers.get((round_id, token))
        if answers is None:
            return super().save_answer(round_id=round_id, token=token, question_id=question_id, value=value,
                                       comment=comment, action_ts=action_ts)
        old = answers.get(question_id)
        if old is None:
            answers[question_id] = _Held(None, value, comment, action_ts, dirty=True)
            self._journal.append(lambda: answers.pop(question_id))
            return True
        write, changed, stamp = answer_change(old.value, old.comment, old.action_ts, value, comment, action_ts)
        if write:
            answers[question_id] = _Held(old.id, value, comment, stamp, dirty=True)
            self._journal.append(lambda: answers.__setitem__(question_id, old))
        return changed

    def answers_of(self, round_id: int, token: str) -> Answers:
        answers = self._answers.get((round_id, token))
        if answers is None:
            return super().answers_of(round_id, token)
        return {qid: a.value if a.value is not None or qid == "_comment" else a.comment for qid, a in answers.items()}

    def mark_responded(self, round_id: int, person_id: int) -> None:
        if (round_id, person_id) not in self._responded:
            self._responded[round_id, person_id] = None
            self._journal.append(lambda: self._responded.pop((round_id, person_id)))

    def write(self) -> None:
        """Every change held, in a few statements: new answers, changed answers, who has now responded."""
        connection = self.session.connection()
        added = [{"round_id": round_id, "respondent": token, "question_id": qid, "value": a.value,
                  "comment": a.comment, "action_ts": a.action_ts}
                 for (round_id, token), answers in self._answers.items() for qid, a in answers.items()
                 if a.id is None]
        changed = [{"row": a.id, "new_value": a.value, "new_comment": a.comment, "new_action_ts": a.action_ts}
                   for answers in self._answers.values() for a in answers.values() if a.id is not None and a.dirty]
        if added:
            connection.execute(ADD_ANSWER, added)
        if changed:
            connection.execute(CHANGE_ANSWER, changed)
        by_round: dict[int, list[int]] = {}
        for round_id, person_id in self._responded:
            by_round.setdefault(round_id, []).append(person_id)
        for round_id, person_ids in by_round.items():
            for start in range(0, len(person_ids), _BATCH):
                connection.execute(_RESPONDED, {"round": round_id, "people": person_ids[start:start + _BATCH]})
        self._journal.clear()
