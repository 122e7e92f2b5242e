"""Errors a user can act on: the CLI prints them as one line, never a traceback."""


class ReaderError(Exception):
    """A problem with the user's input or environment, told in one plain sentence."""
