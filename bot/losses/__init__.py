"""Loss reasons in Slack: the owner's DM asking why a deal was lost, its buttons, its modal, the digest lines."""
