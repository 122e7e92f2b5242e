"""Subcommands other than `open`, each in its own module, imported only when run."""
