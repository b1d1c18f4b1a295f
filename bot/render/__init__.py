"""Block Kit builders: domain results -> (fallback text, blocks) in the reader's language."""
