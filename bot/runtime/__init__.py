"""The process machinery: the HTTP server, delivery of the outbox (pacing, leases), the scheduler leader and its
jobs, in-flight requests, OAuth installs, request bodies, input guards, log redaction and serve's start-up
migration (in a child interpreter).

May import bot.bootstrap and storage; the job table imports each feature's job entry point, no feature imports it.
"""
