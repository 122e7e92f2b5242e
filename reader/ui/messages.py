"""What screens ask the App to do: navigation goes up as messages, so no screen imports
the App (harlequin's and toolong's pattern)."""

from __future__ import annotations

from textual.message import Message


class OpenDocument(Message):
    """Show this document of the corpus (replacing the article on screen)."""

    def __init__(self, document_id: int) -> None:
        super().__init__()
        self.document_id = document_id


class ShowLibrary(Message):
    """Back to the library of the corpus."""


class ShowStats(Message):
    """The statistics screen over the corpus."""
