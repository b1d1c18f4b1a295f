"""Performance coaching: KPIs from CRM figures, diagnosis rules, the manager digest, trends and the digest's schedule.

Imports the shared coaching modules (access, periods); never another coaching feature, bot or storage.
"""
