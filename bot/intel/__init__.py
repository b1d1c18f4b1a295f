"""/intel in Slack: the modal, the channel post and its reactions, the digest roll-up and the admins' weekly DM."""
