"""One-on-ones: cadences, agendas, reminders, outcomes, the manager's prep and recognition gaps.

Imports the shared coaching modules (access, clicks, timing); never another coaching feature, bot or storage.
"""
