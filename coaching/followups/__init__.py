"""Follow-up nudges: the rules over open deals, the rep's morning nudge, the manager's weekly list, Done/Snooze/Mute.

Imports the shared coaching modules (access, clicks, timing); never another coaching feature, bot or storage.
"""
