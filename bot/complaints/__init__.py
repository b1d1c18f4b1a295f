"""Complaints in Slack: `/complaint` and its modal, the owner's DM with Resolve and Snooze, the half-time nudge, the
manager's overdue word, the signed /hooks/complaints route and `salescoach import cases`."""
