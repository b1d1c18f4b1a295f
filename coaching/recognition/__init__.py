"""Recognition: wins, kudos, company values, quota milestones and the weekly shout-out.

Imports the shared coaching modules (periods); never another coaching feature, bot or storage.
"""
