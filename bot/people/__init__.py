"""People: matching the roster to Slack (directory, profile events), identity bound to a workspace, and the
person export/delete commands. May import the shared bot modules, bot.runtime, surveys, coaching and storage."""
