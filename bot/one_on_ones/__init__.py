"""One-on-ones in Slack: /oneonone, reminders with the agenda and prep, outcome prompts and their buttons.
Imports shared bot modules, bot.runtime, bot.followups (the nudge messenger), the domain and storage."""
