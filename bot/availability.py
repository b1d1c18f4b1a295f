"""The admin's out-of-office and reminder rules, read from settings: shared by every feature that reaches people."""

from __future__ import annotations

from datetime import timedelta

from bot.settings import Settings
from surveys.availability import AwayRule
from surveys.reminders import ReminderPolicy


def away_rule(settings: Settings) -> AwayRule:
    """The out-of-office rule as the admin configured it (SALESCOACH_AWAY_EMOJI / _WORDS), for every nudge."""
    default = AwayRule()
    return AwayRule(emoji=settings.away_emoji or default.emoji, words=settings.away_words or default.words)


def policy(settings: Settings) -> ReminderPolicy:
    """Reminder offsets and the out-of-office rule, as the admin configured them."""
    return ReminderPolicy(offsets=tuple(timedelta(hours=h) for h in settings.reminder_hours), away=away_rule(settings))
