"""`salescoach demo`: the real bot against the Slack double, two weeks of a team in about fifteen seconds, and
its transcript. May import anything in bot; nothing imports it but the CLI."""
