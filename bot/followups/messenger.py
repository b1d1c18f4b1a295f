"""Nudges over the outbox (coaching.followups.ports.NudgeMessenger, coaching.one_on_ones.ports.OneOnOneMessenger):
each nudge rendered in its reader's language and put in the outbox under the nudge's own key; edits in place."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from bot.followups.views import followup_digest_message, nudge_message
from bot.i18n import Translator
from bot.one_on_ones.prep_views import prep_blocks
from bot.one_on_ones.views import outcome_message, overdue_message, recognition_gap_message, reminder_message
from coaching.followups.rules import FollowupDigest, RepNudge
from coaching.one_on_ones.meetings import Agenda, AgendaItem, OutcomePrompt, Overdue, Pair, Reminder
from coaching.one_on_ones.prep import Prep, RecognitionGap
from coaching.timing import Person, at_local
from surveys.ports import Member

if TYPE_CHECKING:
    from bot.bootstrap import Unit


def reminder_key(pair_id: int, day: date, person_id: int) -> str:
    """The key coaching.one_on_ones.meetings gives a reminder: 1on1:{pair}:{meeting date}:reminder:{person}."""
    return f"1on1:{pair_id}:{day.isoformat()}:reminder:{person_id}"


def translator(member: Member | None) -> Translator:
    return Translator.for_person(member.locale if member else None, member.tz if member else None)


class SlackNudges:
    """Implements coaching.followups.ports.NudgeMessenger and coaching.one_on_ones.ports.OneOnOneMessenger over
    one unit's outbox."""

    def __init__(self, u: Unit, *, currency: str) -> None:
        self.u, self.currency = u, currency

    @property
    def enqueued(self) -> list[str]:
        return self.u.messenger.enqueued

    def _member(self, person_id: int) -> Member | None:
        return self.u.people.members([person_id]).get(person_id)

    def _names(self, person_ids: Sequence[int]) -> dict[int, str]:
        return {p: m.name for p, m in self.u.people.members(person_ids).items()}

    def _post(self, key: str, person_id: int, render: Any) -> None:
        member = self._member(person_id)
        if member is None or not member.slack_id:
            return
        text, blocks = render(translator(member))
        self.u.messenger.post(key, member.slack_id, text, blocks, person_id=member.person_id)

    def edit(self, key: str, *, edits_key: str, text: str, blocks: list[dict[str, Any]], for_user: str,
             person_id: int | None) -> None:
        """Edit a DM to `for_user` (person `person_id`) posted under `edits_key` in place (chat.update), once per
        `key`; `for_user` picks their workspace's token when the app is installed in several (a hint never sent
        to Slack)."""
        self.u.outbox.enqueue(key, "chat.update", {"text": text, "blocks": blocks, "_for": for_user}, now=self.u.now,
                              edits_key=edits_key, person_id=person_id)
        self.enqueued.append(key)

    # Follow-ups -----------------------------------------------------------------------------------------------
    def send_rep_nudge(self, rep: Person, nudge: RepNudge) -> None:
        self._post(nudge.key, rep.person_id, lambda t: nudge_message(t, nudge, currency=self.currency))

    def send_followup_digest(self, manager: Person, digest: FollowupDigest) -> None:
        names = self._names([r.rep_id for r in digest.reps])
        self._post(digest.key, manager.person_id,
                   lambda t: followup_digest_message(t, digest, names, currency=self.currency))

    # One-on-ones ----------------------------------------------------------------------------------------------
    def send_one_on_one_reminder(self, person: Person, reminder: Reminder, agenda: Agenda,
                                 prep: Prep | None) -> None:
        pair = self.u.one_on_ones.pair(reminder.pair_id)
        if pair is not None:
            self.reminder(person.person_id, pair, reminder.meeting_on, agenda, prep, key=reminder.key)

    def reminder(self, person_id: int, pair: Pair, meeting_on: date, agenda: Agenda, prep: Prep | None, *,
                 key: str, edit: str | None = None, done: AgendaItem | None = None) -> None:
        """Post a reminder under `key`, or with `edit` (an edit's own key) edit the one posted under `key`."""
        names = self._names([pair.manager_id, pair.rep_id])
        member, manager = self._member(person_id), self.u.one_on_ones.person(pair.manager_id)
        if member is None or not member.slack_id or manager is None:
            return
        t = translator(member)
        other = names.get(pair.rep_id if person_id == pair.manager_id else pair.manager_id, "?")
        text, blocks = reminder_message(
            t, other=other, starts_at=at_local(meeting_on, pair.cadence.at, manager.tz), agenda=agenda, names=names,
            reminder_key=key, prep=prep_blocks(t, prep, currency=self.currency) if prep else [], done=done)
        if edit is None:
            self.u.messenger.post(key, member.slack_id, text, blocks, person_id=person_id)
        else:
            self.edit(edit, edits_key=key, text=text, blocks=blocks, for_user=member.slack_id, person_id=person_id)

    def ask_one_on_one_outcome(self, manager: Person, prompt: OutcomePrompt) -> None:
        pair = self.u.one_on_ones.pair(prompt.pair_id)
        rep = self._names([pair.rep_id]).get(pair.rep_id, "?") if pair else "?"
        self._post(prompt.key, manager.person_id, lambda t: outcome_message(
            t, rep=rep, pair_id=prompt.pair_id, meeting_on=prompt.meeting_on, key=prompt.key))

    def send_one_on_one_overdue(self, manager: Person, overdue: Overdue) -> None:
        pair = self.u.one_on_ones.pair(overdue.pair_id)
        rep = self._names([overdue.rep_id]).get(overdue.rep_id, "?")
        self._post(overdue.key, manager.person_id, lambda t: overdue_message(
            t, overdue, rep=rep, cadence=pair.cadence.kind if pair else ""))

    def send_recognition_gap(self, manager: Person, gap: RecognitionGap) -> None:
        rep = self._names([gap.rep_id]).get(gap.rep_id, "?")
        self._post(gap.key, manager.person_id, lambda t: recognition_gap_message(t, gap, rep=rep))
