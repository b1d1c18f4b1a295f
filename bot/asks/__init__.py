"""Asks for help in Slack: the "Need help" button on a deal, the rep's note, the manager's DM and its answers."""
