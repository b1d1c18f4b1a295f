"""Pulse surveys and eNPS: question bank, cadences, rounds, answers, scoring and anonymity rules.

Pure Python over plain values: no Slack, SQL, scheduler or templates in here.
"""
