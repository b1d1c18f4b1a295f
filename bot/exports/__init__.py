"""Exports for managers: files (xlsx) built only from results the anonymity rules let through."""
