"""Toasts and the clipboard, for any screen or widget without going through the App."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.notifications import SeverityLevel

from reader.text.sanitize import safe_text


def tell(app: App[Any], message: str, *, severity: SeverityLevel = "information",
         timeout: float | None = None) -> None:
    """A toast. Messages carry file names, labels and database errors: sanitised and never
    parsed as markup (reader's code calls this, never `notify`)."""
    app.notify(safe_text(message), severity=severity, timeout=timeout, markup=False)


def copy_text(app: App[Any], text: str) -> str:
    """Copy to the system clipboard, else through the terminal (OSC 52, which also works
    over SSH). Returns which one was used."""
    try:
        import pyperclip

        pyperclip.copy(text)
        return "system clipboard"
    except Exception:  # pyperclip raises its own exception types per platform backend
        app.copy_to_clipboard(text)
        return "terminal clipboard (OSC 52)"
