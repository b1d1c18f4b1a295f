"""Loss reasons: why deals are lost, asked of their owners once (and reminded once), and what the answers add up to."""
