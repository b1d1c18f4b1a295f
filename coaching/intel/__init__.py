"""Field intelligence from /intel: competitor moves, customer needs and market changes, and their weekly roll-up."""
