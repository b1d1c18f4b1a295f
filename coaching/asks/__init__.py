"""Asks for help: a rep asks their manager about one deal, and the manager replies, adds it to their one-on-one or
offers to join the next call. Imports the shared coaching modules only; never another feature, bot or storage.
"""
