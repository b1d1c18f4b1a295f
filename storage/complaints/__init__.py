"""Complaints over SQL: the table, the repository, and the cases import."""
