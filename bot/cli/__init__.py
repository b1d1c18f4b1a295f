"""The `salescoach` command line: the parser (main) and the commands; each feature adds its own subcommands."""
