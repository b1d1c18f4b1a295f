"""Follow-up nudges in Slack: the morning nudge, its buttons, the weekly digest, and the nudge messenger that
one-on-ones share. Imports shared bot modules, bot.runtime, the domain and storage; no other feature package."""
