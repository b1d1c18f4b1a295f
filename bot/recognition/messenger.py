"""The RecognitionMessenger port over the outbox: each win, milestone, kudos and shout-out rendered for its channel
(or receiver) and enqueued once under the record's own key."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence

from bot.messenger import OutboxMessenger
from bot.recognition.messages import (
    kudos_dm,
    kudos_message,
    mentioned,
    milestone_message,
    quiet_note_message,
    shout_out_message,
    translator_for,
    win_message,
)
from coaching.recognition.kudos import CompanyValue, Kudos
from coaching.recognition.quiet import QuietNote
from coaching.recognition.records import Colleague
from coaching.recognition.shout_outs import ShoutOut
from coaching.recognition.wins import Milestone, Win


class RecognitionOutbox:
    """Implements coaching.recognition.ports.RecognitionMessenger; keys: win:{deal} (or win:logged:{id}),
    milestone:{rep}:{period}, kudos:{id}:{channel}, kudos:{id}:dm:{person}, shoutout:{team}:{week} and, for the
    manager's private note, shoutout:{team}:{week}:quiet."""

    def __init__(self, messenger: OutboxMessenger, *, currency: str,
                 values: Callable[[], Sequence[CompanyValue]] = lambda: (),
                 names: Callable[[Collection[str]], Mapping[str, str]] = lambda ids: {},
                 templates: Callable[[str, str], str | None] = lambda name, language: None) -> None:
        """`names`: the roster names of people (by Slack id) that kudos messages name besides their own people;
        `templates(name, language)`: an admin's announcement template (bot.templates), None for the built-in."""
        self.messenger, self.currency, self._values, self._names = messenger, currency, values, names
        self.template = templates

    @property
    def enqueued(self) -> list[str]:
        return self.messenger.enqueued

    def post_win(self, win: Win, *, channel: str, locale: str) -> None:
        t = translator_for(locale)
        text, blocks = win_message(t, win, currency=self.currency, template=self.template("win", t.language))
        self.messenger.post(win.key, channel, text, blocks, person_id=None)

    def post_milestone(self, milestone: Milestone, *, channel: str, locale: str) -> None:
        t = translator_for(locale)
        text, blocks = milestone_message(t, milestone, currency=self.currency,
                                         template=self.template("milestone", t.language))
        self.messenger.post(milestone.key, channel, text, blocks, person_id=None)

    def post_kudos(self, kudos: Kudos, *, channel: str, locale: str) -> None:
        description = next((v.description for v in self._values() if v.name == kudos.value), None)
        text, blocks = kudos_message(translator_for(locale), kudos, description=description,
                                     names=self._names(mentioned([kudos])))
        self.messenger.post(kudos.post_key(channel), channel, text, blocks, person_id=None)

    def dm_kudos(self, kudos: Kudos, *, receiver: Colleague) -> None:
        if not receiver.slack_id:
            return
        text, blocks = kudos_dm(translator_for(receiver.locale, receiver.tz), kudos, receiver,
                                self._names(mentioned([kudos])))
        self.messenger.post(kudos.dm_key(receiver), receiver.slack_id, text, blocks, person_id=receiver.person_id)

    def post_shout_out(self, shout_out: ShoutOut, *, channel: str, locale: str) -> None:
        t = translator_for(locale, shout_out.team.tz)
        text, blocks = shout_out_message(t, shout_out, currency=self.currency,
                                         names=self._names(mentioned(shout_out.kudos)),
                                         template=self.template("shout-out", t.language))
        self.messenger.post(shout_out.key, channel, text, blocks, person_id=None)

    def dm_quiet_note(self, note: QuietNote) -> None:
        if not note.manager.slack_id:
            return
        text, blocks = quiet_note_message(translator_for(note.manager.locale, note.manager.tz), note)
        self.messenger.post(note.key, note.manager.slack_id, text, blocks, person_id=note.manager.person_id)
