"""Coaching domains, pure Python over plain values: performance, followups, one_on_ones, recognition, each a package.

Shared by all of them here: access (the org chart), clicks (click order), periods and timing (working mornings).
May import only the standard library, Babel-free plain code and surveys.availability; never bot or storage.
"""
