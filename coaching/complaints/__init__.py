"""Customer complaints answered within hours: working-hours due times, the owner's nudges and the manager's word."""
